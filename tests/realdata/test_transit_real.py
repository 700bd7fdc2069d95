"""RAPTOR on the real ACTV (Mestre) and Trenord feeds against the brute-force time-expanded
graph of tests/unit/transit, and real-world sanity checks (tram T1 headway, Pioltello to
Milano Centrale by S-line)."""

import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.transit import (
    access_times,
    build_timetable,
    earliest_arrival,
    footpaths_straight_line,
    range_arrivals,
    read_gtfs,
    travel_time_matrix,
)
from capacitymetro_plugin.core.transit.raptor import UNREACHED, nearest_rank_percentiles

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "transit"))
from transit_oracle import TimeExpandedGraph  # noqa: E402

pytestmark = pytest.mark.realdata
ACTV = "gtfs_actv_automobilistico_20251117-20251223.zip"
TRENORD = "gtfs_trenord_20220111-20220612.zip"
T0, T1 = 7 * 3600 + 1800, 9 * 3600 + 1800  # the brute force's slice, 07:30-09:30


@pytest.fixture(scope="module")
def actv(shared_data):
    tt = build_timetable(read_gtfs(shared_data / ACTV, feed_id="actv"), date="2025-11-19")
    return tt, footpaths_straight_line(tt, max_walk_s=600)


@pytest.fixture(scope="module")
def trenord(shared_data):
    tt = build_timetable(read_gtfs(shared_data / TRENORD, feed_id="tn"), date="2022-02-16")
    return tt, footpaths_straight_line(tt, max_walk_s=600)


def _inf(a):
    a = a.astype(float)
    a[a >= UNREACHED] = np.inf
    return a


def _compare(tt, fp, graph, origins, deps, *, rng):
    worst, compared = 0.0, 0
    for dep in deps:
        o = rng.choice(origins, size=2, replace=False)
        acc = rng.integers(0, 400, size=2)
        want, _ = graph.arrivals(o, acc, int(dep))
        got = _inf(earliest_arrival(tt, origin_stops=o, access_s=acc, departure_s=int(dep),
                                    max_rides=None, footpaths=fp))  # fmt: skip
        inside = (want <= T1) | (got <= T1)  # the slice holds every journey arriving by T1
        np.testing.assert_array_equal(got[inside], want[inside])
        compared += int(inside.sum())
        worst = max(worst, float(np.abs(got[inside] - want[inside]).max()))
    return compared, worst


def test_actv_mestre_raptor_equals_brute_force(actv):
    tt, fp = actv
    graph = TimeExpandedGraph(tt, fp, t_min=T0, t_max=T1)
    mestre = np.flatnonzero(
        (tt.stop_lat > 45.48)
        & (tt.stop_lat < 45.50)
        & (tt.stop_lon > 12.22)
        & (tt.stop_lon < 12.26)
    )
    assert mestre.size > 50
    rng = np.random.default_rng(19)
    deps = rng.integers(T0, T0 + 2700, size=20)
    compared, worst = _compare(tt, fp, graph, mestre, deps, rng=rng)
    print(f"ACTV: 20 triples, {compared} stop arrivals compared, max difference {worst} s")
    assert compared > 20 * 200


def test_trenord_raptor_equals_brute_force(trenord):
    tt, fp = trenord
    graph = TimeExpandedGraph(tt, fp, t_min=T0, t_max=T1)
    rng = np.random.default_rng(22)
    busy = np.unique(tt.st_stop)
    deps = rng.integers(T0, T0 + 2700, size=20)
    compared, worst = _compare(tt, fp, graph, busy, deps, rng=rng)
    print(f"Trenord: 20 triples, {compared} stop arrivals compared, max difference {worst} s")
    assert compared > 20 * 5


def test_pioltello_to_milano_centrale_by_s_line(trenord):
    tt, fp = trenord
    o, d = tt.stop_index("tn:2147"), tt.stop_index("tn:1728")[0]
    res = range_arrivals(tt, origin_stops=o, departure_start_s=8 * 3600,
                         departure_end_s=9 * 3600, footpaths=fp)  # fmt: skip
    times = res.travel_time_s()[:, d]
    pct = nearest_rank_percentiles(times[:, None], [5, 50, 95])[:, 0] / 60
    print(f"Pioltello -> Centrale 08:00-09:00: p5/p50/p95 = {pct} min")
    assert 15 <= pct[0] <= 30 and pct[1] <= 45  # S-lines every ~15-30 min, ride ~15-25 min
    # percentiles equal a direct computation over the window's 60 departures, one at a time
    direct = []
    for dep in res.departures_s:
        a = earliest_arrival(tt, origin_stops=o, departure_s=int(dep), footpaths=fp)[d]
        direct.append(a - dep)
    srt = np.sort(direct)
    assert [srt[2] / 60, srt[29] / 60, srt[56] / 60] == pct.tolist()


