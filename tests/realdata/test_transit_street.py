"""Door-to-door transit on a real street network (Venice's walking network) against an oracle.

The feed is synthetic (random routes from tests/unit/transit, its stops moved onto Venice's
streets, plus one stop out in the lagoon); there is no GTFS for a place where we also have a
street network. The oracle is independent of core/transit/street.py and of core/access:
networkx Dijkstra on the street graph (brute-force nearest node) gives every walk — to stops,
between stops, from stops, all the way — and the networkx time-expanded graph of
tests/unit/transit gives the rides. Door-to-door times per departure, then their percentiles by
a direct sort, must equal transit_service_times to the second.
"""

import math
import sys
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress
from capacitymetro_plugin.core.transit import (
    build_timetable,
    read_gtfs,
    stops_on_network,
    transit_service_times,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "transit"))
from transit_oracle import DAY, TimeExpandedGraph, csv, random_feed, write_feed  # noqa: E402

pytestmark = pytest.mark.realdata
SPEED = 4.5 / 3.6
MAX_WALK, MAX_DIRECT = 600.0, 1200.0
DEP0, DEP1, STEP = 8 * 3600, 8 * 3600 + 20 * 60, 120
PCT = (5, 50, 95)


class Oracle:
    """Walks by networkx on the street graph, rides by the time-expanded graph."""

    def __init__(self, network, tt):
        self.net = network
        self.G = nx.DiGraph()
        for t, h, w in zip(network.tail.tolist(), network.head.tolist(), network.time_s.tolist()):
            if t != h and (not self.G.has_edge(t, h) or self.G[t][h]["weight"] > w):
                self.G.add_edge(t, h, weight=w)
        self.R = self.G.reverse(copy=True)
        self.to_xy = Transformer.from_crs(4326, network.crs, always_xy=True)
        self.stop_node, self.stop_conn = self.snap(tt.stop_lon, tt.stop_lat)
        self.tt = tt

    def snap(self, lon, lat):
        """Brute-force nearest node; connector seconds (inf beyond 250 m)."""
        x, y = self.to_xy.transform(np.asarray(lon, float), np.asarray(lat, float))
        d2 = (self.net.x[None, :] - x[:, None]) ** 2 + (self.net.y[None, :] - y[:, None]) ** 2
        node = d2.argmin(axis=1)
        dist = np.sqrt(d2[np.arange(node.size), node])
        return node, np.where(dist <= 250.0, dist / SPEED, np.inf)

    def walk(self, graph, node, conn, limit):
        """{stop: seconds} from one point to stops (graph) or from stops to it (reversed)."""
        if not math.isfinite(conn):
            return {}
        d = nx.single_source_dijkstra_path_length(graph, int(node), cutoff=limit, weight="weight")
        out = {}
        for s in range(self.tt.n_stops):
            sn, sc = int(self.stop_node[s]), self.stop_conn[s]
            if sn in d and math.isfinite(sc):
                secs = math.ceil(conn + d[sn] + sc - 1e-9)
                if secs <= limit:
                    out[s] = secs
        return out

    def footpaths(self):
        frm, to, walk = [], [], []
        for a in range(self.tt.n_stops):
            for b, s in self.walk(self.G, self.stop_node[a], self.stop_conn[a], MAX_WALK).items():
                if b != a:
                    frm.append(a)
                    to.append(b)
                    walk.append(s)

        class FP:  # what TimeExpandedGraph reads
            pass

        fp = FP()
        fp.frm, fp.to, fp.walk_s = np.array(frm), np.array(to), np.array(walk)
        fp.change_s = np.zeros(self.tt.n_stops, dtype=np.int64)
        return fp

    def times(self, o_ll, s_ll, max_rides):
        """(n_departures, n_origins, n_services) door-to-door seconds."""
        teg = TimeExpandedGraph(self.tt, self.footpaths(), max_rides=max_rides)
        o_node, o_conn = self.snap(o_ll[:, 0], o_ll[:, 1])
        s_node, s_conn = self.snap(s_ll[:, 0], s_ll[:, 1])
        egress = [self.walk(self.R, s_node[j], s_conn[j], MAX_WALK) for j in range(len(s_ll))]
        deps = np.arange(DEP0, DEP1, STEP)
        out = np.full((deps.size, len(o_ll), len(s_ll)), np.inf)
        for i in range(len(o_ll)):
            acc = self.walk(self.G, o_node[i], o_conn[i], MAX_WALK)
            direct = {}
            if math.isfinite(o_conn[i]):
                d = nx.single_source_dijkstra_path_length(self.G, int(o_node[i]), weight="weight")
                for j in range(len(s_ll)):
                    if int(s_node[j]) in d and math.isfinite(s_conn[j]):
                        secs = math.ceil(o_conn[i] + d[int(s_node[j])] + s_conn[j] - 1e-9)
                        direct[j] = secs if secs <= MAX_DIRECT else math.inf
            for k, dep in enumerate(deps):
                ride = np.full(self.tt.n_stops, np.inf)
                if acc:
                    _, ride = teg.arrivals(list(acc), list(acc.values()), int(dep))
                for j in range(len(s_ll)):
                    best = direct.get(j, math.inf)
                    for s, e in egress[j].items():
                        best = min(best, ride[s] + e - dep)
                    out[k, i, j] = best
        return out


