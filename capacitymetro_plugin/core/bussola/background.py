"""The bussola's offline map background and its street names, from the area's own data.

:func:`background` draws the walking network's streets (and, from the OpenStreetMap extract the
network was built from, its water: rivers, lakes, lagoon canals) as SVG path data in the map's
own projection, so the browser paints them with one ``<path>`` per layer and fetches nothing:

- lines are Douglas-Peucker simplified (shapely) at :data:`TOLERANCE_M` in the network's metric
  CRS, then quantised to whole units of about 1 m in a frame local to the area (``x0``, ``y0``,
  ``unit``: ``x = x0 + qx * unit`` in the map's coordinates, longitude and minus the Mercator
  ordinate in degrees, as ``app.js`` draws the services), written as relative moves;
- only what lies within :data:`MARGIN_M` of the published places is kept.

:func:`street_names` gives the typed-address search its streets: every named street of the
extract within the same extent, deduplicated by its accent- and case-free name, with one
representative point each (the middle of its longest stretch). :func:`house_numbers` adds the
extract's house numbers (``addr:housenumber`` of nodes and buildings) to the streets they name.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from pathlib import Path

import numpy as np

OSM_CREDIT = "© OpenStreetMap contributors"
TOLERANCE_M = 4.0  # well under a screen pixel at the map's scales (5-15 m a pixel)
MARGIN_M = 400.0  # beyond the published places, so the outermost ones sit among streets
_WATER_WAYS = ("river", "canal", "stream")


def extent(points: list[tuple[float, float]], *, margin_m: float = MARGIN_M):
    """Return ``(lon0, lat0, lon1, lat1)`` around ``points`` (lon, lat) plus ``margin_m``."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat_mid = (min(lats) + max(lats)) / 2
    mlat = margin_m / 111_320.0
    mlon = margin_m / (111_320.0 * math.cos(math.radians(lat_mid)))
    return (min(lons) - mlon, min(lats) - mlat, max(lons) + mlon, max(lats) + mlat)


def merc(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the map's coordinates of ``lon``, ``lat`` (as ``merc`` in app.js)."""
    y = -np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))
    return np.asarray(lon, dtype=float), y


def _frame(box) -> dict:
    lon0, lat0, lon1, lat1 = box
    unit = 1.0 / (111_320.0 * math.cos(math.radians((lat0 + lat1) / 2)))  # ~1 m in map units
    x0, y0 = merc(np.array([lon0]), np.array([lat1]))  # the north-west corner
    return {"x0": round(float(x0[0]), 6), "y0": round(float(y0[0]), 6), "unit": unit}


def _quantised(lines, frame: dict) -> list[np.ndarray]:
    """Return the vertices of shapely ``lines`` (lon/lat) as integer units of ``frame``, with
    repeated vertices dropped (lines shorter than a unit are left out)."""
    import shapely

    out = []
    for line in shapely.get_parts(lines):
        xy = shapely.get_coordinates(line)
        if len(xy) < 2:
            continue
        x, y = merc(xy[:, 0], xy[:, 1])
        q = np.column_stack(
            [
                np.round((x - frame["x0"]) / frame["unit"]),
                np.round((y - frame["y0"]) / frame["unit"]),
            ]
        ).astype(np.int64)
        q = q[np.r_[True, np.any(np.diff(q, axis=0) != 0, axis=1)]]
        if len(q) >= 2:
            out.append(q)
    return out


