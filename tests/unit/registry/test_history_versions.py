"""The versions of a service as a person reads them, and edits made outside the API recorded.

The registry is the real sample (59 services transcribed from web pages, ../shared/data). The
"outside" edits are written with OGR straight into the GeoPackage, as QGIS's layer editing does;
the oracles are an independent ``sqlite3`` read of ``services_history`` and a haversine distance.
"""

from __future__ import annotations

import math
import sqlite3

import pytest
from osgeo import ogr

from capacitymetro_plugin.core.registry.history import service_versions
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry


@pytest.fixture
def sample(shared_data, tmp_path):
    return build_sample_registry(shared_data, tmp_path / "registry.gpkg")


def _haversine_m(lon1, lat1, lon2, lat2) -> float:
    r = 6_371_008.8  # mean Earth radius
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _placed(sample):
    return sorted(
        (s for s in sample.services() if s.lon is not None and s.comune_name == "Trento"),
        key=lambda s: s.name,
    )[0]


def test_versions_newest_first_with_field_changes_and_the_move(sample):
    target = _placed(sample)
    anna = Registry.open(sample.path, editor="Anna")
    anna.update_service(target.service_id, capacity=30, description="Sportello nuovo")
    lon, lat = target.lon + 0.001, target.lat + 0.0005
    bruno = Registry.open(sample.path, editor="Bruno")
    bruno.update_service(target.service_id, lon=lon, lat=lat, status="suspended")

    sid = target.service_id
    versions = service_versions(
        anna.service_history(sid), anna.get_service(sid), anna.service_version(sid)
    )
    assert [v.version for v in versions] == [3, 2, 1]
    assert [v.changed_by for v in versions][:2] == ["Bruno", "Anna"]
    assert [v.operation for v in versions] == ["UPDATE", "UPDATE", "INSERT"]
    newest, middle, first = versions
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("status", "active", "suspended"),
        ("location_source", None, "manual"),  # the API marks a point moved by hand
    ]
    oracle = _haversine_m(target.lon, target.lat, lon, lat)
    assert newest.moved_m == pytest.approx(oracle, rel=5e-3)  # ellipsoid vs sphere
    assert 50 < newest.moved_m < 150
    assert {(c.field, c.old, c.new) for c in middle.changes} == {
        ("capacity", target.capacity, 30),
        ("description", target.description, "Sportello nuovo"),
    }
    assert middle.moved_m is None and not middle.placed
    assert first.changes == [] and first.service.name == target.name
    assert newest.current and not newest.restorable
    assert middle.restorable and first.restorable


def test_placing_and_deleting_are_named(sample):
    unplaced = next(s for s in sample.services() if s.lon is None)
    reg = Registry.open(sample.path, editor="Carla")
    reg.update_service(unplaced.service_id, lon=16.87, lat=41.12)
    reg.delete_service(unplaced.service_id)
    versions = service_versions(reg.service_history(unplaced.service_id), None)
    assert [v.operation for v in versions] == ["DELETE", "UPDATE", "INSERT"]
    assert versions[0].version is None and versions[0].service is None
    assert versions[1].placed and versions[1].moved_m is None
    assert not any(v.current for v in versions)
    assert [v.restorable for v in versions] == [False, True, True]


def _ogr_edit(path, sid, **values) -> None:
    """Change a row as QGIS's OGR provider does: straight into the file, no history."""
    ds = ogr.Open(str(path), 1)
    layer = ds.GetLayerByName("services")
    layer.SetAttributeFilter(f"service_id = '{sid}'")
    feat = next(iter(layer))
    for name, value in values.items():
        feat.SetField(name, value)
    layer.SetFeature(feat)
    ds = None


def test_record_edits_gives_outside_edits_a_version_and_an_entry(sample):
    target = _placed(sample)
    other = next(s for s in sample.services() if s.service_id != target.service_id)
    reg = Registry.open(sample.path, editor="Dock user")
    before = reg.snapshot()
    _ogr_edit(sample.path, target.service_id, capacity=12, phone="+39 0461 000000")
    _ogr_edit(sample.path, other.service_id, capacity=99)  # someone else's, not in the list
    assert reg.service_version(target.service_id) == 1  # QGIS bumps nothing
    recorded = reg.record_edits(before, [target.service_id, "not-a-service"])
    assert recorded == [target.service_id]
    assert reg.service_version(target.service_id) == 2
    assert reg.service_version(other.service_id) == 1

    con = sqlite3.connect(sample.path)
    try:
        rows = con.execute(
            "SELECT operation, changed_by, new_version, json_extract(old_row, '$.capacity')"
            " FROM services_history WHERE service_id = ? ORDER BY fid",
            (target.service_id,),
        ).fetchall()
    finally:
        con.close()
    assert rows == [("INSERT", rows[0][1], 1, None), ("UPDATE", "Dock user", 2, target.capacity)]
    (newest, _first) = service_versions(
        reg.service_history(target.service_id), reg.get_service(target.service_id)
    )
    assert {(c.field, c.new) for c in newest.changes} == {
        ("capacity", 12),
        ("phone", "+39 0461 000000"),
    }
    # recording again finds nothing new: no second entry
    assert reg.record_edits(reg.snapshot(), [target.service_id]) == []
    assert len(reg.service_history(target.service_id)) == 2
    # a delete outside the API keeps the version it had
    before = reg.snapshot()
    ds = ogr.Open(str(sample.path), 1)
    layer = ds.GetLayerByName("services")
    layer.SetAttributeFilter(f"service_id = '{other.service_id}'")
    layer.DeleteFeature(next(iter(layer)).GetFID())
    ds = None
    assert reg.record_edits(before, [other.service_id]) == [other.service_id]
    (deleted, *_rest) = reg.service_history(other.service_id)[::-1]
    assert deleted["operation"] == "DELETE" and deleted["old"]["row_version"] == 1
    assert deleted["old"]["capacity"] == 99 and deleted["changed_by"] == "Dock user"
    # and the recorded version restores like any other
    reg.restore_service(target.service_id, 1)
    assert reg.get_service(target.service_id).capacity == target.capacity
    sid = target.service_id
    newest = service_versions(reg.service_history(sid), reg.get_service(sid))[0]
    assert (newest.version, newest.same_as, newest.current) == (3, 1, True)
    assert {(c.field, c.old) for c in newest.changes} == {
        ("capacity", 12),
        ("phone", "+39 0461 000000"),
    }
