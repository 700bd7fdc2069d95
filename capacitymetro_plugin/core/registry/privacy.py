"""Protected locations in public outputs (``Service.location_privacy``).

- ``exact``: the point is public (the default).
- ``approximate``: public outputs show only a displaced area, the cell of a fixed hexagonal grid
  (EPSG:3035, circumradius :data:`HEX_RADIUS_M`, so ~1 km across and never under 500 m) that
  holds the place. The grid does not depend on the place, so the area is not centred on it and
  its centre says nothing more than "somewhere in this hexagon". Street address and postcode are
  dropped; the comune stays.
- ``hidden``: no place at all in public outputs (no point, address, postcode or comune); the
  service is reached through its stated channel (phone, e-mail or website).

Internal analyses (coverage, access, indices) read the registry directly and keep the exact point.
"""

from __future__ import annotations

import dataclasses
import math

from capacitymetro_plugin.core.errors import InputError

from .model import LOCATION_PRIVACY, Service

HEX_RADIUS_M = 600.0
_ROUND = 5  # decimals of public coordinates (~1 m)


def check_privacy(value: str | None) -> str:
    """Return a valid ``location_privacy`` value (empty = exact) or raise a bilingual error."""
    value = (value or "exact").strip().lower()
    if value not in LOCATION_PRIVACY:
        raise InputError(
            f"location_privacy '{value}' is not one of {', '.join(LOCATION_PRIVACY)}.",
            fix="Use exact, approximate (shown as a ~1 km area) or hidden (no place shown).",
            it=f"location_privacy '{value}' non è tra {', '.join(LOCATION_PRIVACY)}.",
            fix_it="Usa exact, approximate (zona approssimativa di ~1 km) o hidden (nessun luogo mostrato).",
        )
    return value


# printed maps: which points a public map leaves out (an approximate place has no exact point to
# print; the public site shows its hexagon instead). Internal maps (an explicit option) keep all.
MAP_OMITTED_PRIVACY = ("approximate", "hidden")


def public_map_filter(field: str = "location_privacy") -> str:
    """Return a QGIS/OGR SQL filter keeping only the services whose exact point may be printed."""
    omitted = ", ".join(f"'{v}'" for v in MAP_OMITTED_PRIVACY)
    return f'("{field}" IS NULL OR "{field}" = \'\' OR lower("{field}") NOT IN ({omitted}))'


def _transformers():
    from pyproj import Transformer

    return (
        Transformer.from_crs(4326, 3035, always_xy=True),
        Transformer.from_crs(3035, 4326, always_xy=True),
    )


def _hex_cell(x: float, y: float, r: float) -> tuple[float, float]:
    """Centre of the pointy-top hexagon of circumradius ``r`` holding (x, y)."""
    q = (math.sqrt(3) / 3 * x - y / 3) / r
    s = (2 / 3 * y) / r
    # cube rounding
    cx, cz = q, s
    cy = -cx - cz
    rx, ry, rz = round(cx), round(cy), round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy <= dz:
        rz = -rx - ry
    return r * math.sqrt(3) * (rx + rz / 2), r * 1.5 * rz


def approximate_area(lon: float, lat: float) -> dict:
    """Return the public area of an approximate place: GeoJSON Polygon + its centre."""
    fwd, back = _transformers()
    x, y = fwd.transform(lon, lat)
    cx, cy = _hex_cell(x, y, HEX_RADIUS_M)
    ring = []
    for i in range(7):
        a = math.radians(60 * (i % 6) + 30)
        vx, vy = back.transform(cx + HEX_RADIUS_M * math.cos(a), cy + HEX_RADIUS_M * math.sin(a))
        ring.append([round(vx, _ROUND), round(vy, _ROUND)])
    clon, clat = back.transform(cx, cy)
    return {
        "centre": [round(clon, _ROUND), round(clat, _ROUND)],
        "polygon": {"type": "Polygon", "coordinates": [ring]},
    }


def approximate_polygon(lon: float, lat: float):
    """Return the hexagon of :func:`approximate_area` as a shapely Polygon (EPSG:4326).

    The same cell as the bussola and the HSDS export show, so every public output agrees;
    printed maps draw it instead of the exact point.
    """
    from shapely.geometry import shape

    return shape(approximate_area(lon, lat)["polygon"])


def public_service(s: Service) -> Service:
    """Return the copy of ``s`` that public outputs may show (the place protected as set)."""
    mode = check_privacy(s.location_privacy)
    if mode == "exact":
        return s
    if mode == "hidden":  # not even the comune: a small comune would give the place away
        return dataclasses.replace(
            s, lon=None, lat=None, address=None, postcode=None, comune_istat=None, comune_name=None
        )
    if s.lon is None or s.lat is None:
        return dataclasses.replace(s, address=None, postcode=None)
    lon, lat = approximate_area(s.lon, s.lat)["centre"]
    return dataclasses.replace(s, lon=lon, lat=lat, address=None, postcode=None)
