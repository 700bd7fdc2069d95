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
