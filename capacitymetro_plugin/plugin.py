"""The QGIS plugin object: Processing provider, translations, menu and the registry dock."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

PLUGIN_DIR = Path(__file__).resolve().parent


class CapaCityMetroPlugin:
    """Entry point QGIS creates through ``classFactory``."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None
        self.translator = None
        self.actions: list = []
        self.dock = None
        self._load_translation()

    def _load_translation(self) -> None:
        locale = str(QgsSettings().value("locale/userLocale", "en") or "en")[:2]
        qm = PLUGIN_DIR / "i18n" / f"capacitymetro_{locale}.qm"
        if qm.exists():
            self.translator = QTranslator()
            if self.translator.load(str(qm)):
                QCoreApplication.installTranslator(self.translator)

    # Processing (also called by qgis_process, where there is no GUI)
    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        from .provider.provider import CapaCityMetroProvider

        registry = QgsApplication.processingRegistry()
        # Another instance (a second plugin load, a script) may own the provider already; the
        # registry would reject and delete a duplicate, so only register and own a new one.
        if self.provider is None and registry.providerById("capacitymetro") is None:
            provider = CapaCityMetroProvider()
            if registry.addProvider(provider):
                self.provider = provider

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        self.initProcessing()
        if self.iface is None:
            return
        try:
            from .gui.setup_gui import add_gui
        except ImportError:  # the GUI package is optional for headless use
            return
        add_gui(self)

    def unload(self) -> None:
        if self.iface is not None:
            for action in self.actions:
                self.iface.removePluginMenu("&CapaCityMetro", action)
                self.iface.removeToolBarIcon(action)
            if self.dock is not None:
                self.iface.removeDockWidget(self.dock)
                self.dock.deleteLater()
                self.dock = None
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
