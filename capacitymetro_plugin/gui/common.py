"""Small helpers shared by the dock and its forms: translation, user language, icons.

Every user-facing string of the plugin is translated in ONE context, ``CapaCityMetro`` (the same
as the Processing provider), so that subclassing never changes which translation is found.
``scripts/build_translations.sh`` puts every string pylupdate5 finds into that context.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

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
