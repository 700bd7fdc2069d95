"""Street pieces reached within a time, cut exactly where the time runs out (vectorised)."""

from __future__ import annotations

import weakref

import numpy as np

from capacitymetro_plugin.core._pycompat import zip_strict
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


_SAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# The cache holds at most this many samples (about 40 bytes each); larger networks (a whole
# metropolitan area at a few metres) sample the reached streets at each call instead.
MAX_CACHED_SAMPLES = 4_000_000


def _segment_samples(network: Network, spacing_m: float):
    """Return the samples of every segment at ``spacing_m`` (computed once per network).

    ``(x, y, frac, start, edge_a, edge_b, has_edge)``: :func:`densify` of all segments
    (segment ``s`` owns samples ``start[s]:start[s+1]``) and the two directed edges of each
    segment (the same edge twice for a one-way segment); None when a segment has more.
    """
    per_network = _SAMPLES.setdefault(network, {})
    key = float(spacing_m)
    if key not in per_network:
        n_seg = network.n_segments
        count = np.bincount(network.seg, minlength=n_seg)
        if count.max(initial=0) > 2 or _sample_count(network, spacing_m) > MAX_CACHED_SAMPLES:
            per_network[key] = None
        else:
            xy, owner, frac = densify(network, np.arange(n_seg), spacing_m)
            by_owner = np.argsort(owner, kind="stable")  # each segment's samples together
            xy, owner, frac = xy[by_owner], owner[by_owner], frac[by_owner]
            start = np.r_[0, np.cumsum(np.bincount(owner, minlength=n_seg))]
            by_seg = np.argsort(network.seg, kind="stable")
            first = np.r_[0, np.cumsum(count)[:-1]]
            has_edge = count > 0
            edge_a = np.zeros(n_seg, dtype=np.int64)
            edge_a[has_edge] = by_seg[first[has_edge]]
            edge_b = edge_a.copy()
            two = count == 2
            edge_b[two] = by_seg[first[two] + 1]
            x = np.ascontiguousarray(xy[:, 0])
            y = np.ascontiguousarray(xy[:, 1])
            per_network[key] = (x, y, frac, start, edge_a, edge_b, has_edge)
    return per_network[key]


def _sample_count(network: Network, spacing_m: float) -> int:
    """Return how many samples :func:`densify` makes of the whole network at ``spacing_m``."""
    xy = network.coords
    if xy.shape[0] < 2:
        return int(xy.shape[0])
    step = np.hypot(xy[1:, 0] - xy[:-1, 0], xy[1:, 1] - xy[:-1, 1])
    within = np.ones(step.size, dtype=bool)
    within[network.offsets[1:-1] - 1] = False  # no step from one segment to the next
    pieces = np.maximum(1, np.ceil(step[within] / spacing_m)).sum()
    return int(pieces) + network.n_segments


def _sample_times(network: Network, dist: np.ndarray, limit_s: float, spacing_m: float):
    """Return ``(idx, times, part)`` for all samples of the reached segments, or None.

    ``idx`` indexes the network's samples (:func:`_segment_samples`); see
    :func:`oriented_samples` (``keep_all``). None when the network has no sample cache.
    """
    cache = _segment_samples(network, spacing_m)
    if cache is None:
        return None
    all_x, all_y, all_frac, start, edge_a, edge_b, has_edge = cache
    tail_t = dist[network.tail]
    ok = tail_t < limit_s
    reached_a = ok[edge_a] & has_edge
    reached_b = ok[edge_b] & has_edge
    segs = np.flatnonzero(reached_a | reached_b)
    first = start[segs]
    counts = start[segs + 1] - first
    total = int(counts.sum())
    idx = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(total)
    part = np.repeat(np.arange(segs.size), counts)
    frac = all_frac[idx]
    # Each directed edge reached times its samples from its tail; a two-way street reached
    # from both ends keeps, per sample, the earlier of its two times.
    times = None
    for edges, reached in ((edge_a, reached_a), (edge_b, reached_b)):
        edge = edges[segs]
        tail = np.where(reached[segs], tail_t[edge], np.inf)[part]
        f = np.where(network.seg_reversed[edge][part], 1.0 - frac, frac)
        t = tail + f * network.time_s[edge][part]
        times = t if times is None else np.minimum(times, t, out=times)
    return idx, times, part


