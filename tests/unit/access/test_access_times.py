import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from netfixtures import X0, Y0, grid_lines, key_of, nx_from_lines
from shapely.geometry import LineString

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.access import nearest_times, od_matrix, times_from_each
from capacitymetro_plugin.core.access.times import _DeadEnds, local_times_from_each
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network import network_from_lines


@pytest.fixture(scope="module")
def grid():
    lines = grid_lines(8)
    net = network_from_lines(lines)
    G = nx_from_lines(lines, 4.5)
    keys = [key_of(x, y) for x, y in zip(net.x, net.y)]
    return net, G, keys


def test_nearest_times_equal_networkx_multi_source(grid):
    net, G, keys = grid
    sources = [3, 40, 17]
    res = nearest_times(net, sources)
    ref = nx.multi_source_dijkstra_path_length(G, [keys[s] for s in sources], weight="weight")
    expected = np.array([ref[k] for k in keys])
    assert np.max(np.abs(res.time_s - expected)) < 1e-6
    # The nearest source really is at that time.
    for node in range(net.n_nodes):
        s = sources[res.source[node]]
        assert nx.dijkstra_path_length(G, keys[s], keys[node]) == pytest.approx(
            res.time_s[node], abs=1e-6
        )


def test_cutoff_marks_far_nodes_unreached(grid):
    net, _, _ = grid
    res = nearest_times(net, [0], cutoff_s=200)
    assert np.isinf(res.time_s[res.time_s > 200]).all()
    reached = np.isfinite(res.time_s)
    assert (res.time_s[reached] <= 200).all() and (res.source[~reached] == -1).all()
    assert 1 < reached.sum() < net.n_nodes


def test_extra_delay_equals_brute_force(grid):
    net, G, keys = grid
    sources = np.array([0, 63, 27, 27])
    delay = np.array([300.0, 0.0, 120.0, 10.0])
    res = nearest_times(net, sources, extra_delay_s=delay)
    per = np.array(
        [
            [nx.dijkstra_path_length(G, keys[s], keys[v]) + d for v in range(net.n_nodes)]
            for s, d in zip(sources, delay)
        ]
    )
    assert np.max(np.abs(res.time_s - per.min(axis=0))) < 1e-6
    chosen = per[res.source, np.arange(net.n_nodes)]
    assert np.allclose(chosen, per.min(axis=0))
    assert 2 not in set(res.source.tolist())  # the slower twin at node 27 never wins
    # Delays count against the cut-off too.
    cut = nearest_times(net, sources, extra_delay_s=delay, cutoff_s=100)
    assert np.isfinite(cut.time_s).sum() < net.n_nodes


def test_od_matrix_dense_and_sparse(grid):
    net, G, keys = grid
    o, d = [0, 9, 50], [1, 63, 30, 0]
    dense = od_matrix(net, o, d)
    for i, a in enumerate(o):
        for j, b in enumerate(d):
            assert dense[i, j] == pytest.approx(
                nx.dijkstra_path_length(G, keys[a], keys[b]), abs=1e-6
            )
    cut = od_matrix(net, o, d, cutoff_s=300)
    assert np.array_equal(np.isfinite(cut), dense <= 300)
    sp = od_matrix(net, o, d, cutoff_s=300, sparse=True)
    assert sp.shape == (3, 4)
    rows, cols = np.nonzero(np.isfinite(cut))
    assert np.allclose(np.asarray(sp[rows, cols]).ravel(), cut[rows, cols])
    assert sp.nnz == np.isfinite(cut).sum()  # the 0 s pair (0 → 0) stays an explicit entry


def test_bad_inputs(grid):
    net, _, _ = grid
    with pytest.raises(InputError, match="No source"):
        nearest_times(net, [])
    with pytest.raises(InputError, match="outside the network"):
        nearest_times(net, [net.n_nodes + 5])
    with pytest.raises(InputError, match="positive"):
        nearest_times(net, [0], cutoff_s=-5)
    with pytest.raises(InputError, match="delays"):
        nearest_times(net, [0, 1], extra_delay_s=[1.0])
    with pytest.raises(InputError, match="zero or more"):
        nearest_times(net, [0], extra_delay_s=[-1.0])


def _full_times(net, sources, cutoff):
    from scipy.sparse.csgraph import dijkstra

    return np.atleast_2d(dijkstra(net.csr, indices=sources, limit=cutoff))


