"""Readers for the foreign-resident files of demo.istat.it (STRASA and citizenship tables).

The files published by ISTAT (https://demo.istat.it) are CSVs whose first line is a title such as
``"Resident foreigners on 1st January 2022 by age and sex"`` (or the Italian
``"Cittadini stranieri residenti al 1° gennaio 2022 per età e sesso"``), followed by a header and one
row per area × age. The age ``999`` row is the area total and is dropped (then used as a check).
Headers come in English or Italian; both are accepted.

Downloads use the real URL pattern of the site and are cached on disk: a file already in the cache
is never fetched again, and everything runs from a local file when offline.
"""

from __future__ import annotations

import io
import os
import re
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from capacitymetro_plugin.core.errors import DataUnavailableError, InputError

TOTAL_AGE = 999

# header aliases (lower-case) → canonical column
_ALIASES = {
    "code": (
        "province code",
        "codice provincia",
        "municipality code",
        "codice comune",
        "code",
        "codice",
        "codice istat",
    ),
    "name": ("province", "provincia", "municipality", "comune", "name", "denominazione"),
    "age": ("age", "età", "eta"),
    "males": ("males", "maschi", "male"),
    "females": ("females", "femmine", "female"),
    "total": ("total", "totale"),
    "citizenship": (
        "citizenship",
        "country of citizenship",
        "cittadinanza",
        "paese di cittadinanza",
        "country",
        "paese",
    ),
}

STRASA_URL = "https://demo.istat.it/data/strasa/STRASA_{year}_{lang}_{level}.zip"
# foreign residents by comune and citizenship (RCS: "Rilevazione ... cittadinanza")
RCS_CITIZENSHIP_URL = "https://demo.istat.it/data/rcs/Dati_RCS_cittadinanza_{year}.zip"
_LEVEL_NAMES = {
    ("it", "comuni"): "Comuni",
    ("it", "province"): "Province",
    ("it", "regioni"): "Regioni",
    ("en", "province"): "Provinces",
}


@dataclass(frozen=True)
class IstatTable:
    """A parsed ISTAT table: tidy rows, the reference year and the area level.

    Attributes
    ----------
    data
        One row per area (× age, × citizenship): ``code`` (3-digit province or 6-digit comune
        code, text), ``name``, then ``age`` or ``citizenship``, ``males``, ``females``, ``total``.
    year
        Reference year read from the title (1 January of that year), or None.
    level
        ``"province"`` or ``"comune"``.
    """

    data: pd.DataFrame
    year: int | None
    level: str

    def totals(self) -> pd.DataFrame:
        """Return one row per area: ``code``, ``name``, ``males``, ``females``, ``total``."""
        return self.data.groupby(["code", "name"], as_index=False, sort=True)[
            ["males", "females", "total"]
        ].sum()


def _canonical(header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for col in header:
        key = col.strip().strip('"').lower()
        for canon, names in _ALIASES.items():
            if key in names and canon not in mapping.values():
                mapping[col] = canon
                break
    return mapping


def _read_text(path: str | os.PathLike) -> str:
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"ISTAT file {path} does not exist.",
            fix="Check the path, or download it from demo.istat.it.",
            it=f"Il file ISTAT {path} non esiste.",
            fix_it="Controlla il percorso o scaricalo da demo.istat.it.",
        )
    raw = path.read_bytes()
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise InputError(
                    f"The ZIP file {path} holds no CSV.",
                    fix="Use the STRASA ZIP from demo.istat.it or its CSV.",
                    it=f"Il file ZIP {path} non contiene alcun CSV.",
                    fix_it="Usa lo ZIP STRASA di demo.istat.it o il suo CSV.",
                )
            raw = zf.read(names[0])
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # pragma: no cover - latin-1 never fails


def _year_from_title(title: str) -> int | None:
    match = re.search(r"(19|20)\d{2}", title)
    return int(match.group(0)) if match else None


