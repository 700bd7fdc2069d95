"""A registry GeoPackage opens in real QGIS as normal, editable layers."""

from __future__ import annotations

from capacitymetro_plugin.core.registry.model import Organization, Service
from capacitymetro_plugin.core.registry.registry import Registry


def test_services_layer_is_editable_in_qgis(qgis_app, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    reg = Registry.create(tmp_path / "registry.gpkg")
    reg.add_organization(Organization(name="Comune di Bari"))
    s = reg.add_service(
        Service(name="Casa delle Culture", sectors=["information"], lon=16.87, lat=41.11)
    )

    layer = QgsVectorLayer(f"{reg.path}|layername=services", "services", "ogr")
    assert layer.isValid()
    assert layer.crs().authid() == "EPSG:4326"
    assert layer.featureCount() == 1
    for name in ("organizations", "practices", "service_practices", "registry_meta"):
        assert QgsVectorLayer(f"{reg.path}|layername={name}", name, "ogr").isValid(), name

    assert layer.startEditing()
    idx = layer.fields().indexOf("status")
    feat = next(layer.getFeatures())
    assert feat["service_id"] == s.service_id
    assert layer.changeAttributeValue(feat.id(), idx, "suspended")
    # a service added in QGIS, placed on the map there
    new = QgsFeature(layer.fields())
    new["service_id"] = "8f0b8a36-3f55-4a1e-9d59-5e1e9c3a1f00"
    new["name"] = "Sportello placed in QGIS"
    new["sectors"] = "health;mediation"
    new["capacity"] = 12
    new.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(16.86, 41.12)))
    assert layer.addFeature(new)
    assert layer.commitChanges(), layer.commitErrors()
    del layer

    again = Registry.open(reg.path)
    assert again.get_service(s.service_id).status == "suspended"
    placed = again.get_service("8f0b8a36-3f55-4a1e-9d59-5e1e9c3a1f00")
    assert placed.sectors == ["health", "mediation"]
    assert placed.capacity == 12
    assert (round(placed.lon, 6), round(placed.lat, 6)) == (16.86, 41.12)
    # and the core can still write after QGIS did
    again.update_service(s.service_id, status="active")
    assert Registry.open(reg.path).get_service(s.service_id).status == "active"


def test_core_writes_reach_a_layer_open_in_qgis(qgis_app, tmp_path):
    """The engine writes in place (one SQLite transaction), so an open layer keeps working."""
    from qgis.core import QgsVectorLayer

    reg = Registry.create(tmp_path / "registry.gpkg")
    first = reg.add_service(Service(name="Primo", sectors=["health"], lon=16.87, lat=41.11))
    layer = QgsVectorLayer(f"{reg.path}|layername=services", "services", "ogr")
    assert layer.isValid() and layer.featureCount() == 1
    second = reg.add_service(Service(name="Secondo", sectors=["housing"], lon=16.88, lat=41.12))
    reg.update_service(first.service_id, status="suspended")
    layer.dataProvider().reloadData()
    layer.reload()
    got = {f["service_id"]: f["status"] for f in layer.getFeatures()}
    assert got == {first.service_id: "suspended", second.service_id: "active"}
    # and an edit made in QGIS afterwards lands in the same file the engine reads
    assert layer.startEditing()
    fid = next(f.id() for f in layer.getFeatures() if f["service_id"] == second.service_id)
    assert layer.changeAttributeValue(fid, layer.fields().indexOf("status"), "closed")
    assert layer.commitChanges(), layer.commitErrors()
    assert reg.get_service(second.service_id).status == "closed"
    assert reg.get_service(first.service_id).status == "suspended"


def test_dates_read_the_same_on_every_python(qgis_app):
    # date.fromisoformat accepts 20240101 from Python 3.11 on, not on the 3.9 of QGIS's macOS
    # builds; the form and the dock's filter follow what a QGIS date field stores: yyyy-MM-dd.
    import datetime as dt

    from qgis.PyQt.QtCore import QDate, QDateTime

    from capacitymetro_plugin.gui.checks import check_date
    from capacitymetro_plugin.gui.registry_layers import parse_date

    assert parse_date("2024-01-01T10:00:00Z") == dt.date(2024, 1, 1)
    assert parse_date("2024-01-01") == dt.date(2024, 1, 1)
    assert parse_date(QDate(2024, 3, 5)) == dt.date(2024, 3, 5)
    assert parse_date(QDateTime(QDate(2024, 3, 5))) == dt.date(2024, 3, 5)
    assert parse_date("20240101") is None
    assert parse_date("") is None
    assert check_date("2024-01-01") == ""
    assert check_date("20240101") != ""
    assert check_date("2024-02-30") != ""
