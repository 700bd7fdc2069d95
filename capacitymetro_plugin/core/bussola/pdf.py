"""The bussola's printable lists: one PDF per sector and language, from the site's own data.

``pdf/<sector>.<lang>.pdf`` lists the services of one sector as the site shows them (the same
public data, :func:`capacitymetro_plugin.core.bussola.site_data`): name, organization, where
(the address; for an approximate place only the comune and "approximate area"; for a hidden
one "place not published: contact the service"), phone, e-mail, website, opening hours as the
analyses read them, languages spoken. A header names the sector, the area, the data's date and
source; each page has its number.

Languages: those whose script DejaVu Sans draws without text shaping (:data:`PDF_LANGUAGES`:
Italian, English, French, Spanish, Romanian, Ukrainian). Arabic and Urdu (right to left, joined
letters), Bengali (shaping) and Chinese (no glyphs in DejaVu) are not written: the site links
the English list for them and says so. The PDFs are optional downloads: not in the site's byte
budget nor in its offline cache (``PublishResult.pdf_bytes`` counts them). Without fpdf2, or
without a Unicode font (DejaVu Sans, or Arial as Windows and macOS ship it), none is written.

Languages spoken are shown by their own names, as the site's language menu names them (the
``_name`` of each ``site/i18n/<lang>.json``: "Français", "Українська"), when the PDF's font can
draw that name (:func:`can_draw`); otherwise, and for languages the site has no interface in, by
their name in the list's language (``vocabularies.language_name``: "Bengali" in the English list,
"Bengalese" in the Italian, "bengali" in the French). fpdf2 leaves a glyph the font lacks out
(it logs a warning and draws nothing: "বাংলা" and "中文" vanish in DejaVu Sans), and draws Arabic
letters unjoined without text shaping (uharfbuzz), so those names are not printed.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from pathlib import Path

from capacitymetro_plugin.core.registry.vocabularies import language_name

PDF_LANGUAGES = ("it", "en", "fr", "es", "ro", "uk")

# weekday abbreviations (Monday first), for the opening hours
_DAYS = {
    "it": ("lun", "mar", "mer", "gio", "ven", "sab", "dom"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "es": ("lun.", "mar.", "mié.", "jue.", "vie.", "sáb.", "dom."),
    "ro": ("lun.", "mar.", "mie.", "joi", "vin.", "sâm.", "dum."),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
}
_ORDER = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def hours_lines(hours: dict | None, lang: str) -> list[str]:
    """The opening hours as lines ("lun–ven 09:00–13:00"), days with the same hours together."""
    if not hours:
        return []
    if "rules" not in hours:
        return [hours.get("text", "")]
    names = dict(zip(_ORDER, _DAYS[lang]))
    by_day: dict[str, list[str]] = {}
    for days, opens, closes in hours["rules"]:
        for d in days:
            by_day.setdefault(d, []).append(f"{opens}–{closes}")
    lines: list[str] = []
    i = 0
    while i < len(_ORDER):
        first = _ORDER[i]
        if first not in by_day:
            i += 1
            continue
        j = i
        while j + 1 < len(_ORDER) and by_day.get(_ORDER[j + 1]) == by_day[first]:
            j += 1
        span = names[first] if i == j else f"{names[first]}–{names[_ORDER[j]]}"
        lines.append(f"{span} {', '.join(by_day[first])}")
        i = j + 1
    return lines


@functools.lru_cache(maxsize=4)
def _font_chars(font_file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a dependency of fpdf2

    with TTFont(font_file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def can_draw(text: str, font_file: str) -> bool:
    """Whether fpdf2 prints ``text`` legibly with the TrueType font ``font_file``: the font has a
    glyph for every character, and none needs text shaping (Arabic-script letters, which join;
    the spacing vowel signs of Bengali, Devanagari and other Indic scripts)."""
    chars = _font_chars(font_file)
    return all(
        (ord(c) in chars or c.isspace())
        and unicodedata.bidirectional(c) != "AL"
        and unicodedata.category(c) != "Mc"
        for c in text
    )


def language_label(code: str, lang: str, endonyms: dict[str, str], font_file: str) -> str:
    """The name of language ``code`` in the list of language ``lang``: its own name from
    ``endonyms`` (the site's table) when the font draws it, else its name in ``lang``."""
    own = endonyms.get(code)
    if own and can_draw(own, font_file):
        return own
    return language_name(code, lang)


def _where(s: dict, ui: dict) -> str:
    if s.get("privacy") == "hidden":
        return ui["hidden"]
    if s.get("privacy") == "approximate":
        return " · ".join(x for x in (s.get("comune"), ui["approximate"]) if x)
    address, comune = s.get("address") or "", s.get("comune") or ""
    if comune and comune.lower() in address.lower():
        return address  # "Via delle Laste 22, 38121 Trento", not "…, Trento, Trento"
    return ", ".join(x for x in (address, comune) if x)


def sector_services(data: dict, sector: str) -> list[dict]:
    """The services of ``sector`` in the order the site lists them (by name)."""
    return [s for s in data["services"] if sector in (s.get("sectors") or [])]


def write_sector_pdfs(
    data: dict,
    folder: str | Path,
    *,
    area: str | None = None,
    date: dt.date | None = None,
    languages=PDF_LANGUAGES,
) -> dict[str, list[str]]:
    """Write ``folder/<sector>.<lang>.pdf`` for every sector with services; return
    ``{"sectors": [...], "langs": [...]}`` (what the site links). Empty without fpdf2 or a
    Unicode font."""
    from capacitymetro_plugin.core._fpdf import _font, import_fpdf, unicode_font

    FPDF = import_fpdf()
    if FPDF is None or unicode_font() is None:  # the core fonts cannot write "–" nor Cyrillic
        return {"sectors": [], "langs": []}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    date = date or dt.date.today()
    sectors = [c for c in data["sectors"] if sector_services(data, c)]
    langs = [lang for lang in languages if lang in PDF_LANGUAGES]
    from . import load_translations

    translations = load_translations()  # the site's own strings
    endonyms = {code: strings["_name"] for code, strings in translations.items()}
    font_file = unicode_font()[1]
    for lang in langs:
        strings = translations[lang]
        ui, names = strings["ui"], strings["sectors"]

        def spoken(codes: list[str], lang: str = lang) -> str:
            return ", ".join(language_label(c, lang, endonyms, font_file) for c in codes)

        for sector in sectors:
            _one(FPDF, _font, folder / f"{sector}.{lang}.pdf", data, sector, lang, ui, names,
                 area, date, spoken)  # fmt: skip
    return {"sectors": sectors, "langs": langs}


def _one(FPDF, font_of, path, data, sector, lang, ui, names, area, date, spoken) -> None:  # noqa: N803
    services = sector_services(data, sector)
    title = names.get(sector) or data["sectors"][sector].get("en", sector)
    pages = ui.get("pdf_page", "{n} / {total}")

    class Sheet(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font(font, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, pages.format(n=self.page_no(), total="{nb}"), align="C")

    pdf = Sheet(format="A4")
    pdf.alias_nb_pages("{nb}")
    font = font_of(pdf)
    pdf.set_title(f"{title} – {area or ''}")
    pdf.set_lang(lang)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.multi_cell(0, 8, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.set_text_color(60, 60, 60)
    head = ui.get("pdf_source", "{area} · {date}").format(
        area=area or data.get("title") or "", date=date.isoformat(), n=len(services)
    )
    pdf.multi_cell(0, 5, head, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    labels = (
        ("phone", "phone"), ("email", "email"), ("website", "website"),
    )  # fmt: skip
    for s in services:
        pdf.set_text_color(0, 0, 0)
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_font(font, "B", 11)
        pdf.multi_cell(0, 6, s["name"], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)
        if s.get("organization"):
            pdf.multi_cell(0, 4.5, s["organization"], align="L", new_x="LMARGIN", new_y="NEXT")
        rows = [(ui["address"], _where(s, ui))]
        rows += [(ui[key], s[field]) for key, field in labels if s.get(field)]
        hours = hours_lines(s.get("hours"), lang)
        if hours:
            rows.append((ui["hours"], "; ".join(hours)))
        if s.get("languages"):
            rows.append((ui["languages_spoken"], spoken(s["languages"])))
        for label, value in rows:
            if not value:
                continue
            pdf.set_font(font, "B", 9)
            pdf.cell(38, 4.5, label + ":")
            pdf.set_font(font, "", 9)
            pdf.multi_cell(0, 4.5, str(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2.5)
    pdf.output(str(path))
