"""Residents and foreign residents of an analysis area's comuni: the one method of every door.

The command line (``[population]``) and Processing ("Prepare analysis area") both call
:func:`foreign_by_comune` and :func:`area_zones`, so an area gives the same zones whichever door
opens it. Foreign residents per comune are, in order of preference:

1. the comune's own figure, from a table per comune (a count, or a percentage × residents);
2. else the ISTAT province total (STRASA) shared among the province's comuni in proportion to
   residents: an **estimate**, said in ``foreign_source`` (``"province estimate"``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

PROVINCE_ESTIMATE = "province estimate"


def _table_frame(comune_table, code_field: str) -> pd.DataFrame:
    """The table per comune as a DataFrame (a CSV path is read with its codes as text)."""
    if isinstance(comune_table, pd.DataFrame):
        return comune_table
    return pd.read_csv(comune_table, dtype={code_field: str})


def foreign_by_comune(
    provinces: Sequence[str],
    *,
    year: int,
    strasa,  # a STRASA file, or the table read_strasa already returned
    comune_table: str | os.PathLike | pd.DataFrame | None = None,
    code_field: str = "com_istat_code",
    count_field: str | None = None,
    pct_field: str | None = None,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Return every comune of ``provinces`` with residents and foreign residents, and facts.

    Returns
    -------
    (DataFrame, dict)
        Columns ``com_istat_code``, ``name``, ``prov_istat_code``, ``pop_total``,
        ``foreign_est``, ``method``, ``foreign_source`` (``"comune"``, ``"comune (% ×
        residents)"`` or ``"province estimate"``); the dict holds ``totals_year`` (the STRASA
        year), ``province_total`` (the estimated total of the provinces) and
        ``with_figure`` (the codes that took the comune table's own figure).
    """
    from . import (
        estimate_comuni_from_provinces,
        foreign_from_table,
        read_strasa,
        resident_population,
    )

    progress = ensure(progress)
    pop = resident_population(year=year, provinces=list(provinces))
    table = strasa if hasattr(strasa, "totals") else read_strasa(strasa)  # already read, or a file
    est = estimate_comuni_from_provinces(
        table.totals(), pop, totals_year=table.year, population_year=year, progress=progress
    )
    facts = {
        "totals_year": table.year,
        "province_total": int(est["foreign_est"].sum()),
        "with_figure": [],
    }
    est["foreign_source"] = PROVINCE_ESTIMATE
    if comune_table is None:
        return est, facts
    field = count_field or pct_field
    if not field:
        raise InputError(
            "A table of foreign residents per comune needs the column with the figures.",
            fix="Name its count column (or its percentage column).",
            it="Una tabella di stranieri residenti per comune richiede la colonna dei valori.",
            fix_it="Indica la colonna dei conteggi (o quella delle percentuali).",
        )
    frame = _table_frame(comune_table, code_field)
    if field in frame.columns:  # rows without a figure keep the province estimate
        frame = frame[pd.to_numeric(frame[field], errors="coerce").notna()]
    if code_field in frame.columns:  # comuni of other provinces are not this area's
        codes = frame[code_field].astype(str).str.strip().str.zfill(6)
        frame = frame[codes.isin(set(est["com_istat_code"].astype(str)))]
    got = foreign_from_table(
        frame,
        est[["com_istat_code", "pop_total"]],
        code_field=code_field,
        count_field=count_field or None,
        pct_field=pct_field if not count_field else None,
    )
    has = got["foreign"].notna().to_numpy()
    est = est.copy()
    est.loc[has, "foreign_est"] = got.loc[has, "foreign"].to_numpy()
    est.loc[has, "foreign_source"] = "comune" if count_field else "comune (% × residents)"
    facts["with_figure"] = est.loc[has, "com_istat_code"].astype(str).tolist()
    return est, facts


def area_zones(
    comuni: Sequence[str],
    *,
    year: int,
    strasa: str | os.PathLike | None = None,
    comune_table: str | os.PathLike | pd.DataFrame | None = None,
    code_field: str = "com_istat_code",
    count_field: str | None = None,
    pct_field: str | None = None,
    progress: Progress | None = None,
):
    """Return the comuni of an area as population zones (ISTAT boundaries, EPSG:4326).

    Columns ``com_istat_code``, ``name``, ``prov_istat_code``, ``pop_total`` and, with
    ``strasa`` or ``comune_table``, ``foreign`` (rounded people), ``foreign_source`` and
    ``is_estimate`` (True where the figure is the province estimate). Without either, only the
    residents: a zone layer for totals, not for foreign residents.
    """
    from . import comuni_boundaries

    progress = ensure(progress)
    codes = [str(c).strip().zfill(6) for c in comuni]
    if not codes:
        raise InputError(
            "The area has no comune.",
            fix="Give a metropolitan city, province, comune or list of comuni.",
            it="L'area non ha alcun comune.",
            fix_it="Indica una città metropolitana, provincia, comune o elenco di comuni.",
        )
    zones = comuni_boundaries(year=year, comuni=codes)
    facts: dict = {}
    if strasa is not None:
        provinces = sorted({c[:3] for c in codes})
        est, facts = foreign_by_comune(
            provinces,
            year=year,
            strasa=strasa,
            comune_table=comune_table,
            code_field=code_field,
            count_field=count_field,
            pct_field=pct_field,
            progress=progress.step(0.2, 0.9),
        )
        est = est.set_index("com_istat_code")
        zones["foreign"] = (
            zones["com_istat_code"].map(est["foreign_est"]).astype(float).round().astype("Int64")
        )
        zones["foreign_source"] = zones["com_istat_code"].map(est["foreign_source"])
        zones["is_estimate"] = zones["foreign_source"] == PROVINCE_ESTIMATE
        zones["foreign_year"] = int(facts.get("totals_year") or 0)
    elif comune_table is not None:
        raise InputError(
            "A table per comune needs the ISTAT province totals (STRASA) for the comuni it "
            "does not list.",
            fix="Give the STRASA file of the provinces as well.",
            it="Una tabella per comune richiede anche i totali provinciali ISTAT (STRASA) per i "
            "comuni che non elenca.",
            fix_it="Indica anche il file STRASA delle province.",
        )
    zones.attrs["facts"] = facts
    return zones


