"""What the dock screenshot scripts share: a QGIS application and the dock on the sample registry.

    app, italian = start_app()            # --it on the command line: the Italian interface
    registry, layer, dock, target = sample_dock()
The registry is the real sample registry built by the core from ../shared/data
(CAPACITYMETRO_DATA); ``target`` is the first Trento service with a location, by name.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "docs"))
DATA = Path(os.environ.get("CAPACITYMETRO_DATA", REPO.parent / "shared" / "data"))
OUT = REPO / "docs" / "img"


def start_app():
    """Start QGIS (a throwaway profile) in English, or in Italian with ``--it``."""
    from qgis.core import QgsApplication, QgsSettings

    italian = "--it" in sys.argv
    app = QgsApplication([], True, tempfile.mkdtemp(prefix="capacitymetro-qgis-profile-"))
    app.initQgis()
    if italian:
        from dock_screenshot import install_italian

        install_italian()
    else:
        QgsSettings().setValue("locale/userLocale", "en_GB")
    return app, italian


def sample_dock():
    """Build the sample registry, add its services layer and open the dock on it."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.gui import QgsMapCanvas

    from capacitymetro_plugin.core.registry.boundaries import load_comuni
    from capacitymetro_plugin.core.registry.sample import build_sample_registry
    from capacitymetro_plugin.gui.dock import RegistryDock

    work = Path(tempfile.mkdtemp())
    comuni = load_comuni(DATA / "istat_comuni_target_2023.gpkg")
    registry = build_sample_registry(DATA, work / "registry.gpkg", comuni=comuni)
    target = sorted(
        (s for s in registry.services() if s.lon is not None and s.comune_name == "Trento"),
        key=lambda s: s.name,
    )[0]
    layer = QgsVectorLayer(f"{registry.path}|layername=services", "services", "ogr")
    QgsProject.instance().addMapLayer(layer)
    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(layer.crs())
    dock = RegistryDock(canvas)
    dock._screenshot_canvas = canvas  # keep it alive
    return registry, layer, dock, target


def fid_of(layer, service_id: str) -> int:
    return next(f.id() for f in layer.getFeatures() if f["service_id"] == service_id)
