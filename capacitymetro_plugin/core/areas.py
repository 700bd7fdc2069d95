"""Presets for the areas the toolkit knows: ISTAT codes, a metric CRS and default data.

Metropolitan cities are keyed by their ISTAT province code (3 digits); comuni by their 6-digit
code. ``utm_epsg`` is the WGS84/UTM zone used for distances (32 for lon < 12°E, 33 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Area:
    """An analysis area preset."""

    key: str
    name: str
    province_code: str
    utm_epsg: int
    comuni: tuple[str, ...] = ()  # restrict to these comuni (empty: the whole province)
    metropolitan_city: bool = True


AREAS: dict[str, Area] = {
    a.key: a
    for a in (
        Area("torino", "Città metropolitana di Torino", "001", 32632),
        Area("milano", "Città metropolitana di Milano", "015", 32632),
        Area("pioltello", "Pioltello", "015", 32632, comuni=("015175",), metropolitan_city=False),
        Area("belluno", "Provincia di Belluno", "025", 32633, metropolitan_city=False),
        Area("treviso", "Provincia di Treviso", "026", 32633, metropolitan_city=False),
        Area("venezia", "Città metropolitana di Venezia", "027", 32633),
        Area("padova", "Provincia di Padova", "028", 32632, metropolitan_city=False),
        Area("napoli", "Città metropolitana di Napoli", "063", 32633),
        Area("bari", "Città metropolitana di Bari", "072", 32633),
        Area("trento", "Trento", "022", 32632, comuni=("022205",), metropolitan_city=False),
    )
}


def get_area(key: str) -> Area:
    """Return the preset ``key`` or raise an error listing the known ones."""
    try:
        return AREAS[key.lower()]
    except KeyError:
        known = ", ".join(sorted(AREAS))
        raise InputError(
            f"Unknown area {key!r}.",
            fix=f"Use one of: {known}.",
            it=f"Area sconosciuta {key!r}.",
            fix_it=f"Usa una di: {known}.",
        ) from None


def utm_epsg_for_lon(lon: float) -> int:
    """Return the WGS84/UTM EPSG code (north) for a longitude."""
    zone = int((lon + 180) // 6) + 1
    return 32600 + zone
