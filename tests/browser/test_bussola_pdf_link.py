"""The list's link to the chosen sector's PDF, in headless Chromium on the exported Trento site:
no link without a sector; with one, a link to pdf/<sector>.<lang>.pdf that exists in the folder
and is served; Arabic (no Arabic PDF is written) links the English list and says so."""

from __future__ import annotations

import urllib.request

from browser_helpers import shot


def test_pdf_link_follows_sector_and_language(browser, sites, site_url):
    res = sites["trento"][0]
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, locale="it-IT")
    page = ctx.new_page()
    url = site_url("trento", "http")
    page.goto(url)
    page.wait_for_selector("#results li")
    assert page.locator("#pdf-link").is_hidden()
    page.select_option("#f-sector", "health")
    link = page.locator("#pdf-a")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert href == "pdf/health.it.pdf" and (res.folder / href).is_file()
    assert "Salute" in link.inner_text() and "PDF" in link.inner_text()
    with urllib.request.urlopen(url.rsplit("/", 1)[0] + "/" + href) as r:
        assert r.headers.get_content_type() == "application/pdf" and r.read(5) == b"%PDF-"
    page.select_option("#lang", "ar")
    assert (
        link.get_attribute("href") == "pdf/health.en.pdf" and link.get_attribute("hreflang") == "en"
    )
    assert "English" in link.inner_text()
    page.select_option("#lang", "uk")
    assert link.get_attribute("href") == "pdf/health.uk.pdf"
    page.select_option("#f-sector", "")
    assert page.locator("#pdf-link").is_hidden()
    page.select_option("#lang", "it")
    page.select_option("#f-sector", "health")
    page.locator("#list-h").scroll_into_view_if_needed()
    shot(page, "pdf_link")
    ctx.close()
