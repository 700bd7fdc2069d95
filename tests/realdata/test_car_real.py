"""Car mode on real data: the full OpenStreetMap extract of Trento (2023-02, all highway tags).

Every check compares our car network with a reference computed here, independently of our
network code: the OSM ways are read straight from the XML that ``osmium`` exports (ElementTree),
their nodes projected with pyproj, lengths recomputed with the haversine formula, speeds from
the ways' own ``maxspeed`` / road class, routes with networkx. An edge of our network is matched
to OSM ways through its vertices: each consecutive pair of vertices is one OSM way segment.

The car and walk networks are built once per module (about 35 s) and cached in a temporary
folder.
"""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import defaultdict

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import pytest
from netfixtures import nx_from_arrays
from scipy.sparse.csgraph import connected_components, dijkstra

from capacitymetro_plugin.core.access import isochrones, od_matrix
from capacitymetro_plugin.core.network import CAR_SPEEDS_KMH, Network, network_from_osm, snap

pytestmark = pytest.mark.realdata

PBF = "osm_trento_2023-02_tnst.osm.pbf"
DUOMO = (11.1215, 46.0670)  # Piazza Duomo, Trento (lon, lat)
EARTH_RADIUS_M = 6_371_009.0  # mean Earth radius, as osmnx measures OSM lengths

# The reference rules, written out here on purpose (not imported from speeds.py).
ROADS = {
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
}
NO = {"no", "private"}


def car_may_use(tags: dict) -> bool:
    """Reference car permission: a road class, and the most specific access tag not no/private."""
    if tags.get("highway") not in ROADS:
        return False
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        if key in tags:
            return tags[key] not in NO
    return tags.get("service") not in {"private", "emergency_access"}


def oneway_of(tags: dict) -> int:
    """+1 one-way along the way, -1 against it, 0 two-way (OSM oneway / roundabout rules)."""
    value = tags.get("oneway")
    if value in {"yes", "true", "1"}:
        return 1
    if value in {"-1", "reverse"}:
        return -1
    if value is None and tags.get("junction") in {"roundabout", "circular"}:
        return 1
    return 0


def reference_speed_kmh(tags: dict) -> tuple[float, bool]:
    """The way's numeric maxspeed (or IT:urban = 50), else its class speed; and whether tagged."""
    value = tags.get("maxspeed", "")
    if value.isdigit():
        return float(value), True
    if value.lower() == "it:urban":
        return 50.0, True
    return CAR_SPEEDS_KMH.get(tags["highway"], CAR_SPEEDS_KMH["default"]), False


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = np.deg2rad([a[0], a[1], b[0], b[1]])
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return float(2 * np.arcsin(np.sqrt(min(1.0, h))) * EARTH_RADIUS_M)


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def car(shared_data, network_cache):
    """The largest strongly connected part (``keep="largest"``): the city's car network, which
    the checks of edges, speeds and times below are about. The default build also keeps the
    detached parts that have cars of their own: see test_car_network_keeps_each_islands_own_part.
    """
    return network_cache(
        "trento_car_largest",
        lambda: network_from_osm(shared_data / PBF, mode="car", keep="largest"),
    )


@pytest.fixture(scope="module")
def walk(trento):
    return trento  # the Trento walk network of conftest.py, from the same extract


