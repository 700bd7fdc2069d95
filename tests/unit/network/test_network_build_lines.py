import geopandas as gpd
import numpy as np
import pytest
from netfixtures import CRS, X0, Y0, grid_lines
from shapely.geometry import LineString

from capacitymetro_plugin.core.errors import CrsError, InputError, NetworkError
from capacitymetro_plugin.core.network import Network, network_from_lines
from capacitymetro_plugin.core.progress import Progress


def test_grid_nodes_edges_and_times():
    net = network_from_lines(grid_lines(5), mode="walk")
    assert net.n_nodes == 25
    assert net.n_segments == 40
    assert net.n_edges == 80  # both directions
    assert net.crs == 32632
    # Each edge's time is its geometry length at 4.5 km/h.
    assert np.allclose(net.time_s, net.length_m / (4.5 / 3.6))
    assert net.length_m.min() == pytest.approx(100.0)
    assert net.length_m.max() > 100.0  # the bent streets


def test_snap_tolerance_joins_nearby_ends():
    a = LineString([(X0, Y0), (X0 + 100, Y0)])
    b = LineString([(X0 + 100.05, Y0), (X0 + 200, Y0)])  # 5 cm gap
    gdf = gpd.GeoDataFrame(geometry=[a, b], crs=CRS)
    assert network_from_lines(gdf, snap_tolerance=0.1).n_nodes == 3
    # With no tolerance the two lines are separate parts: the largest is kept, and said.
    msgs = []
    net = network_from_lines(gdf, snap_tolerance=0.0, progress=Progress(log=msgs.append))
    assert net.n_nodes == 2
    assert any("disconnected" in m for m in msgs)


def test_disconnected_parts_reported_and_largest_kept():
    gdf = grid_lines(4)
    island = LineString([(X0 + 5000, Y0), (X0 + 5100, Y0)])
    gdf = gpd.GeoDataFrame(geometry=list(gdf.geometry) + [island], crs=CRS)
    msgs = []
    net = network_from_lines(gdf, progress=Progress(log=msgs.append))
    assert net.n_nodes == 16
    assert net.meta["components"] == 2 and net.meta["dropped_nodes"] == 2
    assert any("2 disconnected parts" in m for m in msgs)
    kept = network_from_lines(gdf, keep="all")
    assert kept.n_nodes == 18


def test_geographic_layer_is_reprojected_and_said():
    gdf = grid_lines(3).to_crs(4326)
    msgs = []
    net = network_from_lines(gdf, progress=Progress(log=msgs.append))
    assert net.crs == 32632
    assert any("reprojected" in m for m in msgs)
    assert net.length_m.min() == pytest.approx(100.0, abs=0.05)


def test_bad_inputs_have_clear_bilingual_errors():
    with pytest.raises(InputError, match="empty") as err:
        network_from_lines(grid_lines(3).iloc[:0])
    assert "vuoto" in err.value.localized("it")
    with pytest.raises(CrsError, match="no CRS"):
        network_from_lines(grid_lines(3).set_crs(None, allow_override=True))
    with pytest.raises(NetworkError, match="positive"):
        network_from_lines(grid_lines(3), speeds=0)
    with pytest.raises(NetworkError, match="positive"):
        network_from_lines(grid_lines(3), speeds=-3)


def test_car_one_way_column():
    a = LineString([(X0, Y0), (X0 + 100, Y0)])
    b = LineString([(X0 + 100, Y0), (X0 + 200, Y0)])
    c = LineString([(X0 + 200, Y0), (X0 + 300, Y0)])
    gdf = gpd.GeoDataFrame(
        {
            "oneway": ["yes", "no", "-1"],
            "highway": ["residential"] * 3,
            "maxspeed": [None, "50", None],
        },
        geometry=[a, b, c],
        crs=CRS,
    )
    # keep="all": the ends 0 and 300 are one-way traps (kept only on request).
    net = network_from_lines(gdf, mode="car", keep="all")
    assert net.n_edges == 4  # 1 + 2 + 1
    xs = net.x
    pairs = {(round(xs[t] - X0), round(xs[h] - X0)) for t, h in zip(net.tail, net.head)}
    assert pairs == {(0, 100), (100, 200), (200, 100), (300, 200)}
    fast = net.time_s[(np.round(xs[net.tail] - X0) == 100) & (np.round(xs[net.head] - X0) == 200)]
    assert fast[0] == pytest.approx(100 / (50 / 3.6))
    # Walking ignores one-way streets.
    assert network_from_lines(gdf, mode="walk").n_edges == 6
    # By default a car network keeps only its strongly connected part: 100 <-> 200.
    strong = network_from_lines(gdf, mode="car")
    assert sorted(np.round(strong.x - X0).tolist()) == [100, 200] and strong.n_edges == 2
    assert strong.meta["dropped_nodes"] == 2


def test_save_load_roundtrip(tmp_path):
    net = network_from_lines(grid_lines(4))
    path = net.save(tmp_path / "grid")
    assert path.suffix == ".npz"
    back = Network.load(path)
    assert back.crs == net.crs and back.mode == net.mode
    for name in ("x", "y", "tail", "head", "time_s", "length_m", "seg", "coords", "offsets"):
        assert np.array_equal(getattr(back, name), getattr(net, name))
    assert (back.csr != net.csr).nnz == 0
    edges = back.edges_gdf()
    assert len(edges) == net.n_segments and edges.crs.to_epsg() == 32632
    assert np.allclose(edges.geometry.length, edges["length_m"])
    assert len(back.nodes_gdf()) == net.n_nodes


def test_load_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Network.load(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a CapaCityMetro network"):
        Network.load(bad)


def test_csr_keeps_fastest_parallel_edge():
    a = LineString([(X0, Y0), (X0 + 100, Y0)])
    b = LineString([(X0, Y0), (X0 + 50, Y0 + 50), (X0 + 100, Y0)])  # longer parallel street
    net = network_from_lines(gpd.GeoDataFrame(geometry=[a, b], crs=CRS))
    assert net.n_edges == 4
    assert net.csr.nnz == 2
    assert net.csr.data.max() == pytest.approx(100 / 1.25)
