"""The registry dock: browse, filter, add, edit, locate and delete services of a registry layer.

Every change goes through the layer's edit buffer, one edit command per user action (so the
undo stack and QGIS's own "Undo" work); "Save changes" commits, "Discard changes" rolls back.
Nothing is written to the GeoPackage/PostGIS table before "Save changes".
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsDockWidget, QgsMapCanvas
from qgis.PyQt.QtCore import Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QBrush, QColor, QDesktopServices, QFont
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin.compat import ProviderCapability
from capacitymetro_plugin.core.registry import vocabularies as voc
from capacitymetro_plugin.core.registry.model import now_iso
from capacitymetro_plugin.core.registry.validation import attachment_path, web_link

from . import checks
from .common import Translatable, user_language
from .map_tool import PickPointTool
from .registry_layers import (
    Practice,
    _table_name,
    linked_practices,
    parse_date,
    registry_path,
    services_layers,
    sibling_layer,
    to_python,
    to_qgis,
)
from .service_form import ServiceForm

ALL = "__all__"
LOCATION = "location"  # the merge dialog's pseudo-field of the point
GEOMETRY = "__geometry__"  # a base's stored geometry (not shown)


def _same_value(a, b) -> bool:
    """Whether two stored values are the same; lists kept as "a;b" text in any order are."""
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str) and (";" in a or ";" in b):
        return sorted(x.strip() for x in a.split(";")) == sorted(x.strip() for x in b.split(";"))
    return False


def _same_point(a: QgsPointXY | None, b: QgsPointXY | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a.x() - b.x()) < 1e-12 and abs(a.y() - b.y()) < 1e-12


LIST_FIELDS = (
    "service_id",
    "name",
    "description",
    "address",
    "comune_name",
    "target_groups",
    "phone",
    "email",
    "sectors",
    "languages",
    "operator_type",
    "status",
    "last_verified",
)
SEARCH_FIELDS = (
    "name",
    "description",
    "address",
    "comune_name",
    "target_groups",
    "phone",
    "email",
)


@dataclass
class _Row:
    """One service as the list needs it (read once per layer change, not per keystroke)."""

    fid: int
    values: dict[str, str]
    placed: bool
    haystack: str
    sectors: list[str]
    languages: list[str]
    verified: dt.date | None


def months_ago(today: dt.date, months: int) -> dt.date:
    """Return the date ``months`` calendar months before ``today`` (day clamped to the month)."""
    year, month = divmod(today.year * 12 + (today.month - 1) - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class RegistryDock(Translatable, QgsDockWidget):
    """Dock widget over the ``services`` layer of a registry in the current project."""

    MODE_BROWSE, MODE_ADD, MODE_EDIT, MODE_LOCATE = "browse", "add", "edit", "locate"

    def __init__(
        self,
        canvas: QgsMapCanvas | None = None,
        parent: QWidget | None = None,
        project: QgsProject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CapaCityMetroRegistryDock")
        self.setWindowTitle(self.tr("CapaCityMetro service registry"))
        self.canvas = canvas
        self.project = project or QgsProject.instance()
        self.language = user_language()
        self.layer: QgsVectorLayer | None = None
        self.mode = self.MODE_BROWSE
        self.editing_fid: int | None = None
        self.today = dt.date.today()
        self._previous_tool = None
        self._practices: list[Practice] = []
        self._in_command = False
        self._rows: list[_Row] = []
        self._organizations: dict[str, str] = {}
        self._pending_history = None  # (registry, snapshot, service ids) between commit signals
        # the project's organizations/practices/links layers of this GeoPackage registry, whose
        # QGIS edits the dock records in entity_history: layer id -> (layer, [(signal, slot)])
        self._entity_watch: dict[str, list] = {}
        self._entity_pending: dict[str, tuple] = {}
        # fid -> the stored service as the user started editing it (the merge's "before")
        self._bases: dict[int, dict] = {}
        self._form_start: tuple[dict, QgsPointXY | None] | None = None  # the form as opened
        self._merge_notes: list[str] = []  # what the last save merged without asking
        self._build()
        self.pick_tool = (
            PickPointTool(canvas, self.handle_map_click, self.cancel_pick) if canvas else None
        )
        if self.pick_tool is not None:
            # owned by the dock: deleting the dock deletes the tool, which unsets itself
            # from the canvas (no dangling map tool after the plugin is unloaded)
            self.pick_tool.setParent(self)
        self.project.layersAdded.connect(self.refresh_layers)
        self.project.layersRemoved.connect(self.refresh_layers)
        self.refresh_layers()

    # ================================================================ building
    def _build(self) -> None:
        self.stack = QStackedWidget()
        self.setWidget(self.stack)
        browse = QWidget()
        layout = QVBoxLayout(browse)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Registry layer")))
        self.layer_combo = QComboBox()
        self.layer_combo.currentIndexChanged.connect(self._on_layer_combo)
        top.addWidget(self.layer_combo, 1)
        layout.addLayout(top)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search name, address, comune, description…"))
        self.search_edit.setClearButtonEnabled(True)
        # typing waits for a pause before filtering (a registry can hold thousands of services)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.refresh_list)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        layout.addWidget(self.search_edit)

        grid = QGridLayout()
        self.sector_combo = QComboBox()
        self.operator_combo = QComboBox()
        self.language_combo = QComboBox()
        self.comune_combo = QComboBox()
        self.status_combo = QComboBox()
        self.sector_combo.addItem(self.tr("All sectors"), ALL)
        for t in voc.SECTORS:
            self.sector_combo.addItem(t.label(self.language), t.code)
        self.operator_combo.addItem(self.tr("All operators"), ALL)
        for t in voc.OPERATOR_TYPES:
            self.operator_combo.addItem(t.label(self.language), t.code)
        self.status_combo.addItem(self.tr("Any status"), ALL)
        for t in voc.STATUSES:
            self.status_combo.addItem(t.label(self.language), t.code)
        self.language_combo.addItem(self.tr("All languages"), ALL)
        self.comune_combo.addItem(self.tr("All comuni"), ALL)
        self.stale_check = QCheckBox(self.tr("Not verified for"))
        self.stale_months = QSpinBox()
        self.stale_months.setRange(1, 120)
        self.stale_months.setValue(12)
        self.stale_months.setSuffix(self.tr(" months"))
        grid.addWidget(self.sector_combo, 0, 0)
        grid.addWidget(self.operator_combo, 0, 1)
        grid.addWidget(self.language_combo, 1, 0)
        grid.addWidget(self.comune_combo, 1, 1)
        grid.addWidget(self.status_combo, 2, 0)
        stale = QHBoxLayout()
        stale.addWidget(self.stale_check)
        stale.addWidget(self.stale_months, 1)
        grid.addLayout(stale, 2, 1)
        for combo in (
            self.sector_combo,
            self.operator_combo,
            self.language_combo,
            self.comune_combo,
            self.status_combo,
        ):
            combo.currentIndexChanged.connect(self.refresh_list)
        self.stale_check.toggled.connect(self.refresh_list)
        self.stale_months.valueChanged.connect(self.refresh_list)
        layout.addLayout(grid)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Comune"), self.tr("Sectors"), self.tr("Verified")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # the name gets the room; sectors keep a fixed width (full list in the tooltip)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(2, 150)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.itemDoubleClicked.connect(lambda *_: self.start_edit())
        splitter.addWidget(self.table)

        details = QWidget()
        dl = QVBoxLayout(details)
        dl.setContentsMargins(0, 0, 0, 0)
        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(True)
        dl.addWidget(self.details, 3)
        dl.addWidget(QLabel(self.tr("Good-practice sheets")))
        self.practice_list = QListWidget()
        self.practice_list.setMaximumHeight(80)
        self.practice_list.itemSelectionChanged.connect(self._update_buttons)
        self.practice_list.itemDoubleClicked.connect(lambda *_: self.open_sheet())
        dl.addWidget(self.practice_list)
        self.open_sheet_button = QPushButton(self.tr("Open sheet"))
        self.open_sheet_button.clicked.connect(lambda: self.open_sheet())
        self.history_button = QPushButton(self.tr("History…"))
        self.history_button.setToolTip(
            self.tr("Who changed the selected service, when and what; restore an earlier version")
        )
        self.history_button.clicked.connect(lambda: self.open_history())
        self.verified_button = QPushButton(self.tr("Verified today"))
        self.verified_button.setToolTip(
            self.tr(
                "The selected service was checked today: its last verified date becomes today "
                "(a candidate to verify becomes active). Save changes to write it."
            )
        )
        self.verified_button.clicked.connect(lambda: self.mark_verified())
        self.entities_button = QPushButton(self.tr("Organizations and sheets…"))
        self.entities_button.setToolTip(
            self.tr(
                "Create and edit organizations and good-practice sheets, link sheets to the "
                "selected service, attach files"
            )
        )
        self.entities_button.clicked.connect(lambda: self.open_entities())
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.open_sheet_button, 1)
        sheet_row.addWidget(self.entities_button)
        sheet_row.addWidget(self.verified_button)
        sheet_row.addWidget(self.history_button)
        dl.addLayout(sheet_row)
        splitter.addWidget(details)
        splitter.setSizes([260, 300])
        layout.addWidget(splitter, 1)

        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        edit_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setToolTip(self.tr("Add a service: fill the form and click on the map"))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.locate_button = QPushButton(self.tr("Set location"))
        self.locate_button.setToolTip(self.tr("Click on the map to place the selected service"))
        self.address_button = QPushButton(self.tr("Locate from address"))
        self.address_button.setToolTip(
            self.tr(
                "Place the selected service from its address, with a local OpenStreetMap extract"
            )
        )
        self.delete_button = QPushButton(self.tr("Delete"))
        for b, slot in (
            (self.add_button, self.start_add),
            (self.edit_button, self.start_edit),
            (self.locate_button, self.start_set_location),
            (self.address_button, self.locate_from_address),
            (self.delete_button, self.delete_selected),
        ):
            b.clicked.connect(lambda _=False, s=slot: s())
            edit_row.addWidget(b)
        layout.addLayout(edit_row)

        save_row = QHBoxLayout()
        self.undo_button = QPushButton(self.tr("Undo"))
        self.save_button = QPushButton(self.tr("Save changes"))
        self.discard_button = QPushButton(self.tr("Discard changes"))
        self.undo_button.clicked.connect(lambda: self.undo())
        self.save_button.clicked.connect(lambda: self.save_changes())
        self.discard_button.clicked.connect(lambda: self.discard_changes())
        for b in (self.undo_button, self.save_button, self.discard_button):
            save_row.addWidget(b)
        layout.addLayout(save_row)

        io_row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import…"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.import_button.clicked.connect(lambda: self.import_dialog())
        self.export_button.clicked.connect(lambda: self.export_dialog())
        self.publish_button = QPushButton(self.tr("Publish bussola…"))
        self.publish_button.setToolTip(
            self.tr("Write the public web site of the saved registry (protected places respected)")
        )
        self.publish_button.clicked.connect(lambda: self.publish_dialog())
        io_row.addWidget(self.import_button)
        io_row.addWidget(self.export_button)
        io_row.addWidget(self.publish_button)
        layout.addLayout(io_row)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.stack.addWidget(browse)

        self.form = ServiceForm()
        self.form.saved.connect(lambda: self.apply_form())
        self.form.canceled.connect(self.close_form)
        self.stack.addWidget(self.form)

    # ================================================================ layers
    def refresh_layers(self, *_args) -> None:
        """Fill the layer combo with the project's services layers, keeping the current one."""
        self._watch_entity_layers()
        current = self.layer.id() if self.layer is not None and self._alive(self.layer) else None
        layers = services_layers(self.project)
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for lyr in layers:
            self.layer_combo.addItem(lyr.name(), lyr.id())
        index = self.layer_combo.findData(current) if current else (0 if layers else -1)
        self.layer_combo.setCurrentIndex(max(index, 0) if layers else -1)
        self.layer_combo.blockSignals(False)
        chosen = self.project.mapLayer(self.layer_combo.currentData()) if layers else None
        if chosen is not self.layer or chosen is None:
            self.set_layer(chosen)

    @staticmethod
    def _alive(layer) -> bool:
        try:
            layer.id()
            return True
        except RuntimeError:  # the C++ layer was deleted
            return False

    def _on_layer_combo(self, _index: int) -> None:
        self.set_layer(self.project.mapLayer(self.layer_combo.currentData()))

    def set_layer(self, layer: QgsVectorLayer | None) -> None:
        """Work on ``layer`` (a services layer), or on nothing."""
        if self.layer is not None and self._alive(self.layer):
            for signal in (
                self.layer.layerModified,
                self.layer.editingStarted,
                self.layer.editingStopped,
                self.layer.afterRollBack,
            ):
                try:
                    signal.disconnect(self._on_layer_changed)
                except TypeError:
                    pass
            for signal, slot in self._history_signals(self.layer):
                try:
                    signal.disconnect(slot)
                except TypeError:
                    pass
        self.layer = layer
        self._pending_history = None
        self._watch_entity_layers()
        if layer is not None:
            for signal in (
                layer.layerModified,
                layer.editingStarted,
                layer.editingStopped,
                layer.afterRollBack,
            ):
                signal.connect(self._on_layer_changed)
            for signal, slot in self._history_signals(layer):
                signal.connect(slot)
            self.form.layer_crs = layer.crs()
            index = self.layer_combo.findData(layer.id())
            if index >= 0 and index != self.layer_combo.currentIndex():
                self.layer_combo.blockSignals(True)
                self.layer_combo.setCurrentIndex(index)
                self.layer_combo.blockSignals(False)
        self.close_form()
        self._on_layer_changed()

    def _on_layer_changed(self, *_args) -> None:
        if self._in_command:
            return
        self._reload()
        self.refresh_filter_values()
        self.refresh_list()

    # ================================================================ list and filters
    def _reload(self) -> None:
        """Read the layer once (edit buffer included) into plain rows for filtering and listing."""
        self._rows = []
        self._organizations = {}
        if self.layer is None:
            return
        orgs = sibling_layer(self.layer, "organizations")
        if orgs is not None and {"organization_id", "name"} <= set(orgs.fields().names()):
            for f in orgs.getFeatures():
                key = to_python(f["organization_id"])
                if key:
                    self._organizations[str(key)] = str(to_python(f["name"]) or "")
        self.form.set_organizations(self._organizations)
        names = set(self.layer.fields().names())
        wanted = [f for f in LIST_FIELDS if f in names]
        request = QgsFeatureRequest().setSubsetOfAttributes(wanted, self.layer.fields())
        for f in self.layer.getFeatures(request):
            values = {k: "" for k in LIST_FIELDS}
            for k in wanted:
                value = to_python(f[k])
                values[k] = "" if value is None else str(value)
            self._rows.append(
                _Row(
                    fid=f.id(),
                    values=values,
                    placed=f.hasGeometry() and not f.geometry().isEmpty(),
                    haystack=" ".join(values[k] for k in SEARCH_FIELDS).lower(),
                    sectors=checks.split_codes(values["sectors"]),
                    languages=checks.split_codes(values["languages"]),
                    verified=parse_date(values["last_verified"]),
                )
            )

    def refresh_filter_values(self) -> None:
        """Offer the languages and comuni present in the layer."""
        languages, comuni = set(), set()
        for row in self._rows:
            languages.update(row.languages)
            if row.values["comune_name"]:
                comuni.add(row.values["comune_name"])
        names = {t.code: t.label(self.language) for t in getattr(voc, "LANGUAGES", ())}
        self._refill(
            self.language_combo,
            [(names.get(c, c) + f" ({c})" if c in names else c, c) for c in sorted(languages)],
        )
        self._refill(self.comune_combo, [(c, c) for c in sorted(comuni, key=str.lower)])

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for label, data in items:
            combo.addItem(label, data)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def set_filter(
        self,
        *,
        search: str | None = None,
        sector: str | None = None,
        operator_type: str | None = None,
        language: str | None = None,
        comune: str | None = None,
        status: str | None = None,
        stale_months: int | None = None,
    ) -> None:
        """Set filters by code (None leaves a filter as it is; "" clears it), as the widgets do."""
        for value, combo in (
            (sector, self.sector_combo),
            (operator_type, self.operator_combo),
            (language, self.language_combo),
            (comune, self.comune_combo),
            (status, self.status_combo),
        ):
            if value is not None:
                index = combo.findData(value or ALL)
                if index < 0:
                    raise ValueError(f"unknown filter value {value!r}")
                combo.setCurrentIndex(index)
        if search is not None:
            self.search_edit.setText(search)
            self._search_timer.stop()
            self.refresh_list()
        if stale_months is not None:
            self.stale_check.setChecked(stale_months > 0)
            if stale_months > 0:
                self.stale_months.setValue(stale_months)

    def matches(self, row: _Row) -> bool:
        """Return True when ``row`` passes the search text and every filter."""
        words = self.search_edit.text().strip().lower().split()
        if words and not all(word in row.haystack for word in words):
            return False
        for combo, codes in (
            (self.sector_combo, row.sectors),
            (self.language_combo, row.languages),
        ):
            code = combo.currentData()
            if code not in (ALL, None) and code not in codes:
                return False
        for combo, field in (
            (self.operator_combo, "operator_type"),
            (self.comune_combo, "comune_name"),
            (self.status_combo, "status"),
        ):
            code = combo.currentData()
            if code not in (ALL, None) and row.values[field] != code:
                return False
        if self.stale_check.isChecked():
            cutoff = months_ago(self.today, self.stale_months.value())
            if row.verified is not None and row.verified >= cutoff:
                return False
        return True

    def filtered_rows(self) -> list[_Row]:
        """Return the rows passing the filters, sorted by name."""
        rows = [r for r in self._rows if self.matches(r)]
        rows.sort(key=lambda r: r.values["name"].lower())
        return rows

    def visible_fids(self) -> list[int]:
        """Return the feature ids listed in the table, in table order."""
        return [
            self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(self.table.rowCount())
        ]

    def visible_service_ids(self) -> list[str]:
        """Return the ``service_id`` of each listed service, in table order."""
        return [
            self.table.item(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(self.table.rowCount())
        ]

    def refresh_list(self, *_args) -> None:
        """Rebuild the table from the rows read from the layer and the filters."""
        selected = self.selected_fid()
        rows = self.filtered_rows()
        self.table.blockSignals(True)
        self.table.setUpdatesEnabled(False)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(rows))
        grey = QBrush(QColor("#666666"))
        italic = QFont()
        italic.setItalic(True)
        unplaced_tip = self.tr('No location yet: select it and click "Set location".')
        labels = {t.code: t.label(self.language) for t in voc.SECTORS}
        for i, row in enumerate(rows):
            sectors = ", ".join(labels.get(code, code) for code in row.sectors)
            cells = (
                row.values["name"],
                row.values["comune_name"],
                sectors,
                row.values["last_verified"][:10] or "—",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.fid)
                    item.setData(Qt.ItemDataRole.UserRole + 1, row.values["service_id"])
                if not row.placed:
                    item.setFont(italic)
                    item.setForeground(grey)
                    item.setToolTip(unplaced_tip)
                elif col == 2:
                    item.setToolTip(text)
                self.table.setItem(i, col, item)
        self.table.setUpdatesEnabled(True)
        self.table.blockSignals(False)
        unplaced_count = sum(1 for r in rows if not r.placed)
        text = self.tr("{} of {} services").format(len(rows), len(self._rows))
        if unplaced_count:
            text += " · " + self.tr("{} without location").format(unplaced_count)
        self.count_label.setText(text)
        if selected is not None and selected in self.visible_fids():
            self.select_fid(selected, zoom=False)
        else:
            self.show_details(None)
        self._update_buttons()

    # ================================================================ selection and details
    def selected_fid(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_fid(self, fid: int, *, zoom: bool = True) -> None:
        """Select service ``fid`` in the table, show its details and (optionally) zoom to it."""
        fids = self.visible_fids()
        if fid not in fids:
            raise ValueError(f"feature {fid} is not in the list (filtered out?)")
        self.table.blockSignals(True)
        self.table.selectRow(fids.index(fid))
        self.table.blockSignals(False)
        self.show_details(fid)
        if zoom:
            self.zoom_to(fid)
        self._update_buttons()

    def _on_selection(self) -> None:
        fid = self.selected_fid()
        self.show_details(fid)
        if fid is not None:
            self.zoom_to(fid)
        self._update_buttons()

    def zoom_to(self, fid: int) -> bool:
        """Centre the canvas on service ``fid`` (about 1 km across) and select it on the layer."""
        if self.layer is None:
            return False
        self.layer.selectByIds([fid])
        feature = self.layer.getFeature(fid)
        if self.canvas is None or not feature.hasGeometry() or feature.geometry().isEmpty():
            return False
        point = feature.geometry().asPoint()
        dest = self.canvas.mapSettings().destinationCrs()
        if dest.isValid() and dest != self.layer.crs():
            point = QgsCoordinateTransform(self.layer.crs(), dest, self.project).transform(point)
        half = 0.005 if (not dest.isValid() or dest.isGeographic()) else 500.0
        self.canvas.setExtent(
            QgsRectangle(point.x() - half, point.y() - half, point.x() + half, point.y() + half)
        )
        self.canvas.refresh()
        return True

    def show_details(self, fid: int | None) -> None:
        """Show the fields and the good-practice sheets of service ``fid``."""
        self.practice_list.clear()
        self._practices = []
        if fid is None or self.layer is None:
            hint = self.tr("Select a service to see its details.")
            self.details.setHtml(f"<i>{html.escape(hint)}</i>")
            return
        f = self.layer.getFeature(fid)
        names = f.fields().names()

        def get(field: str) -> str:
            return str(to_python(f[field]) or "") if field in names else ""

        def label_of(vocabulary, code: str) -> str:
            try:
                return voc.term(vocabulary, code).label(self.language)
            except KeyError:
                return code

        rows = [
            (self.tr("Organization"), self._organizations.get(get("organization_id"), "")),
            (
                self.tr("Sectors"),
                ", ".join(label_of(voc.SECTORS, c) for c in checks.split_codes(get("sectors"))),
            ),
            (
                self.tr("Operator type"),
                label_of(voc.OPERATOR_TYPES, get("operator_type")) if get("operator_type") else "",
            ),
            (self.tr("Target groups"), get("target_groups").replace(";", ", ")),
            (self.tr("Languages"), get("languages").replace(";", ", ")),
            (self.tr("Opening hours"), get("opening_hours")),
            (self.tr("Capacity (people/week)"), get("capacity")),
            (self.tr("Address"), " ".join(p for p in (get("address"), get("postcode")) if p)),
            (
                self.tr("Comune"),
                " ".join(
                    p
                    for p in (
                        get("comune_name"),
                        f"({get('comune_istat')})" if get("comune_istat") else "",
                    )
                    if p
                ),
            ),
            (self.tr("Phone"), get("phone")),
            (self.tr("E-mail"), get("email")),
            (self.tr("Website"), get("website")),
            (self.tr("Status"), label_of(voc.STATUSES, get("status")) if get("status") else ""),
            (self.tr("Last verified"), get("last_verified")),
            (self.tr("Source URL"), get("source_url")),
        ]
        parts = [f"<h3>{html.escape(get('name'))}</h3>"]
        if get("description"):
            parts.append(f"<p>{html.escape(get('description'))}</p>")
        if not f.hasGeometry() or f.geometry().isEmpty():
            message = self.tr('No location yet: click "Set location" and then on the map.')
            parts.append(f"<p style='color:#b2182b'>{html.escape(message)}</p>")
        verified = parse_date(f["last_verified"]) if "last_verified" in names else None
        if verified is None or verified < months_ago(self.today, self.stale_months.value()):
            message = self.tr("Not verified in the last {} months.").format(
                self.stale_months.value()
            )
            parts.append(f"<p style='color:#b2182b'>{html.escape(message)}</p>")
        parts.append("<table>")
        for label, value in rows:
            if not value:
                continue
            shown = html.escape(value)
            if value.startswith(("http://", "https://")):
                shown = f"<a href='{html.escape(value)}'>{shown}</a>"
            elif "@" in value and label == self.tr("E-mail"):
                shown = f"<a href='mailto:{html.escape(value)}'>{shown}</a>"
            parts.append(f"<tr><td><b>{html.escape(label)}</b>&nbsp;</td><td>{shown}</td></tr>")
        parts.append("</table>")
        self.details.setHtml("".join(parts))
        self._practices = linked_practices(self.layer, get("service_id"))
        for p in self._practices:
            item = QListWidgetItem(p.title + (f" — {p.place}" if p.place else ""))
            item.setToolTip(p.summary)
            self.practice_list.addItem(item)
        if self._practices:
            self.practice_list.setCurrentRow(0)

    def sheet_url(self, index: int | None = None) -> QUrl | None:
        """Return the URL of a linked sheet: its link, else its attachment file."""
        if index is None:
            index = self.practice_list.currentRow()
        if index is None or not 0 <= index < len(self._practices):
            return None
        practice = self._practices[index]
        # only http(s) links and files inside the registry's folder (never file:, javascript:...)
        link = web_link(practice.link)
        if link:
            return QUrl(link)
        base = registry_path(self.layer) if self.layer is not None else None
        path = attachment_path(base.parent if base is not None else None, practice.attachment)
        if path is not None:
            return QUrl.fromLocalFile(str(path))
        return None

    def sheet_text(self, index: int | None = None) -> str:
        """Return the sheet itself as HTML (title, place, themes, summary, source)."""
        if index is None:
            index = self.practice_list.currentRow()
        if index is None or not 0 <= index < len(self._practices):
            return ""
        p = self._practices[index]
        themes = []
        for code in checks.split_codes(p.themes):
            try:
                themes.append(voc.term(voc.SECTORS, code).label(self.language))
            except KeyError:
                themes.append(code)
        rows = [
            (self.tr("Place"), p.place),
            (self.tr("Themes"), ", ".join(themes)),
            (self.tr("Source"), p.source),
        ]
        parts = [f"<h3>{html.escape(p.title)}</h3>"]
        if p.summary:
            parts.append(f"<p>{html.escape(p.summary)}</p>")
        parts += [f"<p><b>{html.escape(k)}</b>: {html.escape(v)}</p>" for k, v in rows if v]
        return "".join(parts)

    def open_sheet(self, index: int | None = None, *, show: bool = True) -> bool:
        """Open the selected good-practice sheet: its link or attachment, else the sheet's text."""
        url = self.sheet_url(index)
        if url is not None:
            return bool(QDesktopServices.openUrl(url))
        text = self.sheet_text(index)
        if text and show:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("Good-practice sheet"),
                text,
                QMessageBox.StandardButton.Close,
                self,
            )
            box.setTextFormat(Qt.TextFormat.RichText)
            box.exec()
        return bool(text)

    def _update_buttons(self) -> None:
        has_layer = self.layer is not None
        selected = self.selected_fid() is not None
        editable = has_layer and bool(
            self.layer.dataProvider().capabilities() & ProviderCapability.AddFeatures
        )
        self.add_button.setEnabled(editable)
        for b in (
            self.edit_button, self.locate_button, self.address_button, self.delete_button,
            self.verified_button,
        ):  # fmt: skip
            b.setEnabled(editable and selected)
        modified = has_layer and self.layer.isEditable() and self.layer.isModified()
        self.save_button.setEnabled(bool(modified))
        self.discard_button.setEnabled(bool(has_layer and self.layer.isEditable()))
        self.undo_button.setEnabled(
            bool(has_layer and self.layer.isEditable() and self.layer.undoStack().canUndo())
        )
        self.open_sheet_button.setEnabled(bool(self.sheet_text()))
        fid = self.selected_fid()
        # a service added but not saved yet (negative id) has no history
        self.history_button.setEnabled(
            bool(has_layer and fid is not None and fid >= 0 and self._has_history_backend())
        )
        self.entities_button.setEnabled(bool(has_layer and self._has_history_backend()))
        self.import_button.setEnabled(has_layer)
        self.export_button.setEnabled(has_layer)
        self.publish_button.setEnabled(has_layer)
        if not has_layer:
            self.status_label.setText(
                self.tr(
                    "No registry layer in the project: add the services layer of a registry GeoPackage."
                )
            )
        elif modified:
            self.status_label.setText(
                self.tr(
                    'Unsaved changes: "Save changes" writes them, "Discard changes" drops them.'
                )
            )
        else:
            self.status_label.setText("")

    # ================================================================ editing
    def _service_values(self, fid: int) -> dict:
        f = self.layer.getFeature(fid)
        return {name: to_python(f[name]) for name in f.fields().names()}

    def _show_form(self, title: str) -> None:
        self.form.title_label.setText(title)
        self.stack.setCurrentWidget(self.form)
        self._activate_pick_tool()

    def start_add(self) -> None:
        """Open an empty form for a new service; a map click sets its location."""
        if self.layer is None:
            return
        self.mode, self.editing_fid = self.MODE_ADD, None
        self.form.layer_crs = self.layer.crs()
        self.form.clear()
        self._show_translations(None)
        self._show_form(self.tr("New service"))

    def start_edit(self, fid: int | None = None) -> None:
        """Open the form on service ``fid`` (default: the selected one)."""
        fid = self.selected_fid() if fid is None else fid
        if self.layer is None or fid is None:
            return
        self.mode, self.editing_fid = self.MODE_EDIT, fid
        self.form.layer_crs = self.layer.crs()
        self._remember_base(fid)
        f = self.layer.getFeature(fid)
        point = f.geometry().asPoint() if f.hasGeometry() and not f.geometry().isEmpty() else None
        start = (self._service_values(fid), QgsPointXY(point) if point else None)
        self._form_start = start
        self.form.set_values(*start)
        self._show_translations(fid)
        self._show_form(self.tr("Edit service"))

    def _show_translations(self, fid: int | None) -> None:
        """Point the form's Translations part at service ``fid`` in the registry behind the layer.

        A service not saved yet (new, or added in the edit buffer: a negative id) is not in the
        registry, so it cannot be translated until "Save changes".
        """
        from .translations_panel import translations_registry

        panel = self.form.translations
        if fid is None or fid < 0:
            panel.set_service(
                None,
                None,
                reason=self.tr(
                    'A new service can be translated once it is saved ("Save changes"); then '
                    "edit it again."
                ),
            )
            return
        service_id = to_python(self.layer.getFeature(fid)["service_id"])
        registry = translations_registry(self.layer)
        if registry is None or not service_id:
            panel.set_service(None, None)
            return
        panel.set_service(registry, str(service_id))

    def start_set_location(self, fid: int | None = None) -> None:
        """Wait for a map click that places service ``fid`` (default: the selected one)."""
        fid = self.selected_fid() if fid is None else fid
        if self.layer is None or fid is None:
            return
        self.mode, self.editing_fid = self.MODE_LOCATE, fid
        self._remember_base(fid)
        self.status_label.setText(
            self.tr("Click on the map where the service is (right click to cancel).")
        )
        self._activate_pick_tool()

    def _activate_pick_tool(self) -> None:
        if self.canvas is not None and self.pick_tool is not None:
            if self.canvas.mapTool() is not self.pick_tool:
                self._previous_tool = self.canvas.mapTool()
            self.canvas.setMapTool(self.pick_tool)

    def _release_pick_tool(self) -> None:
        if (
            self.canvas is not None
            and self.pick_tool is not None
            and self.canvas.mapTool() is self.pick_tool
        ):
            if self._previous_tool is not None:
                self.canvas.setMapTool(self._previous_tool)
            else:
                self.canvas.unsetMapTool(self.pick_tool)
        self._previous_tool = None

    def cancel_pick(self) -> None:
        if self.mode == self.MODE_LOCATE:
            self.mode, self.editing_fid = self.MODE_BROWSE, None
            self._release_pick_tool()
            self._update_buttons()

    def canvas_to_layer(self, point: QgsPointXY) -> QgsPointXY:
        """Transform a point from the canvas CRS to the layer CRS."""
        if self.canvas is None or self.layer is None:
            return QgsPointXY(point)
        src = self.canvas.mapSettings().destinationCrs()
        if not src.isValid() or src == self.layer.crs():
            return QgsPointXY(point)
        return QgsCoordinateTransform(src, self.layer.crs(), self.project).transform(point)

    def handle_map_click(self, point: QgsPointXY) -> None:
        """A click on the map (``point`` in the canvas CRS): fill the form or place a service."""
        if self.layer is None:
            return
        layer_point = self.canvas_to_layer(point)
        if self.mode in (self.MODE_ADD, self.MODE_EDIT):
            self.form.set_location(layer_point, self.layer.crs())
        elif self.mode == self.MODE_LOCATE and self.editing_fid is not None:
            fid = self.editing_fid
            self.mode, self.editing_fid = self.MODE_BROWSE, None
            self._release_pick_tool()
            self.set_location(fid, layer_point)

    def _begin(self, text: str) -> None:
        if not self.layer.isEditable() and not self.layer.startEditing():
            raise RuntimeError(self.tr("The layer cannot be edited (read-only source?)."))
        self.layer.beginEditCommand(text)

    def _run_command(self, text: str, action) -> object:
        """Run ``action`` as one edit command; any failure drops the whole command."""
        self._begin(text)
        self._in_command = True  # one list refresh at the end, not one per feature
        try:
            result = action()
        except Exception:
            self.layer.destroyEditCommand()
            raise
        else:
            self.layer.endEditCommand()
        finally:
            self._in_command = False
            self._on_layer_changed()
        return result

    @staticmethod
    def _now() -> str:
        return now_iso()

    def add_service(self, values: dict, location: QgsPointXY | None) -> int:
        """Add a service to the edit buffer; ``location`` in the layer CRS. Return its (temporary) id."""
        fields = self.layer.fields()
        feature = QgsFeature(fields)
        values = dict(values)
        values.setdefault("service_id", None)
        values["service_id"] = values["service_id"] or str(uuid.uuid4())
        values["created_at"] = values["updated_at"] = self._now()
        for name, value in values.items():
            index = fields.indexFromName(name)
            if index >= 0:
                feature.setAttribute(index, to_qgis(value, fields.at(index).type()))
        if location is not None:
            feature.setGeometry(QgsGeometry.fromPointXY(location))

        def action():
            if not self.layer.addFeature(feature):
                raise RuntimeError(self.tr("The layer refused the new service."))
            return feature.id()

        return self._run_command(self.tr("Add service"), action)

    def update_service(
        self,
        fid: int,
        values: dict,
        location: QgsPointXY | None,
        *,
        move: bool = True,
        start: tuple[dict, QgsPointXY | None] | None = None,
    ) -> None:
        """Change the attributes (and, with ``move``, the location) of ``fid`` in one edit command.

        With ``start`` (the form's values and point as it was opened) only what the user changed
        in the form is written: a field someone else saved meanwhile keeps their value.
        """
        fields = self.layer.fields()
        old = self.layer.getFeature(fid)
        if start is not None:
            first, first_point = start
            values = {
                name: value
                for name, value in values.items()
                if name not in fields.names()
                or not _same_value(
                    to_python(to_qgis(value, fields.at(fields.indexFromName(name)).type())),
                    first.get(name),
                )
            }
            move = move and not _same_point(location, first_point)

        def action():
            changed = False
            for name, value in values.items():
                index = fields.indexFromName(name)
                if index < 0 or name in ("fid", "service_id", "created_at", "updated_at"):
                    continue
                new = to_qgis(value, fields.at(index).type())
                if to_python(old[index]) != to_python(new):
                    self.layer.changeAttributeValue(fid, index, new, old[index])
                    changed = True
            if move:
                had = old.hasGeometry() and not old.geometry().isEmpty()
                if location is not None and (
                    not had or QgsPointXY(old.geometry().asPoint()) != location
                ):
                    self.layer.changeGeometry(fid, QgsGeometry.fromPointXY(location))
                    changed = True
                elif location is None and had:
                    self.layer.changeGeometry(fid, QgsGeometry())
                    changed = True
            index = fields.indexFromName("updated_at")
            if changed and index >= 0:
                self.layer.changeAttributeValue(
                    fid, index, to_qgis(self._now(), fields.at(index).type()), old[index]
                )
            if changed:
                self._send_base_version(fid)

        self._run_command(self.tr("Edit service"), action)

    def mark_verified(self, fid: int | None = None) -> None:
        """Record that service ``fid`` (default: the selected one) was checked today: its
        ``last_verified`` becomes today and a candidate ``to_verify`` becomes ``active``; one
        undoable edit, written by "Save changes" (the "not verified for" queue loses it)."""
        fid = self.selected_fid() if fid is None else fid
        if self.layer is None or fid is None:
            return
        self._remember_base(fid)
        values = {"last_verified": self.today.isoformat()}
        if str(to_python(self.layer.getFeature(fid)["status"]) or "") == "to_verify":
            values["status"] = "active"
        self.update_service(fid, values, None, move=False)
        self.status_label.setText(self.tr("Marked as verified today; Save changes to write it."))

    def set_location(self, fid: int, location: QgsPointXY) -> None:
        """Place service ``fid`` at ``location`` (layer CRS), as one undoable command; a point
        placed by a click is "manual" (geocoding never moves it)."""
        self.update_service(fid, {"location_source": "manual"}, location)
        self.refresh_list()

    GEOCODE_EXTRACT_KEY = "capacitymetro/geocode/osm_extract"

    def _geocode_extract(self) -> str | None:
        """The OSM extract chosen before (QgsSettings), or ask for one."""
        settings = QgsSettings()
        path = settings.value(self.GEOCODE_EXTRACT_KEY, "") or ""
        if path and Path(path).is_file():
            return path
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("OpenStreetMap extract of the area (.osm.pbf or .osm)"),
            "",
            self.tr("OpenStreetMap extracts (*.pbf *.osm)"),
        )
        if path:
            settings.setValue(self.GEOCODE_EXTRACT_KEY, path)
        return path or None

    def locate_from_address(self, extract: str | None = None):
        """Place the selected service from its address (one core call, ``locate_address``).

        A point placed by hand is kept; one placed by geocoding may be placed again. Returns the
        core's result (None when nothing was asked).
        """
        from capacitymetro_plugin.core.errors import CapaCityMetroError
        from capacitymetro_plugin.core.registry.geocode import locate_address

        fid = self.selected_fid()
        if self.layer is None or fid is None:
            return None
        values = self._service_values(fid)
        feature = self.layer.getFeature(fid)
        placed = feature.hasGeometry() and not feature.geometry().isEmpty()
        if placed and not str(values.get("location_source") or "").startswith("geocoded:"):
            self.status_label.setText(
                self.tr('Placed by hand: kept. Use "Set location" to move it.')
            )
            return None
        extract = extract or self._geocode_extract()
        if not extract:
            return None
        try:
            result = locate_address(
                values.get("address"), comune=values.get("comune_name"), extract=extract
            )
        except CapaCityMetroError as exc:
            self.status_label.setText(exc.localized(self.language))
            return None
        if not result.found:
            reason = result.reason_it if self.language == "it" else result.reason
            self.status_label.setText(
                self.tr('Not found ({}): click "Set location" and then on the map.').format(reason)
            )
            return result
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        point = QgsPointXY(result.lon, result.lat)
        if self.layer.crs() != wgs84:
            point = QgsCoordinateTransform(wgs84, self.layer.crs(), self.project).transform(point)
        self.update_service(fid, {"location_source": result.source}, point)
        self.refresh_list()
        if result.level == "housenumber":
            text = self.tr("Placed at the house number (score {:.2f}): {}")
        else:
            text = self.tr("Placed on the street, house number not in OSM (score {:.2f}): {}")
        self.status_label.setText(text.format(result.score, result.matched))
        return result

    def delete_service(self, fid: int) -> None:
        """Delete service ``fid`` from the edit buffer."""
        self._remember_base(fid)

        def action():
            if not self.layer.deleteFeature(fid):
                raise RuntimeError(self.tr("The layer refused to delete the service."))

        self._run_command(self.tr("Delete service"), action)

    def delete_selected(self, *, confirm: bool = True) -> bool:
        fid = self.selected_fid()
        if self.layer is None or fid is None:
            return False
        name = to_python(self.layer.getFeature(fid)["name"])
        if (
            confirm
            and QMessageBox.question(
                self,
                self.tr("Delete service"),
                self.tr(
                    'Delete "{}"? You can still undo or discard the change before saving.'
                ).format(name),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        self.delete_service(fid)
        return True

    def apply_form(self) -> int | None:
        """Put a valid form into the edit buffer (add or edit) and go back to the list."""
        if self.layer is None or not self.form.validate():
            return None
        # a translation still being typed is written first; refused, the form stays open
        if self.form.translations.is_dirty() and self.form.translations.save_draft() is None:
            return None
        values, location = self.form.values(), self.form.location()
        if self.mode == self.MODE_ADD:
            fid = self.add_service(values, location)
        elif self.mode == self.MODE_EDIT and self.editing_fid is not None:
            fid = self.editing_fid
            self.update_service(fid, values, location, start=self._form_start)
        else:
            return None
        self.close_form()
        if fid in self.visible_fids():
            self.select_fid(fid, zoom=False)
        return fid

    def close_form(self) -> None:
        self.mode, self.editing_fid = self.MODE_BROWSE, None
        self._form_start = None
        self._release_pick_tool()
        self.stack.setCurrentIndex(0)
        self._update_buttons()

    def undo(self) -> None:
        if self.layer is not None and self.layer.isEditable():
            self.layer.undoStack().undo()
            self.refresh_list()

    def save_changes(self) -> bool:
        """Commit the edit buffer to the data source; on failure keep the edits and say why.

        A service someone else saved after the user started editing it is not written over:
        the merge dialog shows both versions first (:meth:`merge_conflicts`); Cancel there keeps
        the edits unsaved in the layer.
        """
        if self.layer is None or not self.layer.isEditable():
            return True
        self._merge_notes = []
        for _ in range(5):  # someone may save again while the user merges
            conflicts = self.find_conflicts()
            if not conflicts:
                break
            if not self.merge_conflicts(conflicts):
                self.status_label.setText(
                    self.tr("Not saved: your edits are kept in the layer, unsaved.")
                )
                return False
        else:
            self.status_label.setText(
                self.tr("Not saved: the service keeps being changed by someone else; try again.")
            )
            return False
        sent = self._sent_values()
        ok = self.layer.commitChanges()
        if ok:
            self._bases.clear()
        not_written = self._not_written(sent) if ok else []
        if not ok:
            errors = "\n".join(self.layer.commitErrors())
            QMessageBox.warning(
                self,
                self.tr("Save changes"),
                self.tr("The changes could not be saved:") + "\n" + errors,
            )
        self.refresh_list()
        if ok and self._merge_notes:
            self.status_label.setText(" ".join(self._merge_notes))
        if not_written:
            text = self.tr(
                "Not written by the database: {names}. Your role or areas do not allow changing "
                "these services (docs/registry.md, 'Roles and areas')."
            ).format(names=", ".join(not_written))
            self.status_label.setText(text)
            QMessageBox.warning(self, self.tr("Save changes"), text)
            return False
        return ok

    def _sent_values(self) -> dict[int, dict[int, object]]:
        """fid -> {field index: value} of the edited attributes (not new features)."""
        buffer = self.layer.editBuffer() if self.layer is not None else None
        if buffer is None or self.layer.providerType() != "postgres":
            return {}
        skip = {self.layer.fields().indexFromName(n) for n in ("row_version", "updated_at")}
        return {
            fid: {i: to_python(v) for i, v in changes.items() if i not in skip}
            for fid, changes in buffer.changedAttributeValues().items()
            if fid >= 0
        }

    def _not_written(self, sent: dict[int, dict[int, object]]) -> list[str]:
        """Names of the services whose sent values are not what the database now holds: a
        row-level security policy filtered QGIS's UPDATE out (QGIS reports no error for it)."""
        out = []
        for fid, values in sent.items():
            stored = self._stored(fid)
            if stored is None:
                continue
            row = stored[0]
            names = self.layer.fields().names()
            if any(row.get(names[i]) != v for i, v in values.items()):
                out.append(str(row.get("name") or fid))
        return out

    def discard_changes(self) -> None:
        """Drop every unsaved change (roll back the edit buffer)."""
        if self.layer is not None and self.layer.isEditable():
            self.layer.rollBack()
        self._bases.clear()
        self.close_form()
        self.refresh_list()

    # ================================================================ someone else saved first
    #: fields the merge does not show (kept by the registry itself)
    _MERGE_SKIP = (
        "fid", "ogc_fid", "row_version", "updated_at", "created_at", "service_id", GEOMETRY,
    )  # fmt: skip

    def _stored(self, fid: int) -> tuple[dict, QgsGeometry] | None:
        """The service ``fid`` as stored now (read from the data source, not the edit buffer)."""
        request = QgsFeatureRequest().setFilterFid(fid)
        for f in self.layer.dataProvider().getFeatures(request):
            return self._feature_values(f), QgsGeometry(f.geometry())
        return None

    @staticmethod
    def _feature_values(f) -> dict:
        values = {name: to_python(f[name]) for name in f.fields().names()}
        geom = f.geometry() if f.hasGeometry() else None
        if geom is None or geom.isEmpty():
            values[LOCATION] = None
        else:
            p = geom.asPoint()
            values[LOCATION] = f"{p.x():.6f}, {p.y():.6f}"
        return values

    def _remember_base(self, fid: int | None) -> None:
        """Keep the stored version of ``fid`` the user starts from (once per edit buffer)."""
        if self.layer is None or fid is None or fid < 0 or fid in self._bases:
            return
        stored = self._stored(fid)
        if stored is not None:
            self._bases[fid] = {**stored[0], GEOMETRY: stored[1]}

    def _send_base_version(self, fid: int) -> None:
        """On PostGIS, put the row version the edit started from in the edit buffer: the
        database refuses it if the row moved on meanwhile (see docs/dock.md)."""
        base = self._bases.get(fid)
        index = self.layer.fields().indexFromName("row_version")
        if self.layer.providerType() != "postgres" or base is None or index < 0:
            return
        current = self.layer.getFeature(fid)[index]
        if to_python(current) != base.get("row_version"):
            self.layer.changeAttributeValue(fid, index, base.get("row_version"), current)

    def find_conflicts(self) -> list[tuple[int, dict, tuple[dict, QgsGeometry] | None]]:
        """The edited services someone else saved after the user started from them:
        ``(fid, base, stored or None when deleted)``."""
        buffer = self.layer.editBuffer() if self.layer is not None else None
        if buffer is None:
            return []
        fids = set(buffer.changedAttributeValues().keys())
        fids |= set(buffer.changedGeometries().keys())
        fids |= set(buffer.deletedFeatureIds())
        out = []
        for fid in sorted(fids):
            base = self._bases.get(fid)
            if base is None:
                continue
            stored = self._stored(fid)
            if stored is None:
                out.append((fid, base, None))
            elif "row_version" in base:
                if stored[0].get("row_version") != base.get("row_version"):
                    out.append((fid, base, stored))
            elif stored[0] != {k: v for k, v in base.items() if k != GEOMETRY}:  # no version
                out.append((fid, base, stored))
        return out

    def _last_editor(self, service_id) -> str:
        from .history_dialog import layer_registry

        try:
            history = layer_registry(self.layer).service_history(str(service_id))
            return str(history[-1].get("changed_by") or "") if history else ""
        except Exception:  # noqa: BLE001 - only the message's "who"
            return ""

    def _merge_value_text(self, field: str, value) -> str:
        from .history_dialog import _value, value_names

        names = getattr(self, "_merge_names", None)
        if names is None:
            names = self._merge_names = value_names(self.language)
        if field in names and isinstance(value, str) and ";" in value:
            value = [v.strip() for v in value.split(";") if v.strip()]  # codes by their labels
        return _value(value, names.get(field), full=True)  # the whole text: the user decides

    def merge_conflicts(self, conflicts) -> bool:
        """Show each conflict in the merge dialog and put the merged values in the edit buffer
        (on top of the stored version). False when the user cancels (nothing is changed)."""
        from .merge_dialog import MergeDialog

        deleted = set(self.layer.editBuffer().deletedFeatureIds())
        for fid, base, stored in conflicts:
            name = str(base.get("name") or "")
            if stored is None:
                QMessageBox.warning(
                    self,
                    self.tr("Save changes"),
                    self.tr(
                        "{name} was deleted by someone else after you started editing it. Your "
                        "edits are kept unsaved: discard them, or restore the service from its "
                        "history first."
                    ).format(name=name),
                )
                return False
            theirs, their_geom = stored
            who = self._last_editor(base.get("service_id"))
            if fid in deleted:
                answer = QMessageBox.question(
                    self,
                    self.tr("Save changes"),
                    self.tr(
                        "{name} was changed by {who} after you deleted it. Delete their newer "
                        "version too?"
                    ).format(name=name, who=who or self.tr("someone else")),
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                self._bases[fid] = {**theirs, GEOMETRY: their_geom}
                continue
            yours, your_geom = self._yours(fid, base)
            keep = [k for k in theirs if k not in self._MERGE_SKIP]
            both = [
                k for k in keep
                if yours.get(k) != base.get(k) and theirs[k] != base.get(k) and yours.get(k) != theirs[k]
            ]  # fmt: skip
            if not both:  # they changed other fields than the user: only the user's are written
                theirs_changed = [k for k in keep if theirs[k] != base.get(k)]
                labels = self.form._labels()
                self._merge_notes.append(
                    self.tr(
                        "{who} saved this service meanwhile ({fields}): your changes are saved on "
                        "top of theirs."
                    ).format(
                        who=who or self.tr("Someone else"),
                        fields=", ".join((labels.get(k) or k).rstrip(" *") for k in theirs_changed),
                    )
                )
                self._bases[fid] = {**theirs, GEOMETRY: their_geom}
                self._send_base_version(fid)
                continue
            dialog = MergeDialog(
                name,
                {k: base.get(k) for k in keep},
                {k: theirs[k] for k in keep},
                {k: yours.get(k) for k in keep},
                who=who,
                version=theirs.get("row_version"),
                labels={**self.form._labels(), LOCATION: self.tr("Location")},
                show=self._merge_value_text,
                parent=self,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            choices = dialog.choices()

            def action(fid=fid, theirs=theirs, yours=yours, choices=choices):
                fields = self.layer.fields()
                for field, side in choices.items():
                    if field == LOCATION:
                        geom = their_geom if side == "theirs" else your_geom  # noqa: B023
                        self.layer.changeGeometry(fid, QgsGeometry(geom))
                        continue
                    index = fields.indexFromName(field)
                    target = theirs[field] if side == "theirs" else yours[field]
                    current = self.layer.getFeature(fid)[index]
                    if to_python(current) != target:
                        new = to_qgis(target, fields.at(index).type())
                        self.layer.changeAttributeValue(fid, index, new, current)

            self._run_command(self.tr("Merge with the saved version"), action)
            self._bases[fid] = {**theirs, GEOMETRY: their_geom}  # the merge starts from theirs
            self._send_base_version(fid)
        return True

    def _yours(self, fid: int, base: dict) -> tuple[dict, QgsGeometry]:
        """The user's version of ``fid``: what the edit buffer changed, the rest as it was when
        the user started (not as someone else saved it since)."""
        buffer = self.layer.editBuffer()
        changed = buffer.changedAttributeValues().get(fid, {})
        names = self.layer.fields().names()
        yours = {k: v for k, v in base.items() if k != GEOMETRY}
        for index, value in changed.items():
            yours[names[index]] = to_python(value)
        geom = base.get(GEOMETRY) or QgsGeometry()
        if fid in buffer.changedGeometries():
            f = self.layer.getFeature(fid)
            geom = QgsGeometry(f.geometry())
            yours[LOCATION] = self._feature_values(f)[LOCATION]
        return yours, geom

    # ================================================================ history
    def _history_signals(self, layer: QgsVectorLayer) -> list:
        return [
            (layer.beforeCommitChanges, self._before_commit),
            (layer.afterCommitChanges, self._after_commit),
            (layer.afterRollBack, self._forget_commit),
        ]

    ENTITY_TABLES = ("organizations", "practices", "service_practices")

    def _watch_entity_layers(self) -> None:
        """Record QGIS's own edits of the registry's organizations, practices and links layers.

        A GeoPackage has no triggers: while the dock works on a registry GeoPackage, a commit of
        one of those layers of the project (QGIS's attribute table, the digitizing toolbar) is
        recorded in ``entity_history`` like the dock's own (``Registry.record_entity_edits``).
        """
        from qgis.PyQt import sip

        for other, connections in list(self._entity_watch.values()):
            if sip.isdeleted(other):  # removed from the project: its signals went with it
                continue
            for signal, slot in connections:
                try:
                    signal.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
        self._entity_watch, self._entity_pending = {}, {}
        path = (
            registry_path(self.layer)
            if self.layer is not None and self._alive(self.layer)
            else None
        )
        if path is None or path.suffix.lower() != ".gpkg":
            return
        for other in self.project.mapLayers().values():
            if (
                not isinstance(other, QgsVectorLayer)
                or other.providerType() != "ogr"
                or _table_name(other) not in self.ENTITY_TABLES
                or registry_path(other) != path
            ):
                continue
            layer_id = other.id()
            connections = [
                (other.beforeCommitChanges, lambda *_a, i=layer_id: self._before_entity_commit(i)),
                (other.afterCommitChanges, lambda *_a, i=layer_id: self._after_entity_commit(i)),
                (other.afterRollBack, lambda *_a, i=layer_id: self._entity_pending.pop(i, None)),
            ]
            for signal, slot in connections:
                signal.connect(slot)
            self._entity_watch[layer_id] = (other, connections)

    def _before_entity_commit(self, layer_id: str) -> None:
        from .history_dialog import layer_registry

        self._entity_pending.pop(layer_id, None)
        registry = layer_registry(self.layer) if self.layer is not None else None
        if registry is None:
            return
        try:
            self._entity_pending[layer_id] = (registry, registry.snapshot())
        except Exception as exc:  # noqa: BLE001 - a slot must never raise inside QGIS's commit
            self._history_failed(exc)

    def _after_entity_commit(self, layer_id: str) -> None:
        pending = self._entity_pending.pop(layer_id, None)
        if pending is None:
            return
        registry, before = pending
        try:
            registry.record_entity_edits(before)
        except Exception as exc:  # noqa: BLE001 - the edit is saved; only its entry is missing
            self._history_failed(exc)
            return
        self._on_layer_changed()  # the organization names or the linked sheets may have changed
        self.show_details(self.selected_fid())

    def _has_history_backend(self) -> bool:
        if self.layer is None:
            return False
        if self.layer.providerType() == "postgres":
            return True
        path = registry_path(self.layer)
        return path is not None and path.suffix.lower() == ".gpkg"

    def _edited_service_ids(self) -> set[str]:
        """The service ids of the features the edit buffer adds, changes or deletes."""
        buffer = self.layer.editBuffer()
        if buffer is None:
            return set()
        ids: set[str] = set()
        fids = set(buffer.changedAttributeValues().keys())
        fids |= set(buffer.changedGeometries().keys())
        fids |= set(buffer.deletedFeatureIds())
        if fids and "service_id" in self.layer.fields().names():
            request = QgsFeatureRequest().setFilterFids(sorted(fids))
            for f in self.layer.dataProvider().getFeatures(request):  # as saved
                ids.add(str(to_python(f["service_id"]) or ""))
            for fid in fids:
                f = self.layer.getFeature(fid)  # as edited (a changed id counts too)
                if f.isValid():
                    ids.add(str(to_python(f["service_id"]) or ""))
        for f in buffer.addedFeatures().values():
            ids.add(str(to_python(f["service_id"]) or ""))
        ids.discard("")
        return ids

    def _before_commit(self, *_args) -> None:
        """QGIS is about to write the edits of a GeoPackage: keep the rows as they were.

        A GeoPackage has no triggers, so the dock records what QGIS writes (PostGIS records it
        itself). Runs for commits from QGIS's own toolbar too, while this layer is the dock's.
        """
        self._pending_history = None
        if registry_path(self.layer) is None:
            return
        from .history_dialog import layer_registry

        registry = layer_registry(self.layer)
        if registry is None:
            return
        try:
            ids = self._edited_service_ids()
            if ids:
                self._pending_history = (registry, registry.snapshot(), ids)
        except Exception as exc:  # noqa: BLE001 - a slot must never raise inside QGIS's commit
            self._history_failed(exc)

    def _after_commit(self, *_args) -> None:
        pending, self._pending_history = self._pending_history, None
        if pending is None:
            return
        registry, before, ids = pending
        try:
            registry.record_edits(before, ids)
        except Exception as exc:  # noqa: BLE001 - the edit is saved; only its entry is missing
            self._history_failed(exc)

    def _forget_commit(self, *_args) -> None:
        self._pending_history = None

    def _history_failed(self, exc: Exception) -> None:
        from capacitymetro_plugin.core.errors import CapaCityMetroError

        reason = exc.localized(self.language) if isinstance(exc, CapaCityMetroError) else str(exc)
        self.status_label.setText(
            self.tr("Saved, but the change could not be written in the history: {}").format(reason)
        )

    def _restore_wait(self) -> str:
        """Why a restore must wait (unsaved edits would be written over it), or ""."""
        if self.layer is not None and self.layer.isEditable() and self.layer.isModified():
            return self.tr(
                'The layer has unsaved changes: "Save changes" or "Discard changes" first, then '
                "restore."
            )
        return ""

    def open_history(self, fid: int | None = None, *, show: bool = True):
        """Open the history of service ``fid`` (default: the selected one); return the dialog."""
        from .history_dialog import HistoryDialog, layer_registry

        fid = self.selected_fid() if fid is None else fid
        if self.layer is None or fid is None:
            return None
        registry = layer_registry(self.layer)
        service_id = to_python(self.layer.getFeature(fid)["service_id"])
        if registry is None or not service_id:
            self.status_label.setText(
                self.tr(
                    "History needs a registry GeoPackage or a PostGIS registry (its services table)."
                )
            )
            return None
        dialog = HistoryDialog(
            registry,
            str(service_id),
            labels=self.form._labels(),
            can_restore=self._restore_wait,
            on_restored=self._after_restore,
            parent=self,
        )
        if show:
            dialog.exec()
        return dialog

    def open_entities(self, *, show: bool = True):
        """Open the organizations and good-practice sheets of the registry; return the dialog.

        The sheets tab links sheets to the selected service (if it is saved already).
        """
        from .entities_dialog import EntitiesDialog
        from .history_dialog import layer_registry

        registry = layer_registry(self.layer) if self.layer is not None else None
        if registry is None:
            self.status_label.setText(
                self.tr(
                    "Organizations and sheets need a registry GeoPackage or a PostGIS registry "
                    "(its services table)."
                )
            )
            return None
        fid = self.selected_fid()
        service_id, name = None, ""
        if fid is not None and fid >= 0:  # a service added but not saved is not in the core yet
            f = self.layer.getFeature(fid)
            service_id = to_python(f["service_id"])
            name = str(to_python(f["name"]) or "")
        dialog = EntitiesDialog(registry, service_id=service_id, service_name=name, parent=self)
        dialog.changed.connect(self._after_entities)
        if show:
            dialog.exec()
        return dialog

    def _after_entities(self) -> None:
        """Organizations or sheets were written by the core: show them as stored now."""
        if self.layer is None:
            return
        for table in ("organizations", "practices", "service_practices"):
            other = sibling_layer(self.layer, table)
            if other is not None and QgsProject.instance().mapLayer(other.id()) is not None:
                other.dataProvider().reloadData()
        fid = self.selected_fid()
        self._on_layer_changed()
        if fid is not None:
            self.select_fid(fid, zoom=False)

    def _after_restore(self, service) -> None:
        """A version was written by the core: read the layer again and keep the service selected."""
        if self.layer is None:
            return
        self.layer.dataProvider().reloadData()
        self.layer.triggerRepaint()
        self._on_layer_changed()
        for row in self._rows:
            if row.values["service_id"] == service.service_id and row.fid in self.visible_fids():
                self.select_fid(row.fid, zoom=False)
                break

    # ================================================================ import / export
    def import_dialog(self) -> None:
        from .exchange import import_dialog

        import_dialog(self)

    def export_dialog(self) -> None:
        from .exchange import export_dialog

        export_dialog(self)

    def publish_dialog(self) -> None:
        from .exchange import publish_dialog

        publish_dialog(self)
