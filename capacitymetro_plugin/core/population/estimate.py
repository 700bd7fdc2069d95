"""Estimate foreign residents per comune from province totals, in proportion to population.

Used when ISTAT publishes only province totals for the year at hand. The result is marked as an
estimate (``is_estimate`` = True, ``method``) so maps and reports can say so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

METHOD = "province total × comune share of resident population"


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` into integers summing to it."""
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    if rest:
        order = np.argsort(-(exact - base), kind="stable")[:rest]
        base[order] += 1
    return base


def estimate_comuni_from_provinces(
    province_totals: Mapping[str, int] | pd.DataFrame,
    comuni_population: pd.DataFrame,
    *,
    totals_year: int | None = None,
    population_year: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Share each province's foreign residents among its comuni in proportion to population.

    Parameters
    ----------
    province_totals
        ``{province_code: foreign residents}`` or a DataFrame with ``code`` and ``total``
        (e.g. :meth:`IstatTable.totals`).
    comuni_population
        One row per comune with ``com_istat_code``, ``province_code`` and ``pop_total``
        (e.g. :func:`resident_population`). Give *every* comune of each province: the province
        total is shared among the rows given.
    totals_year, population_year
        Reference years; when they differ a warning goes to ``progress``.

    Returns
    -------
    pandas.DataFrame
        ``comuni_population`` plus ``foreign_est`` (integers summing exactly to each province
        total), ``foreign_share`` (= province share), ``is_estimate`` (True) and ``method``.
    """
    progress = ensure(progress)
    if isinstance(province_totals, pd.DataFrame):
        province_totals = dict(zip_strict(province_totals["code"], province_totals["total"]))
    totals = {str(k).zfill(3): int(v) for k, v in province_totals.items()}
    negative = [k for k, v in totals.items() if v < 0]
    if negative:
        raise InputError(
            f"Negative foreign-resident totals for provinces {negative}.",
            fix="Counts must be ≥ 0: check the input table.",
            it=f"Totali di stranieri residenti negativi per le province {negative}.",
            fix_it="I conteggi devono essere ≥ 0: controlla la tabella.",
        )
    for col in ("com_istat_code", "province_code", "pop_total"):
        if col not in comuni_population.columns:
            raise InputError(
                f"The comuni population table has no column {col!r}.",
                fix="Use resident_population() or a table with com_istat_code, province_code, pop_total.",
                it=f"La tabella della popolazione dei comuni non ha la colonna {col!r}.",
                fix_it="Usa resident_population() o una tabella con com_istat_code, province_code, pop_total.",
            )
    if totals_year and population_year and totals_year != population_year:
        progress.info(
            f"Warning: foreign residents refer to {totals_year}, population to {population_year}; "
            "the estimate mixes years."
        )
    df = comuni_population.copy()
    df["province_code"] = df["province_code"].astype(str).str.zfill(3)
    missing = sorted(set(df["province_code"]) - set(totals))
    if missing:
        raise InputError(
            f"No foreign-resident total for provinces {missing}.",
            fix="Give a total for every province of the comuni (unknown ISTAT code?).",
            it=f"Nessun totale di stranieri residenti per le province {missing}.",
            fix_it="Indica un totale per ogni provincia dei comuni (codice ISTAT sconosciuto?).",
        )
    df["foreign_est"] = 0
    df["foreign_share"] = np.nan
    for code, idx in df.groupby("province_code").groups.items():
        pops = df.loc[idx, "pop_total"].to_numpy(dtype=float)
        df.loc[idx, "foreign_est"] = largest_remainder(totals[code], pops)
        df.loc[idx, "foreign_share"] = totals[code] / pops.sum() if pops.sum() else np.nan
    df["foreign_est"] = df["foreign_est"].astype("int64")
    df["is_estimate"] = True
    df["method"] = METHOD
    return df


def foreign_from_table(
    table: pd.DataFrame,
    comuni_population: pd.DataFrame,
    *,
    code_field: str = "com_istat_code",
    count_field: str | None = None,
    pct_field: str | None = None,
) -> pd.DataFrame:
    """Join a per-comune table of foreign residents (counts, or % of population) to comuni.

    Parameters
    ----------
    table
        One row per comune with ``code_field`` (6-digit ISTAT) and either ``count_field``
        (people) or ``pct_field`` (percent of residents, e.g. the urbistat rankings).
    comuni_population
        :func:`resident_population` rows (``com_istat_code``, ``pop_total``).

    Returns
    -------
    pandas.DataFrame
        ``comuni_population`` plus ``foreign`` (NaN where the table has no row), ``is_estimate``
        (True when computed from a percentage) and ``method``.
    """
    if (count_field is None) == (pct_field is None):
        raise InputError(
            "Give either a count field or a percentage field.",
            fix="Choose the field with foreign residents or the one with their % of population.",
            it="Indica un campo di conteggio oppure un campo percentuale.",
            fix_it="Scegli il campo degli stranieri residenti o quello della loro % sulla popolazione.",
        )
    field = count_field or pct_field
    for col in (code_field, field):
        if col not in table.columns:
            raise InputError(
                f"The foreign-resident table has no column {col!r}.",
                fix=f"Columns available: {', '.join(map(str, table.columns))}.",
                it=f"La tabella degli stranieri residenti non ha la colonna {col!r}.",
                fix_it=f"Colonne disponibili: {', '.join(map(str, table.columns))}.",
            )
    t = table[[code_field, field]].copy()
    t[code_field] = t[code_field].astype(str).str.strip().str.zfill(6)
    values = pd.to_numeric(t[field], errors="coerce")
    if values.isna().any() or (values < 0).any() or (pct_field and (values > 100).any()):
        raise InputError(
            f"Column {field!r} has missing, negative or out-of-range values.",
            fix="Counts must be ≥ 0 and percentages between 0 and 100.",
            it=f"La colonna {field!r} ha valori mancanti, negativi o fuori intervallo.",
            fix_it="I conteggi devono essere ≥ 0 e le percentuali tra 0 e 100.",
        )
    unknown = sorted(set(t[code_field]) - set(comuni_population["com_istat_code"].astype(str)))
    if unknown:
        raise InputError(
            f"Unknown ISTAT comune codes in the foreign-resident table: {', '.join(unknown[:10])}.",
            fix="Use 6-digit ISTAT codes of the same year as the population.",
            it=f"Codici ISTAT di comune sconosciuti nella tabella: {', '.join(unknown[:10])}.",
            fix_it="Usa codici ISTAT a 6 cifre dello stesso anno della popolazione.",
        )
    mapping = dict(zip_strict(t[code_field], values))
    out = comuni_population.copy()
    got = out["com_istat_code"].astype(str).map(mapping)
    if pct_field:
        out["foreign"] = (got / 100.0 * out["pop_total"]).round()
        out["is_estimate"] = True
        out["method"] = "percentage of foreign residents × resident population"
    else:
        out["foreign"] = got
        out["is_estimate"] = False
        out["method"] = "count from table"
    return out
