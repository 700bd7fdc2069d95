"""Travel speeds per mode and which streets each mode may use.

Walk and bike use one speed everywhere (4.5 and 15 km/h by default). Car uses the ``maxspeed``
tag where OpenStreetMap has one, else a speed per road class. Every value can be overridden.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from capacitymetro_plugin.core.errors import NetworkError

MODES = ("walk", "bike", "car")

DEFAULT_SPEED_KMH = {"walk": 4.5, "bike": 15.0}

# Typical urban/rural driving speeds in Italy by OSM highway class (km/h).
CAR_SPEEDS_KMH: dict[str, float] = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 50.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 40.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
    "default": 30.0,
}

# Italian implicit speed limits written as zone codes in maxspeed.
_ZONE_SPEEDS = {
    "it:urban": 50.0,
    "it:rural": 90.0,
    "it:trunk": 110.0,
    "it:motorway": 130.0,
    "it:living_street": 10.0,
    "it:zone30": 30.0,
    "walk": 6.0,
}

# Road classes each mode may not use (besides access=no/private and mode-specific tags).
EXCLUDED_HIGHWAYS: dict[str, frozenset[str]] = {
    "walk": frozenset(
        {
            "motorway",
            "motorway_link",
            "trunk",
            "trunk_link",
            "bus_guideway",
            "busway",
            "raceway",
            "construction",
            "proposed",
            "planned",
            "abandoned",
            "razed",
            "platform",
            "no",
        }
    ),
    "bike": frozenset(
        {
            "motorway",
            "motorway_link",
            "trunk",
            "trunk_link",
            "steps",
            "corridor",
            "elevator",
            "escalator",
            "bus_guideway",
            "busway",
            "raceway",
            "construction",
            "proposed",
            "planned",
            "abandoned",
            "razed",
            "platform",
            "no",
        }
    ),
    "car": frozenset(
        {
            "footway",
            "pedestrian",
            "steps",
            "path",
            "cycleway",
            "bridleway",
            "track",
            "corridor",
            "elevator",
            "escalator",
            "bus_guideway",
            "busway",
            "raceway",
            "construction",
            "proposed",
            "planned",
            "abandoned",
            "razed",
            "platform",
            "sidewalk",
            "crossing",
            "services",
            "rest_area",
            "no",
        }
    ),
}

# Mode-specific access tags, most specific first (OSM: motorcar > motor_vehicle > vehicle > access).
_MODE_ACCESS_TAGS = {
    "walk": ("foot",),
    "bike": ("bicycle", "vehicle"),
    "car": ("motorcar", "motor_vehicle", "vehicle"),
}
_NO_ACCESS = {"no", "private"}


def check_mode(mode: str) -> str:
    """Return ``mode`` lower-cased, or raise a bilingual error naming the valid modes."""
    m = str(mode).lower()
    if m not in MODES:
        raise NetworkError(
            f"Unknown travel mode {mode!r}.",
            fix="Use walk, bike or car.",
            it=f"Modalità di spostamento sconosciuta {mode!r}.",
            fix_it="Usa walk (a piedi), bike (bici) o car (auto).",
        )
    return m


def check_speed(value: Any, *, what: str = "speed") -> float:
    """Return ``value`` as a positive finite km/h, or raise a bilingual error."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not math.isfinite(v) or v <= 0:
        raise NetworkError(
            f"The {what} {value!r} km/h is not a positive number.",
            fix="Give a speed greater than zero, in km/h (e.g. 4.5 for walking).",
            it=f"La velocità {what} {value!r} km/h non è un numero positivo.",
            fix_it="Indica una velocità maggiore di zero, in km/h (es. 4,5 a piedi).",
        )
    return v


def resolve_speeds(mode: str, speeds: float | Mapping[str, float] | None) -> dict[str, float]:
    """Return the speed table (km/h) for ``mode`` with user ``speeds`` applied and checked.

    Parameters
    ----------
    mode
        ``"walk"``, ``"bike"`` or ``"car"``.
    speeds
        None for defaults; a number for one speed on every street; or a mapping of road class
        (OSM ``highway``) to km/h, with ``"default"`` for classes not listed.

    Returns
    -------
    dict
        Road class to km/h, always with a ``"default"`` key.
    """
    mode = check_mode(mode)
    table = dict(CAR_SPEEDS_KMH) if mode == "car" else {"default": DEFAULT_SPEED_KMH[mode]}
    if speeds is None:
        return table
    if isinstance(speeds, Mapping):
        for key, value in speeds.items():
            table[str(key)] = check_speed(value, what=f"speed for {key}")
        return table
    return {"default": check_speed(speeds)}


def parse_maxspeed(value: Any) -> float | None:
    """Return a ``maxspeed`` tag as km/h (lowest of a list), or None when it cannot be read."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    values = value if isinstance(value, (list, tuple)) else re.split(r"[;|]", str(value))
    found: list[float] = []
    for raw in values:
        text = str(raw).strip().lower()
        if text in _ZONE_SPEEDS:
            found.append(_ZONE_SPEEDS[text])
            continue
        match = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?$", text)
        if match:
            v = float(match.group(1))
            if match.group(2) == "mph":
                v *= 1.609344
            if v > 0:
                found.append(v)
    return min(found) if found else None


def first_class(highway: Any) -> str:
    """Return one road class for an edge whose ``highway`` may be a list (after simplification)."""
    if isinstance(highway, (list, tuple)):
        return str(highway[0]) if highway else ""
    if highway is None or (isinstance(highway, float) and math.isnan(highway)):
        return ""
    return str(highway)


def allowed(mode: str, tags: Mapping[str, Any]) -> bool:
    """Return True when ``mode`` may travel on a street with OSM ``tags``."""
    classes = tags.get("highway")
    classes = classes if isinstance(classes, (list, tuple)) else [classes]
    excluded = EXCLUDED_HIGHWAYS[mode]
    if any(str(c) in excluded for c in classes if c is not None):
        return False
    for tag in _MODE_ACCESS_TAGS[mode]:
        value = tags.get(tag)
        if value is not None and str(value) in _NO_ACCESS:
            return False
        if value is not None and str(value) in {"yes", "designated", "permissive"}:
            return True
    access = tags.get("access")
    if isinstance(access, (list, tuple)):
        access = access[0]
    if access is not None and str(access) in _NO_ACCESS:
        return False
    if mode == "car" and str(tags.get("service")) in {"private", "emergency_access"}:
        return False
    return True


def car_speed(tags: Mapping[str, Any], table: Mapping[str, float]) -> float:
    """Return the car speed (km/h) of a street: its maxspeed, else its class speed."""
    ms = parse_maxspeed(tags.get("maxspeed"))
    if ms is not None:
        return ms
    cls = first_class(tags.get("highway"))
    return float(table.get(cls, table["default"]))
