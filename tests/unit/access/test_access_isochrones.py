import geopandas as gpd
import numpy as np
import pytest
import shapely
from netfixtures import CRS, X0, Y0, grid_lines, points
from shapely.geometry import LineString, Point

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.access import isochrones
from capacitymetro_plugin.core.errors import InputError, NetworkError
from capacitymetro_plugin.core.network import network_from_lines, snap
from capacitymetro_plugin.core.progress import Progress

WALK = 4.5 / 3.6


@pytest.fixture(scope="module")
def net():
    return network_from_lines(grid_lines(10))


@pytest.mark.parametrize("method", ["raster", "vector"])
def test_nested_bands_grow_and_stay_within_reach(net, method):
    svc = points([(X0 + 300, Y0 + 400)], service_id=["A"])
    iso = isochrones(net, svc, thresholds_min=(1, 2, 4), method=method)
    assert iso["threshold_min"].tolist() == [1.0, 2.0, 4.0]
    assert (iso["service_id"] == "A").all() and (iso["from_min"] == 0).all()
    geoms = iso.geometry.values
    assert all(g.is_valid for g in geoms)
    areas = shapely.area(geoms)
    assert areas[0] < areas[1] < areas[2]
    for small, big in zip(geoms[:-1], geoms[1:]):
        assert small.difference(big).area < 1e-6 * small.area
    # No vertex farther from the service than the walk can go, plus the band and one cell.
    for t, g in zip((1, 2, 4), geoms):
        reach = WALK * 60 * t + 20 + 10 * np.sqrt(2) + 0.01
        xy = shapely.get_coordinates(g)
        assert np.hypot(xy[:, 0] - (X0 + 300), xy[:, 1] - (Y0 + 400)).max() <= reach


def test_partial_streets_are_cut_at_the_remaining_time(net):
    # 1 minute = 75 m: no junction is reached (they are 100 m apart) but the streets are.
    iso = isochrones(net, points([(X0 + 300, Y0 + 400)]), thresholds_min=[1])
    g = iso.geometry.iloc[0]
    assert g.contains(Point(X0 + 300 + 60, Y0 + 400))
    assert g.contains(Point(X0 + 300, Y0 + 400 - 60))
    assert not g.contains(Point(X0 + 300 + 75 + 20 + 15, Y0 + 400))
    assert not g.contains(Point(X0 + 350, Y0 + 450))  # inside the block, 50 m from any street


def test_disjoint_bands_do_not_overlap_and_sum_to_nested(net):
    svc = points([(X0 + 300, Y0 + 400), (X0 + 800, Y0 + 100)], service_id=["A", "B"])
    rings = isochrones(net, svc, thresholds_min=(2, 4, 6), bands="disjoint")
    nested = isochrones(net, svc, thresholds_min=(2, 4, 6), bands="nested")
    for sid in ("A", "B"):
        r = rings[rings.service_id == sid]
        n = nested[nested.service_id == sid]
        assert r["from_min"].tolist() == [0.0, 2.0, 4.0]
        g = r.geometry.values
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                assert g[i].intersection(g[j]).area < 1e-6
        assert r["area_km2"].sum() == pytest.approx(n["area_km2"].iloc[-1], rel=1e-9)


def test_raster_and_vector_methods_agree_roughly(net):
    svc = points([(X0 + 450, Y0 + 450)])
    a = isochrones(net, svc, thresholds_min=[5], method="raster").area.iloc[0]
    b = isochrones(net, svc, thresholds_min=[5], method="vector").area.iloc[0]
    # The raster band is buffer_m to buffer_m + one cell wide on each side: on this grid,
    # whose streets run along cell edges, it is the full extra cell (25 % wider).
    assert b <= a <= b * 1.3


def test_hull_method_contains_the_street_shape(net):
    svc = points([(X0 + 300, Y0 + 400)])
    streets = isochrones(net, svc, thresholds_min=(2, 4), method="raster").geometry.values
    hull = isochrones(net, svc, thresholds_min=(2, 4), method="hull").geometry.values
    for s, h in zip_strict(streets, hull):
        assert h.is_valid and h.area >= s.area * 0.9
    assert hull[0].within(hull[1])


