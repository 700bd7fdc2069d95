"""The raster isochrone pieces: the numpy polygoniser against GDAL's, the disc minimum against
scipy's footprint filter, the cached street samples against sampling the streets per call."""

import numpy as np
import pytest
import shapely
from affine import Affine
from netfixtures import grid_lines
from scipy import ndimage

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.access import geometry
from capacitymetro_plugin.core.access.geometry import (
    band_classes,
    band_polygons,
    disc_minimum,
    oriented_samples,
    polygonize_cells,
    polygonize_classes,
    polygonize_masks,
)
from capacitymetro_plugin.core.network import network_from_lines

TRANSFORM = Affine(10.0, 0.0, 1000.0, 0.0, -10.0, 5000.0)


def gdal_polygon(mask: np.ndarray, transform=TRANSFORM):
    """GDAL's polygoniser (4-connected regions of the mask), merged as band_polygons did."""
    polys, _ = polygonize_cells(np.zeros(mask.shape, np.uint8), mask, transform)
    if len(polys) == 0:
        return None
    return polys[0] if len(polys) == 1 else shapely.multipolygons(list(polys))


def assert_same_cells(got, mask: np.ndarray, transform=TRANSFORM):
    want = gdal_polygon(mask, transform)
    if want is None:
        assert got is None
        return
    assert got is not None and got.is_valid, shapely.is_valid_reason(got)
    assert got.equals(want)
    assert got.area == pytest.approx(mask.sum() * abs(transform.a * transform.e), abs=1e-6)
    assert len(shapely.get_parts(got)) == len(shapely.get_parts(want))


def test_random_masks_give_gdal_regions():
    rng = np.random.default_rng(1)
    for _ in range(150):
        ny, nx = rng.integers(1, 20, 2)
        masks = rng.random((int(rng.integers(1, 4)), ny, nx)) < rng.uniform(0.2, 0.8)
        got = polygonize_masks(masks, TRANSFORM)
        assert len(got) == masks.shape[0]
        for g, mask in zip_strict(got, masks):
            assert_same_cells(g, mask)


def test_corner_contacts():
    # Two cells touching at a corner are two polygons (4-connectivity).
    two = np.array([[1, 0], [0, 1]], dtype=bool)
    got = polygonize_masks(two[None], TRANSFORM)[0]
    assert got.geom_type == "MultiPolygon" and len(got.geoms) == 2 and got.is_valid
    # A ring of cells closed only at a corner: one region whose hole touches its outer ring
    # at that corner (a valid polygon, not a ring touching itself).
    pinch = np.ones((4, 4), dtype=bool)
    pinch[0, 0] = False
    pinch[1:3, 1:3] = False
    got = polygonize_masks(pinch[None], TRANSFORM)[0]
    assert_same_cells(got, pinch)
    assert got.geom_type == "Polygon" and len(got.interiors) == 1
    # Regions of a mask touching at corners around a hole shared by none of them.
    pieces = np.array([[1, 1, 1, 0], [1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 1]], dtype=bool)
    assert_same_cells(polygonize_masks(pieces[None], TRANSFORM)[0], pieces)
    # A closed ring of cells: one polygon with one hole.
    frame = np.ones((4, 4), dtype=bool)
    frame[1:3, 1:3] = False
    got = polygonize_masks(frame[None], TRANSFORM)[0]
    assert got.geom_type == "Polygon" and len(got.interiors) == 1
    assert got.area == pytest.approx(12 * 100)
    # An island inside the hole of another region, and a cell touching the island's corner.
    nest = np.zeros((9, 9), dtype=bool)
    nest[1:8, 1:8] = True
    nest[2:7, 2:7] = False
    nest[4, 4] = True
    nest[3, 3] = True
    got = polygonize_masks(nest[None], TRANSFORM)[0]
    assert_same_cells(got, nest)
    assert len(shapely.get_parts(got)) == 3


def test_empty_masks_and_grids():
    assert polygonize_masks(np.zeros((2, 3, 3), dtype=bool), TRANSFORM) == [None, None]
    outside = np.full((2, 2), 3, dtype=np.uint8)
    got = geometry.polygonize_grids([outside], 3, [TRANSFORM], want_rings=True)
    assert got == [([None] * 3, [None] * 3)]


def test_only_turning_corners_are_kept():
    block = np.zeros((5, 7), dtype=bool)
    block[1:4, 1:6] = True
    got = polygonize_masks(block[None], TRANSFORM)[0]
    assert len(got.exterior.coords) == 5  # four corners, closed
    assert got.area == pytest.approx(15 * 100)


