"""The backward profile search (core/transit/profile.py) against the forward range RAPTOR on
the real ACTV feed (every origin × departure of a window, several sectors, with and without
ride and walk limits), and against the brute-force time-expanded graph on random small feeds."""

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transit_oracle import DAY, TimeExpandedGraph, random_feed, write_feed

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.transit import (
    build_timetable,
    footpaths_straight_line,
    range_arrivals,
    read_gtfs,
    transit_service_times,
)
from capacitymetro_plugin.core.transit.profile import target_arrivals
from capacitymetro_plugin.core.transit.raptor import UNREACHED
from capacitymetro_plugin.core.transit.street import walks

ACTV = "gtfs_actv_automobilistico_20251117-20251223.zip"
W0, W1 = 8 * 3600, 9 * 3600


def _pts(lonlat):
    import geopandas as gpd
    import shapely

    lonlat = np.asarray(lonlat, float)
    return gpd.GeoDataFrame(geometry=shapely.points(lonlat[:, 0], lonlat[:, 1]), crs=4326)


def _forward_targets(tt, access, egress, n_origins, n_targets, max_rides, fp):
    """Per origin: one forward range search, then the ride arrivals at the egress stops plus
    the egress walk (what transit_service_times did before the backward search)."""
    a_pt, a_stop, a_s = access
    e_pt, e_stop, e_s = egress
    deps = np.arange(W0, W1, 60)
    out = np.full((n_origins, deps.size, n_targets), np.inf)
    for o in range(n_origins):
        sel = a_pt == o
        if not sel.any():
            continue
        res = range_arrivals(
            tt, origin_stops=a_stop[sel], access_s=a_s[sel], departure_start_s=W0,
            departure_end_s=W1, max_rides=max_rides, footpaths=fp,
        )  # fmt: skip
        ride = res.ride_arrival_s[:, e_stop].astype(float)
        ride[ride >= UNREACHED] = np.inf
        for j in range(n_targets):
            m = e_pt == j
            if m.any():
                out[o, :, j] = (ride[:, m] + e_s[m]).min(axis=1)
    return out


@pytest.fixture(scope="module")
def actv(shared_data):
    return build_timetable(read_gtfs(shared_data / ACTV, feed_id="actv"), date="2025-11-19")


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize(("max_rides", "walk_min"), [(None, 10.0), (2, 5.0), (1, 10.0)])
def test_actv_backward_equals_forward_every_origin_and_departure(actv, max_rides, walk_min):
    tt = actv
    lon, lat = np.meshgrid(np.linspace(12.205, 12.26, 7), np.linspace(45.47, 45.51, 6))
    grid = np.column_stack([lon.ravel(), lat.ravel()])
    # the three Mestre services of the benchmark, and three ACTV stops of the grid's area
    rng = np.random.default_rng(16)
    inside = np.flatnonzero(
        (tt.stop_lon > 12.21) & (tt.stop_lon < 12.255) & (tt.stop_lat > 45.475)
        & (tt.stop_lat < 45.505)
    )  # fmt: skip
    picked = rng.choice(inside, size=3, replace=False)
    svc = np.r_[
        [(12.224376, 45.512947), (12.246139, 45.478947), (12.341642, 45.439678)],
        np.column_stack([tt.stop_lon[picked] + 0.0007, tt.stop_lat[picked]]),
    ]
    w = walks(tt, grid, svc, max_walk_s=walk_min * 60, max_direct_walk_s=1800)
    deps = np.arange(W0, W1, 60)
    got = target_arrivals(
        tt, access=w.access, egress=w.egress, n_origins=len(grid), n_targets=len(svc),
        departures_s=deps, footpaths=w.footpaths, max_rides=max_rides,
    )  # fmt: skip
    want = _forward_targets(tt, w.access, w.egress, len(grid), len(svc), max_rides, w.footpaths)
    np.testing.assert_array_equal(got, want)
    assert np.isfinite(want).sum() > 0.3 * want.size  # not two empty results
    # the entry point: both searches give the same percentiles, per service and per sector
    sectors = {"health": [0, 2], "reception": [1], "near": [3, 4, 5], "all": list(range(6))}
    kw = dict(
        departure_start_s=W0, departure_end_s=W1, groups=sectors, max_rides=max_rides,
        max_walk_min=walk_min, max_direct_walk_min=30,
    )  # fmt: skip
    back = transit_service_times(tt, _pts(grid), _pts(svc), method="backward", **kw)
    fwd = transit_service_times(tt, _pts(grid), _pts(svc), method="forward", **kw)
    np.testing.assert_array_equal(back.by_percentile, fwd.by_percentile)
    for name in sectors:
        np.testing.assert_array_equal(back.group_minutes[name], fwd.group_minutes[name])
    assert np.isfinite(back.group_minutes["near"]).mean() > 0.5  # sectors reached


