"""One result whichever door: the Trento and Bari analyses through the CLI, Processing and
qgis_process.

The CLI (``python -m capacitymetro_plugin run``) runs first; its output folder
holds every input a QGIS user of the sample project picks in the dialogs: the prepared network,
the registry (the dialog's default services layer, with services without a location), the
population zones and residential streets the grid was spread from, and the comuni. The same
analysis through ``processing.run`` and through ``qgis_process`` must give the CLI's numbers:
coverage per comune (served %, foreign residents within each threshold, unserved, median),
the ranked gap areas, and the E2SFCA value of every cell.

Trento is the sample as shipped (OSM network, 8 located services). Bari's 14 services have no
coordinates yet (README, step 2): here they are placed on 14 real AMTAB bus stops, spread over
the city, as stand-ins, and the CLI runs on that registry (``[registry] registry = ...``) with
the Comune's own street graph (not OSM) as network and grid weights.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
THRESHOLDS = (5, 10, 15, 20, 30)  # config/trento.toml
STANDARD = 15
COVERAGE_FIELDS = [
    "pop_total",
    "foreign",
    *[f"foreign_within_{t}" for t in THRESHOLDS],
    *[f"pop_total_within_{t}" for t in THRESHOLDS],
    "foreign_served_pct",
    "foreign_unserved",
    "foreign_median_min",
    "pop_total_served_pct",
]
E2SFCA_FIELDS = ["pop_total", "foreign", "minutes_nearest", "access", "foreign_share"]


AREAS = {  # comune code, services of the registry without a location
    "trento": ("022205", 50),
    "bari": ("072006", 36),
}


def _run_cli(args: list[str], shared_data: Path) -> None:
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "run", *args, "--no-pdf"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _bari_registry(shared_data: Path, folder: Path) -> Path:
    """The sample registry with Bari's 14 services placed on 14 bus stops, with stand-in
    languages (stand-ins: the real ones have neither)."""
    from capacitymetro_plugin.core import gio

    # only to build the sample registry: coverage cannot run yet (no service placed)
    _run_cli(["--area", "bari", "--out", str(folder / "first"), "--keep-going"], shared_data)
    registry = folder / "bari_registry.gpkg"
    shutil.copy(folder / "first" / "registry.gpkg", registry)
    services = gio.read_vector(registry, layer="services")
    bari = services.index[services["comune_istat"].astype(str) == "072006"]
    stops = gpd.read_file(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    stops = stops.sort_values("stop_id").reset_index(drop=True).to_crs(4326)
    picked = stops.geometry.iloc[[i * len(stops) // len(bari) for i in range(len(bari))]]
    geometry = services.geometry.copy()
    geometry.loc[bari] = picked.to_numpy()
    # stand-in languages too (the web pages name none), so language access has something to find
    spoken = ["it;en", "it;ar", "it;fr", "it;sq", "it;en;ar", "it;es", "it;ru"]
    services.loc[bari, "languages"] = [spoken[i % len(spoken)] for i in range(len(bari))]
    gio.write_vector(services.set_geometry(geometry), registry, layer="services")
    return registry


@pytest.fixture(scope="module")
def cli_run(request, shared_data, tmp_path_factory) -> tuple[str, Path]:
    """Run the CLI for the area; return (area, output folder). The registry used is
    ``registry.gpkg`` of the output folder (the sample) or ``../bari_registry.gpkg``."""
    area = request.param
    folder = tmp_path_factory.mktemp(f"doors_{area}")
    out = folder / area
    if area == "bari":
        text = (REPO / "config" / "bari.toml").read_text(encoding="utf-8")
        registry = _bari_registry(shared_data, folder)
        text = re.sub(r"(?m)^services_csv = .*$", f'registry = "{registry}"', text)
        assert f'registry = "{registry}"' in text
        config = folder / "bari.toml"
        config.write_text(text, encoding="utf-8")
        _run_cli(["--config", str(config), "--out", str(out)], shared_data)
    else:
        _run_cli(["--area", area, "--out", str(out)], shared_data)
    return area, out


BOTH = pytest.mark.parametrize("cli_run", sorted(AREAS), indirect=True)


def _registry(out: Path) -> Path:
    own = out.parent / "bari_registry.gpkg"
    return own if own.exists() else out / "registry.gpkg"


def _inputs(out: Path, sector: str = "all") -> dict[str, str]:
    gpkg = out / "capacitymetro.gpkg"
    return {
        "NETWORK": str(out / "network_walk.npz"),
        "STREETS": f"{gpkg}|layername=population_streets",
        "POPULATION": f"{gpkg}|layername=population_zones",
        "POP_FIELD": "pop_total",
        "FOREIGN_FIELD": "foreign",
        "SERVICES": f"{_registry(out)}|layername=services",
        "SECTOR": "" if sector == "all" else sector,
    }


def _coverage_params(out: Path, dest: Path, sector: str = "all") -> dict[str, str]:
    return {
        **_inputs(out, sector),
        "AREAS": f"{out / 'capacitymetro.gpkg'}|layername=comuni",
        "AREA_FIELD": "com_istat_code",
        "THRESHOLDS": ",".join(map(str, THRESHOLDS)),
        "THRESHOLD": str(STANDARD),
        "ID_FIELD": "service_id",
        "OUTPUT": str(dest / f"coverage_{sector}.gpkg"),
        "GAPS": str(dest / f"gaps_{sector}.gpkg"),
    }


def _e2sfca_params(out: Path, dest: Path) -> dict[str, str]:
    return {**_inputs(out), "CAPACITY_FIELD": "capacity", "OUTPUT": str(dest / "e2sfca.gpkg")}


def _cli_layer(out: Path, layer: str, sector: str | None = None) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(out / "capacitymetro.gpkg", layer=layer, engine="fiona")
    return gdf[gdf["sector"] == sector].reset_index(drop=True) if sector else gdf


def _assert_same_coverage(area: str, out: Path, dest: Path, sector: str) -> None:
    code = AREAS[area][0]
    cli = _cli_layer(out, "coverage_zones", sector).set_index("zone")
    door = gpd.read_file(dest / f"coverage_{sector}.gpkg", engine="fiona")
    door = door.set_index("com_istat_code")
    assert list(door.index) == list(cli.index) == [code]
    assert 5 < cli.loc[code, "foreign_served_pct"] < 95  # neither nobody nor everybody
    for field in COVERAGE_FIELDS:
        want = pytest.approx(cli.loc[code, field], rel=1e-9, nan_ok=True)  # NaN: none in reach
        got = door.loc[code, field]  # a NULL reads as None or NaN, by fiona/GDAL version
        assert (np.nan if got is None else got) == want, field
    cli_gaps = _cli_layer(out, "gaps", sector)
    gaps = gpd.read_file(dest / f"gaps_{sector}.gpkg", engine="fiona")
    assert len(gaps) == len(cli_gaps) > 0
    assert gaps["rank"].tolist() == cli_gaps["rank"].tolist()
    for field in ("foreign_unserved", "pop_total", "cells", "area_km2"):
        assert np.allclose(gaps[field], cli_gaps[field], rtol=1e-9), field


def _assert_same_e2sfca(out: Path, path: Path) -> None:
    cli = _cli_layer(out, "e2sfca")
    door = gpd.read_file(path, engine="fiona")
    both = cli.merge(door, on=["row", "col"], suffixes=("_cli", "_door"), validate="1:1")
    assert len(both) == len(cli) == len(door) > 3000
    for field in E2SFCA_FIELDS:
        a, b = both[f"{field}_cli"].to_numpy(float), both[f"{field}_door"].to_numpy(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), field
        assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-9, atol=0), field
    for field in ("access_quintile", "bivariate_code"):
        assert (both[f"{field}_cli"] == both[f"{field}_door"]).all(), field


@pytest.mark.parametrize("cli_run", ["trento"], indirect=True)
def test_cli_numbers_are_the_known_ones(cli_run):
    """The reference itself: Trento, walking, 15 min (docs/population.md, docs/cli.md)."""
    _, out = cli_run
    cov = pd.read_csv(out / "coverage.csv", dtype={"area": str})
    row = cov[(cov["sector"] == "all") & (cov["area"] == "ALL")].iloc[0]
    assert row["foreign_served_pct"] == pytest.approx(35.4, abs=0.05)
    assert row["foreign"] == pytest.approx(9974, abs=1)


@BOTH
@pytest.mark.parametrize("sector", ["all", "documents_legal"])
def test_processing_gives_the_cli_coverage(processing_provider, cli_run, tmp_path, sector):
    import processing

    area, out = cli_run
    res = processing.run("capacitymetro:coveragepercomune", _coverage_params(out, tmp_path, sector))
    # the dialog's default services layer is the registry: its unplaced services are skipped
    assert res["SKIPPED"] == AREAS[area][1]
    _assert_same_coverage(area, out, tmp_path, sector)


@BOTH
def test_processing_gives_the_cli_e2sfca(processing_provider, cli_run, tmp_path):
    import processing

    _, out = cli_run
    res = processing.run("capacitymetro:e2sfca", _e2sfca_params(out, tmp_path))
    _assert_same_e2sfca(out, Path(res["OUTPUT"]))


@BOTH
def test_qgis_process_gives_the_cli_numbers(qgis_process, cli_run, tmp_path):
    area, out = cli_run
    for alg, params in (
        ("coveragepercomune", _coverage_params(out, tmp_path)),
        ("e2sfca", _e2sfca_params(out, tmp_path)),
    ):
        args = [f"{k}={v}" for k, v in params.items() if v != ""]
        res = qgis_process("run", f"capacitymetro:{alg}", "--", *args)
        assert res.returncode == 0, res.stdout + res.stderr
    _assert_same_coverage(area, out, tmp_path, "all")
    _assert_same_e2sfca(out, tmp_path / "e2sfca.gpkg")


def _language_params(out: Path, dest: Path, data: Path) -> dict[str, str]:
    params = {k: v for k, v in _inputs(out).items() if k != "SECTOR"}
    return {
        **params,
        "AREA_FIELD": "com_istat_code",
        "CITIZENSHIP": str(data / "stranieri_residenti_target_da_pagine_web.csv"),
        "LANGUAGE_FIELD": "languages",
        "THRESHOLD": str(STANDARD),
        "OUTPUT": str(dest / "language.gpkg"),
        "GROUPS": str(dest / "language_groups.csv"),
    }


def _assert_same_language(out: Path, dest: Path) -> None:
    summary = pd.read_csv(out / "summary.csv", header=None, index_col=0)[1]
    door = gpd.read_file(dest / "language.gpkg", engine="fiona").set_index("com_istat_code")
    row = door.loc["072006"]
    pct = 100 * row["served"] / (row["served"] + row["unserved"])
    assert 0 < pct < 100
    assert round(pct, 1) == pytest.approx(float(summary["language_served_pct"]))
    cli = pd.read_csv(out / "language_unserved_groups.csv").set_index("citizenship")
    got = pd.read_csv(dest / "language_groups.csv").set_index("citizenship")
    assert sorted(cli.index) == sorted(got.index) and len(cli) > 3
    # the CLI writes people rounded to whole persons (report.write_csv)
    assert np.allclose(got.loc[cli.index, "unserved"], cli["unserved"], rtol=0, atol=0.5)


@pytest.mark.parametrize("cli_run", ["bari"], indirect=True)
def test_language_access_is_one_method_across_doors(
    processing_provider, qgis_process, cli_run, shared_data, tmp_path
):
    """Bari (its top 15 citizenships, 31 Dec 2023): Processing and qgis_process give the CLI's
    share served and its unserved groups, cell by cell with the comune's mix."""
    import processing

    _, out = cli_run
    (tmp_path / "p").mkdir()
    (tmp_path / "q").mkdir()
    processing.run(
        "capacitymetro:languageaccess", _language_params(out, tmp_path / "p", shared_data)
    )
    _assert_same_language(out, tmp_path / "p")
    args = [
        f"{k}={v}" for k, v in _language_params(out, tmp_path / "q", shared_data).items() if v != ""
    ]
    res = qgis_process("run", "capacitymetro:languageaccess", "--", *args)
    assert res.returncode == 0, res.stdout + res.stderr
    _assert_same_language(out, tmp_path / "q")


