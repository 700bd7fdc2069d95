"""ISTAT census sections: where to download them, and how to read them as population zones.

ISTAT publishes, per region, the census-section boundaries ("basi territoriali", a zip with a
shapefile in WGS 84 / UTM zone 32N, EPSG:32632) and, per section, census variables: ``P1`` the
residents and, in the 2011 tables, ``ST1`` the foreign residents. :func:`read_sections` joins the
two into population zones (``section_id``, ``pro_com``, ``residents``, ``foreign``) that
:func:`~capacitymetro_plugin.core.population.grid.dasymetric_grid` spreads onto cells: each cell
then takes its foreign residents from the section it lies in (``foreign_source = "section"``).

The downloads go through :func:`capacitymetro_plugin.core.downloads.fetch` (cache, provenance
sidecar, ``offline``, resume, named errors). The URL patterns are written in
``docs/downloads.md`` with what could and could not be checked offline; every function takes a
``url`` to override them (a mirror, a ``file://`` copy, a newer release).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

# STRASA (foreign residents by comune, age and sex) and foreign residents by comune and
# citizenship come from demo.istat.it, with the URL patterns of ``istat.py``
from .istat import rcs_citizenship_url, strasa_url

if TYPE_CHECKING:
    import geopandas as gpd

ISTAT_LICENCE = "CC-BY 4.0, (c) ISTAT"
SECTION = "section"
#: Census-section boundaries 2021, one zip per region (``R05_21.zip`` for Veneto). Pattern of the
#: istat.it "Basi territoriali" page (archivio/104317); not reachable from the build machine.
SECTIONS_2021_URL = (
    "https://www.istat.it/storage/cartografia/basi_territoriali/2021/R{region:02d}_21.zip"
)
#: Census-section variables 2011 (all regions, one CSV per region ``Rxx_indicatori_2011_sezioni``).
SECTION_VARIABLES_2011_URL = (
    "https://www.istat.it/storage/cartografia/variabili-censuarie/dati-cpa_2011.zip"
)

# the column names ISTAT uses, 2021 first then 2011, upper-cased
SECTION_ID_FIELDS = ("SEZ21_ID", "SEZ2011", "SEZ21", "SEZ_ID", "SECTION_ID")
PRO_COM_FIELDS = ("PRO_COM", "PROCOM", "COD_ISTAT", "PRO_COM_T", "COM_ISTAT_CODE")
RESIDENTS_FIELD = "P1"
FOREIGN_FIELD = "ST1"
#: Italy, with a margin (lon, lat): a layer whose coordinates fall outside is in the wrong CRS.
ITALY_BOUNDS = (5.5, 35.0, 19.5, 47.5)


# --- downloads -------------------------------------------------------------------------------
def sections_url(region: int, *, year: int = 2021) -> str:
    """Return the istat.it URL of a region's census-section boundaries (``R05_21.zip``)."""
    if year != 2021 or not 1 <= int(region) <= 20:
        raise InputError(
            f"No census-section URL for region {region!r}, year {year}.",
            fix="Use an ISTAT region code 1–20 and year 2021, or pass the file's URL.",
            it=f"Nessun indirizzo delle sezioni di censimento per la regione {region!r}, "
            f"anno {year}.",
            fix_it="Usa un codice ISTAT di regione 1–20 e l'anno 2021, o indica l'URL del file.",
        )
    return SECTIONS_2021_URL.format(region=int(region))


def download_sections(
    region: int,
    *,
    url: str | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    **fetch_options,
) -> Path:
    """Return the cached census-section zip of ``region`` (``<cache>/istat/sections/``)."""
    from capacitymetro_plugin.core.downloads import fetch

    url = url or sections_url(region)
    name = Path(url.split("?")[0]).name or f"R{int(region):02d}_21.zip"
    return fetch(
        url,
        f"istat/sections/{name}",
        offline=offline,
        progress=progress,
        licence=ISTAT_LICENCE,
        source="ISTAT basi territoriali 2021 (census sections)",
        **fetch_options,
    )


def download_section_variables(
    url: str = SECTION_VARIABLES_2011_URL,
    *,
    offline: bool = False,
    progress: Progress | None = None,
    **fetch_options,
) -> Path:
    """Return the cached table of census variables per section (a CSV or the zip of CSVs)."""
    from capacitymetro_plugin.core.downloads import fetch

    name = Path(url.split("?")[0]).name or "section_variables.csv"
    return fetch(
        url,
        f"istat/sections/{name}",
        offline=offline,
        progress=progress,
        licence=ISTAT_LICENCE,
        source="ISTAT census variables per section",
        **fetch_options,
    )