@pytest.mark.realdata
def test_backward_method_checks(actv):
    grid, svc = _pts([(12.2386, 45.4906)]), _pts([(12.224376, 45.512947)])
    kw = dict(departure_start_s=W0, departure_end_s=W0 + 600)
    with pytest.raises(InputError) as err:
        transit_service_times(actv, grid, svc, method="sideways", **kw)
    assert "sideways" in err.value.message and "sideways" in err.value.message_it


# --- random small feeds against the time-expanded graph ----------------------------------------
@functools.cache
def _small(tmp: str, seed: int, walk_s: int, max_rides):
    from pathlib import Path

    feed = read_gtfs(write_feed(Path(tmp) / f"f{seed}", random_feed(seed)), feed_id="x")
    tt = build_timetable(feed, date=DAY)
    fp = footpaths_straight_line(tt, max_walk_s=walk_s)
    return tt, fp, TimeExpandedGraph(tt, fp, max_rides=max_rides)


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("profile_feeds"))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 7),
    walk_s=st.sampled_from([200, 600]),
    max_rides=st.sampled_from([None, 0, 1, 2, 3]),
    origins=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 300)), min_size=1, max_size=3),
    targets=st.lists(
        st.lists(st.tuples(st.integers(0, 13), st.integers(0, 400)), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),  # fmt: skip
    start=st.integers(6 * 3600, 26 * 3600),
    step=st.integers(60, 900),
)
def test_backward_equals_time_expanded_graph(
    small_dir, seed, walk_s, max_rides, origins, targets, start, step
):
    _compare_with_graph(small_dir, seed, walk_s, max_rides, origins, targets, start, step)


def test_backward_equals_time_expanded_graph_reaches_targets(small_dir):
    """The same comparison on seeded cases, counting the arrivals that are not 'unreached'
    (so the property above is not vacuously true)."""
    rng = np.random.default_rng(16)
    reached = 0
    for case in range(24):
        origins = [(int(rng.integers(14)), int(rng.integers(300))) for _ in range(2)]
        targets = [[(int(rng.integers(14)), int(rng.integers(400)))] for _ in range(3)]
        max_rides = [None, 1, 2][case % 3]
        reached += _compare_with_graph(
            small_dir, case % 8, 600, max_rides, origins, targets,
            int(rng.integers(7 * 3600, 9 * 3600)), 300,
        )  # fmt: skip
    assert reached > 60


def _compare_with_graph(small_dir, seed, walk_s, max_rides, origins, targets, start, step) -> int:
    tt, fp, graph = _small(small_dir, seed, walk_s, max_rides)
    deps = start + step * np.arange(4)
    a_stop = np.array([s for s, _ in origins])
    a_s = np.array([a for _, a in origins], dtype=float)
    access = (np.zeros(a_stop.size, dtype=np.int64), a_stop, a_s)
    e_pt = np.array([j for j, links in enumerate(targets) for _ in links])
    e_stop = np.array([s for links in targets for s, _ in links])
    e_s = np.array([x for links in targets for _, x in links])
    got = target_arrivals(
        tt, access=access, egress=(e_pt, e_stop, e_s), n_origins=1, n_targets=len(targets),
        departures_s=deps, footpaths=fp, max_rides=max_rides,
    )[0]  # fmt: skip
    for i, dep in enumerate(deps):
        _, ride = graph.arrivals(a_stop, a_s, int(dep))
        want = [min(ride[s] + x for s, x in links) for links in targets]
        np.testing.assert_array_equal(got[i], want)
    return int(np.isfinite(got).sum())


