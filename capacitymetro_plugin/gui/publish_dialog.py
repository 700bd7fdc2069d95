"""The dock's "Publish bussola" dialog: the site folder and, optionally, the area's OSM extract.

With the extract, the dock builds the walking network with the same core call as the command
line and the Processing algorithm (``core.bussola.walking_network``), so "near me" ranks by
walking time and the map has its offline streets and water; without it, "near me" goes by
straight-line distance on a blank map. The extract last used is remembered (QgsSettings).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from .common import Translatable

SETTING_OSM = "capacitymetro/bussola/osm_file"


class PublishDialog(Translatable, QDialog):
    """Ask where to write the bussola and which OpenStreetMap extract gives its walking times."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CapaCityMetroPublishDialog")
        self.setWindowTitle(self.tr("Publish bussola"))
        self.folder_widget = QgsFileWidget()
        self.folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_widget.setDialogTitle(self.tr("Folder of the bussola site"))
        self.osm_widget = QgsFileWidget()
        self.osm_widget.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.osm_widget.setDialogTitle(self.tr("OpenStreetMap extract"))
        self.osm_widget.setFilter(self.tr("OpenStreetMap extracts (*.osm.pbf *.pbf *.osm)"))
        last = QgsSettings().value(SETTING_OSM, "", type=str)
        if last and Path(last).is_file():  # a moved or deleted extract is not offered again
            self.osm_widget.setFilePath(last)
        form = QFormLayout()
        form.addRow(self.tr("Site folder"), self.folder_widget)
        form.addRow(self.tr("OpenStreetMap extract (optional)"), self.osm_widget)
        note = QLabel(
            self.tr(
                "With the area's extract (.osm.pbf), 'near me' ranks services by walking time "
                "and the map shows the streets offline; without it, by straight-line distance. "
                "The site is written in the folder's subfolder 'bussola'."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.folder_widget.fileChanged.connect(lambda _: self._update_ok())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.folder()))

    def folder(self) -> str:
        """The folder chosen ("" for none)."""
        return self.folder_widget.filePath().strip()

    def osm_file(self) -> str | None:
        """The OpenStreetMap extract chosen, None for none."""
        return self.osm_widget.filePath().strip() or None

    def accept(self) -> None:  # noqa: D102 - QDialog.accept, remembering the extract
        QgsSettings().setValue(SETTING_OSM, self.osm_file() or "")
        super().accept()
