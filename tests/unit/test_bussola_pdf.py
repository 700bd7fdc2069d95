"""The bussola's per-sector PDF lists, on the real sample registry of Trento (../shared/data)
with two protected services planted (one hidden, one approximate).

The PDFs' text is read back with poppler's pdftotext (an independent reader). Each sector's
list holds exactly the services the registry has for that sector, active and in the area, in
the site's order, computed here from the registry itself; no protected address or coordinate is
in any PDF; the hidden service says how it is reached; the Italian and Ukrainian lists are in
their language; fonts are embedded; the PDFs are outside the byte budget and the offline cache.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess

import pytest

from capacitymetro_plugin.core._fpdf import unicode_font
from capacitymetro_plugin.core.bussola import I18N_DIR, publish
from capacitymetro_plugin.core.bussola.pdf import PDF_LANGUAGES, can_draw, hours_lines
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

TRENTO = "022205"
HIDDEN = (11.1302, 46.0731)
APPROX = (11.1187, 46.0609)


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("pdf")
    build_sample_registry(shared_data, root / "registry.gpkg")
    reg = Registry.open(root / "registry.gpkg")
    reg.add_services(
        [
            Service(
                name="Casa rifugio protetta",
                sectors=["health"],
                phone="+39 800 290 290",
                location_privacy="hidden",
                comune_istat=TRENTO,
                comune_name="Trento",
                address="Via Protetta 1",
                lon=HIDDEN[0],
                lat=HIDDEN[1],
            ),
            Service(
                name="Accoglienza riservata",
                sectors=["health"],
                location_privacy="approximate",
                comune_istat=TRENTO,
                comune_name="Trento",
                address="Vicolo Riservato 2",
                lon=APPROX[0],
                lat=APPROX[1],
            ),
        ]
    )
    res = publish(reg, root / "bussola", title="Trento", comuni=[TRENTO])
    return res, reg


def _text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.split())  # lines wrapped anywhere: compare words


def _expected(reg, sector: str) -> list[str]:
    """Active services of Trento with ``sector``, by name (case-insensitive), from the registry."""
    names = [
        s.name
        for s in reg.services()
        if (s.status or "active") == "active" and s.comune_istat == TRENTO and sector in s.sectors
    ]
    return sorted(names, key=str.lower)


def test_one_pdf_per_sector_and_language_listing_the_sectors_services(site):
    res, reg = site
    data = json.loads(
        (res.folder / "data" / "services.js")
        .read_text(encoding="utf-8")
        .split("=", 1)[1]
        .rstrip(";\n")
    )
    sectors = sorted({c for s in reg.services() if s.comune_istat == TRENTO for c in s.sectors})
    with_services = [c for c in sectors if _expected(reg, c)]
    assert sorted(data["pdf"]["sectors"]) == with_services and len(with_services) >= 5
    assert data["pdf"]["langs"] == list(PDF_LANGUAGES)
    files = sorted(p.name for p in (res.folder / "pdf").glob("*.pdf"))
    assert files == sorted(f"{c}.{lang}.pdf" for c in with_services for lang in PDF_LANGUAGES)
    assert res.n_pdfs == len(files) and res.pdf_bytes > 0
    for sector in with_services:
        text = _text(res.folder / "pdf" / f"{sector}.en.pdf")
        names = [" ".join(n.split()) for n in _expected(reg, sector)]
        at = 0
        for n in names:  # each one after the one before: the site's order
            found = text.find(n[:40], at)
            assert found >= 0, (sector, n, text[:600])
            at = found + len(n[:40])
        others = [
            s.name
            for s in reg.services()
            if s.comune_istat == TRENTO and sector not in s.sectors and len(s.name) > 12
        ]
        assert not [n for n in others if n in text], sector
        assert re.search(r"Page 1 of \d+", text)


def test_no_protected_place_in_any_pdf(site):
    res, _ = site
    text = "\n".join(_text(p) for p in (res.folder / "pdf").glob("*.pdf"))
    assert "Via Protetta" not in text and "Vicolo Riservato" not in text
    for lon, lat in (HIDDEN, APPROX):
        for needle in (f"{lon:.3f}", f"{lat:.3f}", f"{lon:.4f}"[:-1], str(lon), str(lat)):
            assert needle not in text, needle
    health = _text(res.folder / "pdf" / "health.en.pdf")
    block = health[health.index("Casa rifugio protetta") :][:400]
    assert "Place not published: contact the service" in block and "800 290 290" in block
    approx = health[health.index("Accoglienza riservata") :][:300]
    assert "Approximate area" in approx and "Trento" in approx


def test_languages_fonts_and_budget(site):
    res, _ = site
    it = _text(res.folder / "pdf" / "health.it.pdf")
    assert "Salute" in it and "Pagina 1 di" in it and "Luogo non pubblicato" in it
    uk = _text(res.folder / "pdf" / "health.uk.pdf")
    assert "Сторінка 1 з" in uk and "Телефон" in uk
    fonts = subprocess.run(
        ["pdffonts", str(res.folder / "pdf" / "health.uk.pdf")], capture_output=True, text=True
    ).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded (a subset)
    sw = (res.folder / "sw.js").read_text(encoding="utf-8")
    assert "pdf/" not in sw  # optional downloads: not precached for the first visit
    total = sum(
        p.stat().st_size for p in res.folder.rglob("*") if p.is_file() and p.parent.name != "pdf"
    )
    assert res.total_bytes == total and res.within_budget


def test_hours_lines_group_days():
    rules = {
        "rules": [
            [["Mo", "Tu", "We", "Th", "Fr"], "09:00", "13:00"],
            [["Tu", "Th"], "14:30", "17:30"],
        ]
    }
    assert hours_lines(rules, "en") == [
        "Mon 09:00–13:00",
        "Tue 09:00–13:00, 14:30–17:30",
        "Wed 09:00–13:00",
        "Thu 09:00–13:00, 14:30–17:30",
        "Fri 09:00–13:00",
    ]
    assert hours_lines({"rules": [[["Mo", "Tu", "We"], "09:00", "12:00"]]}, "it") == [
        "lun–mer 09:00–12:00"
    ]
    assert hours_lines({"text": "su appuntamento"}, "it") == ["su appuntamento"]


def test_without_a_unicode_font_the_site_has_no_pdf_and_no_link(tmp_path, monkeypatch):
    """Helvetica (fpdf2's core font) cannot write Cyrillic nor "–": rather no PDF than a crash."""
    from capacitymetro_plugin.core import _fpdf

    monkeypatch.setattr(_fpdf, "_FONT_FILES", [])
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_service(Service(name="Sportello", sectors=["health"], comune_istat=TRENTO))
    res = publish(reg, tmp_path / "site", comuni=[TRENTO], make_zip=False)
    assert res.n_pdfs == 0 and not (res.folder / "pdf").exists()
    data = (res.folder / "data" / "services.js").read_text(encoding="utf-8")
    assert '"pdf": null' in data or '"pdf":null' in data


SPOKEN = ["it", "fr", "uk", "ar", "bn", "zh", "ur", "ps"]


def _iso_names() -> dict[str, dict[str, str]]:
    """The ISO 639-1 table as shipped (code -> names by language), read here with csv."""
    table = I18N_DIR.parents[2] / "data" / "iso639_1.csv"
    with open(table, encoding="utf-8", newline="") as fh:
        return {r["code"]: r for r in csv.DictReader(fh)}


@pytest.mark.skipif(unicode_font() is None or "DejaVu" not in unicode_font()[0], reason="DejaVu")
def test_languages_spoken_are_named_not_coded(tmp_path):
    """Languages by their own names (the site's menu: i18n/<lang>.json "_name") where DejaVu Sans
    draws them; Bengali and Chinese (no glyphs) and Arabic-script names (letters unjoined
    without shaping) by their name in the list's language, from the ISO table."""
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_service(
        Service(name="Sportello multilingue", sectors=["health"], languages=SPOKEN, phone="1")
    )
    res = publish(reg, tmp_path / "site", make_zip=False)
    own = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))["_name"] for p in I18N_DIR.glob("*.json")
    }
    iso = _iso_names()
    for lang in PDF_LANGUAGES:
        text = _text(res.folder / "pdf" / f"health.{lang}.pdf")
        spoken = text[text.index("Sportello multilingue") :]
        for code in ("it", "fr", "uk"):  # Latin and Cyrillic: their own names
            assert own[code] in spoken, (lang, code)
        for code in ("ar", "bn", "zh", "ur", "ps"):
            assert own.get(code, "\0") not in spoken  # never half drawn
            assert iso[code][lang].split(";")[0].strip() in spoken, (lang, code)
        assert not re.search(r"\b(" + "|".join(SPOKEN) + r")\b", spoken), (lang, spoken)
    assert "Italiano, Français, Українська, Arabic, Bengali, Chinese, Urdu, Pushto" in _text(
        res.folder / "pdf" / "health.en.pdf"
    )
    assert "Arabo, Bengalese, Cinese" in _text(res.folder / "pdf" / "health.it.pdf")


@pytest.mark.skipif(unicode_font() is None, reason="needs a Unicode font")
def test_can_draw_follows_the_fonts_glyphs():
    font = unicode_font()[1]
    assert can_draw("Français", font) and can_draw("Українська", font)
    assert not can_draw("中文", font)  # no CJK glyphs in DejaVu Sans nor Arial
    assert not can_draw("العربية", font)  # glyphs maybe, joining never (no text shaping)
    assert not can_draw("বাংলা", font)