def _hand_feed(tmp_path):
    """A → B by route 1 (arrives 08:10); B → C by route 2 at 08:11 and 08:15, with a change
    time of 120 s at B (transfers.txt); E, ~100 m from B, → C at 08:11:30, too early for the
    walk from B (and 08:19 would beat 08:24)."""
    from transit_oracle import csv, hms

    stops = [
        ("A", "A", "45.490000", "12.200000"),
        ("B", "B", "45.490000", "12.230000"),
        ("E", "E", "45.490900", "12.230000"),
        ("C", "C", "45.490000", "12.260000"),
    ]
    trips, times = [], []
    for tid, route, calls in [
        ("T1", "R1", [("A", 8 * 3600), ("B", 8 * 3600 + 600)]),
        ("T2", "R2", [("B", 8 * 3600 + 660), ("C", 8 * 3600 + 1200)]),
        ("T3", "R2", [("B", 8 * 3600 + 900), ("C", 8 * 3600 + 1440)]),
        ("T4", "R3", [("E", 8 * 3600 + 690), ("C", 8 * 3600 + 1140)]),
    ]:
        trips.append((route, "WK", tid))
        times += [(tid, hms(t), hms(t), s, k + 1) for k, (s, t) in enumerate(calls)]
    tables = {
        "agency.txt": csv("agency_id,agency_name,agency_url,agency_timezone", [("A", "A", "http://x", "Europe/Rome")]),
        "stops.txt": csv("stop_id,stop_name,stop_lat,stop_lon", stops),
        "routes.txt": csv("route_id,agency_id,route_short_name,route_type", [(r, "A", r, 3) for r in ("R1", "R2", "R3")]),
        "trips.txt": csv("route_id,service_id,trip_id", trips),
        "stop_times.txt": csv("trip_id,arrival_time,departure_time,stop_id,stop_sequence", times),
        "calendar.txt": csv("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date", [("WK", 1, 1, 1, 1, 1, 0, 0, "20251101", "20251231")]),
        "transfers.txt": csv("from_stop_id,to_stop_id,transfer_type,min_transfer_time", [("B", "B", 2, 120)]),
    }  # fmt: skip
    feed = read_gtfs(write_feed(tmp_path / "hand", tables), feed_id="h")
    return build_timetable(feed, date=DAY)


@pytest.mark.parametrize("max_rides", [None, 2, 1])
def test_change_time_and_one_walk_on_a_hand_made_feed(tmp_path, max_rides):
    tt = _hand_feed(tmp_path)
    fp = footpaths_straight_line(tt, max_walk_s=600)
    a, b, e, c = (int(tt.stop_index(f"h:{s}")[0]) for s in "ABEC")
    assert fp.change_s[b] == 120 and (e in fp.to[fp.frm == b])  # the two transfers exist
    deps = np.array([8 * 3600 - 300, 8 * 3600])
    access = (np.zeros(1, dtype=np.int64), np.array([a]), np.array([0.0]))
    got = target_arrivals(
        tt, access=access, egress=(np.array([0]), np.array([c]), np.array([0])), n_origins=1,
        n_targets=1, departures_s=deps, footpaths=fp, max_rides=max_rides,
    )[0, :, 0]  # fmt: skip
    want = np.inf if max_rides == 1 else 8 * 3600 + 1440  # T3: T2 is within the change time
    np.testing.assert_array_equal(got, [want, want])
    graph = TimeExpandedGraph(tt, fp, max_rides=max_rides)
    for i, dep in enumerate(deps):
        assert graph.arrivals([a], [0], int(dep))[1][c] == got[i]


