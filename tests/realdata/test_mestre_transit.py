"""`capacitymetro run` on config/mestre.toml: the mainland of Venezia by walking and by ACTV bus
and tram, with NO street network (straight lines × 1.3), against an independent brute force.

The services of the web-page CSV in Mestre have addresses only. Until the offline gazetteer of
issue 14 places them, this test builds its own data folder (links to ../shared/data) with a copy
of the CSV in which three services are STAND-INS placed at the coordinates of the ACTV stop their
address names: Ospedale dell'Angelo (S035, stop 1400 "Ospedale dell'Angelo"), the hostel of via
Ca' Marcello (S030, stop 9 "Ca' Marcello Cappuccina") and the Mensa dei Cappuccini of via
Cappuccina (S028, stop 6035 "Cappuccina Sernaglia"). They are not geocoded addresses.
"""

import csv
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.transit import build_timetable, footpaths_straight_line, read_gtfs
from capacitymetro_plugin.core.transit.raptor import nearest_rank_percentiles

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "transit"))
from transit_oracle import TimeExpandedGraph  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from bussola_site import site_data  # noqa: E402

pytestmark = pytest.mark.realdata
REPO = Path(__file__).resolve().parents[2]
ACTV = "gtfs_actv_automobilistico_20251117-20251223.zip"
STAND_INS = {"S035": "1400", "S030": "9", "S028": "6035"}  # service -> ACTV stop_id
CSV_NAME = "servizi_migranti_da_pagine_web.csv"


def _stand_in_data(shared: Path, folder: Path) -> None:
    """A data folder of links to the shared data, with the CSV's three stand-in coordinates."""
    folder.mkdir()
    for f in shared.iterdir():
        if f.name != CSV_NAME:
            (folder / f.name).symlink_to(f)
    with zipfile.ZipFile(shared / ACTV) as z, z.open("stops.txt") as f:
        stops = pd.read_csv(f, dtype={"stop_id": str}).set_index("stop_id")
    with open(shared / CSV_NAME, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        stop = STAND_INS.get(row["service_id"])
        if stop:
            row["lon"] = f"{stops.loc[stop, 'stop_lon']:.6f}"
            row["lat"] = f"{stops.loc[stop, 'stop_lat']:.6f}"
            row["coord_source"] = f"test stand-in: ACTV stop {stop} {stops.loc[stop, 'stop_name']}"
    with open(folder / CSV_NAME, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def run(shared_data, tmp_path_factory):
    base = tmp_path_factory.mktemp("mestre")
    data = base / "data"
    _stand_in_data(shared_data, data)
    env = {**os.environ, "CAPACITYMETRO_DATA": str(data)}
    zone = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "mestre_mainland.py"), str(data),
         str(data / "mestre_terraferma_zone.gpkg")],
        capture_output=True, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    assert zone.returncode == 0, zone.stderr
    out = Path(os.environ.get("MESTRE_OUT") or base / "out")
    proc = subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "run", "--config",
         str(REPO / "config" / "mestre.toml"), "--data", str(data), "--out", str(out),
         "--offline", "--progress"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=1500,
    )  # fmt: skip
    print(zone.stdout, proc.stdout, proc.stderr[-3000:])
    return proc, out, data


def test_cli_writes_transit_coverage_flagged(run):
    proc, out, _ = run
    # the network and isochrones steps cannot run without streets: named, exit code 3
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "network:" in proc.stderr and 'source = "none"' in proc.stderr
    assert "isochrones:" in proc.stderr
    assert "[done] coverage" in proc.stdout and "[done] transit" in proc.stdout
    gpkg = out / "capacitymetro.gpkg"
    times = gpd.read_file(gpkg, layer="transit_times")
    assert {"all_p50", "all_walk", "health_p50", "health_walk"} <= set(times.columns)
    assert len(times) > 300
    table = pd.read_csv(out / "coverage_transit.csv")
    assert set(table["sector"]) == {"all", "health"}
    numbers = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert numbers["transit_walks"] == "straight_line" and numbers["walks"] == "straight_line"
    assert float(numbers["served_pct_transit_all"]) >= float(numbers["served_pct_all"])
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "straight_line" in summary and "straight lines × 1.3" in summary
    zones = gpd.read_file(gpkg, layer="population_zones")
    assert "estimate" in str(zones["foreign_source"].iloc[0])
    assert round(float(zones["pop_total"].sum())) == 250_369 - 78_264


def test_transit_never_slower_than_walking(run):
    _, out, _ = run
    times = gpd.read_file(out / "capacitymetro.gpkg", layer="transit_times")
    for sector in ("all", "health"):
        walk = times[f"{sector}_walk"].fillna(np.inf).to_numpy()
        ride = times[f"{sector}_p50"].fillna(np.inf).to_numpy()
        assert (ride <= walk + 1 / 60).all(), sector
        faster = ride < walk - 1
        print(f"{sector}: transit faster by > 1 min in {faster.sum()} of {len(times)} cells")
        assert faster.sum() > 0.2 * len(times)  # buses do add something


