"""When someone else saved first: the dock's save on a registry GeoPackage and on a real PostGIS
server, with a second editor (Bruno, through the core API) saving the same service while the
dock's form is open.

- Fields only Bruno changed stay his: the dock writes only the fields its user changed (it used
  to write the whole form back, so Bruno's new phone was silently replaced by the old one).
- A field both changed is a conflict: "Save changes" offers the merge dialog (driven here as a
  user would, through its widgets), the stored row has the chosen values, the row version grows
  on top of Bruno's, both saves are in the history.
- Cancel keeps the user's edits unsaved in the layer (nothing lost); no conflict, no dialog.
- PostGIS refuses a stale row version sent by any client (the database trigger): plain QGIS
  layer editing that sends the row version it read cannot overwrite a newer save either.
"""

from __future__ import annotations

import pytest
from test_dock_history import (  # noqa: F401
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

BRUNO_PHONE = "+39 0461 111111"


class _Modal:
    """Run ``action(dialog)`` on the next modal dialog the code under test opens (during its
    exec()), as a user would; ``seen`` lists the dialogs met. Use as a context manager."""

    def __init__(self, action):
        self.action, self.seen, self.active, self.error = action, [], True, None

    def _poll(self):
        from qgis.PyQt.QtCore import QTimer
        from qgis.PyQt.QtWidgets import QApplication

        if not self.active:
            return
        w = QApplication.activeModalWidget()
        if w is None or w in self.seen:
            QTimer.singleShot(20, self._poll)
            return
        self.seen.append(w)
        try:
            self.action(w)
        except BaseException as exc:  # noqa: BLE001 - raised again outside Qt's event loop
            self.error = exc
            w.reject()
        QTimer.singleShot(20, self._poll)

    def __enter__(self):
        from qgis.PyQt.QtCore import QTimer

        QTimer.singleShot(0, self._poll)
        return self

    def __exit__(self, *exc):
        self.active = False
        if self.error is not None:
            raise self.error


def _edit_in_form(dock, fid, *, capacity="30", description="Aperto anche il sabato"):
    dock.select_fid(fid, zoom=False)
    dock.start_edit()
    return lambda: (
        dock.form.widgets["capacity"].setText(capacity),
        dock.form.widgets["description"].setPlainText(description),
    )


def _scenario(dock, registry, bruno, target):
    """The checks shared by both backends."""
    sid = target.service_id
    fid = _fid(dock.layer, sid)
    v0 = len(registry.service_history(sid))

    # 1. Bruno changes the phone only; the dock's user the capacity and description: no
    #    conflict, no dialog, both kept
    type_it = _edit_in_form(dock, fid)
    bruno.update_service(sid, phone=BRUNO_PHONE)
    type_it()
    assert dock.apply_form() == fid
    with _Modal(lambda w: w.reject()) as modal:
        assert dock.save_changes(), dock.layer.commitErrors()
    assert modal.seen == []
    assert "saved this service meanwhile" in dock.status_label.text()
    stored = registry.get_service(sid)
    assert stored.phone == BRUNO_PHONE  # not the old phone the form had shown
    assert stored.capacity == 30 and stored.description == "Aperto anche il sabato"
    assert len(registry.service_history(sid)) == v0 + 2

    # 2. both change the capacity (a conflict) and Bruno the status: the dialog, then a merge
    fid = _fid(dock.layer, sid)
    type_it = _edit_in_form(dock, fid, capacity="45", description="Solo su appuntamento")
    bruno.update_service(sid, capacity=50, status="suspended")
    type_it()
    assert dock.apply_form() == fid
    chosen = {}

    def merge(w):
        from capacitymetro_plugin.gui.merge_dialog import MergeDialog

        assert isinstance(w, MergeDialog)
        rows = w.rows()
        chosen["rows"] = {r.field: r for r in rows}
        capacity = chosen["rows"]["capacity"]
        assert (capacity.base, capacity.theirs, capacity.yours) == ("30", "50", "45")
        assert capacity.conflict and capacity.choice is None  # both changed: the user decides
        assert not w.save_button.isEnabled()
        status = chosen["rows"]["status"]
        assert not status.conflict and status.choice == "theirs"  # only Bruno changed it
        assert chosen["rows"]["description"].choice == "yours"  # only the user changed it
        w.choose("capacity", "theirs")
        assert w.save_button.isEnabled()
        w.save_button.click()

    with _Modal(merge) as modal:
        assert dock.save_changes(), dock.layer.commitErrors()
    assert len(modal.seen) == 1
    stored = registry.get_service(sid)
    assert stored.capacity == 50 and stored.status == "suspended"  # theirs
    assert stored.description == "Solo su appuntamento"  # yours
    assert stored.phone == BRUNO_PHONE
    history = registry.service_history(sid)
    assert len(history) == v0 + 4  # Bruno's second save and the merged one

    # 3. a conflict, Cancel: nothing written, the user's edit stays in the layer, unsaved
    fid = _fid(dock.layer, sid)
    type_it = _edit_in_form(dock, fid, capacity="60", description="Solo su appuntamento")
    bruno.update_service(sid, capacity=70)
    type_it()
    assert dock.apply_form() == fid
    with _Modal(lambda w: w.reject()) as modal:
        assert not dock.save_changes()
    assert len(modal.seen) == 1
    assert registry.get_service(sid).capacity == 70
    assert dock.layer.isModified()
    assert str(dock.layer.getFeature(fid)["capacity"]) == "60"
    assert len(registry.service_history(sid)) == v0 + 5
    dock.discard_changes()


def test_merge_on_a_registry_geopackage(qgis_app, qgis_iface, sample, editor_setting):  # noqa: F811
    from qgis.core import QgsVectorLayer

    from capacitymetro_plugin.core.registry.registry import Registry

    target = _target(sample)
    layer = QgsVectorLayer(f"{sample.path}|layername=services", "services", "ogr")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)
    try:
        _scenario(
            dock, Registry.open(sample.path), Registry.open(sample.path, editor="Bruno"), target
        )
    finally:
        _close_dock(dock, layer)


