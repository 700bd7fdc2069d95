"""The "Translations" part of the service form: a service's name and description in more languages.

The panel lists the translations of the service being edited and adds, edits and removes one
through the core (``Registry.set_translation`` / ``remove_translation``), on a registry GeoPackage
and on a PostGIS registry alike.

Each translation is written **at once**, by the panel's own "Save translation", not with the
form's Save. The form's Save only puts the service's fields into the layer's edit buffer; the
translations live in another table that QGIS does not buffer, so holding them until the layer is
committed would lose them whenever the form is left, the layer rolled back or QGIS closed
(QGIS asks about unsaved layer edits, not about ours). Written at once, a saved translation
cannot be lost, and since a translation does not change the service's ``row_version`` it never
makes the later save of the layer a conflict. A translation still being typed is not lost either:
the form's Save writes it first (and stops, showing the core's error, if it is refused), and the
form's Cancel asks before dropping it.
"""

from __future__ import annotations

import re

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin.core.errors import CapaCityMetroError
from capacitymetro_plugin.core.registry import vocabularies as voc
from capacitymetro_plugin.core.registry.model import Translation

from .common import Translatable, user_language

ERROR_STYLE = "color: #b2182b;"
OK_STYLE = "color: #1a7837;"  # dark green
#: right-to-left scripts among the languages operators translate into most (names typed in them
#: are easier to check right-aligned)
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ps", "ur", "yi", "dv", "ku", "prs", "ckb", "pes"})


def _site_languages() -> tuple[str, ...]:
    """The public site's interface languages (bussola), offered first: the translations read most."""
    from capacitymetro_plugin.core.bussola import LANGUAGES

    return tuple(code for code in LANGUAGES if code != "it")


def translations_registry(layer):
    """Return the core registry behind a services layer, writing as the dock's editor, or None.

    On PostGIS the history's ``changed_by`` is the database user (a trigger writes it); the
    translation's own ``editor`` is the dock's editor, as on a GeoPackage.
    """
    from .history_dialog import dock_editor, layer_registry

    registry = layer_registry(layer)
    if registry is not None and not hasattr(registry, "editor"):
        registry.editor = dock_editor()
    return registry


