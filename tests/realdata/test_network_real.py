"""The network engine on real networks: Trento (OSM 2023), Bari (Comune street graph) and the
Venice historic centre (OSM 2009). Travel times are checked against networkx Dijkstra, polygons
for sanity, and Venice isochrones against the Grand Canal (sestieri of the 2011 insulae).

The networks are built once per session (fixtures in ``conftest.py``).
"""

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from netfixtures import nx_from_arrays, reference_hull

from capacitymetro_plugin.core.access import isochrones, nearest_times, od_matrix, territories
from capacitymetro_plugin.core.network import snap

pytestmark = pytest.mark.realdata
WALK = 4.5 / 3.6


# --- Trento ---------------------------------------------------------------------------------------
def test_trento_network_size(trento):
    assert trento.crs == 32632 and trento.mode == "walk"
    assert 12_000 < trento.n_nodes < 20_000
    # All highway ways of the extract measure 1,516 km (osmnx, undirected); motorways and
    # trunk roads (~95 km) are not walkable and small detached parts are dropped.
    assert 1_250 < trento.length_m.sum() / 2 / 1000 < 1_516


def test_trento_times_equal_networkx(trento, trento_services):
    s = snap(trento, trento_services, max_distance_m=250)
    assert not s.off_network.any()
    sources = s.node[::20]  # 17 services
    delay = np.linspace(0, 600, sources.size)
    G = nx_from_arrays(trento)
    ours = nearest_times(trento, sources)
    ref = nx.multi_source_dijkstra_path_length(G, set(sources.tolist()), weight="weight")
    expected = np.array([ref.get(v, np.inf) for v in range(trento.n_nodes)])
    # Reached: exactly the part the services are on (all on the largest; the 31 other parts
    # kept, 163 nodes, are not reached).
    main = trento.part_labels == np.argmax(trento.part_sizes)
    assert np.array_equal(np.isfinite(expected), main) and (~main).sum() == 163
    assert np.array_equal(np.isfinite(ours.time_s), main)
    assert np.max(np.abs(ours.time_s[main] - expected[main])) < 1e-6
    # With per-service delays: networkx through an explicit super-source.
    H = G.copy()
    for node, d in zip(sources.tolist(), delay.tolist(), strict=True):
        if not H.has_edge("S", node) or H["S"][node]["weight"] > d:
            H.add_edge("S", node, weight=d)
    ref_d = nx.single_source_dijkstra_path_length(H, "S", weight="weight")
    got = nearest_times(trento, sources, extra_delay_s=delay)
    want = np.array([ref_d.get(v, np.inf) for v in range(trento.n_nodes)])
    assert np.array_equal(np.isfinite(got.time_s), np.isfinite(want))
    assert np.max(np.abs(got.time_s[main] - want[main])) < 1e-6
    # The named source is the one that achieves the time.
    some = np.arange(0, trento.n_nodes, 997)
    for v in some[main[some]]:
        k = got.source[v]
        t = nx.dijkstra_path_length(G, int(sources[k]), int(v), weight="weight") + delay[k]
        assert t == pytest.approx(got.time_s[v], abs=1e-6)


def test_trento_od_matrix_equals_networkx(trento, trento_services):
    s = snap(trento, trento_services)
    o, d = s.node[:5], s.node[100:140]
    od = od_matrix(trento, o, d, cutoff_s=1200)
    G = nx_from_arrays(trento)
    for i, a in enumerate(o.tolist()):
        ref = nx.single_source_dijkstra_path_length(G, a, cutoff=1200, weight="weight")
        exp = np.array([ref.get(b, np.inf) for b in d.tolist()])
        assert np.array_equal(np.isfinite(od[i]), np.isfinite(exp))
        fin = np.isfinite(exp)
        assert np.max(np.abs(od[i][fin] - exp[fin]), initial=0) < 1e-6


def test_trento_isochrones_sane(trento, trento_services):
    svc = trento_services.iloc[::17].reset_index(drop=True)  # 20 services
    iso = isochrones(trento, svc, thresholds_min=(5, 10, 15, 20, 30), id_field="osm_ref")
    assert iso.geometry.is_valid.all()
    s = snap(trento, svc)
    node_of = dict(zip(svc["osm_ref"], s.node, strict=True))
    for sid, group in iso.groupby("service_id"):
        group = group.sort_values("threshold_min")
        assert group["area_km2"].is_monotonic_increasing
        geoms = group.geometry.values
        for small, big in zip(geoms[:-1], geoms[1:], strict=True):
            assert small.difference(big).area <= 1e-6 * small.area
        n = node_of[sid]
        for t, g in zip(group["threshold_min"], geoms, strict=True):
            xy = shapely.get_coordinates(g)
            far = np.hypot(xy[:, 0] - trento.x[n], xy[:, 1] - trento.y[n]).max()
            # Walking reach (+0.5 %: OSM lengths are geodesic, the plane is UTM) + band + cell.
            assert far <= WALK * 60 * t * 1.005 + 20 + 10 * np.sqrt(2)
    # Street-following shapes are much smaller than the crow-flies disc.
    big = iso[iso.threshold_min == 30]["area_km2"]
    assert big.median() < 0.6 * np.pi * (WALK * 1800 / 1000) ** 2