@pytest.mark.parametrize("smooth", [False, True])
@pytest.mark.parametrize("want_rings", [False, True])
def test_class_grid_gives_gdal_nested_and_ring_regions(smooth, want_rings):
    rng = np.random.default_rng(2)
    for _ in range(60):
        ny, nx = rng.integers(1, 20, 2)
        k = int(rng.integers(1, 6))
        band = rng.integers(0, k + 1, (ny, nx)).astype(np.uint8)
        if smooth:
            band = ndimage.minimum_filter(band, size=3)
        nested, rings = polygonize_classes(band, k, TRANSFORM, want_rings=want_rings)
        assert len(nested) == k and len(rings) == (k if want_rings else 0)
        for i in range(k):
            assert_same_cells(nested[i], band <= i)
            if want_rings:
                assert_same_cells(rings[i], band == i)


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5, 2.0, 2.3, 3.0, 4.7])
def test_disc_minimum_equals_scipy_footprint_filter(radius):
    rng = np.random.default_rng(3)
    rr = int(np.ceil(radius))
    yy, xx = np.mgrid[-rr : rr + 1, -rr : rr + 1]
    footprint = (xx * xx + yy * yy) <= radius * radius + 1e-9
    for _ in range(20):
        grid = rng.integers(0, 6, rng.integers(1, 30, 2)).astype(np.uint8)
        want = ndimage.minimum_filter(grid, footprint=footprint, mode="constant", cval=6)
        assert np.array_equal(disc_minimum(grid, radius, fill=6), want)


@pytest.fixture(scope="module")
def net():
    return network_from_lines(grid_lines(10))


def test_cached_samples_equal_sampling_per_call(net):
    from scipy.sparse.csgraph import dijkstra

    for node in (0, 37, 55):
        dist = dijkstra(net.csr, indices=node)
        for limit in (50.0, 130.0, 400.0):
            xy, t = oriented_samples(net, dist, limit, 5.0)
            xy_ref, t_ref = geometry._oriented_samples(net, dist, limit, 5.0)
            o = np.lexsort((t, xy[:, 1], xy[:, 0]))
            o_ref = np.lexsort((t_ref, xy_ref[:, 1], xy_ref[:, 0]))
            assert np.array_equal(xy[o], xy_ref[o_ref])
            assert np.allclose(t[o], t_ref[o_ref], rtol=0, atol=1e-9)


def test_sample_cache_is_skipped_on_networks_too_big_for_it(net, monkeypatch):
    from scipy.sparse.csgraph import dijkstra

    count = geometry._sample_count(net, 5.0)
    assert count == geometry.densify(net, np.arange(net.n_segments), 5.0)[0].shape[0]
    dist = dijkstra(net.csr, indices=37)
    cached = band_polygons(net, dist, [60.0, 200.0], buffer_m=20.0, cell_m=10.0)
    small = network_from_lines(grid_lines(10))  # a fresh network: nothing cached yet
    monkeypatch.setattr(geometry, "MAX_CACHED_SAMPLES", count - 1)
    uncached = band_polygons(small, dist, [60.0, 200.0], buffer_m=20.0, cell_m=10.0)
    assert geometry._segment_samples(small, 5.0) is None
    for a, b in zip_strict(cached[0] + cached[1], uncached[0] + uncached[1]):
        assert shapely.symmetric_difference(a, b).area == 0.0


def test_band_polygons_are_the_polygons_of_the_class_grid(net):
    from scipy.sparse.csgraph import dijkstra

    dist = dijkstra(net.csr, indices=44)
    limits = [60.0, 150.0, 240.0]
    band, x0, y1 = band_classes(net, dist, limits, buffer_m=20.0, cell_m=10.0)
    transform = Affine(10.0, 0.0, x0, 0.0, -10.0, y1)
    nested, rings = band_polygons(net, dist, limits, buffer_m=20.0, cell_m=10.0)
    for i in range(len(limits)):
        assert_same_cells(nested[i], band <= i, transform)
        assert_same_cells(rings[i], band == i, transform)
    assert band.min() == 0 and band.max() == len(limits)


@pytest.mark.parametrize("max_cells", [1, 10_000_000])
def test_grids_of_different_sizes_polygonised_together(max_cells):
    rng = np.random.default_rng(4)
    grids, transforms = [], []
    for s in range(7):
        ny, nx = rng.integers(1, 15, 2)
        grids.append(ndimage.minimum_filter(rng.integers(0, 4, (ny, nx)).astype(np.uint8), 2))
        transforms.append(Affine(10.0, 0.0, 100.0 * s, 0.0, -10.0, 50.0 * s))
    got = geometry.polygonize_grids(grids, 3, transforms, want_rings=True, max_cells=max_cells)
    assert len(got) == len(grids)
    for (nested, rings), band, tr in zip_strict(got, grids, transforms):
        for i in range(3):
            assert_same_cells(nested[i], band <= i, tr)
            assert_same_cells(rings[i], band == i, tr)


def test_many_rows_equal_one_row_at_a_time(net):
    from scipy.sparse.csgraph import dijkstra

    block = dijkstra(net.csr, indices=[0, 44, 99, 12])
    block[2] = np.inf  # a row that reaches nothing
    limits = [60.0, 150.0, 240.0]
    many = geometry.band_polygons_many(net, block, limits, buffer_m=20.0, cell_m=10.0)
    assert many[2] == ([None] * 3, [None] * 3)
    for row, (nested, rings) in zip_strict(block, many):
        one_nested, one_rings = band_polygons(net, row, limits, buffer_m=20.0, cell_m=10.0)
        for a, b in zip_strict(nested + rings, one_nested + one_rings):
            assert (a is None and b is None) or shapely.equals_exact(a, b, tolerance=0)
