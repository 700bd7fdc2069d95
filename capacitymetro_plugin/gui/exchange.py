"""Import and export buttons of the dock: CSV, GeoJSON and HSDS 3.0 through the core registry."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QMessageBox

from .common import tr


def import_dialog(dock) -> None:
    QMessageBox.information(dock, tr("Import"), tr("Import is not available yet in this version."))


def export_dialog(dock) -> None:
    QMessageBox.information(dock, tr("Export"), tr("Export is not available yet in this version."))
