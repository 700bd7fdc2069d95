"""The dock's "Publish bussola" dialog: the site folder and, optionally, the area's OSM extract
and a GTFS feed with its service date and departure window (transit times for 'near me').

With the extract, the dock builds the walking network with the same core call as the command
line and the Processing algorithm (``core.bussola.walking_network``), so "near me" ranks by
walking time and the map has its offline streets and water; without it, "near me" goes by
straight-line distance on a blank map. With a GTFS feed and a date, 'near me' also shows the
median minutes by public transport (``core.bussola.transit``, through the same
``transit_request`` as the other doors); with the water-bus stop places too, the extract's ferry
routes join them, a boat every N minutes (``ferry_request``, an estimate the site states). The
extract, the feed and the stop places last used are remembered (QgsSettings).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .common import Translatable

SETTING_OSM = "capacitymetro/bussola/osm_file"
SETTING_GTFS = "capacitymetro/bussola/gtfs_file"
SETTING_PIERS = "capacitymetro/bussola/ferry_piers"


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
        self.gtfs_widget = QgsFileWidget()
        self.gtfs_widget.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.gtfs_widget.setDialogTitle(self.tr("GTFS feed"))
        self.gtfs_widget.setFilter(self.tr("GTFS feeds (*.zip)"))
        last = QgsSettings().value(SETTING_GTFS, "", type=str)
        if last and Path(last).is_file():
            self.gtfs_widget.setFilePath(last)
        self.piers_widget = QgsFileWidget()
        self.piers_widget.setStorageMode(QgsFileWidget.StorageMode.GetFile)
        self.piers_widget.setDialogTitle(self.tr("Piers of the water buses"))
        self.piers_widget.setFilter(self.tr("Stop places (*.geojson *.json *.gpkg)"))
        last = QgsSettings().value(SETTING_PIERS, "", type=str)
        if last and Path(last).is_file():
            self.piers_widget.setFilePath(last)
        self.headway_spin = QDoubleSpinBox()
        self.headway_spin.setRange(1.0, 240.0)
        self.headway_spin.setDecimals(0)
        self.headway_spin.setValue(20.0)
        self.headway_spin.setSuffix(" min")
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.window_edit = QLineEdit("08:00-09:00")
        form = QFormLayout()
        # the paths get the room the labels leave (at their size hint they show a few letters)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Site folder"), self.folder_widget)
        form.addRow(self.tr("OpenStreetMap extract (optional)"), self.osm_widget)
        form.addRow(self.tr("GTFS feed for public transport times (optional)"), self.gtfs_widget)
        form.addRow(self.tr("Piers of the water buses (points, optional)"), self.piers_widget)
        form.addRow(self.tr("Minutes between two boats of a line (water buses)"), self.headway_spin)
        form.addRow(self.tr("Service date of the transit times"), self.date_edit)
        form.addRow(self.tr("Departure window (HH:MM-HH:MM)"), self.window_edit)
        note = QLabel(
            self.tr(
                "With the area's extract (.osm.pbf), 'near me' ranks services by walking time "
                "and the map shows the streets offline; without it, by straight-line distance. "
                "With a GTFS feed and a service date, it also shows the median minutes by "
                "public transport over the departure window. With the piers of the water buses too, "
                "the extract's ferry routes join them, a boat every N minutes (an estimate, "
                "said on the site). The site is written in the folder's subfolder 'bussola'."
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

    def gtfs_files(self) -> list[str]:
        """The GTFS feed chosen, as a list (empty for none)."""
        path = self.gtfs_widget.filePath().strip()
        return [path] if path else []

    def ferry_piers(self) -> str | None:
        """The water-bus stop places chosen, None for none."""
        return self.piers_widget.filePath().strip() or None

    def ferry_headway(self) -> float:
        """The minutes between two water buses."""
        return float(self.headway_spin.value())

    def transit_date(self) -> str:
        """The service date typed ("" for none)."""
        return self.date_edit.text().strip()

    def transit_window(self) -> str:
        """The departure window typed ("" for the default)."""
        return self.window_edit.text().strip()

    def accept(self) -> None:  # noqa: D102 - QDialog.accept, remembering the extract and feed
        QgsSettings().setValue(SETTING_OSM, self.osm_file() or "")
        QgsSettings().setValue(SETTING_GTFS, (self.gtfs_files() or [""])[0])
        QgsSettings().setValue(SETTING_PIERS, self.ferry_piers() or "")
        super().accept()
