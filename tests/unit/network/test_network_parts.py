"""Networks with several parts (islands): which parts are kept, and the snapping rule that
prefers a much larger part that is only slightly farther (core/network/snapping.py).

The reference for snapping is a brute-force search over every node with the rule written out
again (``netfixtures.brute_snap``, parts from networkx); the reference for parts is networkx.
"""

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netfixtures import CRS, X0, Y0, brute_snap, grid_lines, points
from shapely.geometry import LineString

from capacitymetro_plugin.core.coverage import parts_without_service
from capacitymetro_plugin.core.defaults import (
    MIN_PART_NODES,
    SNAP_LARGER_PART_FACTOR,
    SNAP_LARGER_PART_M,
    SNAP_LARGER_PART_RATIO,
)
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network import finish_network, network_from_lines, snap
from capacitymetro_plugin.core.progress import Progress


def _path(xy):
    """A footway through the points ``xy`` (one segment between each two)."""
    return [LineString([a, b]) for a, b in zip(xy[:-1], xy[1:])]


def _layer(extra):
    grid = grid_lines(6)  # 36 nodes, X0..X0+500, Y0..Y0+500
    return gpd.GeoDataFrame(geometry=list(grid.geometry) + list(extra), crs=CRS)


# a 3-node footway 120 m west of the grid, a 2-node scrap, a 5-node island 1 km east
TINY = _path([(X0 - 120, Y0 + 100), (X0 - 120, Y0 + 200), (X0 - 120, Y0 + 300)])
SCRAP = _path([(X0 + 250, Y0 - 400), (X0 + 300, Y0 - 400)])
ISLAND = _path([(X0 + 1500 + 60 * k, Y0 + 200) for k in range(5)])


def test_every_part_of_at_least_min_nodes_is_kept_and_said():
    msgs = []
    net = network_from_lines(_layer(TINY + SCRAP + ISLAND), progress=Progress(log=msgs.append))
    assert MIN_PART_NODES == 3
    assert net.n_nodes == 36 + 3 + 5
    assert net.meta["components"] == 4 and net.meta["parts_kept"] == 3
    assert net.meta["dropped_nodes"] == 2 and net.meta["dropped_parts"] == 1
    text = " ".join(msgs)
    assert "4 disconnected parts: kept 3 (44 nodes; the largest 36), dropped 2 nodes" in text
    assert "tenute 3 (44 nodi" in text and "con meno di 3 nodi" in text
    # The parts are networkx's connected components of the same streets.
    G = nx.Graph(list(zip(net.tail.tolist(), net.head.tolist())))
    sizes = sorted(len(c) for c in nx.connected_components(G))
    assert sizes == sorted(net.part_sizes.tolist()) == [3, 5, 36]
    # keep="largest" is the old behaviour; keep="all" keeps the scrap too.
    assert network_from_lines(_layer(TINY + SCRAP + ISLAND), keep="largest").n_nodes == 36
    assert network_from_lines(_layer(TINY + SCRAP + ISLAND), keep="all").n_nodes == 46
    with pytest.raises(InputError, match="Unknown choice") as err:
        finish_network(net, keep="biggest")
    assert "sconosciuta" in err.value.localized("it")


def test_travel_times_between_parts_are_infinite():
    from capacitymetro_plugin.core.access import nearest_times

    net = network_from_lines(_layer(TINY + ISLAND))
    t = nearest_times(net, [0]).time_s
    assert np.isfinite(t[net.part_labels == net.part_labels[0]]).all()
    assert np.isinf(t[net.part_labels != net.part_labels[0]]).all()


def test_car_keeps_the_largest_strongly_connected_part_of_each_island():
    # A two-way street with a one-way loop hung on it (enter, go round, never leave: a trap of
    # 3 nodes) and, apart, a two-way street of 3 nodes (an island with its own cars).
    two_way = _path([(X0, Y0), (X0 + 100, Y0), (X0 + 200, Y0), (X0 + 300, Y0)])
    loop = _path([(X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0 + 150, Y0 + 150)])
    loop += _path([(X0 + 150, Y0 + 150), (X0 + 100, Y0 + 150), (X0 + 100, Y0 + 100)])
    island = _path([(X0 + 2000, Y0), (X0 + 2100, Y0), (X0 + 2200, Y0)])
    lines = two_way + loop + island
    oneway = ["no"] * 3 + ["yes"] * 4 + ["no"] * 2
    gdf = gpd.GeoDataFrame({"oneway": oneway}, geometry=lines, crs=CRS)
    net = network_from_lines(gdf, mode="car")
    xy = {(round(x - X0), round(y - Y0)) for x, y in zip(net.x, net.y)}
    assert xy == {(0, 0), (100, 0), (200, 0), (300, 0), (2000, 0), (2100, 0), (2200, 0)}
    # networkx: of each weakly connected part, its largest strongly connected part.
    full = network_from_lines(gdf, mode="car", keep="all")
    G = nx.DiGraph(list(zip(full.tail.tolist(), full.head.tolist())))
    expect = set()
    for weak in nx.weakly_connected_components(G):
        strong = max(nx.strongly_connected_components(G.subgraph(weak)), key=len)
        if len(strong) >= MIN_PART_NODES:
            expect |= {(round(full.x[n] - X0), round(full.y[n] - Y0)) for n in strong}
    assert xy == expect