@pytest.mark.parametrize("cli_run", ["trento"], indirect=True)
def test_processing_with_only_the_layers_gives_the_cli_coverage(
    processing_provider, cli_run, tmp_path
):
    """The defaults fill in what a user leaves out, on every QGIS version (before 3.26
    processing.run refused a missing field parameter even with a default)."""
    import processing

    _, out = cli_run
    gpkg = out / "capacitymetro.gpkg"
    res = processing.run(
        "capacitymetro:coveragepercomune",
        {
            "NETWORK": str(out / "network_walk.npz"),
            "STREETS": f"{gpkg}|layername=population_streets",
            "POPULATION": f"{gpkg}|layername=population_zones",
            "SERVICES": f"{_registry(out)}|layername=services",
            "AREAS": f"{gpkg}|layername=comuni",
            "OUTPUT": str(tmp_path / "coverage_all.gpkg"),
            "GAPS": str(tmp_path / "gaps_all.gpkg"),
        },
    )
    assert res["SKIPPED"] == AREAS["trento"][1]
    _assert_same_coverage("trento", out, tmp_path, "all")


def _long_algorithms(out: Path, dest: Path) -> dict[str, dict[str, str]]:
    gpkg = out / "capacitymetro.gpkg"
    services = f"{_registry(out)}|layername=services"
    return {
        "coveragepercomune": _coverage_params(out, dest),
        "e2sfca": _e2sfca_params(out, dest),
        "serviceisochrones": {
            "NETWORK": str(out / "network_walk.npz"),
            "SERVICES": services,
            "OUTPUT": str(dest / "isochrones.gpkg"),
        },
        "territories": {
            "NETWORK": str(out / "network_walk.npz"),
            "SERVICES": services,
            "OUTPUT": str(dest / "territories.gpkg"),
        },
        "preparenetwork": {
            "STREETS": f"{gpkg}|layername=population_streets",
            "OUTPUT": str(dest / "network.npz"),
        },
    }


