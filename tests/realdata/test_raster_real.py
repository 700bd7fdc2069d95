"""Raster (street-shape) isochrones on real networks (Bari's street graph, the Venice historic
centre) against the construction used before the numpy polygoniser: streets sampled per call,
a float time grid spread by scipy's footprint filter, and GDAL's polygoniser once per limit.
The new path must give the same cells, hence the same polygons, nested and in rings.
"""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine
from scipy import ndimage
from scipy.sparse.csgraph import dijkstra

from capacitymetro_plugin.core.access import geometry, isochrones
from capacitymetro_plugin.core.access.geometry import band_classes, band_polygons

pytestmark = pytest.mark.realdata
LIMITS = [t * 60.0 for t in (5, 10, 15, 20, 30)]


def reference_band(net, dist, limits_s, buffer_m, cell_m, fill_holes):
    """The class grid as built before: float32 times, footprint minimum filter, classes."""
    k = len(limits_s)
    xy, times = geometry._oriented_samples(net, dist, limits_s[-1], cell_m / 2.0)
    pad = buffer_m + 2 * cell_m
    x0, y0 = xy.min(axis=0) - pad
    x1, y1 = xy.max(axis=0) + pad
    nx = int(np.ceil((x1 - x0) / cell_m))
    ny = int(np.ceil((y1 - y0) / cell_m))
    ix = ((xy[:, 0] - x0) / cell_m).astype(np.int64)
    iy = ((y1 - xy[:, 1]) / cell_m).astype(np.int64)
    grid = np.full((ny, nx), np.inf, dtype=np.float32)
    order = np.argsort(-times)
    grid[iy[order], ix[order]] = times[order]
    r = max(buffer_m / cell_m, 1.0)
    rr = int(np.ceil(r))
    yy, xx = np.mgrid[-rr : rr + 1, -rr : rr + 1]
    footprint = (xx * xx + yy * yy) <= r * r + 1e-9
    spread = ndimage.minimum_filter(grid, footprint=footprint, mode="constant", cval=np.inf)
    band = np.searchsorted(np.asarray(limits_s, dtype=np.float32), spread, side="left")
    band = band.astype(np.uint8)
    if fill_holes:
        filled = np.zeros(band.shape, dtype=np.uint8)
        for i in range(k):
            filled += ndimage.binary_fill_holes(band <= i).astype(np.uint8)
        band = (k - filled).astype(np.uint8)
    return band, Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1)


def gdal_polygons(band, k, transform):
    """GDAL's polygoniser: nested masks cropped to their extent, then the class regions."""

    def merged(polys):
        if len(polys) == 0:
            return None
        return polys[0] if len(polys) == 1 else shapely.multipolygons(list(polys))

    nested = []
    for i in range(k):
        inside = band <= i
        rows = np.flatnonzero(inside.any(axis=1))
        if rows.size == 0:
            nested.append(None)
            continue
        cols = np.flatnonzero(inside.any(axis=0))
        sub = inside[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        tr = transform * Affine.translation(cols[0], rows[0])
        polys, _ = geometry.polygonize_cells(np.zeros(sub.shape, np.uint8), sub, tr)
        nested.append(merged(polys))
    polys, values = geometry.polygonize_cells(band, band < k, transform)
    rings = [merged(polys[values == i]) for i in range(k)]
    return nested, rings


def check_against_reference(net, node, *, fill_holes=False, buffer_m=20.0, cell_m=10.0):
    dist = dijkstra(net.csr, indices=int(node), limit=LIMITS[-1])
    k = len(LIMITS)
    want_band, transform = reference_band(net, dist, LIMITS, buffer_m, cell_m, fill_holes)
    band, x0, y1 = band_classes(
        net, dist, LIMITS, buffer_m=buffer_m, cell_m=cell_m, fill_holes=fill_holes
    )
    assert np.array_equal(band, want_band)
    assert (x0, y1) == (transform.c, transform.f)
    nested, rings = band_polygons(
        net, dist, LIMITS, buffer_m=buffer_m, cell_m=cell_m, fill_holes=fill_holes
    )
    want_nested, want_rings = gdal_polygons(want_band, k, transform)
    cell_area = cell_m * cell_m
    for i in range(k):
        for got, want, cells in (
            (nested[i], want_nested[i], (want_band <= i).sum()),
            (rings[i], want_rings[i], (want_band == i).sum()),
        ):
            if want is None:
                assert got is None
                continue
            assert got.is_valid, shapely.is_valid_reason(got)
            assert got.area == pytest.approx(cells * cell_area, rel=1e-12)
            assert shapely.symmetric_difference(got, want).area <= 1e-9 * want.area
            assert len(shapely.get_parts(got)) == len(shapely.get_parts(want))
    # Nested bands nested; rings disjoint and summing to the largest band.
    for small, big in zip(nested[:-1], nested[1:], strict=True):
        if small is not None:
            assert small.difference(big).area == pytest.approx(0.0, abs=1e-6)
    parts = [r for r in rings if r is not None]
    assert sum(r.area for r in parts) == pytest.approx(nested[-1].area, rel=1e-12)
    assert shapely.union_all(parts).area == pytest.approx(nested[-1].area, rel=1e-9)
    return band


@pytest.mark.parametrize("which", ["bari", "venice"])
def test_raster_polygons_equal_the_gdal_construction(which, request):
    net = request.getfixturevalue(which)
    rng = np.random.default_rng(11)
    for node in rng.choice(net.n_nodes, size=3, replace=False):
        band = check_against_reference(net, node)
        assert (band < len(LIMITS)).sum() > 100  # a real piece of the network is reached
    check_against_reference(net, rng.integers(net.n_nodes), fill_holes=True)
    check_against_reference(net, rng.integers(net.n_nodes), buffer_m=25.0, cell_m=8.0)


def test_isochrones_raster_polygons_match_the_class_cells(venice):
    # Through the public function: every polygon covers exactly its cells (area) and is valid.
    rng = np.random.default_rng(5)
    nodes = rng.choice(venice.n_nodes, size=4, replace=False)
    svc = gpd.GeoDataFrame(
        {"service_id": [str(n) for n in nodes]},
        geometry=gpd.points_from_xy(venice.x[nodes], venice.y[nodes]),
        crs=venice.crs,
    )
    iso = isochrones(venice, svc, thresholds_min=(5, 10, 15, 20, 30), bands="disjoint")
    assert shapely.is_valid(iso.geometry.values).all()
    for node in nodes:
        dist = dijkstra(venice.csr, indices=int(node), limit=LIMITS[-1])
        band, _, _ = band_classes(venice, dist, LIMITS, buffer_m=20.0, cell_m=10.0)
        mine = iso[iso.service_id == str(node)].sort_values("threshold_min")
        cells = np.bincount(band.ravel(), minlength=len(LIMITS) + 1)[: len(LIMITS)]
        assert mine.geometry.area.to_numpy() == pytest.approx(cells[cells > 0] * 100.0, rel=1e-12)