def test_shapes_do_not_jump_a_river_without_bridge():
    # Two streets 60 m apart (a river between), joined by a bridge 1.5 km away.
    south = LineString([(X0, Y0), (X0 + 1500, Y0)])
    north = LineString([(X0, Y0 + 60), (X0 + 1500, Y0 + 60)])
    bridge = LineString([(X0 + 1500, Y0), (X0 + 1500, Y0 + 60)])
    net = network_from_lines(gpd.GeoDataFrame(geometry=[south, north, bridge], crs=CRS))
    iso = isochrones(net, points([(X0, Y0)]), thresholds_min=[5])
    g = iso.geometry.iloc[0]
    assert g.contains(Point(X0 + 300, Y0))
    assert not g.intersects(Point(X0 + 100, Y0 + 60))  # 60 m away in a straight line
    disc = Point(X0, Y0).buffer(WALK * 300)
    assert disc.contains(Point(X0 + 100, Y0 + 60))


def test_one_polygon_set_for_all_services(net):
    svc = points([(X0, Y0), (X0 + 900, Y0 + 900)])
    iso = isochrones(net, svc, thresholds_min=[2], per_service=False)
    assert iso["service_id"].tolist() == ["all"]
    assert iso.geometry.iloc[0].geom_type == "MultiPolygon"


def test_off_network_services_are_reported(net):
    svc = points([(X0, Y0), (X0 + 9000, Y0)], service_id=["near", "far"])
    msgs = []
    iso = isochrones(net, svc, thresholds_min=[2], progress=Progress(log=msgs.append))
    assert iso["service_id"].tolist() == ["near"]
    assert any("far" in m for m in msgs)
    with pytest.raises(NetworkError, match="from the network"):
        isochrones(net, svc.iloc[[1]], thresholds_min=[2])


@pytest.mark.parametrize("bad", [[0], [-5], [500], ["abc"], []])
def test_thresholds_out_of_range(net, bad):
    with pytest.raises(InputError) as err:
        isochrones(net, points([(X0, Y0)]), thresholds_min=bad)
    assert err.value.message_it != err.value.message


def test_other_bad_options(net):
    svc = points([(X0, Y0)])
    with pytest.raises(InputError, match="band"):
        isochrones(net, svc, bands="rings")
    with pytest.raises(InputError, match="method"):
        isochrones(net, svc, method="alpha")
    with pytest.raises(InputError, match="field"):
        isochrones(net, svc, id_field="nope")
    with pytest.raises(InputError, match="empty"):
        isochrones(net, svc.iloc[:0])
    for method in ("raster", "vector"):
        with pytest.raises(InputError, match=r"greater than zero\. Use"):
            isochrones(net, svc, buffer_m=0, method=method)
    with pytest.raises(InputError, match="or zero, for the hull"):
        isochrones(net, svc, buffer_m=-1, method="hull")


def test_hulls_unwidened_with_a_zero_buffer(net):
    # From the grid's corner: at 1 min only the corner node (a point), later a real polygon
    # that the widened hull contains with a 20 m margin.
    svc = points([(X0, Y0)])
    bare = isochrones(net, svc, thresholds_min=[0.5, 10], buffer_m=0, method="node_hull")
    assert bare.geometry.iloc[0].geom_type == "Point" and bare["area_km2"].iloc[0] == 0
    assert bare.geometry.iloc[1].geom_type == "Polygon"
    wide = isochrones(net, svc, thresholds_min=[0.5, 10], buffer_m=20, method="node_hull")
    assert wide.geometry.iloc[1].equals(bare.geometry.iloc[1].buffer(20, quad_segs=4))
    street = isochrones(net, svc, thresholds_min=[10], buffer_m=0, method="hull")
    assert street.geometry.iloc[0].contains(bare.geometry.iloc[1])


def test_cancel_stops_the_work(net):
    from capacitymetro_plugin.core.errors import Canceled

    svc = points([(X0, Y0), (X0 + 500, Y0 + 500)])
    seen = []
    with pytest.raises(Canceled):
        isochrones(
            net,
            svc,
            thresholds_min=[2],
            progress=Progress(
                callback=lambda p, m: seen.append(p), is_canceled=lambda: len(seen) > 1
            ),
        )


def test_fill_holes_fills_blocks_but_keeps_nesting(net):
    svc = points([(X0 + 450, Y0 + 450)])
    plain = isochrones(net, svc, thresholds_min=(3, 6))
    filled = isochrones(net, svc, thresholds_min=(3, 6), fill_holes=True)
    block_centre = Point(X0 + 550, Y0 + 550)  # about 50 m from every street around it
    assert not plain.geometry.iloc[1].contains(block_centre)
    assert filled.geometry.iloc[1].contains(block_centre)
    assert (filled.area.values >= plain.area.values).all()
    small, big = filled.geometry.values
    assert small.difference(big).area < 1e-6 * small.area