@pytest.mark.slow
def test_merge_on_postgis(postgis, qgis_app, qgis_iface, sample):  # noqa: F811
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.core.registry.registry import copy_registry

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="merge")
    copy_registry(sample, pg)
    target = _target(pg)
    layer = pg_services_layer(sock, "merge")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)
    try:
        _scenario(dock, pg, PostgisRegistry(dsn, schema="merge"), target)
        # the database itself refuses a stale row version, from any client
        sid = target.service_id
        out = as_postgres(
            *psql, "-d", "registry", "-At", "-c",
            f"UPDATE merge.services SET phone = 'x', row_version = 1 WHERE service_id = '{sid}'",
        )  # fmt: skip
        assert out.returncode != 0 and "changed by someone else" in out.stderr, out.stderr
        assert pg.get_service(sid).phone == BRUNO_PHONE
    finally:
        _close_dock(dock, layer)


@pytest.mark.slow
def test_area_editor_in_the_dock_is_told_what_was_not_written(
    postgis,  # noqa: F811
    qgis_app,
    qgis_iface,
    sample,  # noqa: F811
):
    """Row-level security filters an area editor's UPDATE of another area's service out, and
    QGIS reports no error for a 0-row UPDATE: the dock compares what it sent with what is stored
    and says which services were not written; its own area's service is written."""

    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
    from capacitymetro_plugin.core.registry.registry import copy_registry
    from capacitymetro_plugin.core.registry.roles import grant, install_roles

    sock, psql = postgis
    dsn = f"host={sock} port={PORT} dbname=registry user=postgres"
    pg = PostgisRegistry.create(dsn, schema="areas")
    copy_registry(sample, pg)
    out = as_postgres(*psql, "-d", "registry", "-c", "CREATE ROLE trento_ed LOGIN")
    assert out.returncode == 0, out.stderr
    install_roles(dsn, "areas")
    grant(dsn, "trento_ed", "cm_area_editor", areas=["022205"], schema="areas")
    services = pg.services()
    mine = next(s for s in services if s.comune_istat == "022205")
    other = next(s for s in services if s.comune_istat and s.comune_istat[:3] != "022")
    layer = pg_services_layer(sock, "areas", user="trento_ed")
    assert layer.isValid()
    dock = _open_dock(qgis_iface, layer)
    try:
        for target, phone in ((other, "+39 000 1"), (mine, "+39 0461 2")):
            fid = _fid(layer, target.service_id)
            dock.select_fid(fid, zoom=False)
            dock.start_edit()
            dock.form.widgets["phone"].setText(phone)
            assert dock.apply_form() == fid
        with _Modal(lambda w: w.accept()) as modal:  # the warning box
            assert not dock.save_changes()
        assert len(modal.seen) == 1
        assert other.name in dock.status_label.text() and mine.name not in dock.status_label.text()
        assert pg.get_service(other.service_id).phone == other.phone  # not written
        assert pg.get_service(mine.service_id).phone == "+39 0461 2"  # written
    finally:
        _close_dock(dock, layer)
