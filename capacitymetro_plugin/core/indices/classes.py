"""Map classes from the data: quantile breaks that respect ties, rounded and labelled for people.

Plain ``np.quantile`` breaks go wrong on the values our maps show: when 53 % of the cells have
the same value (no service in reach: access 0), the first four quintile breaks are all 0 and one
class labelled "lowest 20 %" holds 53 % of the cells while the next ones are empty.
:func:`quantile_breaks` gives a tied value one class whole and splits what is left evenly into
the remaining classes, so every class is non-empty and :func:`class_shares` says what each one
really holds. :func:`round_breaks` rounds breaks to two significant digits (the numbers a planner
reads) and :func:`class_labels` writes "200–1.000" (Italian) or "200–1,000" (English).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def quantile_breaks(values: np.ndarray, n: int = 5) -> list[float]:
    """Return the inclusive upper bounds of at most ``n`` quantile classes of the finite values.

    Each class is filled, in order, with about ``len(rest) / classes_left`` of the sorted values
    and then with every value tied to its last one, so a tie never spans two classes. The last
    bound is the maximum. Fewer than ``n`` bounds come back when there are fewer distinct values.
    """
    v = np.sort(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    breaks: list[float] = []
    start = 0
    for left in range(n, 0, -1):
        if start >= len(v):
            break
        take = max(1, round((len(v) - start) / left))
        upper = float(v[start + take - 1])
        breaks.append(upper)
        start = int(np.searchsorted(v, upper, side="right"))
    return breaks


def classify(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Return the class 1…len(breaks) of each value (upper bounds inclusive), 0 for NaN."""
    v = np.asarray(values, dtype=float)
    out = np.zeros(len(v), dtype=int)
    ok = np.isfinite(v)
    if len(breaks):
        out[ok] = np.minimum(
            np.searchsorted(np.asarray(breaks, dtype=float), v[ok], side="left") + 1, len(breaks)
        )
    return out


def class_shares(values: np.ndarray, breaks: Sequence[float]) -> list[float]:
    """Return the share (0–1) of the finite values in each class of ``breaks``."""
    cls = classify(values, breaks)
    cls = cls[cls > 0]
    if len(cls) == 0:
        return [0.0] * len(breaks)
    counts = np.bincount(cls, minlength=len(breaks) + 1)[1:]
    return [float(c) / len(cls) for c in counts]


def _round_sig(x: float, digits: int, up: bool) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    step = 10 ** (math.floor(math.log10(abs(x))) - digits + 1)
    return (math.ceil(x / step) if up else round(x / step)) * step


def round_breaks(breaks: Sequence[float], *, digits: int = 2) -> list[float]:
    """Round breaks to ``digits`` significant digits, the last one up; drop bounds that merge.

    The classes are then those of the rounded bounds (what the legend says), not of the exact
    quantiles.
    """
    out: list[float] = []
    for i, b in enumerate(breaks):
        r = _round_sig(float(b), digits, up=i == len(breaks) - 1)
        r = float(f"{r:.12g}")  # no 0.30000000000000004
        if out and r <= out[-1]:
            if i == len(breaks) - 1:
                out[-1] = max(out[-1], r)
            continue
        out.append(r)
    return out


def format_number(x: float, lang: str = "en") -> str:
    """Write ``x`` for people: thousands grouped, at most 3 significant decimals, in ``lang``."""
    if x == int(x) and abs(x) >= 1 or x == 0:
        text = f"{int(round(x)):,}"
    else:
        decimals = max(0, 2 - math.floor(math.log10(abs(x))))
        text = f"{x:,.{decimals}f}".rstrip("0").rstrip(".")
    if lang == "it":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def class_labels(
    breaks: Sequence[float],
    *,
    minimum: float = 0.0,
    lang: str = "en",
    shares: Sequence[float] | None = None,
) -> list[str]:
    """Return a label per class: "0–50", "50–200", …; with ``shares``, "(20 % of cells)".

    A class whose lower and upper bounds are equal (a tie such as "0") is labelled by the value.
    """
    labels = []
    lower = float(minimum)
    for i, upper in enumerate(breaks):
        lo, hi = format_number(lower, lang), format_number(float(upper), lang)
        text = hi if (i == 0 and lower == upper) else f"{lo}–{hi}"
        if shares is not None:
            pct = round(100 * shares[i])
            cells = "delle celle" if lang == "it" else "of cells"
            text += f" ({pct} % {cells})"
        labels.append(text)
        lower = float(upper)
    return labels


__all__ = [
    "class_labels",
    "class_shares",
    "classify",
    "format_number",
    "quantile_breaks",
    "round_breaks",
]
