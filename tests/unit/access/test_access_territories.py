import geopandas as gpd
import numpy as np
import pytest
from netfixtures import CRS, X0, Y0, grid_lines, points
from shapely.geometry import LineString, Point

from capacitymetro_plugin.core.access import territories
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network import network_from_lines

WALK = 4.5 / 3.6


@pytest.fixture(scope="module")
def line_net():
    segs = [LineString([(X0 + 100 * i, Y0), (X0 + 100 * (i + 1), Y0)]) for i in range(3)]
    return network_from_lines(gpd.GeoDataFrame(geometry=segs, crs=CRS))


def _length_by_service(terr):
    return terr.groupby("service_id")["length_m"].sum().to_dict()


def test_border_falls_mid_street(line_net):
    svc = points([(X0, Y0), (X0 + 300, Y0)], service_id=["A", "B"])
    terr = territories(line_net, svc)
    got = _length_by_service(terr)
    assert got["A"] == pytest.approx(150) and got["B"] == pytest.approx(150)
    assert np.allclose(terr.geometry.length, terr["length_m"])
    assert terr["time_to_s"].max() == pytest.approx(150 / WALK)
    a = terr[terr.service_id == "A"].geometry.union_all()
    assert a.bounds[2] == pytest.approx(X0 + 150)


def test_extra_delay_moves_the_border(line_net):
    svc = points([(X0, Y0), (X0 + 300, Y0)], service_id=["A", "B"], wait=[40 / 60, 0.0])
    got = _length_by_service(territories(line_net, svc, delay_field="wait"))
    # A's 40 s wait costs it 50 m: x / v + 40 = (300 - x) / v  →  x = 125 m.
    assert got["A"] == pytest.approx(125) and got["B"] == pytest.approx(175)


def test_cutoff_leaves_far_streets_without_territory(line_net):
    svc = points([(X0, Y0), (X0 + 300, Y0)], service_id=["A", "B"])
    got = _length_by_service(territories(line_net, svc, cutoff_s=60))
    assert got["A"] == pytest.approx(75) and got["B"] == pytest.approx(75)


def test_sector_filter_and_polygons():
    net = network_from_lines(grid_lines(6))
    svc = points(
        [(X0, Y0), (X0 + 500, Y0 + 500), (X0 + 500, Y0)],
        service_id=["h1", "h2", "s1"],
        sectors=["health", "health;information", "school"],
    )
    edges = territories(net, svc, sector="health")
    assert set(edges.service_id) == {"h1", "h2"}
    total = net.length_m.sum() / 2
    assert edges["length_m"].sum() == pytest.approx(total)
    polys = territories(net, svc, output="polygons")
    assert set(polys.service_id) == {"h1", "h2", "s1"}
    assert polys.geometry.is_valid.all()
    g = polys.geometry.values
    assert all(g[i].intersection(g[j]).area < 1e-6 for i in range(3) for j in range(i + 1, 3))
    # Each territory holds its own service's place and the streets around it.
    for sid, (x, y) in {"h1": (X0, Y0), "h2": (X0 + 500, Y0 + 500), "s1": (X0 + 500, Y0)}.items():
        assert polys[polys.service_id == sid].geometry.iloc[0].contains(Point(x, y))
    with pytest.raises(InputError, match="No service lists sector"):
        territories(net, svc, sector="housing")
    with pytest.raises(InputError, match="no field"):
        territories(net, svc, sector="health", sector_field="settori")
    with pytest.raises(InputError, match="output"):
        territories(net, svc, output="raster")
    with pytest.raises(InputError, match="delay field"):
        territories(net, svc, delay_field="attesa")
