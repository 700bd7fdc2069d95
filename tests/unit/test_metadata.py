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