def download_foreign_by_comune(
    year: int,
    *,
    url: str | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    **fetch_options,
) -> Path:
    """Return the cached STRASA zip (foreign residents by comune, age and sex) of ``year``."""
    from capacitymetro_plugin.core.downloads import fetch

    url = url or strasa_url(year, level="comuni")
    return fetch(
        url,
        f"istat/{Path(url).name}",
        offline=offline,
        progress=progress,
        licence=ISTAT_LICENCE,
        source=f"ISTAT demo.istat.it STRASA {year} (foreign residents by comune)",
        **fetch_options,
    )


def download_citizenship(
    year: int,
    *,
    url: str | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    **fetch_options,
) -> Path:
    """Return the cached zip of foreign residents by comune and citizenship of ``year``."""
    from capacitymetro_plugin.core.downloads import fetch

    url = url or rcs_citizenship_url(year)
    return fetch(
        url,
        f"istat/{Path(url).name}",
        offline=offline,
        progress=progress,
        licence=ISTAT_LICENCE,
        source=f"ISTAT demo.istat.it {year} (foreign residents by comune and citizenship)",
        **fetch_options,
    )


# --- reading ---------------------------------------------------------------------------------
def _missing_column(path, what: str, what_it: str, wanted, columns) -> InputError:
    wanted = " / ".join(wanted)
    shown = ", ".join(map(str, list(columns)[:25]))
    return InputError(
        f"{path}: no {what} column ({wanted}); the columns are: {shown}.",
        fix="Use the file as ISTAT publishes it, or name the column in the configuration "
        "([population] census_section_residents_field / census_section_foreign_field).",
        it=f"{path}: manca la colonna {what_it} ({wanted}); le colonne sono: {shown}.",
        fix_it="Usa il file come lo pubblica l'ISTAT, o indica la colonna nella configurazione "
        "([population] census_section_residents_field / census_section_foreign_field).",
    )


def _pick(columns, names) -> str | None:
    upper = {str(c).upper(): c for c in columns}
    return next((upper[n.upper()] for n in names if n.upper() in upper), None)


def _codes(values: pd.Series) -> pd.Series:
    """Codes as text digits: 1.0011e10 (a DBF float), ' 10010000001' and 10010000001 alike."""
    text = values.astype(str).str.strip().str.replace(r"\.0+$", "", regex=True)
    num = pd.to_numeric(text, errors="coerce")
    as_int = num.dropna().round().astype("int64").astype(str)
    return text.where(num.isna(), as_int.reindex(text.index))


def _read_boundaries(boundaries, layer: str | None):
    import geopandas as gpd

    from capacitymetro_plugin.core import gio

    if isinstance(boundaries, gpd.GeoDataFrame):
        return boundaries.copy(), "census sections layer"
    path = Path(boundaries)
    if path.suffix.lower() == ".zip" and path.is_file():
        with zipfile.ZipFile(path) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp")]
        if not shps:
            raise InputError(
                f"The zip {path} holds no shapefile of census sections.",
                fix="Use ISTAT's basi territoriali zip of the region (e.g. R05_21.zip).",
                it=f"Lo zip {path} non contiene alcuno shapefile di sezioni di censimento.",
                fix_it="Usa lo zip delle basi territoriali ISTAT della regione (es. R05_21.zip).",
            )
        return gpd.read_file(f"zip://{path}!{shps[0]}", engine=gio.ENGINE), str(path)
    return gio.read_vector(path, layer=layer), str(path)


def _read_variables(variables) -> tuple[pd.DataFrame, str]:
    if isinstance(variables, pd.DataFrame):
        return variables.copy(), "section variables table"
    path = Path(variables)
    if not path.is_file():
        raise InputError(
            f"The table of census variables per section {path} does not exist.",
            fix="Check [population] census_section_variables (ISTAT's CSV per section).",
            it=f"La tabella delle variabili censuarie per sezione {path} non esiste.",
            fix_it="Controlla [population] census_section_variables (il CSV ISTAT per sezione).",
        )
    raw = path.read_bytes()
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise InputError(
                    f"The zip {path} holds no CSV of census variables.",
                    fix="Use ISTAT's table of variables per section (a CSV).",
                    it=f"Lo zip {path} non contiene alcun CSV di variabili censuarie.",
                    fix_it="Usa la tabella ISTAT delle variabili per sezione (un CSV).",
                )
            raw = b"".join(zf.read(n) if i == 0 else zf.read(n).split(b"\n", 1)[-1]
                           for i, n in enumerate(names))  # fmt: skip
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    head = text.split("\n", 1)[0]
    sep = ";" if head.count(";") > head.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str), str(path)


