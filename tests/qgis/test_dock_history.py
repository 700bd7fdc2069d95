"""History of a service in the dock, on a registry GeoPackage and on a real PostGIS server.

The registry is the real sample (59 services transcribed from web pages, ../shared/data). A
service is edited twice through the dock's own code paths (the form, then a map click), saved by
the dock; the dialog's rows are checked against an independent read of the history table
(sqlite3 / psql) and the distance against QgsDistanceArea on the WGS84 ellipsoid. "Restore this
version" must put version 1 back as a new version, refuse over a newer save by someone else, and
wait while the layer has unsaved edits.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_dock_postgis import (  # noqa: F401 - the fixture, reused
    PORT,
    as_postgres,
    pg_services_layer,
    postgis,
)

pytestmark = pytest.mark.realdata

EDITOR = "Anna (Comune di Trento)"
COMPARED = ("name", "description", "capacity", "phone", "status", "location_source")


@pytest.fixture()
def sample(tmp_path, shared_data):
    from capacitymetro_plugin.core.registry.boundaries import load_comuni
    from capacitymetro_plugin.core.registry.sample import build_sample_registry

    comuni = load_comuni(shared_data / "istat_comuni_target_2023.gpkg")
    return build_sample_registry(shared_data, tmp_path / "registry.gpkg", comuni=comuni)


@pytest.fixture()
def editor_setting(qgis_app):
    from qgis.core import QgsSettings

    from capacitymetro_plugin.gui.history_dialog import EDITOR_KEY

    QgsSettings().setValue(EDITOR_KEY, EDITOR)
    yield EDITOR
    QgsSettings().remove(EDITOR_KEY)


def _target(registry):
    return sorted(
        (s for s in registry.services() if s.lon is not None and s.comune_name == "Trento"),
        key=lambda s: s.name,
    )[0]


def _open_dock(qgis_iface, layer):
    from qgis.core import QgsProject

    from capacitymetro_plugin.gui.dock import RegistryDock

    QgsProject.instance().addMapLayer(layer)
    dock = RegistryDock(qgis_iface.mapCanvas())
    assert dock.layer is layer
    dock.canvas.setDestinationCrs(layer.crs())
    return dock


def _close_dock(dock, layer) -> None:
    from qgis.core import QgsProject

    if layer.isEditable():
        layer.rollBack()
    dock.set_layer(None)
    QgsProject.instance().removeMapLayer(layer.id())
    dock.deleteLater()


def _fid(layer, service_id) -> int:
    return next(f.id() for f in layer.getFeatures() if f["service_id"] == service_id)


def _edit_twice(dock, fid, target):
    """Edit 1 in the form (capacity, description); edit 2 by a map click (the location)."""
    from qgis.core import QgsPointXY

    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    dock.form.widgets["capacity"].setText("30")
    dock.form.widgets["description"].setPlainText("Sportello aperto anche il sabato")
    # the form's own coordinates, re-typed: the point must not move
    dock.form.set_location(QgsPointXY(target.lon, target.lat))
    assert dock.apply_form() == fid
    assert dock.save_changes(), dock.layer.commitErrors()
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    moved = QgsPointXY(target.lon + 0.001, target.lat + 0.0005)
    dock.handle_map_click(moved)
    assert dock.save_changes(), dock.layer.commitErrors()
    return moved


def _metres(a, b) -> float:
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsProject

    area = QgsDistanceArea()
    area.setSourceCrs(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext()
    )
    area.setEllipsoid("WGS84")
    return area.measureLine(a, b)


def _cells(dialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def _check_dialog_and_restore(dock, fid, target, moved, who, registry, door):
    """The dialog's rows after the two edits (made through ``door``, as the dialog names it),
    then restore version 1 (the one first stored)."""
    from qgis.core import QgsPointXY

    from capacitymetro_plugin.core.registry.registry import service_from_history

    dock.select_fid(fid, zoom=False)
    assert dock.history_button.isEnabled()
    dialog = dock.open_history(show=False)
    rows = _cells(dialog)
    assert [r[0] for r in rows] == ["3 (current)", "2", "1"]
    assert [r[2] for r in rows[:2]] == [who, who]
    assert [r[3] for r in rows] == [door, door, "Python API"]  # the sample was built by the core
    metres = _metres(QgsPointXY(target.lon, target.lat), moved)
    assert 50 < metres < 150
    assert f"Location moved by {metres:,.0f} m" in rows[0][4].split("\n")
    assert "Public location" not in rows[0][4]  # only what changed
    lines = set(rows[1][4].split("\n"))
    old_capacity = "—" if target.capacity is None else str(target.capacity)
    assert f"Capacity (people/week): {old_capacity} → 30" in lines
    assert any(
        line.startswith("Description: ") and line.endswith("→ Sportello aperto anche il sabato")
        for line in lines
    )
    assert not any(line.startswith("Location moved") for line in lines)  # re-typed, not moved
    assert rows[2][4] == "Created"
    assert dialog.versions[0].moved_m == pytest.approx(metres, rel=1e-6)

    # restore the first version: a new version 4 equal to version 1, the history grows by one
    dialog.table.selectRow(2)
    assert dialog.restore_button.isEnabled()
    history_before = registry.service_history(target.service_id)
    version_1 = service_from_history(history_before[1]["old"])
    restored = dialog.restore(confirm=False)
    assert restored is not None
    history_after = registry.service_history(target.service_id)
    assert len(history_after) == len(history_before) + 1
    assert history_after[-1]["row_version"] == 4
    stored = registry.get_service(target.service_id)
    for name in COMPARED:
        assert getattr(stored, name) == getattr(version_1, name) == getattr(target, name), name
    assert stored.lon == pytest.approx(target.lon, abs=1e-9)
    assert stored.lat == pytest.approx(target.lat, abs=1e-9)
    rows = _cells(dialog)
    assert rows[0][0] == "4 (current)" and "Back to version 1" in rows[0][4].split("\n")
    assert rows[0][3] == "dock" and history_after[-1]["door"] == "dock"  # restored by the dock
    assert dialog.message_label.text() == "Version 1 restored as version 4."
    # the dock shows the restored service (its layer was read again)
    feature = dock.layer.getFeature(_fid(dock.layer, target.service_id))
    assert str(feature["capacity"]) in ("NULL", str(target.capacity))
    point = feature.geometry().asPoint()
    assert abs(point.x() - target.lon) < 1e-9 and abs(point.y() - target.lat) < 1e-9
    assert dock.selected_fid() == _fid(dock.layer, target.service_id)
    return dialog


def _check_conflict_and_unsaved(dock, target, registry, other):
    """Someone saves after the dialog read: restore refused, nothing written, their version shown."""
    dialog = dock.open_history(show=False)
    other.update_service(target.service_id, phone="+39 0461 999999")
    count = len(registry.service_history(target.service_id))
    assert dialog.restore(2, confirm=False) is None
    assert registry.get_service(target.service_id).phone == "+39 0461 999999"
    assert len(registry.service_history(target.service_id)) == count
    assert dialog.message_label.text().startswith("Nothing was restored")
    assert _cells(dialog)[0][0] == "5 (current)"  # their version, read again
    # unsaved edits in the layer: the restore waits (it would be written over)
    fid = _fid(dock.layer, target.service_id)
    dock.update_service(fid, {"phone": "unsaved"}, None, move=False)
    assert dialog.restore(2, confirm=False) is None
    assert "unsaved changes" in dialog.message_label.text()
    assert len(registry.service_history(target.service_id)) == count
    dock.discard_changes()
    assert dialog.restore(2, confirm=False) is not None
    assert registry.get_service(target.service_id).capacity == 30


def test_history_dialog_on_a_registry_geopackage(qgis_app, qgis_iface, sample, editor_setting):
    from qgis.core import QgsVectorLayer

    from capacitymetro_plugin.core.registry.registry import Registry

    target = _target(sample)
    layer = QgsVectorLayer(f"{sample.path}|layername=services", "services", "ogr")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)
    try:
        fid = _fid(layer, target.service_id)
        moved = _edit_twice(dock, fid, target)
        # independent read of what the dock's saves recorded in the GeoPackage
        con = sqlite3.connect(sample.path)
        try:
            table = con.execute(
                "SELECT operation, changed_by, new_version, old_row, door FROM services_history"
                " WHERE service_id = ? ORDER BY fid",
                (target.service_id,),
            ).fetchall()
            others = con.execute(
                "SELECT count(*) FROM services_history WHERE service_id <> ?",
                (target.service_id,),
            ).fetchone()[0]
        finally:
            con.close()
        assert [(r[0], r[1], r[2], r[4]) for r in table[1:]] == [
            ("UPDATE", EDITOR, 2, "dock"),
            ("UPDATE", EDITOR, 3, "dock"),
        ]
        assert table[0][0] == "INSERT" and table[0][2] == 1 and table[0][4] == "core"
        assert json.loads(table[2][3])["capacity"] == 30  # the row before the move
        assert others == 58  # the other services' INSERTs only
        registry = Registry.open(sample.path)
        _check_dialog_and_restore(dock, fid, target, moved, EDITOR, registry, "dock")
        _check_conflict_and_unsaved(
            dock, target, registry, Registry.open(sample.path, editor="Bruno")
        )
    finally:
        _close_dock(dock, layer)


@pytest.mark.slow
def test_history_dialog_on_postgis(postgis, qgis_app, qgis_iface, sample):  # noqa: F811
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.core.registry.registry import copy_registry

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="history")
    copy_registry(sample, pg)
    target = _target(pg)
    layer = pg_services_layer(sock, "history")
    assert layer.isValid() and layer.featureCount() == 59
    dock = _open_dock(qgis_iface, layer)
    try:
        fid = _fid(layer, target.service_id)
        moved = _edit_twice(dock, fid, target)
        sql = (
            "SELECT operation, changed_by, new_version, door FROM history.services_history"
            f" WHERE service_id = '{target.service_id}' ORDER BY history_id"
        )
        out = as_postgres(*psql, "-d", "registry", "-At", "-c", sql)
        assert out.returncode == 0, out.stderr
        # the dock's saves of a PostGIS layer are QGIS's own layer editing (QGIS's connection)
        assert out.stdout.split() == [
            "INSERT|postgres|1|core",
            "UPDATE|postgres|2|qgis",
            "UPDATE|postgres|3|qgis",
        ]
        _check_dialog_and_restore(dock, fid, target, moved, "postgres", pg, "QGIS layer editing")
        _check_conflict_and_unsaved(dock, target, pg, PostgisRegistry(dsn, schema="history"))
    finally:
        _close_dock(dock, layer)
