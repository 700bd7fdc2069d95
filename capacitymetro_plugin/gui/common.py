"""Small helpers shared by the dock and its forms: translation, user language, icons, code lists.

Every user-facing string of the plugin is translated in ONE context, ``CapaCityMetro`` (the same
as the Processing provider), so that subclassing never changes which translation is found.
``scripts/build_translations.sh`` puts every string pylupdate5 finds into that context.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QListWidget, QListWidgetItem

PLUGIN_DIR = Path(__file__).resolve().parent.parent
ICON_PATH = PLUGIN_DIR / "icon.svg"
CONTEXT = "CapaCityMetro"


def tr(text: str) -> str:
    """Translate ``text`` in the plugin's single translation context."""
    return QCoreApplication.translate(CONTEXT, text)


def user_language() -> str:
    """Return the two-letter language of the QGIS user interface ("en" when unknown)."""
    locale = QgsSettings().value("locale/userLocale", "en") or "en"
    return str(locale)[:2].lower()


class Translatable:
    """Mixin that makes ``self.tr`` use the plugin's context instead of the class name."""

    def tr(self, text: str) -> str:  # noqa: D102 - same contract as QObject.tr
        return tr(text)


def code_list(vocabulary, language: str) -> QListWidget:
    """A list of checkable terms of ``vocabulary`` (labels in ``language``, codes as data)."""
    widget = QListWidget()
    for t in vocabulary:
        widget.addItem(_code_item(t.label(language), t.code))
    return widget


def _code_item(label: str, code: str) -> QListWidgetItem:
    item = QListWidgetItem(label)
    item.setData(Qt.ItemDataRole.UserRole, code)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    return item


def set_checked_codes(widget: QListWidget, vocabulary, codes) -> None:
    """Check exactly ``codes``. A code outside ``vocabulary`` is kept, checked, shown by its
    code, so an edit never drops it silently (the caller's validation may flag it)."""
    codes = list(codes)
    while widget.count() > len(vocabulary):
        widget.takeItem(widget.count() - 1)
    known = {t.code for t in vocabulary}
    for code in codes:
        if code not in known:
            widget.addItem(_code_item(code, code))
    for i in range(widget.count()):
        item = widget.item(i)
        checked = item.data(Qt.ItemDataRole.UserRole) in codes
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def checked_codes(widget: QListWidget) -> list[str]:
    """The codes checked in a :func:`code_list`, in the list's order."""
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