def comuni_foreign(
    provinces: Sequence[str],
    *,
    year: int,
    strasa: str | os.PathLike | None = None,
    comune_table: str | os.PathLike | pd.DataFrame | None = None,
    code_field: str = "com_istat_code",
    count_field: str | None = None,
    pct_field: str | None = None,
    progress: Progress | None = None,
):
    """Return the comuni of ``provinces`` (ISTAT boundaries, EPSG:4326) with foreign residents.

    The Processing door "Foreign residents per comune" is this one call. Foreign residents come
    from, in order:

    - a STRASA file **per comune**: each comune's own ISTAT figure (``foreign_source =
      "comune"``; comuni not in the file are left empty);
    - a STRASA file **per province**: :func:`foreign_by_comune`, the same method as the command
      line: the comune table's own figure where it has one, else the province estimate;
    - only a ``comune_table``: its figures (a count, or a percentage × residents), empty where
      it has no row;
    - neither: the comuni with their residents only.

    Columns: those of ``comuni_boundaries`` plus ``foreign``, ``foreign_source``,
    ``is_estimate``, ``method``, ``foreign_year`` (0 when unknown) and ``foreign_share``;
    ``attrs["facts"]["missing"]`` counts the comuni left empty.
    """
    from . import comuni_boundaries, foreign_from_table, read_strasa

    progress = ensure(progress)
    provinces = [str(p).strip().zfill(3) for p in provinces if str(p).strip()]
    if not provinces:
        raise InputError(
            "No province code given.",
            fix="Write one or more 3-digit ISTAT codes, e.g. 027.",
            it="Nessun codice di provincia indicato.",
            fix_it="Scrivi uno o più codici ISTAT a 3 cifre, es. 027.",
        )
    gdf = comuni_boundaries(year=year, provinces=provinces)
    facts: dict = {"totals_year": None}
    table = read_strasa(strasa) if strasa is not None else None
    if table is not None and table.level == "comune":
        totals = table.totals()[["code", "total"]]
        figures = dict(zip(totals["code"].astype(str).str.zfill(6), totals["total"]))
        gdf["foreign"] = gdf["com_istat_code"].map(figures).astype(float)
        gdf["foreign_source"] = gdf["foreign"].notna().map({True: "comune", False: None})
        gdf["is_estimate"] = False
        gdf["method"] = "ISTAT STRASA per comune"
        facts["totals_year"] = table.year
    elif table is not None:
        est, facts = foreign_by_comune(
            provinces,
            year=year,
            strasa=table,  # read once, above
            comune_table=comune_table,
            code_field=code_field,
            count_field=count_field,
            pct_field=pct_field,
            progress=progress.step(0.2, 0.9),
        )
        est = est.set_index("com_istat_code")
        gdf["foreign"] = gdf["com_istat_code"].map(est["foreign_est"]).astype(float)
        gdf["foreign_source"] = gdf["com_istat_code"].map(est["foreign_source"])
        gdf["is_estimate"] = gdf["foreign_source"] == PROVINCE_ESTIMATE
        gdf["method"] = gdf["com_istat_code"].map(est["method"])
    elif comune_table is not None:
        got = foreign_from_table(
            _table_frame(comune_table, code_field),
            gdf.drop(columns="geometry"),
            code_field=code_field,
            count_field=count_field,
            pct_field=pct_field if not count_field else None,
        )
        gdf["foreign"] = got["foreign"].to_numpy()
        has = gdf["foreign"].notna()
        gdf["foreign_source"] = has.map(
            {True: "comune" if count_field else "comune (% × residents)", False: None}
        )
        gdf["is_estimate"] = got["is_estimate"].to_numpy()
        gdf["method"] = got["method"].to_numpy()
    else:  # residents only: a comuni layer for totals
        facts["missing"] = 0
        gdf.attrs["facts"] = facts
        return gdf
    gdf["foreign_year"] = int(facts.get("totals_year") or 0)
    gdf["foreign_share"] = (gdf["foreign"] / gdf["pop_total"]).where(gdf["pop_total"] > 0)
    facts["missing"] = int(gdf["foreign"].isna().sum())
    gdf.attrs["facts"] = facts
    return gdf


__all__ = ["PROVINCE_ESTIMATE", "area_zones", "comuni_foreign", "foreign_by_comune"]