def test_actv_percentiles_equal_direct_computation(actv):
    tt, fp = actv
    o = np.column_stack([[12.2390, 12.2290], [45.4870, 45.4920]])  # near Mestre centre
    d = np.column_stack([tt.stop_lon[::40], tt.stop_lat[::40]])
    t = time.perf_counter()
    m = travel_time_matrix(
        tt,
        origins_lonlat=o,
        destinations_lonlat=d,
        max_direct_walk_s=1,
        departure_start_s=8 * 3600,
        departure_end_s=9 * 3600,
        footpaths=fp,
    )
    print(f"ACTV matrix 2 x {d.shape[0]} x 60 departures: {time.perf_counter() - t:.2f} s")
    # direct: every departure on its own, egress walked from ride arrivals (no walk-only trips)
    ap, ast, asec = access_times(tt, o[:, 0], o[:, 1])
    ep, est, esec = access_times(tt, d[:, 0], d[:, 1])
    for i in range(2):
        rows = []
        for dep in range(8 * 3600, 9 * 3600, 60):
            ride = _inf(
                range_arrivals(
                    tt,
                    origin_stops=ast[ap == i],
                    access_s=asec[ap == i],
                    departure_start_s=dep,
                    departure_end_s=dep + 1,
                    footpaths=fp,
                ).ride_arrival_s[0]
            )
            via = np.full(d.shape[0], np.inf)
            np.minimum.at(via, ep, ride[est] + esec)
            rows.append(via - dep)
        srt = np.sort(np.array(rows), axis=0)  # nearest rank: index ceil(p/100 * 60) - 1
        want = srt[[2, 14, 29, 44, 56]] / 60
        want[~np.isfinite(want)] = np.nan
        assert np.isfinite(want).sum() > 20
        np.testing.assert_array_equal(m.minutes[:, i, :], want)
    # fmt: skip


def test_actv_tram_t1_headway(actv, shared_data):
    tt, _ = actv
    # what the feed says, read independently of the reader: T1 departures 07:30-09:30
    with zipfile.ZipFile(shared_data / ACTV) as zf:
        trips = pd.read_csv(zf.open("trips.txt"), dtype=str)
        st = pd.read_csv(zf.open("stop_times.txt"), dtype=str)
        cal = pd.read_csv(zf.open("calendar.txt"), dtype=str)
    wed = set(cal.loc[cal["wednesday"] == "1", "service_id"])
    t1 = trips[(trips["route_id"] == "T1_UM") & trips["service_id"].isin(wed)]
    st = st[st["trip_id"].isin(set(t1["trip_id"]))].merge(t1[["trip_id", "direction_id"]])
    h = st["departure_time"].str.split(":", expand=True).astype(int)
    st["s"] = h[0] * 3600 + h[1] * 60 + h[2]
    st = st[(st["s"] >= T0) & (st["s"] < T1) & (st["direction_id"] == "0")]
    stop = st["stop_id"].value_counts().index[0]
    gaps = np.diff(np.sort(st.loc[st["stop_id"] == stop, "s"].to_numpy())) / 60
    feed_median = float(np.median(gaps))
    # the same from the timetable's arrays
    idx = tt.stop_index(f"actv:{stop}")[0]
    mine = []
    for t in np.flatnonzero(tt.trip_route == "actv:T1_UM"):
        a, b = tt.trip_offsets[t], tt.trip_offsets[t + 1]
        for i in range(a, b - 1):
            if tt.st_stop[i] == idx and T0 <= tt.st_dep[i] < T1:
                mine.append(tt.st_dep[i])
    print(f"T1 at {tt.stop_name[idx]} ({stop}): median gap {feed_median} min, {len(gaps)} gaps")
    assert 5 <= feed_median <= 12
    assert float(np.median(np.diff(np.sort(mine)) / 60)) == feed_median


# --- door to door: the one cost interface on ACTV (no Mestre street network: straight lines) ---
def _pts(lonlat):
    import geopandas as gpd
    import shapely

    lonlat = np.asarray(lonlat, float)
    return gpd.GeoDataFrame(geometry=shapely.points(lonlat[:, 0], lonlat[:, 1]), crs=4326)


# Ospedale dell'Angelo (S035) and the Ca' Marcello hostel (S030) placed at the ACTV stops of the
# same name (the CSV has no coordinates for them); the Ospedale Civile (S034) from the CSV.
MESTRE_SERVICES = [(12.224376, 45.512947), (12.246139, 45.478947), (12.341642, 45.439678)]


