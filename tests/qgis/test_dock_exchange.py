"""Dock import/export: the real migrant-services CSV goes through the core's reader and
validation into the edit buffer (one undoable command), and out again with the core's exporters."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

pytestmark = pytest.mark.realdata

CSV = "servizi_migranti_da_pagine_web.csv"


@pytest.fixture()
def empty_dock(qgis_app, qgis_iface, tmp_path):
    from qgis.core import QgsProject, QgsVectorLayer

    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.gui.dock import RegistryDock

    reg = Registry.create(tmp_path / "registry.gpkg")
    layer = QgsVectorLayer(f"{reg.path}|layername=services", "services", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    dock = RegistryDock(qgis_iface.mapCanvas())
    assert dock.layer is layer
    yield dock, reg
    if layer.isEditable():
        layer.rollBack()
    dock.set_layer(None)
    QgsProject.instance().removeMapLayer(layer.id())
    dock.deleteLater()


def test_import_is_all_or_nothing_then_partial_like_the_core(empty_dock, shared_data, tmp_path):
    from capacitymetro_plugin.core.errors import ValidationError
    from capacitymetro_plugin.core.registry.exchange import import_file
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.gui.exchange import import_into_layer

    dock, reg = empty_dock
    source = shared_data / CSV
    # the same file through the core alone (its command-line path)
    core = import_file(tmp_path / "core.gpkg", source, accept_partial=True)
    assert 0 < len(core.imported) < 59 and core.rejected_rows  # free-text schedules are rejected

    with pytest.raises(ValidationError) as err:
        import_into_layer(dock, source)
    assert sorted(err.value.report.bad_rows()) == core.rejected_rows
    assert dock.layer.featureCount() == 0 and not dock.layer.isModified()

    outcome = import_into_layer(dock, source, accept_partial=True)
    assert len(outcome.fids) == len(core.imported)
    assert outcome.rejected_rows == core.rejected_rows
    assert dock.layer.featureCount() == len(core.imported)
    assert Registry.open(reg.path).services() == []  # only the edit buffer so far
    dock.undo()  # the whole import is one command
    assert dock.layer.featureCount() == 0
    import_into_layer(dock, source, accept_partial=True)
    assert dock.save_changes()

    mine = {s.name: s for s in Registry.open(reg.path).services()}
    theirs = {s.name: s for s in Registry.open(core.registry.path).services()}
    assert set(mine) == set(theirs)
    for name, s in mine.items():
        t = theirs[name]
        assert (s.sectors, s.comune_istat, s.operator_type, s.opening_hours) == (
            t.sectors,
            t.comune_istat,
            t.operator_type,
            t.opening_hours,
        )
        assert (s.lon is None) == (t.lon is None)
        if s.lon is not None:
            assert abs(s.lon - t.lon) < 1e-9 and abs(s.lat - t.lat) < 1e-9
    assert dock.count_label.text().startswith(f"{len(mine)} of {len(mine)} services")


def test_export_geojson_and_csv_of_the_saved_registry(empty_dock, shared_data, tmp_path):
    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.gui.exchange import export_layer, import_into_layer

    dock, _ = empty_dock
    outcome = import_into_layer(dock, shared_data / CSV, accept_partial=True)
    with pytest.raises(InputError):  # unsaved edits are not exported
        export_layer(dock, tmp_path / "x.geojson", "geojson")
    assert dock.save_changes()
    fid = dock.visible_fids()[0]
    dock.start_edit(fid)
    dock.form.widgets["contact_name"].setText("Maria Rossi")
    dock.form.save_button.click()
    assert dock.save_changes()

    out = export_layer(dock, tmp_path / "services.geojson", "geojson")
    gdf = gpd.read_file(out)
    assert len(gdf) == len(outcome.fids)
    assert "contact_name" not in gdf.columns and "internal_notes" not in gdf.columns
    out = export_layer(dock, tmp_path / "services.csv", "csv")
    text = out.read_text(encoding="utf-8")
    assert "Maria Rossi" not in text and text.count("\n") >= len(outcome.fids)


def test_export_hsds(empty_dock, shared_data, tmp_path):
    from capacitymetro_plugin.gui.exchange import export_layer, export_message, import_into_layer

    dock, _ = empty_dock
    outcome = import_into_layer(dock, shared_data / CSV, accept_partial=True)
    assert dock.save_changes()
    out = export_layer(dock, tmp_path / "hsds.json", "hsds")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["hsds_version"].startswith("3")
    assert len(doc["services"]) == len(outcome.fids) > 40
    # the dock checks the file it wrote with the schemas shipped in the plugin
    text, valid = export_message(out, "hsds")
    assert valid and "Valid HSDS 3.0" in text
    doc["services"][0]["status"] = "open"
    out.write_text(json.dumps(doc), encoding="utf-8")
    text, valid = export_message(out, "hsds")
    assert not valid and "1 schema errors" in text and "'open' is not one of" in text


def test_publish_bussola_button_is_the_cli_core_call(
    empty_dock, shared_data, tmp_path, monkeypatch
):
    from qgis.PyQt.QtWidgets import QMessageBox
    from test_dock_merge import _Modal

    from capacitymetro_plugin.core.bussola import publish
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.gui import exchange
    from capacitymetro_plugin.gui.exchange import import_into_layer
    from capacitymetro_plugin.gui.publish_dialog import PublishDialog
    from capacitymetro_plugin.gui.registry_layers import registry_path

    dock, _ = empty_dock
    outcome = import_into_layer(dock, shared_data / CSV, accept_partial=True)
    assert dock.publish_button.isEnabled() and dock.publish_button.text().startswith(
        ("Publish bussola", "Pubblica")
    )
    with pytest.raises(Exception, match="unsaved"):  # pending edits are not published
        exchange.publish_layer(dock, tmp_path / "never")
    assert not (tmp_path / "never").exists()
    assert dock.save_changes()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))

    def choose_folder(dialog):  # the publish dialog: a folder, no extract, OK
        if isinstance(dialog, PublishDialog):
            dialog.folder_widget.setFilePath(str(tmp_path))
            dialog.osm_widget.setFilePath("")
            dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    with _Modal(choose_folder):
        dock.publish_button.click()
    site = tmp_path / "bussola"
    assert (site / "index.html").is_file() and (tmp_path / "bussola.zip").is_file()
    assert len(shown) == 1 and str(site) in shown[0] and str(site) in dock.status_label.text()
    # the same files as the command line's core call on the same registry
    cli = publish(Registry.open(registry_path(dock.layer)), tmp_path / "cli")
    assert f"{cli.n_services} " in shown[0] and cli.n_services == len(outcome.fids) > 40
    data = sorted(p.relative_to(site) for p in site.glob("data/*.js"))
    assert data == sorted(
        p.relative_to(tmp_path / "cli") for p in (tmp_path / "cli").glob("data/*.js")
    )
    assert {"data/services.js", "data/walk.js"} <= {str(f) for f in data}
    for f in data:
        assert (site / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
