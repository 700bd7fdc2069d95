"""'Near me' by bus/tram in Debian's headless chromium, on a published Mestre site.

The small Mestre registry of tests/unit/bussola_mestre.py is published with the real ACTV feed
(Wednesday 2025-11-19, 08:00-09:00). Mestre has no street network in ../shared/data, so the site
estimates walking as the engine does without one (straight line × detour factor at the walking
speed that transit.js states) and shows it beside the median transit minutes. The mocked
position is a cell where the bus wins for the nearest service and where ranking by distance
would give another order, so the test sees that the page ranks by the faster of the two.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import shot
from test_bussola_a11y import axe_violations, blocking

from capacitymetro_plugin.core.bussola import load_translations, publish

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from bussola_mestre import ACTV, DATE, mestre_registry  # noqa: E402


def _window(folder: Path, name: str, var: str):
    text = (folder / "data" / name).read_text(encoding="utf-8")
    return json.loads(text[len(f"window.{var}=") :].rstrip().rstrip(";"))


def _haversine_km(lon1, lat1, lon2, lat2):
    r = math.pi / 180
    h = (
        math.sin((lat2 - lat1) * r / 2) ** 2
        + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def mestre(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("mestre_bussola")
    reg = mestre_registry(root / "r.gpkg")
    transit = {"feeds": [shared_data / ACTV], "date": DATE, "window": "08:00-09:00", "step_min": 20}
    res = publish(reg, root / "bussola", title="Mestre", transit=transit, pdfs=False)
    data = _window(res.folder, "services.js", "BUSSOLA_DATA")
    return res, data, _window(res.folder, "transit.js", "BUSSOLA_TRANSIT")


def _expected(data, ride, cell):
    """[(name, key, ride minutes, walk minutes)] in the order the page must list them."""
    g = ride["grid"]
    i, j = cell % g["nx"], cell // g["nx"]
    here = (g["lon0"] + (i + 0.5) * g["dlon"], g["lat0"] + (j + 0.5) * g["dlat"])
    rows = []
    for s in data["services"]:
        if "lon" not in s:
            continue
        km = _haversine_km(*here, s["lon"], s["lat"])
        walk = km * ride["detour"] / ride["walk_kmh"] * 60
        v = ride["tenths_min"][ride["ids"].index(s["id"])][cell]
        by_ride = v / 10 if v >= 0 else math.inf
        rows.append((s["name"], min(walk, by_ride), by_ride, walk, km))
    rows.sort(key=lambda r: (r[1], r[4]))
    return here, rows


def _cell_where_the_bus_matters(data, ride):
    """The cell nearest to its first service among those whose first service is first by bus,
    whose order differs from the order by distance, and whose keys are apart (no ties for
    float rounding to decide)."""
    g = ride["grid"]
    best = None
    for cell in range(g["nx"] * g["ny"]):
        _here, rows = _expected(data, ride, cell)
        keys = [r[1] for r in rows]
        by_km = sorted(rows, key=lambda r: r[4])
        if (
            rows[0][2] < rows[0][3] - 2
            and [r[0] for r in by_km] != [r[0] for r in rows]
            and np.all(np.diff(keys) > 0.2)
            and math.isfinite(keys[-1])
            and (best is None or rows[0][4] < best[1])
        ):
            best = (cell, rows[0][4])
    assert best is not None, "no cell where transit changes the order"
    return best[0]


def test_near_me_shows_and_ranks_by_transit_minutes(browser, mestre, axe_source):
    res, data, ride = mestre
    tr = load_translations()
    cell = _cell_where_the_bus_matters(data, ride)
    here, rows = _expected(data, ride, cell)
    ctx = browser.new_context(
        locale="en-GB",
        viewport={"width": 412, "height": 860},
        geolocation={"longitude": here[0], "latitude": here[1]},
        permissions=["geolocation"],
    )
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(res.folder.resolve().as_uri() + "/index.html")
    assert page.locator("#ride-note").is_hidden()  # nothing about transit before "near me"
    page.click("#near")
    page.wait_for_selector("#results li .dist")
    # ranked by the faster of walking and bus/tram, as computed here from the data
    assert page.locator("#results li button").all_inner_texts() == [r[0] for r in rows]
    ui = tr["en"]["ui"]
    when = ui["ride_when"].format(day="Wed", window="08:00\u201309:00")  # 2025-11-19
    texts = page.locator("#results li .dist").all_inner_texts()
    for (_name, _key, by_ride, walk, _km), text in zip(rows, texts):
        assert ui["walk_est_minutes"].format(n=math.floor(walk + 0.5)) in text, text
        if math.isfinite(by_ride):
            assert ui["ride_minutes"].format(n=math.floor(by_ride + 0.5), when=when) in text
        else:
            assert "bus/tram" not in text
    assert "median, Wed 08:00–09:00" in texts[0]
    assert ui["ride_rank_note"] in page.locator("#status").inner_text()
    note = page.locator("#ride-note")
    assert note.is_visible()
    for needle in (ACTV, "2025-11-17", "2025-12-23", "Wednesday", "November 19, 2025",
                   "3 departures", "08:00–09:00", "median", ui["ride_walk_line"]):  # fmt: skip
        assert needle in note.inner_text(), needle
    assert blocking(axe_violations(page, axe_source)) == []
    page.set_viewport_size({"width": 412, "height": 1100})  # the note, the map and the list
    page.evaluate("document.getElementById('status').scrollIntoView({block: 'start'})")
    shot(page, "mestre_transit_near_me")
    # another language: the same numbers, its own words and weekday
    page.select_option("#lang", "it")
    first = page.locator("#results li .dist").first.inner_text()
    assert "mediana, mer" in first and f"{math.floor(rows[0][2] + 0.5)} min in bus/tram" in first
    page.select_option("#lang", "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "الوسيط" in page.locator("#results li .dist").first.inner_text()
    assert blocking(axe_violations(page, axe_source)) == []
    page.evaluate("document.getElementById('status').scrollIntoView({block: 'start'})")
    shot(page, "mestre_transit_near_me_ar")
    assert errors == []
    ctx.close()


def test_without_transit_js_nothing_changes(browser, mestre, tmp_path):
    """The same site with transit.js emptied (as publish writes it without feeds): distance
    ranking and no transit words."""
    import shutil

    res, data, ride = mestre
    folder = tmp_path / "site"
    shutil.copytree(res.folder, folder)
    (folder / "data" / "transit.js").write_text("window.BUSSOLA_TRANSIT=null;\n")
    here, rows = _expected(data, ride, _cell_where_the_bus_matters(data, ride))
    ctx = browser.new_context(
        locale="en-GB",
        geolocation={"longitude": here[0], "latitude": here[1]},
        permissions=["geolocation"],
    )
    page = ctx.new_page()
    page.goto(folder.resolve().as_uri() + "/index.html")
    page.click("#near")
    page.wait_for_selector("#results li .dist")
    by_km = [r[0] for r in sorted(rows, key=lambda r: r[4])]
    assert page.locator("#results li button").all_inner_texts() == by_km
    assert "bus/tram" not in page.locator("#results").inner_text()
    assert page.locator("#ride-note").is_hidden()
    ctx.close()
