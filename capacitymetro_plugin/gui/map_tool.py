"""A map tool that hands the clicked point (in the canvas CRS) to a callback."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsPointXY
from qgis.gui import QgsMapCanvas, QgsMapToolEmitPoint
from qgis.PyQt.QtCore import Qt


class PickPointTool(QgsMapToolEmitPoint):
    """Left click: ``on_point(point)``; right click or Esc: ``on_cancel()``."""

    def __init__(
        self,
        canvas: QgsMapCanvas,
        on_point: Callable[[QgsPointXY], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(canvas)
        self._on_point = on_point
        self._on_cancel = on_cancel
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.canvasClicked.connect(self._clicked)

    def _clicked(self, point: QgsPointXY, button) -> None:
        if button == Qt.MouseButton.LeftButton:
            self._on_point(QgsPointXY(point))
        elif self._on_cancel is not None:
            self._on_cancel()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self._on_cancel is not None:
            self._on_cancel()