def _parse(path: str | os.PathLike, *, kind: str) -> IstatTable:
    text = _read_text(path)
    lines = text.splitlines()
    if not lines:
        raise InputError(
            f"ISTAT file {path} is empty.",
            fix="Download it again.",
            it=f"Il file ISTAT {path} è vuoto.",
            fix_it="Scaricalo di nuovo.",
        )
    # The title line has a single field; the header has several separated by , or ;
    skip = 0
    title = ""
    first = lines[0]
    if first.count(",") + first.count(";") == 0 or not _canonical(re.split(r"[;,]", first)):
        title, skip = first, 1
    sep = ";" if lines[skip].count(";") > lines[skip].count(",") else ","
    df = pd.read_csv(
        io.StringIO("\n".join(lines[skip:])), sep=sep, dtype=str, skipinitialspace=True
    )
    df = df.rename(columns=_canonical(list(df.columns)))
    needed = ["code", "name", "males", "females"] + (
        ["age"] if kind == "strasa" else ["citizenship"]
    )
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(
            f"ISTAT file {path}: columns {missing} not found (header: {list(df.columns)}).",
            fix="Use the CSV as published by demo.istat.it (title line, then header).",
            it=f"File ISTAT {path}: colonne {missing} non trovate (intestazione: {list(df.columns)}).",
            fix_it="Usa il CSV così come pubblicato da demo.istat.it (riga del titolo, poi intestazione).",
        )
    df = df.dropna(subset=["code"])
    df = df[df["code"].str.strip().str.fullmatch(r"\d+")].copy()
    df["code"] = df["code"].str.strip()
    width = df["code"].str.len().max() if len(df) else 3
    level = "comune" if width > 3 else "province"
    df["code"] = df["code"].str.zfill(6 if level == "comune" else 3)
    df["name"] = df["name"].str.strip()
    for col in ("males", "females", "total"):
        if col in df.columns:
            df[col] = pd.to_numeric(
                df[col].str.replace(".", "", regex=False).str.strip(), errors="coerce"
            )
    if "total" not in df.columns:
        df["total"] = df["males"] + df["females"]
    bad = df[["males", "females", "total"]].isna().any(axis=1) | (
        df[["males", "females", "total"]] < 0
    ).any(axis=1)
    if bad.any():
        row = df[bad].iloc[0]
        raise InputError(
            f"ISTAT file {path}: {int(bad.sum())} rows have missing or negative counts "
            f"(first: area {row['code']}).",
            fix="Check the file; counts must be whole numbers ≥ 0.",
            it=f"File ISTAT {path}: {int(bad.sum())} righe con conteggi mancanti o negativi "
            f"(prima: area {row['code']}).",
            fix_it="Controlla il file: i conteggi devono essere interi ≥ 0.",
        )
    for col in ("males", "females", "total"):
        df[col] = df[col].astype("int64")

    if kind == "strasa":
        df["age"] = pd.to_numeric(df["age"], errors="coerce")
        df = df.dropna(subset=["age"])
        df["age"] = df["age"].astype(int)
        totals = df[df["age"] == TOTAL_AGE]
        df = df[df["age"] != TOTAL_AGE]
        if len(totals):
            summed = df.groupby("code")["total"].sum()
            check = totals.set_index("code")["total"]
            diff = (summed.reindex(check.index).fillna(0) - check).abs()
            if (diff > 0).any():
                code = diff[diff > 0].index[0]
                raise InputError(
                    f"ISTAT file {path}: ages of area {code} add up to {int(summed.get(code, 0))}, "
                    f"but its total row (age 999) says {int(check[code])}.",
                    fix="The file is truncated or edited: download it again.",
                    it=f"File ISTAT {path}: le età dell'area {code} sommano a "
                    f"{int(summed.get(code, 0))}, ma la riga del totale (età 999) dice {int(check[code])}.",
                    fix_it="Il file è troncato o modificato: scaricalo di nuovo.",
                )
        cols = ["code", "name", "age", "males", "females", "total"]
    else:
        df["citizenship"] = df["citizenship"].str.strip()
        df = df[~df["citizenship"].str.lower().isin({"totale", "total"})]
        cols = ["code", "name", "citizenship", "males", "females", "total"]
    # the year comes from the title line, else from the published file name (STRASA_2024_...)
    year = _year_from_title(title) or _year_from_title(Path(path).name)
    return IstatTable(df[cols].reset_index(drop=True), year, level)