def _check_crs(gdf, label: str):
    if gdf.crs is None:
        raise CrsError(
            f"{label} has no coordinate reference system.",
            fix="ISTAT's census sections are in WGS 84 / UTM zone 32N: set EPSG:32632 (keep the "
            ".prj file beside the .shp).",
            it=f"{label} non ha un sistema di riferimento.",
            fix_it="Le sezioni di censimento ISTAT sono in WGS 84 / UTM 32N: imposta EPSG:32632 "
            "(tieni il file .prj accanto allo .shp).",
        )
    lon0, lat0, lon1, lat1 = gdf.to_crs(4326).total_bounds
    x0, y0, x1, y1 = ITALY_BOUNDS
    if not (x0 <= lon0 and lon1 <= x1 and y0 <= lat0 and lat1 <= y1):
        raise CrsError(
            f"{label}: in its declared CRS ({gdf.crs.to_string()}) the sections lie at lon "
            f"{lon0:.2f}–{lon1:.2f}, lat {lat0:.2f}–{lat1:.2f}, outside Italy: the CRS is wrong.",
            fix="Set the layer's real CRS (ISTAT's census sections are EPSG:32632) without "
            "reprojecting, then run again.",
            it=f"{label}: nel sistema dichiarato ({gdf.crs.to_string()}) le sezioni stanno a lon "
            f"{lon0:.2f}–{lon1:.2f}, lat {lat0:.2f}–{lat1:.2f}, fuori dall'Italia: il sistema di "
            "riferimento è sbagliato.",
            fix_it="Imposta il vero sistema del layer (le sezioni ISTAT sono EPSG:32632) senza "
            "riproiettare, poi riprova.",
        )


def _counts(frame, column, label) -> pd.Series:
    values = pd.to_numeric(
        frame[column].astype(str).str.strip().replace({"": "0", "nan": "0"}), errors="coerce"
    )
    bad = values.isna() | (values < 0)
    if bad.any():
        raise InputError(
            f"{label}: {int(bad.sum())} sections have a {column} that is not a count ≥ 0 "
            f"(first: {frame[column][bad].iloc[0]!r}).",
            fix="Use ISTAT's table as published; counts are whole numbers ≥ 0.",
            it=f"{label}: {int(bad.sum())} sezioni hanno un {column} che non è un conteggio ≥ 0 "
            f"(il primo: {frame[column][bad].iloc[0]!r}).",
            fix_it="Usa la tabella ISTAT come pubblicata; i conteggi sono interi ≥ 0.",
        )
    return values.astype(float)


