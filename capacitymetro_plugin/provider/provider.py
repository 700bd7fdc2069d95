"""The "CapaCityMetro" Processing provider.

Algorithms are discovered from the modules of :mod:`.algorithms`: each module lists its
algorithm classes in ``ALGORITHMS``. Adding an algorithm family means adding one module there.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from . import algorithms

ICON_PATH = Path(__file__).resolve().parent.parent / "icon.svg"


def algorithm_classes(errors: list[str] | None = None) -> list[type]:
    """Return every algorithm class listed in an ``ALGORITHMS`` of a module in ``algorithms``.

    The modules import only QGIS and the light parts of the plugin (the core is imported inside
    ``execute``), so every algorithm is listed even in a QGIS without geopandas; running one then
    explains what to install (``base.CapaCityMetroAlgorithm.processAlgorithm``). A module that
    still fails to import (a bug) is left out, its reason appended to ``errors``, so the other
    families load.
    """
    classes: list[type] = []
    for info in sorted(pkgutil.iter_modules(algorithms.__path__), key=lambda m: m.name):
        try:
            module = importlib.import_module(f"{algorithms.__name__}.{info.name}")
        except ImportError as exc:
            if errors is None:
                raise
            errors.append(
                QCoreApplication.translate(
                    "CapaCityMetro",
                    "CapaCityMetro: the algorithms of {} need the Python package '{}', which QGIS's "
                    "Python cannot import ({}). Install it (menu Plugins > CapaCityMetro > Python "
                    "dependencies…) and restart QGIS.",
                ).format(info.name, exc.name or "?", exc)
            )
            continue
        classes.extend(getattr(module, "ALGORITHMS", []))
    return classes


class CapaCityMetroProvider(QgsProcessingProvider):
    """Processing provider "CapaCityMetro" (id ``capacitymetro``)."""

    def id(self) -> str:  # noqa: A003 - QGIS API name
        return "capacitymetro"

    def name(self) -> str:
        return "CapaCityMetro"

    def longName(self) -> str:  # noqa: N802
        from capacitymetro_plugin.__about__ import __version__

        return f"CapaCityMetro {__version__}"

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    def loadAlgorithms(self) -> None:  # noqa: N802
        errors: list[str] = []
        classes = algorithm_classes(errors)
        for message in errors:
            QgsMessageLog.logMessage(message, "CapaCityMetro", Qgis.MessageLevel.Critical)
        for cls in classes:
            try:
                self.addAlgorithm(cls())
            except Exception as exc:  # one broken algorithm must not hide the others
                QgsMessageLog.logMessage(
                    QCoreApplication.translate("CapaCityMetro", "Cannot load {}: {}").format(
                        cls.__name__, exc
                    ),
                    "CapaCityMetro",
                )