def read_strasa(path: str | os.PathLike) -> IstatTable:
    """Read a STRASA file (foreign residents by area, single year of age and sex).

    Parameters
    ----------
    path
        The CSV (or the ZIP holding it) from demo.istat.it, province or comune level.

    Returns
    -------
    IstatTable
        Rows per area × age (ages 0–100; the 999 total rows are checked and dropped).
    """
    return _parse(path, kind="strasa")


def read_citizenship(path: str | os.PathLike) -> IstatTable:
    """Read a demo.istat.it table of foreign residents by area and citizenship.

    Parameters
    ----------
    path
        CSV with a title line and columns code, name, citizenship, males, females (and total).

    Returns
    -------
    IstatTable
        One row per area × citizenship (rows named "Totale"/"Total" are dropped).
    """
    return _parse(path, kind="citizenship")


def strasa_url(year: int, *, level: str = "comuni", lang: str = "it") -> str:
    """Return the demo.istat.it URL of the STRASA ZIP for ``year`` and ``level``."""
    key = (lang, level)
    if key not in _LEVEL_NAMES:
        raise InputError(
            f"Unknown STRASA level {level!r} / language {lang!r}.",
            fix="Use level 'comuni' or 'province' and language 'it' or 'en'.",
            it=f"Livello STRASA {level!r} / lingua {lang!r} sconosciuti.",
            fix_it="Usa livello 'comuni' o 'province' e lingua 'it' o 'en'.",
        )
    return STRASA_URL.format(year=year, lang=lang, level=_LEVEL_NAMES[key])


def rcs_citizenship_url(year: int) -> str:
    """Return the demo.istat.it URL of the foreign residents by comune and citizenship ZIP."""
    return RCS_CITIZENSHIP_URL.format(year=year)


def download_strasa(
    year: int,
    *,
    level: str = "comuni",
    lang: str = "it",
    cache_dir: str | os.PathLike,
    url: str | None = None,
    timeout: float = 60.0,
) -> Path:
    """Return the cached STRASA ZIP for ``year``, downloading it once if it is not cached.

    Parameters
    ----------
    year, level, lang
        Which file (see :func:`strasa_url`).
    cache_dir
        Folder of the cache; the file keeps its published name.
    url
        Override the URL (a mirror, or a ``file://`` URL of a local copy).
    timeout
        Seconds before the download gives up.
    """
    return download_cached(
        url or strasa_url(year, level=level, lang=lang), cache_dir=cache_dir, timeout=timeout
    )


def download_cached(url: str, *, cache_dir: str | os.PathLike, timeout: float = 60.0) -> Path:
    """Return ``cache_dir``/<file name of ``url``>, downloading it only when not cached.

    Through the one download module (:func:`capacitymetro_plugin.core.downloads.fetch`): a
    ``.part`` file renamed only when complete (resumed when cut short), and a provenance sidecar
    (URL, time, licence, bytes, sha256) next to the file.
    """
    from capacitymetro_plugin.core.downloads import fetch

    from .sections import ISTAT_LICENCE

    target = Path(cache_dir) / Path(urllib.parse.urlparse(url).path).name
    if target.exists() and target.stat().st_size > 0:
        return target
    try:
        return fetch(
            url, target, timeout=timeout, licence=ISTAT_LICENCE, source="ISTAT demo.istat.it"
        )
    except DataUnavailableError as exc:
        raise DataUnavailableError(
            f"Cannot download {url}: {exc.localized('en')}",
            fix=f"Download it by hand from demo.istat.it and put it in {target.parent}.",
            it=f"Impossibile scaricare {url}: {exc.localized('it')}",
            fix_it=f"Scaricalo a mano da demo.istat.it e mettilo in {target.parent}.",
        ) from exc
