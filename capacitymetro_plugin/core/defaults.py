"""Parameter defaults shared by every door (Processing, the CLI config, the dock).

Processing parameter definitions and :mod:`capacitymetro_plugin.batch` read these names, so a
default changes in one place only. Values are the documented defaults of each analysis.
This module imports nothing of ours, so any module can read it.
"""

from __future__ import annotations

#: E2SFCA distance decays, in the order the Processing enum lists them.
E2SFCA_DECAYS: tuple[str, ...] = ("stepped", "gaussian", "binary")
#: Default decay (Luo & Qi 2009 stepped weights).
E2SFCA_DECAY = "stepped"
#: Default steps ``(upper bound in minutes, weight)`` of the stepped decay.
E2SFCA_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
#: Catchment in minutes for the Gaussian and binary decays.
E2SFCA_THRESHOLD_MIN = 30.0
#: Name of the services' capacity field (people per week).
CAPACITY_FIELD = "capacity"


def steps_text(steps=E2SFCA_STEPS) -> str:
    """Return steps as the ``minutes:weight`` text Processing shows, e.g. ``10:1,20:0.68``."""
    return ",".join(f"{m:g}:{w:g}" for m, w in steps)


#: Population fields the toolkit writes (comuni, cells, zones); Processing preselects them.
POP_FIELD = "pop_total"
FOREIGN_FIELD = "foreign"
#: Population grid cell size in metres.
CELL_SIZE_M = 100.0
#: Longest travel time (minutes) a threshold or standard may ask for: two hours. Beyond that a
#: service is not "reachable" for a planner, and the travel-time matrix grows with the limit.
MAX_MINUTES = 120.0

#: Coverage: travel-time thresholds reported (minutes) and the service standard ("served" when
#: a service is within it). The same in the CLI config, Processing and the dock.
THRESHOLDS_MIN: tuple[float, ...] = (5.0, 10.0, 15.0, 20.0, 30.0)
STANDARD_MIN = 15.0
#: A cell is part of a gap area when it holds more than this many foreign residents.
GAP_MIN_FOREIGN = 1.0


def minutes_text(values=THRESHOLDS_MIN) -> str:
    """Return thresholds as the text Processing shows, e.g. ``5,10,15,20,30``."""
    return ",".join(f"{v:g}" for v in values)


# --- public transport (core/transit) ---------------------------------------------------------
#: Departure window (local time of the feed) and its step, in minutes.
TRANSIT_WINDOW = ("08:00", "09:00")
TRANSIT_STEP_MIN = 1.0
#: Travel-time percentiles over the window (R5's nearest rank), and the one coverage counts.
TRANSIT_PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
TRANSIT_PERCENTILE = 50.0
#: Most vehicles boarded; longest walk to, from or between stops; longest walk all the way.
TRANSIT_MAX_RIDES = 4
TRANSIT_MAX_WALK_MIN = 10.0
TRANSIT_MAX_DIRECT_WALK_MIN = 30.0
#: exact_times=0 frequencies: random draws of their phase (R5's Monte Carlo draws), 0 = as
#: if exact; the seed makes the draws reproducible.
TRANSIT_FREQUENCY_DRAWS = 0
TRANSIT_FREQUENCY_SEED = 0
#: Water buses without a timetable (core/transit/ferries.py): one departure every headway per
#: line and direction from service start to end, at a cruise speed with a stop at each pier.
#: ACTV runs its main lagoon lines every 10-20 minutes by day; 20 is the cautious side.
FERRY_HEADWAY_MIN = 20.0
#: Short crossings (a way shorter than FERRY_CROSSING_MAX_M, e.g. a Grand Canal traghetto).
FERRY_CROSSING_HEADWAY_MIN = 10.0
FERRY_CROSSING_MAX_M = 200.0
FERRY_SERVICE = ("06:00", "23:00")
FERRY_SPEED_KMH = 12.0
FERRY_DWELL_S = 30
#: A pier joins a line within this distance of the way; piers closer than FERRY_MERGE_M along
#: the line are one call (the nearest to the way), the others reached on foot.
FERRY_SNAP_M = 100.0
FERRY_MERGE_M = 100.0

#: Geocoding: street-name similarity (0..1) below which an address stays unmatched.
GEOCODE_MIN_SCORE = 0.8
#: Geocoding: a street-level match of a street spread wider than this (metres) is refused.
GEOCODE_MAX_STREET_EXTENT_M = 3000.0
#: Nominatim: the public instance (override with CAPACITYMETRO_NOMINATIM_URL) and its usage
#: policy's limit of one request per second.
NOMINATIM_URL = "https://nominatim.openstreetmap.org"
NOMINATIM_MIN_INTERVAL_S = 1.0

#: Smallest connected part of a network that is kept, in nodes. A walk or bike network keeps
#: every part with at least this many nodes (islands such as the Giudecca in Venice keep their
#: streets and their services); smaller scraps (a lone footway, a mapping error) are dropped.
#: A car network keeps, of each part joined by streets, its largest strongly connected part
#: when it has at least this many nodes (see ``core.network.build.finish_network``).
MIN_PART_NODES = 3
#: Snapping across parts (``core.network.snapping.snap``): a point whose nearest node lies on a
#: part with fewer than 1/SNAP_LARGER_PART_FACTOR of the nodes of another part joins that larger
#: part instead when the larger part's nearest node is within
#: max(SNAP_LARGER_PART_M, SNAP_LARGER_PART_RATIO × the distance to the nearest node).
#: A part ten times smaller than its neighbour is nearly always a mapping gap (a footway or a
#: courtyard drive not joined to the street it opens on), not an island. Measured on the walk
#: networks (docs/network.md): with 50 m Trento's coverage moved from 35.4 % to 35.2 %, with
#: 100 m it stays at 35.4 % (35.36) and Bari at 4.2 %; Venice's islands are unaffected.
SNAP_LARGER_PART_M = 100.0
SNAP_LARGER_PART_RATIO = 1.5
SNAP_LARGER_PART_FACTOR = 10

# Registry history: who made a change. An explicit editor (Registry.open(path, editor=...), the
# dock passes the QGIS user) wins, then this environment variable, then the login name.
EDITOR_ENV = "CAPACITYMETRO_EDITOR"
