"""Builders from OSM XML, GraphML and a (cached) place, on tiny files written by the tests."""

import networkx as nx
import numpy as np
import osmnx as ox
import pytest

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import DataUnavailableError, InputError, NetworkError
from capacitymetro_plugin.core.network import (
    network_from_graphml,
    network_from_osm,
    network_from_place,
)

# A plus-shaped junction in Trento: a residential street W–E (one-way eastwards),
# a footway N–S, and a motorway spur going east from the E end.
NODES = {
    1: (11.1200, 46.0700),  # W
    2: (11.1210, 46.0700),  # centre
    3: (11.1220, 46.0700),  # E
    4: (11.1210, 46.0710),  # N
    5: (11.1210, 46.0690),  # S
    6: (11.1240, 46.0700),  # motorway end
}
WAYS = [
    (10, [1, 2, 3], {"highway": "residential", "oneway": "yes", "maxspeed": "30"}),
    (11, [4, 2, 5], {"highway": "footway"}),
    (12, [3, 6], {"highway": "motorway"}),
    (13, [1, 4], {"building": "yes"}),  # not a street
]


def write_osm(path, nodes=NODES, ways=WAYS):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lon, lat) in nodes.items():
        lines.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for wid, refs, tags in ways:
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_walk_from_osm_excludes_motorway_and_ignores_oneway(tmp_path):
    net = network_from_osm(write_osm(tmp_path / "plus.osm"), mode="walk")
    assert net.crs == 32632
    assert net.n_nodes == 5  # the motorway end is gone, the building too
    assert set(net.node_id.tolist()) == {1, 2, 3, 4, 5}
    # Every street both ways, at 4.5 km/h.
    assert net.n_edges == 2 * 4
    assert np.allclose(net.time_s, net.length_m / 1.25)
    assert net.length_m.sum() / 2 == pytest.approx(77.2 * 2 + 111.2 * 2, rel=0.01)


def test_car_from_osm_respects_oneway_and_maxspeed(tmp_path):
    net = network_from_osm(write_osm(tmp_path / "plus.osm"), mode="car", keep="all")
    ids = net.node_id
    pairs = {(int(ids[t]), int(ids[h])) for t, h in zip_strict(net.tail, net.head)}
    # Without the footway, node 2 is a mere bend: the street is simplified to 1 → 3.
    assert pairs == {(1, 3), (3, 6), (6, 3)}  # one-way eastwards; the motorway both ways
    res = np.flatnonzero((ids[net.tail] == 1) & (ids[net.head] == 3))[0]
    assert net.time_s[res] == pytest.approx(net.length_m[res] / (30 / 3.6))


def test_car_streets_layer_draws_two_way_streets_once(tmp_path):
    # Regression: car networks from OSM kept each direction as its own segment, so the
    # streets layer of Prepare network drew two-way streets twice, all flagged one-way
    # (Trento: 13,746 segments all "oneway"; now 7,905 streets, 2,064 one-way).
    net = network_from_osm(write_osm(tmp_path / "plus.osm"), mode="car", keep="all")
    assert net.n_edges == 3 and net.n_segments == 2
    streets = net.edges_gdf()
    ids = net.node_id
    flags = {
        (int(ids[u]), int(ids[v])): bool(o)
        for u, v, o in zip_strict(streets["u"], streets["v"], streets["oneway"])
    }
    assert flags in ({(1, 3): True, (3, 6): False}, {(1, 3): True, (6, 3): False})
    # The motorway's two directions share one geometry, drawn each way.
    both = np.flatnonzero(net.seg == net.seg[(ids[net.tail] == 3) & (ids[net.head] == 6)][0])
    assert len(both) == 2 and set(net.seg_reversed[both].tolist()) == {False, True}
    assert net.time_s[both[0]] == net.time_s[both[1]]


def test_car_time_of_a_street_merged_from_ways_with_different_speeds(tmp_path):
    # Regression (Trento: 195 of 13,906 car edges off by up to 44 s): simplification merges
    # a 10 km/h way and a class-speed (residential, 30 km/h) way into one edge; the edge took
    # the lowest maxspeed over its whole length. Its time is the sum of the two ways' times.
    nodes = {1: (11.1200, 46.0700), 2: (11.1210, 46.0700), 3: (11.1220, 46.0700)}
    ways = [
        (20, [1, 2], {"highway": "residential", "maxspeed": "10"}),
        (21, [2, 3], {"highway": "residential"}),
    ]
    net = network_from_osm(write_osm(tmp_path / "two.osm", nodes, ways), mode="car")
    assert net.n_nodes == 2 and net.n_edges == 2  # 1 <-> 3, node 2 simplified away
    half = net.length_m[0] / 2  # the two ways are equally long (77.2 m)
    assert half == pytest.approx(77.2, rel=0.01)
    expected = half / (10 / 3.6) + half / (30 / 3.6)
    assert np.allclose(net.time_s, expected, rtol=1e-9)
    # A class-speed override applies to its own way only.
    slower = network_from_osm(tmp_path / "two.osm", mode="car", speeds={"residential": 20})
    assert np.allclose(slower.time_s, half / (10 / 3.6) + half / (20 / 3.6), rtol=1e-9)