@pytest.mark.parametrize("cli_run", ["trento"], indirect=True)
@pytest.mark.parametrize(
    "alg", ["coveragepercomune", "e2sfca", "serviceisochrones", "territories", "preparenetwork"]
)
def test_cancel_stops_each_long_algorithm(processing_provider, cli_run, tmp_path, alg):
    """Cancel from the feedback (the dialog's Cancel button) as soon as progress first moves:
    the algorithm stops with an error, well before the end, and writes no output file."""
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    import processing

    class CancelAtFirstProgress(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.seen: list[float] = []
            self.connect_progress()

        def connect_progress(self):
            self.progressChanged.connect(self._moved)

        def _moved(self, value):
            self.seen.append(float(value))
            if value > 0 and not self.isCanceled():
                self.cancel()

    _, out = cli_run
    params = _long_algorithms(out, tmp_path)[alg]
    # the same run without cancel reports progress and writes its output
    full = QgsProcessingFeedback()
    steps: list[float] = []
    full.progressChanged.connect(lambda v: steps.append(float(v)))
    done = processing.run(f"capacitymetro:{alg}", params, feedback=full)
    assert steps and max(steps) >= 99, steps  # progress reaches the feedback
    for key in ("OUTPUT", "GAPS"):
        if key in params:
            assert Path(str(done[key]).split("|")[0]).exists(), key
            Path(str(done[key]).split("|")[0]).unlink()
    fb = CancelAtFirstProgress()
    with pytest.raises(QgsProcessingException):
        processing.run(f"capacitymetro:{alg}", params, feedback=fb)
    assert fb.isCanceled() and max(fb.seen) < 99, fb.seen  # stopped well before the end
    for key in ("OUTPUT", "GAPS"):
        if key in params:
            assert not Path(params[key]).exists(), f"{alg} left a partial {key}"
