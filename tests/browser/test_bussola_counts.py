"""Counts in the reader's grammar ("1 service", not "1 services"; Arabic's six forms).

The plural category of each number comes from the browser's own CLDR data
(``Intl.PluralRules``), the independent reference: for every interface language and every count
from 0 to 200, the status line must use that language's form for the category (or its general
form where the language's sentence does not inflect: Chinese, Bengali's classifier, the
Ukrainian "Послуг: N" label).
"""

from __future__ import annotations

import pytest

from capacitymetro_plugin.core.bussola import LANGUAGES, load_translations

# languages whose sentence changes with the number: each plural category they use needs a form
INFLECTING = {"it", "en", "es", "fr", "ro", "ar", "ur"}


def test_every_plural_category_has_its_form(sites, site_url, browser):
    tr = load_translations()
    page = browser.new_page()
    page.goto(site_url("trento", "file"))
    for lang in LANGUAGES:
        used = page.evaluate(
            "l => Array.from({length: 201}, (_, n) => new Intl.PluralRules(l).select(n))", lang
        )
        forms = {k for k in tr[lang]["ui"] if k.startswith("results_")}
        assert forms <= {f"results_{c}" for c in set(used)}, (lang, forms)  # no stray keys
        if lang in INFLECTING:
            missing = {c for c in used if c != "other"} - {f[len("results_") :] for f in forms}
            assert not missing, (lang, missing)
    page.close()


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("en", "1 service", "2 services"),
        ("it", "1 servizio", "2 servizi"),
        ("ar", "خدمة واحدة", "خدمتان"),
        ("ro", "1 serviciu", "2 servicii"),
    ],
)
def test_status_line_says_one_service(sites, site_url, browser, lang, one, two):
    _res, data, _net = sites["trento"]
    words = sorted({w for s in data["services"] for w in s["name"].split() if len(w) > 3})
    ctx = browser.new_context(locale=lang)
    page = ctx.new_page()
    page.goto(site_url("trento", "file"))
    seen = {}
    for word in words:  # search words until one gives 1 result and one gives 2
        page.fill("#q", word)
        n = page.locator("#results li").count()
        if n in (1, 2) and n not in seen:
            seen[n] = page.locator("#status").inner_text()
        if len(seen) == 2:
            break
    assert seen[1].split(" · ")[0] == one, seen[1]
    assert seen[2].split(" · ")[0] == two, seen[2]
    ctx.close()
