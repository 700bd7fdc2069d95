"""E2SFCA accessibility per population cell: the one core call behind every door.

Missing capacity rule (the same in Processing, the CLI and the dock):

* when no service gives a capacity (no field, or every value empty), each service counts as 1:
  ``access`` is then services per foreign resident, a relative measure;
* when some services give a capacity, a service **without** one counts as 0: it adds no supply,
  because inventing a capacity would overstate access. How many services this hit is reported
  (:attr:`E2sfcaResult.services_without_capacity`) so the user can fill them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.indices.bivariate import bivariate_classes, quantile_class
from capacitymetro_plugin.core.indices.fca import fca


@dataclass
class E2sfcaResult:
    """Cells with the accessibility fields, and what the user should be told."""

    cells: object  # GeoDataFrame
    services: int
    services_without_capacity: int
    capacity_given: bool
    notes: list[str] = field(default_factory=list)
    notes_it: list[str] = field(default_factory=list)


def capacity_supply(services, capacity_field: str | None = defaults.CAPACITY_FIELD):
    """Return (supply per service, services without capacity, whether any capacity was given)."""
    n = len(services)
    if not capacity_field or capacity_field not in services:
        return np.ones(n), 0, False
    capacity = pd.to_numeric(services[capacity_field], errors="coerce")
    capacity = capacity.where(capacity >= 0)  # a negative capacity is no capacity
    if capacity.isna().all():
        return np.ones(n), 0, False
    missing = int(capacity.isna().sum())
    return capacity.fillna(0.0).to_numpy(float), missing, True


def catchment_min(
    *,
    decay: str = defaults.E2SFCA_DECAY,
    steps: Sequence[tuple[float, float]] = defaults.E2SFCA_STEPS,
    threshold: float | None = defaults.E2SFCA_THRESHOLD_MIN,
) -> float:
    """Return the catchment in minutes: the last step (stepped decay) or ``threshold``."""
    if decay == "stepped" and steps:
        return float(max(bound for bound, _ in steps))
    return float(threshold if threshold is not None else defaults.E2SFCA_THRESHOLD_MIN)


def e2sfca_cells(
    cells,
    times,
    services,
    *,
    capacity_field: str | None = defaults.CAPACITY_FIELD,
    decay: str = defaults.E2SFCA_DECAY,
    steps: Sequence[tuple[float, float]] = defaults.E2SFCA_STEPS,
    threshold: float | None = defaults.E2SFCA_THRESHOLD_MIN,
) -> E2sfcaResult:
    """Compute E2SFCA on ``cells`` (``foreign`` and ``pop_total`` columns) and return a copy.

    ``times`` is :func:`capacitymetro_plugin.core.coverage.service_times` from the cell
    centroids to ``services`` (one row per service, in order). ``threshold`` is used by the
    Gaussian and binary decays only; the times must reach the catchment
    (:func:`catchment_min`). Adds ``minutes_nearest`` (to the nearest service within the
    catchment; inf when none), ``access``, ``access_per_1000``, ``access_quintile``, ``foreign_share``,
    ``bivariate`` and ``bivariate_code``.
    """
    reach = catchment_min(decay=decay, steps=steps, threshold=threshold)
    if times.cutoff_min is not None and times.cutoff_min < reach:
        raise InputError(
            f"Travel times stop at {times.cutoff_min:g} min, short of the {reach:g} min catchment.",
            fix=f"Compute the service times with a cut-off of at least {reach:g} min.",
            it=f"I tempi di viaggio si fermano a {times.cutoff_min:g} min, meno del bacino di "
            f"{reach:g} min.",
            fix_it=f"Calcola i tempi dei servizi con un limite di almeno {reach:g} min.",
        )
    supply, missing, given = capacity_supply(services, capacity_field)
    access, _ = fca(
        times.minutes.T.astype(float),
        supply,
        cells["foreign"].to_numpy(float),
        decay=decay,
        threshold=threshold if decay != "stepped" else None,
        steps=steps,
    )
    out = cells.copy()
    minutes, _ = times.nearest()
    # within the catchment only: the same whatever cut-off the door computed the times with
    out["minutes_nearest"] = np.where(minutes <= reach, minutes, np.inf)
    out["access"] = access
    out["access_per_1000"] = access * 1000
    out["access_quintile"] = quantile_class(access)
    out["foreign_share"] = (out["foreign"] / out["pop_total"]).where(out["pop_total"] > 0)
    cls, code = bivariate_classes(out["foreign_share"].to_numpy(float), access)
    out["bivariate"] = cls
    out["bivariate_code"] = code
    res = E2sfcaResult(out, len(services), missing, given)
    if not given:
        res.notes.append("E2SFCA: no service gives a capacity; each counts as 1.")
        res.notes_it.append("E2SFCA: nessun servizio indica la capacità; ognuno conta 1.")
    elif missing:
        res.notes.append(
            f"E2SFCA: {missing} of {len(services)} services have no capacity; they count as 0 "
            "(no supply is invented). Fill in their capacity to count them."
        )
        res.notes_it.append(
            f"E2SFCA: {missing} servizi su {len(services)} non indicano la capacità; contano 0 "
            "(nessuna offerta inventata). Indica la loro capacità per contarli."
        )
    return res
