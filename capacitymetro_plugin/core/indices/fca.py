"""Two-step floating catchment area accessibility: 2SFCA and E2SFCA.

Definitions (so results match other implementations on the same cost matrix):

* 2SFCA (Luo & Wang 2003). Step 1, for each service j:
  ``R_j = S_j / sum_{k : d_kj <= d0} P_k``.
  Step 2, for each demand location i: ``A_i = sum_{j : d_ij <= d0} R_j``.
* E2SFCA (Luo & Qi 2009): the same with a distance-decay weight ``W(d)`` in both steps:
  ``R_j = S_j / sum_k P_k W(d_kj)`` and ``A_i = sum_j R_j W(d_ij)``.
  *Stepped* decay: travel-time zones with one weight each — by default 0–10, 10–20, 20–30 minutes
  with weights 1, 0.68, 0.22 (Luo & Qi's Gaussian-derived weights); beyond the last step W = 0.
  *Gaussian* decay with catchment d0 (Dai 2010; as in the R package ``SpatialAcc``/``access``):
  ``W(d) = (exp(-½ (d/d0)²) - exp(-½)) / (1 - exp(-½))`` for d ≤ d0, else 0.

Here supply ``S_j`` is the service capacity (people per week) and demand ``P_k`` the foreign
residents of a zone or cell; ``A_i`` is then capacity per foreign resident. Zone boundaries are
inclusive (a time exactly equal to a threshold belongs to the lower step).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capacitymetro_plugin.core.defaults import E2SFCA_STEPS as DEFAULT_STEPS
from capacitymetro_plugin.core.errors import InputError


def stepped_weights(
    cost: np.ndarray, steps: Sequence[tuple[float, float]] = DEFAULT_STEPS
) -> np.ndarray:
    """Return W for each cost: the weight of the first step whose upper bound is ≥ the cost."""
    cost = np.asarray(cost, dtype=float)
    bounds = [float(b) for b, _ in steps]
    if any(b2 <= b1 for b1, b2 in zip(bounds, bounds[1:])) or not bounds:
        raise InputError(
            f"Decay steps {list(steps)} are not increasing.",
            fix="Give steps as increasing upper bounds in minutes, e.g. 10:1, 20:0.68, 30:0.22.",
            it=f"Le soglie di decadimento {list(steps)} non sono crescenti.",
            fix_it="Indica soglie crescenti in minuti, es. 10:1, 20:0.68, 30:0.22.",
        )
    w = np.zeros_like(cost)
    for bound, weight in reversed(list(steps)):
        w = np.where(cost <= bound, float(weight), w)
    w[~np.isfinite(cost)] = 0.0
    return w


def gaussian_weights(cost: np.ndarray, d0: float) -> np.ndarray:
    """Return the Gaussian decay weight (Dai 2010) of each cost, 0 beyond ``d0``."""
    cost = np.asarray(cost, dtype=float)
    edge = np.exp(-0.5)
    with np.errstate(invalid="ignore", over="ignore"):
        w = (np.exp(-0.5 * (cost / d0) ** 2) - edge) / (1 - edge)
    return np.where(np.isfinite(cost) & (cost <= d0), w, 0.0)


def decay_weights(
    cost: np.ndarray,
    *,
    decay: str = "stepped",
    threshold: float | None = None,
    steps: Sequence[tuple[float, float]] = DEFAULT_STEPS,
) -> np.ndarray:
    """Return the weight matrix W for ``decay`` ("binary", "stepped" or "gaussian")."""
    if decay == "binary":
        if threshold is None:
            raise InputError(
                "Binary 2SFCA needs a threshold.",
                fix="Give the catchment in minutes.",
                it="Il 2SFCA binario richiede una soglia.",
                fix_it="Indica il bacino in minuti.",
            )
        return stepped_weights(cost, [(threshold, 1.0)])
    if decay == "stepped":
        if threshold is not None:
            steps = [(b, w) for b, w in steps if b <= threshold]
        return stepped_weights(cost, steps)
    if decay == "gaussian":
        d0 = threshold if threshold is not None else float(steps[-1][0])
        return gaussian_weights(cost, d0)
    raise InputError(
        f"Unknown decay {decay!r}.",
        fix="Use binary, stepped or gaussian.",
        it=f"Decadimento sconosciuto {decay!r}.",
        fix_it="Usa binary, stepped o gaussian.",
    )


def fca(
    cost: np.ndarray,
    supply: np.ndarray,
    demand: np.ndarray,
    *,
    decay: str = "stepped",
    threshold: float | None = None,
    steps: Sequence[tuple[float, float]] = DEFAULT_STEPS,
) -> tuple[np.ndarray, np.ndarray]:
    """Compute 2SFCA/E2SFCA accessibility on a cost matrix.

    Parameters
    ----------
    cost
        (n_demand, n_supply) travel times in minutes; ``inf`` or NaN where unreachable.
    supply
        (n_supply,) capacity of each service (NaN/negative are errors).
    demand
        (n_demand,) people at each demand location (foreign residents).
    decay
        "binary" (classic 2SFCA, needs ``threshold``), "stepped" (E2SFCA) or "gaussian".
    threshold
        Catchment in minutes (binary/gaussian; caps the steps for "stepped").
    steps
        ``[(upper bound in minutes, weight), ...]`` for the stepped decay.

    Returns
    -------
    (accessibility, ratio)
        ``A_i`` per demand location and ``R_j`` (supply-to-demand ratio) per service; R_j is 0
        for a service with no demand within reach.
    """
    cost = np.asarray(cost, dtype=float)
    supply = np.asarray(supply, dtype=float)
    demand = np.asarray(demand, dtype=float)
    if cost.shape != (len(demand), len(supply)):
        raise InputError(
            f"The cost matrix is {cost.shape}, but there are {len(demand)} demand locations and "
            f"{len(supply)} services.",
            fix="Build the matrix with one row per demand location and one column per service.",
            it=f"La matrice dei costi è {cost.shape}, ma ci sono {len(demand)} luoghi di domanda e "
            f"{len(supply)} servizi.",
            fix_it="Costruisci la matrice con una riga per luogo di domanda e una colonna per servizio.",
        )
    for name, arr, name_it in (("capacity", supply, "capacità"), ("demand", demand, "domanda")):
        if np.isnan(arr).any() or (arr < 0).any():
            raise InputError(
                f"Some {name} values are missing or negative.",
                fix=f"Give every {name} value as a number ≥ 0.",
                it=f"Alcuni valori di {name_it} mancano o sono negativi.",
                fix_it=f"Indica ogni valore di {name_it} come numero ≥ 0.",
            )
    cost = np.where(np.isnan(cost), np.inf, cost)
    w = decay_weights(cost, decay=decay, threshold=threshold, steps=steps)
    weighted_demand = (demand[:, None] * w).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weighted_demand > 0, supply / weighted_demand, 0.0)
    access = (w * ratio[None, :]).sum(axis=1)
    return access, ratio