def pct_by_sort(times_s, p):
    srt = np.sort(times_s, axis=0)
    return srt[max(math.ceil(p / 100 * srt.shape[0]) - 1, 0)]


@pytest.fixture(scope="module")
def feed(venice, tmp_path_factory):
    """random_feed(seed) with its stops on random Venice nodes and one stop in the lagoon."""
    rng = np.random.default_rng(7)
    to_ll = Transformer.from_crs(venice.crs, 4326, always_xy=True)
    cx, cy = np.median(venice.x), np.median(venice.y)
    # nodes of the main walking part (islands are parts of their own: core/network/build.py)
    main = int(np.argmax(venice.part_sizes))
    near = np.flatnonzero(
        (np.hypot(venice.x - cx, venice.y - cy) < 500) & (venice.part_labels == main)
    )
    tables = random_feed(3, n_stops=14, n_routes=7)
    del tables["transfers.txt"]  # the oracle's stops have no change times
    rows = []
    for i in range(14):
        n = int(rng.choice(near))
        lon, lat = to_ll.transform(venice.x[n] + rng.uniform(-15, 15), venice.y[n] + 40.0)
        rows.append((f"S{i}", f"Stop {i}", f"{lat:.7f}", f"{lon:.7f}", 0, "ST" if i < 2 else ""))
    lon0, lat0 = to_ll.transform(venice.x[near[0]], venice.y[near[0]])
    rows.append(("ST", "Station", f"{lat0:.7f}", f"{lon0:.7f}", 1, ""))
    rows.append(("SX", "Lagoon buoy", "45.3900000", "12.4300000", 0, ""))
    tables["stops.txt"] = csv(
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station", rows
    )
    path = write_feed(tmp_path_factory.mktemp("feed"), tables)
    tt = build_timetable(read_gtfs(path, feed_id="syn"), date=DAY)
    return tt, near, to_ll


def _points(venice, nodes, to_ll, rng):
    lon, lat = to_ll.transform(venice.x[nodes] + rng.uniform(-20, 20, nodes.size), venice.y[nodes])
    return gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs=4326)