def _gather_local(net, sources, cutoff):
    """Run the local search and spread its blocks back over all nodes."""
    got = np.full((len(sources), net.n_nodes), np.nan)
    cropped = []
    for rows, nodes, block in local_times_from_each(net, sources, cutoff_s=cutoff):
        assert np.isnan(got[rows]).all()  # each source comes exactly once
        got[rows] = np.inf
        if nodes is None:
            got[rows] = block
        else:
            assert np.all(np.diff(nodes) > 0) and block.shape == (rows.size, nodes.size)
            got[np.ix_(rows, nodes)] = block
        cropped.append(nodes is not None and nodes.size < net.n_nodes)
    assert not np.isnan(got).any()
    return got, cropped


def test_local_searches_equal_networkx_and_crop_the_graph():
    lines = grid_lines(20)  # 1.9 km square
    net = network_from_lines(lines)
    G = nx_from_lines(lines, 4.5)
    keys = [key_of(x, y) for x, y in zip(net.x, net.y)]
    sources = [0, 1, 77, 143, 143, 399, 210]
    # 330 s ≈ 412 m: junctions 400 m away along a street are just within reach.
    got, cropped = _gather_local(net, sources, 330.0)
    assert any(cropped)
    for i, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(G, keys[s], cutoff=330.0, weight="weight")
        want = np.array([ref.get(k, np.inf) for k in keys])
        assert np.array_equal(np.isfinite(got[i]), np.isfinite(want))
        fin = np.isfinite(want)
        assert np.max(np.abs(got[i][fin] - want[fin])) < 1e-6


def test_a_fast_street_widens_the_crop_and_times_stay_exact():
    import dataclasses

    net = network_from_lines(grid_lines(12))
    fast = dataclasses.replace(net, time_s=net.time_s.copy())
    # One long chain of streets is made ten times faster (a tram line, say).
    row = np.flatnonzero(
        np.isclose(net.y[net.tail], net.y.min()) & np.isclose(net.y[net.head], net.y.min())
    )
    fast.time_s[row] /= 10.0
    assert fast.crow_flies_speed == pytest.approx(10 * net.crow_flies_speed, rel=0.05)
    sources = [0, 5, 70]
    got, _ = _gather_local(fast, sources, 120.0)
    want = _full_times(fast, sources, 120.0)
    assert np.array_equal(np.isfinite(got), np.isfinite(want))
    fin = np.isfinite(want)
    assert np.max(np.abs(got[fin] - want[fin])) < 1e-9
    # The cut-off is reached 10x farther along the fast street than on foot.
    assert np.isfinite(got[0]).sum() > np.isfinite(_full_times(net, [0], 120.0)).sum()


def test_a_zero_time_edge_between_places_searches_the_whole_graph():
    import dataclasses

    net = network_from_lines(grid_lines(12))
    odd = dataclasses.replace(net, time_s=net.time_s.copy())
    odd.time_s[:2] = 0.0  # e.g. a lift or a ferry without a time: no distance bound holds
    assert odd.crow_flies_speed == np.inf
    got, cropped = _gather_local(odd, [0, 100], 100.0)
    assert not any(cropped)
    want = _full_times(odd, [0, 100], 100.0)
    assert np.array_equal(np.isfinite(got), np.isfinite(want))


def test_od_matrix_with_local_searches_equals_the_whole_graph():
    net = network_from_lines(grid_lines(12))
    o = [0, 13, 143, 70]
    d = np.arange(0, net.n_nodes, 3)
    cut = od_matrix(net, o, d, cutoff_s=200)
    want = _full_times(net, o, 200.0)[:, d]
    assert np.array_equal(np.isfinite(cut), np.isfinite(want))
    assert np.allclose(cut[np.isfinite(want)], want[np.isfinite(want)])
    sp = od_matrix(net, o, d, cutoff_s=200, sparse=True)
    assert sp.nnz == np.isfinite(want).sum()


def _grid_with_dead_ends():
    """A 20 × 20 grid (100 m) with dead-end streets: short stubs, one 1 km long, and a branch
    of two stubs off one stub."""
    lines = grid_lines(20)
    x1, y1 = X0 + 1900.0, Y0 + 1900.0
    extra = [
        LineString([(X0, Y0), (X0 - 40.0, Y0 - 30.0)]),  # off the corner
        LineString([(X0 + 500.0, Y0), (X0 + 500.0, Y0 - 60.0), (X0 + 520.0, Y0 - 90.0)]),
        LineString([(x1, Y0 + 700.0), (x1 + 1000.0, Y0 + 700.0)]),  # 1 km long
        LineString([(X0 + 900.0, y1), (X0 + 900.0, y1 + 80.0)]),  # a stub that branches:
        LineString([(X0 + 900.0, y1 + 80.0), (X0 + 870.0, y1 + 120.0)]),
        LineString([(X0 + 900.0, y1 + 80.0), (X0 + 930.0, y1 + 120.0)]),
    ]
    return gpd.GeoDataFrame(
        {"name": [*lines["name"], *[f"d{k}" for k in range(len(extra))]]},
        geometry=[*lines.geometry, *extra],
        crs=lines.crs,
    )


