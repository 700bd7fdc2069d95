"""The bussola's offline map background and typed-address search, in Debian's headless chromium.

The Trento and Venezia sites of conftest.py are published with the walking network and the OSM
extract it was built from. The background is decoded here from its SVG path data, independently
of the exporter, and every vertex is checked against the network's own street geometry; the
street typed is ranked against the engine's walking times computed here from that street's point.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import math
import re
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from browser_helpers import shot
from PIL import Image
from pyproj import Transformer
from shapely.geometry import Point
from test_bussola_a11y import axe_violations, blocking

from capacitymetro_plugin.core.bussola import load_translations, publish
from capacitymetro_plugin.core.bussola.background import OSM_CREDIT, TOLERANCE_M, from_frame
from capacitymetro_plugin.core.bussola.walk import cell_of
from capacitymetro_plugin.core.coverage import service_times


def _window(folder: Path, name: str, var: str):
    text = (folder / "data" / name).read_text(encoding="utf-8")
    return json.loads(text[len(f"window.{var}=") :].rstrip().rstrip(";"))


def _decode(d: str, frame: dict) -> list[np.ndarray]:
    """Decode our path data (relative m/l, z) into lon/lat vertex arrays, one per subpath."""
    out, at, start, cur = [], np.zeros(2), np.zeros(2), None
    for cmd, args in re.findall(r"([mlz])([^mlz]*)", d):
        nums = np.array([float(v) for v in re.findall(r"-?\d+", args)]).reshape(-1, 2)
        if cmd == "m":
            at = at + nums[0]
            start, cur = at.copy(), [at.copy()]
            out.append(cur)
        elif cmd == "l":
            for step in nums:
                at = at + step
                cur.append(at.copy())
        else:
            at = start.copy()
    lonlat = []
    for part in out:
        q = np.array(part)
        x = frame["x0"] + q[:, 0] * frame["unit"]
        y = frame["y0"] + q[:, 1] * frame["unit"]
        lat = np.degrees(2 * np.arctan(np.exp(np.radians(-y))) - np.pi / 2)
        lonlat.append(np.column_stack([x, lat]))
    return lonlat


@pytest.mark.parametrize("area", ["trento", "venezia"])
def test_background_is_the_network_streets_within_the_budget(browser, sites, site_url, area):
    res, data, net = sites[area]
    assert res.within_budget and res.total_bytes <= 300_000
    assert 0 < res.background_bytes < res.total_bytes / 2
    bg = _window(res.folder, "background.js", "BUSSOLA_BG")
    assert bg["credit"] == OSM_CREDIT
    # every decoded vertex lies on the network's streets: simplification and ~1 m quantisation
    parts = _decode(bg["streets"], bg["frame"])
    xy = np.concatenate(parts)
    to_net = Transformer.from_crs(4326, net.crs, always_xy=True)
    px, py = to_net.transform(xy[:, 0], xy[:, 1])
    tree = shapely.STRtree(net.segment_lines())
    _idx, dist = tree.query_nearest(shapely.points(px, py), return_distance=True, all_matches=False)
    assert dist.max() < 1.5, dist.max()  # vertices are network vertices, rounded to ~1 m
    # and the drawn lines stay within the simplification tolerance of the streets
    mids = np.concatenate([(p[1:] + p[:-1]) / 2 for p in parts if len(p) > 1])
    mx, my = to_net.transform(mids[:, 0], mids[:, 1])
    _i, dmid = tree.query_nearest(shapely.points(mx, my), return_distance=True)
    assert np.quantile(dmid, 0.99) < TOLERANCE_M + 1.5, np.quantile(dmid, 0.99)
    if area == "trento":
        assert len(parts) > 1000 and bg["water"] and bg["waterways"]  # the Adige and its lakes

    ctx = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 800})
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url(area, "file"))
    # drawn under the service points, each layer one path
    kinds = page.eval_on_selector_all("#map > *", "els => els.map(e => e.getAttribute('class'))")
    assert kinds[0] == "bg" and "pt" in kinds[-1]
    assert page.eval_on_selector("#map .bg .street", "e => e.getAttribute('d').length") == len(
        bg["streets"]
    )
    assert OSM_CREDIT in page.inner_text("#attribution")
    # pixels: street grey covers part of the map (a blank map has none)
    png = Image.open(io.BytesIO(page.locator("#map").screenshot())).convert("RGB")
    px_ = np.asarray(png).reshape(-1, 3).astype(int)
    street = np.abs(px_ - [0xB4, 0xC0, 0xCA]).sum(axis=1) < 40
    assert street.mean() > 0.02, street.mean()
    if area == "trento":
        page.evaluate("document.getElementById('map-wrap').scrollIntoView()")
        shot(page, "trento_background")
    assert errors == []
    ctx.close()


def _nearest_from(net, data, lonlat):
    placed = [s for s in data["services"] if "lon" in s]
    times = service_times(
        net,
        gpd.GeoDataFrame(geometry=[Point(lonlat)], crs=4326),
        gpd.GeoDataFrame(
            {"id": [s["id"] for s in placed]},
            geometry=[Point(s["lon"], s["lat"]) for s in placed],
            crs=4326,
        ),
        id_field="id",
        cutoff_min=60,
    )
    return placed, times.minutes[:, 0]


@pytest.mark.parametrize("how", ["file", "http"])
def test_typed_street_ranks_by_the_engines_walking_time(browser, sites, site_url, how, shared_data):
    res, data, net = sites["trento"]
    net_osm = shared_data / "osm_trento_2023-02_tnst.osm.pbf"
    ui = load_translations()["it"]["ui"]
    streets = _window(res.folder, "streets.js", "BUSSOLA_STREETS")
    assert res.n_street_names == len(streets["names"]) > 300
    folded = [r[0].lower() for r in streets["names"]]
    assert len(folded) == len(set(folded))  # deduplicated
    verdi = next(r for r in streets["names"] if r[0] == "Via Giuseppe Verdi")
    verdi = [verdi[0], *from_frame(streets["frame"], verdi[1], verdi[2])]
    # the street's point, found independently: on one of the OSM ways named so
    ways = pyogrio.read_dataframe(
        net_osm, layer="lines", columns=["name"], where="name = 'Via Giuseppe Verdi'"
    )
    to_m = Transformer.from_crs(4326, net.crs, always_xy=True)
    ways_m = gpd.GeoSeries(ways.geometry.values, crs=4326).to_crs(net.crs)
    assert ways_m.distance(Point(to_m.transform(verdi[1], verdi[2]))).min() < 1.5
    placed, minutes = _nearest_from(net, data, (verdi[1], verdi[2]))
    order = np.argsort(minutes, kind="stable")
    tied = {placed[i]["name"] for i in order if minutes[i] - minutes[order[0]] < 0.05}

    ctx = browser.new_context(locale="it-IT", viewport={"width": 412, "height": 860})
    page = ctx.new_page()
    page.goto(site_url("trento", how))
    assert page.inner_text("label:has(#addr) span") == ui["address_search"]
    # accent- and case-free, every typed word a prefix of a word of the name
    page.fill("#addr", "VIA VÈRDI")
    hits = page.locator("#addr-list button").all_inner_texts()
    assert hits == ["Via Giuseppe Verdi"], hits
    page.fill("#addr", "zzqx")
    assert page.inner_text("#addr-list") == ui["address_none"]
    page.fill("#addr", "via verdi")
    page.locator("#addr-list button").first.click()
    first = page.locator("#results li button").first.inner_text()
    assert first in tied, (first, tied)
    assert ui["from_street"].format(street="Via Giuseppe Verdi") in page.inner_text("#status")
    # the minutes shown are the precomputed cell's, as for the device's position
    walk = _window(res.folder, "walk.js", "BUSSOLA_WALK")
    k = cell_of(walk["grid"], verdi[1], verdi[2])
    sid = next(s["id"] for s in placed if s["name"] == first)
    cell_min = walk["tenths_min"][walk["ids"].index(sid)][k] / 10
    shown = page.locator("#results li .dist").first.inner_text()
    assert shown.startswith(ui["walk_minutes"].format(n=round(cell_min))), shown
    # the cell (200 m) against the street's own point: within a few minutes' walk
    assert abs(cell_min - float(minutes[order[0]])) < 3.0, (cell_min, minutes[order[0]])
    # Enter picks the first match
    page.fill("#addr", "")
    page.fill("#addr", "via verdi")
    page.press("#addr", "Enter")
    assert page.locator("#results li button").first.inner_text() in tied
    if how == "file":  # the street typed, the status and the map with the point measured from
        page.evaluate("document.getElementById('addr-wrap').scrollIntoView()")
        shot(page, "trento_address")
    ctx.close()


def test_address_search_on_a_phone_and_for_axe(browser, sites, site_url, axe_source):
    ctx = browser.new_context(
        locale="ar", viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    page.goto(site_url("trento", "file"))
    for state in ("typed", "picked"):
        page.fill("#addr", "via")
        if state == "picked":
            page.locator("#addr-list button").first.click()
        wide = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert wide[0] <= wide[1] == 360, (state, wide)
        small = page.eval_on_selector_all(
            "#addr-list button, #addr",
            "els => els.map(e => e.getBoundingClientRect()).filter(r => r.height < 44).length",
        )
        assert small == 0, state
        bad = blocking(axe_violations(page, axe_source))
        assert bad == [], (state, [(v["id"], v["impact"]) for v in bad])
    ctx.close()


class _Tiles(http.server.BaseHTTPRequestHandler):
    """A tile service of grey 256 px PNG tiles that records the tiles asked for."""

    asked: list[str] = []
    png = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, *a):
        pass


def test_publisher_tile_service_is_drawn_with_its_attribution(browser, sites, tmp_path):
    res, _data, net = sites["trento"]
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 230, 200)).save(buf, "PNG")
    handler = functools.partial(_Tiles)
    _Tiles.png, _Tiles.asked = buf.getvalue(), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        from capacitymetro_plugin.core.registry.registry import Registry

        reg = Registry.open(res.folder.parent.parent / "registry.gpkg")
        url = f"http://127.0.0.1:{httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
        site = publish(
            reg,
            tmp_path / "tiled",
            comuni=["022205"],
            network=net,
            tile_url=url,
            tile_attribution="© Test tiles",
            make_zip=False,
        )
        ctx = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 800})
        page = ctx.new_page()
        page.goto(site.folder.resolve().as_uri() + "/index.html")
        page.wait_for_timeout(500)
        hrefs = page.eval_on_selector_all(
            "#map .tiles image", "els => els.map(e => e.getAttribute('href'))"
        )
        assert hrefs and all(h.startswith(url.split("{z}")[0]) for h in hrefs)
        z = {int(h.split("/")[3]) for h in hrefs}
        assert len(z) == 1 and 12 <= z.pop() <= 16  # a city-sized map
        assert set(_Tiles.asked) == {"/" + h.split("/", 3)[3] for h in hrefs}
        # the tiles sit over the offline background and under the points
        kinds = page.eval_on_selector_all(
            "#map > *", "els => els.map(e => e.getAttribute('class'))"
        )
        assert kinds[:2] == ["bg", "tiles"] and "pt" in kinds[-1]
        assert page.inner_text("#attribution") == f"© Test tiles · {OSM_CREDIT}"
        # each tile's place: tile x of its left edge, as the slippy-map formula gives it
        first = hrefs[0].split("/")
        zz, tx = int(first[3]), int(first[4])
        left = float(page.eval_on_selector("#map .tiles image", "e => e.getAttribute('x')"))
        assert math.isclose(left, tx / 2**zz * 360 - 180, abs_tol=1e-9)
        ctx.close()
    finally:
        httpd.shutdown()


def _osm_addresses(osm_file: Path, tmp: Path) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Every node and building with addr:street + addr:housenumber, read with osmium (not the
    exporter's GDAL reader): ``{(street, number): [(lon, lat) of nodes / building vertices]}``."""
    import subprocess

    out = tmp / "addr.geojsonseq"
    subprocess.run(
        ["osmium", "tags-filter", "-o", str(tmp / "addr.osm.pbf"), "--overwrite", str(osm_file),
         "n/addr:housenumber", "w/addr:housenumber", "r/addr:housenumber"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["osmium", "export", "-f", "geojsonseq", "-o", str(out), "--overwrite",
         str(tmp / "addr.osm.pbf")],
        check=True, capture_output=True,
    )  # fmt: skip
    found: dict[tuple[str, str], list] = {}
    for line in out.read_text(encoding="utf-8").split("\n"):  # splitlines() splits at \x1e too
        line = line.strip("\x1e \r")
        if not line:
            continue
        feat = json.loads(line)
        tags = feat["properties"]
        if "addr:street" not in tags:
            continue
        geom = shapely.geometry.shape(feat["geometry"])
        for number in re.split(r"[;,]", tags["addr:housenumber"]):
            key = (tags["addr:street"].lower().strip(), number.strip())  # spellings differ in case
            found.setdefault(key, []).append(geom)
    return found


def test_typed_house_number_is_the_osm_address(browser, sites, site_url, shared_data, tmp_path):
    """ "Via Giuseppe Verdi 12" finds the house, not the street's middle; an unknown number
    says so and falls back to the street; the minutes are the house's cell's."""
    res, data, net = sites["trento"]
    osm = shared_data / "osm_trento_2023-02_tnst.osm.pbf"
    streets = _window(res.folder, "streets.js", "BUSSOLA_STREETS")
    frame = streets["frame"]
    known = _osm_addresses(osm, tmp_path)
    # every published number is an OSM address of that street, at that place (to ~1 m units)
    to_m = Transformer.from_crs(4326, net.crs, always_xy=True)
    checked = 0
    for row in streets["names"]:
        if len(row) < 4:
            continue
        name, qx, qy, flat = row
        for k in range(0, len(flat), 3):
            number, dx, dy = flat[k : k + 3]
            number = str(number)
            qx, qy = qx + dx, qy + dy  # each step from the one before
            lon, lat = from_frame(frame, qx, qy)
            geoms = known.get((name.lower(), number))
            assert geoms, (name, number)
            here = Point(to_m.transform(lon, lat))
            dist = min(
                shapely.ops.transform(lambda x, y: to_m.transform(x, y), g).distance(here)
                for g in geoms
            )
            assert dist < 2.0, (name, number, dist)  # on the node, or inside its building
            checked += 1
    assert checked == res.n_house_numbers > 1000, checked
    assert res.within_budget, res.total_bytes

    verdi = next(r for r in streets["names"] if r[0] == "Via Giuseppe Verdi")
    number = str(verdi[3][-3])  # its last number, at the sum of the steps
    house = from_frame(frame, verdi[1] + sum(verdi[3][1::3]), verdi[2] + sum(verdi[3][2::3]))
    walk = _window(res.folder, "walk.js", "BUSSOLA_WALK")
    k = cell_of(walk["grid"], *house)
    ui = load_translations()["it"]["ui"]
    ctx = browser.new_context(locale="it-IT", viewport={"width": 412, "height": 860})
    page = ctx.new_page()
    page.goto(site_url("trento", "file"))
    page.fill("#addr", f"via verdi, {number.lower()}")
    hits = page.locator("#addr-list button").all_inner_texts()
    assert hits[0] == f"Via Giuseppe Verdi {number}", hits
    page.locator("#addr-list button").first.click()
    assert ui["from_street"].format(street=f"Via Giuseppe Verdi {number}") in page.inner_text(
        "#status"
    )
    first = page.locator("#results li button").first.inner_text()
    sid = next(s["id"] for s in data["services"] if s["name"] == first)
    cells = [walk["tenths_min"][walk["ids"].index(s)][k] for s in walk["ids"]]
    best = min(c for c in cells if c >= 0) / 10
    assert walk["tenths_min"][walk["ids"].index(sid)][k] / 10 == best
    shown = page.locator("#results li .dist").first.inner_text()
    assert shown.startswith(ui["walk_minutes"].format(n=round(best))), shown
    # a number the street does not have: the street, and a note saying so
    page.fill("#addr", "via verdi 9999")
    hits = page.locator("#addr-list button").all_inner_texts()
    assert hits[0] == "Via Giuseppe Verdi · " + ui["house_missing"].format(n="9999"), hits
    page.press("#addr", "Enter")
    assert ui["from_street"].format(street="Via Giuseppe Verdi") in page.inner_text("#status")
    page.evaluate("document.getElementById('addr-wrap').scrollIntoView()")
    page.fill("#addr", f"via verdi {number}")
    shot(page, "trento_house_number")
    ctx.close()
