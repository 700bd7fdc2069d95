"""RAPTOR against the brute-force time-expanded graph on random synthetic feeds (frequencies,
times past 24:00, calendar_dates, a parent station, transfers.txt), and range RAPTOR against
independent single-departure runs."""

import numpy as np
import pytest
from transit_oracle import DAY, TimeExpandedGraph, random_feed, write_feed

from capacitymetro_plugin.core.transit import (
    build_timetable,
    earliest_arrival,
    footpaths_straight_line,
    range_arrivals,
    read_gtfs,
    travel_time_matrix,
)
from capacitymetro_plugin.core.transit.raptor import UNREACHED, nearest_rank_percentiles


def _feed(tmp_path, seed):
    feed = read_gtfs(write_feed(tmp_path / f"f{seed}", random_feed(seed)), feed_id="x")
    tt = build_timetable(feed, date=DAY)
    return tt, footpaths_straight_line(tt, max_walk_s=600)


def _inf(a):
    a = a.astype(float)
    a[a >= UNREACHED] = np.inf
    return a


@pytest.mark.parametrize("max_rides", [None, 1, 2])
@pytest.mark.parametrize("seed", range(4))
def test_raptor_equals_time_expanded_dijkstra(tmp_path, seed, max_rides):
    tt, fp = _feed(tmp_path, seed)
    graph = TimeExpandedGraph(tt, fp, max_rides=max_rides)
    rng = np.random.default_rng(100 + seed)
    reached = 0
    for _ in range(15):
        origins = rng.choice(tt.n_stops, size=2, replace=False)
        access = rng.integers(0, 300, size=2)
        dep = int(rng.integers(6 * 3600, 27 * 3600))
        want_any, want_ride = graph.arrivals(origins, access, dep)
        got = earliest_arrival(
            tt, origin_stops=origins, access_s=access, departure_s=dep,
            max_rides=max_rides, footpaths=fp,
        )  # fmt: skip
        np.testing.assert_array_equal(_inf(got), want_any)
        reached += int(np.isfinite(want_ride).sum())
    assert reached > 20  # the comparison is not between two empty results


def test_range_raptor_equals_single_departures_and_percentiles(tmp_path):
    tt, fp = _feed(tmp_path, 7)
    origins, access = np.array([3, 6]), np.array([30, 200])
    res = range_arrivals(
        tt, origin_stops=origins, access_s=access, departure_start_s=7 * 3600,
        departure_end_s=8 * 3600, max_rides=None, footpaths=fp,
    )  # fmt: skip
    for j, dep in enumerate(res.departures_s):
        one = earliest_arrival(
            tt, origin_stops=origins, access_s=access, departure_s=int(dep),
            max_rides=None, footpaths=fp,
        )  # fmt: skip
        np.testing.assert_array_equal(res.arrival_s[j], one)
    tt_s = res.travel_time_s()
    p = nearest_rank_percentiles(tt_s, [5, 50, 95])
    srt = np.sort(tt_s, axis=0)
    np.testing.assert_array_equal(p[1], srt[29])  # ceil(0.5 * 60) - 1
    np.testing.assert_array_equal(p[0], srt[2])  # ceil(0.05 * 60) - 1
    np.testing.assert_array_equal(p[2], srt[56])  # ceil(0.95 * 60) - 1


def test_matrix_includes_direct_walk_and_transit(tmp_path):
    tt, fp = _feed(tmp_path, 2)
    o = np.column_stack([tt.stop_lon[[0]], tt.stop_lat[[0]]])
    d = np.column_stack([tt.stop_lon, tt.stop_lat])
    m = travel_time_matrix(
        tt, origins_lonlat=o, destinations_lonlat=d, departure_start_s=7 * 3600,
        departure_end_s=8 * 3600, max_direct_walk_s=300, footpaths=fp,
    )  # fmt: skip
    assert m.minutes.shape == (5, 1, tt.n_stops)
    assert m.minutes[2, 0, 0] == 0.0  # the origin is the first destination
    assert np.all(np.diff(m.minutes[:, 0, :], axis=0)[np.isfinite(m.minutes[1:, 0, :])] >= 0)
    near = travel_time_matrix(
        tt, origins_lonlat=o, destinations_lonlat=d[1:], departure_start_s=7 * 3600,
        departure_end_s=8 * 3600, nearest=True, footpaths=fp,
    )  # fmt: skip
    assert near.minutes.shape == (5, 1, 1)
