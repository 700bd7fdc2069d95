"""The QGIS plugin object: Processing provider, translations, menu and the registry dock."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTimer, QTranslator

from . import deps

PLUGIN_DIR = Path(__file__).resolve().parent
MENU = "&CapaCityMetro"
# Install missing packages at start without asking (batch runs, qgis_process, tests): the
# environment variable, or this QgsSettings key set to true.
AUTO_INSTALL_SETTING = "CapaCityMetro/deps/install_automatically"
_unattended_done = False  # one attempt per QGIS process, however many times the plugin loads


def _log(message: str, level=Qgis.MessageLevel.Info) -> None:
    QgsMessageLog.logMessage(message, "CapaCityMetro", level)


class CapaCityMetroPlugin:
    """Entry point QGIS creates through ``classFactory``."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None
        self.translator = None
        self.actions: list = []
        self.dock = None
        self.deps_action = None
        self.deps_dialog = None
        # Packages the installer put in the profile become importable before anything of ours
        # imports them (deps.activate explains where on sys.path, and why).
        self.deps_folder = deps.deps_dir(QgsApplication.qgisSettingsDirPath())
        deps.activate(self.deps_folder)
        self._load_translation()

    def _load_translation(self) -> None:
        locale = str(QgsSettings().value("locale/userLocale", "en") or "en")[:2]
        qm = PLUGIN_DIR / "i18n" / f"capacitymetro_{locale}.qm"
        if qm.exists():
            self.translator = QTranslator()
            if self.translator.load(str(qm)):
                QCoreApplication.installTranslator(self.translator)

    # --- dependencies -----------------------------------------------------------------------------
    def _install_unattended(self) -> None:
        """Run the installer without a dialog when asked to (see AUTO_INSTALL_SETTING)."""
        global _unattended_done
        wanted = os.environ.get("CAPACITYMETRO_INSTALL_DEPS", "") not in ("", "0") or bool(
            QgsSettings().value(AUTO_INSTALL_SETTING, False, type=bool)
        )
        if not wanted or _unattended_done:
            return
        _unattended_done = True
        from . import deps_install

        def log(line: str) -> None:
            _log(line)
            print(line, file=sys.stderr, flush=True)  # qgis_process shows no message log

        try:
            code, report = deps_install.run_unattended(self.deps_folder, log)
        except (OSError, RuntimeError) as exc:
            log(deps.tr("CapaCityMetro: the unattended installation failed: {}").format(exc))
            return
        if not report.ok:
            log(deps.summary(report, self._language()))
        elif code >= 0:
            log(deps.tr("CapaCityMetro: every required package is installed."))

    def _language(self) -> str:
        return str(QgsSettings().value("locale/userLocale", "en") or "en")[:2].lower()

    def show_deps_dialog(self) -> None:
        from .gui.deps_dialog import DependenciesDialog

        if self.deps_dialog is None:
            self.deps_dialog = DependenciesDialog(
                self, self.iface.mainWindow() if self.iface else None
            )
        self.deps_dialog.refresh()
        self.deps_dialog.show()
        self.deps_dialog.raise_()

    def after_install(self, stale: list[str]) -> str:
        """Use what was just installed where possible; return what the user must still do.

        ``stale``: packages installed now that this session had imported already (in an older
        version): Python cannot swap a loaded module, so only a restart gets the new one.
        """
        from .gui.deps_dialog import MissingDependenciesDock

        if isinstance(self.dock, MissingDependenciesDock):
            self._remove_gui()
            self._add_gui()  # the real dock, now that its imports work
        if self.deps_action is not None:
            self.deps_action.setText(deps.tr("Python dependencies…"))
        if stale:
            return deps.tr(
                "Installed. Restart QGIS: {} was already loaded in this session."
            ).format(", ".join(stale))
        if isinstance(self.dock, MissingDependenciesDock):
            return deps.tr("Installed. Restart QGIS to get the registry dock.")
        return deps.tr(
            "Installed. The Processing algorithms and the registry dock work now, no restart needed."
        )

    # --- Processing (also called by qgis_process, where there is no GUI) ---------------------------
    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        from .provider.provider import CapaCityMetroProvider

        self._install_unattended()
        report = deps.check()
        if not report.ok:  # in the log panel; the algorithms repeat it when run
            _log(deps.summary(report, self._language()), Qgis.MessageLevel.Warning)
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
        report = deps.check()
        self._add_deps_action(report)
        self._add_gui()
        if not report.ok:
            # after QGIS has finished starting, so the dialog sits over the main window
            QTimer.singleShot(0, self.show_deps_dialog)

    def _add_deps_action(self, report: deps.Report) -> None:
        # Qt6 moved QAction to QtGui; QGIS 4's qgis.PyQt.QtWidgets still exports it
        from qgis.PyQt.QtWidgets import QAction

        text = (
            deps.tr("Python dependencies…")
            if report.ok
            else deps.tr("CapaCityMetro: dependencies missing…")
        )
        action = QAction(text, self.iface.mainWindow())
        action.setObjectName("CapaCityMetroDependenciesAction")
        action.triggered.connect(self.show_deps_dialog)
        self.iface.addPluginToMenu(MENU, action)
        self.deps_action = action

    def _add_gui(self) -> None:
        try:
            from .gui.setup_gui import add_gui
        except ImportError as exc:  # geopandas & co. missing: say so where the dock would be
            from qgis.PyQt.QtCore import Qt

            from .gui.deps_dialog import MissingDependenciesDock

            dock = MissingDependenciesDock(self, exc, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.dock = dock
            return
        add_gui(self)

    def _remove_gui(self) -> None:
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
        self.actions = []
        if self.dock is not None:
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None

    def unload(self) -> None:
        if self.iface is not None:
            self._remove_gui()
            if self.deps_action is not None:
                self.iface.removePluginMenu(MENU, self.deps_action)
                self.deps_action = None
            if self.deps_dialog is not None:
                self.deps_dialog.close()
                self.deps_dialog.deleteLater()
                self.deps_dialog = None
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
