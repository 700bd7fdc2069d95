"""Offline geocoding from bus-stop names (core/registry/stops_gazetteer.py) on real feeds.

Bari's 14 services have addresses but no coordinates, its street graph has no names and
Nominatim needs internet: AMTAB's stop names are the only gazetteer. Mestre's services are the
same case with ACTV's feed. Independent checks: a placed service lies inside its comune
(ISTAT boundary), near Bari's real street graph (the Stradario, which the matching never read),
and the stops it was placed from carry the distinctive word of its street.
"""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from capacitymetro_plugin.core.registry.addresses import parse_address, split_street
from capacitymetro_plugin.core.registry.geocode import geocode_registry, geocode_services
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import sample_services
from capacitymetro_plugin.core.registry.stops_gazetteer import (
    SOURCE_STOPS,
    geocode_with_stops,
    index_from_stops,
    street_runs,
)

AMTAB = "amtab_bari_gtfs_stops_lines_2022.gpkg"
ACTV = "gtfs_actv_automobilistico_20251117-20251223.zip"


def _comune(shared_data, code):
    com = gpd.read_file(shared_data / "istat_comuni_target_2023.gpkg", layer="comuni")
    return com[com["com_istat_code"] == code].to_crs(4326).geometry.union_all()


@pytest.fixture(scope="module")
def services(shared_data):
    return sample_services(shared_data)[0]


def test_stop_names_split_into_streets():
    assert ("Vittorio Emanuele", "41") in street_runs("Vittorio Emanuele 41")
    assert {r for r, _ in street_runs("Toscanini-Suglia")} == {"Toscanini", "Suglia"}
    runs = {r for r, _ in street_runs("Ca' Marcello Cappuccina")}
    assert {"Ca' Marcello", "Cappuccina"} <= runs
    assert {r for r, _ in street_runs("Palazzo del Cinema")} == {"Palazzo del Cinema"}  # a place


def test_bari_from_amtab_stop_names(services, shared_data):
    bari = [s for s in services if s.comune_istat == "072006"]
    assert len(bari) == 14 and all(s.lon is None for s in bari)
    comune = _comune(shared_data, "072006")
    index = index_from_stops(shared_data / AMTAB, layer="stops", within=comune)
    report = geocode_services(bari, stops=index)
    matched = [r for r in report.rows if r.status == "matched"]
    # Casa delle Culture (x2, via Barisano da Trani: stops "Barisano ...") and Porta Futuro (via
    # Crisanzio); "via Manzoni" only has a stop "Mazzoni": refused, not guessed
    assert sorted(r.name.split(" - ")[0] for r in matched) == [
        "Casa delle Culture",
        "Porta Futuro Bari",
        "Sportello c/o Casa delle Culture (emergenza Ucraina)",
    ]
    manzoni = next(r for r in report.rows if "Terra Nostra" in r.name)
    assert manzoni.status == "unmatched" and "Mazzoni" in manzoni.result.reason
    streets = gpd.read_file(shared_data / "bari_stradario_grafo_2026.gpkg", layer="edges")
    stops = gpd.read_file(shared_data / AMTAB, layer="stops").to_crs(32633)
    for r in matched:
        p = shapely.Point(r.result.lon, r.result.lat)
        assert comune.contains(p)
        metric = gpd.GeoSeries([p], crs=4326).to_crs(32633).iloc[0]
        assert streets.distance(metric).min() < 50  # on Bari's real street graph
        word = max(split_street(parse_address(r.address).street).tokens, key=len)
        near = stops[stops.distance(metric) < 600]["stop_name"].str.lower()
        assert near.str.contains(word[:6]).any(), (r.name, word)
        assert r.result.source == SOURCE_STOPS and r.result.score < 0.95
    # the four with no street at all, and the rest, need a click (said why)
    assert len(report.needs_a_click()) == 11
    assert all(r.result.reason for r in report.needs_a_click())
    # streets whose stops spread too far are refused in the words of stops, not of OSM
    spread = [r.result for r in report.needs_a_click() if "spread over" in r.result.reason]
    assert spread and all("has stops spread over" in r.reason for r in spread)
    assert all("OSM" not in r.result.reason + r.result.reason_it for r in report.needs_a_click())
    assert all("fermate sparse" in r.reason_it for r in spread)


def test_mestre_from_actv_stop_names(services, shared_data):
    venezia = [s for s in services if s.comune_istat == "027042"]
    comune = _comune(shared_data, "027042")
    index = index_from_stops(shared_data / ACTV, within=comune)
    got = {
        s.address: geocode_with_stops(parse_address(s.address, comune=s.comune_name), index)
        for s in venezia
        if s.address
    }
    found = {a for a, r in got.items() if r.found}
    assert "via Ca' Marcello, Mestre" in found
    # the only "Palazzo" stops are the Lido's Palazzo del Cinema: via Palazzo stays unplaced
    assert "via Palazzo 8, Mestre" not in found
    assert "via Santa Maria dei Battuti 1/d, Mestre" not in found  # not the Lido's S. Maria
    assert "via Cappuccina, Mestre (street number not given)" in found
    # a place named like its stop: the hospital
    hospital = got["Ospedale dell'Angelo, Mestre"]
    assert hospital.found and "Ospedale dell'Angelo" in hospital.matched
    for a in found:
        assert comune.contains(shapely.Point(got[a].lon, got[a].lat)), a


def test_registry_keeps_hand_placed_points_and_other_comuni(services, shared_data, tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_services(services)
    trento_before = {
        s.service_id: (s.lon, s.lat) for s in reg.services() if s.comune_istat == "022205"
    }
    report = geocode_registry(
        reg,
        stops=shared_data / AMTAB,
        stops_within=_comune(shared_data, "072006"),
        comuni=["072006"],
    )
    assert report.count("matched") == 3 and report.written
    after = {s.service_id: s for s in reg.services()}
    assert {k: (after[k].lon, after[k].lat) for k in trento_before} == trento_before
    assert sum(s.location_source == SOURCE_STOPS for s in after.values()) == 3


def test_bari_run_now_analyses_coverage(shared_data, tmp_path):
    """`capacitymetro run --area bari` (offline) places 3 services and runs every step."""
    done = subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "run", "--area", "bari", "--offline",
         "--data", str(shared_data), "--out", str(tmp_path / "bari")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[skipped]" not in done.stdout + done.stderr
    report = pd.read_csv(tmp_path / "bari" / "geocode_report.csv")
    assert (report["status"] == "matched").sum() == 3
    coverage = pd.read_csv(tmp_path / "bari" / "coverage.csv")
    assert len(coverage) and "placed from bus-stop names" in (
        tmp_path / "bari" / "summary.html"
    ).read_text(encoding="utf-8")
