"""Bivariate 3×3 classes: foreign-resident share × accessibility.

Each variable is cut into low/medium/high (1–3) by two breaks (tertiles by default). The class
code is ``"<share><access>"`` such as ``"31"`` (high share, low access: where to act first), and
``bivariate_class`` is the integer 1–9 = (share − 1) × 3 + access, matched by ``styles/bivariate.qml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capacitymetro_plugin.core.errors import InputError


def tertile_breaks(values: np.ndarray) -> tuple[float, float]:
    """Return the 1/3 and 2/3 quantiles of the finite values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        raise InputError(
            "No valid values to classify.",
            fix="Check that the input has numbers.",
            it="Nessun valore valido da classificare.",
            fix_it="Controlla che l'input contenga numeri.",
        )
    q1, q2 = np.quantile(v, [1 / 3, 2 / 3])
    return float(q1), float(q2)


def classify3(values: np.ndarray, breaks: Sequence[float] | None = None) -> np.ndarray:
    """Return 1/2/3 for values ≤ b1, ≤ b2, > b2 (0 for NaN)."""
    v = np.asarray(values, dtype=float)
    b1, b2 = breaks if breaks is not None else tertile_breaks(v)
    out = np.where(v <= b1, 1, np.where(v <= b2, 2, 3))
    return np.where(np.isfinite(v), out, 0)


def bivariate_classes(
    share: np.ndarray,
    access: np.ndarray,
    *,
    share_breaks: Sequence[float] | None = None,
    access_breaks: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (class 1–9, code "11"…"33") for each pair; 0 / "" where a value is missing."""
    s = classify3(share, share_breaks)
    a = classify3(access, access_breaks)
    ok = (s > 0) & (a > 0)
    cls = np.where(ok, (s - 1) * 3 + a, 0)
    code = np.where(ok, np.char.add(s.astype(str), a.astype(str)), "")
    return cls, code


def quantile_class(values: np.ndarray, n: int = 5) -> np.ndarray:
    """Return 1…n by quantiles of the finite values (0 for NaN), e.g. quintiles for a map legend.

    Tied values share one class (see :func:`.classes.quantile_breaks`): with many cells at the
    same value the first class holds more than 1/n and the others split the rest evenly.
    """
    from .classes import classify, quantile_breaks

    return classify(values, quantile_breaks(values, n))
