"""Venice water buses by headway (core/transit/ferries.py) against an independent oracle.

The lines are real: OSM route=ferry ways of the 2009 Venice extract, read here with GDAL's OSM
driver (pyogrio), not with our osmium reader, and the 121 piers of
venezia_fermate_vaporetto_2018.geojson. The oracle knows nothing of GTFS, frequencies.txt,
RAPTOR or street.walks: departures are computed arithmetically (service start + k × headway +
the offset of the pier), and a time-dependent Dijkstra (heapq) runs on a networkx graph of
states: "walked to a pier", "got off at a pier", the origin. Walks are networkx Dijkstra on the
street graph with a brute-force nearest node (the Oracle of test_transit_street.py). Walking
legs keep RAPTOR's rules: access, one footpath after a ride, egress, each within the walk
limit; or walking all the way.
"""

import heapq
import math
import sys
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from shapely.ops import substring

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.transit import (
    build_timetable,
    ferry_lines,
    read_ferry_ways,
    read_gtfs,
    transit_service_times,
    write_ferry_gtfs,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_transit_street import Oracle, pct_by_sort  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from bussola_site import site_data  # noqa: E402

pytestmark = pytest.mark.realdata
PBF = "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
PIERS = "venezia_fermate_vaporetto_2018.geojson"
UTM = 32633
MAX_WALK, MAX_DIRECT = 1200.0, 2400.0
DEP0, DEP1, STEP = 8 * 3600, 8 * 3600 + 40 * 60, 120
PCT = (5, 50, 95)
START = 6 * 3600  # defaults.FERRY_SERVICE[0]
# ways whose piers are all on the walking network: Giudecca Palanca - Zattere, Sacca Fisola -
# S. Basilio, Zitelle - S. Giorgio - S. Zaccaria, three Grand Canal traghetti, and line 52 from
# S. Elena to Piazzale Roma (its Lido end is outside the 2009 extract)
WAYS = ["22995141", "22995285", "22995293", "23224784", "4452570", "24990249", "36123925"]
LINE_52 = "24283295"


@pytest.fixture(scope="module")
def piers(shared_data):
    return gpd.read_file(shared_data / PIERS)


@pytest.fixture(scope="module")
def ways(shared_data, piers):
    """The ferry ways by GDAL's OSM driver; line 52 cut at the S. Elena pier."""
    import pyogrio

    osm = pyogrio.read_dataframe(shared_data / PBF, layer="lines")
    osm = osm[osm["other_tags"].fillna("").str.contains('"route"=>"ferry"')].copy()
    osm["ref"] = osm["other_tags"].str.extract(r'"ref"=>"([^"]*)"')[0].fillna("")
    osm["name"] = osm["name"].fillna("")
    osm = osm[["osm_id", "name", "ref", "geometry"]].to_crs(UTM)
    l52 = osm.loc[osm["osm_id"] == LINE_52, "geometry"].iloc[0]
    elena = piers.to_crs(UTM).loc[piers["name"] == "S.Elena SX", "geometry"].iloc[0]
    osm.loc[osm["osm_id"] == LINE_52, "geometry"] = substring(l52, l52.project(elena), l52.length)
    return osm[osm["osm_id"].isin(WAYS + [LINE_52])].to_crs(4326).reset_index(drop=True)


@pytest.fixture(scope="module")
def ferry(ways, piers, tmp_path_factory):
    net = ferry_lines(ways, piers)
    folder = write_ferry_gtfs(net, tmp_path_factory.mktemp("ferry"))
    tt = build_timetable(read_gtfs(folder, feed_id="ferry"), date="2025-11-19")
    return net, tt


def test_lines_call_at_the_right_piers(ferry, shared_data):
    net, _ = ferry
    calls = {ln.route_id: [net.stops[s][0] for s in ln.stop_ids] for ln in net.lines}
    assert calls["w22995141"] == ["Giudecca Palanca DX", "Zattere DX"]
    assert calls["w23224784"] == ["S. Giorgio", "S.Zaccaria (M.V.E.) B"]
    assert calls["w4452570"] == ["Traghetto (A)", "Traghetto (B)"]  # a crossing: its two ends
    assert calls[f"w{LINE_52}"][0] == "S.Elena SX" and len(calls[f"w{LINE_52}"]) >= 6
    headway = {ln.route_id: ln.headway_s for ln in net.lines}
    assert headway["w22995141"] == defaults.FERRY_HEADWAY_MIN * 60
    assert headway["w4452570"] == defaults.FERRY_CROSSING_HEADWAY_MIN * 60
    # our osmium reader finds the same 17 ferry ways as GDAL's OSM driver
    assert len(read_ferry_ways(shared_data / PBF)) == 17


def test_headways_by_ref_and_bad_values(ways, piers):
    net = ferry_lines(ways, piers, headways={"52": 12, "Traghetto": 5})
    headway = {ln.route_id: ln.headway_s for ln in net.lines}
    assert headway[f"w{LINE_52}"] == 720  # OSM ref "52"
    assert headway["w4452570"] == 300  # OSM name "Traghetto"
    with pytest.raises(InputError, match="headway_min") as err:
        ferry_lines(ways, piers, headway_min=0)
    assert "frequenza" in err.value.message_it + err.value.fix_it


class FerryOracle:
    """Time-dependent Dijkstra over walks (networkx) and arithmetic departures."""

    def __init__(self, network, ways, net, tt):
        self.walker = Oracle(network, tt)  # walks between tt's stops, by networkx
        self.index = {sid: i for i, sid in enumerate(tt.stop_id)}
        self.G = nx.DiGraph()
        geom = dict(zip("w" + ways["osm_id"], ways.to_crs(UTM).geometry))
        for ln in net.lines:
            stops = [self.index[f"ferry:{s}"] for s in ln.stop_ids]
            xy = gpd.GeoSeries(
                [shapely.Point(net.stops[s][1:]) for s in ln.stop_ids], crs=4326
            ).to_crs(UTM)
            pos = [geom[ln.route_id].project(pt) for pt in xy]
            for seq, p in ((stops, pos), (stops[::-1], pos[::-1])):
                # offsets of arrival and departure at each call from the first departure
                arr, dep, t = [], [], 0
                for k in range(len(seq)):
                    if k:
                        t += max(1, math.ceil(abs(p[k] - p[k - 1]) / (12.0 / 3.6)))
                    arr.append(t)
                    t += defaults.FERRY_DWELL_S if 0 < k < len(seq) - 1 else 0
                    dep.append(t)
                for k in range(len(seq) - 1):
                    self.G.add_edge(
                        ("board", seq[k]),
                        ("off", seq[k + 1]),
                        ride=(dep[k], arr[k + 1], ln.headway_s),
                    )
        for a in range(tt.n_stops):  # one footpath after a ride, or a change at the same pier
            self.G.add_edge(("off", a), ("board", a), walk=0)
        w = self.walker
        for a in range(tt.n_stops):
            for b, secs in w.walk(w.G, w.stop_node[a], w.stop_conn[a], MAX_WALK).items():
                if b != a:
                    self.G.add_edge(("off", a), ("board", b), walk=secs)

    def arrivals(self, access, dep_s):
        """{("off", stop): earliest arrival} from access walks {stop: seconds}."""
        best = {}
        heap = [(dep_s + s, ("board", a)) for a, s in access.items()]
        heapq.heapify(heap)
        while heap:
            t, node = heapq.heappop(heap)
            if node in best:
                continue
            best[node] = t
            for _, nxt, d in self.G.out_edges(node, data=True):
                if "walk" in d:
                    t2 = t + d["walk"]
                else:
                    off_dep, off_arr, headway = d["ride"]
                    k = max(0, math.ceil((t - START - off_dep) / headway))
                    t2 = START + k * headway + off_arr
                if nxt not in best:
                    heapq.heappush(heap, (t2, nxt))
        return {n[1]: t for n, t in best.items() if n[0] == "off"}

    def times(self, o_ll, s_ll):
        """(n_departures, n_origins, n_services) door-to-door seconds."""
        w = self.walker
        o_node, o_conn = w.snap(o_ll[:, 0], o_ll[:, 1])
        s_node, s_conn = w.snap(s_ll[:, 0], s_ll[:, 1])
        egress = [w.walk(w.R, s_node[j], s_conn[j], MAX_WALK) for j in range(len(s_ll))]
        deps = np.arange(DEP0, DEP1, STEP)
        out = np.full((deps.size, len(o_ll), len(s_ll)), np.inf)
        for i in range(len(o_ll)):
            access = w.walk(w.G, o_node[i], o_conn[i], MAX_WALK)
            direct = {}
            if math.isfinite(o_conn[i]):
                d = nx.single_source_dijkstra_path_length(w.G, int(o_node[i]), weight="weight")
                for j in range(len(s_ll)):
                    if int(s_node[j]) in d and math.isfinite(s_conn[j]):
                        secs = math.ceil(o_conn[i] + d[int(s_node[j])] + s_conn[j] - 1e-9)
                        direct[j] = secs if secs <= MAX_DIRECT else math.inf
            for k, dep in enumerate(deps):
                off = self.arrivals(access, int(dep))
                for j in range(len(s_ll)):
                    best = direct.get(j, math.inf)
                    for stop, e in egress[j].items():
                        if stop in off:
                            best = min(best, off[stop] + e - dep)
                    out[k, i, j] = best
        return out


def net_node(venice, lon, lat):
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, venice.crs, always_xy=True).transform(lon, lat)
    return np.argmin(np.hypot(venice.x - x, venice.y - y))


