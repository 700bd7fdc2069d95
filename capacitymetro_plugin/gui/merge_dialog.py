"""When someone else saved first: both versions of a service side by side, merged field by field.

The dock opens this dialog when "Save changes" finds that a service in its edit buffer was saved
by someone else after the user started editing it (its ``row_version`` moved on). Each field
that differs between the stored version ("theirs") and the user's ("yours") is a row, with the
value both started from ("before"):

- changed only by them: their value is chosen;
- changed only by you: your value is chosen;
- changed by both to different values: a **conflict**, highlighted, chosen by nobody: "Save
  merged" waits until each conflict has a choice.

"Save merged" gives the dock the choices (:meth:`MergeDialog.choices`), which it writes on top of
their version; Cancel writes nothing and keeps the user's edits unsaved in the layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .common import Translatable

CONFLICT_COLOUR = QColor("#ffe4b3")  # amber: both changed (text stays black: contrast 17:1)

#: the pseudo-field of the service's point
LOCATION = "location"


@dataclass
class MergeRow:
    """One field of the merge: the three values as shown, whether it is a conflict, the choice."""

    field: str
    label: str
    base: str
    theirs: str
    yours: str
    conflict: bool
    choice: str | None  # "theirs", "yours" or None (a conflict not decided yet)


def differing_fields(base: dict, theirs: dict, yours: dict) -> list[str]:
    """The fields whose stored value (``theirs``) and the user's (``yours``) differ, in order."""
    return [name for name in theirs if name in yours and theirs[name] != yours[name]]


