"""The registry dock on a real registry GeoPackage built from the real migrant-services table.

Add (map click), edit, undo, set location, delete, filter, save and discard, checked against the
file re-read with fiona and against counts computed independently with pandas.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

import pandas as pd
import pytest

pytestmark = pytest.mark.realdata

SERVICES_CSV = "servizi_migranti_da_pagine_web.csv"


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def build_registry(path, shared_data) -> pd.DataFrame:
    """Write a registry GeoPackage holding all 59 services of the web-pages table (with the core)."""
    from capacitymetro_plugin.core.registry.model import Organization, Practice, Service
    from capacitymetro_plugin.core.registry.registry import Registry

    table = pd.read_csv(shared_data / SERVICES_CSV, dtype=str)
    # page_date is sometimes only a year or a month: only a full date counts as "verified on"
    full = table["page_date"].fillna("").str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    table["verified"] = table["page_date"].where(full, None)
    reg = Registry.create(path)
    services = []
    for row in table.itertuples():
        services.append(
            Service(
                service_id=str(uuid.uuid5(uuid.NAMESPACE_URL, row.service_id)),
                name=_clean(row.name),
                operator_type=_clean(row.operator_type),
                sectors=[s.strip() for s in (_clean(row.sectors) or "").split(";") if s.strip()],
                address=_clean(row.address),
                phone=_clean(row.phone),
                email=_clean(row.email),
                website=_clean(row.website),
                opening_hours=_clean(row.opening_hours),
                comune_istat=_clean(row.com_istat_code),
                comune_name=_clean(row.comune),
                status="active",
                last_verified=_clean(row.verified),
                source_url=_clean(row.source_url),
                lon=float(row.lon) if _clean(row.lon) else None,
                lat=float(row.lat) if _clean(row.lat) else None,
            )
        )
    # the organization of the Cinformi row, as the table names it
    position = int(table.index[table["name"].str.startswith("Cinformi")][0])
    org = reg.add_organization(
        Organization(name=table["organization"].iloc[position], operator_type="public")
    )
    services[position].organization_id = org.organization_id
    reg.add_services(services)
    # one good-practice sheet linked to the Casa delle Culture of Bari (row S037 in the table)
    casa = table[table["name"].str.startswith("Casa delle Culture")].iloc[0]
    sheet = reg.add_practice(
        Practice(
            title="Casa delle Culture: one-stop multi-service centre",
            summary="Reception, legal desk, language classes and health under one roof.",
            themes=["reception", "information"],
            place="Bari",
            comune_istat="072006",
            source="servizi_migranti_da_pagine_web.csv",
            link=_clean(casa.source_url),
            lon=16.87,
            lat=41.12,
        )
    )
    reg.link(str(uuid.uuid5(uuid.NAMESPACE_URL, casa.service_id)), sheet.practice_id)
    plain = reg.add_practice(
        Practice(
            title="Welcome desk in the neighbourhood",
            summary="A sheet with no link.",
            themes=["information"],
            place="Bari",
            source="test seed",
        )
    )
    reg.link(str(uuid.uuid5(uuid.NAMESPACE_URL, casa.service_id)), plain.practice_id)
    table["uuid"] = [str(uuid.uuid5(uuid.NAMESPACE_URL, s)) for s in table.service_id]
    return table


def read_services(path):
    import fiona

    with fiona.open(path, layer="services") as src:
        rows = []
        for f in src:
            props = dict(f["properties"])
            geom = f["geometry"]
            props["xy"] = tuple(geom["coordinates"]) if geom else None
            rows.append(props)
    return {r["service_id"]: r for r in rows}


def snapshot(path) -> dict:
    """Every row of every registry layer (bytes are no use: QGIS switches the file to WAL mode)."""
    import fiona

    out = {}
    for name in fiona.listlayers(path):
        with fiona.open(path, layer=name) as src:
            out[name] = sorted(
                repr(
                    (
                        sorted(dict(f["properties"]).items()),
                        tuple(f["geometry"]["coordinates"]) if f["geometry"] else None,
                    )
                )
                for f in src
            )
    return out


@pytest.fixture()
def registry(tmp_path, shared_data):
    path = tmp_path / "registry.gpkg"
    table = build_registry(path, shared_data)
    return path, table


@pytest.fixture()
def dock(qgis_app, qgis_iface, registry):
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer

    from capacitymetro_plugin.gui.dock import RegistryDock

    path, _ = registry
    layer = QgsVectorLayer(f"{path}|layername=services", "services", "ogr")
    assert layer.isValid()
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    QgsProject.instance().addMapLayer(layer)
    widget = RegistryDock(canvas)
    layer_id = layer.id()
    yield widget
    if QgsProject.instance().mapLayer(layer_id) is not None:  # a test may have removed it
        if layer.isEditable():
            layer.rollBack()
        widget.set_layer(None)
        QgsProject.instance().removeMapLayer(layer_id)
    widget.deleteLater()


def to_3857(lon, lat):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsPointXY,
        QgsProject,
    )

    t = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"),
        QgsCoordinateReferenceSystem("EPSG:3857"),
        QgsProject.instance(),
    )
    return t.transform(QgsPointXY(lon, lat))


def fid_of(dock, service_id):
    for f in dock.layer.getFeatures():
        if f["service_id"] == service_id:
            return f.id()
    raise KeyError(service_id)


@pytest.fixture()
def candidates(registry, shared_data):
    """The Venice 2009 OSM candidates added to the registry (status to_verify) before the dock
    opens it."""
    from capacitymetro_plugin.core.registry.osm_candidates import registry_from_osm

    path, _ = registry
    pbf = shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
    return registry_from_osm(pbf, path, area="comune:venezia")


# ----------------------------------------------------------------------------- listing, filters
def test_dock_picks_the_registry_layer_and_lists_every_service(dock, registry):
    _, table = registry
    assert dock.layer is not None and dock.layer.name() == "services"
    assert dock.layer_combo.count() == 1
    assert sorted(dock.visible_service_ids()) == sorted(table["uuid"])
    placed = int(table["lon"].notna().sum())
    assert placed == 9  # README: coordinates only where a service matched an OSM POI
    assert dock.count_label.text() == f"59 of 59 services · {59 - placed} without location"


def _has(codes, code):
    return isinstance(codes, str) and code in [c.strip() for c in codes.split(";")]


def test_filters_agree_with_pandas(dock, registry):
    _, table = registry

    def shown():
        return set(dock.visible_service_ids())

    dock.set_filter(sector="reception")
    expect = set(table[table["sectors"].apply(_has, code="reception")]["uuid"])
    assert shown() == expect and len(expect) > 5

    dock.set_filter(sector="", comune="Bari")
    assert shown() == set(table[table["comune"] == "Bari"]["uuid"]) and len(shown()) == 14

    dock.set_filter(sector="reception")  # combined: Bari AND reception
    both = table[(table["comune"] == "Bari") & table["sectors"].apply(_has, code="reception")]
    assert shown() == set(both["uuid"]) and 0 < len(both) < 14

    dock.set_filter(sector="", comune="", operator_type="third_sector")
    assert shown() == set(table[table["operator_type"] == "third_sector"]["uuid"])

    dock.set_filter(operator_type="", search="caritas")
    hay = table[["name", "address", "comune"]].fillna("").agg(" ".join, axis=1).str.lower()
    assert shown() == set(table[hay.str.contains("caritas")]["uuid"]) and shown()

    # typing in the search box filters after a short pause, not on every keystroke
    from qgis.PyQt.QtTest import QTest

    dock.set_filter(search="")
    dock.search_edit.setText("questura")
    assert len(shown()) == 59  # not yet
    QTest.qWait(600)
    assert shown() == set(table[table["name"].str.lower().str.contains("questura")]["uuid"])

    # stale: not verified in the last 60 months, or never (no full page date)
    dock.today = dt.date(2026, 11, 21)
    dock.set_filter(search="", stale_months=60)
    dates = pd.to_datetime(table["verified"], errors="coerce")
    stale = table[dates.isna() | (dates < pd.Timestamp("2021-11-21"))]
    assert shown() == set(stale["uuid"]) and len(stale) == 59 - 7  # 7 pages dated 2022

    dock.set_filter(stale_months=0, status="suspended")
    assert shown() == set()
    dock.set_filter(status="")
    assert len(shown()) == 59


def test_selecting_a_service_zooms_and_shows_details_and_sheets(dock, registry):
    _, table = registry
    cinformi = table[table["name"].str.startswith("Cinformi")].iloc[0]
    fid = fid_of(dock, cinformi.uuid)
    dock.select_fid(fid)
    extent = dock.canvas.extent()
    centre = to_3857(float(cinformi.lon), float(cinformi.lat))
    assert abs(extent.center().x() - centre.x()) < 1 and abs(extent.center().y() - centre.y()) < 1
    # about 1 km across (the canvas widget's aspect ratio widens one side), not the whole layer
    assert (
        999 < min(extent.width(), extent.height()) < 1001
        and max(extent.width(), extent.height()) < 5000
    )
    assert dock.layer.selectedFeatureIds() == [fid]
    assert "Cinformi" in dock.details.toPlainText()
    assert "Provincia autonoma di Trento" in dock.details.toPlainText()  # its organization
    assert dock.practice_list.count() == 0

    casa = table[table["name"].str.startswith("Casa delle Culture")].iloc[0]
    dock.set_filter(comune="Bari")
    dock.select_fid(fid_of(dock, casa.uuid))
    assert "No location yet" in dock.details.toPlainText()
    assert dock.practice_list.count() == 2
    assert dock.practice_list.item(0).text().startswith("Casa delle Culture: one-stop")
    assert dock.sheet_url().toString() == casa.source_url
    assert dock.open_sheet_button.isEnabled()
    dock.practice_list.setCurrentRow(1)  # no link, no attachment: the sheet's own text
    assert dock.sheet_url() is None and dock.open_sheet_button.isEnabled()
    text = dock.sheet_text()
    assert "Welcome desk" in text and "A sheet with no link." in text
    assert "Information and one-stop shops" in text and "test seed" in text
    assert dock.open_sheet(show=False)
    # only http(s) links and attachments inside the registry's folder are opened
    from capacitymetro_plugin.core.registry.model import Practice
    from capacitymetro_plugin.gui.registry_layers import registry_path

    folder = registry_path(dock.layer).parent
    dock._practices = [
        Practice(title="a", link="file:///etc/passwd"),
        Practice(title="b", attachment="../../secret.pdf"),
        Practice(title="c", attachment="schede/scheda.pdf"),
    ]
    assert dock.sheet_url(0) is None and dock.sheet_url(1) is None
    assert dock.sheet_url(2).toLocalFile() == str((folder / "schede" / "scheda.pdf").resolve())


# ----------------------------------------------------------------------------- editing
def test_add_by_map_click_validates_as_you_type_and_saves(dock, registry):
    from qgis.PyQt.QtCore import Qt

    path, _ = registry
    before = snapshot(path)
    dock.start_add()
    form = dock.form
    assert dock.stack.currentWidget() is form
    assert dock.canvas.mapTool() is dock.pick_tool
    assert not form.save_button.isEnabled()  # name and sector missing
    assert form.error_labels["name"].text() and form.error_labels["sectors"].text()

    form.widgets["name"].setText("Sportello stranieri Municipio I")
    assert not form.save_button.isEnabled()
    sectors = form.widgets["sectors"]
    for i in range(sectors.count()):
        if sectors.item(i).data(Qt.ItemDataRole.UserRole) in ("information", "mediation"):
            sectors.item(i).setCheckState(Qt.CheckState.Checked)
    assert form.save_button.isEnabled() and form.errors() == {}

    form.widgets["languages"].setText("it;en;xx")
    assert not form.save_button.isEnabled() and "xx" in form.error_labels["languages"].text()
    form.widgets["languages"].setText("it; en ;ar")
    form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00; Tu 14:30-14:30")  # empty interval
    assert not form.save_button.isEnabled() and form.error_labels["opening_hours"].isVisibleTo(form)
    # read as OpenStreetMap reads it: past midnight, and Tuesday's morning replaced: warned, kept
    form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00; Tu 17:30-14:30")
    assert form.save_button.isEnabled() and "opening_hours" in form.warnings()
    assert "replaces" in form.error_labels["opening_hours"].text()
    form.widgets["opening_hours"].setText("mornings, call first")  # free text: kept, warned
    assert form.save_button.isEnabled() and "opening_hours" in form.warnings()
    assert form.error_labels["opening_hours"].text().startswith("Kept as written")
    assert "location" in form.warnings()  # no point yet: the core's missing_geometry warning
    form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30")
    assert "opening_hours" not in form.warnings()
    form.widgets["email"].setText("not-an-address")
    assert not form.save_button.isEnabled()
    form.widgets["email"].setText("stranieri@comune.bari.it")
    form.widgets["phone"].setText("ask at the desk")  # checked by the core's validate_services
    assert not form.save_button.isEnabled() and form.error_labels["phone"].text()
    form.widgets["phone"].setText("+39 080 577 1111")
    form.widgets["capacity"].setText("40")
    assert form.save_button.isEnabled()

    lon, lat = 16.8719, 41.1253  # Bari, Murat
    dock.handle_map_click(to_3857(lon, lat))  # the map tool gives canvas (EPSG:3857) points
    assert (
        abs(float(form.x_edit.text()) - lon) < 1e-6 and abs(float(form.y_edit.text()) - lat) < 1e-6
    )
    assert "location" not in form.warnings()

    form.save_button.click()
    assert dock.stack.currentIndex() == 0 and dock.canvas.mapTool() is not dock.pick_tool
    assert dock.layer.isEditable() and dock.layer.featureCount() == 60
    assert snapshot(path) == before  # only the edit buffer changed
    assert dock.save_changes()
    assert not dock.layer.isEditable()

    rows = read_services(path)
    assert len(rows) == 60
    new = [r for r in rows.values() if r["name"] == "Sportello stranieri Municipio I"]
    assert len(new) == 1
    new = new[0]
    assert uuid.UUID(new["service_id"]).version == 4
    assert new["sectors"] == "information;mediation"
    assert new["languages"] == "it;en;ar"
    assert new["opening_hours"] == "Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30"
    assert new["capacity"] == 40 and new["status"] == "active"
    assert new["phone"] == "+39 080 577 1111"
    assert str(new["last_verified"])[:10] == dt.date.today().isoformat()
    assert abs(new["xy"][0] - lon) < 1e-7 and abs(new["xy"][1] - lat) < 1e-7
    assert new["created_at"] and new["updated_at"]


def test_edit_undo_delete_and_save(dock, registry):
    path, table = registry
    questura = table[table["name"].str.startswith("Questura di Bari")].iloc[0]
    porta = table[table["name"].str.startswith("Porta Futuro")].iloc[0]
    amaranta = table[table["name"].str.startswith("Amaranta")].iloc[0]

    fid = fid_of(dock, questura.uuid)
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    form = dock.form
    assert form.widgets["name"].text() == questura["name"]
    form.widgets["status"].setCurrentIndex(form.widgets["status"].findData("suspended"))
    form.widgets["phone"].setText("080 529 1111")
    assert form.save_button.isEnabled(), form.errors()
    form.save_button.click()
    assert dock.layer.getFeature(fid)["status"] == "suspended"

    # a second edit, then undo it: the first stays
    dock.start_edit(fid_of(dock, porta.uuid))
    form.widgets["capacity"].setText("250")
    form.save_button.click()
    assert dock.layer.getFeature(fid_of(dock, porta.uuid))["capacity"] == 250
    dock.undo()
    capacity = dock.layer.getFeature(fid_of(dock, porta.uuid))["capacity"]
    assert capacity is None or str(capacity) == "NULL"
    assert dock.layer.getFeature(fid)["status"] == "suspended"

    dock.select_fid(fid_of(dock, amaranta.uuid), zoom=False)
    assert dock.delete_selected(confirm=False)
    assert amaranta.uuid not in dock.visible_service_ids()
    assert dock.layer.featureCount() == 58
    assert dock.save_changes()

    rows = read_services(path)
    assert len(rows) == 58 and amaranta.uuid not in rows
    assert rows[questura.uuid]["status"] == "suspended"
    assert rows[questura.uuid]["phone"] == "080 529 1111"
    assert (
        rows[questura.uuid]["updated_at"] > rows[questura.uuid]["created_at"]
        or rows[questura.uuid]["updated_at"]
    )
    assert rows[porta.uuid]["capacity"] is None
    assert rows[porta.uuid]["status"] == "active"


def test_set_location_places_a_bari_service_by_clicking(dock, registry):
    path, table = registry
    questura = table[table["name"].str.startswith("Questura di Bari")].iloc[0]
    fid = fid_of(dock, questura.uuid)
    dock.set_filter(comune="Bari")
    assert dock.count_label.text() == "14 of 59 services · 14 without location"
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    assert dock.canvas.mapTool() is dock.pick_tool
    lon, lat = 16.8644, 41.1170
    dock.handle_map_click(to_3857(lon, lat))
    assert dock.canvas.mapTool() is not dock.pick_tool
    assert dock.count_label.text() == "14 of 59 services · 13 without location"
    point = dock.layer.getFeature(fid).geometry().asPoint()
    assert abs(point.x() - lon) < 1e-7 and abs(point.y() - lat) < 1e-7
    dock.undo()
    assert dock.layer.getFeature(fid).geometry().isEmpty()
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    dock.handle_map_click(to_3857(lon, lat))
    assert dock.save_changes()
    xy = read_services(path)[questura.uuid]["xy"]
    assert abs(xy[0] - lon) < 1e-7 and abs(xy[1] - lat) < 1e-7


def test_discard_leaves_the_file_unchanged(dock, registry):
    path, table = registry
    before = snapshot(path)
    dock.start_add()
    dock.form.widgets["name"].setText("Temporary")
    dock.form.widgets["sectors"].item(0).setCheckState(2)
    dock.handle_map_click(to_3857(11.12, 46.07))
    dock.apply_form()
    first = dock.visible_fids()[0]
    dock.select_fid(first, zoom=False)
    dock.delete_selected(confirm=False)
    assert dock.layer.featureCount() == 59  # one added, one deleted, in the buffer
    dock.discard_changes()
    assert not dock.layer.isEditable()
    assert dock.layer.featureCount() == 59
    assert snapshot(path) == before
    assert len(before["services"]) == 59
    assert "Temporary" not in dock.details.toPlainText()


def test_typed_coordinates_in_another_crs(dock):
    from pyproj import Transformer
    from qgis.core import QgsCoordinateReferenceSystem

    dock.start_add()
    form = dock.form
    form.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    form.x_edit.setText("656000")
    form.y_edit.setText("4555000")
    point = form.location()
    lon, lat = Transformer.from_crs(32633, 4326, always_xy=True).transform(656000, 4555000)
    assert abs(point.x() - lon) < 1e-7 and abs(point.y() - lat) < 1e-7
    form.y_edit.setText("north")
    assert form.error_labels["location"].text() and not form.save_button.isEnabled()
    form.cancel_button.click()
    assert dock.stack.currentIndex() == 0 and not dock.layer.isEditable()


def test_plugin_menu_action_toggles_the_dock(qgis_app, qgis_iface):
    import capacitymetro_plugin
    from capacitymetro_plugin.gui.dock import RegistryDock

    plugin = capacitymetro_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert isinstance(plugin.dock, RegistryDock)
        action = plugin.actions[0]
        assert action.isCheckable() and plugin.dock.isHidden()
        assert action in plugin.iface.mainWindow().findChildren(type(action))
        action.trigger()
        assert not plugin.dock.isHidden() and action.isChecked()
        action.trigger()
        assert plugin.dock.isHidden() and not action.isChecked()
        plugin.dock._activate_pick_tool()  # unloading while a map pick is pending
        assert qgis_iface.mapCanvas().mapTool() is plugin.dock.pick_tool
    finally:
        plugin.unload()
    assert plugin.dock is None and plugin.actions == []
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(
        None, QEvent.Type.DeferredDelete
    )  # run the dock's deleteLater
    assert qgis_iface.mapCanvas().mapTool() is None  # the tool left the canvas with the dock


def test_removing_the_layer_from_the_project_empties_the_dock(dock):
    from qgis.core import QgsProject

    layer = dock.layer
    dock.start_set_location(dock.visible_fids()[0])
    assert dock.canvas.mapTool() is dock.pick_tool
    QgsProject.instance().removeMapLayer(layer.id())
    assert dock.layer is None
    assert dock.table.rowCount() == 0 and dock.layer_combo.count() == 0
    assert dock.status_label.text().startswith("No registry layer")
    assert dock.canvas.mapTool() is not dock.pick_tool
    assert not dock.add_button.isEnabled()


def test_values_outside_the_vocabularies_are_kept_and_flagged(dock):
    from qgis.PyQt.QtCore import Qt

    fid = dock.visible_fids()[0]
    layer = dock.layer
    layer.startEditing()
    layer.changeAttributeValue(fid, layer.fields().indexOf("sectors"), "health;food_aid")
    layer.changeAttributeValue(fid, layer.fields().indexOf("status"), "temporarily_closed")
    dock.start_edit(fid)
    form = dock.form
    assert form.values()["sectors"] == "health;food_aid"  # not dropped by the checkboxes
    assert form.values()["status"] == "temporarily_closed"
    assert "food_aid" in form.error_labels["sectors"].text()
    assert form.error_labels["status"].text() and not form.save_button.isEnabled()
    sectors = form.widgets["sectors"]
    for i in range(sectors.count()):
        if sectors.item(i).data(Qt.ItemDataRole.UserRole) == "food_aid":
            sectors.item(i).setCheckState(Qt.CheckState.Unchecked)
    form.widgets["status"].setCurrentIndex(form.widgets["status"].findData("suspended"))
    assert form.save_button.isEnabled(), form.errors()
    form.save_button.click()
    f = layer.getFeature(fid)
    assert (f["sectors"], f["status"]) == ("health", "suspended")
    # the next form starts from the vocabulary again
    dock.start_add()
    assert (
        form.widgets["sectors"].count() == 12 and form.widgets["status"].count() == 4
    )  # with to_verify


def test_a_real_mouse_click_on_the_canvas_places_the_service(dock, registry):
    """The map tool path itself: a mouse press/release on the canvas widget, not a direct call."""
    from qgis.core import QgsRectangle
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    _, table = registry
    canvas = dock.canvas
    canvas.resize(400, 300)
    canvas.show()
    centre = to_3857(16.8690, 41.1177)  # central Bari
    canvas.setExtent(
        QgsRectangle(centre.x() - 800, centre.y() - 600, centre.x() + 800, centre.y() + 600)
    )
    canvas.refresh()
    questura = table[table["name"].str.startswith("Questura di Bari")].iloc[0]
    fid = fid_of(dock, questura.uuid)
    dock.set_filter(comune="Bari")
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    pixel = QPoint(100, 200)
    expected = canvas.getCoordinateTransform().toMapCoordinates(pixel.x(), pixel.y())
    QTest.mouseClick(
        canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pixel
    )
    assert canvas.mapTool() is not dock.pick_tool  # done, the previous tool is back
    placed = dock.layer.getFeature(fid).geometry().asPoint()
    back = to_3857(placed.x(), placed.y())
    assert abs(back.x() - expected.x()) < 0.01 and abs(back.y() - expected.y()) < 0.01
    # a right click cancels: nothing placed
    other = fid_of(dock, table[table["name"].str.startswith("Porta Futuro")].iloc[0].uuid)
    dock.select_fid(other, zoom=False)
    dock.start_set_location()
    QTest.mouseClick(
        canvas.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pixel
    )
    assert canvas.mapTool() is not dock.pick_tool and dock.mode == dock.MODE_BROWSE
    assert dock.layer.getFeature(other).geometry().isEmpty()
    canvas.hide()


def test_a_second_registry_layer_appears_in_the_combo(dock, registry, tmp_path):
    import shutil

    from qgis.core import QgsProject, QgsVectorLayer

    path, _ = registry
    copy = tmp_path / "copy.gpkg"
    shutil.copy(path, copy)
    first = dock.layer
    other = QgsVectorLayer(f"{copy}|layername=services", "services (copy)", "ogr")
    roads = QgsVectorLayer("LineString?crs=EPSG:4326&field=name:string", "roads", "memory")
    QgsProject.instance().addMapLayers([other, roads])  # roads: not a registry, not offered
    try:
        assert [dock.layer_combo.itemText(i) for i in range(dock.layer_combo.count())] == [
            "services",
            "services (copy)",
        ]
        assert dock.layer is first  # adding a layer does not switch
        dock.layer_combo.setCurrentIndex(1)
        assert dock.layer is other and len(dock.visible_fids()) == 59
        dock.layer_combo.setCurrentIndex(0)
        assert dock.layer is first
    finally:
        QgsProject.instance().removeMapLayers([other.id(), roads.id()])
    assert dock.layer is first and dock.layer_combo.count() == 1


def test_locate_from_address_is_the_core_call_and_keeps_hand_placed_points(
    dock, registry, shared_data
):
    from capacitymetro_plugin.core.registry.geocode import locate_address

    path, table = registry
    pbf = shared_data / "osm_trento_2023-02_tnst.osm.pbf"
    croce = table[table["service_id"] == "S014"].iloc[0]  # via Santa Croce 61, no point yet
    fid = fid_of(dock, croce.uuid)
    dock.select_fid(fid, zoom=False)
    assert dock.address_button.isEnabled()
    result = dock.locate_from_address(str(pbf))
    expected = locate_address(croce.address, comune="Trento", extract=pbf)
    assert result.level == expected.level == "housenumber"
    point = dock.layer.getFeature(fid).geometry().asPoint()
    assert (point.x(), point.y()) == pytest.approx((expected.lon, expected.lat), abs=1e-9)
    assert "Via Santa Croce 61" in dock.status_label.text()
    # a point placed by hand (Cinformi, matched to its OSM POI by a person) is kept
    cinformi = table[table["service_id"] == "S001"].iloc[0]
    hand = fid_of(dock, cinformi.uuid)
    before = dock.layer.getFeature(hand).geometry().asPoint()
    dock.select_fid(hand, zoom=False)
    assert dock.locate_from_address(str(pbf)) is None
    assert dock.layer.getFeature(hand).geometry().asPoint() == before
    assert "Set location" in dock.status_label.text()
    # no street on the page: the reason, and a click is needed
    convent = fid_of(dock, table[table["service_id"] == "S006"].iloc[0].uuid)
    dock.select_fid(convent, zoom=False)
    assert dock.locate_from_address(str(pbf)).reason == "no street in the address"
    assert dock.layer.getFeature(convent).geometry().isEmpty()
    assert dock.save_changes()
    saved = read_services(path)[croce.uuid]
    assert saved["location_source"] == "geocoded:osm"
    assert saved["xy"] == pytest.approx((expected.lon, expected.lat), abs=1e-7)


def test_locate_from_address_broken_extract_changes_nothing(dock, registry, tmp_path):
    path, table = registry
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"garbage")
    before = snapshot(path)
    fid = fid_of(dock, table[table["service_id"] == "S014"].iloc[0].uuid)
    dock.select_fid(fid, zoom=False)
    assert dock.locate_from_address(str(bad)) is None
    assert "broken.osm.pbf" in dock.status_label.text()
    assert not dock.layer.isModified() and snapshot(path) == before


def test_a_click_marks_the_point_manual(dock, registry):
    path, table = registry
    questura = table[table["name"].str.startswith("Questura di Bari")].iloc[0]
    fid = fid_of(dock, questura.uuid)
    dock.select_fid(fid, zoom=False)
    dock.start_set_location()
    dock.handle_map_click(to_3857(16.8644, 41.1170))
    assert dock.save_changes()
    assert read_services(path)[questura.uuid]["location_source"] == "manual"


def test_status_filter_lists_the_candidates_to_verify(candidates, dock):
    added = {s.service_id for s in candidates.added}
    assert len(added) == 8  # this registry names no OSM object: all 8 are new
    dock.set_filter(status="to_verify")
    assert set(dock.visible_service_ids()) == added
    dock.set_filter(status="")
    assert len(dock.visible_service_ids()) == 59 + 8


def test_verified_today_empties_the_queue_for_that_service(candidates, dock, registry):
    """The 'to verify' queue (candidates, and services not verified for N months) and its
    'Verified today' action: the service leaves both queues once saved; read back with the
    core (Registry) and its history says who checked it."""
    from capacitymetro_plugin.core.registry.registry import Registry

    path, _ = registry
    candidate = sorted(candidates.added, key=lambda s: s.name)[0]
    dock.set_filter(status="to_verify")
    fid = fid_of(dock, candidate.service_id)
    dock.select_fid(fid, zoom=False)
    assert dock.verified_button.isEnabled()
    dock.verified_button.click()
    assert dock.save_changes(), dock.layer.commitErrors()
    stored = Registry.open(path).get_service(candidate.service_id)
    assert stored.status == "active" and str(stored.last_verified)[:10] == dock.today.isoformat()
    dock.set_filter(status="to_verify")
    assert candidate.service_id not in dock.visible_service_ids()
    assert len(dock.visible_service_ids()) == 7
    # a service not verified for 60 months: out of the stale queue after the action
    dock.set_filter(status="", stale_months=60)
    stale = dock.visible_service_ids()
    other = next(i for i in stale if i != candidate.service_id)
    dock.select_fid(fid_of(dock, other), zoom=False)
    before = Registry.open(path).get_service(other).status
    dock.mark_verified()
    assert dock.save_changes()
    dock.set_filter(status="", stale_months=60)
    assert (
        other not in dock.visible_service_ids()
        and len(dock.visible_service_ids()) == len(stale) - 1
    )
    assert (
        Registry.open(path).get_service(other).status == before
    )  # only a candidate changes status
    assert Registry.open(path).service_history(other)[-1]["operation"] == "UPDATE"


def test_sensitive_service_shown_exact_is_warned_like_the_validator(dock, registry):
    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.validation import validate_services

    path, _ = registry
    fid = dock.visible_fids()[0]
    dock.start_edit(fid)
    form = dock.form
    privacy = form.widgets["location_privacy"]
    assert privacy.currentData() == "exact"  # empty or exact in the file
    assert "location_privacy" not in form.warnings()
    form.widgets["target_groups"].setText("women;trafficking_victims")
    # the same rule and text as the core validator (and the CLI), shown under the field
    core = validate_services(
        [Service(name="x", sectors=["health"], target_groups=["women", "trafficking_victims"])],
        check_ids=False,
    )
    (expected,) = [i for i in core.warnings if i.code == "sensitive_exact_location"]
    shown = form.error_labels["location_privacy"]
    assert shown.isVisibleTo(form)
    assert shown.text() in (expected.message, expected.message_it)
    assert form.save_button.isEnabled()  # a warning, not an error
    privacy.setCurrentIndex(privacy.findData("hidden"))
    assert "location_privacy" not in form.warnings() and not shown.isVisibleTo(form)
    form.save_button.click()
    f = dock.layer.getFeature(fid)
    assert (f["location_privacy"], f["target_groups"]) == ("hidden", "women;trafficking_victims")
    dock.discard_changes()
