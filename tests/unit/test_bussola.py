"""The bussola export without a browser: translation files complete, folder content, privacy."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from capacitymetro_plugin.core.bussola import (
    LANGUAGES,
    RTL,
    SITE_DIR,
    load_translations,
    publish,
)
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.model import Practice, Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.vocabularies import SECTORS


def test_translation_files_are_complete():
    tr = load_translations()
    assert set(tr) == set(LANGUAGES) and len(LANGUAGES) == 10

    # plural forms ("results_one", Arabic's "results_two"...) are each language's own: the
    # browser test tests/browser/test_bussola_counts.py checks them against Intl.PluralRules
    def general(ui):
        return {k for k in ui if not re.fullmatch(r"results_(zero|one|two|few|many)", k)}

    keys = general(tr["en"]["ui"])
    used = set(re.findall(r'data-i18n="(\w+)"', (SITE_DIR / "index.html").read_text()))
    used |= set(re.findall(r'\bt\("(\w+)"', (SITE_DIR / "app.js").read_text()))
    assert used <= keys, used - keys
    for lang, doc in tr.items():
        assert doc["_lang"] == lang
        assert doc["_dir"] == ("rtl" if lang in RTL else "ltr")
        assert general(doc["ui"]) == keys, lang
        assert set(doc["sectors"]) == {t.code for t in SECTORS}, lang
        assert all(v.strip() for v in [*doc["ui"].values(), *doc["sectors"].values()]), lang
        assert "{n}" in doc["ui"]["results"], lang
    # the two reference languages match the registry vocabulary
    for t in SECTORS:
        assert tr["it"]["sectors"][t.code] == t.it and tr["en"]["sectors"][t.code] == t.en


def _site_data(folder):
    text = (folder / "data" / "services.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.BUSSOLA_DATA=") :].rstrip().rstrip(";"))


def test_publish_writes_public_fields_only(tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg")
    s, closed, other = reg.add_services(
        [
            Service(
                name="Sportello",
                sectors=["information"],
                languages=["it", "ar"],
                opening_hours="Mo-Fr 09:00-13:00",
                internal_notes="NOTA INTERNA",
                contact_name="Mario Rossi",
                comune_istat="022205",
                lon=11.12,
                lat=46.07,
            ),
            Service(name="Chiuso", sectors=["health"], status="closed", comune_istat="022205"),
            Service(name="Altrove", sectors=["health"], comune_istat="027042"),
        ]
    )
    p = reg.add_practice(Practice(title="Buona pratica", link="https://example.org/bp"))
    reg.link(s.service_id, p.practice_id)
    res = publish(reg, tmp_path / "site", comuni=["022205"], title="Trento")
    assert res.n_services == 1 and res.within_budget and res.total_bytes < res.byte_budget
    data = _site_data(res.folder)
    (item,) = data["services"]
    assert item["name"] == "Sportello" and item["practices"][0]["title"] == "Buona pratica"
    assert item["hours"]["rules"] == [[["Mo", "Tu", "We", "Th", "Fr"], "09:00", "13:00"]]
    everything = "".join(
        f.read_text(encoding="utf-8")
        for f in res.folder.rglob("*")
        if f.is_file()
        and f.suffix not in (".svg", ".pdf")  # the PDFs: tests/unit/test_bussola_pdf.py
    )
    assert "NOTA INTERNA" not in everything and "Mario Rossi" not in everything
    assert "http://" not in (res.folder / "index.html").read_text()  # no third-party code
    assert "https://" not in (res.folder / "index.html").read_text()
    sw = (res.folder / "sw.js").read_text()
    assert '"data/services.js"' in sw and "__FILES__" not in sw
    with zipfile.ZipFile(res.zip_path) as z:
        assert "index.html" in z.namelist() and "data/services.js" in z.namelist()
    # published again: replaced whole
    res2 = publish(reg, tmp_path / "site", comuni=["027042"], make_zip=False)
    assert [x["name"] for x in _site_data(res2.folder)["services"]] == ["Altrove"]


def test_tile_service_needs_attribution(tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg")
    with pytest.raises(InputError) as err:
        publish(reg, tmp_path / "site", tile_url="https://tile.example/{z}/{x}/{y}.png")
    assert "attribution" in err.value.message and "attribuzione" in err.value.message_it
    assert not (tmp_path / "site").exists()
