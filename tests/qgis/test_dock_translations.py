"""The form's "Translations" part, on a registry GeoPackage and on a real PostGIS server.

The registry is the real sample (59 services transcribed from web pages, ../shared/data). Through
the panel's own buttons an operator adds an Arabic translation of a Trento service, edits it,
types a Ukrainian one and saves the whole form (the typed translation must not be lost), has an
Italian one, an empty name and an unknown code refused (the core's message shown, nothing
written), and removes the Arabic one. The registry rows and ``translation_history`` are checked,
and the stored table is read back independently (sqlite3 / psql).
"""

from __future__ import annotations

import sqlite3

import pytest
from test_dock_history import (  # noqa: F401 - the fixtures, reused
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

AR_NAME = "مكتب الهجرة - ترينتو"
AR_DESCRIPTION = "معلومات عن تصاريح الإقامة"
AR_NAME_2 = "مكتب خدمات المهاجرين"
UK_NAME = "Довідкове бюро для мігрантів"


def _cells(panel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def _refused(panel, registry, sid, lang_text, name, code):
    """Type a translation the core refuses: its own message is shown, nothing is written."""
    from capacitymetro_plugin.core.registry.model import Translation
    from capacitymetro_plugin.core.registry.translations import (
        TranslationError,
        check_translation,
    )

    before = (registry.translations(sid), len(registry.translation_history(sid)))
    panel.add_button.click()
    panel.language_combo.setEditText(lang_text)
    panel.name_edit.setText(name)
    panel.save_button.click()
    with pytest.raises(TranslationError) as expected:  # the oracle: the core's own check
        check_translation(Translation(service_id=sid, lang=lang_text, name=name), {sid})
    assert expected.value.code == code
    assert panel.message_label.text() == expected.value.localized(panel.language)
    assert panel.editor.isVisibleTo(panel)  # still open: the text typed is not lost
    assert (registry.translations(sid), len(registry.translation_history(sid))) == before
    panel.cancel_button.click()
    assert not panel.editor.isVisibleTo(panel)


def _translate_through_the_form(dock, fid, sid, registry, who):
    """Add, edit, add-by-form-Save, refuse three, remove; return the history's operations."""
    from qgis.PyQt.QtCore import Qt

    from capacitymetro_plugin.core.registry import vocabularies as voc

    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    panel = dock.form.translations
    assert panel.add_button.isEnabled() and panel.table.rowCount() == 0
    # the combo offers every language the core accepts, Italian excepted (the record itself)
    combo = panel.language_combo
    offered = {combo.itemData(i) for i in range(combo.count())} - {None}
    assert offered == set(voc.LANGUAGE_CODES) - {"it"}
    assert combo.findData("it") < 0 and combo.findData("prs") >= 0
    assert [combo.itemData(i) for i in range(3)] == ["en", "fr", "ar"]  # the site's first

    # add Arabic, a machine translation
    panel.add_button.click()
    combo.setCurrentIndex(combo.findData("ar"))
    assert panel.name_edit.layoutDirection() == Qt.LayoutDirection.RightToLeft
    panel.name_edit.setText(AR_NAME)
    panel.description_edit.setPlainText(AR_DESCRIPTION)
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("machine"))
    panel.save_button.click()
    (t,) = registry.translations(sid)
    assert (t.lang, t.name, t.description, t.source, t.editor) == (
        "ar",
        AR_NAME,
        AR_DESCRIPTION,
        "machine",
        who,
    )
    assert _cells(panel)[0][:3] == ["Arabic (ar)", AR_NAME, "machine"]
    assert _cells(panel)[0][4] == who
    assert panel.message_label.text() == "Translation in Arabic (ar) saved."

    # edit it: a person rewrote the name
    panel.select_language("ar")
    panel.edit_button.click()
    assert not combo.isEnabled() and panel.name_edit.text() == AR_NAME
    panel.name_edit.setText(AR_NAME_2)
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("operator"))
    panel.save_button.click()
    (t,) = registry.translations(sid)
    assert (t.name, t.description, t.source) == (AR_NAME_2, AR_DESCRIPTION, "operator")
    assert _cells(panel)[0][2] == "operator"
    # both saves are recorded as made through the dock
    assert [h["door"] for h in registry.translation_history(sid)] == ["dock", "dock"]

    # refused by the core: Italian typed in, an empty name, a code that is no language
    _refused(panel, registry, sid, "it", "Sportello", "original_language")
    _refused(panel, registry, sid, "kmr", "", "empty_name")
    _refused(panel, registry, sid, "xx", "Name", "unknown_language")
    # adding a language already translated is refused by the panel, pointing to Edit
    panel.add_button.click()
    combo.setCurrentIndex(combo.findData("ar"))
    panel.name_edit.setText("other")
    panel.save_button.click()
    assert 'click "Edit"' in panel.message_label.text()
    assert registry.translations(sid)[0].name == AR_NAME_2
    panel.cancel_button.click()

    # a Ukrainian translation typed, then the form's own Save: written first, not lost
    panel.add_button.click()
    combo.setCurrentIndex(combo.findData("uk"))
    panel.name_edit.setText(UK_NAME)
    assert panel.is_dirty()
    dock.form.widgets["capacity"].setText("25")
    assert dock.apply_form() == fid
    assert dock.stack.currentIndex() == 0  # the form closed
    assert [t.lang for t in registry.translations(sid)] == ["ar", "uk"]
    assert dock.save_changes(), dock.layer.commitErrors()
    assert registry.get_service(sid).capacity == 25

    # remove the Arabic one
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    assert [r[0] for r in _cells(panel)] == ["Arabic (ar)", "Ukrainian (uk)"]
    panel.select_language("ar")
    assert panel.remove(confirm=False)
    assert [t.lang for t in registry.translations(sid)] == ["uk"]
    assert [r[0] for r in _cells(panel)] == ["Ukrainian (uk)"]
    dock.close_form()

    history = registry.translation_history(sid)
    ops = [(h["lang"], h["operation"]) for h in history]
    assert ops == [("ar", "INSERT"), ("ar", "UPDATE"), ("uk", "INSERT"), ("ar", "DELETE")]
    assert history[1]["old"]["name"] == AR_NAME and history[1]["new"]["name"] == AR_NAME_2
    assert history[1]["old"]["source"] == "machine" and history[1]["new"]["source"] == "operator"
    assert history[3]["old"]["name"] == AR_NAME_2 and history[3]["new"] is None
    return history


