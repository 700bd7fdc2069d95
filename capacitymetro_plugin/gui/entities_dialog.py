"""Organizations and good-practice sheets: create, edit, delete, link to a service, attach a file.

The dock edits services through the layer's edit buffer; these records have no map layer, so the
dialog writes each Save through the core registry (``history_dialog.layer_registry``: the same
GeoPackage or PostGIS registry), one transaction per Save, recorded in the history. A Save sends
only the fields the user changed, so a field someone else changed meanwhile is kept.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin.core.errors import CapaCityMetroError
from capacitymetro_plugin.core.registry import vocabularies as voc
from capacitymetro_plugin.core.registry.model import Organization, Practice
from capacitymetro_plugin.core.registry.validation import attachment_path, web_link

from . import checks
from .common import Translatable, checked_codes, code_list, set_checked_codes, user_language
from .service_form import ERROR_STYLE

ORG_TEXT = ("name", "description", "website", "email", "phone")
PRACTICE_TEXT = ("title", "summary", "place", "comune_istat", "source", "link")


def _text(widget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    return widget.text().strip()


def _set_text(widget, value) -> None:
    text = "" if value is None else str(value)
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    else:
        widget.setText(text)


class EntitiesDialog(Translatable, QDialog):
    """Two tabs, organizations and good-practice sheets, of one registry.

    ``service_id``/``service_name``: the service selected in the dock; the sheets tab then offers
    "linked to this service". ``changed`` is emitted after every write.
    """

    changed = pyqtSignal()

    def __init__(
        self,
        registry,
        *,
        service_id: str | None = None,
        service_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.language = user_language()
        self.registry = registry
        self.service_id = service_id or None
        self.service_name = service_name
        self._org: Organization | None = None  # as loaded: the base of "what the user changed"
        self._practice: Practice | None = None
        self._linked = False
        self.setWindowTitle(self.tr("Organizations and good-practice sheets"))
        self.resize(720, 560)
        self._build()
        self.reload()

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_orgs(), self.tr("Organizations"))
        self.tabs.addTab(self._build_practices(), self.tr("Good-practice sheets"))
        outer.addWidget(self.tabs, 1)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status_label)
        close = QHBoxLayout()
        close.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        close.addWidget(self.close_button)
        outer.addLayout(close)

    def _list_column(self, new_label: str, on_new, on_select) -> tuple[QWidget, QListWidget]:
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        search = QLineEdit()
        search.setPlaceholderText(self.tr("Filter…"))
        search.setClearButtonEnabled(True)
        col.addWidget(search)
        listing = QListWidget()
        listing.itemSelectionChanged.connect(on_select)
        col.addWidget(listing, 1)
        new = QPushButton(new_label)
        new.clicked.connect(lambda: on_new())
        col.addWidget(new)

        def filter_rows(text: str) -> None:
            needle = text.strip().lower()
            for i in range(listing.count()):
                item = listing.item(i)
                item.setHidden(bool(needle) and needle not in item.text().lower())

        search.textChanged.connect(filter_rows)
        return box, listing

    def _build_orgs(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        column, self.org_list = self._list_column(
            self.tr("New organization"), self.new_organization, self._on_org_selected
        )
        row.addWidget(column, 4)
        right = QWidget()
        form = QFormLayout(right)
        self.org_widgets: dict[str, QWidget] = {}
        labels = {
            "name": self.tr("Name *"),
            "operator_type": self.tr("Operator type"),
            "description": self.tr("Description"),
            "website": self.tr("Website"),
            "email": self.tr("E-mail"),
            "phone": self.tr("Phone"),
        }
        for field in ("name", "operator_type", "description", "website", "email", "phone"):
            if field == "operator_type":
                widget = QComboBox()
                widget.addItem(self.tr("(not stated)"), "")
                for t in voc.OPERATOR_TYPES:
                    widget.addItem(t.label(self.language), t.code)
                widget.currentIndexChanged.connect(self._validate_org)
            elif field == "description":
                widget = QPlainTextEdit()
                widget.setMaximumHeight(80)
                widget.textChanged.connect(self._validate_org)
            else:
                widget = QLineEdit()
                widget.textChanged.connect(self._validate_org)
                if field == "website":
                    widget.setPlaceholderText("https://")
            widget.setObjectName(f"org_{field}")
            self.org_widgets[field] = widget
            form.addRow(labels[field], widget)
        self.org_error = QLabel()
        self.org_error.setStyleSheet(ERROR_STYLE)
        self.org_error.setWordWrap(True)
        form.addRow(self.org_error)
        buttons = QHBoxLayout()
        self.org_delete_button = QPushButton(self.tr("Delete"))
        self.org_delete_button.setToolTip(
            self.tr("Delete the organization; its services stay, without an organization")
        )
        self.org_delete_button.clicked.connect(lambda: self.delete_organization())
        self.org_save_button = QPushButton(self.tr("Save"))
        self.org_save_button.setToolTip(self.tr("Write the organization in the registry now"))
        self.org_save_button.clicked.connect(lambda: self.save_organization())
        buttons.addWidget(self.org_delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.org_save_button)
        form.addRow(buttons)
        row.addWidget(right, 5)
        return page

    def _build_practices(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        column, self.practice_list = self._list_column(
            self.tr("New sheet"), self.new_practice, self._on_practice_selected
        )
        row.addWidget(column, 4)
        right = QWidget()
        form = QFormLayout(right)
        self.practice_widgets: dict[str, QWidget] = {}
        labels = {
            "title": self.tr("Title *"),
            "summary": self.tr("Summary"),
            "themes": self.tr("Themes"),
            "place": self.tr("Place"),
            "comune_istat": self.tr("Comune ISTAT code"),
            "source": self.tr("Source"),
            "link": self.tr("Link (web address)"),
        }
        for field in ("title", "summary", "themes", "place", "comune_istat", "source", "link"):
            if field == "themes":
                widget = code_list(voc.SECTORS, self.language)
                widget.setMaximumHeight(110)
                widget.itemChanged.connect(self._validate_practice)
            elif field == "summary":
                widget = QPlainTextEdit()
                widget.setMaximumHeight(80)
                widget.textChanged.connect(self._validate_practice)
            else:
                widget = QLineEdit()
                widget.textChanged.connect(self._validate_practice)
                widget.setPlaceholderText(
                    {"link": "https://", "comune_istat": "027042"}.get(field, "")
                )
            widget.setObjectName(f"practice_{field}")
            self.practice_widgets[field] = widget
            form.addRow(labels[field], widget)
        attach_row = QHBoxLayout()
        self.attachment_label = QLabel()
        self.attachment_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name, never markup
        self.attachment_label.setWordWrap(True)
        self.attach_button = QPushButton(self.tr("Attach file…"))
        self.attach_button.clicked.connect(lambda: self.choose_attachment())
        self.open_attachment_button = QPushButton(self.tr("Open"))
        self.open_attachment_button.clicked.connect(lambda: self.open_attachment())
        self.remove_attachment_button = QPushButton(self.tr("Remove"))
        self.remove_attachment_button.setToolTip(
            self.tr("The sheet no longer points to the file; the file stays in the folder")
        )
        self.remove_attachment_button.clicked.connect(lambda: self.remove_attachment())
        attach_row.addWidget(self.attachment_label, 1)
        attach_row.addWidget(self.attach_button)
        attach_row.addWidget(self.open_attachment_button)
        attach_row.addWidget(self.remove_attachment_button)
        form.addRow(self.tr("Attachment"), attach_row)
        self.link_check = QCheckBox()
        self.link_check.toggled.connect(self._validate_practice)
        form.addRow(self.link_check)
        self.practice_error = QLabel()
        self.practice_error.setStyleSheet(ERROR_STYLE)
        self.practice_error.setWordWrap(True)
        form.addRow(self.practice_error)
        buttons = QHBoxLayout()
        self.practice_delete_button = QPushButton(self.tr("Delete"))
        self.practice_delete_button.setToolTip(
            self.tr("Delete the sheet and its links to services (an attached file stays)")
        )
        self.practice_delete_button.clicked.connect(lambda: self.delete_practice())
        self.practice_save_button = QPushButton(self.tr("Save"))
        self.practice_save_button.setToolTip(self.tr("Write the sheet in the registry now"))
        self.practice_save_button.clicked.connect(lambda: self.save_practice())
        buttons.addWidget(self.practice_delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.practice_save_button)
        form.addRow(buttons)
        row.addWidget(right, 5)
        return page

    # ---------------------------------------------------------------- reading
    def _call(self, action):
        """Run a core call; a refusal is shown in the status line (bilingual), never raised."""
        try:
            result = action()
        except CapaCityMetroError as exc:
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(exc.localized(self.language))
            return None
        except OSError as exc:
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.status_label.setText(self.tr("The file cannot be read or written: {}").format(exc))
            return None
        return True if result is None else result

    def _say(self, text: str) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    def reload(self, *, org_id: str | None = None, practice_id: str | None = None) -> None:
        """Read both lists from the registry; keep (or move to) the given selections."""
        state = self._call(self.registry.load)
        if state is None:
            self._organizations, self._practices, self._links = {}, {}, set()
        else:
            self._organizations = dict(state.organizations)
            self._practices = dict(state.practices)
            self._links = set(state.links)
        org_id = org_id or (self._org.organization_id if self._org else None)
        practice_id = practice_id or (self._practice.practice_id if self._practice else None)
        self._fill(self.org_list, {k: o.name for k, o in self._organizations.items()}, org_id)
        titles = {}
        for k, p in self._practices.items():
            linked = self.service_id and (self.service_id, k) in self._links
            titles[k] = ("✓ " if linked else "") + p.title + (f" — {p.place}" if p.place else "")
        self._fill(self.practice_list, titles, practice_id)
        if self.org_list.currentRow() < 0:
            self.new_organization()
        if self.practice_list.currentRow() < 0:
            self.new_practice()

    @staticmethod
    def _fill(listing: QListWidget, titles: dict[str, str], current: str | None) -> None:
        listing.blockSignals(True)
        listing.clear()
        for key, title in sorted(titles.items(), key=lambda kv: kv[1].lstrip("✓ ").lower()):
            item = QListWidgetItem(title)
            item.setToolTip(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            listing.addItem(item)
            if key == current:
                listing.setCurrentItem(item)
        listing.blockSignals(False)
        if listing.currentItem() is not None:
            listing.itemSelectionChanged.emit()

    def organization_ids(self) -> list[str]:
        return [
            self.org_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.org_list.count())
        ]

    def practice_ids(self) -> list[str]:
        return [
            self.practice_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.practice_list.count())
        ]

    def select_organization(self, organization_id: str) -> bool:
        for i in range(self.org_list.count()):
            if self.org_list.item(i).data(Qt.ItemDataRole.UserRole) == organization_id:
                self.org_list.setCurrentRow(i)
                return True
        return False

    def select_practice(self, practice_id: str) -> bool:
        for i in range(self.practice_list.count()):
            if self.practice_list.item(i).data(Qt.ItemDataRole.UserRole) == practice_id:
                self.practice_list.setCurrentRow(i)
                return True
        return False

    # ---------------------------------------------------------------- organizations
    def _on_org_selected(self) -> None:
        item = self.org_list.currentItem()
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        org = self._organizations.get(key)
        if org is not None:
            self._show_org(org)

    def new_organization(self) -> None:
        """Empty the form for a new organization (written at Save)."""
        self.org_list.blockSignals(True)
        self.org_list.clearSelection()
        self.org_list.setCurrentRow(-1)
        self.org_list.blockSignals(False)
        self._show_org(None)
        self.org_widgets["name"].setFocus()

    def _show_org(self, org: Organization | None) -> None:
        self._org = org
        for field in ORG_TEXT:
            widget = self.org_widgets[field]
            widget.blockSignals(True)
            _set_text(widget, getattr(org, field) if org else None)
            widget.blockSignals(False)
        combo = self.org_widgets["operator_type"]
        combo.blockSignals(True)
        code = (org.operator_type if org else None) or ""
        index = combo.findData(code)
        if index < 0:  # a code outside the vocabulary: shown and kept
            combo.addItem(code, code)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        self.org_delete_button.setEnabled(org is not None)
        self._validate_org()

    def org_values(self) -> dict:
        out = {f: _text(self.org_widgets[f]) or None for f in ORG_TEXT}
        out["operator_type"] = self.org_widgets["operator_type"].currentData() or None
        return out

    def org_errors(self) -> list[str]:
        v = self.org_values()
        found = [
            checks.check_name(v["name"] or ""),
            checks.check_url(v["website"] or ""),
            checks.check_email(v["email"] or ""),
            checks.check_phone(v["phone"] or ""),
        ]
        return [m for m in found if m]

    def _validate_org(self, *_args) -> bool:
        errors = self.org_errors()
        self.org_error.setText("\n".join(errors))
        self.org_save_button.setEnabled(not errors)
        return not errors

    def save_organization(self) -> str | None:
        """Write the form: a new organization, or only the fields changed since it was read."""
        if not self._validate_org():
            return None
        values = self.org_values()
        if self._org is None:
            org = self._call(lambda: self.registry.add_organization(Organization(**values)))
            if org is None:
                return None
            key = org.organization_id
            self._say(self.tr('Organization "{}" added.').format(org.name))
        else:
            key = self._org.organization_id
            changes = {k: v for k, v in values.items() if v != (getattr(self._org, k) or None)}
            if (
                changes
                and self._call(lambda: self.registry.update_organization(key, **changes)) is None
            ):
                return None
            self._say(self.tr('Organization "{}" saved.').format(values["name"]))
        self.reload(org_id=key)
        self.changed.emit()
        return key

    def delete_organization(self, *, confirm: bool = True) -> bool:
        if self._org is None:
            return False
        org = self._org
        if confirm and not self._confirm_org_delete(org):
            return False
        if self._call(lambda: self.registry.delete_organization(org.organization_id)) is None:
            return False
        self._org = None
        self._say(self.tr('Organization "{}" deleted.').format(org.name))
        self.reload()
        self.changed.emit()
        return True

    def _confirm_org_delete(self, org: Organization) -> bool:
        """Ask, saying how many services use ``org`` (read only when asking)."""
        services = self._call(self.registry.services) or []
        n = sum(1 for s in services if s.organization_id == org.organization_id)
        answer = QMessageBox.question(
            self,
            self.tr("Delete organization"),
            self.tr('Delete "{}"? {} services keep running without an organization.').format(
                org.name, n
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    # ---------------------------------------------------------------- practices
    def _on_practice_selected(self) -> None:
        item = self.practice_list.currentItem()
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        practice = self._practices.get(key)
        if practice is not None:
            self._show_practice(practice)

    def new_practice(self) -> None:
        """Empty the form for a new sheet (written at Save)."""
        self.practice_list.blockSignals(True)
        self.practice_list.clearSelection()
        self.practice_list.setCurrentRow(-1)
        self.practice_list.blockSignals(False)
        self._show_practice(None)
        self.practice_widgets["title"].setFocus()

    def _show_practice(self, practice: Practice | None) -> None:
        self._practice = practice
        for field in PRACTICE_TEXT:
            widget = self.practice_widgets[field]
            widget.blockSignals(True)
            _set_text(widget, getattr(practice, field) if practice else None)
            widget.blockSignals(False)
        themes = self.practice_widgets["themes"]
        themes.blockSignals(True)
        set_checked_codes(themes, voc.SECTORS, practice.themes if practice else [])
        first = next(
            (themes.item(i) for i in range(themes.count())
             if themes.item(i).checkState() == Qt.CheckState.Checked),
            None,
        )  # fmt: skip
        themes.scrollToItem(first) if first is not None else themes.scrollToTop()
        themes.blockSignals(False)
        self._linked = bool(
            practice and self.service_id and (self.service_id, practice.practice_id) in self._links
        )
        self.link_check.blockSignals(True)
        self.link_check.setVisible(bool(self.service_id))
        self.link_check.setText(
            self.tr('Linked to the selected service "{}"').format(self.service_name)
        )
        self.link_check.setChecked(self._linked if practice else bool(self.service_id))
        self.link_check.blockSignals(False)
        self.practice_delete_button.setEnabled(practice is not None)
        self._show_attachment()
        self._validate_practice()

    def _show_attachment(self) -> None:
        practice = self._practice
        name = practice.attachment if practice else None
        self.attachment_label.setToolTip(name or "")
        if name:
            ok = self.attachment_path() is not None
            name = name.replace("\\", "/").rsplit("/", 1)[-1]  # the file's name; the path: tooltip
            text = (
                name if ok else self.tr("{} (outside the registry folder: not opened)").format(name)
            )
        else:
            text = self.tr("(none)")
        self.attachment_label.setText(text)
        refusal = self._attach_refusal()
        self.attach_button.setEnabled(practice is not None and not refusal)
        self.attach_button.setToolTip(
            refusal
            or (
                self.tr("Copy a file into the registry's attachments folder and attach it")
                if practice is not None
                else self.tr("Save the new sheet first, then attach its file")
            )
        )
        self.open_attachment_button.setEnabled(self.attachment_path() is not None)
        self.remove_attachment_button.setEnabled(bool(name))

    def _attach_refusal(self) -> str:
        try:
            self.registry.attachments_folder()
        except CapaCityMetroError as exc:
            return exc.localized(self.language)
        return ""

    def attachment_path(self):
        """The attached file of the shown sheet, if it lies inside the registry's folder."""
        if self._practice is None or self._attach_refusal():
            return None
        return attachment_path(self.registry.path.parent, self._practice.attachment)

    def practice_values(self) -> dict:
        out = {f: _text(self.practice_widgets[f]) or None for f in PRACTICE_TEXT}
        out["themes"] = checked_codes(self.practice_widgets["themes"])
        return out

    def practice_errors(self) -> list[str]:
        v = self.practice_values()
        found = [
            checks.check_name(v["title"] or ""),
            checks.check_istat(v["comune_istat"] or ""),
        ]
        if v["link"] and not web_link(v["link"]):
            found.append(self.tr("The link must be a web address (https://…)."))
        return [m for m in found if m]

    def _validate_practice(self, *_args) -> bool:
        errors = self.practice_errors()
        self.practice_error.setText("\n".join(errors))
        self.practice_save_button.setEnabled(not errors)
        return not errors

    def save_practice(self) -> str | None:
        """Write the form (new sheet, or the changed fields) and its link to the selected service."""
        if not self._validate_practice():
            return None
        values = self.practice_values()
        want_link = bool(self.service_id) and self.link_check.isChecked()
        if self._practice is None:
            p = self._call(lambda: self.registry.add_practice(Practice(**values)))
            if p is None:
                return None
            key, was_linked = p.practice_id, False
            message = self.tr('Sheet "{}" added.').format(p.title)
        else:
            key, was_linked = self._practice.practice_id, self._linked
            old = self._practice
            changes = {
                k: v
                for k, v in values.items()
                if (
                    v != (getattr(old, k) or None)
                    if k != "themes"
                    else sorted(v) != sorted(old.themes)
                )
            }
            if (
                changes
                and self._call(lambda: self.registry.update_practice(key, **changes)) is None
            ):
                return None
            message = self.tr('Sheet "{}" saved.').format(values["title"])
        if self.service_id and want_link != was_linked:
            sid = self.service_id
            call = (
                (lambda: self.registry.link(sid, key))
                if want_link
                else (lambda: self.registry.unlink(sid, key))
            )
            if self._call(call) is None:
                self.reload(practice_id=key)
                return None
        self._say(message)
        self.reload(practice_id=key)
        self.changed.emit()
        return key

    def delete_practice(self, *, confirm: bool = True) -> bool:
        if self._practice is None:
            return False
        p = self._practice
        n = sum(1 for _s, k in self._links if k == p.practice_id)
        if (
            confirm
            and QMessageBox.question(
                self,
                self.tr("Delete good-practice sheet"),
                self.tr('Delete "{}" and its {} links to services?').format(p.title, n),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        if self._call(lambda: self.registry.delete_practice(p.practice_id)) is None:
            return False
        self._practice = None
        self._say(self.tr('Sheet "{}" deleted.').format(p.title))
        self.reload()
        self.changed.emit()
        return True

    def choose_attachment(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file to the sheet"))
        return bool(path) and self.attach(path)

    def attach(self, path: str) -> bool:
        """Copy ``path`` into the registry's attachments folder and attach it to the shown sheet."""
        if self._practice is None:
            return False
        key = self._practice.practice_id
        p = self._call(lambda: self.registry.attach_file(key, path))
        if p is None:
            return False
        self._say(self.tr("Attached: {}").format(p.attachment))
        self.reload(practice_id=key)
        self.changed.emit()
        return True

    def remove_attachment(self) -> bool:
        if self._practice is None or not self._practice.attachment:
            return False
        key = self._practice.practice_id
        if self._call(lambda: self.registry.update_practice(key, attachment=None)) is None:
            return False
        self._say(self.tr("The sheet no longer has an attachment (the file stays in the folder)."))
        self.reload(practice_id=key)
        self.changed.emit()
        return True

    def open_attachment(self) -> bool:
        path = self.attachment_path()
        return path is not None and bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
