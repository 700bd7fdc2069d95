"""R5-style random draws of the phase of ``exact_times=0`` frequencies (core/transit/frequencies.py
and ``transit_service_times(frequency_draws=..., seed=...)``).

Oracles:
- per draw, a feed written anew with each such entry's ``start_time`` moved by the draw's offset
  and ``exact_times=1`` (so the reader's exact expansion builds it, not our draw code), routed by
  the time-expanded networkx graph; every draw's departures pooled and sorted in the test: the
  percentiles equal ours, by the backward and by the forward search;
- analytic: one line every H seconds, the origin at its first stop: over many draws × minutes
  the mean wait is (H - 1) / 2 (offsets are whole seconds) and no wait reaches H;
- hypothesis: any feed, any seed: the drawn trips of an entry leave at start + offset + k·H
  before end_time, and nothing else moves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transit_oracle import DAY, TimeExpandedGraph, csv, hms, random_feed, write_feed

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.transit import (
    build_timetable,
    range_arrivals,
    read_gtfs,
    transit_service_times,
)
from capacitymetro_plugin.core.transit.frequencies import draw_timetable
from capacitymetro_plugin.core.transit.raptor import UNREACHED
from capacitymetro_plugin.core.transit.street import walks

PCT = (5.0, 25.0, 50.0, 75.0, 95.0, 100.0)


def _pts(lonlat):
    import geopandas as gpd
    import shapely

    lonlat = np.asarray(lonlat, float)
    return gpd.GeoDataFrame(geometry=shapely.points(lonlat[:, 0], lonlat[:, 1]), crs=4326)


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def _tt(tmp_path, tables, name="feed"):
    return build_timetable(read_gtfs(write_feed(tmp_path / name, tables), feed_id="x"), date=DAY)


def _as_exact(tables: dict, shift_by_entry: dict | None = None) -> dict:
    """The same feed with every frequency row exact; ``{(trip, start_s): offset}`` moves the
    start_time of those rows (the oracle's way of writing one draw)."""
    out = dict(tables)
    rows = []
    for trip, start, end, headway, _exact in _rows(tables["frequencies.txt"]):
        s0 = int(sum(int(x) * m for x, m in zip(start.split(":"), (3600, 60, 1))))
        off = (shift_by_entry or {}).get((trip, s0), 0)
        rows.append((trip, hms(s0 + off), end, headway, 1))
    out["frequencies.txt"] = csv("trip_id,start_time,end_time,headway_secs,exact_times", rows)
    return out


def _nearest_rank(values: np.ndarray, p: float) -> float:
    srt = np.sort(values)
    return float(srt[min(max(math.ceil(p / 100 * srt.size) - 1, 0), srt.size - 1)])


# --- no exact_times=0 entries, or no draws: today's results ---------------------------------------
def test_no_draws_or_no_unknown_phase_gives_todays_minutes(tmp_path):
    tables = random_feed(2)
    assert any(r[4] == "0" for r in _rows(tables["frequencies.txt"]))  # F0 is exact_times=0
    tt0 = _tt(tmp_path, tables, "zero")
    tt1 = _tt(tmp_path, _as_exact(tables), "exact")
    assert tt0.frequency_entries is not None and tt0.frequency_entries.n_entries == 1
    assert tt1.frequency_entries is None
    # the expansion itself is unchanged: the same trips at the same times
    for name in ("trip_id", "trip_offsets", "st_stop", "st_arr", "st_dep"):
        np.testing.assert_array_equal(getattr(tt0, name), getattr(tt1, name))
    lonlat = np.column_stack([tt0.stop_lon, tt0.stop_lat])
    origins, services = _pts(lonlat[:6] + 0.0004), _pts(lonlat[6:9] - 0.0003)
    kw = dict(
        departure_start_s=7 * 3600, departure_end_s=9 * 3600, step_s=300, percentiles=PCT,
        groups={"all": [0, 1, 2]}, max_direct_walk_min=30,
    )  # fmt: skip
    today = transit_service_times(tt1, origins, services, **kw)
    for tt, draws in ((tt0, 0), (tt1, 7)):
        got = transit_service_times(tt, origins, services, frequency_draws=draws, **kw)
        np.testing.assert_array_equal(got.by_percentile, today.by_percentile)
        np.testing.assert_array_equal(got.group_minutes["all"], today.group_minutes["all"])
        assert got.frequency_draws == 0 and got.frequency_offsets.size == 0
    # the output says the phases were taken as exact, in both languages
    note = transit_service_times(tt0, origins, services, **kw).notes[-1]
    assert "exact_times=0" in note and "frequency_draws" in note and "trattati" in note


# --- oracle 1: per draw, the time-expanded graph on a feed written with that draw ----------------
@pytest.mark.parametrize(("seed", "max_rides"), [(0, None), (4, 2), (6, None)])
def test_pooled_draws_equal_the_time_expanded_graph(tmp_path, monkeypatch, seed, max_rides):
    tables = random_feed(seed)
    tt = _tt(tmp_path, tables)
    fe = tt.frequency_entries
    assert fe is not None and fe.n_entries >= 1
    # origins and services next to the stops of the exact_times=0 line
    first = tt.trip_offsets[np.flatnonzero(fe.trip_entry >= 0)[0]]
    last = tt.trip_offsets[np.flatnonzero(fe.trip_entry >= 0)[0] + 1]
    line = tt.st_stop[first:last]
    lonlat = np.column_stack([tt.stop_lon, tt.stop_lat])
    o_ll = np.r_[lonlat[line[:2]] + 0.0003, lonlat[[3]] - 0.0002]
    s_ll = np.r_[lonlat[line[-2:]] - 0.0003, lonlat[[5]] + 0.0002]
    w0, w1, step = int(fe.start_s[0]) - 600, int(fe.start_s[0]) + 3600, 300
    deps = np.arange(w0, w1, step)
    n_draws = 4
    kw = dict(
        departure_start_s=w0, departure_end_s=w1, step_s=step, percentiles=PCT,
        groups={"all": [0, 1, 2]}, max_rides=max_rides, max_walk_min=8,
        max_direct_walk_min=20, frequency_draws=n_draws, seed=seed + 11,
    )  # fmt: skip
    back = transit_service_times(tt, _pts(o_ll), _pts(s_ll), method="backward", **kw)
    fwd = transit_service_times(tt, _pts(o_ll), _pts(s_ll), method="forward", **kw)
    assert back.frequency_draws == n_draws and back.frequency_offsets.shape == (n_draws, 1)
    assert "ESTIMATE" in back.notes[-1] and "STIMA" in back.notes[-1]
    np.testing.assert_array_equal(back.frequency_offsets, fwd.frequency_offsets)
    np.testing.assert_array_equal(back.by_percentile, fwd.by_percentile)
    np.testing.assert_array_equal(back.group_minutes["all"], fwd.group_minutes["all"])
    # one origin per block: every block reads the same draws (kept profiles / timetables)
    from capacitymetro_plugin.core.transit import costs

    monkeypatch.setattr(costs, "_BLOCK_VALUES", n_draws * deps.size * len(s_ll))
    for method in ("backward", "forward"):
        small = transit_service_times(tt, _pts(o_ll), _pts(s_ll), method=method, **kw)
        np.testing.assert_array_equal(small.by_percentile, back.by_percentile)
    monkeypatch.undo()

    pooled = np.full((n_draws * deps.size, len(o_ll), len(s_ll)), np.inf)
    for d, offs in enumerate(back.frequency_offsets):
        shift = {
            (str(fe.trip[e]).split(":", 1)[1], int(fe.start_s[e])): int(offs[e])
            for e in range(fe.n_entries)
        }
        tt_d = _tt(tmp_path, _as_exact(tables, shift), f"draw{d}")
        w = walks(tt_d, o_ll, s_ll, max_walk_s=8 * 60, max_direct_walk_s=20 * 60)
        graph = TimeExpandedGraph(tt_d, w.footpaths, max_rides=max_rides)
        a_pt, a_stop, a_s = (np.asarray(x) for x in w.access)
        e_pt, e_stop, e_s = (np.asarray(x) for x in w.egress)
        for i, dep in enumerate(deps):
            for o in range(len(o_ll)):
                sel = a_pt == o
                ride = np.full(tt_d.n_stops, np.inf)
                if sel.any():
                    _, ride = graph.arrivals(a_stop[sel], a_s[sel], int(dep))
                for j in range(len(s_ll)):
                    m = e_pt == j
                    via = min((ride[s] + x for s, x in zip(e_stop[m], e_s[m])), default=np.inf)
                    pooled[d * deps.size + i, o, j] = min(w.direct_s[o, j], via - dep)
    for k, p in enumerate(PCT):
        want = np.array(
            [[_nearest_rank(pooled[:, o, j], p) for o in range(len(o_ll))] for j in range(3)]
        )
        np.testing.assert_array_equal(back.by_percentile[k], (want / 60.0).astype(np.float32))
        near = [_nearest_rank(pooled[:, o, :].min(axis=1), p) / 60.0 for o in range(len(o_ll))]
        np.testing.assert_array_equal(back.group_minutes["all"][k], near)
    # not vacuous: the draws reach the services by transit and change some percentile
    assert np.isfinite(pooled).mean() > 0.5
    exact = transit_service_times(tt, _pts(o_ll), _pts(s_ll), **{**kw, "frequency_draws": 0})
    assert not np.array_equal(exact.by_percentile, back.by_percentile)


def test_same_seed_same_draws_other_seed_other_draws(tmp_path):
    tt = _tt(tmp_path, random_feed(0))
    a = [draw_timetable(tt, np.random.default_rng(5)).frequency_offsets for _ in range(2)]
    np.testing.assert_array_equal(a[0], a[1])
    rng = np.random.default_rng(5)
    many = np.array([draw_timetable(tt, rng).frequency_offsets for _ in range(20)])
    assert len(np.unique(many)) > 10  # a generator moves on from draw to draw


# --- oracle 2: analytic, one line every H seconds ------------------------------------------------
def _one_line(headway: int, ride_s: int) -> dict[str, str]:
    stops = [("A", "A", "45.490000", "12.200000"), ("B", "B", "45.490000", "12.300000")]
    return {
        "agency.txt": csv("agency_id,agency_name,agency_url,agency_timezone", [("A", "Ag", "http://x", "Europe/Rome")]),
        "stops.txt": csv("stop_id,stop_name,stop_lat,stop_lon", stops),
        "routes.txt": csv("route_id,agency_id,route_short_name,route_type", [("R", "A", "1", 3)]),
        "trips.txt": csv("route_id,service_id,trip_id", [("R", "WK", "L")]),
        "stop_times.txt": csv(
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence",
            [("L", "00:00:00", "00:00:00", "A", 1), ("L", hms(ride_s), hms(ride_s), "B", 2)],
        ),
        "calendar.txt": csv("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date", [("WK", 1, 1, 1, 1, 1, 1, 1, "20250101", "20261231")]),
        "frequencies.txt": csv("trip_id,start_time,end_time,headway_secs,exact_times", [("L", "06:00:00", "12:00:00", headway, 0)]),
    }  # fmt: skip


def test_mean_wait_is_half_the_headway_and_never_a_headway(tmp_path):
    """Origin at stop A, service at stop B (7.8 km east: no walking): time = wait + ride.

    Waits are ``(06:00 + offset - departure) mod H`` with a whole-second offset uniform in
    [0, H), so each is uniform on 0..H-1: mean (H - 1) / 2 = 299.5 s for H = 600. The 60
    minutes of one draw share its offset and, H being 10 minutes, visit the 10 phases
    ``(offset - 60 k) mod 600`` six times each: a draw's mean wait is 270 + (offset mod 60),
    uniform on 270..329, standard deviation √((60² - 1) / 12) = 17.3 s. Over 400 draws the mean's
    standard deviation is 17.3 / √400 = 0.87 s; the tolerance of 5 s is 5.8 of them (a false
    failure has odds below 1e-8), while the exact expansion (offset 0, no draws) gives 270 s,
    34 standard deviations away.
    """
    headway, ride = 600, 420
    tt = _tt(tmp_path, _one_line(headway, ride))
    a, b = (int(i) for i in tt.stop_index(["x:A", "x:B"]))
    w0, w1 = 8 * 3600, 9 * 3600
    deps = np.arange(w0, w1, 60)
    rng = np.random.default_rng(16)
    waits = []
    for _ in range(400):
        drawn = draw_timetable(tt, rng)
        res = range_arrivals(
            drawn, origin_stops=[a], access_s=[0.0], departure_start_s=w0, departure_end_s=w1
        )
        arr = res.ride_arrival_s[:, b]
        assert (arr < UNREACHED).all()
        waits.append(arr - deps - ride)
    waits = np.concatenate(waits)
    assert waits.min() >= 0 and waits.max() <= headway - 1  # never a whole headway
    assert abs(waits.mean() - (headway - 1) / 2) < 5.0
    assert len(np.unique(waits)) > 500  # the phases are really random, to the second
    res = range_arrivals(tt, origin_stops=[a], access_s=[0.0], departure_start_s=w0,
                         departure_end_s=w1)  # fmt: skip
    assert (res.ride_arrival_s[:, b] - deps - ride).mean() == 270.0  # as exact: not H / 2
    # the same through the cost interface: pooled percentiles of wait + ride
    pct = tuple(float(p) for p in range(1, 101))
    got = transit_service_times(
        tt, _pts([(12.2, 45.49)]), _pts([(12.3, 45.49)]), departure_start_s=w0,
        departure_end_s=w1, percentiles=pct, frequency_draws=400, seed=16,
        max_direct_walk_min=1, method="forward",
    )  # fmt: skip
    wait_pct = got.by_percentile[:, 0, 0].astype(float) * 60 - ride
    assert wait_pct[0] >= 0 and wait_pct[-1] <= headway - 1 + 1e-3
    np.testing.assert_allclose(
        wait_pct, [_nearest_rank(waits, p) for p in pct], atol=1e-3
    )  # the same draws (same seed), pooled the same way
    assert abs(wait_pct[49] - headway / 2) <= 60  # the median, within a departure step


def test_one_departure_waits_are_uniform_over_the_headway(tmp_path):
    """One departure per draw (08:00): the wait is the drawn phase itself, uniform on 0..H-1.
    (Over a window of whole minutes a draw's mean wait depends on its offset only modulo the
    step, so the test above cannot see how the phases are spread; this one can.)

    2,000 draws: the mean's standard deviation is √((H² - 1) / 12) / √2000 = 3.9 s for H = 600;
    tolerance 20 s (5.2 of them). The empirical distribution of the waits is within the
    Dvoretzky-Kiefer-Wolfowitz bound √(ln(2 / α) / (2 n)) = 0.060 of the uniform (α = 1e-6) at
    every second of the headway.
    """
    headway, ride, n = 600, 420, 2000
    tt = _tt(tmp_path, _one_line(headway, ride))
    a, b = (int(i) for i in tt.stop_index(["x:A", "x:B"]))
    rng = np.random.default_rng(3)
    waits = np.empty(n)
    for k in range(n):
        res = range_arrivals(
            draw_timetable(tt, rng), origin_stops=[a], access_s=[0.0],
            departure_start_s=8 * 3600, departure_end_s=8 * 3600 + 60,
        )  # fmt: skip
        waits[k] = res.ride_arrival_s[0, b] - 8 * 3600 - ride
    assert waits.min() >= 0 and waits.max() <= headway - 1
    assert abs(waits.mean() - (headway - 1) / 2) < 20.0
    grid = np.arange(headway)
    ecdf = np.searchsorted(np.sort(waits), grid, side="right") / n
    assert np.abs(ecdf - (grid + 1) / headway).max() < math.sqrt(math.log(2 / 1e-6) / (2 * n))


# --- hypothesis: what a draw moves, and what it does not -----------------------------------------
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(feed_seed=st.integers(0, 7), draw_seed=st.integers(0, 2**31))
def test_a_draw_moves_only_unknown_phase_trips_by_their_offset(tmp_path, feed_seed, draw_seed):
    tt = _tt(tmp_path, random_feed(feed_seed), f"f{feed_seed}")
    fe = tt.frequency_entries
    drawn = draw_timetable(tt, np.random.default_rng(draw_seed))
    offs = drawn.frequency_offsets
    assert ((offs >= 0) & (offs < fe.headway_s)).all()

    def trips(t, keep):
        out = {}
        for i in range(t.n_trips):
            if keep(t.trip_id[i]):
                a, b = t.trip_offsets[i], t.trip_offsets[i + 1]
                out[t.trip_id[i]] = (tuple(t.st_stop[a:b]), tuple(t.st_dep[a:b] - t.st_dep[a]))
        return out

    moved = {str(t).split("@")[0] for t in fe.trip}
    fixed = lambda tid: tid.split("@")[0] not in moved  # noqa: E731
    assert trips(drawn, fixed) == trips(tt, fixed)  # timetabled and exact_times=1: untouched
    for e in range(fe.n_entries):
        mine = lambda tid, e=e: tid.split("@")[0] == fe.trip[e]  # noqa: E731
        starts = sorted(
            int(drawn.st_dep[drawn.trip_offsets[i]]) for i in range(drawn.n_trips)
            if mine(drawn.trip_id[i])
        )  # fmt: skip
        want = list(range(int(fe.start_s[e] + offs[e]), int(fe.end_s[e]), int(fe.headway_s[e])))
        assert starts == want
        shapes = set(trips(drawn, mine).values()) | set(trips(tt, mine).values())
        assert len(shapes) == 1  # the same stops and running times, only later


def test_bad_draws_and_seed_are_named_in_both_languages(tmp_path):
    tt = _tt(tmp_path, random_feed(0))
    kw = dict(departure_start_s=7 * 3600, departure_end_s=8 * 3600)
    pts = _pts([(12.25, 45.495)])
    for bad in ({"frequency_draws": -1}, {"frequency_draws": 2.5}, {"seed": "x"}):
        with pytest.raises(InputError) as err:
            transit_service_times(tt, pts, pts, **kw, **bad)
        name = next(iter(bad))
        assert name in err.value.message and name in err.value.message_it


# --- the CLI's [transit] section and step -------------------------------------------------------
def test_config_reads_and_checks_frequency_draws_and_seed():
    from capacitymetro_plugin.batch.config import config_from_dict

    area = {"key": "mestre", "comuni": ["027042"]}
    sec = {"feeds": ["a.zip"], "date": "2025-11-19"}
    t = config_from_dict({"area": area, "transit": sec}).transit
    assert (t.frequency_draws, t.seed) == (0, 0)
    t = config_from_dict(
        {"area": area, "transit": {**sec, "frequency_draws": 10, "seed": 7}}
    ).transit
    assert (t.frequency_draws, t.seed) == (10, 7)
    for key, bad in (("frequency_draws", -1), ("frequency_draws", 2.5), ("frequency_draws", "5"),
                     ("frequency_draws", True), ("seed", -3), ("seed", "abc")):  # fmt: skip
        with pytest.raises(InputError) as err:
            config_from_dict({"area": area, "transit": {**sec, key: bad}})
        assert f"[transit] {key} = {bad!r}" in err.value.message
        assert "numero intero" in err.value.message_it


def test_pipeline_step_with_draws_equals_the_core_call_and_says_estimate(tmp_path):
    """The CLI's transit step with frequency_draws gives the core call's minutes (same seed)
    and says, in its notes and numbers, that they are an estimate from the draws."""
    import geopandas as gpd
    import shapely

    from capacitymetro_plugin.batch.config import Config, TransitConfig
    from capacitymetro_plugin.batch.pipeline import Summary, step_transit
    from capacitymetro_plugin.core.progress import Progress

    write_feed(tmp_path / "gtfs", random_feed(0), as_zip=False)
    tt = _tt(tmp_path, random_feed(0))
    lon, lat = np.meshgrid(np.arange(12.241, 12.257, 0.003), np.arange(45.491, 45.503, 0.003))
    pts = gpd.GeoSeries(shapely.points(lon.ravel(), lat.ravel()), crs=4326).to_crs(32633)
    cells = gpd.GeoDataFrame(
        {"zone": np.where(lon.ravel() < 12.249, "west", "east"), "pop_total": 100.0,
         "foreign": np.arange(pts.size, dtype=float) + 1},
        geometry=pts.buffer(50, cap_style="square"), crs=32633,
    )  # fmt: skip
    zones = cells.dissolve("zone").reset_index()[["zone", "geometry"]]
    line = tt.st_stop[tt.trip_offsets[np.flatnonzero(tt.frequency_entries.trip_entry >= 0)[0]]]
    svc_ll = [(tt.stop_lon[line] + 0.0003, tt.stop_lat[line]), (12.2405, 45.4905)]
    services = _pts(svc_ll).assign(service_id=["A", "B"], sectors=["health", "reception"])
    start = int(tt.frequency_entries.start_s[0])
    config = Config(
        key="test", name="Test", comuni=["027042"], province="027", sectors=["all", "health"],
        thresholds_min=[10, 20], standard_min=20,
        transit=TransitConfig(feeds=["gtfs"], date=DAY.isoformat(), window_start=hms(start),
                              window_end=hms(start + 1800), step_min=2, frequency_draws=6,
                              seed=3),
    )  # fmt: skip
    summary = Summary(config=config, out_dir=tmp_path / "out")
    summary.out_dir.mkdir()
    times = step_transit(config, tmp_path, None, services, cells, zones, summary, Progress())
    direct = transit_service_times(
        tt, cells.assign(geometry=cells.centroid), services, departure_start_s=start,
        departure_end_s=start + 1800, step_s=120, groups={"health": [0]}, cutoff_min=40,
        frequency_draws=6, seed=3,
    )  # fmt: skip
    np.testing.assert_array_equal(times.minutes, direct.minutes)
    assert summary.numbers["transit_frequency_draws"] == 6
    assert "estimate over 6 random draws" in summary.numbers["transit_window"]
    assert any("ESTIMATE" in n and "STIMA" in n for n in summary.notes)


def test_the_previous_days_entry_draws_its_own_phase(tmp_path):
    """An entry 23:00-25:00 runs today and, from yesterday, past midnight (times −24 h): two
    entries with two phases, each moving only its own trips."""
    tables = _one_line(600, 420)
    tables["frequencies.txt"] = csv(
        "trip_id,start_time,end_time,headway_secs,exact_times", [("L", "23:00:00", "25:00:00", 600, 0)]
    )  # fmt: skip
    tt = _tt(tmp_path, tables)
    fe = tt.frequency_entries
    assert fe.n_entries == 2 and sorted(fe.previous_day.tolist()) == [False, True]
    prev = int(np.flatnonzero(fe.previous_day)[0])
    assert fe.start_s[prev] == 23 * 3600 - 86_400 and fe.end_s[prev] == 3600
    drawn = draw_timetable(tt, np.random.default_rng(0))
    offs = drawn.frequency_offsets
    assert offs[0] != offs[1]
    for e in range(2):
        tail = "~prev" if fe.previous_day[e] else ""
        starts = sorted(
            int(drawn.st_dep[drawn.trip_offsets[i]]) for i in range(drawn.n_trips)
            if drawn.trip_id[i].endswith("~prev") == bool(tail)
        )  # fmt: skip
        # yesterday's trips that end before midnight at the exact phase are not in the day
        first = min(int(tt.st_dep[tt.trip_offsets[i]]) for i in range(tt.n_trips)
                    if tt.trip_id[i].endswith("~prev") == bool(tail))  # fmt: skip
        want = list(range(first + int(offs[e]), int(fe.end_s[e]), 600))
        assert starts == want
        assert all(t.startswith("x:L@") for t in drawn.trip_id)
