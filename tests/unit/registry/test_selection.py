"""One service selection for every door: status, area, location, sector."""

from __future__ import annotations

import itertools

import geopandas as gpd
import pytest
from shapely.geometry import Point

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.selection import select_services
from capacitymetro_plugin.core.registry.vocabularies import split_codes


def _services() -> gpd.GeoDataFrame:
    rows = []
    for i, (status, comune, located, sectors) in enumerate(
        itertools.product(
            ["active", "suspended", "closed", None, ""],
            ["022205", "22001", "072006"],
            [True, False],
            ["health", "documents_legal;health", "", None],
        )
    ):
        rows.append(
            {
                "service_id": f"s{i}",
                "status": status,
                "comune_istat": comune,
                "sectors": sectors,
                "geometry": Point(11.1 + i * 1e-4, 46.07) if located else None,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def _expected(gdf, statuses, comuni, sectors, require_location):
    """The rule written out row by row (the brute force)."""
    keep = []
    for row in gdf.itertuples():
        status = row.status or "active"
        if status not in statuses:
            continue
        if comuni is not None and str(row.comune_istat).zfill(6) not in comuni:
            continue
        if require_location and (row.geometry is None or row.geometry.is_empty):
            continue
        wanted = {s for s in (sectors or []) if s != "all"}
        if wanted and not wanted & set(split_codes(row.sectors)):
            continue
        keep.append(row.service_id)
    return keep


@pytest.mark.parametrize("statuses", [("active",), ("active", "suspended")])
@pytest.mark.parametrize("comuni", [None, ["022205", "022001"]])
@pytest.mark.parametrize("sectors", [None, ["all"], ["documents_legal"], ["health", "housing"]])
@pytest.mark.parametrize("require_location", [True, False])
def test_selection_equals_the_rule_row_by_row(statuses, comuni, sectors, require_location):
    gdf = _services()
    sel = select_services(
        gdf, statuses=statuses, comuni=comuni, sectors=sectors, require_location=require_location
    )
    assert sel.services["service_id"].tolist() == _expected(
        gdf, statuses, comuni, sectors, require_location
    )
    assert len(sel.services) + sum(sel.left_out.values()) == len(gdf)


def test_closed_and_suspended_are_left_out_by_default_and_said():
    sel = select_services(_services())
    assert set(sel.services["status"].fillna("").replace("", "active")) == {"active"}
    assert sel.left_out["status closed"] == sel.left_out["status suspended"] == 24
    assert "24 status closed" in sel.describe("en")
    assert "24 stato closed" in sel.describe("it") and "servizi analizzati" in sel.describe("it")


def test_unknown_status_is_refused():
    with pytest.raises(InputError, match="Unknown service status"):
        select_services(_services(), statuses=["open"])