def _points(venice, nodes, rng):
    from pyproj import Transformer

    to_ll = Transformer.from_crs(venice.crs, 4326, always_xy=True)
    lon, lat = to_ll.transform(venice.x[nodes] + rng.uniform(-20, 20, nodes.size), venice.y[nodes])
    return gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs=4326)


@pytest.mark.parametrize("island", ["Giudecca Palanca DX", "S.Elena SX"])
def test_water_buses_equal_the_oracle(venice, ways, ferry, island):
    """Residents of an island (Giudecca; S. Elena, no bridge in 2009) to services across the
    water: every percentile to the second."""
    net, tt = ferry
    rng = np.random.default_rng(16)
    labels = venice.part_labels
    pier = int(np.flatnonzero(tt.stop_name == island)[0])
    part = labels[int(net_node(venice, tt.stop_lon[pier], tt.stop_lat[pier]))]
    main = int(np.argmax(venice.part_sizes))
    assert part != main  # an island of its own: no bridge to the centre
    origins = _points(venice, rng.choice(np.flatnonzero(labels == part), 6), rng)
    services = _points(venice, rng.choice(np.flatnonzero(labels == main), 4), rng)
    got = transit_service_times(
        tt, origins, services, network=venice, departure_start_s=DEP0, departure_end_s=DEP1,
        step_s=STEP, percentiles=PCT, percentile=50, groups={"g": [0, 1, 2, 3]},
        max_rides=None, max_walk_min=MAX_WALK / 60, max_direct_walk_min=MAX_DIRECT / 60,
    )  # fmt: skip
    o_ll = np.column_stack([origins.geometry.x, origins.geometry.y])
    s_ll = np.column_stack([services.geometry.x, services.geometry.y])
    want = FerryOracle(venice, ways, net, tt).times(o_ll, s_ll)
    for k, p in enumerate(PCT):
        secs = np.round(got.by_percentile[k].astype(float) * 60.0)
        np.testing.assert_array_equal(secs, pct_by_sort(want, p).T)
        nearest = pct_by_sort(want.min(axis=2), p)
        np.testing.assert_array_equal(np.round(got.group_minutes["g"][k] * 60.0), nearest)
    # every trip crosses the water (no walk all the way exists) and most are found
    assert np.isfinite(want).mean() > 0.5, np.isfinite(want).mean()
    # the wait: within a 20-minute headway, p95 - p5 of one origin-service pair spans most of it
    spread = got.by_percentile[2] - got.by_percentile[0]
    assert np.nanmax(np.where(np.isfinite(spread), spread, np.nan)) >= 15.0


