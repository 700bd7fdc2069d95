"""Street pieces reached within a time, cut exactly where the time runs out (vectorised)."""

from __future__ import annotations

import numpy as np

from capacitymetro_plugin.core.network.graph import Network


def substrings(network: Network, segs: np.ndarray, f0: np.ndarray, f1: np.ndarray) -> np.ndarray:
    """Return the parts of segments ``segs`` between fractions ``f0`` and ``f1`` of their length.

    Fractions run along the stored direction of each segment (0 = first vertex). All inputs
    have the same length; the result is an array of shapely LineStrings.
    """
    import shapely

    segs = np.asarray(segs, dtype=np.int64)
    k = segs.size
    if k == 0:
        return np.empty(0, dtype=object)
    f0 = np.clip(np.asarray(f0, dtype=np.float64), 0.0, 1.0)
    f1 = np.clip(np.asarray(f1, dtype=np.float64), 0.0, 1.0)
    starts = network.offsets[segs]
    counts = network.offsets[segs + 1] - starts
    idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    part = np.repeat(np.arange(k), counts)
    xy = network.coords[idx]
    step = np.zeros(xy.shape[0])
    step[1:] = np.hypot(*(xy[1:] - xy[:-1]).T)
    first_vertex = np.r_[0, np.cumsum(counts)[:-1]]
    step[first_vertex] = 0.0
    cum = np.cumsum(step)
    cum -= np.repeat(cum[first_vertex], counts)
    total = cum[np.cumsum(counts) - 1]
    a = f0 * total
    b = f1 * total
    lines = shapely.linestrings(xy, indices=part)
    pa = shapely.get_coordinates(shapely.line_interpolate_point(lines, a))
    pb = shapely.get_coordinates(shapely.line_interpolate_point(lines, b))
    inner = (cum > a[part]) & (cum < b[part])
    all_xy = np.vstack([pa, xy[inner], pb])
    all_part = np.r_[np.arange(k), part[inner], np.arange(k)]
    all_key = np.r_[a, cum[inner], b]
    tie = np.r_[np.zeros(k), np.ones(int(inner.sum())), np.full(k, 2.0)]
    order = np.lexsort((tie, all_key, all_part))
    return shapely.linestrings(all_xy[order], indices=all_part[order])


def reached_lines(network: Network, dist: np.ndarray, limit_s: float) -> np.ndarray:
    """Return the street pieces reachable within ``limit_s`` seconds given node times ``dist``.

    A street fully inside the limit is kept whole; a street on the edge of the area is cut at
    the point where the remaining time runs out (from each end that was reached).
    """
    tail_t = dist[network.tail]
    ok = tail_t < limit_s
    if not ok.any():
        return np.empty(0, dtype=object)
    e = np.flatnonzero(ok)
    t = network.time_s[e]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(t > 0, (limit_s - tail_t[e]) / t, 1.0)
    frac = np.minimum(frac, 1.0)
    segs = network.seg[e]
    full = frac >= 1.0
    rev = network.seg_reversed[e]
    full_segs = np.unique(segs[full])
    p = ~full
    f0 = np.where(rev[p], 1.0 - frac[p], 0.0)
    f1 = np.where(rev[p], 1.0, frac[p])
    whole = network.segment_lines(full_segs)
    # A partial edge whose segment is reached whole from the other end adds nothing.
    partial_keep = ~np.isin(segs[p], full_segs)
    cut = substrings(network, segs[p][partial_keep], f0[partial_keep], f1[partial_keep])
    return np.concatenate([whole, cut])