def test_hull_cuts_each_direction_of_a_street_at_its_own_reach():
    # A hairpin street A-P-B (150 m up, 151.3 m down) whose ends are joined by a 20 m street:
    # from A, one minute (75 m) reaches (0, 75) going up and 55 m of the way down from B.
    # The farthest point down from B must be cut on B's own clock, not by interpolating
    # between P's time from A and B's time.
    ax, ay = X0, Y0
    hairpin = LineString([(ax, ay), (ax, ay + 150), (ax + 20, ay)])
    direct = LineString([(ax, ay), (ax + 20, ay)])
    net = network_from_lines(gpd.GeoDataFrame(geometry=[hairpin, direct], crs=CRS))
    walk_m = 60 * WALK
    down = shapely.line_interpolate_point(LineString([(ax + 20, ay), (ax, ay + 150)]), walk_m - 20)
    want = shapely.buffer(
        shapely.convex_hull(
            shapely.multipoints([(ax, ay), (ax + 20, ay), (ax, ay + walk_m), (down.x, down.y)])
        ),
        1.0,
        quad_segs=4,
    )
    got = isochrones(net, points([(ax, ay)]), thresholds_min=[1], method="hull", buffer_m=1.0)
    assert shapely.symmetric_difference(got.geometry.iloc[0], want).area <= 1e-9 * want.area


@pytest.mark.parametrize("max_values", [None, 50])
def test_hull_block_of_services_equals_one_service_at_a_time(net, monkeypatch, max_values):
    hull_mod = __import__("capacitymetro_plugin.core.access.hulls", fromlist=["x"])
    if max_values:  # force the block to be split into many small parts
        monkeypatch.setattr(hull_mod, "MAX_HULL_VALUES", max_values)
    where = [(X0 + 300, Y0 + 400), (X0 + 20, Y0 + 900), (X0 + 850, Y0 + 130), (X0 + 500, Y0)]
    svc = points(where, service_id=["a", "b", "c", "d"])
    both = isochrones(net, svc, thresholds_min=(1, 3, 6), method="hull", bands="disjoint")
    assert len(both) == 12
    for i, sid in enumerate(["a", "b", "c", "d"]):
        alone = isochrones(
            net, svc.iloc[[i]], thresholds_min=(1, 3, 6), method="hull", bands="disjoint"
        )
        mine = both[both.service_id == sid]
        assert mine.from_min.tolist() == alone.from_min.tolist() == [0.0, 1.0, 3.0]
        for g, w in zip_strict(mine.geometry.values, alone.geometry.values):
            assert shapely.symmetric_difference(g, w).area <= 1e-9 * w.area


def test_hull_for_all_services_together_is_the_hull_of_the_union(net):
    svc = points([(X0 + 100, Y0 + 100), (X0 + 800, Y0 + 800)])
    one = isochrones(net, svc, thresholds_min=[2], method="hull", per_service=False)
    each = isochrones(net, svc, thresholds_min=[2], method="hull")
    assert one.service_id.tolist() == ["all"]
    # Nearest-time reach is the union of the services' reach, so its hull holds both hulls
    # (to within the 0.4 m by which quarter-circle chords of the 20 m buffers can differ).
    assert all(g.within(one.geometry.iloc[0].buffer(0.5)) for g in each.geometry.values)
    assert one.area.iloc[0] > each.area.sum()


@pytest.mark.parametrize("method", ["raster", "vector", "hull"])
def test_searches_on_cropped_networks_give_the_same_polygons_in_service_order(method, monkeypatch):
    from capacitymetro_plugin.core.access import times as times_mod

    big = network_from_lines(grid_lines(20))  # 1.9 km square; 3 minutes reach 225 m
    xy = [(X0 + 1800, Y0 + 1750), (X0 + 100, Y0 + 50), (X0 + 950, Y0 + 900), (X0 + 120, Y0 + 80)]
    svc = points(xy, service_id=["far", "corner", "middle", "corner2"])
    nodes = snap(big, svc).node
    crops = [n is not None for _, n, _ in times_mod.local_times_from_each(big, nodes, cutoff_s=180)]
    assert all(crops)  # every search ran on a crop
    kw = dict(thresholds_min=(1, 3), method=method, bands="disjoint")
    cropped = isochrones(big, svc, **kw)
    monkeypatch.setattr(times_mod, "LOCAL_MAX_SHARE", 0.0)  # always the whole network
    whole = isochrones(big, svc, **kw)
    assert cropped["service_id"].tolist() == whole["service_id"].tolist()
    assert cropped["service_id"].drop_duplicates().tolist() == [
        "far",
        "corner",
        "middle",
        "corner2",
    ]
    for a, b in zip_strict(cropped.geometry.values, whole.geometry.values):
        assert shapely.symmetric_difference(a, b).area <= 1e-9 * b.area