def test_trento_territories_are_a_network_voronoi(trento, trento_services):
    svc = trento_services.iloc[::10].reset_index(drop=True)
    terr = territories(trento, svc, id_field="osm_ref")
    # Every street the services can reach is shared out exactly once (lengths of the projected
    # street lines); the streets of parts without a service have no territory.
    s = snap(trento, svc)
    served = np.isin(trento.part_labels[trento.tail], trento.part_labels[s.node])
    planar = shapely.length(trento.segment_lines(np.unique(trento.seg[served]))).sum()
    assert terr["length_m"].sum() == pytest.approx(planar, rel=1e-9)
    G = nx_from_arrays(trento)
    lengths = [nx.single_source_dijkstra_path_length(G, int(n), weight="weight") for n in s.node]
    per = np.array([[lg.get(v, np.inf) for v in range(trento.n_nodes)] for lg in lengths])
    best = per.min(axis=0)
    nt = nearest_times(trento, s.node)
    assert np.array_equal(np.isfinite(nt.time_s), np.isfinite(best))
    fin = np.isfinite(best)
    assert np.max(np.abs(nt.time_s[fin] - best[fin])) < 1e-6
    assert np.allclose(per[nt.source, np.arange(trento.n_nodes)], best)
    # Each piece's time_from_s is its owner's time at the piece's end that is a junction
    # (the earlier one when both are): pieces start at junctions and end at borders.
    from scipy.spatial import cKDTree

    owner_rows = pd.Series(range(len(svc)), index=svc["osm_ref"])
    rows = owner_rows[terr["service_id"]].to_numpy()
    tree = cKDTree(np.column_stack([trento.x, trento.y]))
    ends = []
    for k in (0, -1):
        d, idx = tree.query(shapely.get_coordinates(shapely.get_point(terr.geometry.values, k)))
        t = per[rows, idx]
        ends.append(np.where(d < 1e-6, t, np.inf))
    expected = np.minimum(*ends)
    ok = np.isfinite(expected)
    assert ok.mean() > 0.99
    assert np.allclose(terr["time_from_s"].to_numpy()[ok], expected[ok], atol=1e-6)


# --- Bari ----------------------------------------------------------------------------------------
def test_bari_times_equal_networkx_on_the_original_graph(bari, bari_edges):
    # An independent graph: the published u/v topology of the largest component, with the
    # geometry lengths (the published length_m is rounded to the centimetre).
    main = bari_edges[bari_edges["component"] == 0]
    G = nx.Graph()
    assert np.allclose(main["length_m"], main.geometry.length, atol=0.006)
    for u, v, length in zip(main["u"], main["v"], main.geometry.length, strict=True):
        if u != v and (not G.has_edge(u, v) or G[u][v]["weight"] > length / WALK):
            G.add_edge(u, v, weight=length / WALK)
    start = main.geometry.iloc[0].coords[0]
    u0 = main["u"].iloc[0]
    ref = nx.single_source_dijkstra_path_length(G, u0, cutoff=1200, weight="weight")
    node0 = int(np.argmin(np.hypot(bari.x - start[0], bari.y - start[1])))
    ours = nearest_times(bari, [node0], cutoff_s=1200).time_s
    assert np.isfinite(ours).sum() == len(ref)
    # Match nodes by position (both graphs snap segment ends to 0.1 m).
    ends = {}
    for u, v, geom in zip(main["u"], main["v"], main.geometry, strict=True):
        ends.setdefault(u, geom.coords[0])
        ends.setdefault(v, geom.coords[-1])
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([bari.x, bari.y]))
    ids = list(ref)
    d, idx = tree.query(np.array([ends[k] for k in ids]))
    assert d.max() < 0.2
    assert np.max(np.abs(ours[idx] - np.array([ref[k] for k in ids]))) < 1e-6


def test_bari_isochrones_from_piazza_liberta(bari):
    p = gpd.GeoDataFrame(
        {"service_id": ["piazza"]}, geometry=gpd.points_from_xy([16.8719], [41.1253]), crs=4326
    )
    iso = isochrones(bari, p, thresholds_min=(5, 10, 15))
    assert iso["area_km2"].is_monotonic_increasing
    assert 0.05 < iso["area_km2"].iloc[0] < np.pi * (WALK * 300 / 1000) ** 2


