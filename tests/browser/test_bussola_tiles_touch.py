"""The bussola in headless Chromium with a publisher's tile service and with fingers.

- Tiles: the Trento site exported with ``tile_url`` pointing at a tile server started here (it
  records what it is asked for). The tiles asked are checked against web-Mercator tile numbers
  computed independently with pyproj (EPSG:3857): the tile under every service on the map is
  asked, no tile lies outside the view, zooming in asks the next zoom level, the attribution is
  shown, nothing is fetched from any other host, and offline no tile is drawn (the offline
  background is).
- Touch: two fingers spreading apart (Chrome DevTools touch events, as a phone sends them) zoom
  the map by the ratio of the fingers' distances without zooming the page; one finger pans.
"""

from __future__ import annotations

import base64
import http.server
import math
import threading
from urllib.parse import urlparse

import pytest
from browser_helpers import serve

from capacitymetro_plugin.core.bussola import publish, site_data
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry

# a 1×1 magenta PNG (the browser stretches it over the tile)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)
HALF = 20037508.342789244  # half the web-Mercator world, metres


class _Tiles(http.server.BaseHTTPRequestHandler):
    asked: list[tuple[int, int, int]] = []

    def do_GET(self):  # noqa: N802
        parts = self.path.strip("/").removesuffix(".png").split("/")
        type(self).asked.append(tuple(int(p) for p in parts[-3:]))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tile_server():
    handler = type("Tiles", (_Tiles,), {"asked": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd, handler
    httpd.shutdown()


@pytest.fixture(scope="module")
def tiled_site(tmp_path_factory, shared_data, tile_server, sites):
    from capacitymetro_plugin.batch.config import config_for_area

    httpd, _ = tile_server
    net = sites["trento"][2]  # the walking network the other browser tests' Trento site has
    root = tmp_path_factory.mktemp("tiles")
    build_sample_registry(shared_data, root / "registry.gpkg")
    reg = Registry.open(root / "registry.gpkg")
    url = f"http://127.0.0.1:{httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    res = publish(
        reg,
        root / "bussola",
        title="Trento",
        comuni=["022205"],
        tile_url=url,
        tile_attribution="© Test tiles",
        network=net,
        osm_file=shared_data / config_for_area("trento").network_file,
    )
    data = site_data(reg, title="Trento", comuni=["022205"])
    site = serve(res.folder)
    yield f"http://127.0.0.1:{site.server_address[1]}/index.html", data
    site.shutdown()


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    size = 2 * HALF / 2**z
    return math.floor((x + HALF) / size), math.floor((HALF - y) / size)


def _tile_bounds(x: int, y: int, z: int) -> tuple[float, float, float, float]:
    """west, south, east, north in degrees of tile z/x/y (pyproj, not the site's formula)."""
    from pyproj import Transformer

    size = 2 * HALF / 2**z
    to = Transformer.from_crs(3857, 4326, always_xy=True)
    w, n = to.transform(-HALF + x * size, HALF - y * size)
    e, s = to.transform(-HALF + (x + 1) * size, HALF - (y + 1) * size)
    return w, s, e, n


def _view_lonlat(page) -> tuple[float, float, float, float]:
    """The map's visible box in degrees (west, south, east, north), from its viewBox and size."""
    vb = [float(v) for v in page.get_attribute("#map", "viewBox").split()]
    box = page.locator("#map").bounding_box()
    scale = min(box["width"] / vb[2], box["height"] / vb[3])
    cx, cy = vb[0] + vb[2] / 2, vb[1] + vb[3] / 2
    hw, hh = box["width"] / scale / 2, box["height"] / scale / 2

    def lat(y):  # the site's y is -(Mercator degrees)
        return math.degrees(2 * math.atan(math.exp(math.radians(-y))) - math.pi / 2)

    return cx - hw, lat(cy + hh), cx + hw, lat(cy - hh)


def _tiles_near_native_size(page, z: int) -> None:
    """The zoom level is the one whose 256-px tiles appear between 181 and 362 px wide."""
    w, _, e, _ = _tile_bounds(0, 0, z)
    west, _, east, _ = _view_lonlat(page)
    px = (e - w) / (east - west) * page.locator("#map").bounding_box()["width"]
    assert 256 / math.sqrt(2) - 1 <= px <= 256 * math.sqrt(2) + 1, (z, px)


def test_tiles_asked_are_the_views_tiles(browser, tiled_site, tile_server):
    url, data = tiled_site
    _, handler = tile_server
    handler.asked.clear()
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    hosts = set()
    ctx.on("request", lambda r: hosts.add(urlparse(r.url).netloc))
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("#map g.tiles image")
    page.wait_for_timeout(300)
    asked = sorted(set(handler.asked))
    zooms = {z for z, _, _ in asked}
    assert len(zooms) == 1, asked
    z = zooms.pop()
    assert 10 <= z <= 16, z  # a city-sized view
    drawn = page.locator("#map g.tiles image").count()
    assert drawn == len(asked)
    west, south, east, north = _view_lonlat(page)
    placed = [s for s in data["services"] if s.get("lon") is not None]
    inside = [s for s in placed if west <= s["lon"] <= east and south <= s["lat"] <= north]
    assert len(inside) >= 5
    for s in inside:  # the tile under every service on the map is asked
        assert (z, *_tile_of(s["lon"], s["lat"], z)) in asked, s["name"]
    for _, x, y in asked:  # and no tile lies wholly outside the view
        w, s_, e, n = _tile_bounds(x, y, z)
        assert w < east and e > west and s_ < north and n > south, (x, y)
    credits = page.locator("#attribution").inner_text()
    assert "© Test tiles" in credits
    _tiles_near_native_size(page, z)
    handler.asked.clear()
    page.click("#zoom-in")
    page.click("#zoom-in")  # ×2.25
    page.wait_for_timeout(300)
    z2 = max(z for z, _, _ in handler.asked)  # each click draws its own level
    assert z2 > z
    hrefs = page.eval_on_selector_all(
        "#map g.tiles image", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs and all(f"/{z2}/" in h for h in hrefs)  # only the current level is drawn
    _tiles_near_native_size(page, z2)
    site_host = urlparse(url).netloc
    tile_host = f"127.0.0.1:{tile_server[0].server_address[1]}"
    assert hosts <= {site_host, tile_host}, hosts  # no code or data from anywhere else
    ctx.close()


def test_offline_draws_no_tiles_but_the_background(browser, tiled_site, tile_server):
    url, _ = tiled_site
    _, handler = tile_server
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB")
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("#map g.tiles image")
    page.evaluate("navigator.serviceWorker && navigator.serviceWorker.ready")
    page.wait_for_timeout(500)
    handler.asked.clear()
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("#map circle.pt")
    assert page.locator("#map g.tiles image").count() == 0
    assert handler.asked == []
    assert page.locator("#map path").count() > 0  # the offline background's streets
    credits = page.locator("#attribution").inner_text()
    assert "© Test tiles" not in credits
    ctx.close()


def _touch(cdp, kind: str, points: list[tuple[float, float]]):
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)],
        },
    )