@pytest.mark.realdata
def test_open_on_arrival_backward_equals_forward(actv):
    """Opening hours are applied per departure after either search: the same minutes."""
    lon, lat = np.meshgrid(np.linspace(12.215, 12.25, 5), np.linspace(45.48, 45.50, 4))
    grid = _pts(np.column_stack([lon.ravel(), lat.ravel()]))
    svc = _pts([(12.224376, 45.512947), (12.246139, 45.478947), (12.2386, 45.4906)])
    svc["opening_hours"] = ["Mo-Fr 08:00-08:30", "Mer 08:40-12:00", None]
    kw = dict(
        departure_start_s=W0, departure_end_s=W1, groups={"all": [0, 1, 2]},
        open_on_arrival=True, max_rides=None,
    )  # fmt: skip
    back = transit_service_times(actv, grid, svc, method="backward", **kw)
    fwd = transit_service_times(actv, grid, svc, method="forward", **kw)
    np.testing.assert_array_equal(back.by_percentile, fwd.by_percentile)
    np.testing.assert_array_equal(back.group_minutes["all"], fwd.group_minutes["all"])
    shut = transit_service_times(
        actv, grid, svc, method="backward", **{**kw, "open_on_arrival": False}
    )
    assert (back.by_percentile[:, :2] != shut.by_percentile[:, :2]).any()  # the hours bite


@pytest.mark.realdata
def test_targets_in_groups_give_the_same_profiles(actv, monkeypatch):
    """Many services are searched a few at a time (memory): one at a time gives the same."""
    from capacitymetro_plugin.core.transit import profile

    lon, lat = np.meshgrid(np.linspace(12.215, 12.25, 4), np.linspace(45.48, 45.50, 3))
    grid = np.column_stack([lon.ravel(), lat.ravel()])
    svc = np.column_stack([np.linspace(12.22, 12.25, 5), np.linspace(45.48, 45.51, 5)])
    w = walks(actv, grid, svc, max_walk_s=600, max_direct_walk_s=1800)
    kw = dict(
        access=w.access, egress=w.egress, n_origins=len(grid), n_targets=len(svc),
        departures_s=np.arange(W0, W0 + 1800, 60), footpaths=w.footpaths, max_rides=None,
    )  # fmt: skip
    together = target_arrivals(actv, **kw)
    monkeypatch.setattr(profile, "_CHUNK_VALUES", 1)  # one service per group
    np.testing.assert_array_equal(target_arrivals(actv, **kw), together)
    assert np.isfinite(together).mean() > 0.5


@pytest.mark.realdata
@pytest.mark.parametrize("cutoff_min", [20.0, 35.0])
def test_a_cutoff_prunes_the_backward_search_without_changing_a_time(actv, cutoff_min):
    """With a cut-off the backward search leaves out every trip after the last departure + the
    cut-off: every time within it is the unpruned forward search's, the rest unreached."""
    from capacitymetro_plugin.core.transit import profile

    lon, lat = np.meshgrid(np.linspace(12.205, 12.26, 6), np.linspace(45.47, 45.51, 5))
    grid = _pts(np.column_stack([lon.ravel(), lat.ravel()]))
    svc = _pts([(12.224376, 45.512947), (12.246139, 45.478947), (12.2386, 45.4906)])
    kw = dict(
        departure_start_s=W0, departure_end_s=W0 + 1800, groups={"all": [0, 1, 2]},
        max_rides=None, max_walk_min=10.0, max_direct_walk_min=5.0,
    )  # fmt: skip
    seen = []
    real = profile._events

    def spy(tt, fp, t_min, t_max=None):
        seen.append(t_max)
        return real(tt, fp, t_min, t_max)

    profile._events = spy
    try:
        cut = transit_service_times(actv, grid, svc, method="backward", cutoff_min=cutoff_min, **kw)
    finally:
        profile._events = real
    assert seen and seen[0] == W0 + 1800 - 60 + cutoff_min * 60  # the horizon was applied
    full = transit_service_times(actv, grid, svc, method="forward", **kw)
    want = np.where(full.by_percentile <= cutoff_min, full.by_percentile, np.inf)
    np.testing.assert_array_equal(cut.by_percentile, want)
    g = full.group_minutes["all"]
    np.testing.assert_array_equal(cut.group_minutes["all"], np.where(g <= cutoff_min, g, np.inf))
    # the cut-off bites: some times are kept, some are beyond it
    assert (
        np.isfinite(want).mean() > 0.2
        and (np.isfinite(full.by_percentile) & ~np.isfinite(want)).any()
    )


