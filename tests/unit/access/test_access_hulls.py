"""The batched convex-hull isochrones (core/access/hulls.py) against plain shapely references."""

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
import shapely
from netfixtures import CRS, X0, Y0, reference_hull
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.access import hulls
from capacitymetro_plugin.core.access.hulls import HullBatcher, Octagons
from capacitymetro_plugin.core.network import network_from_lines

LIMITS = [60.0, 150.0, 240.0, 400.0]


def wiggly_grid(n=7, spacing=120.0, seed=3):
    """A street grid whose streets wander sideways through 4 to 31 vertices each; their ends
    lie up to 3 cm off the junction (closer than the snap tolerance, as in real data)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for j in range(n):
            x, y = X0 + i * spacing, Y0 + j * spacing
            for dx, dy in ((1, 0), (0, 1)):
                if i + dx >= n or j + dy >= n:
                    continue
                k = int(rng.integers(2, 30))
                s = np.linspace(0.0, 1.0, k + 2)
                side = np.r_[0.0, rng.normal(0.0, 12.0, k), 0.0]
                px = x + dx * spacing * s - dy * side
                py = y + dy * spacing * s + dx * side
                px[[0, -1]] += rng.uniform(-0.03, 0.03, 2)
                py[[0, -1]] += rng.uniform(-0.03, 0.03, 2)
                rows.append(LineString(np.column_stack([px, py])))
    # Arcs between inner nodes that bulge far outside the grid: their nodes lie deep inside
    # every hull, their curves make hull corners.
    for i in (1, 3):
        a = np.linspace(0.0, np.pi, 25)
        cx, cy = X0 + (i + 1) * spacing, Y0 + spacing
        rows.append(
            LineString(np.column_stack([cx - spacing * np.cos(a), cy - 2.5 * spacing * np.sin(a)]))
        )
    return gpd.GeoDataFrame(geometry=rows, crs=CRS)


@pytest.fixture(scope="module")
def wnet():
    return network_from_lines(wiggly_grid())


@pytest.fixture(scope="module")
def block(wnet):
    sources = np.array([0, 5, 17, 24, 40, 48])
    return dijkstra(wnet.csr, indices=sources, limit=LIMITS[-1])


def assert_same(got, want):
    assert got.shape == want.shape
    for g, w in zip_strict(got.ravel(), want.ravel()):
        assert (g is None) == (w is None)
        if w is not None:
            assert shapely.symmetric_difference(g, w).area <= 1e-9 * w.area


def test_whole_streets_give_every_vertex_but_ends_that_are_node_points():
    net = network_from_lines(wiggly_grid(n=4))
    batcher = HullBatcher(net)
    edge = np.arange(net.n_edges)
    lo, hi = batcher._street_range(edge)
    xy, row = batcher._range_points(lo, hi, edge * 10, ())  # no polygon: nothing left out
    # A dead end's point is given by its street (the outer arc ends in one).
    assert batcher.dead_end.sum() == 1
    node_pts = {tuple(p) for p in batcher.rep_xy[batcher.has_out & ~batcher.dead_end]}
    off = 0
    for e in edge:
        s = net.seg[e]
        got = [tuple(p) for p in xy[row == 10 * e]]
        street = [tuple(p) for p in net.coords[net.offsets[s] : net.offsets[s + 1]]]
        ends = {p for p in (street[0], street[-1]) if p not in node_pts}
        assert set(got) == set(street[1:-1]) | ends
        assert len(got) == len(set(got))  # pieces share a vertex: given once
        off += len(ends)
    assert off > 0  # some street ends are not their node's point


def test_streets_really_wiggle(wnet):
    counts = np.diff(wnet.offsets)
    assert counts.max() > 2 * hulls.PIECE_SEGMENTS + 1  # streets of several pieces
    assert (counts == 3).any() or (counts == 4).any()  # and of a single piece


def test_batched_hulls_equal_edge_by_edge_reference(wnet, block):
    got = HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0)
    want = np.array(
        [[reference_hull(wnet, d, lim, 5.0) for lim in LIMITS] for d in block], dtype=object
    )
    assert_same(got, want)
    # The limits really cut streets and leave points inside (not a trivial comparison).
    assert all(w is not None for w in want.ravel())
    assert shapely.area(want[:, 0]).max() < shapely.area(want[:, -1]).min()


@pytest.mark.parametrize("node_shift", [0.0, 0.02])
def test_streets_of_inner_nodes_that_reach_out_are_kept(node_shift):
    # From the corner of a 5x5 grid the centre is reached late, deep inside the reached nodes,
    # but the dead-end street leaving it to the north-east is walked past them. Street ends
    # lie up to 3 cm off their junction: the hull corners are street ends, not nodes.
    rng = np.random.default_rng(5)

    def street(a, b):
        ends = np.array([a, b], dtype=float) + rng.uniform(-0.03, 0.03, (2, 2))
        return LineString(ends + [X0, Y0])

    grid = [
        street((100 * i, 100 * j), (100 * (i + di), 100 * (j + dj)))
        for i in range(5)
        for j in range(5)
        for di, dj in ((1, 0), (0, 1))
        if i + di < 5 and j + dj < 5
    ]
    spur = LineString([(X0 + 200, Y0 + 200), (X0 + 260, Y0 + 250), (X0 + 500, Y0 + 500)])
    net = network_from_lines(gpd.GeoDataFrame(geometry=[*grid, spur], crs=CRS))
    # Nodes may also sit off every street end (e.g. averaged junctions): hulls use street
    # vertices only.
    net = dataclasses.replace(net, x=net.x + node_shift, y=net.y - node_shift)
    corner = int(np.argmin(np.hypot(net.x - X0, net.y - Y0)))
    dist = dijkstra(net.csr, indices=corner, limit=LIMITS[-1])[None, :]
    got = HullBatcher(net).polygons(dist, LIMITS, buffer_m=5.0)
    want = np.array([[reference_hull(net, dist[0], lim, 5.0) for lim in LIMITS]], dtype=object)
    assert_same(got, want)
    # The spur makes the last hull's north-east corner.
    ne = shapely.get_coordinates(want[0, -1]).sum(axis=1).max() - X0 - Y0
    assert ne > 500 + 5


@pytest.mark.parametrize("max_values", [7, 200])
def test_small_parts_give_the_same_hulls(wnet, block, monkeypatch, max_values):
    want = HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0)
    monkeypatch.setattr(hulls, "MAX_HULL_VALUES", max_values)
    assert_same(HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0), want)


def test_cropped_columns_give_the_same_hulls(wnet, block):
    batcher = HullBatcher(wnet)
    want = batcher.polygons(block, LIMITS, buffer_m=5.0)
    reached = np.flatnonzero((block <= LIMITS[-1]).any(axis=0))
    rng = np.random.default_rng(0)
    others = rng.choice(np.setdiff1d(np.arange(wnet.n_nodes), reached), size=5, replace=False)
    cols = np.union1d(reached, others)
    assert cols.size < wnet.n_nodes
    got = batcher.polygons(block[:, cols], LIMITS, buffer_m=5.0, nodes=cols)
    assert_same(got, want)
    # Columns left out count as unreached: dropping a reached node changes the hull.
    far = int(np.argmax(np.where(np.isfinite(block[0]), block[0], -1)))
    keep = cols[cols != far]
    fewer = batcher.polygons(block[:, keep], LIMITS, buffer_m=5.0, nodes=keep)
    assert not fewer[0, -1].equals(want[0, -1])
    with pytest.raises(ValueError):
        batcher.polygons(block[:, cols], LIMITS, buffer_m=5.0, nodes=cols[:-1])


def test_reached_nodes_of_several_blocks_give_the_same_hulls(wnet, block):
    batcher = HullBatcher(wnet)
    want = batcher.polygons(block, LIMITS, buffer_m=5.0)
    parts = [batcher.reached(block[a:b], LIMITS[-1]) for a, b in ((0, 2), (2, 3), (3, 6))]
    rows = np.concatenate([parts[0][0], parts[1][0] + 2, parts[2][0] + 3])
    node, t = (np.concatenate([p[j] for p in parts]) for j in (1, 2))
    assert np.array_equal(node, np.nonzero(block <= LIMITS[-1])[1])
    got = batcher.polygons_of_reached(6, rows, node, t, LIMITS, buffer_m=5.0)
    assert_same(got, want)


def test_unreached_rows_and_limits_give_none(wnet, block):
    tiny = np.full((2, wnet.n_nodes), np.inf)
    tiny[1, 3] = 0.0
    tiny[1, 4] = 30.0  # a neighbour reached after the first limit only
    got = HullBatcher(wnet).polygons(tiny, [1.0, 2.0, LIMITS[-1]], buffer_m=5.0)
    assert got[0].tolist() == [None, None, None]
    assert all(g is not None and g.area > 0 for g in got[1])


def test_star_boxes_hold_the_node_and_its_outgoing_streets(wnet):
    batcher = HullBatcher(wnet)
    lines = wnet.segment_lines()
    for v in range(wnet.n_nodes):
        segs = wnet.seg[wnet.tail == v]
        xy = np.vstack(
            [[[wnet.x[v], wnet.y[v]]], *[shapely.get_coordinates(lines[s]) for s in segs]]
        )
        want = [xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()]
        assert [b[v] for b in batcher.star] == want


def test_cuts_lie_at_the_reached_length_along_the_street(wnet):
    # Every directed edge (both directions of every street), cut at random shares of its
    # time: the cut point and the reached vertices equal shapely's, walking the street in
    # the edge's direction.
    batcher = HullBatcher(wnet)
    lines = wnet.segment_lines()
    assert np.allclose(batcher.seg_length, shapely.length(lines), rtol=1e-12)
    rng = np.random.default_rng(5)
    edge = np.repeat(np.arange(wnet.n_edges), 4)
    share = np.r_[rng.uniform(0, 1, edge.size - 3), 0.0, 1e-12, 1 - 1e-12]
    limit = 1000.0
    t = limit - share * wnet.time_s[edge]
    cut, lo, hi = batcher._cuts(np.zeros(edge.size, np.int64), edge, t, limit)
    assert wnet.seg_reversed.any() and (~wnet.seg_reversed).any()
    for k, e in enumerate(edge):
        line = lines[wnet.seg[e]]
        first = wnet.offsets[wnet.seg[e]]
        xy = shapely.get_coordinates(line)
        along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
        if wnet.seg_reversed[e]:
            reach = along[-1] - share[k] * along[-1]
            want_idx = np.flatnonzero(along >= reach - 1e-9)
        else:
            reach = share[k] * along[-1]
            want_idx = np.flatnonzero(along <= reach + 1e-9)
        want = shapely.get_coordinates(shapely.line_interpolate_point(line, reach))[0]
        assert np.allclose(cut[k], want, rtol=0, atol=1e-6), (e, share[k])
        got_idx = np.arange(lo[k], hi[k] + 1) - first
        # A vertex within a nanometre of the cut may fall on either side.
        assert set(got_idx) ^ set(want_idx) <= set(np.flatnonzero(np.abs(along - reach) < 1e-6))


def test_range_pieces_give_each_vertex_once_and_box_it(wnet):
    batcher = HullBatcher(wnet)
    rng = np.random.default_rng(2)
    first, last = wnet.offsets[:-1], wnet.offsets[1:] - 1
    a = first + (rng.uniform(size=first.size) * (last - first + 1)).astype(np.int64)
    b = a + (rng.uniform(size=first.size) * (last - a + 1)).astype(np.int64)
    lo, hi = np.r_[first, a, a + 1], np.r_[last, b, a]  # whole, partial, empty (hi < lo)
    row = np.arange(lo.size)
    xy, got_row = batcher._range_points(lo, hi, row, ())
    for r in row:
        want = wnet.coords[lo[r] : hi[r] + 1]
        assert np.array_equal(xy[got_row == r], want)
    assert (hi - lo >= 2 * hulls.PIECE_SEGMENTS).any()  # ranges of several pieces
    v0 = np.arange(0, wnet.coords.shape[0] - 1, 5)
    nv = np.minimum(rng.integers(1, hulls.PIECE_SEGMENTS + 2, v0.size), wnet.coords.shape[0] - v0)
    boxes = batcher.piece_boxes(v0, nv)
    for p, (s0, n) in enumerate(zip_strict(v0, nv)):
        pts = wnet.coords[s0 : s0 + n]
        got = [bx[p] for bx in boxes]
        assert got == [pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()]


@pytest.mark.parametrize("n_dir", [8, 16, 12])
def test_octagon_corners_are_extremes_and_inside_means_strictly_inside(n_dir):
    rng = np.random.default_rng(n_dir)
    n_rows = 5
    grp = np.sort(rng.integers(0, n_rows, 400))
    px = rng.normal(0, 100, grp.size) + 1000 * grp
    py = rng.normal(0, 60, grp.size)
    poly = Octagons(n_rows, n_dir)
    half = grp.size // 2  # two batches: the polygons are updated, not rebuilt
    poly.add(px[:half], py[:half], grp[:half])
    poly.add(px[half:], py[half:], grp[half:])
    for r in range(n_rows):
        mine = grp == r
        proj = poly.dirs @ np.vstack([px[mine], py[mine]])
        corner = poly.dirs[:, 0] * poly.cx[:, r] + poly.dirs[:, 1] * poly.cy[:, r]
        assert np.allclose(corner, proj.max(axis=1), rtol=0, atol=1e-9)
    # Random boxes: every box said inside is strictly inside the group's hull; small boxes at
    # the centres are inside.
    g = rng.integers(0, n_rows, 3000)
    cx, cy = rng.normal(0, 120, g.size) + 1000 * g, rng.normal(0, 80, g.size)
    w, h = rng.uniform(0, 60, g.size), rng.uniform(0, 60, g.size)
    box = [cx - w, cy - h, cx + w, cy + h]
    inside = poly.box_inside(box, g)
    hull = [
        shapely.convex_hull(shapely.multipoints(np.column_stack([px, py])[grp == r]))
        for r in range(n_rows)
    ]
    boxes = shapely.box(*box)
    assert shapely.contains_properly(np.array(hull)[g[inside]], boxes[inside]).all()
    assert inside.sum() > 0.2 * g.size
    centre = poly.box_inside([1000.0 * np.arange(n_rows), np.zeros(n_rows)], np.arange(n_rows))
    assert centre.all()
    # A corner itself is not strictly inside.
    assert not poly.box_inside([poly.cx[:, 0], poly.cy[:, 0]], np.zeros(n_dir, int)).any()


def test_a_polygon_of_one_point_holds_nothing():
    poly = Octagons(2)
    poly.add(np.array([5.0, 5.0]), np.array([1.0, 1.0]), np.array([0, 0]))
    assert not poly.box_inside([np.array([5.0]), np.array([1.0])], np.array([0])).any()
    assert not poly.box_inside([np.array([5.0]), np.array([1.0])], np.array([1])).any()


def test_one_batcher_per_network_freed_with_it():
    import gc
    import weakref

    net = network_from_lines(wiggly_grid(n=3))
    batcher = HullBatcher.for_network(net)
    assert HullBatcher.for_network(net) is batcher
    assert HullBatcher.for_network(network_from_lines(wiggly_grid(n=3))) is not batcher
    gone = weakref.ref(net)
    del net, batcher
    gc.collect()
    assert gone() is None


def node_reference(net, dist, limit, buffer_m):
    """The hull of the reached nodes, one service at a time, widened by ``buffer_m``."""
    reached = dist <= limit
    if not reached.any():
        return None
    pts = np.column_stack([net.x[reached], net.y[reached]])
    return shapely.buffer(shapely.convex_hull(shapely.multipoints(pts)), buffer_m, quad_segs=4)


@pytest.mark.parametrize("fine_min", [0, 32, 10**9])  # finer polygon always, when due, never
def test_node_hulls_equal_the_hull_of_the_reached_nodes(wnet, block, monkeypatch, fine_min):
    monkeypatch.setattr(hulls, "FINE_MIN_NODES", fine_min)
    got = HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0, nodes_only=True)
    want = np.array(
        [[node_reference(wnet, d, lim, 5.0) for lim in LIMITS] for d in block], dtype=object
    )
    assert_same(got, want)
    # Not the street hull: the streets' bulges and the cut points are left out.
    streets = HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0)
    assert (shapely.area(streets[:, -1]) > 1.05 * shapely.area(want[:, -1])).all()


def test_node_hulls_of_one_or_two_nodes_and_in_small_parts(wnet, block, monkeypatch):
    # One node reached: a buffered point; two: a buffered segment (as the recipe's hull).
    tiny = np.full((2, wnet.n_nodes), np.inf)
    tiny[0, 3] = 0.0
    tiny[1, [3, 4]] = 0.0, 30.0
    got = HullBatcher(wnet).polygons(tiny, [1.0, 60.0], buffer_m=5.0, nodes_only=True)
    for r in range(2):
        for i, lim in enumerate([1.0, 60.0]):
            assert_same(got[r : r + 1, i], np.array([node_reference(wnet, tiny[r], lim, 5.0)]))
    assert got[1, 1].area > 1.5 * got[1, 0].area
    want = HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0, nodes_only=True)
    monkeypatch.setattr(hulls, "MAX_HULL_VALUES", 7)
    assert_same(HullBatcher(wnet).polygons(block, LIMITS, buffer_m=5.0, nodes_only=True), want)


def test_node_hulls_need_no_street_set_up(wnet, block):
    batcher = HullBatcher(wnet)
    batcher.polygons(block, LIMITS, buffer_m=5.0, nodes_only=True)
    assert "star" not in batcher.__dict__
    assert batcher.polygons(block, LIMITS, buffer_m=5.0)[0, 0] is not None
    assert "star" in batcher.__dict__ and batcher.prepare() is batcher
    with pytest.raises(AttributeError):
        batcher.no_such_array  # noqa: B018


def test_dead_ends_are_left_to_their_street_but_a_source():
    # The grid with three wiggly dead-end streets, one of them 400 m long and bending out.
    lines = wiggly_grid()
    s = 120.0
    stubs = [
        LineString([(X0, Y0), (X0 - 20.0, Y0 - 35.0), (X0 - 10.0, Y0 - 70.0)]),
        # Drawn from its dead end to the junction (the street's stored start is the end).
        LineString([(X0 + 3 * s, Y0 - 90.0), (X0 + 3 * s + 15.0, Y0 - 60.0), (X0 + 3 * s, Y0)]),
        LineString(
            [(X0 + 6 * s, Y0 + 3 * s), (X0 + 6 * s + 120.0, Y0 + 3 * s + 70.0)]
            + [(X0 + 6 * s + 240.0, Y0 + 3 * s - 70.0), (X0 + 6 * s + 300.0, Y0 + 3 * s)]
        ),
    ]
    net = network_from_lines(gpd.GeoDataFrame(geometry=[*lines.geometry, *stubs], crs=lines.crs))
    batcher = HullBatcher(net)
    dead = np.flatnonzero(batcher.dead_end)
    assert dead.size == 3
    far = int(np.argmax(net.x))  # the end of the long street
    assert far in dead
    # Sources: the dead ends (the long street's end reaches only part of it at first), the
    # junctions they hang from, and others.
    parents = net.head[np.isin(net.tail, dead)]
    sources = np.unique(np.r_[dead, parents, 0, 24, 40])
    blk = np.atleast_2d(dijkstra(net.csr, indices=sources, limit=LIMITS[-1]))
    got = batcher.polygons(blk, LIMITS, buffer_m=5.0, sources=sources)
    want = np.array(
        [[reference_hull(net, d, lim, 5.0) for lim in LIMITS] for d in blk], dtype=object
    )
    assert_same(got, want)
    assert_same(batcher.polygons(blk, LIMITS, buffer_m=5.0), want)
    with pytest.raises(ValueError, match="sources"):
        batcher.polygons(blk, LIMITS, buffer_m=5.0, sources=sources[:-1])