def test_ferries_through_the_door_of_the_cli(venice, shared_data):
    """transit_times_from_feeds with ferries only (no GTFS), as the [transit] step calls it:
    Giudecca is cut off on foot and reached by water bus; bad ferry input is named."""
    from capacitymetro_plugin.core.transit import transit_times_from_feeds

    zattere = gpd.GeoDataFrame(geometry=[shapely.Point(12.3262, 45.4297)], crs=4326)
    giudecca = gpd.GeoDataFrame(geometry=[shapely.Point(12.3255, 45.4258)], crs=4326)
    services = zattere.assign(sectors="health", status="active")
    ferries = {"ways": shared_data / PBF, "piers": shared_data / PIERS}
    kw = dict(date="2025-11-19", origins=giudecca, services=services, network=venice)
    got = transit_times_from_feeds([], ferries=ferries, **kw)
    p50 = float(got.group_minutes["all"][got.percentiles.index(50)][0])
    assert 5 < p50 < 25, p50  # a short walk, wait (≤ 20 min), 2 min across the canal
    assert any("Ferries by headway" in n for n in got.notes)
    assert any("not served" in n for n in got.notes)  # piers far from every OSM ferry way
    often = transit_times_from_feeds([], ferries={**ferries, "headway_min": 1}, **kw)
    assert float(often.group_minutes["all"][2][0]) < p50 - 5  # a boat every minute
    with pytest.raises(InputError, match="headway_min") as err:
        transit_times_from_feeds([], ferries={**ferries, "headway_min": 0.01}, **kw)
    assert "minuto" in err.value.fix_it
    with pytest.raises(InputError, match="piers"):
        transit_times_from_feeds([], ferries={"ways": shared_data / PBF}, **kw)
    with pytest.raises(InputError, match="No GTFS feed"):
        transit_times_from_feeds([], **kw)