def test_dead_ends_are_the_nodes_with_one_neighbour_both_ways():
    lines = _grid_with_dead_ends()
    net = network_from_lines(lines)
    dead = _DeadEnds.of(net)
    assert _DeadEnds.of(net) is dead  # found once, kept with the network
    at = {key_of(x, y): i for i, (x, y) in enumerate(zip_strict(net.x, net.y))}

    def node(x, y):
        return at[key_of(x, y)]

    x1, y1 = X0 + 1900.0, Y0 + 1900.0
    want = {
        node(X0 - 40.0, Y0 - 30.0): node(X0, Y0),
        node(X0 + 520.0, Y0 - 90.0): node(X0 + 500.0, Y0),
        node(x1 + 1000.0, Y0 + 700.0): node(x1, Y0 + 700.0),
        node(X0 + 870.0, y1 + 120.0): node(X0 + 900.0, y1 + 80.0),
        node(X0 + 930.0, y1 + 120.0): node(X0 + 900.0, y1 + 80.0),
    }
    got = {int(v): int(dead.parent[v]) for v in np.flatnonzero(dead.parent >= 0)}
    assert got == want
    v = node(X0 + 520.0, Y0 - 90.0)
    assert dead.w_in[v] == pytest.approx(LineString([(0, 0), (0, 60), (20, 90)]).length / 1.25)
    assert dead.w_out[v] == pytest.approx(dead.w_in[v])
    # Their edges are left out of the searched graph; the others are all there.
    kept = dead.csr.tocoo()
    assert not np.isin(kept.row, list(want)).any() and not np.isin(kept.col, list(want)).any()
    assert kept.nnz == net.csr.nnz - 2 * len(want)


def test_searches_without_dead_ends_equal_networkx():
    lines = _grid_with_dead_ends()
    net = network_from_lines(lines)
    G = nx_from_lines(lines, 4.5)
    keys = [key_of(x, y) for x, y in zip(net.x, net.y)]
    dead = _DeadEnds.of(net)
    ends = np.flatnonzero(dead.parent >= 0)
    # Sources: every dead end (one whose neighbour is a source too), other nodes (one at the
    # start of the 1 km street, whose end lies beyond the cut-off).
    start = keys.index(key_of(X0 + 1900.0, Y0 + 700.0))
    sources = [*ends.tolist(), int(dead.parent[ends[0]]), 0, 150, 399, start]
    for cutoff in (330.0, None):
        got, cropped = _gather_local(net, sources, 330.0 if cutoff else np.inf)
        whole = np.vstack([b for _, b in times_from_each(net, sources, cutoff_s=cutoff)])
        if cutoff:
            assert any(cropped)
        for i, s in enumerate(sources):
            ref = nx.single_source_dijkstra_path_length(G, keys[s], cutoff=cutoff, weight="weight")
            want = np.array([ref.get(k, np.inf) for k in keys])
            for row in (got[i], whole[i]):
                assert np.array_equal(np.isfinite(row), np.isfinite(want)), (s, cutoff)
                fin = np.isfinite(want)
                assert np.max(np.abs(row[fin] - want[fin])) < 1e-6
                assert row[s] == 0.0
    # From the far end of the 1 km street nothing else lies within 330 s (its neighbour is
    # outside the crop), and its neighbour's search reaches it only without a cut-off.
    far = keys.index(key_of(X0 + 2900.0, Y0 + 700.0))
    got, _ = _gather_local(net, [far], 330.0)
    assert np.flatnonzero(np.isfinite(got[0])).tolist() == [far]


def test_dead_ends_need_both_ways_to_one_other_node():
    import scipy.sparse as sp

    # 0 - 1 - 2 - 0 (a triangle, both ways); 3 - 0 both ways: a dead end; 1 -> 4 only (a
    # one-way street out, no way back): not one; 5 = 6 joined only to each other: neither.
    edges = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 0), (0, 2), (3, 0), (0, 3), (1, 4), (5, 6), (6, 5)]
    t, h = np.array(edges).T
    w = np.arange(1.0, len(edges) + 1)
    order = np.lexsort((h, t))
    csr = sp.csr_matrix((w[order], (t[order], h[order])), shape=(7, 7))
    dead = _DeadEnds._find(csr)
    assert np.flatnonzero(dead.parent >= 0).tolist() == [3]
    assert dead.parent[3] == 0 and dead.w_in[3] == 8.0 and dead.w_out[3] == 7.0
    assert dead.csr.nnz == csr.nnz - 2