def read_sections(
    boundaries: str | os.PathLike | gpd.GeoDataFrame,
    variables: str | os.PathLike | pd.DataFrame,
    *,
    comuni: list[str] | None = None,
    residents_field: str = RESIDENTS_FIELD,
    foreign_field: str = FOREIGN_FIELD,
    layer: str | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Join ISTAT census-section boundaries and variables into population zones.

    Parameters
    ----------
    boundaries
        The region's basi territoriali (the zip, its ``.shp``, any vector file) or a layer, with
        a section code (``SEZ21_ID``, or ``SEZ2011``) and the comune code (``PRO_COM``).
    variables
        The census variables per section (CSV, ``;`` or ``,``, or a zip of CSVs): the section
        code, ``PROCOM``, the residents (``P1``) and the foreign residents (``ST1`` in 2011).
    comuni
        Keep only these comuni (6-digit ISTAT codes); every one must have sections.
    residents_field, foreign_field
        The variables' columns of residents and foreign residents.

    Returns
    -------
    GeoDataFrame
        ``section_id``, ``pro_com`` (6 digits), ``residents``, ``foreign``, ``geometry`` in the
        boundaries' CRS; ``attrs["facts"]`` holds ``sections``, ``without_variables`` (sections
        with no row, taken as empty: ISTAT lists only inhabited sections) and the sums.

    Raises
    ------
    InputError
        A missing column, counts that are not counts, foreign residents above residents, codes
        that do not match (no section in common; variables of a comune whose sections are not
        in the boundaries; a section's comune differing between the two files), or a comune of
        ``comuni`` with no section.
    CrsError
        Boundaries without a CRS, or whose coordinates fall outside Italy in the declared one.
    """
    import geopandas as gpd

    progress = ensure(progress)
    progress.report(0.0, "reading census sections")
    gdf, blabel = _read_boundaries(boundaries, layer)
    table, vlabel = _read_variables(variables)
    progress.report(0.5, "joining section variables")
    bid = _pick(gdf.columns, SECTION_ID_FIELDS)
    if bid is None:
        raise _missing_column(blabel, "section code", "codice di sezione", SECTION_ID_FIELDS,
                              gdf.columns)  # fmt: skip
    vid = _pick(table.columns, SECTION_ID_FIELDS)
    if vid is None:
        raise _missing_column(vlabel, "section code", "codice di sezione", SECTION_ID_FIELDS,
                              table.columns)  # fmt: skip
    for name in (residents_field, foreign_field):
        if _pick(table.columns, [name]) is None:
            what = ("residents", "residenti") if name == residents_field else ("foreign "
                    "residents", "stranieri residenti")  # fmt: skip
            raise _missing_column(vlabel, what[0], what[1], [name], table.columns)
    _check_crs(gdf, blabel)
    out = gpd.GeoDataFrame(
        {"section_id": _codes(gdf[bid]).to_numpy()}, geometry=gdf.geometry.values, crs=gdf.crs
    )
    bpc = _pick(gdf.columns, PRO_COM_FIELDS)
    vpc = _pick(table.columns, PRO_COM_FIELDS)
    vars_ = pd.DataFrame(
        {
            "section_id": _codes(table[vid]),
            "residents": _counts(table, _pick(table.columns, [residents_field]), vlabel),
            "foreign": _counts(table, _pick(table.columns, [foreign_field]), vlabel),
        }
    )
    # the section code starts with the comune's code (PRO_COM × 10⁷ + section number)
    derived = vars_["section_id"].str[:-7].str.zfill(6)
    vars_["pro_com"] = _codes(table[vpc]).str.zfill(6) if vpc else derived
    out["pro_com"] = (
        _codes(gdf[bpc]).str.zfill(6).to_numpy() if bpc else out["section_id"].str[:-7].str.zfill(6)
    )
    over = vars_["foreign"] > vars_["residents"]
    if over.any():
        row = vars_[over].iloc[0]
        raise InputError(
            f"{vlabel}: {int(over.sum())} sections have more foreign residents ({foreign_field}) "
            f"than residents ({residents_field}), e.g. section {row['section_id']}: "
            f"{row['foreign']:g} of {row['residents']:g}.",
            fix="Check that the two columns are the residents and the foreign residents.",
            it=f"{vlabel}: {int(over.sum())} sezioni hanno più stranieri ({foreign_field}) che "
            f"residenti ({residents_field}), es. la sezione {row['section_id']}: "
            f"{row['foreign']:g} su {row['residents']:g}.",
            fix_it="Controlla che le due colonne siano i residenti e gli stranieri residenti.",
        )
    if comuni is not None:
        wanted = {str(c).strip().zfill(6) for c in comuni}
        out = out[out["pro_com"].isin(wanted)]
        none = sorted(wanted - set(out["pro_com"]))
        if none:
            raise InputError(
                f"{blabel} has no census section of comuni {', '.join(none)}.",
                fix="Use the basi territoriali of the region that holds these comuni (one zip "
                "per region), or leave census_sections out to spread the comune totals.",
                it=f"{blabel} non ha sezioni di censimento dei comuni {', '.join(none)}.",
                fix_it="Usa le basi territoriali della regione di questi comuni (uno zip per "
                "regione), o togli census_sections per ripartire i totali comunali.",
            )
    # a section of the boundaries is matched by its code in the whole table, so a section
    # whose comune differs between the two files is an error, not silently empty
    common = set(out["section_id"]) & set(vars_["section_id"])
    mine = vars_[vars_["section_id"].isin(common)]
    merged = out.merge(
        mine[["section_id", "pro_com", "residents", "foreign"]],
        on="section_id",
        how="left",
        suffixes=("", "_vars"),
    )
    clash = merged["pro_com_vars"].notna() & (merged["pro_com_vars"] != merged["pro_com"])
    if clash.any():
        row = merged[clash].iloc[0]
        raise InputError(
            f"Section {row['section_id']} is in comune {row['pro_com']} in {blabel} but in "
            f"{row['pro_com_vars']} in {vlabel}: the codes do not match.",
            fix="Use boundaries and variables of the same census release.",
            it=f"La sezione {row['section_id']} è nel comune {row['pro_com']} in {blabel} ma nel "
            f"{row['pro_com_vars']} in {vlabel}: i codici non corrispondono.",
            fix_it="Usa basi territoriali e variabili della stessa edizione del censimento.",
        )
    vars_ = vars_[vars_["pro_com"].isin(set(out["pro_com"]))]
    if len(vars_) and not common:
        raise InputError(
            f"No section code of {vlabel} (e.g. {vars_['section_id'].iloc[0]}) is in {blabel} "
            f"(e.g. {out['section_id'].iloc[0]}): the codes do not match.",
            fix="Use the variables and boundaries of the same census (2021 with 2021, 2011 with "
            "2011).",
            it=f"Nessun codice di sezione di {vlabel} (es. {vars_['section_id'].iloc[0]}) è in "
            f"{blabel} (es. {out['section_id'].iloc[0]}): i codici non corrispondono.",
            fix_it="Usa variabili e basi territoriali dello stesso censimento (2021 con 2021, "
            "2011 con 2011).",
        )
    lost = vars_[~vars_["section_id"].isin(common) & (vars_["residents"] > 0)]
    if len(lost):
        raise InputError(
            f"{len(lost)} inhabited sections of {vlabel} ({lost['residents'].sum():,.0f} "
            f"residents, e.g. {lost['section_id'].iloc[0]}) are not in {blabel}: their people "
            "would be lost.",
            fix="Use boundaries and variables of the same census and region.",
            it=f"{len(lost)} sezioni abitate di {vlabel} ({lost['residents'].sum():,.0f} "
            f"residenti, es. {lost['section_id'].iloc[0]}) non sono in {blabel}: i loro "
            "abitanti andrebbero persi.",
            fix_it="Usa basi territoriali e variabili dello stesso censimento e regione.",
        )
    empty = int(merged["residents"].isna().sum())
    merged[["residents", "foreign"]] = merged[["residents", "foreign"]].fillna(0.0)
    result = gpd.GeoDataFrame(
        merged[["section_id", "pro_com", "residents", "foreign"]],
        geometry=merged.geometry.values,
        crs=out.crs,
    ).reset_index(drop=True)
    result.attrs["facts"] = {
        "sections": len(result),
        "without_variables": empty,
        "residents": float(result["residents"].sum()),
        "foreign": float(result["foreign"].sum()),
    }
    progress.report(1.0, f"{len(result)} census sections")
    return result


def section_zones(
    boundaries: str | os.PathLike | gpd.GeoDataFrame,
    variables: str | os.PathLike | pd.DataFrame,
    *,
    comuni: list[str],
    residents_field: str = RESIDENTS_FIELD,
    foreign_field: str = FOREIGN_FIELD,
    layer: str | None = None,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Return an area's census sections as population zones, the one shape of every door.

    Columns ``zone`` (= ``section_id``), ``section_id``, ``com_istat_code``, ``pop_total``,
    ``foreign``, ``foreign_source`` (``"section"``) and ``is_estimate`` (False: a census count);
    ``attrs["facts"]`` as :func:`read_sections`. Spread on a grid, each cell takes a share of
    its section's people by the grid's weights (the same for residents and foreign residents).
    """
    sections = read_sections(
        boundaries,
        variables,
        comuni=comuni,
        residents_field=residents_field,
        foreign_field=foreign_field,
        layer=layer,
        progress=progress,
    )
    facts = sections.attrs["facts"]
    zones = sections.rename(columns={"residents": "pop_total", "pro_com": "com_istat_code"})
    zones.insert(0, "zone", zones["section_id"])
    zones["foreign_source"] = SECTION
    zones["is_estimate"] = False
    zones.attrs["facts"] = facts
    return zones


__all__ = [
    "SECTION",
    "section_zones",
    "download_citizenship",
    "download_foreign_by_comune",
    "download_section_variables",
    "download_sections",
    "read_sections",
    "sections_url",
]
