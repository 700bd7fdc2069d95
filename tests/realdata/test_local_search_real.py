"""Searches confined to the reachable crop of a real network give the whole network's times."""

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from capacitymetro_plugin.core.access import od_matrix
from capacitymetro_plugin.core.access.times import _DeadEnds, local_times_from_each

pytestmark = pytest.mark.realdata


@pytest.mark.parametrize("which", ["bari", "trento"])
def test_cropped_searches_equal_whole_network_searches(which, request):
    net = request.getfixturevalue(which)
    rng = np.random.default_rng(11)
    sources = rng.choice(net.n_nodes, size=60, replace=False)
    cutoff = 15 * 60.0
    want = np.atleast_2d(dijkstra(net.csr, indices=sources, limit=cutoff))
    got = np.full(want.shape, np.inf)
    crop_sizes = []
    for rows, nodes, block in local_times_from_each(net, sources, cutoff_s=cutoff):
        if nodes is None:
            got[rows] = block
        else:
            got[np.ix_(rows, nodes)] = block
            crop_sizes.append(nodes.size)
    assert np.array_equal(np.isfinite(got), np.isfinite(want))
    fin = np.isfinite(want)
    # Equal to rounding: a search from a dead end starts at its neighbour and adds the edge
    # last, so its sums are taken in another order (a few units in the last place).
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-12, atol=0)
    # Dead ends were left out of the searches, and some sources were dead ends.
    dead = _DeadEnds.of(net)
    assert (dead.parent >= 0).sum() > 0.15 * net.n_nodes
    assert (dead.parent[sources] >= 0).any()
    # Most searches ran on a small part of the city (15 min on foot: 1.1 km around).
    assert len(crop_sizes) > 0 and np.median(crop_sizes) < 0.5 * net.n_nodes


def test_od_matrix_on_crops_equals_the_whole_network(bari):
    rng = np.random.default_rng(3)
    o = rng.choice(bari.n_nodes, size=40, replace=False)
    d = rng.choice(bari.n_nodes, size=500, replace=False)
    got = od_matrix(bari, o, d, cutoff_s=20 * 60)
    want = np.atleast_2d(dijkstra(bari.csr, indices=o, limit=20 * 60))[:, d]
    assert np.array_equal(np.isfinite(got), np.isfinite(want))
    np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], rtol=1e-12)
    assert np.isfinite(want).sum() > 500  # the matrix is not trivially empty
