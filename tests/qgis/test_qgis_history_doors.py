"""The door a change came through, for the doors that need QGIS: a Processing algorithm, and
QGIS's own layer editing of a PostGIS registry (a QGIS connection that is not ours).

The dock's door is checked in test_dock_history.py (GeoPackage and PostGIS). The oracle is an
independent read of the history tables (sqlite3, psql) and of ``pg_stat_activity``.
"""

from __future__ import annotations

import sqlite3

import pytest
from test_dock_postgis import PORT, as_postgres, postgis  # noqa: F401 - the fixture, reused

from capacitymetro_plugin.core.registry.doors import current_door
from capacitymetro_plugin.core.registry.registry import Registry

CSV = (
    "name;sectors;operator_type;lat;lon;com_istat_code;languages\n"
    "Sportello Città Aperta;information;public;41.1171;16.8719;072006;it\n"
    "Mensa;reception;third_sector;41.12;16.87;072006;it\n"
)


def test_processing_algorithm_writes_processing(processing_provider, tmp_path):
    import processing

    source = tmp_path / "servizi.csv"
    source.write_text(CSV, encoding="utf-8")
    reg = Registry.create(tmp_path / "registry.gpkg")
    result = processing.run(
        "capacitymetro:import_services",
        {"CSV": str(source), "REGISTRY": str(reg.path), "OUTPUT": str(tmp_path / "report.gpkg")},
    )
    assert result["IMPORTED"] == 2
    con = sqlite3.connect(reg.path)
    try:
        rows = con.execute("SELECT operation, door FROM services_history ORDER BY fid").fetchall()
    finally:
        con.close()
    assert rows == [("INSERT", "processing"), ("INSERT", "processing")]
    assert current_door() == "core"  # only inside the algorithm
    reg.update_service(reg.services()[0].service_id, capacity=3)  # the API, after it
    assert [h["door"] for h in reg.services_history()] == ["processing", "processing", "core"]


@pytest.mark.slow
@pytest.mark.realdata
def test_qgis_layer_editing_of_postgis_is_qgis(postgis, qgis_app):  # noqa: F811
    from qgis.core import QgsDataSourceUri, QgsVectorLayer

    from capacitymetro_plugin.core.registry.changes import changes_since
    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.gui.history_dialog import HistoryDialog

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="doors")
    s = pg.add_service(Service(name="Sportello Bari", sectors=["legal"], capacity=10))
    uri = QgsDataSourceUri()
    uri.setConnection(str(sock), PORT, "registry", "postgres", "")
    uri.setDataSource("doors", "services", "geom", "", "ogc_fid")
    layer = QgsVectorLayer(uri.uri(False), "services", "postgres")  # plain QGIS, no dock
    assert layer.isValid() and layer.featureCount() == 1
    # what QGIS names its connections (the trigger's fallback reads it)
    out = as_postgres(
        *psql, "-d", "registry", "-At", "-c",
        "SELECT DISTINCT application_name FROM pg_stat_activity"
        " WHERE datname = 'registry' AND pid <> pg_backend_pid()",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    # QGIS 3.22 says "QGIS", 3.40 "QGIS3 " (with its version on newer builds): cm_door() reads
    # any name that starts with QGIS as QGIS layer editing
    names = [n for n in out.stdout.split("\n") if n]
    assert names and all(n.startswith("QGIS") for n in names), names
    assert layer.startEditing()
    fid = next(iter(layer.getFeatures())).id()
    assert layer.changeAttributeValue(fid, layer.fields().indexFromName("capacity"), 25)
    assert layer.commitChanges(), layer.commitErrors()
    sql = (
        "SELECT operation, new_version, door FROM doors.services_history"
        f" WHERE service_id = '{s.service_id}' ORDER BY history_id"
    )
    out = as_postgres(*psql, "-d", "registry", "-At", "-c", sql)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["INSERT|1|core", "UPDATE|2|qgis"]
    assert [r["door"] for r in changes_since(pg, "2000-01-01")] == ["core", "qgis"]
    dialog = HistoryDialog(pg, s.service_id)
    t = dialog.table
    assert [t.item(r, 3).text() for r in range(t.rowCount())] == [
        "QGIS layer editing",
        "Python API",
    ]
    assert t.horizontalHeaderItem(3).text() == "Through"
