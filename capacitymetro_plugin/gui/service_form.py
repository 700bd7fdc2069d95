"""The form that adds or edits one service, validating every field as the user types.

The form never touches the layer: it holds values and says whether they are valid. The dock turns
a valid form into one edit command on the layer's edit buffer (so undo and roll-back work).
"""

from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
)
from qgis.gui import QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin.core.registry import vocabularies as voc
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.validation import validate_services

from . import checks
from .common import Translatable, checked_codes, code_list, set_checked_codes, user_language
from .translations_panel import TranslationsPanel

ERROR_STYLE = "color: #b2182b;"  # dark red, readable on light and in greyscale
WARNING_STYLE = "color: #8c510a;"  # dark brown: needs attention, does not block Save

# (field, kind) in the order shown; labels are in _labels() so pylupdate5 sees literal strings.
TEXT_FIELDS = (
    "name",
    "description",
    "organization_id",
    "operator_type",
    "sectors",
    "target_groups",
    "languages",
    "opening_hours",
    "capacity",
    "phone",
    "email",
    "website",
    "address",
    "postcode",
    "comune_istat",
    "comune_name",
    "location_privacy",
    "status",
    "last_verified",
    "contact_name",
    "internal_notes",
    "source_url",
)


class ServiceForm(Translatable, QWidget):
    """Fields of one service, with an error label under each and Save disabled while invalid."""

    saved = pyqtSignal()
    canceled = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = user_language()
        self.layer_crs = QgsCoordinateReferenceSystem("EPSG:4326")
        self.widgets: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._build()
        self.clear()

    # ---------------------------------------------------------------- building
    def _labels(self) -> dict[str, str]:
        return {
            "name": self.tr("Name *"),
            "description": self.tr("Description"),
            "organization_id": self.tr("Organization"),
            "operator_type": self.tr("Operator type"),
            "sectors": self.tr("Sectors *"),
            "target_groups": self.tr("Target groups"),
            "languages": self.tr("Languages (ISO 639-1)"),
            "opening_hours": self.tr("Opening hours"),
            "capacity": self.tr("Capacity (people/week)"),
            "phone": self.tr("Phone"),
            "email": self.tr("E-mail"),
            "website": self.tr("Website"),
            "address": self.tr("Address"),
            "postcode": self.tr("Postcode"),
            "comune_istat": self.tr("Comune ISTAT code"),
            "comune_name": self.tr("Comune"),
            "location_privacy": self.tr("Public location"),
            "status": self.tr("Status"),
            "last_verified": self.tr("Last verified"),
            "contact_name": self.tr("Contact person (private)"),
            "internal_notes": self.tr("Internal notes (private)"),
            "source_url": self.tr("Source URL"),
            "location": self.tr("Location"),
        }

    def _privacy_choices(self) -> list[tuple[str, str]]:
        return [
            ("exact", self.tr("Exact point")),
            ("approximate", self.tr("Approximate (a ~1 km area)")),
            ("hidden", self.tr("Hidden (contact channel only)")),
        ]

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold;")
        outer.addWidget(self.title_label)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.form_layout = QFormLayout(body)
        self.form_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        labels = self._labels()
        placeholders = {
            "languages": "it;en;fr;ar",
            "opening_hours": "Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30",
            "target_groups": "adults;women;asylum_seekers",
            "email": "info@example.org",
            "website": "https://",
            "source_url": "https://",
            "comune_istat": "072006",
            "last_verified": "YYYY-MM-DD",
        }
        for field in TEXT_FIELDS:
            if field == "sectors":
                widget = code_list(voc.SECTORS, self.language)
                widget.setMaximumHeight(150)
                widget.itemChanged.connect(self.validate)
            elif field in ("operator_type", "status"):
                widget = QComboBox()
                vocabulary = voc.OPERATOR_TYPES if field == "operator_type" else voc.STATUSES
                if field == "operator_type":
                    widget.addItem(self.tr("(not stated)"), "")
                for t in vocabulary:
                    widget.addItem(t.label(self.language), t.code)
                widget.currentIndexChanged.connect(self.validate)
            elif field == "organization_id":
                # filled by set_organizations (the dock reads the registry's organizations)
                widget = QComboBox()
                # long organization names must not widen the dock's form (no sideways scroll)
                widget.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                widget.setMinimumContentsLength(20)
                widget.addItem(self.tr("(none)"), "")
                widget.setToolTip(
                    self.tr('New organizations: "Organizations and sheets…" in the dock')
                )
                widget.currentIndexChanged.connect(self.validate)
            elif field == "location_privacy":
                # what public outputs (bussola, public HSDS, public maps) show of the place
                widget = QComboBox()
                for code, label in self._privacy_choices():
                    widget.addItem(label, code)
                widget.currentIndexChanged.connect(self.validate)
            elif field in ("description", "internal_notes"):
                widget = QPlainTextEdit()
                widget.setMaximumHeight(60)
                widget.textChanged.connect(self.validate)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(placeholders.get(field, ""))
                widget.textChanged.connect(self.validate)
            widget.setObjectName(field)
            self.widgets[field] = widget
            self._add_row(field, labels[field], widget)
        # location: x, y, CRS (a map click fills them in the layer's CRS)
        loc = QWidget()
        row = QHBoxLayout(loc)
        row.setContentsMargins(0, 0, 0, 0)
        self.x_edit = QLineEdit()
        self.x_edit.setPlaceholderText(self.tr("x / longitude"))
        self.y_edit = QLineEdit()
        self.y_edit.setPlaceholderText(self.tr("y / latitude"))
        self.crs_widget = QgsProjectionSelectionWidget()
        self.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
        for w in (self.x_edit, self.y_edit):
            w.textChanged.connect(self.validate)
            row.addWidget(w)
        outer_loc = QWidget()
        col = QVBoxLayout(outer_loc)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(loc)
        col.addWidget(self.crs_widget)
        self.location_hint = QLabel(self.tr("Click on the map or type coordinates."))
        self.location_hint.setWordWrap(True)
        col.addWidget(self.location_hint)
        self._add_row("location", labels["location"], outer_loc)
        # name and description in more languages: written by the core at once (see the panel)
        self.translations = TranslationsPanel()
        self.form_layout.addRow(self.translations)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setToolTip(
            self.tr("Put the changes in the layer's edit buffer (undoable)")
        )
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.save_button.clicked.connect(self._on_save)
        self.cancel_button.clicked.connect(lambda: self._on_cancel())
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)

    def _add_row(self, field: str, label: str, widget: QWidget) -> None:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(1)
        col.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"{field}_error")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        col.addWidget(error)
        self.error_labels[field] = error
        self.form_layout.addRow(label, box)

    # ---------------------------------------------------------------- values
    def clear(self) -> None:
        """Empty every field (new service: status active, verified today)."""
        self.set_values({"status": "active", "last_verified": dt.date.today().isoformat()}, None)

    def set_values(self, values: dict, location: QgsPointXY | None) -> None:
        """Fill the form from ``values`` (field -> str/None) and a location in the layer's CRS."""
        for field, widget in self.widgets.items():
            value = values.get(field)
            text = "" if value is None else str(value)
            widget.blockSignals(True)
            if field == "sectors":
                # codes outside the vocabulary are kept (checked, by their code); the validation
                # flags them until the user unchecks them
                set_checked_codes(widget, voc.SECTORS, checks.split_codes(text))
            elif field == "organization_id":
                self._select_organization(text)
            elif isinstance(widget, QComboBox):
                base = {
                    "status": len(voc.STATUSES),
                    "location_privacy": len(self._privacy_choices()),
                }.get(field, len(voc.OPERATOR_TYPES) + 1)
                if field == "location_privacy" and not text:
                    text = "exact"  # empty = exact (storage.py)
                while widget.count() > base:
                    widget.removeItem(widget.count() - 1)
                index = widget.findData(text)
                if index < 0 and text:  # a value outside the vocabulary: shown, kept, flagged
                    widget.addItem(text, text)
                    index = widget.count() - 1
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)
            else:
                widget.setText(text)
            widget.blockSignals(False)
        self.crs_widget.setCrs(self.layer_crs)
        self.set_location(location, self.layer_crs)
        self.validate()

    def set_organizations(self, organizations: dict[str, str]) -> None:
        """Offer ``organizations`` (id -> name) in the Organization field, keeping its value."""
        self._organizations = dict(organizations)
        current = self.widgets["organization_id"].currentData() or ""
        self._select_organization(current)

    def _select_organization(self, key: str) -> None:
        combo = self.widgets["organization_id"]
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("(none)"), "")
        names = getattr(self, "_organizations", {})
        for org_id, name in sorted(names.items(), key=lambda kv: kv[1].lower()):
            combo.addItem(name or org_id, org_id)
        index = combo.findData(key)
        if index < 0 and key:  # an id with no organization row: shown, kept
            combo.addItem(self.tr("{} (not in the registry)").format(key), key)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def set_location(
        self, point: QgsPointXY | None, crs: QgsCoordinateReferenceSystem | None = None
    ) -> None:
        """Show ``point`` (in ``crs``, default the layer's) in the coordinate fields."""
        if crs is not None:
            self.crs_widget.setCrs(crs)
        decimals = 7 if self.crs_widget.crs().isGeographic() else 2
        self.x_edit.setText("" if point is None else f"{point.x():.{decimals}f}")
        self.y_edit.setText("" if point is None else f"{point.y():.{decimals}f}")
        self.validate()

    def values(self) -> dict:
        """Return field -> text (None for empty), as stored in the layer."""
        out = {}
        for field, widget in self.widgets.items():
            if field == "sectors":
                text = ";".join(checked_codes(widget))
            elif isinstance(widget, QComboBox):
                text = widget.currentData() or ""
            elif isinstance(widget, QPlainTextEdit):
                text = widget.toPlainText().strip()
            else:
                text = widget.text().strip()
            if field == "languages":
                text = ";".join(checks.split_codes(text))
            out[field] = text or None
        return out

    def location(self) -> QgsPointXY | None:
        """Return the typed/clicked location transformed to the layer's CRS (None if empty)."""
        x, y = self.x_edit.text().strip(), self.y_edit.text().strip()
        if not x or not y or checks.check_coordinate(x, y):
            return None
        point = QgsPointXY(float(x.replace(",", ".")), float(y.replace(",", ".")))
        crs = self.crs_widget.crs()
        if crs.isValid() and crs != self.layer_crs:
            transform = QgsCoordinateTransform(crs, self.layer_crs, QgsProject.instance())
            point = transform.transform(point)
        return point

    # ---------------------------------------------------------------- validation
    def check(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return (errors, warnings), each field -> message. Errors block Save; warnings don't."""
        v = self.values()
        found = {
            "name": checks.check_name(v["name"] or ""),
            "sectors": checks.check_sectors(checks.split_codes(v["sectors"])),
            "languages": checks.check_languages(self.widgets["languages"].text()),
            "opening_hours": checks.check_opening_hours(v["opening_hours"] or ""),
            "capacity": checks.check_capacity(v["capacity"] or ""),
            "email": checks.check_email(v["email"] or ""),
            "phone": checks.check_phone(v["phone"] or ""),
            "website": checks.check_url(v["website"] or ""),
            "source_url": checks.check_url(v["source_url"] or ""),
            "comune_istat": checks.check_istat(v["comune_istat"] or ""),
            "last_verified": checks.check_date(v["last_verified"] or ""),
            "location": checks.check_coordinate(self.x_edit.text(), self.y_edit.text()),
        }
        errors = {k: m for k, m in found.items() if m}
        warnings = {}
        hours = checks.warn_opening_hours(v["opening_hours"] or "")
        if hours:
            warnings["opening_hours"] = hours
        # the core's record validation has the last word (the same rules as imports and reports)
        core_errors, core_warnings = self._core_check(v, errors)
        for field, message in core_errors.items():
            errors.setdefault(field, message)
        for field, message in core_warnings.items():
            if field not in errors:
                warnings.setdefault(field, message)
        return errors, warnings

    def errors(self) -> dict[str, str]:
        """Return field -> message for every invalid field (empty when the form is valid)."""
        return self.check()[0]

    def warnings(self) -> dict[str, str]:
        """Return field -> message for fields that need attention but do not block Save."""
        return self.check()[1]

    def _core_check(self, v: dict, found: dict[str, str]) -> tuple[dict, dict]:
        lists = {k: checks.split_codes(v[k]) for k in ("sectors", "target_groups", "languages")}
        service = Service(
            name=v["name"] or "",
            **lists,
            capacity=int(v["capacity"]) if v["capacity"] and "capacity" not in found else None,
            **{
                k: v[k]
                for k in TEXT_FIELDS
                if k not in lists and k not in ("name", "capacity") and k in v
            },
        )
        if not service.status:
            service.status = "active"
        point = self.location()
        if point is not None:
            wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
            if self.layer_crs != wgs84:
                point = QgsCoordinateTransform(
                    self.layer_crs, wgs84, QgsProject.instance()
                ).transform(point)
            service.lon, service.lat = point.x(), point.y()
        report = validate_services([service], check_ids=False)
        it = self.language == "it"

        def by_field(issues):
            out = {}
            for i in issues:
                field = "location" if i.field == "geometry" else i.field
                if field in self.error_labels:
                    out.setdefault(field, i.message_it if it else i.message)
            return out

        return by_field(report.errors), by_field(report.warnings)

    def is_valid(self) -> bool:
        return not self.errors()

    def validate(self, *_args) -> bool:
        """Show each field's error (red) or warning (brown) next to it; Save only when valid."""
        errors, warnings = self.check()
        for field, label in self.error_labels.items():
            message = errors.get(field) or warnings.get(field, "")
            label.setStyleSheet(ERROR_STYLE if field in errors else WARNING_STYLE)
            label.setText(message)
            label.setVisible(bool(message))
        self.save_button.setEnabled(not errors)
        return not errors

    def _on_save(self) -> None:
        if self.validate():
            self.saved.emit()

    def _on_cancel(self, *, confirm: bool = True) -> bool:
        """Leave the form; a translation still being typed is dropped only when the user says so."""
        if (
            confirm
            and self.translations.is_dirty()
            and QMessageBox.question(
                self,
                self.tr("Translations"),
                self.tr(
                    'The translation being typed is not saved. Drop it? ("Save translation" '
                    "writes it.)"
                ),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        self.canceled.emit()
        return True
