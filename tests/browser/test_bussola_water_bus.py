"""'Near me' by water bus in Debian's headless chromium: Venice's historic centre (the 2009
OSM walking network) with the vaporetto by headway (OSM ferry ways, the 2018 stop places, a boat
every 20 min), no GTFS feed. The site must not call boats "bus/tram": it says "public
transport" and that the water-bus times are an estimate from regular intervals.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import shot
from test_bussola_a11y import axe_violations, blocking

from capacitymetro_plugin.core.bussola import load_translations, publish, walking_network
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from bussola_site import site_data  # noqa: E402

OSM = "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
PIERS = "venezia_fermate_vaporetto_2018.geojson"


@pytest.fixture(scope="module")
def boats(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("venice_boats")
    reg = Registry.create(root / "r.gpkg")
    reg.add_services(
        [
            Service(name="Vicino a Piazzale Roma", sectors=["health"], lon=12.3195, lat=45.4370),
            Service(name="Frari", sectors=["health"], lon=12.3270, lat=45.4400),
        ]
    )
    ferries = {"ways": shared_data / OSM, "piers": shared_data / PIERS, "headway_min": 20}
    transit = {"ferries": ferries, "date": "2025-11-19", "window": "08:00-09:00"}
    net = walking_network(shared_data / OSM)
    res = publish(reg, root / "site", network=net, transit=transit, pdfs=False)
    return (
        res,
        site_data(res.folder, "transit.js", "BUSSOLA_TRANSIT"),
        site_data(res.folder, "walk.js", "BUSSOLA_WALK"),
    )


def test_water_bus_times_are_public_transport_and_an_estimate(browser, boats, axe_source):
    res, ride, walk = boats
    assert ride["modes"] == ["ferry"] and ride["headway"] is True
    a = np.asarray(ride["tenths_min"], dtype=float)
    w = np.asarray(walk["tenths_min"], dtype=float)[[walk["ids"].index(i) for i in ride["ids"]]]
    # a cell that reaches a service by boat and none on foot (an island: the Giudecca)
    only = np.flatnonzero((w < 0).all(axis=0) & (a >= 0).any(axis=0))
    assert only.size, "no cell reached by water bus only"
    g = ride["grid"]
    cell = int(only[np.argmin(a[:, only].max(axis=0))])
    here = (g["lon0"] + (cell % g["nx"] + 0.5) * g["dlon"],
            g["lat0"] + (cell // g["nx"] + 0.5) * g["dlat"])  # fmt: skip
    ctx = browser.new_context(
        locale="en-GB", viewport={"width": 412, "height": 1000},
        geolocation={"longitude": here[0], "latitude": here[1]}, permissions=["geolocation"],
    )  # fmt: skip
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(res.folder.resolve().as_uri() + "/index.html")
    page.click("#near")
    page.wait_for_selector("#results li .dist")
    ui = load_translations()["en"]["ui"]
    when = ui["ride_when"].format(day="Wed", window="08:00\u201309:00")
    texts = page.locator("#results li .dist").all_inner_texts()
    names = page.locator("#results li button").all_inner_texts()
    shown = 0
    for name, text in zip(names, texts):
        assert "bus/tram" not in text, text
        v = a[ride["ids"].index(_id_of(res.folder, name)), cell]
        if v >= 0:
            assert ui["ride_minutes_pt"].format(n=math.floor(v / 10 + 0.5), when=when) in text
            shown += 1
    assert shown >= 1
    assert ui["ride_rank_note_pt"] in page.locator("#status").inner_text()
    note = page.locator("#ride-note").inner_text()
    assert ui["ride_headway_note"] in note and "OpenStreetMap" in note and "bus/tram" not in note
    # the position is on the map too (an island beside the services' box)
    vb = [float(v) for v in page.get_attribute("#map", "viewBox").split()]
    cx, cy = (float(page.get_attribute("#map circle.here", k)) for k in ("cx", "cy"))
    assert vb[0] < cx < vb[0] + vb[2] and vb[1] < cy < vb[1] + vb[3], (vb, cx, cy)
    assert blocking(axe_violations(page, axe_source)) == []
    page.evaluate("document.getElementById('status').scrollIntoView({block: 'start'})")
    shot(page, "venice_water_bus_near_me")
    # in Italian: the same minutes, "mezzi pubblici", the estimate said
    page.select_option("#lang", "it")
    it = load_translations()["it"]["ui"]
    assert "con i mezzi pubblici" in page.locator("#results li .dist").first.inner_text()
    assert it["ride_headway_note"] in page.locator("#ride-note").inner_text()
    assert errors == []


def _id_of(folder: Path, name: str) -> str:
    data = site_data(folder, "services.js", "BUSSOLA_DATA")
    return next(s["id"] for s in data["services"] if s["name"] == name)
