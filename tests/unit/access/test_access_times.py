import networkx as nx
import numpy as np
import pytest
from netfixtures import grid_lines, key_of, nx_from_lines

from capacitymetro_plugin.core.access import nearest_times, od_matrix
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network import network_from_lines


@pytest.fixture(scope="module")
def grid():
    lines = grid_lines(8)
    net = network_from_lines(lines)
    G = nx_from_lines(lines, 4.5)
    keys = [key_of(x, y) for x, y in zip(net.x, net.y, strict=False)]
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
            for s, d in zip(sources, delay, strict=False)
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
