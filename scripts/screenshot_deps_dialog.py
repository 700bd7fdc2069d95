"""Screenshot the first-start dependency dialog as a user of a bare QGIS sees it.

Run with Debian 12's own Python (geopandas, shapely missing; jsonschema too old) under Xvfb, so
the dialog is a real window: ``xvfb-run -a /usr/bin/python3 scripts/screenshot_deps_dialog.py
docs/img/deps_dialog.png [LOCALE]``. HOME should be a throwaway folder (a fresh QGIS profile).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qgis.core import QgsApplication, QgsSettings  # noqa: E402
from qgis.gui import QgsMapCanvas  # noqa: E402
from qgis.PyQt.QtWidgets import QMainWindow  # noqa: E402


class Iface:
    """The part of QgisInterface the plugin calls, on a real main window."""

    def __init__(self) -> None:
        self.window = QMainWindow()
        self.canvas = QgsMapCanvas(self.window)
        self.window.setCentralWidget(self.canvas)

    def mainWindow(self):  # noqa: N802
        return self.window

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def addPluginToMenu(self, name, action):  # noqa: N802
        pass

    def removePluginMenu(self, name, action):  # noqa: N802
        pass

    def addToolBarIcon(self, action):  # noqa: N802
        pass

    def removeToolBarIcon(self, action):  # noqa: N802
        pass

    def addDockWidget(self, area, dock):  # noqa: N802
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.window.removeDockWidget(dock)


def main(out: str, locale: str = "en") -> None:
    app = QgsApplication([], True)
    app.initQgis()
    QgsSettings().setValue("locale/userLocale", locale)
    import capacitymetro_plugin

    iface = Iface()
    plugin = capacitymetro_plugin.classFactory(iface)
    plugin.initGui()
    iface.window.resize(1000, 600)
    iface.window.show()
    for _ in range(20):
        app.processEvents()
    dialog = plugin.deps_dialog
    dialog.resize(1100, 640)
    for _ in range(20):
        app.processEvents()
    dialog.grab().save(out)
    if len(sys.argv) > 3:  # the placeholder dock too
        plugin.dock.resize(380, 500)
        plugin.dock.grab().save(sys.argv[3])
    if len(sys.argv) > 4:  # after pressing Install (real pip, from the package index)
        import time

        dialog.install_button.click()
        deadline = time.monotonic() + 900
        while dialog.process is not None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        for _ in range(20):
            app.processEvents()
        dialog.grab().save(sys.argv[4])
    plugin.unload()
    print(out)
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "en")