def test_transit_isochrones_equal_brute_force(venice, ways, ferry):
    """Door-to-door times to every street node (the isochrones' surface) equal the oracle's
    brute force; the polygons hold every node within their threshold, across the water."""
    from capacitymetro_plugin.core.transit.isochrones import (
        transit_isochrones,
        transit_node_times,
    )

    net, tt = ferry
    rng = np.random.default_rng(3)
    labels = venice.part_labels
    pier = int(np.flatnonzero(tt.stop_name == "Giudecca Palanca DX")[0])
    part = labels[int(net_node(venice, tt.stop_lon[pier], tt.stop_lat[pier]))]
    origin = _points(venice, rng.choice(np.flatnonzero(labels == part), 1), rng)
    o_ll = (float(origin.geometry.x[0]), float(origin.geometry.y[0]))
    kw = dict(departure_start_s=DEP0, departure_end_s=DEP1, step_s=STEP, max_rides=None,
              max_walk_min=MAX_WALK / 60, max_direct_walk_min=MAX_DIRECT / 60)  # fmt: skip
    got = transit_node_times(tt, o_ll, network=venice, percentiles=PCT, **kw)
    # brute force: per departure, the oracle's arrivals + networkx walks to every node
    oracle = FerryOracle(venice, ways, net, tt)
    w = oracle.walker
    o_node, o_conn = w.snap(np.array([o_ll[0]]), np.array([o_ll[1]]))
    access = w.walk(w.G, o_node[0], o_conn[0], MAX_WALK)
    d = nx.single_source_dijkstra_path_length(w.G, int(o_node[0]), weight="weight")
    direct = np.full(venice.n_nodes, np.inf)
    for n, secs in d.items():
        secs = math.ceil(o_conn[0] + secs - 1e-9)
        direct[n] = secs if secs <= MAX_DIRECT else np.inf
    egress = {}
    for s in range(tt.n_stops):
        if math.isfinite(w.stop_conn[s]):
            dd = nx.single_source_dijkstra_path_length(
                w.G, int(w.stop_node[s]), cutoff=MAX_WALK, weight="weight"
            )
            egress[s] = {n: math.ceil(w.stop_conn[s] + x - 1e-9) for n, x in dd.items()}
    deps = np.arange(DEP0, DEP1, STEP)
    want = np.tile(direct, (deps.size, 1))
    for k, dep in enumerate(deps):
        for s, t in oracle.arrivals(access, int(dep)).items():
            for n, e in egress.get(s, {}).items():
                if e <= MAX_WALK:
                    want[k, n] = min(want[k, n], t + e - dep)
    np.testing.assert_array_equal(got, np.stack([pct_by_sort(want, p) for p in PCT]))
    main = int(np.argmax(venice.part_sizes))
    assert np.isfinite(got[1][labels == main]).sum() > 100  # across the water, by boat
    iso = transit_isochrones(
        tt, origin, network=venice, thresholds_min=(15, 30), percentile=50, **kw
    )
    assert list(iso["threshold_min"]) == [15, 30]
    assert iso.area_km2.iloc[0] < iso.area_km2.iloc[1]
    nodes = gpd.GeoSeries(shapely.points(venice.x, venice.y), crs=venice.crs)
    for t, poly in zip(iso["threshold_min"], iso.geometry):
        inside = nodes[got[1] <= t * 60].within(poly.buffer(1.0))
        assert inside.all(), (t, (~inside).sum())
    # a node of the main part reached only by boat lies in the 30-min polygon
    assert nodes[(labels == main) & (got[1] <= 1800)].within(iso.geometry.iloc[1].buffer(1)).any()