def oriented_samples(
    network: Network, dist: np.ndarray, limit_s: float, spacing_m: float, *, keep_all: bool = False
):
    """Return points every ``spacing_m`` along reached streets and their travel times.

    Each directed edge whose tail is reached within ``limit_s`` is sampled from its tail; a
    sample's time is the tail's time plus the share of the edge's time up to it. Samples beyond
    ``limit_s`` are dropped, so partial streets end where the time runs out (to ``spacing_m``).
    With ``keep_all`` they are kept and ``(xy, times, part)`` is returned, ``part`` numbering
    the reached segments (consecutive samples of one part are neighbours along a street).
    The samples of all segments are computed once per network and spacing.
    """
    found = _sample_times(network, dist, limit_s, spacing_m)
    if found is None:
        return _oriented_samples(network, dist, limit_s, spacing_m, keep_all=keep_all)
    idx, times, part = found
    x, y = _segment_samples(network, spacing_m)[:2]
    if keep_all:
        return np.column_stack([x[idx], y[idx]]), times, part
    keep = times <= limit_s
    idx = idx[keep]
    return np.column_stack([x[idx], y[idx]]), times[keep]


def _oriented_samples(
    network: Network, dist: np.ndarray, limit_s: float, spacing_m: float, *, keep_all: bool = False
):
    """:func:`oriented_samples` for a network without a sample cache (above
    MAX_CACHED_SAMPLES): the reached streets are sampled at each call."""
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


def polygonize_masks(masks: np.ndarray, transform) -> list:
    """Return one polygon per mask of a ``(K, ny, nx)`` boolean stack: its 4-connected regions.

    ``transform`` is the grid's affine (``a, b, c, d, e, f`` with ``b = d = 0``). Entry ``i``
    is None when mask ``i`` is empty, a Polygon for one region, else a MultiPolygon. The
    polygons cover exactly the cells GDAL's polygoniser gives with 4-connectivity
    (:func:`polygonize_cells`); see :func:`polygonize_grids`.
    """
    masks = np.asarray(masks, dtype=bool)
    grids = [(~mask).astype(np.uint8) for mask in masks]
    return [nested[0] for nested, _ in polygonize_grids(grids, 1, [transform] * len(grids))]


def polygonize_classes(band: np.ndarray, k: int, transform, *, want_rings: bool) -> tuple:
    """Return (nested, rings) polygons of one class grid; see :func:`polygonize_grids`."""
    return polygonize_grids([band], k, [transform], want_rings=want_rings)[0]


def polygonize_grids(
    grids: list, k: int, transforms: list, *, want_rings: bool = False, max_cells: int = 300_000
) -> list:
    """Return ``(nested, rings)`` polygons for each class grid (classes 0..k-1, k = outside).

    ``nested[i]`` covers the cells of class ``<= i`` and ``rings[i]`` those of class ``i``
    (an empty list unless ``want_rings``), as regions of 4-connected cells: None when there
    is none, a Polygon for one region, else a MultiPolygon. ``transforms`` gives each grid's
    affine (``a, b, c, d, e, f`` with ``b = d = 0``). The polygons cover exactly the cells
    GDAL's polygoniser gives (:func:`polygonize_cells`), with a vertex only where a ring
    turns. Pure numpy + shapely: the grids are laid one under the other in one canvas and
    only the cell sides where the class changes are handled, all grids and limits at once
    (``max_cells`` canvas cells at a time).
    """
    out: list = []
    chunk: list[int] = []
    cells = 0
    for idx, grid in enumerate(grids):
        chunk.append(idx)
        cells += (grid.shape[0] + 2) * (grid.shape[1] + 2)
        if cells >= max_cells or idx == len(grids) - 1:
            out.extend(
                _polygonize_chunk(
                    [grids[i] for i in chunk], k, [transforms[i] for i in chunk], want_rings
                )
            )
            chunk, cells = [], 0
    return out