def test_mestre_door_to_door_straight_line_flagged(actv):
    from capacitymetro_plugin.core.transit import transit_service_times

    tt, _ = actv
    ferretto = _pts([(12.2386, 45.4906)])
    kw = {"departure_start_s": 8 * 3600, "departure_end_s": 9 * 3600}
    r = transit_service_times(tt, ferretto, _pts(MESTRE_SERVICES), percentiles=(5, 50, 95), **kw)
    assert r.walk_source == "straight_line"
    assert any("straight lines" in w and "linea d'aria" in w for w in r.notes)
    p5, p50, p95 = r.by_percentile[:, :, 0]
    # Piazza Ferretto -> Ospedale dell'Angelo, 08:00-09:00: 17 / 24 / 34 min measured
    assert 12 <= p50[0] <= 35 and p5[0] < p50[0] < p95[0]
    # the Ca' Marcello hostel: the bus beats the 25-minute walk at the median
    walk_only = transit_service_times(tt, ferretto, _pts(MESTRE_SERVICES), max_rides=0, **kw)
    assert p50[1] < walk_only.minutes[1, 0] < 30
    # the Ospedale Civile is in the centro storico: no bus goes within 10 walking minutes
    assert np.isinf(p95[2])


def test_date_outside_the_feed_is_a_named_error(shared_data):
    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.core.transit import transit_service_times

    tt = build_timetable(read_gtfs(shared_data / ACTV, feed_id="actv"), date="2026-03-04")
    with pytest.raises(InputError) as err:
        transit_service_times(
            tt, _pts([(12.2386, 45.4906)]), _pts(MESTRE_SERVICES),
            departure_start_s=8 * 3600, departure_end_s=9 * 3600,
        )  # fmt: skip
    assert "No transit runs on 2026-03-04" in err.value.message
    assert "2025-12-23" in err.value.message  # the feed's end date, from its calendar warning
    assert "Nessun mezzo" in err.value.message_it
    # the feed's problems in Italian too, with the same dates (not the English ones)
    it = err.value.message_it
    assert "2025-12-23" in it and "expired" not in it and "no service" not in it


def test_pipeline_transit_step_equals_the_core_call(shared_data, tmp_path):
    """The CLI's transit step and a direct core call give the same coverage minutes."""
    import geopandas as gpd
    import shapely

    from capacitymetro_plugin.batch.config import Config, TransitConfig
    from capacitymetro_plugin.batch.pipeline import Summary, step_transit
    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.core.progress import Progress
    from capacitymetro_plugin.core.transit import transit_service_times

    lon, lat = np.meshgrid(np.arange(12.21, 12.26, 0.01), np.arange(45.475, 45.51, 0.007))
    pts = gpd.GeoSeries(shapely.points(lon.ravel(), lat.ravel()), crs=4326).to_crs(32633)
    cells = gpd.GeoDataFrame(
        {"zone": np.where(lon.ravel() < 12.235, "west", "east"), "pop_total": 100.0,
         "foreign": np.arange(pts.size, dtype=float) + 1},
        geometry=pts.buffer(50, cap_style="square"), crs=32633,
    )  # fmt: skip
    zones = cells.dissolve("zone").reset_index()[["zone", "geometry"]]
    services = _pts(MESTRE_SERVICES).assign(
        service_id=["S035", "S030", "S034"], sectors=["health", "reception", "health"]
    )
    config = Config(
        key="mestre", name="Mestre", comuni=["027042"], province="027",
        sectors=["all", "health"], thresholds_min=[15, 30], standard_min=30,
        transit=TransitConfig(feeds=[ACTV], date="2025-11-19", window_start="08:00",
                              window_end="08:30", step_min=2),
    )  # fmt: skip
    summary = Summary(config=config, out_dir=tmp_path)
    times = step_transit(config, shared_data, None, services, cells, zones, summary, Progress())
    assert summary.numbers["transit_walks"] == "straight_line"
    direct = transit_service_times(
        build_timetable(read_gtfs(shared_data / ACTV, feed_id="x"), date="2025-11-19"),
        cells.assign(geometry=cells.centroid), services, departure_start_s=8 * 3600,
        departure_end_s=8 * 3600 + 1800, step_s=120, groups={"health": [0, 2]}, cutoff_min=60,
    )  # fmt: skip
    np.testing.assert_array_equal(times.minutes, direct.minutes)
    layer = gio.read_vector(summary.gpkg, layer="transit_times")
    np.testing.assert_allclose(
        layer["health_p50"].fillna(np.inf).to_numpy(), direct.group_minutes["health"][2]
    )
    cov = pd.read_csv(tmp_path / "coverage_transit.csv")
    assert set(cov["sector"]) == {"all", "health"}
    assert 0 < summary.numbers["served_pct_transit_all"] <= 100
    # E2SFCA takes the transit times unchanged (the one cost interface)
    from capacitymetro_plugin.batch.pipeline import step_e2sfca
    from capacitymetro_plugin.core.indices import e2sfca_cells

    step_e2sfca(config, services, cells, times, summary, suffix="_transit")
    e2 = gio.read_vector(summary.gpkg, layer="e2sfca_transit")
    want = e2sfca_cells(cells, direct, services).cells
    num = [c for c in want.columns if c != "geometry" and want[c].dtype.kind == "f"]
    assert num
    np.testing.assert_allclose(
        e2[num].to_numpy(float), want[num].replace([np.inf, -np.inf], np.nan).to_numpy(float)
    )