class MergeDialog(Translatable, QDialog):
    """Merge the user's edits of one service with the version someone else saved.

    Parameters
    ----------
    name
        The service's name (title).
    base, theirs, yours
        Field -> value (Python values, the point as text under :data:`LOCATION`): the version the
        user started from, the stored one, the user's.
    who, version
        Who saved theirs and its row version (for the message; ``who`` may be "").
    labels
        Field -> label (the service form's).
    show
        Field -> value as text (codes by their labels).
    """

    def __init__(
        self,
        name: str,
        base: dict,
        theirs: dict,
        yours: dict,
        *,
        who: str = "",
        version: int | None = None,
        labels: dict[str, str] | None = None,
        show=None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CapaCityMetroMergeDialog")
        self.setWindowTitle(self.tr("Someone else saved this service"))
        self.resize(820, 420)
        self.labels = dict(labels or {})
        self.show_value = show or (lambda field, value: "—" if value in (None, "") else str(value))
        self._rows: list[MergeRow] = []
        self._groups: dict[str, QButtonGroup] = {}
        for field in differing_fields(base, theirs, yours):
            mine_changed = yours[field] != base.get(field)
            theirs_changed = theirs[field] != base.get(field)
            conflict = mine_changed and theirs_changed
            choice = None if conflict else ("yours" if mine_changed else "theirs")
            self._rows.append(
                MergeRow(
                    field,
                    (self.labels.get(field) or field).rstrip(" *"),
                    self.show_value(field, base.get(field)),
                    self.show_value(field, theirs[field]),
                    self.show_value(field, yours[field]),
                    conflict,
                    choice,
                )
            )
        self._build(name, who, version)
        self._update_buttons()

    def _build(self, name: str, who: str, version: int | None) -> None:
        layout = QVBoxLayout(self)
        n = sum(r.conflict for r in self._rows)
        by = who or self.tr("someone else")
        text = self.tr(
            "<b>{name}</b> was saved by {who} (version {version}) after you started editing it. "
            "Nothing has been written yet. For each field, choose the value to keep; "
            "{n} field(s) changed by both of you are highlighted and need your choice."
        ).format(name=name, who=by, version=version if version is not None else "?", n=n)
        self.message_label = QLabel(text)
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.message_label)
        self.table = QTableWidget(len(self._rows), 4)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Field"),
                self.tr("Before"),
                self.tr("Theirs (saved by {who})").format(who=by),
                self.tr("Yours (not saved yet)"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the choices
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        for i, row in enumerate(self._rows):
            label = QTableWidgetItem(("⚠ " if row.conflict else "") + row.label)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            before = QTableWidgetItem(row.base)
            label.setToolTip(self.tr("Changed by both of you") if row.conflict else "")
            before.setFlags(Qt.ItemFlag.ItemIsEnabled)
            before.setToolTip(row.base)
            for item in (label, before):
                item.setTextAlignment(int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft))
            self.table.setItem(i, 0, label)
            self.table.setItem(i, 1, before)
            group = QButtonGroup(self)
            group.setExclusive(True)
            for col, side, value in ((2, "theirs", row.theirs), (3, "yours", row.yours)):
                cell = QWidget()
                box = QHBoxLayout(cell)
                box.setContentsMargins(4, 2, 4, 2)
                button = QRadioButton()
                button.setObjectName(f"{row.field}:{side}")
                button.setToolTip(value)
                text = QLabel(value)
                text.setWordWrap(True)
                text.setBuddy(button)
                text.mousePressEvent = lambda _e, b=button: b.setChecked(True)
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                box.addWidget(text, 1, Qt.AlignmentFlag.AlignTop)
                button.setAccessibleName(
                    self.tr("{field}: keep {side}").format(
                        field=row.label,
                        side=self.tr("theirs") if side == "theirs" else self.tr("yours"),
                    )
                )
                group.addButton(button)
                button.setChecked(row.choice == side)
                button.toggled.connect(
                    lambda on, r=row, s=side: on and self._chosen(r, s)  # noqa: B023
                )
                self.table.setCellWidget(i, col, cell)
            self._groups[row.field] = group
            if row.conflict:
                for col in (0, 1):
                    self.table.item(i, col).setBackground(QBrush(CONFLICT_COLOUR))
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.all_theirs_button = QPushButton(self.tr("Keep all theirs"))
        self.all_theirs_button.clicked.connect(lambda: self._choose_all("theirs"))
        self.all_yours_button = QPushButton(self.tr("Keep all mine"))
        self.all_yours_button.clicked.connect(lambda: self._choose_all("yours"))
        self.save_button = QPushButton(self.tr("Save merged"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.accept)
        self.cancel_button = QPushButton(self.tr("Cancel (keep my edits unsaved)"))
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.all_theirs_button)
        buttons.addWidget(self.all_yours_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def _fit_rows(self) -> None:
        """Rows tall enough for the wrapped values at the columns' widths of now."""
        self.table.resizeRowsToContents()
        for i in range(self.table.rowCount()):
            need = self.table.rowHeight(i)
            for col in (2, 3):
                cell = self.table.cellWidget(i, col)
                if cell is not None and cell.hasHeightForWidth():
                    need = max(need, cell.heightForWidth(self.table.columnWidth(col)) + 2)
            self.table.setRowHeight(i, need)

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._fit_rows()  # the columns have their widths only now

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_rows()

    # ------------------------------------------------------------------ choices
    def _chosen(self, row: MergeRow, side: str) -> None:
        row.choice = side
        self._update_buttons()

    def _choose_all(self, side: str) -> None:
        for row in self._rows:
            self.choose(row.field, side)

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(all(r.choice for r in self._rows))

    def choose(self, field: str, side: str) -> None:
        """Keep ``side`` ("theirs" or "yours") for ``field`` (as a click on its value does)."""
        if side not in ("theirs", "yours"):
            raise ValueError(side)
        button = self.findChild(QRadioButton, f"{field}:{side}")
        if button is None:
            raise KeyError(field)
        button.setChecked(True)

    def rows(self) -> list[MergeRow]:
        """The rows as shown, with their current choices."""
        return list(self._rows)

    def choices(self) -> dict[str, str]:
        """Field -> "theirs" or "yours" (every row; call after "Save merged")."""
        return {r.field: r.choice or "theirs" for r in self._rows}
