"""Public transport: GTFS timetables and RAPTOR routing, on numpy arrays (no QGIS).

Public API:

- :func:`read_gtfs` (a zip or a folder) → :class:`GtfsFeed`, with a :class:`GtfsReport` of the
  problems found by file, row and field; :func:`build_timetable` (one or several feeds, one
  service date) → :class:`Timetable`, times in seconds since midnight of that date.
- :func:`ferry_feed` (OSM ``route=ferry`` ways + piers → a frequency-based GTFS feed, by
  headway where no timetable exists), :func:`ferry_lines`, :func:`write_ferry_gtfs`,
  :func:`ferry_layers` (the lines and piers used, for a map).
- :func:`footpaths_straight_line` / :func:`footpaths_from_matrix` → :class:`Footpaths`;
  :func:`earliest_arrival` (one departure), :func:`range_arrivals` (every minute of a window,
  range RAPTOR) and :func:`travel_time_matrix` (points to points, percentiles over the window);
  :class:`TargetProfiles` / :func:`target_arrivals` (one *backward* profile search from a set of
  targets, read by every origin and departure: what :func:`transit_service_times` uses when
  there are many more origins than services).
- :func:`walks` (access, egress, footpaths and direct walks on the street network, or straight
  lines × a detour factor, flagged) and :func:`transit_service_times`, the one cost interface:
  a :class:`TransitServiceTimes` is a coverage ``ServiceTimes`` (door-to-door minutes per
  service × origin at a percentile of the window), so coverage and E2SFCA run on it unchanged.
- :func:`transit_isochrones` (polygons per threshold, drawn by the walking isochrones' code from
  :func:`transit_node_times`, door-to-door seconds to every street node).

Example
-------
>>> from capacitymetro_plugin.core.transit import read_gtfs, build_timetable
>>> feed = read_gtfs("actv.zip", feed_id="actv")                          # doctest: +SKIP
>>> tt = build_timetable([feed], date="2025-11-19")                       # doctest: +SKIP
"""

from .costs import (
    DEFAULT_PERCENTILES,
    TransitServiceTimes,
    load_timetable,
    parse_clock,
    sector_groups,
    transit_service_times,
    transit_times_from_feeds,
)
from .ferries import (
    FerryLine,
    FerryNetwork,
    ferry_feed,
    ferry_layers,
    ferry_lines,
    read_ferry_ways,
    write_ferry_gtfs,
)
from .gtfs import (
    GtfsFeed,
    GtfsProblem,
    GtfsReport,
    Timetable,
    build_timetable,
    parse_gtfs_time,
    read_gtfs,
)
from .isochrones import transit_isochrones, transit_isochrones_from_feeds, transit_node_times
from .profile import TargetProfiles, target_arrivals
from .raptor import (
    Footpaths,
    RangeResult,
    TravelTimeMatrix,
    access_times,
    earliest_arrival,
    footpaths_from_matrix,
    footpaths_straight_line,
    range_arrivals,
    travel_time_matrix,
)
from .street import StopsOnNetwork, Walks, stops_on_network, street_footpaths, walks

__all__ = [
    "DEFAULT_PERCENTILES",
    "load_timetable",
    "FerryLine",
    "FerryNetwork",
    "ferry_feed",
    "ferry_layers",
    "ferry_lines",
    "read_ferry_ways",
    "write_ferry_gtfs",
    "StopsOnNetwork",
    "TargetProfiles",
    "TransitServiceTimes",
    "Walks",
    "parse_clock",
    "stops_on_network",
    "street_footpaths",
    "sector_groups",
    "transit_isochrones",
    "transit_isochrones_from_feeds",
    "transit_node_times",
    "transit_service_times",
    "transit_times_from_feeds",
    "walks",
    "Footpaths",
    "GtfsFeed",
    "GtfsProblem",
    "GtfsReport",
    "RangeResult",
    "Timetable",
    "TravelTimeMatrix",
    "access_times",
    "build_timetable",
    "earliest_arrival",
    "footpaths_from_matrix",
    "footpaths_straight_line",
    "parse_gtfs_time",
    "range_arrivals",
    "read_gtfs",
    "target_arrivals",
    "travel_time_matrix",
]
