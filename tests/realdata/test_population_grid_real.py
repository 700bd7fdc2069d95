"""Dasymetric grid on real data: Venice islands (2011 census) and the comuni around Trento.

Zone totals are checked independently of the grid code: cell centres are joined to the zones with
a geopandas spatial join, and the people of each zone are summed back from the raster.
"""

import fiona
import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.population import (
    comuni_boundaries,
    dasymetric_grid,
    estimate_comuni_from_provinces,
    read_strasa,
    resident_population,
    residential_streets,
)

pytestmark = pytest.mark.realdata


def _osm_lines(path):
    fiona.drvsupport.supported_drivers["OSM"] = "r"
    return gpd.read_file(path, layer="lines", engine="fiona")


def _per_zone_from_raster(grid, zones):
    """People per zone summed from the raster cells whose centre falls in the zone."""
    rows, cols = np.indices(grid.values.shape[1:])
    t = grid.transform
    xs = t.c + (cols.ravel() + 0.5) * t.a
    ys = t.f + (rows.ravel() + 0.5) * t.e
    cells = gpd.GeoDataFrame(
        {"v": grid.values[0].ravel()}, geometry=gpd.points_from_xy(xs, ys), crs=grid.crs
    )
    joined = gpd.sjoin(cells, zones.to_crs(grid.crs)[["geometry"]], predicate="within")
    joined = joined[~joined.index.duplicated()]
    return joined.groupby("index_right")["v"].sum().reindex(range(len(zones)), fill_value=0.0)


def test_venice_islands_totals_preserved(shared_data):
    zones = gpd.read_file(
        shared_data / "venezia_isole_popolazione_2011_vpc.gpkg", layer="isole_centro_storico"
    )
    streets = _osm_lines(shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf")
    streets = streets[streets["highway"].isin(["footway", "pedestrian", "residential", "steps"])]
    grid = dasymetric_grid(zones, "sum_pop_11", cell_size=100, weight_lines=streets)
    assert grid.crs == "EPSG:32633"
    assert grid.totals()["sum_pop_11"] == pytest.approx(60746, abs=1e-6)
    per_zone = _per_zone_from_raster(grid, zones)
    has_cells = per_zone.index[
        np.bincount(grid.zone_index[grid.zone_index >= 0], minlength=len(zones)) > 0
    ]
    # zones without a cell centre put their people into one (other) cell: exclude those cells
    orphans = [i for i in range(len(zones)) if i not in set(has_cells)]
    pts = zones.to_crs(grid.crs).geometry.iloc[orphans].representative_point()
    hit = set(
        zip(
            ((grid.transform.f - pts.y) // 100).astype(int),
            ((pts.x - grid.transform.c) // 100).astype(int),
            strict=True,
        )
    )
    clean = [i for i in has_cells if not any(grid.zone_index[r, c] == i for r, c in hit)]
    expected = zones["sum_pop_11"].to_numpy(float)[clean]
    assert np.abs(per_zone.to_numpy()[clean] - expected).max() < 1e-6
    assert len(clean) > 100  # most of the 125 islands are checked one by one
    # weights matter: the most populated cell holds more than an even spread would give
    assert grid.values[0].max() > 2 * zones["sum_pop_11"].max() / 40


def test_trento_comuni_estimate_grid(shared_data):
    strasa = read_strasa(shared_data / "istat_stranieri_eta_sesso_province_2022.csv")
    pop = resident_population(year=2022, provinces=["022"])
    est = estimate_comuni_from_provinces(
        strasa.totals(), pop, totals_year=strasa.year, population_year=2022
    )
    assert est["foreign_est"].sum() == 45797  # ISTAT total of the province of Trento, 2022
    bounds = comuni_boundaries(year=2022, provinces=["022"])
    zones = bounds.merge(est[["com_istat_code", "foreign_est"]], on="com_istat_code")
    near = zones[zones.intersects(box(11.04, 45.99, 11.20, 46.15))].reset_index(drop=True)
    assert 5 < len(near) < 40
    streets = residential_streets(_osm_lines(shared_data / "osm_trento_2023-02_tnst.osm.pbf"))
    grid = dasymetric_grid(
        near, ["pop_total", "foreign_est"], cell_size=100, weight_lines=streets, is_estimate=True
    )
    totals = grid.totals()
    assert totals["pop_total"] == pytest.approx(near["pop_total"].sum(), rel=1e-9)
    assert totals["foreign_est"] == pytest.approx(near["foreign_est"].sum(), rel=1e-9)
    per_zone = _per_zone_from_raster(grid, near)
    trento = near.index[near["com_istat_code"] == "022205"][0]
    assert per_zone[trento] == pytest.approx(near.loc[trento, "pop_total"], rel=1e-9)