# --- the snapping rule -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def net():
    return network_from_lines(_layer(TINY + ISLAND))


@pytest.mark.parametrize(
    ("dx", "max_d", "moves"),
    [
        (-95, 250, True),  # nearest: the footway at 25 m; the grid at 95 m <= 100 m
        (-105, 250, False),  # footway at 15 m; the grid at 105 m > max(100, 22.5)
        (-125, 250, False),  # footway at 5 m (west of it); the grid at 125 m
        (-300, 250, False),  # footway at 180 m; the grid at 300 m > 1.5 × 180
        (-360, 400, True),  # footway at 240 m; the grid at 360 m <= 1.5 × 240
        (-360, 250, False),  # ... but not beyond the maximum snap distance
    ],
)
def test_a_point_beside_a_footway_joins_the_grid_only_when_slightly_farther(net, dx, max_d, moves):
    assert (SNAP_LARGER_PART_M, SNAP_LARGER_PART_RATIO, SNAP_LARGER_PART_FACTOR) == (100, 1.5, 10)
    p = points([(X0 + dx, Y0 + 200)])
    msgs = []
    s = snap(net, p, max_distance_m=max_d, progress=Progress(log=msgs.append))
    grid_part = net.part_labels[np.argmax(net.part_sizes[net.part_labels])]
    on_grid = net.part_labels[s.node[0]] == grid_part
    assert on_grid == moves and bool(s.to_larger_part[0]) == moves
    want = (X0, Y0 + 200) if moves else (X0 - 120, Y0 + 200)
    assert (net.x[s.node[0]], net.y[s.node[0]]) == pytest.approx(want)
    assert s.distance_m[0] == pytest.approx(abs(want[0] - (X0 + dx)))
    assert any("joined a larger part" in m for m in msgs) == moves
    # Off: plain nearest node.
    plain = snap(net, p, max_distance_m=max_d, larger_factor=0)
    assert (net.x[plain.node[0]], plain.to_larger_part[0]) == (pytest.approx(X0 - 120), False)


def test_a_place_on_a_real_island_stays_on_its_island():
    # 5 nodes 40 m from a 36-node grid: 36 < 10 × 5, so the island is not "tiny" beside it.
    near_island = _path([(X0 - 40, Y0 + 100 * k) for k in range(5)])
    net = network_from_lines(_layer(near_island))
    s = snap(net, points([(X0 - 35, Y0 + 200)]))
    assert net.x[s.node[0]] == pytest.approx(X0 - 40) and not s.to_larger_part[0]


_coord = st.floats(-400, 900, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scraps=st.lists(
        st.tuples(_coord, _coord, st.integers(1, 4), st.sampled_from([0, 90])),
        min_size=1,
        max_size=6,
    ),
    pts=st.lists(st.tuples(_coord, _coord), min_size=1, max_size=15),
)
def test_property_no_point_snaps_to_a_part_smaller_than_min_part_nodes(scraps, pts):
    # Random footways of 2 to 5 nodes around (and across) the grid; random points.
    extra = []
    for x, y, n_seg, angle in scraps:
        dx, dy = (37.0, 0.0) if angle == 0 else (0.0, 37.0)
        extra += _path([(X0 + x + k * dx, Y0 + y + k * dy) for k in range(n_seg + 1)])
    lines = _layer(extra)
    net = network_from_lines(lines)
    xy = np.array([(X0 + x, Y0 + y) for x, y in pts])
    s = snap(net, points(xy), max_distance_m=250)
    assert (net.part_sizes[net.part_labels[s.node]] >= MIN_PART_NODES).all()
    want, _ = brute_snap(net, xy, 250)
    d_got = np.hypot(net.x[s.node] - xy[:, 0], net.y[s.node] - xy[:, 1])
    d_want = np.hypot(net.x[want] - xy[:, 0], net.y[want] - xy[:, 1])
    assert np.allclose(d_got, d_want) and np.allclose(s.distance_m, d_want)
    # Equal distances may pick another node, never another part size.
    assert np.array_equal(
        net.part_sizes[net.part_labels[s.node]], net.part_sizes[net.part_labels[want]]
    )