def densify(
    network: Network, segs: np.ndarray, spacing_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return points at most ``spacing_m`` apart along segments ``segs`` (pure numpy).

    Returns ``(xy, part, frac)``: sample positions, the position in ``segs`` each belongs to,
    and its fraction (0–1) of that segment's length in stored direction. Every vertex is kept.
    """
    segs = np.asarray(segs, dtype=np.int64)
    starts = network.offsets[segs]
    counts = network.offsets[segs + 1] - starts
    idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    part = np.repeat(np.arange(segs.size), counts)
    xy = network.coords[idx]
    if xy.shape[0] == 0:
        return xy, part, np.empty(0)
    a, b = xy[:-1], xy[1:]
    valid = part[:-1] == part[1:]
    length = np.where(valid, np.hypot(*(b - a).T), 0.0)
    first_vertex = np.r_[0, np.cumsum(counts)[:-1]]
    cum_v = np.cumsum(np.r_[0.0, length])
    cum_v -= np.repeat(cum_v[first_vertex], counts)
    total = cum_v[np.cumsum(counts) - 1]
    n = np.where(valid, np.maximum(1, np.ceil(length / spacing_m)).astype(np.int64), 0)
    step = np.repeat(np.arange(n.size), n)
    j = np.arange(step.size) - np.repeat(np.cumsum(n) - n, n)
    t = j / n[step]
    pts = a[step] + (b[step] - a[step]) * t[:, None]
    dist = cum_v[:-1][step] + length[step] * t
    owner = part[:-1][step]
    last = np.cumsum(counts) - 1
    pts = np.vstack([pts, xy[last]])
    owner = np.r_[owner, part[last]]
    dist = np.r_[dist, total]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(total[owner] > 0, dist / total[owner], 0.0)
    return pts, owner, frac


def oriented_samples(
    network: Network, dist: np.ndarray, limit_s: float, spacing_m: float, *, keep_all: bool = False
):
    """Return points every ``spacing_m`` along reached streets and their travel times.

    Each directed edge whose tail is reached within ``limit_s`` is sampled from its tail; a
    sample's time is the tail's time plus the share of the edge's time up to it. Samples beyond
    ``limit_s`` are dropped, so partial streets end where the time runs out (to ``spacing_m``).
    With ``keep_all`` they are kept and ``(xy, times, part)`` is returned, ``part`` numbering
    the reached segments (consecutive samples of one part are neighbours along a street).
    """
    tail_t = dist[network.tail]
    e = np.flatnonzero(tail_t < limit_s)
    if e.size == 0:
        empty = (np.empty((0, 2)), np.empty(0))
        return (*empty, np.empty(0, dtype=np.int64)) if keep_all else empty
    # Sample each reached segment once; a two-way street reached from both ends keeps, per
    # sample, the earlier of its two times.
    segs, inverse = np.unique(network.seg[e], return_inverse=True)
    xy, part, frac = densify(network, segs, spacing_m)
    times = np.full(xy.shape[0], np.inf)
    for which in (0, 1):
        first = np.full(segs.size, -1, dtype=np.int64)
        order = np.argsort(inverse, kind="stable")
        inv_sorted = inverse[order]
        boundary = np.r_[True, inv_sorted[1:] != inv_sorted[:-1]]
        if which == 0:
            first[inv_sorted[boundary]] = order[boundary]
        else:
            last = np.r_[boundary[1:], True]
            first[inv_sorted[last]] = order[last]
        has = first[part] >= 0
        edge = e[first[part[has]]]
        f = np.where(network.seg_reversed[edge], 1.0 - frac[has], frac[has])
        times[has] = np.minimum(times[has], tail_t[edge] + f * network.time_s[edge])
    if keep_all:
        return xy, times, part
    keep = times <= limit_s
    return xy[keep], times[keep]


def polygonize_cells(
    values: np.ndarray, mask: np.ndarray, transform
) -> tuple[np.ndarray, np.ndarray]:
    """Return (polygons, value of each) for the 4-connected regions of ``values`` where ``mask``.

    Uses GDAL's polygoniser directly (geometries come back as WKB, several times faster than
    building GeoJSON-like rings in Python); falls back to rasterio's ``shapes``.
    """
    import shapely

    values = np.ascontiguousarray(values, dtype=np.uint8)
    try:
        from osgeo import gdal, ogr
    except ImportError:  # pragma: no cover - GDAL's Python bindings are a Debian package here
        from rasterio.features import shapes

        pairs = list(shapes(values, mask=mask, transform=transform, connectivity=4))
        polys = np.array([shapely.geometry.shape(g) for g, _ in pairs], dtype=object)
        return polys, np.array([int(v) for _, v in pairs], dtype=np.int64)
    ny, nx = values.shape
    mem = gdal.GetDriverByName("MEM")
    ds = mem.Create("", nx, ny, 2, gdal.GDT_Byte)
    ds.SetGeoTransform(transform.to_gdal())
    vband, mband = ds.GetRasterBand(1), ds.GetRasterBand(2)
    vband.WriteArray(values)
    mband.WriteArray(mask.astype(np.uint8))
    ods = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = ods.CreateLayer("cells", geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(vband, mband, layer, 0, [], callback=None)
    wkb, vals = [], []
    for feature in layer:
        wkb.append(bytes(feature.GetGeometryRef().ExportToWkb()))
        vals.append(feature.GetField(0))
    polys = shapely.from_wkb(wkb) if wkb else np.empty(0, dtype=object)
    return polys, np.asarray(vals, dtype=np.int64)


def band_polygons(
    network: Network,
    dist: np.ndarray,
    limits_s: list[float],
    *,
    buffer_m: float,
    cell_m: float,
    want_rings: bool = True,
    fill_holes: bool = False,
) -> tuple[list, list]:
    """Return (nested, rings) polygons for sorted time limits, from one time raster.

    The reached streets are sampled with their times onto a grid of ``cell_m``; a minimum
    filter over a disc of ``buffer_m`` spreads each street's time to the cells around it
    (a buffer of the streets); the cells are classed by limit and turned into polygons in one
    pass. ``nested[i]`` holds everything within ``limits_s[i]``; ``rings[i]`` the part between
    the previous limit and this one. Entries are None where nothing is reached. With
    ``fill_holes`` the places enclosed on every side by reached streets (blocks, courtyards)
    count as reached, as in osmnx's ``infill``; this never joins across unbridged water,
    since a hole is surrounded by the reached area.
    """
    import rasterio
    import shapely
    from affine import Affine
    from scipy import ndimage

    k = len(limits_s)
    xy, times = oriented_samples(network, dist, limits_s[-1], cell_m / 2.0)
    if times.size == 0:
        return [None] * k, [None] * k
    pad = buffer_m + 2 * cell_m
    x0, y0 = xy.min(axis=0) - pad
    x1, y1 = xy.max(axis=0) + pad
    nx = int(np.ceil((x1 - x0) / cell_m))
    ny = int(np.ceil((y1 - y0) / cell_m))
    ix = ((xy[:, 0] - x0) / cell_m).astype(np.int64)
    iy = ((y1 - xy[:, 1]) / cell_m).astype(np.int64)
    grid = np.full((ny, nx), np.inf, dtype=np.float32)
    order = np.argsort(-times)  # the smallest time written last wins
    grid[iy[order], ix[order]] = times[order]
    # Cells whose centre lies within ``buffer_m`` of a sampled cell's centre: the band is at
    # least ``buffer_m`` wide on each side and at most ``buffer_m + cell_m * sqrt(2)``.
    r = max(buffer_m / cell_m, 1.0)
    rr = int(np.ceil(r))
    yy, xx = np.mgrid[-rr : rr + 1, -rr : rr + 1]
    footprint = (xx * xx + yy * yy) <= r * r + 1e-9
    spread = ndimage.minimum_filter(grid, footprint=footprint, mode="constant", cval=np.inf)
    band = np.searchsorted(np.asarray(limits_s, dtype=np.float32), spread, side="left").astype(
        np.uint8
    )
    if fill_holes:
        # Nested masks stay nested once filled; the class of a cell is the first mask it is in.
        filled = np.zeros(band.shape, dtype=np.uint8)
        for i in range(k):
            filled += ndimage.binary_fill_holes(band <= i).astype(np.uint8)
        band = (k - filled).astype(np.uint8)
    transform = Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1)

    def polygonize(mask_values: np.ndarray, mask: np.ndarray, origin_col: int, origin_row: int):
        tr = transform * Affine.translation(origin_col, origin_row)
        polys, values = polygonize_cells(mask_values, mask, tr)
        out: list[list] = [[] for _ in range(k)]
        for poly, value in zip(polys, values, strict=True):
            out[int(value)].append(poly)
        return out

    def merged(polys: list):
        if not polys:
            return None
        return polys[0] if len(polys) == 1 else shapely.multipolygons(polys)

    nested: list = []
    rings: list = []
    env = rasterio.Env()  # one GDAL environment for all the polygonising
    env.__enter__()
    try:
        if want_rings:
            parts = polygonize(band, band < k, 0, 0)
            rings = [merged(p) for p in parts]
        nested = _nested_polygons(band, k, polygonize, merged)
    finally:
        env.__exit__(None, None, None)
    return nested, rings


def _nested_polygons(band: np.ndarray, k: int, polygonize, merged) -> list:
    nested: list = []
    for i in range(k):
        inside = band <= i
        rows = np.flatnonzero(inside.any(axis=1))
        if rows.size == 0:
            nested.append(None)
            continue
        cols = np.flatnonzero(inside.any(axis=0))
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        sub = inside[r0:r1, c0:c1]
        parts = polygonize(np.zeros(sub.shape, dtype=np.uint8), sub, c0, r0)
        nested.append(merged(parts[0]))
    return nested
