"""Public transport: door-to-door travel times by GTFS timetables (core/transit)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from capacitymetro_plugin.compat import SourceType
from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.provider.algorithms.network_algs import _NetworkBase


class _TransitBase(_NetworkBase):
    """Inputs both transit algorithms share: feeds, water buses by headway, day and window."""

    GTFS = "GTFS"
    GTFS_2 = "GTFS_2"
    FERRIES = "FERRIES"
    FERRY_PIERS = "FERRY_PIERS"
    FERRY_HEADWAY = "FERRY_HEADWAY"
    DATE = "DATE"
    WINDOW_START = "WINDOW_START"
    WINDOW_END = "WINDOW_END"
    STEP = "STEP"
    MAX_RIDES = "MAX_RIDES"
    MAX_WALK = "MAX_WALK"

    def add_transit_inputs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                self.GTFS, self.tr("GTFS feed (zip; optional with water buses)"),
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
            QgsProcessingParameterFile(
                self.FERRIES,
                self.tr("Water buses without timetable: OSM extract or layer of lines (optional)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.FERRY_PIERS, self.tr("Piers of the water buses (points, optional)"),
                optional=True,
            )
        )  # fmt: skip
        self.add_number(
            self.FERRY_HEADWAY, "Minutes between two boats of a line (water buses)",
            defaultValue=defaults.FERRY_HEADWAY_MIN, minValue=1,
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterString(self.DATE, self.tr("Service date (YYYY-MM-DD)"))
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.WINDOW_START, self.tr("First departure (HH:MM)"),
                defaultValue=defaults.TRANSIT_WINDOW[0],
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterString(
                self.WINDOW_END, self.tr("End of the departure window (HH:MM, excluded)"),
                defaultValue=defaults.TRANSIT_WINDOW[1],
            )
        )  # fmt: skip
        self.add_number(
            self.STEP, "Minutes between departures", defaultValue=defaults.TRANSIT_STEP_MIN,
            minValue=0.1,
        )  # fmt: skip
        self.add_number(
            self.MAX_RIDES, "Most vehicles boarded", integer=True,
            defaultValue=defaults.TRANSIT_MAX_RIDES, minValue=0,
        )  # fmt: skip
        self.add_number(
            self.MAX_WALK, "Longest walk to, from or between stops (minutes)",
            defaultValue=defaults.TRANSIT_MAX_WALK_MIN, minValue=0.5,
        )  # fmt: skip

    def transit_inputs(self, parameters, context) -> dict[str, Any]:
        """The keyword arguments of the core call read from the shared inputs."""
        feeds = [self.parameterAsFile(parameters, k, context) for k in (self.GTFS, self.GTFS_2)]
        ways = self.parameterAsFile(parameters, self.FERRIES, context)
        piers = self.parameterAsFile(parameters, self.FERRY_PIERS, context)
        ferries = None
        if ways or piers:  # one without the other is the core's named error
            ferries = {
                "ways": ways,
                "piers": piers,
                "headway_min": self.parameterAsDouble(parameters, self.FERRY_HEADWAY, context),
            }
        return {
            "feeds": [f for f in feeds if f],
            "ferries": ferries,
            "date": self.parameterAsString(parameters, self.DATE, context).strip(),
            "window": (
                self.parameterAsString(parameters, self.WINDOW_START, context),
                self.parameterAsString(parameters, self.WINDOW_END, context),
            ),
            "step_min": self.parameterAsDouble(parameters, self.STEP, context),
            "max_rides": self.parameterAsInt(parameters, self.MAX_RIDES, context),
            "max_walk_min": self.parameterAsDouble(parameters, self.MAX_WALK, context),
        }


class TransitTravelTimes(_TransitBase):
    NAME = "transittraveltimes"
    DISPLAY_NAME = "Transit travel times"
    SHORT_HELP = (
        "Door-to-door travel time by public transport (GTFS) from every origin to the nearest "
        "service (of a sector, if given): walk to a stop, wait, ride, change, walk to the "
        "service, or walk all the way, over a window of departures; the output gives the "
        "percentiles over the window (minutes) and how walks were measured. With a prepared "
        "walking network walks follow the streets; without one they are straight lines times "
        "1.3 (column walks = straight_line). Water buses without a timetable (Venice) come "
        "from OpenStreetMap ferry lines and a layer of piers, one boat every headway. Times "
        "over 120 minutes are left empty. Random draws: frequency-based trips whose phase the "
        "feed leaves unknown (exact_times=0) run that many times, each with random phases, and "
        "the percentiles pool every draw (an estimate, as R5's Monte Carlo draws; column draws)."
    )
    PERCENTILES = "PERCENTILES"
    ORIGINS = "ORIGINS"
    SECTOR = "SECTOR"
    OPEN_ON_ARRIVAL = "OPEN_ON_ARRIVAL"
    OPEN_STAY = "OPEN_STAY"
    FREQUENCY_DRAWS = "FREQUENCY_DRAWS"
    SEED = "SEED"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_transit_inputs()
        self.add_number_list(
            self.PERCENTILES, "Percentiles over the departures",
            ",".join(f"{p:g}" for p in defaults.TRANSIT_PERCENTILES),
        )  # fmt: skip
        self.add_services_input(self.ORIGINS, "Origins (cells, zones, points)")
        self.add_services_input()
        self.addParameter(
            QgsProcessingParameterString(
                self.SECTOR, self.tr("Sector code (empty: all services)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.NETWORK,
                self.tr("Prepared walking network (.npz; empty: straight lines)"),
                extension="npz",
                optional=True,
            )
        )
        self.add_max_snap()
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.OPEN_ON_ARRIVAL,
                self.tr("Count a service only while open on arrival (opening_hours, that date)"),
                defaultValue=False,
            )
        )
        self.add_number(
            self.OPEN_STAY, "...and open for this many minutes from the arrival (0: at arrival)",
            integer=True, defaultValue=0, minValue=0, optional=True,
        )  # fmt: skip
        self.add_number(
            self.FREQUENCY_DRAWS,
            "Random draws of frequency-based trips (exact_times=0; 0: as if exact)",
            integer=True, defaultValue=defaults.TRANSIT_FREQUENCY_DRAWS, minValue=0,
        )  # fmt: skip
        self.add_number(
            self.SEED, "Seed of the random draws (the same seed, the same draws)", integer=True,
            defaultValue=defaults.TRANSIT_FREQUENCY_SEED, minValue=0,
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Transit travel times"), SourceType.VectorAnyGeometry
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        import numpy as np

        from capacitymetro_plugin.core.transit import transit_times_from_feeds

        network = None
        if self.parameterAsFile(parameters, self.NETWORK, context):
            network = self.load_network(parameters, context)
        origins = self.read_points(parameters, self.ORIGINS, context, feedback, "origins")
        services = self.read_points(parameters, self.SERVICES, context, feedback, "services")
        sector = self.optional_field(parameters, self.SECTOR, context) or "all"
        percentiles = self.parameter_as_number_list(parameters, self.PERCENTILES, context)
        inputs = self.transit_inputs(parameters, context)
        times = transit_times_from_feeds(
            inputs.pop("feeds"),
            origins=origins,
            services=services,
            sectors=[sector],
            network=network,
            percentiles=percentiles,
            percentile=defaults.TRANSIT_PERCENTILE
            if defaults.TRANSIT_PERCENTILE in percentiles
            else percentiles[0],
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            # times above the toolkit's bound are left empty; walking all the way counts up
            # to it too, so no time by transit is longer than on foot
            cutoff_min=defaults.MAX_MINUTES,
            open_on_arrival=self.parameterAsBool(parameters, self.OPEN_ON_ARRIVAL, context),
            open_stay_min=self.parameterAsInt(parameters, self.OPEN_STAY, context),
            frequency_draws=self.parameterAsInt(parameters, self.FREQUENCY_DRAWS, context),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            **inputs,
            progress=progress,
        )
        for warning in times.warnings:
            feedback.pushWarning(warning)
        out = origins.copy()
        nearest = times.group_minutes.get(sector)
        for k, p in enumerate(times.percentiles):
            col = np.full(len(out), np.nan) if nearest is None else nearest[k].copy()
            col[~np.isfinite(col)] = np.nan
            out[f"p{p:g}_min"] = col
        out["walks"] = times.walk_source
        out["draws"] = times.frequency_draws  # > 0: an estimate pooled over that many draws
        path = self.write_vector(out, parameters, self.OUTPUT, context)
        return {
            self.OUTPUT: path, "COUNT": len(out), "WALKS": times.walk_source,
            "FREQUENCY_DRAWS": times.frequency_draws,
        }  # fmt: skip


class TransitIsochrones(_TransitBase):
    NAME = "transitisochrones"
    DISPLAY_NAME = "Transit isochrones"
    SHORT_HELP = (
        "Areas reachable by public transport (GTFS, and water buses by headway) from each "
        "point within each threshold, at a percentile of the departure window: door-to-door "
        "times to every street of the walking network, drawn as the walking isochrones are."
    )
    THRESHOLDS = "THRESHOLDS"
    PERCENTILE = "PERCENTILE"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_transit_inputs()
        self.add_number_list(self.THRESHOLDS, "Thresholds (minutes)", "15,30,45,60")
        self.add_number(
            self.PERCENTILE, "Percentile over the departures",
            defaultValue=defaults.TRANSIT_PERCENTILE, minValue=1, maxValue=100,
        )  # fmt: skip
        self.add_services_input(label="Points (services or homes)")
        self.add_id_field()
        self.add_network_input()
        self.add_max_snap()
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Transit isochrones"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.transit import transit_isochrones_from_feeds

        network = self.load_network(parameters, context)
        points = self.read_points(parameters, self.SERVICES, context, feedback, "services")
        polys, notes = transit_isochrones_from_feeds(
            origins=points,
            network=network,
            thresholds_min=self.parameter_as_number_list(parameters, self.THRESHOLDS, context),
            percentile=self.parameterAsDouble(parameters, self.PERCENTILE, context),
            id_field=self.optional_field(parameters, self.ID_FIELD, context),
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            progress=progress,
            **self.transit_inputs(parameters, context),
        )
        for note in notes:
            feedback.pushWarning(note)
        path = self.write_vector(polys, parameters, self.OUTPUT, context)
        return {self.OUTPUT: path, "COUNT": len(polys)}


ALGORITHMS = [TransitTravelTimes, TransitIsochrones]
