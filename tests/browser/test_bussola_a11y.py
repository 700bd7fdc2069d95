"""Accessibility of the bussola in Debian's headless chromium: axe-core, phones, keyboard.

- axe-core (WCAG 2.0/2.1/2.2 A and AA rules) in every interface language, from file:// and
  from a local server, in each state a reader meets: the list, the filters unfolded, a card
  opened from the list, a map point focused, a card opened from the map, "near me". No
  violation of impact serious or critical is allowed; the same check is shown to fail on
  deliberately broken copies of the site.
- A 360x640 Android-sized screen in every language: no horizontal scroll, every
  control a 44x44 CSS px tap target (map points 24 px, the WCAG 2.2 AA minimum, since the list is
  their equivalent), no text cut or off screen. Screenshots (it, ar, fr):
  docs/img/bussola_mobile_*.png.
- Keyboard only: search, filters, the list and a card with Tab and Enter (arrow keys in a
  select and Space on the checkbox, as those native controls take them), in DOM order, with a
  visible focus ring, and focus back on the list after closing a card.
"""

from __future__ import annotations

import shutil
import unicodedata

import pytest
from browser_helpers import shot

from capacitymetro_plugin.core.bussola import LANGUAGES, RTL, load_translations

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")
PHONE = {"width": 360, "height": 640}

_RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
                                 targets: v.nodes.map(n => n.target.join(' '))}));
}"""


def axe_violations(page, axe_source: str) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations of the WCAG A/AA rules."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(_RUN_AXE, WCAG_TAGS)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def _back(page) -> None:
    page.locator("#card .noprint button").last.click()


def reader_states(page):
    """Walk the page through the states a reader meets; yield each state's name."""
    yield "list"
    page.click("#more summary")
    yield "filters"
    page.locator("#results li button").first.click()
    yield "card"
    _back(page)
    page.locator("#map [role=button]").first.focus()
    yield "map"
    page.keyboard.press("Enter")
    yield "map_card"
    _back(page)
    page.click("#near")
    page.wait_for_selector("#results li .dist")
    yield "near_me"


def _centre(sites, area) -> tuple[float, float]:
    placed = [s for s in sites[area][1]["services"] if "lon" in s]
    n = len(placed)
    return sum(s["lon"] for s in placed) / n, sum(s["lat"] for s in placed) / n


def _context(browser, sites, area, **kw):
    """A browser context with the location at the centre of the area's placed services."""
    lon, lat = _centre(sites, area)
    return browser.new_context(
        locale="en-GB",
        geolocation={"longitude": lon, "latitude": lat},
        permissions=["geolocation"],
        **kw,
    )


@pytest.mark.parametrize("how", ["file", "http"])
@pytest.mark.parametrize("area", ["trento", "venezia"])
def test_axe_no_serious_or_critical_violation(browser, sites, site_url, axe_source, area, how):
    ctx = _context(browser, sites, area, viewport=PHONE)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = {}
    for lang in LANGUAGES:
        page.goto(site_url(area, how) + f"?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        for state in reader_states(page):
            bad = blocking(axe_violations(page, axe_source))
            if bad:
                found[(lang, state)] = bad
    ctx.close()
    assert found == {}
    assert errors == []


def _break(src, dst, path, old, new):
    shutil.copytree(src, dst, dirs_exist_ok=True)
    text = (dst / path).read_text(encoding="utf-8")
    assert old in text
    (dst / path).write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "old", "new", "rule", "impact"),
    [
        # a button with no name (its text and the translation hook removed)
        (
            "index.html",
            '<button id="near" type="button" data-i18n="near_me">Vicino a me</button>',
            '<button id="near" type="button"></button>',
            "button-name",
            "critical",
        ),
        # grey text on white: 2.3:1
        ("style.css", ".meta{color:#444;", ".meta{color:#aaa;", "color-contrast", "serious"),
        # an image with no text alternative
        (
            "index.html",
            '<h1 id="title"',
            '<img src="icon.svg"><h1 id="title"',
            "image-alt",
            "critical",
        ),
    ],
)
def test_axe_check_fails_on_a_broken_page(
    browser, sites, axe_source, tmp_path, path, old, new, rule, impact
):
    broken = tmp_path / "broken"
    _break(sites["trento"][0].folder, broken, path, old, new)
    ctx = browser.new_context(locale="it-IT", viewport=PHONE)
    page = ctx.new_page()
    page.goto(broken.resolve().as_uri() + "/index.html")
    bad = blocking(axe_violations(page, axe_source))
    ctx.close()
    assert [(v["id"], v["impact"]) for v in bad] == [(rule, impact)]


