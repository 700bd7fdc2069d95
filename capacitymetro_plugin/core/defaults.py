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

#: Geocoding: street-name similarity (0..1) below which an address stays unmatched.
GEOCODE_MIN_SCORE = 0.8
#: Geocoding: a street-level match of a street spread wider than this (metres) is refused.
GEOCODE_MAX_STREET_EXTENT_M = 3000.0
#: Nominatim: the public instance (override with CAPACITYMETRO_NOMINATIM_URL) and its usage
#: policy's limit of one request per second.
NOMINATIM_URL = "https://nominatim.openstreetmap.org"
NOMINATIM_MIN_INTERVAL_S = 1.0