@pytest.mark.parametrize("max_rides", [None, 1])
def test_street_door_to_door_equals_networkx(venice, feed, max_rides):
    tt, near, to_ll = feed
    rng = np.random.default_rng(11)
    origins = _points(venice, rng.choice(near, 8), to_ll, rng)
    services = _points(venice, rng.choice(near, 4), to_ll, rng)
    got = transit_service_times(
        tt, origins, services, network=venice, departure_start_s=DEP0, departure_end_s=DEP1,
        step_s=STEP, percentiles=PCT, percentile=50, groups={"g": [0, 2, 3]},
        max_rides=max_rides, max_walk_min=MAX_WALK / 60, max_direct_walk_min=MAX_DIRECT / 60,
    )  # fmt: skip
    assert got.walk_source == "street"
    oracle = Oracle(venice, tt)
    o_ll = np.column_stack([origins.geometry.x, origins.geometry.y])
    s_ll = np.column_stack([services.geometry.x, services.geometry.y])
    want = oracle.times(o_ll, s_ll, max_rides)  # (deps, origins, services)
    for k, p in enumerate(PCT):
        # minutes are float32 in the cost table: compare whole seconds
        secs = np.round(got.by_percentile[k].astype(float) * 60.0)
        np.testing.assert_array_equal(secs, pct_by_sort(want, p).T)
        nearest = pct_by_sort(want[:, :, [0, 2, 3]].min(axis=2), p)
        np.testing.assert_array_equal(np.round(got.group_minutes["g"][k] * 60.0), nearest)
    # transit is used: door-to-door times beat walking all the way (0 rides) in a share of the
    # trips, so the equality above covers rides, not walks alone (18 of 320 with this draw on the
    # network with every part kept; 10 % floor before the islands were kept, 5 % now)
    walk_only = oracle.times(o_ll, s_ll, 0)
    faster = (want < walk_only).sum()
    assert faster >= 0.05 * want.size, (faster, want.size)
    np.testing.assert_array_equal(got.nearest_minutes([0, 2, 3]), got.group_minutes["g"][1])


def test_stops_off_the_network_are_named(venice, feed):
    tt, _, _ = feed
    on = stops_on_network(venice, tt)
    sx = int(np.flatnonzero(tt.stop_id == "syn:SX")[0])
    assert on.off_network[sx] and on.off_network.sum() == 1
    assert "syn:SX (Lagoon buoy)" in on.warnings[0] and "fermate" in on.warnings[0]


def test_window_without_service_is_a_named_error(venice, feed):
    tt, near, to_ll = feed
    rng = np.random.default_rng(1)
    pts = _points(venice, near[:3], to_ll, rng)
    with pytest.raises(InputError) as err:  # 03:00-03:30: nothing runs (nor 3 h after)
        transit_service_times(
            tt, pts, pts, network=venice, departure_start_s=-20 * 3600,
            departure_end_s=-19 * 3600,
        )  # fmt: skip
    assert "No transit runs" in err.value.message and "Nessun mezzo" in err.value.message_it


def test_cancel_stops_between_origins(venice, feed):
    from capacitymetro_plugin.core.errors import Canceled

    tt, near, to_ll = feed
    pts = _points(venice, near[:3], to_ll, np.random.default_rng(2))
    with pytest.raises(Canceled):
        transit_service_times(
            tt, pts, pts, network=venice, departure_start_s=DEP0, departure_end_s=DEP1,
            progress=Progress(is_canceled=lambda: True),
        )  # fmt: skip


def test_footpaths_equal_networkx_and_are_cached(venice, feed):
    from capacitymetro_plugin.core.transit import street_footpaths

    tt, _, _ = feed
    on = stops_on_network(venice, tt)
    fp = street_footpaths(venice, tt, on, max_walk_s=MAX_WALK)
    assert fp is street_footpaths(venice, tt, on, max_walk_s=MAX_WALK)  # once per network+feed
    assert fp.source == "street+straight_line"  # the lagoon stop joins by straight lines
    ref = Oracle(venice, tt).footpaths()
    want = set(zip(ref.frm.tolist(), ref.to.tolist(), ref.walk_s.tolist()))
    street = ~(on.off_network[fp.frm] | on.off_network[fp.to])
    got = set(zip(fp.frm[street].tolist(), fp.to[street].tolist(), fp.walk_s[street].tolist()))
    assert got == want and len(want) > 10
