"""What the check reports, what it installs, what it leaves to QGIS's own packages."""

from __future__ import annotations

import sys

import pytest

from capacitymetro_plugin import deps, deps_install

REQS = deps.load_requirements()


def _versions(**overrides):
    """A QGIS Python with every package at a good version, except ``overrides`` (None: absent)."""
    good = {r.name: r.min_version for r in REQS}
    good.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return lambda name: good.get(name)


def test_nothing_missing():
    report = deps.check(REQS, version_of=_versions())
    assert report.ok and not report.optional and not report.to_install


def test_missing_too_old_and_gdal_linked():
    report = deps.check(
        REQS, version_of=_versions(geopandas=None, jsonschema="4.10.3", shapely=None, osmnx=None)
    )
    assert not report.ok
    by_name = {p.requirement.name: p for p in report.required}
    assert set(by_name) == {"geopandas", "jsonschema", "shapely"}
    assert by_name["jsonschema"].installed == "4.10.3" and by_name["geopandas"].installed is None
    assert [p.requirement.name for p in report.optional] == ["osmnx"]
    # pip may install geopandas, jsonschema and osmnx; never shapely (GEOS-linked)
    assert [r.name for r in report.to_install] == ["geopandas", "jsonschema", "osmnx"]
    assert [p.requirement.name for p in report.needs_qgis_build] == ["shapely"]


def test_io_needs_one_of_fiona_and_pyogrio():
    assert deps.check(REQS, version_of=_versions(fiona=None)).ok
    assert deps.check(REQS, version_of=_versions(pyogrio=None)).ok
    report = deps.check(REQS, version_of=_versions(fiona=None, pyogrio="0.5"))
    (problem,) = report.required
    assert problem.names == "pyogrio / fiona" and not problem.pip_installable
    assert report.to_install == []


def test_summary_names_each_package_and_the_platform_fix():
    report = deps.check(REQS, version_of=_versions(geopandas=None, shapely=None, pyproj="3.0"))
    debian = deps.summary(report, platform="debian")
    assert "geopandas: not installed, needed >= 1.0" in debian
    assert "pyproj: 3.0 installed, too old, needed >= 3.3" in debian
    assert "Install (installs geopandas into your QGIS profile)" in debian
    assert "sudo apt install python3-shapely python3-pyproj" in debian
    windows = deps.summary(report, platform="osgeo4w")
    assert "OSGeo4W" in windows and "python3-shapely python3-pyproj" in windows
    assert "qgis.org" in deps.summary(report, platform="macos")
    italian = deps.summary(report, "it", platform="debian")
    assert "GeoDataFrame: ogni analisi" in italian  # the reason in the user's language


def test_import_error_message_names_the_package_and_fix():
    msg = deps.import_error_message(ModuleNotFoundError("No module named 'osmnx'", name="osmnx"))
    assert "'osmnx' (>= 2.0)" in msg and "OpenStreetMap" in msg and "Install it" in msg
    msg = deps.import_error_message(ImportError("x", name="rasterio.features"), platform="debian")
    assert "'rasterio'" in msg and "sudo apt install python3-rasterio" in msg


def test_installed_version_sees_real_and_blocked_modules(monkeypatch):
    import jsonschema  # noqa: F401 - installed in the dev venv

    assert deps.is_at_least(deps.installed_version("jsonschema"), "4.18")
    assert deps.installed_version("gdal")  # imported as osgeo
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # as a QGIS without it
    assert deps.installed_version("jsonschema") is None
    assert deps.installed_version("surely-not-a-package") is None


def test_constraints_pin_numpy_and_the_gdal_linked_packages_qgis_has():
    versions = {"numpy": "1.24.2", "shapely": "2.0.7", "pyproj": "3.4.1", "pandas": "1.5.3"}
    pins = deps_install.constraints(version_of=versions.get)
    assert pins == ["numpy==1.24.2", "pyproj==3.4.1", "shapely==2.0.7"]  # pandas may be upgraded
    versions["shapely"] = "0+unknown"  # Debian testing's build: no pin pip would trip over
    assert deps_install.constraints(version_of=versions.get) == ["numpy==1.24.2", "pyproj==3.4.1"]


def test_folders_go_on_sys_path_at_the_end_and_upgrades_first(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    folder = deps.deps_dir(tmp_path, (3, 11))
    assert folder == tmp_path / "python" / "capacitymetro_deps" / "deps-py3.11"
    assert deps.activate(folder) is False  # nothing installed yet: sys.path untouched
    (folder / "upgrades" / "jsonschema").mkdir(parents=True)
    assert deps.activate(folder)
    assert sys.path[-1] == str(folder) and sys.path[0] == str(folder / "upgrades")
    deps.activate(folder)
    assert sys.path.count(str(folder)) == 1  # a second plugin load adds nothing


def test_upgrades_holding_numpy_never_go_first(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    folder = tmp_path / "deps"
    (folder / "upgrades" / "numpy").mkdir(parents=True)
    assert deps.shadowing_packages(folder / "upgrades") == ["numpy"]
    deps.activate(folder)
    assert sys.path[0] != str(folder / "upgrades") and sys.path[-1] == str(folder / "upgrades")


def test_pip_config_is_read_from_its_files(tmp_path, monkeypatch):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nindex-url = https://mirror.example/simple\ncert = /x/ca.crt\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_CERT", raising=False)
    config = deps_install.pip_config()
    assert config["index-url"] == "https://mirror.example/simple" and config["cert"] == "/x/ca.crt"
    monkeypatch.setenv("PIP_INDEX_URL", "https://other.example/simple")
    assert deps_install.pip_config()["index-url"] == "https://other.example/simple"


@pytest.mark.parametrize("language", ["en", "it"])
def test_every_requirement_explains_itself(language):
    for r in REQS:
        assert r.why(language).endswith(".") or r.why(language).endswith(")")