def test_two_fingers_zoom_one_finger_pans(browser, site_url):
    ctx = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="en-GB", has_touch=True, is_mobile=True
    )
    page = ctx.new_page()
    page.goto(site_url("trento", "http"))
    page.wait_for_selector("#map circle.pt")
    page.locator("#map").scroll_into_view_if_needed()
    cdp = ctx.new_cdp_session(page)
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def vb():
        return [float(v) for v in page.get_attribute("#map", "viewBox").split()]

    home = vb()
    _touch(cdp, "touchStart", [(cx - 30, cy), (cx + 30, cy)])
    _touch(cdp, "touchMove", [(cx - 40, cy), (cx + 30, cy)])  # fingers 70 px apart
    _touch(cdp, "touchMove", [(cx - 75, cy), (cx + 65, cy)])  # 140 px: twice as far
    _touch(cdp, "touchEnd", [])
    page.wait_for_timeout(100)
    zoomed = vb()
    assert zoomed[2] == pytest.approx(home[2] / 2, rel=1e-3)
    assert zoomed[3] == pytest.approx(home[3] / 2, rel=1e-3)
    assert page.evaluate("window.visualViewport.scale") == pytest.approx(1.0)  # not the page
    # one finger drags the map 50 px right: the view's left edge moves 50 px of map units left
    scale = min(box["width"] / zoomed[2], box["height"] / zoomed[3])
    _touch(cdp, "touchStart", [(cx, cy)])
    for dx in (10, 20, 30, 40, 50):
        _touch(cdp, "touchMove", [(cx + dx, cy)])
    _touch(cdp, "touchEnd", [])
    page.wait_for_timeout(100)
    panned = vb()
    assert panned[0] == pytest.approx(zoomed[0] - 50 / scale, rel=1e-3)
    assert panned[2] == pytest.approx(zoomed[2])
    ctx.close()
