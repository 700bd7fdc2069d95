"""History of a service: its versions (when, who, through which door, what changed) and
"Restore this version".

The dialog reads the registry behind the dock's layer through the core (``service_history``,
``service_versions``) and restores with ``restore_service``: the restore is a new version, so
nothing is lost, and it is refused with the core's ``ConflictError`` when someone saved the service
after the dialog read it. It works on a registry GeoPackage and on a PostGIS registry alike.
"""

from __future__ import annotations

import datetime as dt
import html

from qgis.core import QgsDataSourceUri, QgsSettings, QgsVectorLayer
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin.core.errors import CapaCityMetroError
from capacitymetro_plugin.core.registry.history import ServiceVersion, service_versions

from .common import Translatable, tr, user_language
from .registry_layers import _table_name, registry_path

#: QgsSettings key naming who edits (written as changed_by in a GeoPackage's history)
EDITOR_KEY = "capacitymetro/editor"
_SHOWN = 60  # characters of a value shown in the list (the tooltip has it all)


def dock_editor() -> str:
    """Who edits from this QGIS: the ``capacitymetro/editor`` setting, else the core's rule
    (``CAPACITYMETRO_EDITOR``, else the login name)."""
    from capacitymetro_plugin.core.registry.registry import current_editor

    return current_editor(str(QgsSettings().value(EDITOR_KEY, "") or "") or None)


def layer_registry(layer: QgsVectorLayer | None):
    """Return the core registry behind a services layer (GeoPackage or PostGIS), else None."""
    if layer is None or _table_name(layer) != "services":
        return None
    path = registry_path(layer)
    if path is not None:
        if path.suffix.lower() != ".gpkg" or not path.is_file():
            return None
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry(path, editor=dock_editor())
    elif layer.providerType() == "postgres":
        from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

        uri = QgsDataSourceUri(layer.source())
        registry = PostgisRegistry(uri.connectionInfo(True), schema=uri.schema() or "public")
    else:
        return None
    registry.door = "dock"  # what the dock writes through it is recorded as the dock's
    return registry


