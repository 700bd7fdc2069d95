"""2SFCA / E2SFCA against hand-computed numbers and a direct loop over the formula."""

import math

import numpy as np
import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.indices import fca, gaussian_weights, stepped_weights

COST = np.array([[5.0, 15.0], [25.0, 35.0]])
SUPPLY = np.array([10.0, 30.0])
DEMAND = np.array([100.0, 200.0])


def test_e2sfca_hand_checked():
    # W = [[1, .68], [.22, 0]]; R1 = 10/(100 + 200*.22) = 10/144; R2 = 30/(100*.68) = 30/68
    access, ratio = fca(COST, SUPPLY, DEMAND, decay="stepped")
    assert ratio == pytest.approx([10 / 144, 30 / 68])
    assert access == pytest.approx([10 / 144 + 0.68 * 30 / 68, 0.22 * 10 / 144])


def test_2sfca_binary_hand_checked():
    access, ratio = fca(COST, SUPPLY, DEMAND, decay="binary", threshold=20)
    assert ratio == pytest.approx([0.1, 0.3]) and access == pytest.approx([0.4, 0.0])


def test_threshold_is_inclusive_and_unreachable_is_zero():
    assert list(stepped_weights(np.array([10.0, 10.01, 30.0, 30.01, np.inf]))) == [
        1,
        0.68,
        0.22,
        0,
        0,
    ]


def _direct(cost, supply, demand, weight):
    """Luo & Qi (2009) written as the two sums of the paper, one element at a time."""
    n, m = cost.shape
    ratio = []
    for j in range(m):
        denom = sum(demand[k] * weight(cost[k, j]) for k in range(n))
        ratio.append(supply[j] / denom if denom > 0 else 0.0)
    return [sum(ratio[j] * weight(cost[i, j]) for j in range(m)) for i in range(n)]


def _step(d):
    return 1.0 if d <= 10 else 0.68 if d <= 20 else 0.22 if d <= 30 else 0.0


def _gauss(d, d0=30.0):
    if not d <= d0:
        return 0.0
    return (math.exp(-0.5 * (d / d0) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5))


@pytest.mark.parametrize("decay,weight", [("stepped", _step), ("gaussian", _gauss)])
def test_random_matrix_equals_direct_formula(decay, weight):
    rng = np.random.default_rng(4)
    cost = rng.uniform(0, 45, size=(30, 7))
    cost[rng.random(cost.shape) < 0.1] = np.inf
    supply = rng.integers(0, 200, 7).astype(float)
    demand = rng.integers(0, 500, 30).astype(float)
    access, _ = fca(
        cost, supply, demand, decay=decay, threshold=30 if decay == "gaussian" else None
    )
    assert access == pytest.approx(_direct(cost, supply, demand, weight))
    # total accessibility weighted by demand equals the total supply that has demand in reach
    _, ratio = fca(cost, supply, demand, decay=decay, threshold=30 if decay == "gaussian" else None)
    reached = supply[ratio > 0].sum()
    assert (access * demand).sum() == pytest.approx(reached)


def test_gaussian_edges():
    assert gaussian_weights(np.array([0.0, 30.0, 31.0]), 30) == pytest.approx([1.0, 0.0, 0.0])


def test_bad_inputs():
    with pytest.raises(InputError, match="cost matrix"):
        fca(COST, SUPPLY[:1], DEMAND)
    with pytest.raises(InputError, match="capacity"):
        fca(COST, np.array([1.0, np.nan]), DEMAND)
    with pytest.raises(InputError, match="demand"):
        fca(COST, SUPPLY, np.array([-1.0, 2.0]))
    with pytest.raises(InputError, match="decay"):
        fca(COST, SUPPLY, DEMAND, decay="linear")
    with pytest.raises(InputError, match="not increasing"):
        stepped_weights(COST, [(20, 1), (10, 0.5)])