# --- naming the parts without a service --------------------------------------------------------
def test_parts_without_service_name_the_island_and_agree_with_networkx(net):
    island_x = X0 + 1500 + 60 * np.arange(5)
    cells = points(
        [
            (X0 + 100, Y0 + 100),
            (X0 + 400, Y0 + 300),
            (island_x[1], Y0 + 210),
            (island_x[3], Y0 + 190),
        ],
        pop_total=[100.0, 50.0, 30.0, 12.0],
        foreign=[10.0, 5.0, 3.0, 1.0],
        zone=["Centro", "Centro", "Isola Nord", "Isola Sud"],
    )
    services = points(
        [(X0 + 200, Y0 + 200), (X0 + 10, Y0 + 10)], sectors=["health;community", "community"]
    )
    res = parts_without_service(
        net, cells, services, sectors=["all", "health", "school"], zone_field="zone"
    )
    rows = {(r.sector, r.name): r for r in res.itertuples()}
    assert set(rows) == {
        ("all", "Isola Nord, Isola Sud"),
        ("health", "Isola Nord, Isola Sud"),
        ("school", "Centro"),
        ("school", "Isola Nord, Isola Sud"),
    }
    health = rows[("health", "Isola Nord, Isola Sud")]
    assert health.residents == 42 and health.foreign == 4 and health.origins == 2
    assert health.part == 2  # parts numbered by size: grid 1, island (5 nodes) 2, footway 3
    assert (
        health.text_en == "Isola Nord, Isola Sud: 42 residents, no health service reachable on foot"
    )
    assert health.text_it == (
        "Isola Nord, Isola Sud: 42 residenti, nessun servizio del settore «salute» "
        "raggiungibile a piedi"
    )
    assert rows[("school", "Centro")].residents == 150
    assert list(res["residents"]) == sorted(res["residents"], reverse=True)
    # networkx: no path from an island cell's node to a service node; one from the grid's.
    G = nx.Graph(list(zip(net.tail.tolist(), net.head.tolist())))
    c = snap(net, cells).node
    sv = snap(net, services).node
    assert not any(nx.has_path(G, int(c[2]), int(v)) for v in sv)
    assert nx.has_path(G, int(c[0]), int(sv[0]))
    # Without zones: "part N near lat, lon" (the people-weighted centre, WGS84).
    plain = parts_without_service(net, cells, services, sectors=["all"])
    assert len(plain) == 1 and plain["name"].iloc[0].startswith("part 2 near 46.0")
    lat, lon = plain["lat"].iloc[0], plain["lon"].iloc[0]
    centre = gpd.GeoSeries.from_xy(
        [np.average(cells.geometry.x[2:], weights=[30, 12])],
        [np.average(cells.geometry.y[2:], weights=[30, 12])],
        crs=CRS,
    ).to_crs(4326)
    assert (lon, lat) == pytest.approx((centre.x[0], centre.y[0]), abs=1e-9)
    assert plain["text_it"].iloc[0].startswith(f"parte 2 presso {lat:.4f}, {lon:.4f}: 42 residenti")


def test_the_report_says_a_part_without_any_service_once(net):
    from types import SimpleNamespace

    from capacitymetro_plugin.batch.report import parts_texts

    cells = points(
        [(X0 + 100, Y0 + 100), (X0 + 1560, Y0 + 210)],
        pop_total=[100.0, 30.0],
        zone=["Centro", "Isola"],
    )
    services = points([(X0 + 200, Y0 + 200)], sectors=["health"])
    res = parts_without_service(
        net, cells, services, sectors=["all", "health", "school"], zone_field="zone"
    )
    assert len(res) == 4  # Isola: all, health, school; Centro: school
    summary = SimpleNamespace(parts_without_service=res)
    assert parts_texts(summary, "en") == [
        "Centro: 100 residents, no school and education service reachable on foot",
        "Isola: 30 residents, no service reachable on foot",
    ]
    assert (
        parts_texts(summary, "it")[1]
        == "Isola: 30 residenti, nessun servizio raggiungibile a piedi"
    )
    assert parts_texts(SimpleNamespace(parts_without_service=None), "it") == []
