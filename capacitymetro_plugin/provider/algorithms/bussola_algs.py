"""Processing algorithm "Publish bussola": the public web site of a registry (core/bussola)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from capacitymetro_plugin.provider.base import CapaCityMetroAlgorithm


class PublishBussolaAlgorithm(CapaCityMetroAlgorithm):
    """Write the bussola: a static, offline, multilingual web site of the registry's services."""

    GROUP = CapaCityMetroAlgorithm.GROUP_REGISTRY
    NAME = "publish_bussola"
    DISPLAY_NAME = "Publish bussola"
    SHORT_HELP = (
        "Writes the public 'bussola' web site of a registry: a folder (and a zip of it) to put on "
        "any static web host or open straight from disk, with a map and a list of the active "
        "services, search, filters, a printable card per service, 'near me', and its interface in "
        "Italian, English, French, Arabic, Spanish, Ukrainian, Romanian, Bengali, Urdu and "
        "Chinese. Only public fields are written; approximate places show as a ~1 km area and "
        "hidden ones not at all (field location_privacy). With the area's OpenStreetMap extract "
        "(.osm.pbf), 'near me' ranks by walking time and the map shows the streets and water "
        "offline; without it, by straight-line distance on a blank map. With GTFS feeds and a "
        "service date, 'near me' also shows the median time by public transport over the departure "
        "window (default 08:00-09:00) and ranks by the faster of walking and transit. With the "
        "piers of the water buses too (Venice), the extract's ferry routes join them, a boat "
        "every N minutes (an estimate, said on the site)."
    )
    REGISTRY = "REGISTRY"
    TITLE = "TITLE"
    COMUNI = "COMUNI"
    OSM_FILE = "OSM_FILE"
    GTFS = "GTFS"
    GTFS_2 = "GTFS_2"
    DATE = "DATE"
    WINDOW = "WINDOW"
    FERRY_PIERS = "FERRY_PIERS"
    FERRY_HEADWAY = "FERRY_HEADWAY"
    ZIP = "ZIP"
    OUTPUT = "OUTPUT"
    ZIP_FILE = "ZIP_FILE"
    SERVICES = "SERVICES"
    BYTES = "BYTES"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.REGISTRY, self.tr("Registry GeoPackage"), extension="gpkg"
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.TITLE, self.tr("Site title"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.COMUNI,
                self.tr("ISTAT codes of the comuni to publish (comma-separated; empty: all)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.OSM_FILE,
                self.tr("OpenStreetMap extract for walking times (.osm.pbf or .osm; optional)"),
                fileFilter=self.tr("OpenStreetMap extracts (*.osm.pbf *.pbf *.osm)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.GTFS, self.tr("GTFS feed for 'near me' by public transport (zip, optional)"),
                extension="zip", optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterFile(
                self.GTFS_2, self.tr("Second GTFS feed (zip, optional)"), extension="zip",
                optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterString(
                self.DATE, self.tr("Service date of the transit times (YYYY-MM-DD)"),
                optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterString(
                self.WINDOW, self.tr("Departure window of the transit times (HH:MM-HH:MM)"),
                defaultValue="08:00-09:00", optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterFile(
                self.FERRY_PIERS,
                self.tr("Piers of the water buses (points, optional)"),
                fileFilter=self.tr("Stop places (*.geojson *.json *.gpkg)"),
                optional=True,
            )
        )
        self.add_number(
            self.FERRY_HEADWAY, "Minutes between two boats of a line (water buses)",
            defaultValue=20.0, minValue=1.0, optional=True,
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterBoolean(self.ZIP, self.tr("Also write a zip"), defaultValue=True)
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(self.OUTPUT, self.tr("Site folder"))
        )
        self.addOutput(QgsProcessingOutputFile(self.ZIP_FILE, self.tr("Site zip")))
        self.addOutput(QgsProcessingOutputNumber(self.SERVICES, self.tr("Services published")))
        self.addOutput(QgsProcessingOutputNumber(self.BYTES, self.tr("Site size (bytes)")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.bussola import publish, walking_network
        from capacitymetro_plugin.core.bussola.transit import ferry_request, transit_request
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry.open(self.parameterAsFile(parameters, self.REGISTRY, context))
        codes = self.parameterAsString(parameters, self.COMUNI, context)
        comuni = [c.strip() for c in codes.replace(";", ",").split(",") if c.strip()] or None
        osm = self.parameterAsFile(parameters, self.OSM_FILE, context) or None
        feeds = [self.parameterAsFile(parameters, k, context) for k in (self.GTFS, self.GTFS_2)]
        date = self.parameterAsString(parameters, self.DATE, context).strip()
        window = self.parameterAsString(parameters, self.WINDOW, context).strip()
        piers = self.parameterAsFile(parameters, self.FERRY_PIERS, context) or None
        headway = self.parameterAsDouble(parameters, self.FERRY_HEADWAY, context) or None
        ferries = ferry_request(osm, piers, headway)
        # the CLI's call: checked before the long part; the window alone (its default) is no ask
        asked = any(feeds) or ferries is not None
        transit = transit_request(feeds, date, window if asked else None, ferries=ferries)
        network = None
        if osm:
            feedback.pushInfo(self.tr("Building the walking network from {}").format(osm))
            network = walking_network(osm, progress=progress.step(0.0, 0.5))
        res = publish(
            registry,
            self.parameterAsFileOutput(parameters, self.OUTPUT, context),
            title=self.parameterAsString(parameters, self.TITLE, context) or None,
            comuni=comuni,
            make_zip=self.parameterAsBoolean(parameters, self.ZIP, context),
            network=network,
            osm_file=osm,
            transit=transit,
            progress=progress.step(0.5 if osm else 0.0, 1.0),
        )
        if res.transit_times:
            feedback.pushInfo(
                self.tr("Transit minutes for {} ({}): {} kB.").format(
                    date, window or "08:00-09:00", round(res.transit_bytes / 1000)
                )
            )
        feedback.pushInfo(
            self.tr("{} services ({} approximate, {} hidden places), {} kB.").format(
                res.n_services, res.n_approximate, res.n_hidden, round(res.total_bytes / 1000)
            )
        )
        progress.report(1.0)
        return {
            self.OUTPUT: str(res.folder),
            self.ZIP_FILE: str(res.zip_path or ""),
            self.SERVICES: res.n_services,
            self.BYTES: res.total_bytes,
        }


ALGORITHMS = [PublishBussolaAlgorithm]