def test_venice_cli_with_water_buses(shared_data, tmp_path):
    """The whole CLI run on Venice with [transit] ferries only: Giudecca, cut off on foot,
    reaches a service within the hour by water bus; the isochrone layer is written."""
    import pandas as pd

    from capacitymetro_plugin.batch.config import CONFIG_DIR, TransitConfig, load_config
    from capacitymetro_plugin.batch.pipeline import run_pipeline

    config = load_config(CONFIG_DIR / "venezia.toml")
    config.pdf = False
    config.include_to_verify = True  # 8 services (1 verified): see docs/transit.md
    config.thresholds_min, config.standard_min = [15, 30, 45, 60], 15
    config.transit = TransitConfig(
        feeds=[], date="2025-11-19", ferries=PBF, ferry_piers=PIERS, isochrones=True
    )
    run = run_pipeline(config, out_dir=tmp_path, folder=shared_data, log=lambda _: None)
    assert all(s.status == "done" for s in run.steps), run.steps
    zones = gpd.read_file(shared_data / "venezia_isole_popolazione_2011_vpc.gpkg",
                          layer="isole_centro_storico")  # fmt: skip
    giudecca = set(zones.loc[zones["Codice_Ses"] == "GD", "Nome_Isola"])

    def share(name, t):
        c = pd.read_csv(tmp_path / name)
        c = c[(c["sector"] == "all") & c["area"].isin(giudecca)]
        return c[f"pop_total_within_{t}"].sum() / c["pop_total"].sum()

    assert share("coverage.csv", 60) == 0.0  # no bridge
    assert 0.5 < share("coverage_transit.csv", 60) < 0.9, share("coverage_transit.csv", 60)
    # walking all the way is one of the ways by transit: never fewer people served, at any
    # threshold (walks were cut at 30 min, so 45/60 min showed fewer: 73.5 % vs 78.7 %)
    walk, ride = (pd.read_csv(tmp_path / n).groupby("sector").sum(numeric_only=True)
                  for n in ("coverage.csv", "coverage_transit.csv"))  # fmt: skip
    for t in (15, 30, 45, 60):
        for who in ("pop_total", "foreign"):
            col = f"{who}_within_{t}"
            short = ride[col] < walk[col]
            assert not short.any(), (col, ride.loc[short, col], walk.loc[short, col])
    # nor a longer median: walking all the way counts up to the cutoff, as on foot (it was
    # cut at the largest threshold, so zones with a 26-min walk had an unreached median)
    keys = ["sector", "area"]
    medians = pd.read_csv(tmp_path / "coverage.csv").merge(
        pd.read_csv(tmp_path / "coverage_transit.csv"), on=keys, suffixes=("_walk", "_ride")
    )
    for who in ("pop_total", "foreign"):
        walk_m, ride_m = medians[f"{who}_median_min_walk"], medians[f"{who}_median_min_ride"]
        # 0.1 min: transit times are whole seconds rounded up, medians are shown to 0.1 min
        longer = ride_m > walk_m + 0.1 + 1e-9
        assert not longer.any(), medians.loc[longer, [*keys, walk_m.name, ride_m.name]]
    assert (medians["foreign_median_min_walk"] > 60).any()  # walks beyond the largest threshold
    iso = gpd.read_file(run.gpkg, layer="transit_isochrones")
    assert set(iso["threshold_min"]) <= {15, 30, 45, 60} and len(iso) >= 8
    assert any("not served" in n for n in run.notes)  # piers far from every ferry way
    # the bussola of the run: water buses in "near me", as an estimate; some cells that reach
    # no service on foot within the site's cut-off (the islands) reach one by water bus
    assert run.numbers["bussola_transit"] is True
    assert any("by public transport (water buses by headway (an ESTIMATE), 2025-11-19" in n
               for n in run.notes)  # fmt: skip

    site = tmp_path / "bussola"
    walk = site_data(site, "walk.js", "BUSSOLA_WALK")
    boat = site_data(site, "transit.js", "BUSSOLA_TRANSIT")
    assert walk["grid"] == boat["grid"]
    rows = [walk["ids"].index(i) for i in boat["ids"]]
    w = np.array(walk["tenths_min"], dtype=float)[rows]
    b = np.array(boat["tenths_min"], dtype=float)
    by_boat_only = ((w < 0).all(axis=0) & (b >= 0).any(axis=0)).sum()
    assert by_boat_only > 0, "no cell is reached by water bus only"