def _metres(lon1, lat1, lon2, lat2):
    """Haversine great-circle metres (the oracle's own, not the code's chord formula)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(h))


def _walk_s(metres):
    return np.ceil(metres * 1.3 / (4.5 / 3.6))


def test_transit_times_equal_brute_force(run, shared_data):
    """Random cells: the p50 over 08:00-09:00 of door-to-door times to the nearest service of
    each sector equals a time-expanded Dijkstra (networkx) with haversine walks."""
    _, out, _ = run
    gpkg = out / "capacitymetro.gpkg"
    times = gpd.read_file(gpkg, layer="transit_times")
    centres = times.centroid.to_crs(4326)  # as the run: cell centres in the metric CRS
    services = gpd.read_file(gpkg, layer="services").to_crs(4326)
    tt = build_timetable(read_gtfs(shared_data / ACTV, feed_id="actv"), date="2025-11-19")
    fp = footpaths_straight_line(tt, max_walk_s=600)
    graph = TimeExpandedGraph(tt, fp, t_min=8 * 3600, t_max=10 * 3600, max_rides=4)
    deps = np.arange(8 * 3600, 9 * 3600, 60)
    rng = np.random.default_rng(16)
    picks = rng.choice(len(times), size=4, replace=False)
    s_lon, s_lat = services.geometry.x.to_numpy(), services.geometry.y.to_numpy()
    health = services["sectors"].str.contains("health").to_numpy()
    compared = 0
    for i in picks:
        c = centres.iloc[i]
        acc_m = _metres(c.x, c.y, tt.stop_lon, tt.stop_lat)
        acc = _walk_s(acc_m)
        near = np.flatnonzero(acc <= 600)
        direct = _walk_s(_metres(c.x, c.y, s_lon, s_lat))
        direct[direct > 3600] = np.inf
        per_dep = np.full((deps.size, len(services)), np.inf)
        for k, dep in enumerate(deps):
            _, ride = graph.arrivals(near, acc[near], int(dep))
            for j in range(len(services)):
                egress = _walk_s(_metres(s_lon[j], s_lat[j], tt.stop_lon, tt.stop_lat))
                ok = egress <= 600
                best = float(np.min(ride[ok] + egress[ok])) if ok.any() else math.inf
                per_dep[k, j] = min(direct[j], best - dep)
        for sector, cols in (("all", slice(None)), ("health", health)):
            want = nearest_rank_percentiles(per_dep[:, cols].min(axis=1), (50,))[0] / 60
            want = want if want <= 60 else np.nan
            got = times[f"{sector}_p50"].iloc[i]
            print(f"cell {i} {sector}: ours {got:.3f} min, brute force {want:.3f} min")
            if np.isnan(want):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(want, abs=2 / 60)  # seconds rounded up per walk
            compared += 1
    assert compared == 8


def test_map_says_straight_lines_and_estimate(run):
    _, out, _ = run
    pdf = out / "maps" / "transit_added.pdf"
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "buses and tram" in flat or "autobus e tram" in flat
    assert "straight lines × 1.3" in flat or "linea retta × 1,3" in flat
    assert "estimate" in flat or "stima" in flat


def _bussola_transit(site: Path):
    return site_data(site, "transit.js", "BUSSOLA_TRANSIT")


def _publish(data: Path, *args: str, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "capacitymetro_plugin", "publish", "--config",
         str(REPO / "config" / "mestre.toml"), "--data", str(data), "--no-zip", *args],
        capture_output=True, text=True, cwd=cwd, timeout=600,
    )  # fmt: skip


def test_the_runs_bussola_ranks_by_bus_and_tram(run):
    """Step bussola reads [transit]: the site's 'near me' has ACTV minutes, and says which."""
    _, out, _ = run
    numbers = pd.read_csv(out / "summary.csv").set_index("key")["value"]
    assert numbers["bussola_transit"] == "True"
    ride = _bussola_transit(out / "bussola")
    assert ride["date"] == "2025-11-19" and ride["step_min"] == 10 and ride["statistic"] == "median"
    assert [f["name"] for f in ride["feeds"]] == [ACTV]
    tenths = np.array(ride["tenths_min"], dtype=float)
    assert tenths.shape[0] == len(ride["ids"]) and 0 < len(ride["ids"]) <= 19
    assert (tenths >= 0).mean() > 0.3  # most cells reach a service within the cut-off
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "by public transport (gtfs_actv_automobilistico" in summary


def test_publish_config_door_gives_the_areas_bussola(run, tmp_path):
    """`capacitymetro publish --config`: the run's registry and [transit]; flags override it;
    a configured transit that cannot run leaves a site without it (warned, both languages),
    an explicit --gtfs that cannot run is an error, a missing registry is named."""
    _, out, data = run
    reg = str(out / "registry.gpkg")
    ok = _publish(data, "--registry", reg, "--out", str(tmp_path / "a"), "--step-min", "20")
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert "transit:" in ok.stdout and "by public transport" in ok.stdout
    a, run_site = _bussola_transit(tmp_path / "a"), _bussola_transit(out / "bussola")
    assert a["step_min"] == 20 and a["departures"] == 3 and run_site["departures"] == 6
    assert a["ids"] == run_site["ids"] and a["grid"] == run_site["grid"]  # one reading of the area
    # a date outside the feed: published on foot only, and told so
    late = _publish(data, "--registry", reg, "--out", str(tmp_path / "b"), "--date", "2030-01-01")
    assert late.returncode == 0, late.stderr[-2000:]
    assert "WARNING: published without transit times" in late.stderr
    assert "ATTENZIONE: pubblicata senza i tempi" in late.stderr and "2025-12-23" in late.stderr
    assert _bussola_transit(tmp_path / "b") is None
    assert (tmp_path / "b" / "index.html").exists()
    # the same date asked with --gtfs: an error, nothing written
    feed = str(data / ACTV)
    bad = _publish(data, "--registry", reg, "--out", str(tmp_path / "c"), "--gtfs", feed,
                   "--date", "2030-01-01")  # fmt: skip
    assert bad.returncode == 2 and "2030-01-01" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "c").exists()
    # no --registry and no run in out/mestre here: named, with the command that makes it
    none = _publish(data, cwd=tmp_path)
    assert none.returncode == 2 and "No registry at out/mestre/registry.gpkg" in none.stderr
    assert "capacitymetro run --config" in none.stderr