def test_translations_on_a_registry_geopackage(qgis_app, qgis_iface, sample, editor_setting):  # noqa: F811
    from qgis.core import QgsVectorLayer

    from capacitymetro_plugin.core.registry.registry import Registry

    target = _target(sample)
    layer = QgsVectorLayer(f"{sample.path}|layername=services", "services", "ogr")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)
    try:
        registry = Registry.open(sample.path)
        history = _translate_through_the_form(
            dock, _fid(layer, target.service_id), target.service_id, registry, EDITOR
        )
        assert {h["changed_by"] for h in history} == {EDITOR}
        con = sqlite3.connect(sample.path)  # independent read of the stored rows
        try:
            rows = con.execute(
                "SELECT lang, name, source, editor FROM service_translations WHERE service_id = ?",
                (target.service_id,),
            ).fetchall()
            logged = con.execute(
                "SELECT count(*) FROM translations_history WHERE service_id = ?",
                (target.service_id,),
            ).fetchone()[0]
        finally:
            con.close()
        assert rows == [("uk", UK_NAME, "operator", EDITOR)]
        assert logged == 4
    finally:
        _close_dock(dock, layer)


def test_a_new_service_is_translated_once_saved(qgis_app, qgis_iface, sample, editor_setting):  # noqa: F811
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{sample.path}|layername=services", "services", "ogr")
    dock = _open_dock(qgis_iface, layer)
    try:
        dock.start_add()
        panel = dock.form.translations
        assert not panel.add_button.isEnabled() and not panel.table.isEnabled()
        assert "once it is saved" in panel.hint_label.text()
    finally:
        _close_dock(dock, layer)


@pytest.mark.slow
def test_translations_on_postgis(postgis, qgis_app, qgis_iface, sample, editor_setting):  # noqa: F811
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.core.registry.registry import copy_registry

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="translations")
    copy_registry(sample, pg)
    target = _target(pg)
    layer = pg_services_layer(sock, "translations")
    assert layer.isValid() and layer.featureCount() == 59
    dock = _open_dock(qgis_iface, layer)
    try:
        history = _translate_through_the_form(
            dock, _fid(layer, target.service_id), target.service_id, pg, EDITOR
        )
        assert {h["changed_by"] for h in history} == {"postgres"}  # the trigger's database user
        sql = (
            "SELECT lang, name, source, editor FROM translations.service_translations"
            f" WHERE service_id = '{target.service_id}'"
        )
        out = as_postgres(*psql, "-d", "registry", "-At", "-c", sql)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == f"uk|{UK_NAME}|operator|{EDITOR}"
        sql = (
            "SELECT count(*) FROM translations.translations_history"
            f" WHERE service_id = '{target.service_id}'"
        )
        out = as_postgres(*psql, "-d", "registry", "-At", "-c", sql)
        assert out.stdout.strip() == "4"
    finally:
        _close_dock(dock, layer)
