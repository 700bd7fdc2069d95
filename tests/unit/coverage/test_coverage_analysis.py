"""core.coverage.coverage_analysis, the one coverage call of every door, on a 100 m street grid
where walking times are known by hand (Manhattan distance at 4.5 km/h)."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from capacitymetro_plugin.core.coverage import assign_zones, coverage_analysis
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network import network_from_lines

CRS = "EPSG:32632"
N = 11  # nodes per side, 100 m apart: 1 km square
SPEED = 4.5 / 3.6 * 60  # metres per minute


@pytest.fixture(scope="module")
def net():
    lines = []  # one line per 100 m block side, so every crossing is a node
    for i in range(N):
        for j in range(N):
            x, y = 100 * i, 100 * j
            if i + 1 < N:
                lines.append(LineString([(x, y), (x + 100, y)]))
            if j + 1 < N:
                lines.append(LineString([(x, y), (x, y + 100)]))
    streets = gpd.GeoDataFrame(geometry=lines, crs=CRS)
    return network_from_lines(streets, mode="walk")


def _cells():
    # one cell centred on every node, 10 foreign residents and 100 residents each
    geoms = [
        box(x - 50, y - 50, x + 50, y + 50)
        for x in range(0, N * 100, 100)
        for y in range(0, N * 100, 100)
    ]
    n = len(geoms)
    return gpd.GeoDataFrame(
        {"pop_total": [100.0] * n, "foreign": [10.0] * n}, geometry=geoms, crs=CRS
    )


def _zones():
    # west and east halves; the centre column x = 500 lies on the boundary: west (first match)
    return gpd.GeoDataFrame(
        {"code": ["W", "E"], "name": ["West", "East"]},
        geometry=[box(-50, -50, 549, 1050), box(549, -50, 1050, 1050)],
        crs=CRS,
    )


def _services():
    return gpd.GeoDataFrame(
        {"service_id": ["a", "b"], "sectors": ["health", "school"], "status": ["active"] * 2},
        geometry=[Point(0, 0), Point(1000, 1000)],
        crs=CRS,
    )


def test_zones_of_cells_equal_a_point_in_polygon_loop():
    cells, zones = _cells(), _zones()
    got = assign_zones(cells, zones, "code")
    for code, cell in zip(got, cells.geometry):
        inside = [z for z, g in zip(zones["code"], zones.geometry) if g.contains(cell.centroid)]
        assert code == (inside[0] if inside else "outside")


def test_coverage_per_sector_equals_the_hand_count(net):
    cells = _cells()
    res = coverage_analysis(
        net,
        cells,
        _services(),
        _zones(),
        zone_field="code",
        sectors=["all", "health"],
        thresholds=[5, 10],
        standard=10,
        id_field="service_id",
    )
    xy = np.array([(c.x, c.y) for c in cells.geometry.centroid])
    to_a = (xy[:, 0] + xy[:, 1]) / SPEED  # from (0, 0)
    to_b = (2000 - xy[:, 0] - xy[:, 1]) / SPEED  # from (1000, 1000)
    for sector, minutes in (("all", np.minimum(to_a, to_b)), ("health", to_a)):
        total = res.total(sector)
        assert total["foreign_within_5"] == pytest.approx(10 * (minutes <= 5 + 1e-9).sum())
        assert total["foreign_served_pct"] == pytest.approx(100 * (minutes <= 10 + 1e-9).mean())
        gaps = res.gaps[res.gaps["sector"] == sector]
        assert gaps["foreign_unserved"].sum() == pytest.approx(10 * (minutes > 10 + 1e-9).sum())
    zones = res.zones[res.zones["sector"] == "health"].set_index("code")
    assert zones.loc["W", "name"] == "West" and zones.loc["W", "services"] == 1
    assert zones["foreign"].sum() == pytest.approx(10 * len(cells))


def test_what_if_closes_in_the_sectors_it_belongs_to(net):
    """Closing 'b' (school) leaves health unchanged and 'all' with 'a' alone."""
    res = coverage_analysis(
        net,
        _cells(),
        _services(),
        _zones(),
        zone_field="code",
        sectors=["all", "health"],
        thresholds=[10],
        standard=10,
        id_field="service_id",
        close=["b"],
    )
    table = res.table.set_index(["sector", "area"])
    health = table.loc[("health", "ALL")]
    assert health["foreign_served_pct_after"] == pytest.approx(health["foreign_served_pct"])
    assert table.loc[("all", "ALL"), "foreign_served_pct_after"] == pytest.approx(
        health["foreign_served_pct"]
    )
    with pytest.raises(InputError, match="not found"):
        coverage_analysis(
            net,
            _cells(),
            _services(),
            _zones(),
            zone_field="code",
            id_field="service_id",
            close=["zzz"],
        )