def test_open_on_arrival_by_transit_equals_the_oracle(venice, ways, ferry):
    """A service counts for a departure only if open on arrival (Wed 2025-11-19): the oracle's
    door-to-door seconds, then schedule.is_open at each arrival, then the percentiles."""
    import datetime as dt

    from capacitymetro_plugin.core.registry import schedule

    net, tt = ferry
    rng = np.random.default_rng(16)
    labels = venice.part_labels
    pier = int(np.flatnonzero(tt.stop_name == "Giudecca Palanca DX")[0])
    part = labels[int(net_node(venice, tt.stop_lon[pier], tt.stop_lat[pier]))]
    main = int(np.argmax(venice.part_sizes))
    origins = _points(venice, rng.choice(np.flatnonzero(labels == part), 6), rng)
    services = _points(venice, rng.choice(np.flatnonzero(labels == main), 4), rng)
    hours = ["Mo-Fr 08:00-08:50", "Mer 08:45-12:00", "Sa 09:00-12:00", None]
    services["opening_hours"] = hours
    got = transit_service_times(
        tt, origins, services, network=venice, departure_start_s=DEP0, departure_end_s=DEP1,
        step_s=STEP, percentiles=PCT, percentile=50, max_rides=None,
        max_walk_min=MAX_WALK / 60, max_direct_walk_min=MAX_DIRECT / 60, open_on_arrival=True,
    )  # fmt: skip
    o_ll = np.column_stack([origins.geometry.x, origins.geometry.y])
    s_ll = np.column_stack([services.geometry.x, services.geometry.y])
    want = FerryOracle(venice, ways, net, tt).times(o_ll, s_ll)
    day = dt.datetime(2025, 11, 19)
    deps = np.arange(DEP0, DEP1, STEP)
    for k, i, j in np.ndindex(*want.shape):
        if hours[j] and math.isfinite(want[k, i, j]):
            when = day + dt.timedelta(minutes=int((deps[k] + want[k, i, j]) // 60))
            if not schedule.is_open(hours[j], when):
                want[k, i, j] = np.inf
    for k, p in enumerate(PCT):
        secs = np.round(got.by_percentile[k].astype(float) * 60.0)
        np.testing.assert_array_equal(secs, pct_by_sort(want, p).T)
    assert np.isinf(got.by_percentile[:, 2]).all()  # Saturdays only
    assert np.isfinite(want[:, :, 0]).any() and np.isinf(want[:, :, 0]).any()  # closes at 08:50
    assert any("1 services without readable hours" in x for x in got.warnings)