def _polygonize_chunk(grids: list, k: int, transforms: list, want_rings: bool) -> list:
    """:func:`polygonize_grids` for grids that fit in one canvas.

    Each cell side between an inside and an outside cell is directed with the inside on its
    right (in column, row order: 0 east, 1 south, 2 west, 3 north) and chained to the next
    at the grid corner it ends on. Where two inside cells meet only at a corner, the chain
    turns right (two rings: the cells stay apart, as with GDAL's 4-connectivity) when they
    are different regions, and left (the region's outer ring and its hole's ring touch
    there, a valid polygon) when they are one region joined elsewhere. A mask's regions are
    its outer rings (chained turning right at such corners); when a mask has several, rings
    are joined into regions through each vertical run of inside cells, whose top and bottom
    sides bound one region.
    """
    import shapely
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n_grids = len(grids)
    per = 2 * k if want_rings else k  # masks per grid: nested, then rings
    results: list = [([None] * k, [None] * k if want_rings else []) for _ in range(n_grids)]
    heights = np.array([g.shape[0] + 2 for g in grids], dtype=np.int64)
    w = int(max(g.shape[1] for g in grids)) + 2
    row0 = np.concatenate(([0], np.cumsum(heights)[:-1]))
    canvas = np.full((int(heights.sum()), w), k, dtype=np.uint8 if k < 255 else np.int16)
    for g, r in zip_strict(grids, row0):
        canvas[r + 1 : r + 1 + g.shape[0], 1 : 1 + g.shape[1]] = g
    flat = canvas.ravel()
    grid_of_row = np.repeat(np.arange(n_grids), heights)
    # Horizontal sides at p (between cells p - w and p); vertical sides at p (between cells
    # p - 1 and p).
    hp = np.flatnonzero(flat[w:] != flat[:-w]) + w
    vp = np.flatnonzero(flat[1:] != flat[:-1]) + 1  # never across rows: both ends are padding
    h_a = flat[hp - w].astype(np.int16)  # class above
    h_b = flat[hp].astype(np.int16)  # class below
    v_a = flat[vp - 1].astype(np.int16)  # class left
    v_b = flat[vp].astype(np.int16)  # class right
    h_g = grid_of_row[hp // w]
    v_g = grid_of_row[vp // w]

    def expand(a, b, p, g):
        # A side between classes a and b bounds every nested mask from min(a, b) to max - 1.
        lo = np.minimum(a, b).astype(np.int64)
        count = np.abs(a - b).astype(np.int64)
        base = np.cumsum(count) - count
        src = np.repeat(np.arange(count.size), count)
        level = lo[src] + (np.arange(src.size) - base[src])
        first = base - lo  # id of the side of level L at p: first + L
        return level, p[src], g[src], (b < a)[src], first

    h_level, h_pos, h_grid, h_far, h_first = expand(h_a, h_b, hp, h_g)
    v_level, v_pos, v_grid, v_far, v_first = expand(v_a, v_b, vp, v_g)
    n_h_nested = h_level.size
    n_v_nested = v_level.size
    if want_rings:
        # A side between classes a and b bounds ring a (inside on a's side) and ring b.
        parts = []
        for a, b, p, g in ((h_a, h_b, hp, h_g), (v_a, v_b, vp, v_g)):
            at = np.concatenate((np.flatnonzero(a < k), np.flatnonzero(b < k)))
            cls = np.concatenate((a[a < k], b[b < k])).astype(np.int64)
            parts.append((k + cls, p[at], g[at], b[at] == cls))
        (rh_level, rh_pos, rh_grid, rh_far), (rv_level, rv_pos, rv_grid, rv_far) = parts
        h_level = np.concatenate((h_level, rh_level))
        h_pos = np.concatenate((h_pos, rh_pos))
        h_grid = np.concatenate((h_grid, rh_grid))
        h_far = np.concatenate((h_far, rh_far))
        v_level = np.concatenate((v_level, rv_level))
        v_pos = np.concatenate((v_pos, rv_pos))
        v_grid = np.concatenate((v_grid, rv_grid))
        v_far = np.concatenate((v_far, rv_far))
    n_h = h_level.size
    n = n_h + v_level.size
    if n == 0:
        return results
    # Side ids: horizontal (nested, rings), then vertical (nested, rings). At a position the
    # nested sides are consecutive, one per level from the lower class.
    size = flat.size
    first = np.empty(2 * size, dtype=np.int64)  # [0:size] horizontal, [size:] vertical (read
    # only where a side is)
    first[hp] = h_first
    first[size + vp] = n_h + v_first
    if want_rings:
        ring_id = np.full(4 * size, -1, dtype=np.int64)  # (vertical, far) blocks
        ring_id[h_far[n_h_nested:] * size + h_pos[n_h_nested:]] = n_h_nested + np.arange(
            n_h - n_h_nested
        )
        ring_id[(2 + v_far[n_v_nested:]) * size + v_pos[n_v_nested:]] = (
            n_h + n_v_nested + np.arange(n - n_h - n_v_nested)
        )
    level = np.concatenate((h_level, v_level))
    mask = np.concatenate((h_grid, v_grid)) * per + level
    pos = np.concatenate((h_pos, v_pos))
    d = np.concatenate((np.where(h_far, 0, 2), np.where(v_far, 3, 1)))
    step = np.array([1, w, -1, -w])
    start = pos + np.concatenate((np.where(h_far, 0, 1), np.where(v_far, w, 0)))
    end = start + step[d]
    ahead_right = np.array([0, -1, -w - 1, -w])[d] + end
    ahead_left = np.array([-w, 0, -1, -w - 1])[d] + end

    def inside(cell: np.ndarray, lev: np.ndarray) -> np.ndarray:
        c = flat[cell]
        if not want_rings:
            return c <= lev
        return np.where(lev < k, c <= lev, c == lev - k)

    ar = inside(ahead_right, level)
    al = inside(ahead_left, level)
    next_pos = np.array([0, 0, -1, -w])

    def next_side(turn, idx=None) -> np.ndarray:
        sel = slice(None) if idx is None else idx
        nd = (d[sel] + turn) % 4
        p = end[sel] + next_pos[nd]
        vertical = nd % 2
        lev = level[sel]
        ids = first[vertical * size + p] + lev
        if want_rings:
            ring = lev >= k
            if ring.any():
                pr, vr_ = p[ring], vertical[ring]
                far_r = (flat[pr] == lev[ring] - k).astype(np.int64)
                ids[ring] = ring_id[(2 * vr_ + far_r) * size + pr]
        return ids

    # Turn right around the cell (also where only the cell ahead on the left is inside),
    # straight on along an inside cell on the right, left into a corner.
    succ = next_side(np.where(ar, np.where(al, 3, 0), 1))
    east = np.flatnonzero(d == 0)  # every ring has an eastward side (inside below)
    seq, ring = _walk_rings(succ, east)
    start_at = np.flatnonzero(np.concatenate(([True], ring[1:] != ring[:-1])))
    ring_mask = mask[seq[start_at]]
    # Signed area (x = column, y = row) from the horizontal sides, -y dx: outer rings > 0.
    swept = np.zeros(n)
    swept[:n_h] = np.where(d[:n_h] == 0, -1.0, 1.0) * (pos[:n_h] // w)
    area = np.bincount(ring, weights=swept[seq])
    outer = area > 0
    if np.bincount(ring_mask[outer]).max(initial=0) <= 1:
        region = mask  # one region per mask
    else:
        ring_of = np.empty(n, dtype=np.int64)
        ring_of[seq] = ring
        col_order = np.lexsort((pos[:n_h] // w, pos[:n_h] % w, mask[:n_h]))  # mask, col, row
        bottoms = np.flatnonzero(d[col_order] == 2)
        n_rings = start_at.size
        links = csr_matrix(
            (
                np.ones(bottoms.size, dtype=np.int8),
                (ring_of[col_order[bottoms]], ring_of[col_order[bottoms - 1]]),
            ),
            shape=(n_rings, n_rings),
        )
        _, ring_region = connected_components(links, directed=False)
        region = ring_region[ring_of]
    corner = np.flatnonzero(~ar & al)
    if corner.size:
        left = next_side(np.full(corner.size, 3), corner)
        same = region[succ[corner]] == region[left]
        if same.any():  # walk again, those rings split at the corner (regions unchanged)
            succ[corner[same]] = left[same]
            seq, ring = _walk_rings(succ, east)
            start_at = np.flatnonzero(np.concatenate(([True], ring[1:] != ring[:-1])))
            area = np.bincount(ring, weights=swept[seq])
    ring_region = region[seq[start_at]]
    prev = np.arange(n) - 1
    prev[start_at] = np.concatenate((start_at[1:], [n])) - 1
    d_seq = d[seq]
    turn = d_seq != d_seq[prev]  # keep a vertex only where the ring turns
    vertex = start[seq[turn]]
    row, col = np.divmod(vertex, w)
    g = grid_of_row[row]
    tf = np.array([tuple(t)[:6] for t in transforms], dtype=np.float64)
    xy = np.column_stack(
        [tf[g, 2] + tf[g, 0] * (col - 1), tf[g, 5] + tf[g, 4] * (row - row0[g] - 1)]
    )
    rings = shapely.linearrings(xy, indices=ring[turn])
    ring_order = np.lexsort((area < 0, ring_region))  # per region: outer ring, then holes
    regions = ring_region[ring_order]
    new = np.concatenate(([True], regions[1:] != regions[:-1]))
    polys = shapely.polygons(rings[ring_order], indices=np.cumsum(new) - 1)
    poly_mask = mask[seq[start_at[ring_order[new]]]]
    group = np.argsort(poly_mask, kind="stable")
    poly_mask = poly_mask[group]
    polys = polys[group]
    cut = np.concatenate(
        ([0], np.flatnonzero(poly_mask[1:] != poly_mask[:-1]) + 1, [poly_mask.size])
    )
    for s0, s1 in zip(cut[:-1], cut[1:]):
        gi, lev = divmod(int(poly_mask[s0]), per)
        shape = polys[s0] if s1 - s0 == 1 else shapely.multipolygons(polys[s0:s1])
        results[gi][lev >= k][lev % k] = shape
    return results


def _walk_rings(succ: np.ndarray, entries: np.ndarray | None = None):
    """Return ``(seq, ring)``: the cycles of the permutation ``succ`` one after the other, and
    the cycle number (0, 1, ...) of each entry of ``seq``.

    ``entries`` (default: all) must hold at least one member of every cycle. One depth-first
    walk in scipy: a chain of hub nodes leads to each entry and to the next hub, so every
    cycle is walked whole, in order, the first time one of its entries is met.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import depth_first_order

    n = succ.size
    entries = np.arange(n) if entries is None else entries
    h = entries.size
    hub_children = np.empty(2 * h - 1, dtype=np.int32)
    hub_children[0::2] = entries
    hub_children[1::2] = n + np.arange(1, h)
    indices = np.concatenate([succ.astype(np.int32), hub_children])
    indptr = np.concatenate((np.arange(n), n + 2 * np.arange(h), [n + 2 * h - 1])).astype(np.int32)
    graph = csr_matrix((np.ones(indices.size), indices, indptr), shape=(n + h, n + h))
    order, pred = depth_first_order(graph, n, directed=True, return_predecessors=True)
    seq = order[order < n]
    return seq, np.cumsum(pred[seq] >= n) - 1


def disc_minimum(grid: np.ndarray, radius: float, *, fill) -> np.ndarray:
    """Return the minimum of ``grid`` over a disc of ``radius`` cells around each cell.

    The disc holds the offsets ``dx² + dy² <= radius²``; outside the grid counts as ``fill``.
    Equal to ``ndimage.minimum_filter`` with that footprint: the minimum over the rectangles
    the disc is made of, each a running minimum along rows then columns (array slices).
    """
    ny, nx = grid.shape
    rr = int(np.ceil(radius))
    limit = radius * radius + 1e-9
    rect: dict[int, int] = {}  # half-width -> half-height of each rectangle of the disc
    for dy in range(rr + 1):
        for dx in range(rr + 1):
            if dx * dx + dy * dy <= limit:
                rect[dx] = dy
    padded = np.full((ny + 2 * rr, nx + 2 * rr), fill, dtype=grid.dtype)
    padded[rr : rr + ny, rr : rr + nx] = grid

    def running(a: np.ndarray, half: int, axis: int) -> np.ndarray:
        # Entry c is the minimum of a[c : c + 2 * half + 1] along axis (window at c + half).
        def cut(lo: int, size: int):
            return a[:, lo : lo + size] if axis == 1 else a[lo : lo + size]

        if half == 0:
            return a
        size = a.shape[axis] - 2
        out = np.minimum(cut(0, size), cut(1, size))
        np.minimum(out, cut(2, size), out=out)
        for _ in range(half - 1):  # widen by one on each side: min of two shifted windows
            size -= 2
            a = out
            out = np.minimum(cut(0, size), cut(2, size))
        return out

    rows = {}
    result = None
    for half_w, half_h in rect.items():
        if half_w not in rows:
            rows[half_w] = running(padded, half_w, 1)
        both = running(rows[half_w], half_h, 0)
        part = both[rr - half_h : rr - half_h + ny, rr - half_w : rr - half_w + nx]
        result = part.copy() if result is None else np.minimum(result, part, out=result)
    return result


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
    return band_polygons_many(
        network,
        [dist],
        limits_s,
        buffer_m=buffer_m,
        cell_m=cell_m,
        want_rings=want_rings,
        fill_holes=fill_holes,
    )[0]


def band_polygons_many(
    network: Network,
    block,
    limits_s: list[float],
    *,
    buffer_m: float,
    cell_m: float,
    want_rings: bool = True,
    fill_holes: bool = False,
) -> list[tuple[list, list]]:
    """Return :func:`band_polygons` ``(nested, rings)`` for each row of node times in ``block``.

    The same polygons as one call per row, several times faster for many rows: the class
    grids of all rows are polygonised together (:func:`polygonize_grids`).
    """
    k = len(limits_s)
    out: list = [None] * len(block)
    grids: list = []
    transforms: list = []
    rows: list[int] = []
    for r, dist in enumerate(block):
        grid = band_classes(
            network, dist, limits_s, buffer_m=buffer_m, cell_m=cell_m, fill_holes=fill_holes
        )
        if grid is None:
            out[r] = ([None] * k, [None] * k)
            continue
        band, x0, y1 = grid
        grids.append(band)
        transforms.append((cell_m, 0.0, x0, 0.0, -cell_m, y1))
        rows.append(r)
    polys = polygonize_grids(grids, k, transforms, want_rings=want_rings)
    for r, result in zip_strict(rows, polys):
        out[r] = result
    return out


def band_classes(
    network: Network,
    dist: np.ndarray,
    limits_s: list[float],
    *,
    buffer_m: float,
    cell_m: float,
    fill_holes: bool = False,
):
    """Return ``(band, x0, y1)``: the class of each cell (0..k-1, k = not reached) or None.

    ``band`` is a ``uint8`` grid of ``cell_m`` cells whose top-left corner is ``(x0, y1)``; a
    cell's class is the first limit within which a sampled street point lies within
    ``buffer_m`` of it (centre to centre). See :func:`band_polygons`.
    """
    from scipy import ndimage

    k = len(limits_s)
    limit = limits_s[-1]
    found = _sample_times(network, dist, limit, cell_m / 2.0)
    if found is None:
        xy, times = _oriented_samples(network, dist, limit, cell_m / 2.0)
        x, y = xy[:, 0], xy[:, 1]
    else:
        idx, times, _ = found
        keep = times <= limit
        idx, times = idx[keep], times[keep]
        all_x, all_y = _segment_samples(network, cell_m / 2.0)[:2]
        x, y = all_x[idx], all_y[idx]
    if times.size == 0:
        return None
    pad = buffer_m + 2 * cell_m
    x0, x1 = x.min() - pad, x.max() + pad
    y0, y1 = y.min() - pad, y.max() + pad
    nx = int(np.ceil((x1 - x0) / cell_m))
    ny = int(np.ceil((y1 - y0) / cell_m))
    ix = ((x - x0) / cell_m).astype(np.int64)
    iy = ((y1 - y) / cell_m).astype(np.int64)
    # Class each sample first (a minimum of times has the minimum of their classes): the
    # number of limits below its time (as float32, like a float32 time grid).
    times32 = times.astype(np.float32)
    cls = np.zeros(times.size, dtype=np.uint8)
    for limit32 in np.asarray(limits_s, dtype=np.float32):
        cls += times32 > limit32
    grid = np.full(ny * nx, k, dtype=np.uint8)
    order = np.argsort(k - cls, kind="stable")  # the smallest class written last wins
    grid[(iy * nx + ix)[order]] = cls[order]
    grid = grid.reshape(ny, nx)
    # Cells whose centre lies within ``buffer_m`` of a sampled cell's centre: the band is at
    # least ``buffer_m`` wide on each side and at most ``buffer_m + cell_m * sqrt(2)``.
    band = disc_minimum(grid, max(buffer_m / cell_m, 1.0), fill=k)
    if fill_holes:
        # Nested masks stay nested once filled; the class of a cell is the first mask it is in.
        filled = np.zeros(band.shape, dtype=np.uint8)
        for i in range(k):
            filled += ndimage.binary_fill_holes(band <= i).astype(np.uint8)
        band = (k - filled).astype(np.uint8)
    return band, float(x0), float(y1)
