"""`capacitymetro run` for Bari (services not yet placed) and Venezia (islands), real data."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from html import escape as html_escape
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

pytestmark = pytest.mark.realdata
REPO = Path(__file__).resolve().parents[2]


def _run(area: str, shared_data: Path, out: Path, lang: str = "en_GB.UTF-8"):
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    env["LANG"] = lang  # the language of the summary
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "capacitymetro_plugin",
            "run",
            "--area",
            area,
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
    )


def test_bari_runs_and_says_services_must_be_placed(shared_data, tmp_path):
    import rasterio

    out = tmp_path / "bari"
    result = _run("bari", shared_data, out)
    # 3 of the 14 services are placed from bus-stop names ([registry] gazetteer): every step
    # runs; the 11 others are named as still to place on the map
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[skipped]" not in result.stdout and "Traceback" not in result.stderr
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert summary["services_in_area"] == "14" and summary["services_with_coordinates"] == "3"
    assert summary["services_geocoded_from_stops"] == "3"
    assert summary["step_isochrones"] == "done" and summary["step_coverage"] == "done"
    assert summary["step_network"] == "done" and summary["step_population"] == "done"
    html = (out / "summary.html").read_text()
    assert "11 services of the area have no coordinates yet" in html
    assert "3 services placed from bus-stop names (approximate" in html
    istat = pd.read_csv(
        shared_data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype={"com_istat_code": str}
    )
    bari = istat.loc[istat["com_istat_code"] == "072006", "pop_total"].iloc[0]
    with rasterio.open(out / "population_grid.tif") as src:
        assert src.read(1).astype(float).sum() == pytest.approx(bari, abs=0.5)
    assert (out / "maps" / "coverage_gaps.pdf").stat().st_size > 10_000


def test_venezia_islands_coverage(shared_data, tmp_path):
    out = tmp_path / "venezia"
    result = _run("venezia", shared_data, out)
    assert result.returncode == 0, result.stdout + result.stderr
    islands = gpd.read_file(
        shared_data / "venezia_isole_popolazione_2011_vpc.gpkg", layer="isole_centro_storico"
    )
    services = gpd.read_file(out / "capacitymetro.gpkg", layer="services")
    # only verified services are analysed: the 2009 OSM POIs (churches, the Frari...) enter the
    # registry as candidates to verify (tests/realdata/test_venezia_verified_only.py); the one
    # geolocated migrant service is the Ospedale Civile's help desk
    assert len(services) == 1 and set(services["status"]) == {"active"}
    assert services.iloc[0]["sectors"].split(";")[0] == "health"
    table = pd.read_csv(out / "coverage.csv")
    total = table[(table["sector"] == "all") & (table["area"] == "ALL")].iloc[0]
    assert total["pop_total"] == pytest.approx(islands["sum_pop_11"].sum(), abs=1)  # 60,746
    assert 0 < total["foreign_served_pct"] <= 100
    health = table[(table["sector"] == "health") & (table["area"] == "ALL")].iloc[0]
    assert health["foreign_served_pct"] <= total["foreign_served_pct"]  # fewer services
    assert {p.name for p in (out / "maps").glob("*.pdf")} >= {
        "services_isochrones.pdf",
        "coverage_zones.pdf",
    }
    # Islands: the Giudecca (and eastern Castello) are parts of their own, and the one verified
    # service (Ospedale Civile, in the main part) is reachable from neither. The summary names them.
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert summary["network_parts"] == "4" and summary["population_cells_off_network"] == "35"
    assert summary["parts_without_service_all"] == "2"
    assert summary["parts_without_service_health"] == "2"
    parts = pd.read_csv(out / "parts_without_service.csv")
    assert sorted(parts["sector"]) == ["all", "all", "health", "health"]
    giudecca = parts[
        parts["name"].str.startswith("Zittelle, Sacca Fisola") & (parts["sector"] == "all")
    ].iloc[0]
    assert giudecca["residents"] == 6148
    html = (out / "summary.html").read_text()
    assert "Parts of the network with residents but no reachable service" in html
    assert html_escape(giudecca["text_en"]) in html
    assert giudecca["text_en"].endswith(": 6,148 residents, no service reachable on foot")
    _assert_water_buses(out, shared_data, table)


MAP_BOX_MM = (10, 27, 200, 173)  # the map frame of the A4 landscape layout (maps/layout.py)


def _colour_pixels(png: Path, hex_colour: str, box_mm=MAP_BOX_MM, dpi: int = 50, tol: int = 30):
    """Pixels within ``tol`` (sum of |dRGB|) of ``hex_colour`` inside the map frame."""
    import numpy as np
    from PIL import Image

    x0, y0, w, h = (round(v / 25.4 * dpi) for v in box_mm)
    rgb = np.asarray(Image.open(png).convert("RGB"), dtype=int)[
        y0 + 2 : y0 + h - 2, x0 + 2 : x0 + w - 2
    ]
    ref = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - ref).sum(axis=2) <= tol).sum())


def _assert_water_buses(out: Path, shared_data: Path, coverage: pd.DataFrame) -> None:
    """[transit] with water buses: the ferry layers, the walk column and the printed map."""
    import pyogrio

    gpkg = out / "capacitymetro.gpkg"
    lines = gpd.read_file(gpkg, layer="ferry_lines")
    piers = gpd.read_file(gpkg, layer="ferry_piers")
    # oracle: GDAL's OSM driver, not our osmium reader (as in test_transit_ferries.py)
    osm = pyogrio.read_dataframe(
        shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf", layer="lines"
    )
    ferry_ids = set(osm.loc[osm["other_tags"].str.contains('"route"=>"ferry"', na=False), "osm_id"])
    assert len(ferry_ids) == 17 and set(lines["osm_id"].astype(str)) == ferry_ids
    assert (lines["headway_min"][~lines["crossing"].astype(bool)] == 20).all()
    stops = gpd.read_file(shared_data / "venezia_fermate_vaporetto_2018.geojson")
    served = piers[piers["kind"] == "pier"]
    assert len(served) == 33 and (piers["lines"] >= 1).all()
    names = set(stops["name"])
    assert set(served["name"]) <= names  # every pier drawn is one of the 2018 piers
    # the walk-only minutes equal the coverage step's: foreign residents within 20 min on foot
    times = gpd.read_file(gpkg, layer="transit_times")
    cells = gpd.read_file(gpkg, layer="e2sfca")
    on_foot = cells["foreign"][times["all_walk"] <= 20].sum()
    total = coverage[(coverage["sector"] == "all") & (coverage["area"] == "ALL")].iloc[0]
    assert on_foot == pytest.approx(total["foreign_within_20"], abs=1)  # 2,657
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    # with a boat every 20 min, the median adds no one at 10 min: transit = foot, and no bus feed
    assert summary["served_pct_transit_all"] == summary["served_pct_all"]
    pdf = out / "maps" / "transit_added.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "What the water buses add: foreign residents within 20 min" in flat
    assert "no one more within 10 min (the standard) at the median: map at 20 min" in flat
    assert f"within 20 min on foot: {round(on_foot):,}" in flat
    assert "within 20 min only by water bus (median departure): 0" in flat
    assert "only with a boat at the pier (p5), not at the median: 41" in flat
    assert "median (p50) of the departures 08:00-09:00 on 2025-11-19" in flat
    flat = unicodedata.normalize("NFKC", flat)  # the PDF's "ﬁ" ligatures
    assert "Water buses: OSM route=ferry ways (2009 test fixture, ODbL) and piers 2018" in flat
    assert "a boat every 20 min: an ESTIMATE, no timetable" in flat
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(out / "ta")], check=True)
    png = out / "ta-1.png"
    assert _colour_pixels(png, "#fdb863") > 20  # only with a boat at the pier
    assert _colour_pixels(png, "#9ecae1") > 500  # on foot
    assert _colour_pixels(png, "#08306b", tol=60) > 200  # the ferry lines
    assert _colour_pixels(png, "#d95f02") == 0  # only by water bus at the median: none


def test_venezia_language_access_from_the_citizenship_table(shared_data, tmp_path):
    """No geolocated Venice service states its languages: every known group is unserved.
    (Run in Italian: the summary names the islands without any service in Italian.)"""
    out = tmp_path / "venezia"
    result = _run("venezia", shared_data, out, lang="it_IT.UTF-8")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (out / "summary.html").read_text()
    assert "Parti della rete con residenti ma nessun servizio raggiungibile" in html
    assert html_escape("6.148 residenti, nessun servizio raggiungibile a piedi") in html
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert summary["step_language"] == "done"
    assert float(summary["language_served_pct"]) == 0.0
    groups = pd.read_csv(out / "language_unserved_groups.csv")
    cit = pd.read_csv(shared_data / "stranieri_residenti_target_da_pagine_web.csv", dtype=str)
    venice = cit[(cit["istat_code"] == "027042") & (cit["ref_date"] == "2018-12-31")]
    assert list(groups["citizenship"]) == list(venice["citizenship"])  # ranked by count
    cells = gpd.read_file(out / "capacitymetro.gpkg", layer="e2sfca")
    bangladesh = float(venice.iloc[0]["citizenship_count"]) / float(venice.iloc[0]["total_foreign"])
    # the CSV holds people as integers (rounded for people when written)
    assert groups.iloc[0]["unserved"] == round(bangladesh * cells["foreign"].sum())
    # the map of the water buses in Italian
    text = subprocess.run(
        ["pdftotext", str(out / "maps" / "transit_added.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert "Cosa aggiungono i vaporetti: stranieri residenti entro 20 minuti" in flat
    assert "entro 20 min solo in vaporetto (partenza mediana): 0" in flat
    assert "una barca ogni 20 min: STIMA, senza orario" in unicodedata.normalize("NFKC", flat)


def test_bari_after_placing_services_runs_coverage(shared_data, tmp_path):
    """The Bari workflow: place services in the registry, then run with `registry = ...`."""
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.core.registry.sample import build_sample_registry

    registry_path = tmp_path / "bari_registry.gpkg"
    build_sample_registry(shared_data, registry_path)
    registry = Registry(registry_path)
    bari = [s for s in registry.services() if s.comune_istat == "072006"]
    assert len(bari) == 14 and all(s.lon is None for s in bari)
    # place three of them at real AMTAB stops in the city (as a user would click on the map)
    stops = gpd.read_file(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    spots = stops.iloc[[0, 300, 600]].geometry
    for service, point in zip(bari[:3], spots, strict=True):
        registry.update_service(service.service_id, lon=point.x, lat=point.y)
    text = (REPO / "config" / "bari.toml").read_text()
    text = text.replace(
        'services_csv = "servizi_migranti_da_pagine_web.csv"', f'registry = "{registry_path}"'
    )
    config = tmp_path / "bari_placed.toml"
    config.write_text(text)
    env = dict(os.environ, CAPACITYMETRO_DATA=str(shared_data), QT_QPA_PLATFORM="offscreen")
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "capacitymetro_plugin",
            "run",
            "--config",
            str(config),
            "--out",
            str(out),
            "--progress",
            "--no-pdf",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert summary["services_with_coordinates"] == "3"
    assert summary["step_coverage"] == "done" and summary["step_isochrones"] == "done"
    assert 0 < float(summary["served_pct_all"]) < 100
    assert "coverage" in result.stderr and "100%" in result.stderr  # tqdm bars, one per step