@pytest.mark.realdata
def test_a_horizon_keeps_every_arrival_before_it(actv):
    """TargetProfiles with t_max: each arrival at or before it is the forward search's."""
    lon, lat = np.meshgrid(np.linspace(12.205, 12.26, 6), np.linspace(45.47, 45.51, 5))
    grid = np.column_stack([lon.ravel(), lat.ravel()])
    svc = np.array([(12.224376, 45.512947), (12.246139, 45.478947), (12.2386, 45.4906)])
    w = walks(actv, grid, svc, max_walk_s=600, max_direct_walk_s=1800)
    horizon = W0 + 1500
    got = target_arrivals(
        actv, access=w.access, egress=w.egress, n_origins=len(grid), n_targets=len(svc),
        departures_s=np.arange(W0, W0 + 900, 60), footpaths=w.footpaths, max_rides=None,
        t_max=horizon,
    )  # fmt: skip
    want = _forward_targets(actv, w.access, w.egress, len(grid), len(svc), None, w.footpaths)
    want = want[:, :15]  # the forward helper's window is W0-W1 every minute
    kept = want <= horizon
    np.testing.assert_array_equal(got[kept], want[kept])
    assert (got[~kept] > horizon).all()
    # the horizon bites, and arrivals in its last two minutes are there to be kept
    assert kept.mean() > 0.2 and (~kept & np.isfinite(want)).any()
    assert ((want > horizon - 120) & kept).sum() > 5


@pytest.mark.realdata
def test_open_for_a_stay_by_transit(actv):
    """With ``open_stay_min`` both searches agree, and the margin only ever removes: a service
    closing at 08:30 ("Mo-Fr 08:00-08:30") counts for fewer departures with 15 minutes to stay."""
    lon, lat = np.meshgrid(np.linspace(12.215, 12.25, 5), np.linspace(45.48, 45.50, 4))
    grid = _pts(np.column_stack([lon.ravel(), lat.ravel()]))
    svc = _pts([(12.224376, 45.512947), (12.246139, 45.478947), (12.2386, 45.4906)])
    svc["opening_hours"] = ["Mo-Fr 08:00-08:30", "Mer 08:40-12:00", None]
    kw = dict(
        departure_start_s=W0, departure_end_s=W1, groups={"all": [0, 1, 2]},
        open_on_arrival=True, max_rides=None, percentiles=(5, 50, 95),
    )  # fmt: skip
    back = transit_service_times(actv, grid, svc, method="backward", open_stay_min=15, **kw)
    fwd = transit_service_times(actv, grid, svc, method="forward", open_stay_min=15, **kw)
    np.testing.assert_array_equal(back.by_percentile, fwd.by_percentile)
    plain = transit_service_times(actv, grid, svc, method="backward", **kw)
    stay, at = back.by_percentile, plain.by_percentile
    assert (np.isinf(at) <= np.isinf(stay)).all()  # nothing reached with the margin is not without
    assert ((stay > at) | (np.isinf(stay) & np.isfinite(at)))[:, 0].any()  # 08:30 closing bites
    np.testing.assert_array_equal(stay[:, 2], at[:, 2])  # no hours: kept either way
    assert any("open for 15 min after arrival" in w for w in back.warnings)
