"""Menu entry and toolbar button that show/hide the registry dock (called by ``plugin.initGui``)."""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .common import ICON_PATH, tr
from .dock import RegistryDock

MENU = "&CapaCityMetro"


def add_gui(plugin) -> None:
    """Create the dock (hidden) and a checkable action that toggles it."""
    iface = plugin.iface
    dock = RegistryDock(iface.mapCanvas(), iface.mainWindow())
    iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    # QGIS shows a dock when it is added: start hidden (QGIS restores it if the user left it open)
    dock.hide()
    action = QAction(QIcon(str(ICON_PATH)), tr("Service registry"), iface.mainWindow())
    action.setObjectName("CapaCityMetroRegistryAction")
    action.setToolTip(tr("Show or hide the CapaCityMetro service registry"))
    action.setCheckable(True)
    # shown: raise it even when tabbed behind another dock; hidden: close it
    action.toggled.connect(
        lambda checked: dock.setUserVisible(True) if checked else dock.setVisible(False)
    )
    dock.visibilityChanged.connect(action.setChecked)
    iface.addPluginToMenu(MENU, action)
    iface.addToolBarIcon(action)
    plugin.actions.append(action)
    plugin.dock = dock
