"""Records in the visitor's language, in Debian's headless chromium (Playwright, no download).

The Trento site is exported from the sample registry built from ../shared/data, with an Arabic
translation written by an operator (Cinformi) and one by a machine (Questura); the other
services have none. An Arabic visitor must read the Arabic names, the machine one labelled as
such, and every untranslated one labelled "(in Italian)" in Arabic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capacitymetro_plugin.batch.config import config_for_area
from capacitymetro_plugin.core.bussola import RECORD_LABELS, load_translations, publish
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")

CINFORMI_AR = "سينفورمي – مركز المعلومات للهجرة"
CINFORMI_AR_DESC = "معلومات ومساعدة في تصاريح الإقامة والجنسية"
QUESTURA_AR = "مديرية شرطة ترينتو – مكتب الهجرة"


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("bussola_tr")
    reg = Registry.open(
        build_sample_registry(shared_data, root / "registry.gpkg") and root / "registry.gpkg"
    )
    by_name = {s.name: s for s in reg.services()}
    cinformi = next(s for n, s in by_name.items() if n.startswith("Cinformi"))
    questura = next(s for n, s in by_name.items() if n.startswith("Questura di Trento"))
    reg.set_translation(cinformi.service_id, "ar", name=CINFORMI_AR, description=CINFORMI_AR_DESC)
    reg.set_translation(questura.service_id, "ar", name=QUESTURA_AR, source="machine")
    reg.set_translation(cinformi.service_id, "prs", name="سینفورمی")  # no Dari interface: not shown
    res = publish(reg, root / "site", comuni=config_for_area("trento").comuni, make_zip=False)
    return res, cinformi, questura


def test_arabic_visitor_reads_arabic_names_and_the_labels(site, browser, tmp_path):
    res, cinformi, questura = site
    ui = load_translations()["ar"]["ui"]
    ctx = browser.new_context(locale="ar", viewport={"width": 412, "height": 860})
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(res.folder.resolve().as_uri() + "/index.html")
    assert page.get_attribute("html", "lang") == "ar"
    items = page.locator("#results li")
    n = items.count()
    assert n == res.n_services and n > 10
    translated = page.locator(f'#results li[data-id="{cinformi.service_id}"]')
    button = translated.locator("button")
    assert button.inner_text() == CINFORMI_AR
    # the name keeps its own language and direction inside the button
    assert button.locator("span").get_attribute("lang") == "ar"
    assert button.locator("span").get_attribute("dir") == "rtl"
    assert translated.locator(".record-label").count() == 0  # by an operator: no label
    machine = page.locator(f'#results li[data-id="{questura.service_id}"]')
    assert machine.locator("button").inner_text() == QUESTURA_AR
    assert machine.locator(".record-label").inner_text() == RECORD_LABELS["machine"]["ar"]
    # every other service: its Italian name, labelled "(in Italian)" in Arabic
    others = page.locator(
        f'#results li:not([data-id="{cinformi.service_id}"]):not([data-id="{questura.service_id}"])'
    )
    assert others.count() == n - 2
    labels = others.locator(".record-label").all_inner_texts()
    assert labels == [RECORD_LABELS["original"]["ar"]] * (n - 2) == ["(بالإيطالية)"] * (n - 2)
    assert set(others.locator("button > span").evaluate_all("bs => bs.map(b => b.lang)")) == {"it"}
    assert others.locator(".record-label").first.is_visible()
    page.locator("#results").screenshot(path=str(tmp_path / "bussola_trento_ar_translated.png"))
    # the card of the translated service: Arabic name and description, no fallback note
    button.click()
    assert page.locator("#card-name").inner_text() == CINFORMI_AR
    assert page.locator("#card-name").get_attribute("lang") == "ar"
    assert page.locator("#card .description").inner_text() == CINFORMI_AR_DESC
    assert page.locator("#card .note").count() == 0
    page.get_by_role("button", name=ui["back"]).click()
    # an untranslated service's card: Italian, with one note (not the list's label as well)
    other_id = others.first.get_attribute("data-id")
    others.first.locator("button").click()
    assert page.locator("#card-name").get_attribute("lang") == "it"
    assert page.locator("#card .record-label").count() == 0
    assert page.locator("#card .note").inner_text() == ui["fallback_note"]
    page.get_by_role("button", name=ui["back"]).click()
    # searching in Arabic finds the translated service
    page.fill("#q", "سينفورمي")
    assert page.locator("#results li").count() == 1
    # in Italian the records are the originals, with no label at all
    page.fill("#q", "")
    page.select_option("#lang", "it")
    assert page.locator("#results .record-label").count() == 0
    assert translated.locator("button").inner_text() == cinformi.name
    assert other_id
    assert errors == []
    ctx.close()


def test_site_data_has_only_site_languages_and_public_fields(site):
    res, cinformi, _questura = site
    text = (res.folder / "data" / "services.js").read_text(encoding="utf-8")
    assert CINFORMI_AR in text and "سینفورمی" not in text  # Dari: no interface, not shipped
    assert "editor" not in text and "updated_at" not in text  # who translated stays inside
    assert res.within_budget
