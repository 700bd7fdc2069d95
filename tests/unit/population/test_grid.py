"""Dasymetric grid on small synthetic zones (metric CRS): totals, weights, bad input."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import LineString, box

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.population import dasymetric_grid, validate_zones

CRS = "EPSG:32632"


def two_zones():
    return gpd.GeoDataFrame(
        {"pop": [1000.0, 300.0], "foreign": [100.0, 30.0]},
        geometry=[box(0, 0, 400, 400), box(400, 0, 800, 400)],
        crs=CRS,
    )


def test_even_spread_preserves_totals_and_writes_geotiff(tmp_path):
    grid = dasymetric_grid(two_zones(), ["pop", "foreign"], cell_size=100)
    assert grid.values.shape == (2, 4, 8)
    pop = grid.band("pop")
    assert np.allclose(pop[:, :4], 1000 / 16) and np.allclose(pop[:, 4:], 300 / 16)
    out = grid.write_geotiff(tmp_path / "g.tif")
    with rasterio.open(out) as src:
        assert src.count == 2 and src.res == (100.0, 100.0)
        assert src.descriptions == ("pop", "foreign")
        assert abs(src.read(1).sum() - 1300) < 1e-2


def test_street_length_weights():
    streets = gpd.GeoDataFrame(
        geometry=[LineString([(0, 50), (200, 50)]), LineString([(450, 350), (450, 250)])], crs=CRS
    )
    grid = dasymetric_grid(two_zones(), "pop", cell_size=100, weight_lines=streets)
    pop = grid.band("pop")
    # zone 1: 200 m of street in two cells of the bottom row (row 3) → 500 each
    assert pop[3, 0] == pytest.approx(500) and pop[3, 1] == pytest.approx(500)
    assert pop[:, :4].sum() == pytest.approx(1000)
    # zone 2: 100 m in column 4, rows 0 and 1 → 150 each
    assert pop[0, 4] == pytest.approx(150) and pop[1, 4] == pytest.approx(150)
    assert pop[2:, 5:].sum() == 0


def test_weight_raster(tmp_path):
    from affine import Affine

    path = tmp_path / "w.tif"
    w = np.zeros((4, 8), dtype="float32")
    w[0, 0] = 3
    w[0, 1] = 1
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=4,
        width=8,
        count=1,
        dtype="float32",
        crs=CRS,
        transform=Affine(100, 0, 0, 0, -100, 400),
    ) as dst:
        dst.write(w, 1)
    grid = dasymetric_grid(two_zones(), "pop", cell_size=100, weight_raster=path)
    pop = grid.band("pop")
    assert pop[0, 0] == pytest.approx(750) and pop[0, 1] == pytest.approx(250)
    assert pop[:, 4:] == pytest.approx(np.full((4, 4), 300 / 16))  # no weight: even


def test_tiny_zone_keeps_its_people():
    zones = gpd.GeoDataFrame(
        {"pop": [100.0, 7.0]}, geometry=[box(0, 0, 300, 300), box(10, 10, 20, 20)], crs=CRS
    )
    grid = dasymetric_grid(zones, "pop", cell_size=100, allow_overlaps=True)
    assert grid.totals()["pop"] == pytest.approx(107)


def test_bad_inputs():
    zones = two_zones()
    with pytest.raises(InputError, match="no field 'people'"):
        dasymetric_grid(zones, "people")
    neg = zones.copy()
    neg.loc[0, "pop"] = -1
    with pytest.raises(InputError, match="negative"):
        validate_zones(neg, "pop")
    over = gpd.GeoDataFrame(
        {"pop": [1, 2]}, geometry=[box(0, 0, 10, 10), box(5, 0, 15, 10)], crs=CRS
    )
    with pytest.raises(InputError, match="overlap") as err:
        validate_zones(over, "pop")
    assert "sovrappongono" in err.value.localized("it")
    text = zones.assign(pop=["a", "b"])
    with pytest.raises(InputError, match="not numeric"):
        validate_zones(text, "pop")
    nocrs = gpd.GeoDataFrame({"pop": [1]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(InputError, match="CRS"):
        validate_zones(nocrs, "pop")
