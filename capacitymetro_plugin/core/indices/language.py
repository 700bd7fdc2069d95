"""Language access: are foreign residents within reach of a service in a language they speak?

A person counts as *served* when at least one service within the threshold offers one of the main
languages of their citizenship (table ``core/data/citizenship_languages.csv``: ISO 3166 code,
Italian and English country names, ISO 639-1 languages, and the source of each row). Residents
whose citizenship is not in the table (or is "other") are reported as *unknown*, never as served.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError

TABLE = Path(__file__).resolve().parent.parent / "data" / "citizenship_languages.csv"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").replace("'", " ").split())


@lru_cache(maxsize=1)
def citizenship_languages() -> pd.DataFrame:
    """Return the shipped citizenship → languages table (``languages`` as tuples)."""
    df = pd.read_csv(TABLE, dtype=str, keep_default_na=False)
    df["languages"] = df["languages"].map(lambda s: tuple(x for x in s.split(";") if x))
    return df


@lru_cache(maxsize=1)
def _lookup() -> dict[str, tuple[str, tuple[str, ...]]]:
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    for row in citizenship_languages().itertuples():
        for key in (row.iso2, row.name_it, row.name_en):
            table[_norm(key)] = (row.iso2, row.languages)
    return table


def languages_of(citizenship: str) -> tuple[str, ...]:
    """Return the main languages (ISO 639-1) of a citizenship given by name (it/en) or ISO code.

    Returns an empty tuple for a citizenship not in the table.
    """
    return _lookup().get(_norm(citizenship), ("", ()))[1]


def parse_languages(value) -> frozenset[str]:
    """Parse a registry ``languages`` value (``"it;en;ar"``) into a set of codes."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    return frozenset(
        x.strip().lower() for x in str(value).replace(",", ";").split(";") if x.strip()
    )


def languages_within(
    times: np.ndarray,
    service_languages: Sequence[Iterable[str]],
    *,
    threshold: float,
) -> list[frozenset[str]]:
    """Return, for each zone, the languages offered by services within ``threshold``.

    Parameters
    ----------
    times
        (n_zones, n_services) travel times (minutes); inf/NaN where unreachable.
    service_languages
        Languages of each service (sets or ``"it;en"`` strings).
    threshold
        Minutes; a time equal to the threshold is within reach.
    """
    times = np.asarray(times, dtype=float)
    langs = [
        parse_languages(s) if isinstance(s, str) or s is None else frozenset(s)
        for s in service_languages
    ]
    if times.shape[1] != len(langs):
        raise InputError(
            f"{times.shape[1]} columns of travel times but {len(langs)} services.",
            fix="Give one column per service.",
            it=f"{times.shape[1]} colonne di tempi di viaggio ma {len(langs)} servizi.",
            fix_it="Indica una colonna per servizio.",
        )
    reach = np.nan_to_num(times, nan=np.inf) <= threshold
    return [frozenset().union(*(langs[j] for j in np.nonzero(row)[0])) for row in reach]


