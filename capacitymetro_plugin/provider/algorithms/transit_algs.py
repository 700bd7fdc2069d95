"""Public transport: door-to-door travel times by GTFS timetables (core/transit)."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from capacitymetro_plugin.compat import SourceType
from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.provider.algorithms.network_algs import _NetworkBase


class TransitTravelTimes(_NetworkBase):
    NAME = "transittraveltimes"
    DISPLAY_NAME = "Transit travel times"
    SHORT_HELP = (
        "Door-to-door travel time by public transport (GTFS) from every origin to the nearest "
        "service (of a sector, if given): walk to a stop, wait, ride, change, walk to the "
        "service, or walk all the way, over a window of departures; the output gives the "
        "percentiles over the window (minutes) and how walks were measured. With a prepared "
        "walking network walks follow the streets; without one they are straight lines times "
        "1.3 (column walks = straight_line)."
    )
    GTFS = "GTFS"
    GTFS_2 = "GTFS_2"
    DATE = "DATE"
    WINDOW_START = "WINDOW_START"
    WINDOW_END = "WINDOW_END"
    STEP = "STEP"
    MAX_RIDES = "MAX_RIDES"
    MAX_WALK = "MAX_WALK"
    PERCENTILES = "PERCENTILES"
    ORIGINS = "ORIGINS"
    SECTOR = "SECTOR"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(self.GTFS, self.tr("GTFS feed (zip)"), extension="zip")
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.GTFS_2, self.tr("Second GTFS feed (zip, optional)"), extension="zip",
                optional=True,
            )
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
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Transit travel times"), SourceType.VectorAnyGeometry
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        import numpy as np

        from capacitymetro_plugin.core.transit import transit_times_from_feeds

        feeds = [self.parameterAsFile(parameters, k, context) for k in (self.GTFS, self.GTFS_2)]
        network = None
        if self.parameterAsFile(parameters, self.NETWORK, context):
            network = self.load_network(parameters, context)
        origins = self.read_points(parameters, self.ORIGINS, context, feedback, "origins")
        services = self.read_points(parameters, self.SERVICES, context, feedback, "services")
        sector = self.optional_field(parameters, self.SECTOR, context) or "all"
        percentiles = self.parameter_as_number_list(parameters, self.PERCENTILES, context)
        times = transit_times_from_feeds(
            [f for f in feeds if f],
            date=self.parameterAsString(parameters, self.DATE, context).strip(),
            origins=origins,
            services=services,
            sectors=[sector],
            window=(
                self.parameterAsString(parameters, self.WINDOW_START, context),
                self.parameterAsString(parameters, self.WINDOW_END, context),
            ),
            step_min=self.parameterAsDouble(parameters, self.STEP, context),
            network=network,
            percentiles=percentiles,
            percentile=defaults.TRANSIT_PERCENTILE
            if defaults.TRANSIT_PERCENTILE in percentiles
            else percentiles[0],
            max_rides=self.parameterAsInt(parameters, self.MAX_RIDES, context),
            max_walk_min=self.parameterAsDouble(parameters, self.MAX_WALK, context),
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
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
        path = self.write_vector(out, parameters, self.OUTPUT, context)
        return {self.OUTPUT: path, "COUNT": len(out), "WALKS": times.walk_source}


ALGORITHMS = [TransitTravelTimes]