def _trails(lines: list[np.ndarray]) -> list[np.ndarray]:
    """Join lines that meet end to end into longer trails through the street graph (greedy):
    each join saves a move and a repeated vertex, and most street corners are passed through."""
    ends: dict[tuple[int, int], list[int]] = {}
    for i, q in enumerate(lines):
        for end in (tuple(q[0]), tuple(q[-1])):
            ends.setdefault(end, []).append(i)
    used = np.zeros(len(lines), dtype=bool)
    order = sorted(range(len(lines)), key=lambda i: (lines[i][0, 1] // 200, lines[i][0, 0]))
    out = []
    for start in order:
        if used[start]:
            continue
        used[start] = True
        trail = [lines[start]]
        tip = tuple(lines[start][-1])
        while True:
            nxt = next((j for j in ends.get(tip, ()) if not used[j]), None)
            if nxt is None:
                break
            used[nxt] = True
            q = lines[nxt] if tuple(lines[nxt][0]) == tip else lines[nxt][::-1]
            trail.append(q[1:])
            tip = tuple(q[-1])
        out.append(np.concatenate(trail))
    return out


def _path(lines, frame: dict, *, closed: bool = False) -> tuple[str, int]:
    """Return SVG path data of shapely ``lines`` (lon/lat) in ``frame`` and its vertex count:
    relative moves throughout (short numbers), rings closed with ``z`` when ``closed``."""
    qs = _quantised(lines, frame)
    if not closed:
        qs = _trails(qs)
    parts = []
    at = np.zeros(2, dtype=np.int64)  # the current point (after z: the ring's start)
    for q in qs:
        d = np.diff(q, axis=0)
        rel = " ".join(f"{a} {b}" for a, b in d).replace(" -", "-")
        m = q[0] - at
        parts.append(f"m{m[0]} {m[1]}l{rel}".replace(" -", "-") + ("z" if closed else ""))
        at = q[0] if closed else q[-1]
    return "".join(parts), int(sum(len(q) for q in qs))


def _to_lonlat(geoms, crs: int):
    import geopandas as gpd

    return gpd.GeoSeries(geoms, crs=crs).to_crs(4326).values


def _water(osm_file: Path, box, crs: int):
    """Return (areas, ways) of water in ``box``: shapely geometries in EPSG:``crs``."""
    import geopandas as gpd
    import pyogrio
    import shapely

    areas = pyogrio.read_dataframe(
        osm_file,
        layer="multipolygons",
        columns=["natural", "landuse", "other_tags"],
        bbox=box,
        where="natural='water' OR landuse='reservoir' OR landuse='basin'",
    )
    ways = pyogrio.read_dataframe(
        osm_file, layer="lines", columns=["waterway"], bbox=box, where="waterway IS NOT NULL"
    )
    ways = ways[ways["waterway"].isin(_WATER_WAYS)]
    clip = shapely.box(*box)
    out = []
    for df in (areas, ways):
        g = gpd.GeoSeries(df.geometry.values, crs=4326).clip(clip).to_crs(crs)
        out.append(g[~g.is_empty].values)
    return out


def background(
    network,
    points: list[tuple[float, float]],
    *,
    osm_file: str | os.PathLike | None = None,
    tolerance_m: float = TOLERANCE_M,
    margin_m: float = MARGIN_M,
) -> dict:
    """Return the background ``{frame, streets, water, waterways, credit, counts}`` of the
    streets of ``network`` (and the water of ``osm_file``) around ``points`` (lon, lat).

    ``streets``, ``water`` (closed areas) and ``waterways`` are SVG path data in ``frame``;
    ``counts`` gives the vertices kept, for the report.
    """
    import shapely
    from pyproj import Transformer

    box = extent(points, margin_m=margin_m)
    frame = _frame(box)
    to_net = Transformer.from_crs(4326, network.crs, always_xy=True)
    xs, ys = to_net.transform([box[0], box[2]], [box[1], box[3]])
    lines = network.segment_lines()
    lines = lines[shapely.intersects(lines, shapely.box(xs[0], ys[0], xs[1], ys[1]))]
    # the two directions of a street share one segment: drawn once
    lines = shapely.simplify(lines, tolerance_m, preserve_topology=False)
    streets, n_streets = _path(_to_lonlat(lines, network.crs), frame)
    out = {"frame": frame, "streets": streets, "credit": _credit(network, osm_file)}
    counts = {"street_segments": int(len(lines)), "street_vertices": n_streets}
    if osm_file is not None:
        areas, ways = _water(Path(osm_file), box, network.crs)
        areas = shapely.simplify(areas, tolerance_m * 2, preserve_topology=True)
        rings = [shapely.boundary(g) for g in areas]
        water, n_water = _path(_to_lonlat(rings, network.crs), frame, closed=True)
        ways = shapely.simplify(ways, tolerance_m, preserve_topology=False)
        waterways, n_ways = _path(_to_lonlat(ways, network.crs), frame)
        out["water"] = water
        out["waterways"] = waterways
        counts.update(water_vertices=n_water, waterway_vertices=n_ways)
    out["counts"] = counts
    return out


def _credit(network, osm_file) -> str:
    source = str(network.meta.get("source", ""))
    if osm_file is not None or source.endswith((".pbf", ".osm")) or "osm" in source.lower():
        return OSM_CREDIT
    return str(network.meta.get("credit") or source or "street network")


def in_frame(frame: dict, lon: float, lat: float) -> list[int]:
    """Return (lon, lat) as whole units of ``frame`` (as the background's vertices)."""
    x, y = merc(np.array([lon]), np.array([lat]))
    return [
        int(round((x[0] - frame["x0"]) / frame["unit"])),
        int(round((y[0] - frame["y0"]) / frame["unit"])),
    ]


def from_frame(frame: dict, qx: float, qy: float) -> tuple[float, float]:
    """Return the lon, lat of whole units ``qx``, ``qy`` of ``frame`` (as app.js)."""
    y = frame["y0"] + qy * frame["unit"]
    lat = math.degrees(2 * math.atan(math.exp(math.radians(-y))) - math.pi / 2)
    return frame["x0"] + qx * frame["unit"], lat


def fold(text: str) -> str:
    """Return ``text`` without accents, lower case (as ``norm`` in app.js)."""
    nfd = unicodedata.normalize("NFD", text or "")
    return "".join(c for c in nfd if not ("\u0300" <= c <= "\u036f")).lower()


def street_names(
    osm_file: str | os.PathLike, points: list[tuple[float, float]], *, margin_m: float = MARGIN_M
) -> list[list]:
    """Return ``[[name, lon, lat], ...]``: the named streets of ``osm_file`` around ``points``,
    one per accent- and case-free name, at the middle of its longest stretch; sorted by name."""
    import geopandas as gpd
    import pyogrio
    import shapely

    box = extent(points, margin_m=margin_m)
    df = pyogrio.read_dataframe(
        osm_file,
        layer="lines",
        columns=["name", "highway"],
        bbox=box,
        where="highway IS NOT NULL AND name IS NOT NULL",
    )
    if df.empty:
        return []
    g = gpd.GeoSeries(df.geometry.values, crs=4326)
    metric = g.to_crs(g.estimate_utm_crs())
    df = df.assign(key=[fold(n).strip() for n in df["name"]], geom=metric.values)
    names, mids = [], []
    for _key, rows in df.groupby("key", sort=True):
        merged = shapely.line_merge(shapely.union_all(rows["geom"].values))
        parts = shapely.get_parts(merged)
        longest = parts[int(np.argmax(shapely.length(parts)))]
        mids.append(shapely.line_interpolate_point(longest, 0.5, normalized=True))
        names.append(rows["name"].mode().iloc[0])  # the spelling most of its ways carry
    lonlat = shapely.get_coordinates(gpd.GeoSeries(mids, crs=metric.crs).to_crs(4326).values)
    out = [
        [name, round(float(lon), 5), round(float(lat), 5)]
        for name, (lon, lat) in zip(names, lonlat)
        if box[0] <= lon <= box[2] and box[1] <= lat <= box[3]
    ]
    out.sort(key=lambda r: fold(r[0]))
    return out


_TAG = r'"{}"=>"((?:[^"\\]|\\.)*)"'
_NUMBER_RE = re.compile(_TAG.format(re.escape("addr:housenumber")))
_STREET_RE = re.compile(_TAG.format(re.escape("addr:street")))


def house_key(number: str) -> str:
    """The number as the search compares it: letters and digits only, lower case ("12/A" -> "12a")."""
    return "".join(c for c in fold(number) if c.isalnum())


def house_numbers(
    osm_file: str | os.PathLike, points: list[tuple[float, float]], *, margin_m: float = MARGIN_M
) -> dict[str, list[tuple[str, float, float]]]:
    """Return ``{folded street name: [(number, lon, lat), ...]}``: the house numbers of
    ``osm_file`` around ``points``, from nodes and from buildings (at a point inside them).

    ``addr:housenumber`` lists ("12;14") give one entry per number; a number found twice on a
    street (a node and its building) is kept once, the node first. Sorted by number.
    """
    import geopandas as gpd
    import pyogrio

    box = extent(points, margin_m=margin_m)
    found: dict[str, dict[str, tuple[str, float, float]]] = {}
    for layer in ("points", "multipolygons"):
        try:
            df = pyogrio.read_dataframe(
                osm_file,
                layer=layer,
                columns=["other_tags"],
                bbox=box,
                where="other_tags LIKE '%addr:housenumber%'",
            )
        except Exception:  # noqa: BLE001 - an extract without that layer has no numbers there
            continue
        if df.empty:
            continue
        geoms = gpd.GeoSeries(df.geometry.values, crs=4326)
        if layer != "points":
            geoms = geoms.representative_point()
        for tags, geom in zip(df["other_tags"], geoms):
            number, street = _NUMBER_RE.search(tags or ""), _STREET_RE.search(tags or "")
            if number is None or street is None or geom is None or geom.is_empty:
                continue
            lon, lat = float(geom.x), float(geom.y)
            if not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]):
                continue
            on = found.setdefault(fold(street.group(1).replace('\\"', '"')).strip(), {})
            for part in re.split(r"[;,]", number.group(1)):
                part = part.strip()
                if part and house_key(part) and house_key(part) not in on:
                    on[house_key(part)] = (part, round(lon, 6), round(lat, 6))

    def order(entry):
        digits = re.match(r"\d+", entry[0])
        return (int(digits.group()) if digits else 10**9, house_key(entry[0]))

    return {k: sorted(v.values(), key=order) for k, v in found.items()}
