"""The dock completes the registry: organizations, good-practice sheets, links and attachments.

On the real sample registry (../shared/data) as a GeoPackage and on a real PostGIS server, the
dock's "Organizations and sheets…" dialog creates, edits and deletes organizations and sheets,
links a sheet to the selected service, and attaches a file. What is stored is read back
independently (sqlite3 / psql), as is the history of each change; a change someone else saved
while the dialog was open is kept (the dialog sends only the fields the user changed).
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_dock_history import (  # noqa: F401 - fixtures, reused
    EDITOR,
    _close_dock,
    _fid,
    _open_dock,
    _target,
    editor_setting,
    sample,
)
from test_dock_postgis import (  # noqa: F401 - the fixture, reused
    PORT,
    as_postgres,
    pg_services_layer,
    postgis,
)

pytestmark = pytest.mark.realdata


def _rows(path, sql, *args):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _set(widget, text):
    if hasattr(widget, "setPlainText"):
        widget.setPlainText(text)
    else:
        widget.setText(text)


def _check_theme(dialog, code):
    from qgis.PyQt.QtCore import Qt

    themes = dialog.practice_widgets["themes"]
    for i in range(themes.count()):
        if themes.item(i).data(Qt.ItemDataRole.UserRole) == code:
            themes.item(i).setCheckState(Qt.CheckState.Checked)


def test_organizations_sheets_links_and_attachments_on_a_geopackage(
    qgis_app,
    qgis_iface,
    sample,  # noqa: F811
    editor_setting,  # noqa: F811
    tmp_path,
):
    from qgis.core import QgsVectorLayer

    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.core.registry.storage import read_entity_history

    path = sample.path
    target = _target(sample)
    layer = QgsVectorLayer(f"{path}|layername=services", "services", "ogr")
    dock = _open_dock(qgis_iface, layer)
    try:
        fid = _fid(layer, target.service_id)
        dock.select_fid(fid, zoom=False)
        assert dock.entities_button.isEnabled()
        n_orgs = len(sample.organizations())
        dialog = dock.open_entities(show=False)
        assert len(dialog.organization_ids()) == n_orgs
        assert len(dialog.practice_ids()) == len(sample.practices())

        # --- a new organization: validated as typed, written at Save
        dialog.new_organization()
        _set(dialog.org_widgets["name"], "Cooperativa Lavoro Insieme")
        _set(dialog.org_widgets["website"], "ftp://coop.example")
        assert not dialog.org_save_button.isEnabled() and dialog.org_error.text()
        _set(dialog.org_widgets["website"], "https://coop.example.org")
        _set(dialog.org_widgets["phone"], "0461 123456")
        combo = dialog.org_widgets["operator_type"]
        combo.setCurrentIndex(combo.findData("third_sector"))
        assert dialog.org_save_button.isEnabled()
        org_id = dialog.save_organization()
        assert org_id and len(dialog.organization_ids()) == n_orgs + 1
        stored = _rows(
            path,
            "SELECT name, website, phone, operator_type FROM organizations"
            " WHERE organization_id = ?",
            org_id,
        )
        assert stored == [
            (
                "Cooperativa Lavoro Insieme",
                "https://coop.example.org",
                "0461 123456",
                "third_sector",
            )
        ]

        # --- someone else changes its description while the dialog shows it; we change the phone
        Registry(path, editor="Marco").update_organization(org_id, description="Sede in via Roma")
        _set(dialog.org_widgets["phone"], "0461 654321")
        assert dialog.save_organization() == org_id
        assert _rows(
            path, "SELECT description, phone FROM organizations WHERE organization_id = ?", org_id
        ) == [("Sede in via Roma", "0461 654321")]  # nothing lost

        # --- a new sheet linked to the selected service
        dialog.tabs.setCurrentIndex(1)
        dialog.new_practice()
        assert dialog.link_check.isVisible() or dialog.link_check.isVisibleTo(dialog)
        assert dialog.link_check.isChecked()  # a new sheet is offered for the selected service
        assert not dialog.attach_button.isEnabled()  # attach after the first Save
        _set(dialog.practice_widgets["title"], "Sportello casa per nuovi arrivati")
        _set(dialog.practice_widgets["link"], "file:///etc/passwd")
        assert not dialog.practice_save_button.isEnabled()
        _set(dialog.practice_widgets["link"], "https://coop.example.org/casa")
        _set(dialog.practice_widgets["summary"], "Accompagnamento alla ricerca di casa.")
        _check_theme(dialog, "housing")
        practice_id = dialog.save_practice()
        assert practice_id
        assert _rows(
            path,
            "SELECT title, link, themes FROM practices WHERE practice_id = ?",
            practice_id,
        ) == [("Sportello casa per nuovi arrivati", "https://coop.example.org/casa", "housing")]
        assert _rows(
            path,
            "SELECT service_id FROM service_practices WHERE practice_id = ?",
            practice_id,
        ) == [(target.service_id,)]
        # the dock shows it among the service's sheets at once
        titles = [dock.practice_list.item(i).text() for i in range(dock.practice_list.count())]
        assert any(t.startswith("Sportello casa per nuovi arrivati") for t in titles)

        # --- attach a file: copied inside the registry's folder, the source untouched
        src = tmp_path / "outside" / "Scheda casa (bozza).pdf"
        src.parent.mkdir()
        src.write_bytes(b"%PDF-1.4 scheda casa")
        assert dialog.attach_button.isEnabled()
        assert dialog.attach(str(src))
        (attachment,) = _rows(
            path, "SELECT attachment FROM practices WHERE practice_id = ?", practice_id
        )[0]
        copy = path.parent / attachment
        assert attachment.startswith("attachments/") and copy.read_bytes() == src.read_bytes()
        assert src.exists() and dialog.attachment_path() == copy.resolve()
        assert dialog.open_attachment_button.isEnabled()

        # --- unlink, then delete the sheet (its links go with it; the file stays)
        dialog.select_practice(practice_id)
        dialog.link_check.setChecked(False)
        assert dialog.save_practice() == practice_id
        assert not _rows(path, "SELECT 1 FROM service_practices WHERE practice_id = ?", practice_id)
        dialog.link_check.setChecked(True)
        dialog.save_practice()
        assert dialog.delete_practice(confirm=False)
        assert not _rows(path, "SELECT 1 FROM practices WHERE practice_id = ?", practice_id)
        assert not _rows(path, "SELECT 1 FROM service_practices WHERE practice_id = ?", practice_id)
        assert copy.exists()

        # --- every change is in the history, with who made it
        log = [
            e
            for e in read_entity_history(path)
            if org_id in e["entity_id"] or practice_id in e["entity_id"]
        ]
        summary = [(e["kind"], e["operation"], e["changed_by"]) for e in log]
        assert summary == [
            ("organization", "INSERT", EDITOR),
            ("organization", "UPDATE", "Marco"),
            ("organization", "UPDATE", EDITOR),
            ("practice", "INSERT", EDITOR),
            ("link", "INSERT", EDITOR),
            ("practice", "UPDATE", EDITOR),  # the attachment
            ("link", "DELETE", EDITOR),
            ("link", "INSERT", EDITOR),
            ("practice", "DELETE", EDITOR),
            ("link", "DELETE", EDITOR),  # with the sheet, in the same transaction
        ]
        assert log[2]["old"]["phone"] == "0461 123456" and log[2]["new"]["phone"] == "0461 654321"
        # which door: the dialog's writes are the dock's, Marco's the API's
        assert [e["door"] for e in log] == ["dock", "core"] + ["dock"] * 8

        # --- the service form offers the new organization; the dock writes it to the service
        dialog.close()
        dock.start_edit(fid)
        org_combo = dock.form.widgets["organization_id"]
        index = org_combo.findData(org_id)
        assert index > 0 and org_combo.itemText(index) == "Cooperativa Lavoro Insieme"
        org_combo.setCurrentIndex(index)
        # long organization names do not widen the form into a sideways scroll
        from qgis.PyQt.QtWidgets import QApplication

        dock.resize(520, 900)
        dock.show()
        QApplication.processEvents()
        assert dock.form.scroll.horizontalScrollBar().maximum() == 0
        dock.hide()
        assert dock.apply_form() is not None
        assert dock.save_changes()
        assert _rows(
            path, "SELECT organization_id FROM services WHERE service_id = ?", target.service_id
        ) == [(org_id,)]
        assert "Cooperativa Lavoro Insieme" in dock.details.toPlainText()
    finally:
        _close_dock(dock, layer)


def test_deleting_a_service_in_the_dock_removes_its_links(
    qgis_app,
    qgis_iface,
    sample,  # noqa: F811
    editor_setting,  # noqa: F811
):
    from qgis.core import QgsVectorLayer

    from capacitymetro_plugin.core.registry.storage import read_entity_history

    path = sample.path
    linked = _rows(path, "SELECT service_id, count(*) FROM service_practices GROUP BY service_id")
    assert linked, "the sample registry links services to good-practice sheets"
    service_id, n = linked[0]
    layer = QgsVectorLayer(f"{path}|layername=services", "services", "ogr")
    dock = _open_dock(qgis_iface, layer)
    try:
        dock.select_fid(_fid(layer, service_id), zoom=False)
        assert dock.delete_selected(confirm=False)
        assert dock.save_changes()
        assert not _rows(path, "SELECT 1 FROM services WHERE service_id = ?", service_id)
        assert not _rows(path, "SELECT 1 FROM service_practices WHERE service_id = ?", service_id)
        gone = [
            e
            for e in read_entity_history(path)
            if e["kind"] == "link"
            and e["entity_id"].startswith(f"{service_id}/")
            and e["operation"] == "DELETE"
        ]
        assert len(gone) == n
        assert all(e["changed_by"] == EDITOR for e in gone)
    finally:
        _close_dock(dock, layer)


@pytest.mark.slow
def test_organizations_and_sheets_on_postgis(postgis, qgis_app, qgis_iface, sample, tmp_path):  # noqa: F811
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.core.registry.registry import copy_registry

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="entities")
    copy_registry(sample, pg)
    target = _target(pg)
    layer = pg_services_layer(sock, "entities")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)

    def sql(query):
        out = as_postgres(*psql, "-d", "registry", "-At", "-c", query)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    try:
        dock.select_fid(_fid(layer, target.service_id), zoom=False)
        dialog = dock.open_entities(show=False)
        dialog.new_organization()
        _set(dialog.org_widgets["name"], "Associazione Ponti")
        org_id = dialog.save_organization()
        assert (
            sql(f"SELECT name FROM entities.organizations WHERE organization_id = '{org_id}'")
            == "Associazione Ponti"
        )
        dialog.new_practice()
        _set(dialog.practice_widgets["title"], "Corsi di italiano serali")
        _set(dialog.practice_widgets["link"], "https://ponti.example.org/corsi")
        practice_id = dialog.save_practice()
        assert (
            sql(
                "SELECT service_id FROM entities.service_practices"
                f" WHERE practice_id = '{practice_id}'"
            )
            == target.service_id
        )
        # no folder in a database: attaching is refused, and says why
        assert not dialog.attach_button.isEnabled()
        assert "PostGIS" in dialog.attach_button.toolTip()
        assert not dialog.attach(__file__)
        assert "PostGIS" in dialog.status_label.text()
        # the database's own triggers recorded each change (who: the database user)
        log = [
            json.loads(line)
            for line in sql(
                "SELECT json_build_object('kind', kind, 'op', operation, 'by', changed_by)"
                " FROM entities.entity_history"
            ).splitlines()
        ]
        kinds = {(e["kind"], e["op"], e["by"]) for e in log}
        assert {
            ("organization", "INSERT", "postgres"),
            ("practice", "INSERT", "postgres"),
            ("link", "INSERT", "postgres"),
        } <= kinds
        # export from PostGIS (issue 15): the dock's HSDS export of the saved database
        from capacitymetro_plugin.core.registry import hsds
        from capacitymetro_plugin.gui.exchange import export_layer

        out = export_layer(dock, tmp_path / "pg.json", "hsds")
        assert hsds.validate_hsds_path(out) == []
        doc = json.loads(out.read_text(encoding="utf-8"))
        services = doc["services"] if isinstance(doc, dict) else doc
        n = int(sql("SELECT count(*) FROM entities.services"))
        assert len(services) == n > 0
        assert "Associazione Ponti" in out.read_text(encoding="utf-8")
        assert dialog.delete_organization(confirm=False)
        assert (
            sql(f"SELECT count(*) FROM entities.organizations WHERE organization_id = '{org_id}'")
            == "0"
        )
        # a service deleted in the dock takes its links with it here too (the database's trigger)
        dialog.close()
        dock.select_fid(_fid(layer, target.service_id), zoom=False)
        assert dock.delete_selected(confirm=False) and dock.save_changes()
        links = f"SELECT count(*) FROM entities.service_practices WHERE service_id = '{target.service_id}'"
        assert sql(links) == "0"
    finally:
        _close_dock(dock, layer)


def test_qgis_layer_edits_of_organizations_and_links_are_recorded(
    qgis_app,
    qgis_iface,
    sample,  # noqa: F811
    editor_setting,  # noqa: F811
):
    """QGIS's own editing (attribute table, toolbar) of the organizations and links layers of a
    registry GeoPackage is recorded while the dock works on it (a GeoPackage has no triggers)."""
    from qgis.core import QgsFeature, QgsProject, QgsVectorLayer

    from capacitymetro_plugin.core.registry.storage import read_entity_history

    path = sample.path
    target = _target(sample)
    org = sorted(sample.organizations(), key=lambda o: o.name)[0]
    sheet = sorted(sample.practices(), key=lambda p: p.title)[0]
    layer = QgsVectorLayer(f"{path}|layername=services", "services", "ogr")
    dock = _open_dock(qgis_iface, layer)
    orgs = QgsVectorLayer(f"{path}|layername=organizations", "organizations", "ogr")
    links = QgsVectorLayer(f"{path}|layername=service_practices", "links", "ogr")
    QgsProject.instance().addMapLayers([orgs, links])  # added after the dock: still watched
    try:
        n_before = len(read_entity_history(path))
        fid = next(
            f.id() for f in orgs.getFeatures() if f["organization_id"] == org.organization_id
        )
        assert orgs.startEditing()
        assert orgs.changeAttributeValue(fid, orgs.fields().indexOf("name"), "Nuovo nome ente")
        assert orgs.commitChanges()
        assert links.startEditing()
        feat = QgsFeature(links.fields())
        feat["service_id"] = target.service_id
        feat["practice_id"] = sheet.practice_id
        assert links.addFeature(feat) and links.commitChanges()
        new = read_entity_history(path)[n_before:]
        assert [(e["kind"], e["operation"], e["changed_by"]) for e in new] == [
            ("organization", "UPDATE", EDITOR),
            ("link", "INSERT", EDITOR),
        ]
        assert new[0]["old"]["name"] == org.name and new[0]["new"]["name"] == "Nuovo nome ente"
        assert [e["door"] for e in new] == ["qgis", "qgis"]  # QGIS's own layer editing
        assert new[1]["entity_id"] == f"{target.service_id}/{sheet.practice_id}"
        # the stored rows are QGIS's (recording rewrote nothing else): one link row, not two
        assert (
            len(
                _rows(
                    path,
                    "SELECT 1 FROM service_practices WHERE service_id = ? AND practice_id = ?",
                    target.service_id,
                    sheet.practice_id,
                )
            )
            == 1
        )
        # a rolled-back edit records nothing
        assert orgs.startEditing()
        orgs.changeAttributeValue(fid, orgs.fields().indexOf("name"), "Annullato")
        assert orgs.rollBack()
        assert len(read_entity_history(path)) == n_before + 2
    finally:
        for lyr in (orgs, links):
            if lyr.isEditable():
                lyr.rollBack()
        QgsProject.instance().removeMapLayers([orgs.id(), links.id()])
        _close_dock(dock, layer)