def _when(stamp: str) -> str:
    """``2026-12-03T05:35:56Z`` -> ``2026-12-03 06:35`` in the computer's time zone."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def _value(value, names: dict[str, str] | None = None, *, full: bool = False) -> str:
    """A value as the list shows it: codes by their label, empty as "—", long text cut."""
    if value is None or value == "" or value == []:
        return "—"
    names = names or {}
    if isinstance(value, list):
        value = "; ".join(names.get(str(v), str(v)) for v in value)
    else:
        value = names.get(str(value), str(value))
    text = " ".join(str(value).split())
    return text if full or len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def value_names(language: str) -> dict[str, dict[str, str]]:
    """Field -> {code: label} for the fields that store vocabulary codes."""
    from capacitymetro_plugin.core.registry import vocabularies as voc

    out = {
        field: {t.code: t.label(language) for t in terms}
        for field, terms in (
            ("sectors", voc.SECTORS),
            ("operator_type", voc.OPERATOR_TYPES),
            ("status", voc.STATUSES),
            ("languages", getattr(voc, "LANGUAGES", ())),
        )
    }
    out["location_source"] = {
        "manual": tr("by hand"),
        "geocoded:osm": tr("by geocoding (OpenStreetMap)"),
        "geocoded:nominatim": tr("by geocoding (Nominatim)"),
        "geocoded:stops": tr("by geocoding (bus-stop names, approximate)"),
    }
    out["location_privacy"] = {
        "exact": tr("Exact point"),
        "approximate": tr("Approximate (a ~1 km area)"),
        "hidden": tr("Hidden (contact channel only)"),
    }
    return out


class HistoryDialog(Translatable, QDialog):
    """The versions of one service, newest first, and "Restore this version".

    Parameters
    ----------
    registry
        The core registry (``Registry`` or ``PostgisRegistry``) holding the service.
    service_id
        The service.
    labels
        Field -> label shown for it (the service form's labels).
    can_restore
        Returns why a restore must wait (e.g. unsaved edits in the layer), or "" when it may go.
    on_restored
        Called with the restored service after a restore (the dock reloads its layer).
    """

    COLUMNS = 5

    def __init__(
        self,
        registry,
        service_id: str,
        *,
        labels: dict[str, str] | None = None,
        can_restore=None,
        on_restored=None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CapaCityMetroHistoryDialog")
        self.registry = registry
        self.service_id = service_id
        self.labels = dict(labels or {})
        self.language = user_language()
        self.can_restore = can_restore or (lambda: "")
        self.on_restored = on_restored
        self.versions: list[ServiceVersion] = []
        self.value_names = self._value_names()
        self.current_version: int | None = None
        self.setWindowTitle(self.tr("History of the service"))
        self.resize(760, 440)
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Version"),
                self.tr("When"),
                self.tr("Who"),
                self.tr("Through"),
                self.tr("What changed"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col in range(self.COLUMNS - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)
        buttons = QHBoxLayout()
        self.restore_button = QPushButton(self.tr("Restore this version"))
        self.restore_button.setToolTip(
            self.tr("Write this version back as a new version: nothing in the history is lost")
        )
        self.restore_button.clicked.connect(lambda: self.restore())
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def _value_names(self) -> dict[str, dict[str, str]]:
        return value_names(self.language)

    def _label(self, field: str) -> str:
        extra = {
            "location_source": self.tr("Point placed"),
            "organization_id": self.tr("Organization"),
            "metro_area": self.tr("Metropolitan area"),
        }
        return (self.labels.get(field) or extra.get(field) or field).rstrip(" *")

    def door_label(self, door: str | None) -> str:
        """How the history names the door a change came through (core/registry/doors.py)."""
        labels = {
            "dock": self.tr("dock"),
            "qgis": self.tr("QGIS layer editing"),
            "cli": self.tr("command line"),
            "processing": self.tr("Processing"),
            "sql": self.tr("SQL"),
            "core": self.tr("Python API"),
        }
        if not door:
            return "—"  # recorded before the door was
        return labels.get(door, door)

    def _change_text(self, change, *, full: bool = False) -> str:
        names = self.value_names.get(change.field)
        old = _value(change.old, names, full=full)
        new = _value(change.new, names, full=full)
        return f"{self._label(change.field)}: {old} → {new}"

    # ------------------------------------------------------------------ reading
    def reload(self) -> bool:
        """Read the history again (after a restore, a conflict); False with a message on error."""
        try:
            history = self.registry.service_history(self.service_id)
            state = self.registry.snapshot()
        except CapaCityMetroError as exc:
            self.versions = []
            self._fill()
            self.message_label.setText(exc.localized(self.language))
            return False
        current = state.services.get(self.service_id)
        self.current_version = state.versions.get(self.service_id) if current else None
        self.versions = service_versions(history, current, self.current_version)
        name = current.name if current is not None else self._last_name()
        if current is None:
            head = self.tr("{} — deleted; {} recorded changes").format(name, len(self.versions))
        else:
            head = self.tr("{} — version {}; {} recorded changes").format(
                name, self.current_version, len(self.versions)
            )
        self.title_label.setText(f"<b>{html.escape(head)}</b>")
        self._fill()
        if not self.versions:
            self.message_label.setText(
                self.tr(
                    "No change of this service is recorded yet (a registry made before the "
                    "history, or edits made outside the plugin)."
                )
            )
        return True

    def _last_name(self) -> str:
        for v in self.versions:
            if v.service is not None:
                return v.service.name
        return self.service_id

    def _fill(self) -> None:
        self.table.setRowCount(len(self.versions))
        for row, v in enumerate(self.versions):
            number = "—" if v.version is None else str(v.version)
            if v.current:
                number += " " + self.tr("(current)")
            lines = self.change_lines(v)
            cells = (
                number,
                _when(v.changed_at),
                v.changed_by or "—",
                self.door_label(v.door),
                "\n".join(lines),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setToolTip(v.changed_at)
                if col == 3 and not v.door:
                    item.setToolTip(self.tr("Not recorded (a change made before the door was)"))
                if col == 4:
                    item.setToolTip(self._full_changes(v))
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, v.version)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        restorable = [r for r, v in enumerate(self.versions) if v.restorable]
        if restorable:
            self.table.selectRow(restorable[0])
        self._update_buttons()

    def change_lines(self, v: ServiceVersion) -> list[str]:
        """What version ``v`` changed, one line each, as the list shows it."""
        if v.operation == "INSERT":
            return [self.tr("Created")]
        if v.operation == "DELETE":
            return [self.tr("Deleted")]
        lines = []
        if v.same_as is not None:
            lines.append(self.tr("Back to version {}").format(v.same_as))
        lines += [self._change_text(c) for c in v.changes]
        if v.moved_m is not None:
            lines.append(self.tr("Location moved by {} m").format(f"{v.moved_m:,.0f}"))
        if v.placed:
            lines.append(self.tr("Placed on the map"))
        if v.unplaced:
            lines.append(self.tr("Location removed"))
        return lines or [self.tr("No field changed")]

    def _full_changes(self, v: ServiceVersion) -> str:
        out = [self._change_text(c, full=True) for c in v.changes]
        return "\n".join(out) or "\n".join(self.change_lines(v))

    # ------------------------------------------------------------------ restoring
    def selected_version(self) -> ServiceVersion | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.versions[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        v = self.selected_version()
        self.restore_button.setEnabled(bool(v is not None and v.restorable))

    def restore(self, version: int | None = None, *, confirm: bool = True):
        """Restore ``version`` (default: the selected one); return the restored service or None.

        A conflict (someone saved the service after this dialog read it) restores nothing: the
        message says who, and the list shows their version.
        """
        from capacitymetro_plugin.core.registry.registry import ConflictError

        if version is None:
            chosen = self.selected_version()
            version = chosen.version if chosen is not None else None
        if version is None:
            return None
        wait = self.can_restore()
        if wait:
            self.message_label.setText(wait)
            return None
        if (
            confirm
            and QMessageBox.question(
                self,
                self.tr("Restore this version"),
                self.tr(
                    "Restore version {}? It is written as a new version; the current one stays "
                    "in the history."
                ).format(version),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return None
        try:
            restored = self.registry.restore_service(
                self.service_id, version, base_version=self.current_version
            )
        except ConflictError as exc:
            self.reload()  # the list now shows their version
            self.message_label.setText(
                self.tr(
                    "Nothing was restored: the list now shows the latest version. Restore "
                    "version {} again if you still want it."
                ).format(version)
                + "\n"
                + exc.localized(self.language)
            )
            return None
        except CapaCityMetroError as exc:
            self.message_label.setText(exc.localized(self.language))
            return None
        self.reload()
        self.message_label.setText(
            self.tr("Version {} restored as version {}.").format(version, self.current_version)
        )
        if self.on_restored is not None:
            self.on_restored(restored)
        return restored