_MEASURE = """() => {
  const vw = innerWidth, out = {scroll: document.scrollingElement.scrollWidth, vw,
                                small: [], cut: [], off: []};
  const shown = e => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' &&
           !e.closest('.visually-hidden, [hidden], details:not([open]) > .more') &&
           !(e.matches('.skip') && document.activeElement !== e); };
  const name = e => (e.id ? '#' + e.id : e.tagName) + ' ' + (e.textContent || '').trim().slice(0, 40);
  for (const e of document.querySelectorAll('a[href], button, input, select, summary, [tabindex="0"]')) {
    if (!shown(e)) continue;
    const t = e.matches('input[type=checkbox]') ? e.closest('label') : e;
    const r = t.getBoundingClientRect(), min = e instanceof SVGElement ? 24 : 44;
    if (r.width < min - 0.5 || r.height < min - 0.5)
      out.small.push(name(e) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const e of document.querySelectorAll('body *')) {
    if (!shown(e) || e instanceof SVGElement) continue;
    const hasText = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = e.getBoundingClientRect();
    if (hasText && (r.left < -0.5 || r.right > vw + 0.5)) out.off.push(name(e));
    if (hasText && getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
      out.cut.push(name(e));
    if (e.tagName === 'SELECT') {
      // the chosen option, drawn in the select's font, fits inside its box beside the arrow
      const cs = getComputedStyle(e), o = e.options[e.selectedIndex];
      ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
      const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
      if (o && ctx.measureText(o.text).width > room) out.cut.push(name(e) + ' option: ' + o.text);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mobile_360x640(browser, sites, site_url, lang):
    ctx = _context(browser, sites, "trento", viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(site_url("trento", "file") + f"?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in RTL else "ltr")
    problems = {}
    for state in reader_states(page):
        m = page.evaluate(_MEASURE)
        assert m["vw"] == PHONE["width"]
        if m["scroll"] > m["vw"] or m["small"] or m["cut"] or m["off"]:
            problems[state] = m
        if lang in ("it", "ar", "fr") and state in ("list", "filters", "card"):
            shot(page, f"mobile_{lang}_{state}")
    ctx.close()
    assert problems == {}


def _norm(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s or "") if unicodedata.category(c) != "Mn"
    ).lower()


def _searchable(s: dict) -> str:
    """What the page's search box looks in, as the page normalises it (no accents, lower)."""
    return _norm(
        " ".join(s.get(k) or "" for k in ("name", "description", "organization", "comune"))
    )


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement, cs = getComputedStyle(e);
          return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim(),
                  role: e.getAttribute('role'), ring: parseFloat(cs.outlineWidth) || 0,
                  style: cs.outlineStyle, stroke: parseFloat(cs.strokeWidth) || 0}; }"""
    )


def _tab_to(page, pred, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = _focused(page)
        if pred(f):
            return f
    raise AssertionError("not reached with Tab")


def _names(page):
    return page.locator("#results li button").all_inner_texts()


@pytest.mark.parametrize(
    ("lang", "viewport"), [("en", PHONE), ("ar", {"width": 1024, "height": 768})]
)
def test_keyboard_only(browser, sites, site_url, lang, viewport):
    data = sites["trento"][1]
    tr = load_translations()[lang]["ui"]
    ctx = _context(browser, sites, "trento", viewport=viewport)
    page = ctx.new_page()
    page.goto(site_url("trento", "http") + f"?lang={lang}")
    # the focus order is the reading order, each stop with a visible ring
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        f = _focused(page)
        assert f["style"] != "none" and f["ring"] >= 2, f
        order.append(f["id"] or f["tag"])
    wide = viewport["width"] >= 768  # the rarer filters are unfolded on a wide screen
    want = ["", "lang", "q", "f-sector", "SUMMARY", "f-language" if wide else "near"]
    assert [o if o != "A" else "" for o in order] == want
    # search: type, the list follows
    page.locator("#lang").focus()
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "q"
    page.keyboard.type("astalli")
    want = [s["name"] for s in data["services"] if "astalli" in _searchable(s)]
    assert want and _names(page) == want
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    assert len(_names(page)) == len(data["services"])
    # sector: the first sector offered, by arrow key in the select
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "f-sector"
    page.keyboard.press("ArrowDown")
    sector = page.eval_on_selector("#f-sector", "e => e.value")
    want = [s["name"] for s in data["services"] if sector in s.get("sectors", [])]
    assert sector and want and _names(page) == want
    page.keyboard.press("ArrowUp")
    assert len(_names(page)) == len(data["services"])
    # more filters: Enter unfolds them (a phone), "open now" toggles with Space
    page.keyboard.press("Tab")
    assert _focused(page)["tag"] == "SUMMARY"
    if not wide:
        page.keyboard.press("Enter")
    assert page.eval_on_selector("#more", "e => e.open")
    _tab_to(page, lambda f: f["id"] == "f-now")
    page.keyboard.press("Space")
    assert page.is_checked("#f-now")
    assert page.inner_text("#more-n") == "(1)"
    page.keyboard.press("Space")
    # the skip link leads to the list; Enter opens a card, focus goes into it
    page.goto(site_url("trento", "http") + f"?lang={lang}")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == tr["skip"]
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "results"
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["tag"] == "BUTTON" and first["text"] == data["services"][0]["name"]
    page.keyboard.press("Tab")
    second = _focused(page)["text"]
    assert second == data["services"][1]["name"]
    page.keyboard.press("Enter")
    assert page.is_visible("#card") and _focused(page)["id"] == "card"
    assert page.inner_text("#card-name") == second
    f = _tab_to(page, lambda f: f["text"] == tr["back"], limit=15)
    assert f["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    assert page.is_hidden("#card")
    assert _focused(page)["text"] == second  # back where the reader was
    # a map point: reached with Tab, named, opens its card with Enter
    page.locator("#near").focus()
    f = _tab_to(page, lambda f: f["role"] == "button", limit=9)  # address, zoom +/−/reset, the map
    assert f["stroke"] >= 4  # the focused point's ring
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    assert page.is_visible("#card") and name.startswith(page.inner_text("#card-name"))
    ctx.close()
