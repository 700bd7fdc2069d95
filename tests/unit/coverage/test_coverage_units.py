"""Service selection, weighted median, per-area tables and gap polygons on tiny synthetic data."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from capacitymetro_plugin.core.coverage import (
    coverage_by_area,
    gap_polygons,
    select_services,
    weighted_median,
)
from capacitymetro_plugin.core.errors import InputError

CRS = "EPSG:32632"


def services():
    return gpd.GeoDataFrame(
        {
            "sectors": ["health;reception", "italian_language", "health", None],
            "languages": ["it;ar", "it", "it;en", "it"],
            "status": ["active", "active", "closed", "active"],
        },
        geometry=[Point(0, 0), Point(1, 1), Point(2, 2), Point(3, 3)],
        crs=CRS,
    )


def test_select_by_sector_language_status():
    assert len(select_services(services(), sector="health")) == 1  # the closed one is dropped
    assert len(select_services(services(), sector="health", only_active=False)) == 2
    assert len(select_services(services(), language="ar")) == 1


def test_no_service_of_sector_is_a_bilingual_error():
    with pytest.raises(InputError, match="housing") as err:
        select_services(services(), sector="housing")
    assert "health" in str(err.value)  # lists the sectors present
    assert "Nessun servizio attivo" in err.value.localized("it")
    with pytest.raises(InputError, match="no field"):
        select_services(services().drop(columns="sectors"), sector="health")


def test_weighted_median():
    assert weighted_median(np.array([1, 2, 3.0]), np.array([1, 1, 10.0])) == 3
    assert weighted_median(np.array([5, np.inf]), np.array([3, 1.0])) == 5
    assert np.isnan(weighted_median(np.array([1.0]), np.array([0.0])))


def test_coverage_table_by_hand():
    origins = pd.DataFrame(
        {"pop": [10, 20, 30, 40], "foreign": [1, 2, 3, 4], "com": ["a", "a", "b", "b"]}
    )
    minutes = np.array([5, 12, np.inf, 25])
    t = coverage_by_area(
        origins, minutes, fields=("pop", "foreign"), area_field="com", thresholds=(10, 15, 30)
    ).set_index("area")
    assert t.loc["a", "pop_within_10"] == 10 and t.loc["a", "pop_within_15"] == 30
    assert t.loc["b", "pop_within_30"] == 40 and t.loc["ALL", "pop_within_15"] == 30
    assert t.loc["a", "foreign_served_pct"] == 100  # standard = 2nd threshold (15)
    assert t.loc["b", "foreign_unserved"] == 7 and t.loc["ALL", "foreign_unserved"] == 7
    assert t.loc["b", "pop_median_min"] == 25 and t.loc["ALL", "foreign_median_min"] == 25
    assert np.isinf(
        coverage_by_area(origins, np.full(4, np.inf), fields=("pop",), area_field=None)[
            "pop_median_min"
        ].iloc[0]
    )
    with pytest.raises(InputError, match="'people'"):
        coverage_by_area(origins, minutes, fields=("people",), area_field="com")


def test_gaps_dissolve_touching_cells_and_rank():
    cells = gpd.GeoDataFrame(
        {"foreign": [5.0, 7, 1, 20, 0], "pop_total": [50.0, 70, 10, 200, 9]},
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(500, 500, 600, 600),
            box(900, 0, 1000, 100),
            box(200, 0, 300, 100),
        ],
        crs=CRS,
    )
    minutes = np.array([40, np.inf, 35, 10, 50])
    gaps = gap_polygons(cells, minutes, threshold=30, count_field="foreign", min_count=0.5)
    assert list(gaps["foreign_unserved"]) == [12, 1]  # cell 4 (0 foreign) and cell 3 (served) out
    assert list(gaps["cells"]) == [2, 1] and list(gaps["rank"]) == [1, 2]
    assert gaps["area_km2"].iloc[0] == pytest.approx(0.02)
    assert gaps["min_minutes"].iloc[0] == 40 and gaps["pop_total"].iloc[0] == 120
    none = gap_polygons(cells, np.zeros(5), threshold=30)
    assert len(none) == 0 and "foreign_unserved" in none.columns


def test_coverage_by_sector_reuses_one_matrix():
    from capacitymetro_plugin.core.coverage import ServiceTimes, coverage_by_sector

    times = ServiceTimes(
        minutes=np.array([[5, 30, np.inf], [20, 8, 12]], dtype=np.float32),
        service_ids=[0, 1],
        origin_node=np.zeros(3, int),
        origin_connector_min=np.zeros(3),
        cutoff_min=None,
    )
    svc = pd.DataFrame({"sectors": ["health", "health;housing"]})
    origins = pd.DataFrame({"foreign": [10.0, 20.0, 30.0]})
    t = coverage_by_sector(
        times, svc, origins, fields=("foreign",), area_field=None, thresholds=(10, 15)
    ).set_index("sector")
    assert t.loc["*", "foreign_within_10"] == 30 and t.loc["*", "foreign_within_15"] == 60
    assert (
        t.loc["housing", "foreign_within_10"] == 20 and t.loc["housing", "foreign_within_15"] == 50
    )
    with pytest.raises(InputError, match="legal"):
        coverage_by_sector(
            times, svc, origins, sectors=["legal"], fields=("foreign",), area_field=None
        )