@pytest.fixture(scope="module")
def osm(shared_data, tmp_path_factory):
    """The highway ways of the extract, read from osmium's XML: (nodes, ways)."""
    xml = tmp_path_factory.mktemp("car_real") / "highways.osm"
    cmd = [shutil.which("osmium") or "osmium", "tags-filter", str(shared_data / PBF), "w/highway"]
    subprocess.run(cmd + ["-f", "osm", "-o", str(xml), "--overwrite"], check=True)
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[int, list[int], dict]] = []
    for _, el in ET.iterparse(xml):
        if el.tag == "node":
            nodes[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
            el.clear()
        elif el.tag == "way":
            refs = [int(nd.get("ref")) for nd in el.findall("nd")]
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            ways.append((int(el.get("id")), refs, tags))
            el.clear()
    assert len(ways) == 14_228  # the README's count of highway ways
    return nodes, ways


@pytest.fixture(scope="module")
def where(osm, car):
    """OSM node id -> its projected position (mm), in the networks' CRS."""
    nodes, _ = osm
    assert car.crs == 32632
    ids = np.fromiter(nodes, dtype=np.int64, count=len(nodes))
    lonlat = np.array([nodes[i] for i in ids.tolist()])
    tr = pyproj.Transformer.from_crs("EPSG:4326", f"EPSG:{car.crs}", always_xy=True)
    x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
    return {
        i: (round(a, 3), round(b, 3))
        for i, a, b in zip(
            ids.tolist(), np.asarray(x).tolist(), np.asarray(y).tolist(), strict=True
        )
    }


def vertex_pairs(net: Network) -> dict[tuple, list[int]]:
    """Directed (from, to) vertex pairs (mm) of every edge, in travel direction -> edges."""
    pairs: dict[tuple, list[int]] = defaultdict(list)
    for e in range(net.n_edges):
        s = net.seg[e]
        c = np.round(net.coords[net.offsets[s] : net.offsets[s + 1]], 3)
        if net.seg_reversed[e]:
            c = c[::-1]
        pts = [tuple(p) for p in c.tolist()]
        for a, b in zip(pts[:-1], pts[1:], strict=True):
            pairs[(a, b)].append(e)
    return pairs


@pytest.fixture(scope="module")
def car_pairs(car):
    return vertex_pairs(car)


@pytest.fixture(scope="module")
def walk_pairs(walk):
    return vertex_pairs(walk)


@pytest.fixture(scope="module")
def shared_segments(osm):
    """Undirected OSM node pairs that more than one way runs along (ambiguous, left out)."""
    _, ways = osm
    count: dict[frozenset, int] = defaultdict(int)
    for _, refs, _ in ways:
        for a, b in zip(refs[:-1], refs[1:], strict=True):
            count[frozenset((a, b))] += 1
    return {k for k, v in count.items() if v > 1}


def travel(refs: list[int], direction: int) -> list[tuple[int, int]]:
    """The way's node pairs in the allowed travel direction."""
    pairs = list(zip(refs[:-1], refs[1:], strict=True))
    return [(b, a) for a, b in reversed(pairs)] if direction < 0 else pairs


# --- 1. one-way streets ---------------------------------------------------------------------------
def test_one_way_streets_are_one_way_for_car_only(osm, where, car_pairs, walk_pairs):
    _, ways = osm
    car_full = car_against = car_partial = roundabouts = 0
    walk_both = walk_one = 0
    for _, refs, tags in ways:
        direction = oneway_of(tags)
        if direction == 0:
            continue
        steps = [(where[a], where[b]) for a, b in travel(refs, direction)]
        along = sum(s in car_pairs for s in steps)
        against = sum((b, a) in car_pairs for a, b in steps)
        car_against += against > 0
        if car_may_use(tags):
            car_full += along == len(steps)
            car_partial += 0 < along < len(steps)
            roundabouts += along == len(steps) and tags.get("junction") == "roundabout"
        w_along = sum(s in walk_pairs for s in steps)
        w_against = sum((b, a) in walk_pairs for a, b in steps)
        if w_along or w_against:
            walk_both += w_along == w_against == len(steps)
            walk_one += w_along != w_against
    # Trento: 1,625 ways tagged oneway=yes and 258 roundabouts (no oneway=-1 in 2023).
    # Our car network never goes against one of them...
    assert car_against == 0
    # ...and holds 1,650 of them whole, every one of the 258 roundabouts among them. The others
    # are closed to cars, in small detached parts, or one-way carriageways leading out of the
    # extract with no exit inside it and one-way traps (dropped: not strongly connected).
    assert car_full == 1_650 and roundabouts == 258
    assert car_partial == 6
    # Walking ignores one-way: every one-way street the walk network has, it has both ways.
    assert walk_one == 0 and walk_both == 1_437  # 1,426 in the largest walking part alone


# --- 2. speeds ------------------------------------------------------------------------------------
def test_car_times_follow_each_ways_maxspeed_or_class(osm, where, car, car_pairs, shared_segments):
    nodes, ways = osm
    ref: dict[tuple, tuple[float, float, bool]] = {}
    for _, refs, tags in ways:
        if not car_may_use(tags):
            continue
        kmh, tagged = reference_speed_kmh(tags)
        for a, b in zip(refs[:-1], refs[1:], strict=True):
            if frozenset((a, b)) in shared_segments:
                continue
            length = haversine_m(nodes[a], nodes[b])
            ref[(where[a], where[b])] = ref[(where[b], where[a])] = (length, kmh, tagged)
    compared = mixed = tagged_edges = 0
    our_total = ref_total = 0.0
    for e in range(car.n_edges):
        s = car.seg[e]
        c = np.round(car.coords[car.offsets[s] : car.offsets[s + 1]], 3)
        pts = [tuple(p) for p in c.tolist()]
        parts = [ref.get(k) for k in zip(pts[:-1], pts[1:], strict=True)]
        if any(p is None for p in parts):
            continue  # runs along a stretch two OSM ways share
        length = sum(p[0] for p in parts)
        seconds = sum(p[0] / (p[1] / 3.6) for p in parts)
        assert car.length_m[e] == pytest.approx(length, rel=1e-9, abs=1e-6)
        assert car.time_s[e] == pytest.approx(seconds, rel=1e-9, abs=1e-6)
        compared += 1
        mixed += len({p[1] for p in parts}) > 1
        tagged_edges += any(p[2] for p in parts)
        our_total += car.time_s[e]
        ref_total += seconds
    # 13,746 directed edges: 13,736 compared (10 run along stretches two ways share), 2,002
    # with a maxspeed, 189 merged from ways of different speeds (these were wrong before the
    # fix: the lowest maxspeed applied to the whole edge, up to 44 s off on one edge).
    assert car.n_edges == 13_746
    assert compared == 13_736 and tagged_edges == 2_002 and mixed == 189
    assert our_total == pytest.approx(ref_total, rel=1e-9)
    assert our_total / 3600 == pytest.approx(40.627, abs=0.001)  # hours, all directed edges


# --- 3. travel times ------------------------------------------------------------------------------
def test_car_times_equal_networkx_and_one_way_makes_them_asymmetric(car):
    G = nx_from_arrays(car)
    rng = np.random.default_rng(7)
    sample = np.sort(rng.choice(car.n_nodes, size=30, replace=False))
    ours = od_matrix(car, sample, sample)
    for i, a in enumerate(sample.tolist()):
        dist = nx.single_source_dijkstra_path_length(G, a, weight="weight")
        ref = np.array([dist.get(b, np.inf) for b in sample.tolist()])
        assert np.array_equal(np.isinf(ours[i]), np.isinf(ref))
        fin = np.isfinite(ref)
        assert np.abs(ours[i][fin] - ref[fin]).max() < 1e-6
    both = np.isfinite(ours) & np.isfinite(ours.T)
    asym = np.abs(ours - ours.T)[both]
    assert both.all()  # strongly connected: every pair reachable both ways
    # One-way streets make the times asymmetric: up to 5.8 minutes between two of the 30
    # sampled nodes, and most ordered pairs differ by more than a few seconds.
    assert 340 < asym.max() < 350
    assert (asym > 5).sum() == 662 and 15 < np.median(asym) < 16

    # The longest one-way street: along it, its own time; back, a detour; networkx agrees.
    one = np.flatnonzero(np.bincount(car.seg, minlength=car.n_segments)[car.seg] == 1)
    e = int(one[np.argmax(car.length_m[one])])  # the longest one-way edge
    a, b = int(car.tail[e]), int(car.head[e])
    t = od_matrix(car, np.array([a, b]), np.array([a, b]))
    assert t[0, 1] == pytest.approx(nx.dijkstra_path_length(G, a, b), abs=1e-6)
    assert t[1, 0] == pytest.approx(nx.dijkstra_path_length(G, b, a), abs=1e-6)
    assert t[0, 1] <= car.time_s[e] + 1e-9
    assert t[1, 0] > t[0, 1] + 5


# --- 4. access ------------------------------------------------------------------------------------
def test_streets_closed_to_cars_are_not_in_the_car_network(osm, where, car_pairs, shared_segments):
    _, ways = osm
    closed = defaultdict(int)
    present = defaultdict(int)
    for _, refs, tags in ways:
        hw = tags.get("highway")
        if hw in {"footway", "pedestrian", "steps"}:
            kind = hw
        elif tags.get("motor_vehicle") == "no" and tags.get("motorcar") not in {"yes"}:
            kind = "motor_vehicle=no"
        elif tags.get("access") in NO and not car_may_use(tags):
            kind = "access=" + tags["access"]
        else:
            continue
        closed[kind] += 1
        for a, b in zip(refs[:-1], refs[1:], strict=True):
            if frozenset((a, b)) in shared_segments:
                continue
            pa, pb = where[a], where[b]
            if (pa, pb) in car_pairs or (pb, pa) in car_pairs:
                present[kind] += 1
                break
    # Trento: 4,190 footways and hundreds of private or closed roads, none of them drivable.
    assert closed["footway"] == 4_190
    assert closed["pedestrian"] == 367 and closed["steps"] == 402
    assert closed["access=private"] == 603 and closed["access=no"] == 112
    assert closed["motor_vehicle=no"] == 40
    assert dict(present) == {}


def test_car_network_holds_the_drivable_ways(osm, where, car, car_pairs):
    _, ways = osm
    kept = total = 0.0
    extra = []
    for wid, refs, tags in ways:
        steps = [(where[a], where[b]) for a, b in zip(refs[:-1], refs[1:], strict=True)]
        n_in = sum(s in car_pairs or (s[1], s[0]) in car_pairs for s in steps)
        if car_may_use(tags):
            length = sum(np.hypot(b[0] - a[0], b[1] - a[1]) for a, b in steps)
            total += length
            kept += length * n_in / len(steps)
        elif n_in == len(steps):
            extra.append((wid, tags.get("highway")))
    # No way closed to cars is in the car network in full (shared stretches aside).
    assert extra == []
    # 705 km of drivable ways; 87 % kept. The rest (5 %) is in small parts no drivable street
    # joins to the city, or (8 %) in parts a car cannot both enter and leave: 391 nodes in all,
    # among them motorway and trunk carriageways between the edge of the extract and the last
    # junction inside it.
    assert total / 1000 == pytest.approx(704.9, abs=0.1)
    assert kept / total == pytest.approx(0.870, abs=0.001)
    assert car.meta["dropped_nodes"] == 391


# --- 5. sanity: connected, and a car isochrone dwarfs a walk one ---------------------------------
def test_car_network_is_strongly_connected(car):
    # keep="largest" keeps the largest strongly connected part of a car network.
    n_weak, _ = connected_components(car.csr, directed=True, connection="weak")
    assert n_weak == 1
    n, labels = connected_components(car.csr, directed=True, connection="strong")
    scc = labels == np.argmax(np.bincount(labels))
    root = int(np.flatnonzero(scc)[0])
    reached = np.isfinite(dijkstra(car.csr, indices=[root]))[0]
    reaching = np.isfinite(dijkstra(car.csr.T.tocsr(), indices=[root]))[0]
    assert n == 1 and scc.all() and car.n_nodes == 6_566
    assert reached.all() and reaching.all()


def test_ten_minutes_by_car_from_piazza_duomo_dwarf_ten_minutes_on_foot(car, walk):
    duomo = gpd.GeoDataFrame(
        {"service_id": ["duomo"]}, geometry=gpd.points_from_xy([DUOMO[0]], [DUOMO[1]]), crs=4326
    )
    iso_car = isochrones(car, duomo, thresholds_min=(10,), id_field="service_id")
    iso_walk = isochrones(walk, duomo, thresholds_min=(10,), id_field="service_id")
    a_car = float(iso_car["area_km2"].iloc[0])
    a_walk = float(iso_walk["area_km2"].iloc[0])
    # 18.7 km² by car against 1.05 km² on foot (free-flow speeds, no junction delays).
    assert a_car == pytest.approx(18.69, abs=0.05) and a_walk == pytest.approx(1.05, abs=0.01)
    assert a_car > 10 * a_walk
    # Independent reach: nodes within 10 minutes (scipy Dijkstra from the snapped node).
    snapped = snap(car, duomo)  # 77 m away: the cathedral is in the pedestrian zone
    assert snapped.distance_m[0] < 100
    n_car = int(snapped.node[0])
    n_walk = int(snap(walk, duomo).node[0])
    reach_car = np.isfinite(dijkstra(car.csr, indices=[n_car], limit=600)).sum()
    reach_walk = np.isfinite(dijkstra(walk.csr, indices=[n_walk], limit=600)).sum()
    # The extract is 9 x 12.7 km: in 10 minutes a car reaches 6,326 of its 6,566 car nodes.
    assert reach_car == 6_326 and reach_walk == 1_435
    # The walk isochrone stays within 750 m of the cathedral (4.5 km/h); the car's does not.
    assert a_walk < np.pi * 0.75**2


# --- 6. parts: the default build keeps, of each detached part, its largest strong part ----------
def test_car_network_keeps_each_islands_own_part(shared_data, network_cache, car):
    default = network_cache("trento_car", lambda: network_from_osm(shared_data / PBF, mode="car"))
    full = network_cache(
        "trento_car_all", lambda: network_from_osm(shared_data / PBF, mode="car", keep="all")
    )
    # networkx on every node: of each weakly connected part, its largest strongly connected
    # part, when it has at least 3 nodes (MIN_PART_NODES).
    G = nx_from_arrays(full)
    want = set()
    for weak in nx.weakly_connected_components(G):
        strong = max(nx.strongly_connected_components(G.subgraph(weak)), key=len)
        if len(strong) >= 3:
            want |= {int(full.node_id[n]) for n in strong}
    assert set(default.node_id.tolist()) == want
    # Of the 391 nodes the largest part alone drops, 157 are kept in 22 detached parts
    # (none of them one-way traps: each part is strongly connected on its own).
    assert full.n_nodes - car.n_nodes == 391
    assert default.n_nodes - car.n_nodes == 157 and default.n_nodes == 6_723
    assert default.meta["parts_kept"] == 22 + 1 and default.meta["dropped_nodes"] == 391 - 157
    n, labels = connected_components(default.csr, directed=True, connection="strong")
    n_weak, _ = connected_components(default.csr, directed=True, connection="weak")
    assert n == n_weak == default.meta["parts_kept"]
    reached = np.isfinite(dijkstra(default.csr, indices=[0]))[0]
    assert (reached == (labels == labels[0])).all()  # parts do not reach each other