def test_car_keeps_the_largest_strongly_connected_part(tmp_path):
    # Regression (Trento: 94 car nodes could be entered but not left, or the reverse; Piazza
    # Duomo snapped to one and its car isochrone was empty): a two-way street with a one-way
    # spur to a dead end. A car going down the spur is stuck, so the spur's end is dropped;
    # walking keeps it.
    nodes = {
        1: (11.1200, 46.0700),
        2: (11.1210, 46.0700),
        3: (11.1220, 46.0700),
        5: (11.1210, 46.0710),
    }
    ways = [
        (30, [1, 2, 3], {"highway": "residential"}),
        (31, [2, 5], {"highway": "residential", "oneway": "yes"}),
    ]
    path = write_osm(tmp_path / "trap.osm", nodes, ways)
    net = network_from_osm(path, mode="car")
    assert 5 not in set(net.node_id.tolist()) and net.meta["dropped_nodes"] == 1
    assert ((net.node_id[net.tail] == 2) & (net.node_id[net.head] == 5)).sum() == 0
    kept = network_from_osm(path, mode="car", keep="all")
    assert 5 in set(kept.node_id.tolist()) and kept.meta["components"] == 2
    assert 5 in set(network_from_osm(path, mode="walk").node_id.tolist())


def test_osm_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        network_from_osm(tmp_path / "none.osm.pbf")
    bad = tmp_path / "bad.osm"
    bad.write_text("this is not xml")
    with pytest.raises(InputError):
        network_from_osm(bad)
    only_motorway = tmp_path / "m.osm"
    only_motorway.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="46.07" lon="11.12"/><node id="2" lat="46.07" lon="11.13"/>'
        '<way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way></osm>'
    )
    with pytest.raises(NetworkError, match="walk"):
        network_from_osm(only_motorway, mode="walk")


def small_graph():
    G = nx.MultiDiGraph(crs="EPSG:4326")
    for nid, (lon, lat) in NODES.items():
        G.add_node(nid, x=lon, y=lat)
    G.add_edge(1, 2, length=77.2, highway="residential", oneway=True)
    G.add_edge(2, 3, length=77.2, highway="residential", oneway=True)
    for a, b in ((4, 2), (2, 5)):
        G.add_edge(a, b, length=111.2, highway="footway", oneway=False)
        G.add_edge(b, a, length=111.2, highway="footway", oneway=False)
    return G


def test_graphml_and_cached_place(tmp_path, monkeypatch):
    path = tmp_path / "g.graphml"
    ox.save_graphml(small_graph(), path)
    net = network_from_graphml(path, mode="walk")
    assert net.n_nodes == 5 and net.n_edges == 8
    assert net.length_m.sum() == pytest.approx(2 * (2 * 77.2 + 2 * 111.2))

    # A cached download is read back without any network access.
    cache = tmp_path / "cache"
    cache.mkdir()
    ox.save_graphml(small_graph(), cache / "trento_italy_walk.graphml")

    def offline(*args, **kwargs):
        raise ConnectionError("no internet here")

    monkeypatch.setattr(ox, "graph_from_place", offline)
    net2 = network_from_place("Trento, Italy", mode="walk", cache_dir=cache)
    assert net2.n_nodes == 5
    with pytest.raises(DataUnavailableError, match="Cannot download") as err:
        network_from_place("Rovereto, Italy", mode="walk", cache_dir=cache)
    assert "Impossibile scaricare" in err.value.localized("it")


def test_polygon_keeps_only_nodes_inside(tmp_path):
    from shapely.geometry import box

    west_half = box(11.1195, 46.0685, 11.1215, 46.0715)  # W, centre, N, S; not E
    net = network_from_osm(write_osm(tmp_path / "plus.osm"), mode="walk", polygon=west_half)
    assert set(net.node_id.tolist()) == {1, 2, 4, 5}
