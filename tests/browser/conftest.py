"""Shared set-up of the browser tests: the exported Trento and Venezia sites, Debian's chromium
(Playwright, no browser download), a static server per site, and axe-core.

The sites are exported from the sample registry built from ../shared/data, with two protected
services planted in each (one hidden, one approximate). axe-core comes from the npm registry at
the version of tests/browser/package-lock.json, installed by scripts/setup.sh outside the
repository (``CAPACITYMETRO_AXE`` may point at another ``axe.min.js``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, HERE, PLANTED, serve

from capacitymetro_plugin.batch.config import config_for_area
from capacitymetro_plugin.core.bussola import publish, site_data
from capacitymetro_plugin.core.network import network_from_osm
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry


@pytest.fixture(scope="session")
def sites(tmp_path_factory, shared_data):
    """``{area: (PublishResult, site data, walking network)}`` for Trento and Venezia."""
    root = tmp_path_factory.mktemp("bussola")
    reg_path = root / "registry.gpkg"
    build_sample_registry(shared_data, reg_path)
    reg = Registry.open(reg_path)
    out = {}
    for area, (hidden, approx) in PLANTED.items():
        config = config_for_area(area)
        comune = config.comuni[0]
        reg.add_services(
            [
                Service(
                    name=f"Casa rifugio protetta {area}",
                    sectors=["anti_discrimination_trafficking"],
                    phone="+39 800 290 290",
                    location_privacy="hidden",
                    comune_istat=comune,
                    address="Via Protetta 1",
                    lon=hidden[0],
                    lat=hidden[1],
                ),
                Service(
                    name=f"Accoglienza riservata {area}",
                    sectors=["housing"],
                    location_privacy="approximate",
                    comune_istat=comune,
                    address="Vicolo Riservato 2",
                    lon=approx[0],
                    lat=approx[1],
                ),
            ]
        )
        net = network_from_osm(shared_data / config.network_file, mode="walk")
        res = publish(
            reg,
            root / area / "bussola",
            title=config.name,
            comuni=config.comuni,
            network=net,
            osm_file=shared_data / config.network_file,
        )
        assert res.walking_times
        data = site_data(reg, title=config.name, comuni=config.comuni)
        out[area] = (res, data, net)
    return out


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (scripts/setup.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def servers(sites):
    """``{area: url}``: one static http server per site, stopped at the end."""
    running = {area: serve(res.folder) for area, (res, _d, _n) in sites.items()}
    yield {a: f"http://127.0.0.1:{h.server_address[1]}/index.html" for a, h in running.items()}
    for h in running.values():
        h.shutdown()


@pytest.fixture(scope="session")
def site_url(sites, servers):
    """``site_url(area, how)``: the site's index.html from ``file://`` or from its server."""

    def url(area: str, how: str) -> str:
        if how == "http":
            return servers[area]
        return sites[area][0].folder.resolve().as_uri() + "/index.html"

    return url


def _axe_path() -> Path:
    env = os.environ.get("CAPACITYMETRO_AXE")
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "capacitymetro" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The text of axe.min.js, at the version the lock file pins. Missing: the test fails."""
    path = _axe_path()
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    want = lock["packages"]["node_modules/axe-core"]["version"]
    if not path.is_file():
        pytest.fail(
            f"axe-core not found at {path}: run scripts/setup.sh (it installs axe-core {want} "
            "from tests/browser/package-lock.json) or set CAPACITYMETRO_AXE to an axe.min.js."
        )
    text = path.read_text(encoding="utf-8")
    if f"axe v{want}" not in text[:300]:
        pytest.fail(f"{path} is not axe-core {want} (the lock file's): run scripts/setup.sh.")
    return text