# --- Venice --------------------------------------------------------------------------------------
def test_venice_isochrones_do_not_cross_the_grand_canal(venice, shared_data):
    insulae = gpd.read_file(
        shared_data / "venezia_isole_popolazione_2011_vpc.gpkg", layer="isole_centro_storico"
    ).to_crs(venice.crs)
    ne = insulae[insulae["Codice_Ses"].isin(["CN", "CS", "SM"])].union_all()
    sw = insulae[insulae["Codice_Ses"].isin(["SP", "SC", "DD"])].union_all()
    in_ne = shapely.contains_xy(ne, venice.x, venice.y)
    in_sw = shapely.contains_xy(sw, venice.x, venice.y)
    assert in_ne.sum() > 500 and in_sw.sum() > 300
    pois = gpd.read_file(shared_data / "osm_servizi_venezia_cs_2009.gpkg", layer="pois")
    frari = pois[pois["name"] == "Basilica dei Frari"].reset_index(drop=True)
    node = snap(venice, frari).node[0]
    assert in_sw[node]
    t = nearest_times(venice, [node]).time_s
    cross = t[in_ne].min()  # the first place across the canal (over a bridge)
    assert cross > 180
    minutes = (cross - 30) / 60  # stop 30 s before any bridge is crossed
    iso = isochrones(venice, frari, thresholds_min=[minutes])
    g = iso.geometry.iloc[0]
    disc = shapely.Point(venice.x[node], venice.y[node]).buffer(WALK * 60 * minutes)
    # A crow-flies disc reaches well into the other bank; the street isochrone does not.
    assert disc.intersection(ne).area > 0.05 * disc.area
    assert g.intersection(ne).area < 0.002 * g.area
    covered = shapely.contains_xy(g, venice.x, venice.y)
    assert not (covered & in_ne).any()
    # Ten minutes later the walk has crossed: the NE bank is reached only by its streets.
    later = isochrones(venice, frari, thresholds_min=[minutes + 10]).geometry.iloc[0]
    assert later.intersection(ne).area > 0.05 * later.area


@pytest.mark.parametrize("which", ["trento", "bari", "venice"])
def test_node_hulls_equal_the_networkx_ego_graph_recipe(which, request):
    # method="node_hull" draws the polygon of the osmnx-examples recipe (ego_graph, then the
    # convex hull of its nodes): run the recipe itself with networkx and compare, unwidened
    # (buffer_m=0) and widened alike.
    import networkx as nx

    net = request.getfixturevalue(which)
    G = nx_from_arrays(net)
    rng = np.random.default_rng(11)
    nodes = rng.choice(net.n_nodes, size=12, replace=False)
    svc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(net.x[nodes], net.y[nodes]), crs=net.crs)
    thresholds = (5, 10, 15, 30)
    bare = isochrones(net, svc, thresholds_min=thresholds, method="node_hull", buffer_m=0)
    wide = isochrones(net, svc, thresholds_min=thresholds, method="node_hull", buffer_m=20.0)
    checked = grew = 0
    for j, node in enumerate(nodes.tolist()):
        got = bare[bare.service_id == str(j)].sort_values("threshold_min").geometry.values
        got_wide = wide[wide.service_id == str(j)].sort_values("threshold_min").geometry.values
        assert len(got) == len(got_wide) == len(thresholds)
        for g, gw, minutes in zip(got, got_wide, thresholds, strict=True):
            sub = nx.ego_graph(G, node, radius=minutes * 60.0, distance="weight")
            pts = shapely.points(np.column_stack([net.x[list(sub)], net.y[list(sub)]]))
            w = shapely.convex_hull(shapely.multipoints(pts))
            assert g.geom_type == w.geom_type
            assert shapely.symmetric_difference(g, w).area <= 1e-9 * w.area
            assert shapely.equals(shapely.normalize(g), shapely.normalize(w))
            ww = shapely.buffer(w, 20.0, quad_segs=4)
            assert shapely.symmetric_difference(gw, ww).area <= 1e-9 * ww.area
            checked += 1
        grew += got[-1].area > 2 * got[0].area
    assert checked == 12 * len(thresholds) and grew >= 6


def _reference_hulls(net, node, limits_s, buffer_m=20.0):
    """One service at a time, edge by edge (``netfixtures.reference_hull``)."""
    from scipy.sparse.csgraph import dijkstra

    dist = dijkstra(net.csr, indices=int(node), limit=limits_s[-1])
    return [reference_hull(net, dist, lim, buffer_m) for lim in limits_s]


@pytest.mark.parametrize("which", ["trento", "bari", "venice"])
def test_block_batched_hulls_equal_per_service_reference(which, request, trento_services):
    # All services go through the block-batched hull path at once; each polygon must equal the
    # one built service by service, edge by edge, with shapely (up to rounding).
    net = request.getfixturevalue(which)
    if which == "trento":
        svc = trento_services.to_crs(net.crs).iloc[::60][["geometry"]].reset_index(drop=True)
    else:
        rng = np.random.default_rng(7)
        nodes = rng.choice(net.n_nodes, size=5, replace=False)
        svc = gpd.GeoDataFrame(geometry=gpd.points_from_xy(net.x[nodes], net.y[nodes]), crs=net.crs)
    thresholds = (5, 10, 15, 30)
    iso = isochrones(net, svc, thresholds_min=thresholds, method="hull", max_snap_m=100)
    s = snap(net, svc, max_distance_m=100)
    limits = [t * 60.0 for t in thresholds]
    checked = 0
    for j in np.flatnonzero(s.on_network):
        got = iso[iso.service_id == str(j)].sort_values("threshold_min").geometry.values
        want = _reference_hulls(net, s.node[j], limits)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert shapely.symmetric_difference(g, w).area <= 1e-9 * w.area
            checked += 1
    assert checked >= 4 * len(limits)