class TranslationsPanel(Translatable, QGroupBox):
    """The translations of one service: the list, and an editor for one of them."""

    changed = pyqtSignal()  # a translation was written or removed

    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("translations")
        self.language = user_language()
        self.registry = None
        self.service_id: str | None = None
        self.current: list[Translation] = []
        self._editing: str | None = None  # the language edited; None while adding
        self._draft_base: tuple[str, str, str, str] | None = None
        self.setTitle(self.tr("Translations"))
        self._build()
        self.set_service(None, None)

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.hint_label = QLabel(
            self.tr(
                "The name and description above are the Italian text. Each translation is "
                'written to the registry at once by "Save translation".'
            )
        )
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("translations_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Language"),
                self.tr("Name"),
                self.tr("Source"),
                self.tr("When"),
                self.tr("Who"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        for col in range(self.COLUMNS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # the dock is narrow: the editor's name is cut (the tooltip has it), not the name
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(4, 100)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(150)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_: self.start_edit())
        layout.addWidget(self.table)

        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add translation"))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.add_button.clicked.connect(lambda: self.start_add())
        self.edit_button.clicked.connect(lambda: self.start_edit())
        self.remove_button.clicked.connect(lambda: self.remove())
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.editor = QWidget()
        form = QFormLayout(self.editor)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("translation_lang")
        self.language_combo.setEditable(True)
        self.language_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._fill_languages()
        # ~7,000 names: sized for a short one, not the longest (the dock must stay narrow)
        self.language_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.language_combo.setMinimumContentsLength(18)
        completer = self.language_combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.language_combo.setToolTip(
            self.tr(
                "Type a few letters of the language or its code (ISO 639-1, else ISO 639-3 "
                "for a language without one, e.g. prs Dari). Italian is the record itself."
            )
        )
        self.language_combo.currentTextChanged.connect(self._on_language)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("translation_name")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("translation_description")
        self.description_edit.setMaximumHeight(60)
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("translation_source")
        self.source_combo.addItem(self.tr("Operator (written or checked by a person)"), "operator")
        self.source_combo.addItem(self.tr("Machine translation (labelled in public)"), "machine")
        self.source_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_combo.setMinimumContentsLength(18)
        form.addRow(self.tr("Language *"), self.language_combo)
        form.addRow(self.tr("Translated name *"), self.name_edit)
        form.addRow(self.tr("Translated description"), self.description_edit)
        form.addRow(self.tr("Source"), self.source_combo)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.save_button = QPushButton(self.tr("Save translation"))
        self.save_button.setToolTip(
            self.tr("Write this translation to the registry now (not through the edit buffer)")
        )
        self.cancel_button.clicked.connect(lambda: self.cancel_draft())
        self.save_button.clicked.connect(lambda: self.save_draft())
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        layout.addWidget(self.editor)

        self.message_label = QLabel()
        self.message_label.setObjectName("translations_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)

    def language_label(self, code: str) -> str:
        """``Arabic (ar)`` / ``Arabo (ar)``; an unknown code as it is."""
        t = voc.language_term(code)
        return f"{t.label(self.language)} ({code})" if t is not None else code

    def _fill_languages(self) -> None:
        """The public site's languages first, then ISO 639-1, then ISO 639-3 (never Italian)."""
        combo = self.language_combo
        site = _site_languages()
        for code in site:
            combo.addItem(self.language_label(code), code)
        combo.insertSeparator(combo.count())

        def by_label(codes):
            return sorted(codes, key=lambda c: self.language_label(c).casefold())

        first = [t.code for t in voc.LANGUAGES if t.code not in site and t.code != "it"]
        for code in by_label(first):
            combo.addItem(self.language_label(code), code)
        combo.insertSeparator(combo.count())
        for code in by_label(voc.LANGUAGES_639_3):
            combo.addItem(self.language_label(code), code)

    # ---------------------------------------------------------------- the service
    def set_service(self, registry, service_id: str | None, *, reason: str = "") -> None:
        """Show the translations of ``service_id`` in ``registry`` (None: the part is disabled,
        ``reason`` says why)."""
        self.registry, self.service_id = registry, service_id
        self._close_editor()
        self.message_label.clear()
        usable = registry is not None and bool(service_id)
        for w in (self.table, self.add_button):
            w.setEnabled(usable)
        if not usable:
            self.current = []
            self._fill()
            self.hint_label.setText(
                reason or self.tr("Translations need a registry GeoPackage or a PostGIS registry.")
            )
            self._update_buttons()
            return
        self.hint_label.setText(
            self.tr(
                "The name and description above are the Italian text. Each translation is "
                'written to the registry at once by "Save translation".'
            )
        )
        self.reload()

    def reload(self) -> bool:
        """Read the service's translations again; False with the core's message on error."""
        if self.registry is None or not self.service_id:
            return False
        try:
            self.current = self.registry.translations(self.service_id)
        except CapaCityMetroError as exc:
            self.current = []
            self._fill()
            self._message(exc.localized(self.language), error=True)
            return False
        self._fill()
        return True

    def _fill(self) -> None:
        from .history_dialog import _when

        sources = {
            "operator": self.tr("operator"),
            "machine": self.tr("machine"),
        }
        self.table.setRowCount(len(self.current))
        for row, t in enumerate(self.current):
            cells = (
                self.language_label(t.lang),
                t.name,
                sources.get(t.source, t.source),
                _when(t.updated_at)[:10] if t.updated_at else "—",  # the time: in the tooltip
                t.editor or "—",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, t.lang)
                if col == 1:
                    item.setToolTip("\n\n".join(p for p in (t.name, t.description) if p))
                if col == 3 and t.updated_at:
                    item.setToolTip(_when(t.updated_at))
                if col == 4:
                    item.setToolTip(text)
                self.table.setItem(row, col, item)
        self._update_buttons()

    def selected_language(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select_language(self, code: str) -> None:
        """Select the row of the ``code`` translation (ValueError if there is none)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == code:
                self.table.selectRow(row)
                return
        raise ValueError(f"no {code!r} translation listed")

    def _update_buttons(self) -> None:
        usable = self.registry is not None and bool(self.service_id)
        editing = self.editor.isVisibleTo(self)
        selected = self.selected_language() is not None
        self.add_button.setEnabled(usable and not editing)
        self.edit_button.setEnabled(usable and selected and not editing)
        self.remove_button.setEnabled(usable and selected and not editing)

    def _message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message_label.setText(text)

    # ---------------------------------------------------------------- the editor
    def start_add(self) -> None:
        """Open the editor on a new translation (the first site language not translated yet)."""
        if self.registry is None or not self.service_id:
            return
        have = {t.lang for t in self.current}
        code = next((c for c in _site_languages() if c not in have), _site_languages()[0])
        self._open_editor(None, Translation(service_id=self.service_id, lang=code, name=""))

    def start_edit(self, lang: str | None = None) -> None:
        """Open the editor on the ``lang`` translation (default: the selected one)."""
        lang = self.selected_language() if lang is None else lang
        found = next((t for t in self.current if t.lang == lang), None)
        if found is None:
            return
        self._open_editor(found.lang, found)

    def _open_editor(self, editing: str | None, t: Translation) -> None:
        self._editing = editing
        self.message_label.clear()
        index = self.language_combo.findData(t.lang)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)
        else:
            self.language_combo.setEditText(t.lang)
        self.language_combo.setEnabled(editing is None)  # the language is the row's key
        self.name_edit.setText(t.name or "")
        self.description_edit.setPlainText(t.description or "")
        self.source_combo.setCurrentIndex(max(self.source_combo.findData(t.source), 0))
        self._draft_base = self._draft()
        self.editor.setVisible(True)
        self._on_language()
        self._update_buttons()
        self.name_edit.setFocus()

    def _close_editor(self) -> None:
        self._editing, self._draft_base = None, None
        self.editor.setVisible(False)
        self._update_buttons()

    def draft_language(self) -> str:
        """The language code chosen or typed in the editor (checked by the core, not here)."""
        combo = self.language_combo
        text = combo.currentText().strip()
        index = combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0 and combo.itemData(index):
            return str(combo.itemData(index))
        match = re.search(r"\(([A-Za-z]{2,3})\)\s*$", text)  # "Arabo (ar)" typed in full
        return (match.group(1) if match else text).lower()

    def _draft(self) -> tuple[str, str, str, str]:
        return (
            self.draft_language(),
            self.name_edit.text().strip(),
            self.description_edit.toPlainText().strip(),
            str(self.source_combo.currentData()),
        )

    def is_dirty(self) -> bool:
        """True while the editor holds something not written yet (a new or changed text)."""
        if not self.editor.isVisibleTo(self) or self._draft_base is None:
            return False
        now = self._draft()
        if self._editing is None:  # adding: only typed text counts, not the language shown
            return bool(now[1] or now[2])
        return now != self._draft_base

    def _on_language(self, *_args) -> None:
        direction = (
            Qt.LayoutDirection.RightToLeft
            if self.draft_language() in RTL_LANGUAGES
            else Qt.LayoutDirection.LeftToRight
        )
        for w in (self.name_edit, self.description_edit):
            w.setLayoutDirection(direction)

    def save_draft(self) -> Translation | None:
        """Write the translation in the editor through the core; None (and the core's message,
        in the user's language) when it is refused: nothing is written then."""
        if self.registry is None or not self.service_id:
            return None
        lang, name, description, source = self._draft()
        if self._editing is None and any(t.lang == lang for t in self.current):
            self._message(
                self.tr(
                    "The service already has a translation in {}: select it in the list and "
                    'click "Edit".'
                ).format(self.language_label(lang)),
                error=True,
            )
            return None
        try:
            stored = self.registry.set_translation(
                self.service_id, lang, name=name, description=description or None, source=source
            )
        except CapaCityMetroError as exc:
            self._message(exc.localized(self.language), error=True)
            return None
        except Exception as exc:  # noqa: BLE001 - a slot must show, never raise
            self._message(
                self.tr("The translation could not be written: {}").format(exc), error=True
            )
            return None
        self._close_editor()
        self.reload()
        self.select_language(stored.lang)
        self._message(self.tr("Translation in {} saved.").format(self.language_label(stored.lang)))
        self.changed.emit()
        return stored

    def cancel_draft(self) -> None:
        """Close the editor without writing."""
        self._close_editor()
        self.message_label.clear()

    def remove(self, lang: str | None = None, *, confirm: bool = True) -> bool:
        """Remove the ``lang`` translation (default: the selected one) through the core."""
        lang = self.selected_language() if lang is None else lang
        if self.registry is None or not self.service_id or not lang:
            return False
        if (
            confirm
            and QMessageBox.question(
                self,
                self.tr("Remove translation"),
                self.tr("Remove the translation in {}? It stays in the history.").format(
                    self.language_label(lang)
                ),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return False
        try:
            self.registry.remove_translation(self.service_id, lang)
        except CapaCityMetroError as exc:
            self.reload()
            self._message(exc.localized(self.language), error=True)
            return False
        except Exception as exc:  # noqa: BLE001 - a slot must show, never raise
            self._message(
                self.tr("The translation could not be removed: {}").format(exc), error=True
            )
            return False
        self.reload()
        self._message(self.tr("Translation in {} removed.").format(self.language_label(lang)))
        self.changed.emit()
        return True
