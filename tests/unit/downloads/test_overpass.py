"""Overpass through core.downloads: the real recorded Rome response over a local HTTP server."""

from __future__ import annotations

import json
import math
import urllib.parse

import networkx as nx
import pytest
from httpfixtures import Behaviour, Server

from capacitymetro_plugin.core.downloads import (
    DownloadError,
    network_from_overpass,
    overpass_ql,
    overpass_query,
    provenance,
)
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.osm_candidates import osm_candidates

ROMA = "osm_roma_centro_overpass_2016.json"
ROMA_BBOX = (12.483, 41.885, 12.506, 41.899)  # the recorded response's extent (README)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def roma(shared_data) -> bytes:
    return (shared_data / ROMA).read_bytes()


def _walkable_ways(doc: dict):
    """The ways a walk network may use, written out here: a highway way that is not a
    motorway/trunk (or link), construction/proposed or a platform, and not foot=no/private
    or access=no/private without foot=yes."""
    banned = {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed"}
    banned.add("platform")
    for w in doc["elements"]:
        t = w.get("tags", {})
        if w["type"] != "way" or "highway" not in t or t["highway"] in banned:
            continue
        if t.get("foot") in ("no", "private"):
            continue
        if t.get("access") in ("no", "private") and t.get("foot") not in ("yes", "designated"):
            continue
        yield w


def _oracle(doc: dict) -> nx.Graph:
    """The walkable street graph straight from the JSON: way segments, no simplification."""
    G = nx.Graph()
    for w in _walkable_ways(doc):
        for a, b in zip(w["nodes"], w["nodes"][1:]):
            if a != b:
                G.add_edge(a, b)
    return G


def _kept_by_simplification(doc: dict, walkable: set[int]) -> set[int]:
    """Nodes a simplified street graph keeps: each way is edges a->b (and b->a unless one-way);
    a node stays unless it has exactly two neighbours and degree 2 or 4 (osmnx 2's rule)."""
    G = nx.MultiDiGraph()
    for w in _walkable_ways(doc):
        ns = w["nodes"]
        if not set(ns) <= walkable:
            continue  # one of the dropped rings
        pairs = list(zip(ns, ns[1:]))
        one = w["tags"].get("oneway")
        if one == "-1":
            pairs = [(b, a) for a, b in pairs]
        for a, b in pairs:
            G.add_edge(a, b)
            if one not in ("yes", "true", "1", "-1"):
                G.add_edge(b, a)
    keep = set()
    for n in G:
        nbrs = set(G.predecessors(n)) | set(G.successors(n))
        loop = n in set(G.successors(n))
        if loop or not G.in_degree(n) or not G.out_degree(n):
            keep.add(n)
        elif not (len(nbrs) == 2 and G.degree(n) in (2, 4)):
            keep.add(n)
    return keep


def _haversine(p, q) -> float:
    (lo1, la1), (lo2, la2) = p, q
    f1, f2 = math.radians(la1), math.radians(la2)
    h = math.sin((f2 - f1) / 2) ** 2
    h += math.cos(f1) * math.cos(f2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6_371_009 * math.asin(math.sqrt(h))


def test_streets_of_rome_over_http_give_the_network_the_json_holds(roma, tmp_path):
    b = Behaviour(files={"/api/interpreter": roma})
    with Server(b) as s:
        url = s.url("/api/interpreter")
        path = overpass_query(ROMA_BBOX, "streets", url=url)
        # cached under a hash of the query: the second call and an offline one ask nothing
        assert overpass_query(ROMA_BBOX, "streets", url=url) == path
        assert overpass_query(ROMA_BBOX, "streets", url=url, offline=True) == path
    assert len(b.requests) == 1 and b.requests[0]["method"] == "POST"
    sent = urllib.parse.parse_qs(b.requests[0]["body"].decode())["data"][0]
    assert sent == overpass_ql(ROMA_BBOX, "streets")
    assert 'way["highway"](41.8850000,12.4830000,41.8990000,12.5060000)' in sent
    assert path.read_bytes() == roma
    prov = provenance(path)
    assert prov.method == "POST" and prov.query == "data=" + sent
    assert prov.licence.startswith("ODbL") and prov.bytes == 565_469

    doc = json.loads(roma)
    assert sum(e["type"] == "node" for e in doc["elements"]) == 4381
    net = network_from_overpass(path, mode="walk", keep="all")
    G = _oracle(doc)
    rings = [c for c in nx.connected_components(G) if all(G.degree(n) == 2 for n in c)]
    # 41 parts in the JSON, of which 2 are squares drawn as closed rings touching nothing
    # (Piazza di San Pietro in Vincoli...): osmnx's simplification drops such rings
    assert nx.number_connected_components(G) == 41 and len(rings) == 2
    assert net.meta["components"] == 39 == 41 - len(rings)
    ring_nodes = set().union(*rings)
    kept = G.subgraph(n for n in G if n not in ring_nodes)
    nodes = {e["id"]: (e["lon"], e["lat"]) for e in doc["elements"] if e["type"] == "node"}
    length = sum(_haversine(nodes[a], nodes[b]) for a, b in kept.edges())
    assert length == pytest.approx(62_814, rel=0.001)
    assert net.length_m.sum() / 2 == pytest.approx(length, rel=0.001)  # both directions
    # the nodes: where streets meet or end, by the rule osmnx simplifies with (written out in
    # _kept_by_simplification), on the directed graph of the kept parts
    ends = {n for n in kept if kept.degree(n) != 2}
    kept_nodes = _kept_by_simplification(doc, set(kept))
    assert len(ends) == 998 and ends <= kept_nodes
    assert {int(i) for i in net.node_id} == kept_nodes and net.n_nodes == 1006


def test_services_answer_is_read_by_the_candidates_table(roma, shared_data, tmp_path):
    """The Rome response has streets only: 1,206 tagged objects, no candidate service."""
    import geopandas as gpd

    doc = json.loads(roma)
    tagged = sum(bool(e.get("tags")) for e in doc["elements"])
    # Trento's real service POIs, as an Overpass `out center tags` answer the test makes
    pois = gpd.read_file(shared_data / "osm_servizi_trento_2023.gpkg")
    elements = [
        {
            "type": row.osm_type,
            "id": int(row.osm_id),
            **(
                {"lat": row.geometry.y, "lon": row.geometry.x}
                if row.osm_type == "node"
                else {"center": {"lat": row.geometry.y, "lon": row.geometry.x}}
            ),
            "tags": json.loads(row.tags_json),
        }
        for row in pois.itertuples()
    ]
    trento = json.dumps({"version": 0.6, "elements": elements}).encode()
    local = tmp_path / "trento_services.json"
    local.write_bytes(trento)
    worship = sum(e["tags"].get("amenity") == "place_of_worship" for e in elements)
    b = Behaviour(files={"/rome": roma, "/trento": trento})
    with Server(b) as s:
        rome = osm_candidates(overpass_query(ROMA_BBOX, "services", url=s.url("/rome")))
        box = (11.0, 45.95, 11.25, 46.15)
        found = osm_candidates(overpass_query(box, "services", url=s.url("/trento")))
    assert rome.objects_read == tagged == 1206 and len(rome.candidates) == 0
    assert len(elements) == 339 and worship == 94
    assert found.excluded["Places of worship are not services"] == worship
    direct = osm_candidates(local)  # the same answer read from a file: nothing lost on the way
    assert len(found.candidates) == len(direct.candidates) == 194
    sent = urllib.parse.parse_qs(b.requests[1]["body"].decode())["data"][0]
    assert sent == overpass_ql(box, "services") and 'nwr["amenity"~"^(clinic|' in sent


def test_an_overpass_error_answer_is_not_cached(tmp_path):
    bad = json.dumps({"elements": [], "remark": "runtime error: Query timed out"}).encode()
    with Server(Behaviour(files={"/i": bad})) as s, pytest.raises(DownloadError) as err:
        overpass_query(ROMA_BBOX, "streets", url=s.url("/i"))
    assert "Query timed out" in err.value.localized("en")
    assert list((tmp_path / "cache" / "overpass").iterdir()) == []


def test_large_areas_and_bad_areas_are_refused_before_any_request():
    with Server(Behaviour(files={})) as s:
        url = s.url("/i")
        with pytest.raises(InputError, match="regional extract"):
            overpass_query((9.0, 45.3, 9.4, 45.6), "streets", url=url)  # ~1,400 km², Milano
        with pytest.raises(InputError, match="EPSG:4326"):
            overpass_query((650_000, 5_100_000, 660_000, 5_110_000), url=url)  # UTM metres
        with pytest.raises(InputError, match="streets"):
            overpass_query(ROMA_BBOX, "bars", url=url)
        assert s.behaviour.requests == []