def language_access(
    residents: pd.DataFrame,
    available: Mapping[str, Iterable[str]],
    *,
    zone_field: str = "zone",
    citizenship_field: str = "citizenship",
    count_field: str = "count",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of foreign residents who can reach a service in one of their languages.

    Parameters
    ----------
    residents
        One row per zone × citizenship with a count (e.g. comune citizenship tables, or cells).
    available
        ``{zone: languages offered by services within the threshold}``
        (see :func:`languages_within`). Zones missing here have no service within reach.

    Returns
    -------
    (per_zone, groups)
        ``per_zone``: ``zone``, ``foreign``, ``served``, ``unserved``, ``unknown``
        (citizenship not in the table), ``share_served`` = served / (served + unserved).
        ``groups``: one row per zone × citizenship not served, with ``languages`` and
        ``unserved``, largest first — the largest unserved language groups of each area.
    """
    for col in (zone_field, citizenship_field, count_field):
        if col not in residents.columns:
            raise InputError(
                f"The residents table has no column {col!r}.",
                fix=f"Give columns {zone_field!r}, {citizenship_field!r} and {count_field!r}.",
                it=f"La tabella dei residenti non ha la colonna {col!r}.",
                fix_it=f"Indica le colonne {zone_field!r}, {citizenship_field!r} e {count_field!r}.",
            )
    df = residents[[zone_field, citizenship_field, count_field]].copy()
    df.columns = ["zone", "citizenship", "count"]
    df["count"] = pd.to_numeric(df["count"], errors="coerce")
    if df["count"].isna().any() or (df["count"] < 0).any():
        raise InputError(
            "Some citizenship counts are missing or negative.",
            fix="Give every count as a number ≥ 0.",
            it="Alcuni conteggi per cittadinanza mancano o sono negativi.",
            fix_it="Indica ogni conteggio come numero ≥ 0.",
        )
    avail = {
        str(k): frozenset(parse_languages(v) if isinstance(v, str) else v)
        for k, v in available.items()
    }
    df["languages"] = df["citizenship"].map(languages_of)
    df["known"] = df["languages"].map(bool)
    df["served"] = [
        known and bool(set(langs) & avail.get(str(zone), frozenset()))
        for zone, langs, known in zip_strict(df["zone"], df["languages"], df["known"])
    ]
    df["served_n"] = np.where(df["served"], df["count"], 0.0)
    df["unserved_n"] = np.where(df["known"] & ~df["served"], df["count"], 0.0)
    df["unknown_n"] = np.where(~df["known"], df["count"], 0.0)
    per_zone = df.groupby("zone", as_index=False, sort=False).agg(
        foreign=("count", "sum"),
        served=("served_n", "sum"),
        unserved=("unserved_n", "sum"),
        unknown=("unknown_n", "sum"),
    )
    denom = per_zone["served"] + per_zone["unserved"]
    per_zone["share_served"] = np.where(
        denom > 0, per_zone["served"] / denom.where(denom > 0, 1), np.nan
    )
    groups = df[df["unserved_n"] > 0][["zone", "citizenship", "languages", "unserved_n"]]
    groups = groups.rename(columns={"unserved_n": "unserved"})
    groups["languages"] = groups["languages"].map(";".join)
    groups = groups.sort_values(["zone", "unserved"], ascending=[True, False], kind="stable")
    return per_zone, groups.reset_index(drop=True)


def unserved_by_language(groups: pd.DataFrame) -> pd.DataFrame:
    """Sum unserved residents per zone and main (first-listed) language, largest first."""
    g = groups.assign(language=groups["languages"].str.split(";").str[0])
    out = g.groupby(["zone", "language"], as_index=False)["unserved"].sum()
    return out.sort_values(["zone", "unserved"], ascending=[True, False]).reset_index(drop=True)


def spread_citizenships(
    cells: pd.DataFrame,
    citizenships: pd.DataFrame,
    *,
    area_field: str = "com_istat_code",
    count_field: str = "foreign",
    citizenship_field: str = "citizenship",
    citizenship_count_field: str = "count",
) -> pd.DataFrame:
    """Give each cell its area's citizenship mix, for language access per cell.

    Each cell's foreign residents are split by the shares of citizenships in its area (comune):
    the only assumption available when citizenship is published per comune only.

    Returns
    -------
    pandas.DataFrame
        ``zone`` (the cell's index label), ``citizenship``, ``count``: the input of
        :func:`language_access`. Cells of areas without a citizenship table are left out.
    """
    for col, frame, name in (
        (area_field, cells, "cells"),
        (count_field, cells, "cells"),
        (area_field, citizenships, "citizenship table"),
        (citizenship_field, citizenships, "citizenship table"),
        (citizenship_count_field, citizenships, "citizenship table"),
    ):
        if col not in frame.columns:
            raise InputError(
                f"The {name} have no column {col!r}.",
                fix="Check the field names.",
                it=f"La tabella ({name}) non ha la colonna {col!r}.",
                fix_it="Controlla i nomi dei campi.",
            )
    c = citizenships[[area_field, citizenship_field, citizenship_count_field]].copy()
    c[area_field] = c[area_field].astype(str)
    totals = c.groupby(area_field)[citizenship_count_field].transform("sum")
    c["share"] = np.where(totals > 0, c[citizenship_count_field] / totals.where(totals > 0, 1), 0.0)
    cl = pd.DataFrame(
        {
            "zone": cells.index,
            area_field: cells[area_field].astype(str).to_numpy(),
            "foreign": cells[count_field].to_numpy(dtype=float),
        }
    )
    merged = cl.merge(c[[area_field, citizenship_field, "share"]], on=area_field, how="inner")
    merged["count"] = merged["foreign"] * merged["share"]
    return merged.rename(columns={citizenship_field: "citizenship"})[
        ["zone", "citizenship", "count"]
    ]


#: Citizenship label of the foreign residents beyond the listed citizenships (counted unknown).
OTHER_CITIZENSHIPS = "(other citizenships)"


def language_access_cells(
    cells: pd.DataFrame,
    minutes: np.ndarray,
    languages: Sequence,
    shares: Mapping[str, float],
    *,
    threshold: float,
    count_field: str = "foreign",
) -> tuple[pd.DataFrame, pd.DataFrame, list[frozenset[str]]]:
    """Language access of every cell, from one citizenship mix applied to all cells.

    Parameters
    ----------
    cells
        One row per cell with ``count_field`` (foreign residents).
    minutes
        (services, cells) travel minutes (:class:`~capacitymetro_plugin.core.coverage.
        ServiceTimes` ``minutes``).
    languages
        The languages of each service (``;``-separated codes).
    shares
        Citizenship -> share of the foreign residents (summing to at most 1); the remainder
        counts as :data:`OTHER_CITIZENSHIPS`, whose language is unknown.

    Returns
    -------
    (per_cell, groups, available)
        :func:`language_access` per cell (``zone`` = cell position) and per group, and the
        languages within ``threshold`` of each cell.
    """
    foreign = cells[count_field].to_numpy(float)
    names = [*shares, OTHER_CITIZENSHIPS]
    parts = np.array([*shares.values(), max(0.0, 1.0 - float(sum(shares.values())))])
    residents = pd.DataFrame(
        {
            "zone": np.repeat(np.arange(len(cells)), len(names)),
            "citizenship": np.tile(names, len(cells)),
            "count": (foreign[:, None] * parts[None, :]).ravel(),
        }
    )
    avail = languages_within(np.asarray(minutes).T, list(languages), threshold=threshold)
    per_cell, groups = language_access(residents, dict(enumerate(avail)))
    return per_cell, groups, avail


def read_citizenship_mix(path, *, comuni: Sequence[str] | None = None) -> tuple[pd.DataFrame, str]:
    """Read foreign residents by comune and citizenship, in either form the toolkit takes.

    - a demo.istat.it table (title line; code, name, citizenship, males, females, total), or
    - the top-citizenships table of ``../shared/data`` (``level``, ``istat_code``, ``ref_date``,
      ``total_foreign``, ``citizenship``, ``citizenship_count``): per comune its latest
      ``ref_date``; the residents beyond the listed citizenships become one row
      :data:`OTHER_CITIZENSHIPS` (language unknown).

    Returns
    -------
    (table, reference)
        ``area`` (6-digit code), ``citizenship``, ``count``; and a text naming the reference
        date(s) and how many citizenships, for the report.
    """
    path = Path(path)
    head = pd.read_csv(path, nrows=0, dtype=str).columns
    if {"istat_code", "citizenship", "citizenship_count"} <= set(head):
        t = pd.read_csv(path, dtype={"istat_code": str})
        if "level" in t.columns:
            t = t[t["level"] == "comune"]
        t = t[t["citizenship"].notna() & t["citizenship_count"].notna()].copy()
        t["area"] = t["istat_code"].astype(str).str.zfill(6)
        if comuni is not None:
            t = t[t["area"].isin(set(comuni))]
        if "ref_date" in t.columns:  # each comune's latest complete breakdown
            t = t[t["ref_date"] == t.groupby("area")["ref_date"].transform("max")]
        rows = t[["area", "citizenship", "citizenship_count"]].rename(
            columns={"citizenship_count": "count"}
        )
        if "total_foreign" in t.columns:
            totals = t.drop_duplicates("area").set_index("area")["total_foreign"]
            listed = rows.groupby("area")["count"].sum()
            rest = (pd.to_numeric(totals, errors="coerce") - listed).clip(lower=0).dropna()
            rows = pd.concat(
                [
                    rows,
                    pd.DataFrame(
                        {
                            "area": rest.index,
                            "citizenship": OTHER_CITIZENSHIPS,
                            "count": rest.to_numpy(),
                        }
                    ),
                ],  # fmt: skip
                ignore_index=True,
            )
        refs = sorted(set(t["ref_date"].astype(str))) if "ref_date" in t.columns else []
    else:
        from capacitymetro_plugin.core.population import read_citizenship

        data = read_citizenship(path).data
        rows = data.rename(columns={"code": "area", "total": "count"})[
            ["area", "citizenship", "count"]
        ].copy()
        rows["area"] = rows["area"].astype(str).str.zfill(6)
        if comuni is not None:
            rows = rows[rows["area"].isin(set(comuni))]
        refs = []
    if rows.empty:
        raise InputError(
            f"The citizenship table {path.name} has no rows for the analysed comuni.",
            fix="Give a table with the comuni's 6-digit ISTAT codes.",
            it=f"La tabella delle cittadinanze {path.name} non ha righe per i comuni analizzati.",
            fix_it="Indica una tabella con i codici ISTAT a 6 cifre dei comuni.",
        )
    n = rows.loc[rows["citizenship"] != OTHER_CITIZENSHIPS, "citizenship"].nunique()
    ref = f"{', '.join(refs) or path.name} ({n} citizenships)"
    return rows.reset_index(drop=True), ref


def language_access_grid(
    cells: pd.DataFrame,
    minutes: np.ndarray,
    languages: Sequence,
    citizenships: pd.DataFrame,
    *,
    threshold: float,
    area_field: str = "area",
    count_field: str = "foreign",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[frozenset[str]]]:
    """Language access per population cell, with each cell's comune citizenship mix: the one
    method every door (CLI, Processing) uses.

    Parameters
    ----------
    cells
        One row per cell with ``count_field`` (foreign residents) and ``area_field`` (the
        comune code of the citizenship table; :func:`read_citizenship_mix`).
    minutes
        (services, cells) travel minutes.
    languages
        The languages of each service (``;``-separated codes).
    citizenships
        ``area``, ``citizenship``, ``count``: the mix of each area (shares of its rows).

    Returns
    -------
    (per_cell, per_area, groups, available)
        ``per_cell`` (cell position: ``foreign``, ``served``, ``unserved``, ``unknown``,
        ``share_served``; NaN where the cell's area has no table), ``per_area`` (the same summed
        per area), ``groups`` (area × citizenship × languages unserved, largest first) and the
        languages within ``threshold`` of each cell.
    """
    if area_field not in cells.columns or count_field not in cells.columns:
        raise InputError(
            f"The cells have no column {area_field!r} or {count_field!r}.",
            fix="Give the cells their comune code and foreign residents.",
            it=f"Le celle non hanno la colonna {area_field!r} o {count_field!r}.",
            fix_it="Dai alle celle il codice del comune e gli stranieri residenti.",
        )
    flat = pd.DataFrame(
        {
            "area": cells[area_field].astype(str).to_numpy(),
            "foreign": cells[count_field].to_numpy(dtype=float),
        }
    )
    residents = spread_citizenships(
        flat, citizenships.assign(area=citizenships["area"].astype(str)),
        area_field="area", count_field="foreign",
    )  # fmt: skip
    avail = languages_within(np.asarray(minutes).T, list(languages), threshold=threshold)
    per_cell, groups = language_access(residents, dict(enumerate(avail)))
    per_cell = per_cell.set_index("zone").reindex(range(len(flat)))
    per_cell.index.name = "cell"
    per_cell["area"] = flat["area"].to_numpy()
    per_area = (
        per_cell.dropna(subset=["foreign"])
        .groupby("area", as_index=False)[["foreign", "served", "unserved", "unknown"]]
        .sum()
    )
    denom = per_area["served"] + per_area["unserved"]
    per_area["share_served"] = np.where(
        denom > 0, per_area["served"] / denom.where(denom > 0, 1), np.nan
    )
    groups = groups.assign(area=flat["area"].to_numpy()[groups["zone"].to_numpy(int)])
    groups = groups.groupby(["area", "citizenship", "languages"], as_index=False)["unserved"].sum()
    groups = groups.sort_values(["area", "unserved"], ascending=[True, False], kind="stable")
    return per_cell.reset_index(), per_area, groups.reset_index(drop=True), avail
