"""Screenshot of the registry dock over a real map (docs/img/dock.png, docs/img/dock_form.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_screenshot.py
The registry is the real migrant-services table (../shared/data) imported with the core; the map
shows Trento's OpenStreetMap streets and service POIs and the ISTAT comuni boundaries.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = Path(os.environ.get("CAPACITYMETRO_DATA", REPO.parent / "shared" / "data"))
OUT = REPO / "docs" / "img"

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsProject,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)


def main() -> None:
    app = QgsApplication([], True)
    app.initQgis()
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView, QgsMapCanvas
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor
    from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow

    from capacitymetro_plugin.core.registry.exchange import import_file
    from capacitymetro_plugin.gui.dock import RegistryDock

    work = Path(tempfile.mkdtemp())
    result = import_file(
        work / "registry.gpkg", DATA / "servizi_migranti_da_pagine_web.csv", accept_partial=True
    )
    print(
        f"registry: {len(result.imported)} services imported, rows rejected {result.rejected_rows}"
    )

    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    comuni = QgsVectorLayer(
        f"{DATA / 'istat_comuni_target_2023.gpkg'}|layername=comuni", "Comuni (ISTAT 2023)", "ogr"
    )
    comuni.setRenderer(
        QgsSingleSymbolRenderer(
            QgsFillSymbol.createSimple(
                {
                    "color": "246,246,240,255",
                    "outline_color": "120,120,120,255",
                    "outline_width": "0.5",
                }
            )
        )
    )
    streets = QgsVectorLayer(
        f"{DATA / 'osm_trento_2023-02_tnst.osm.pbf'}|layername=lines", "OSM streets", "ogr"
    )
    streets.setSubsetString('"highway" IS NOT NULL')
    streets.setRenderer(
        QgsSingleSymbolRenderer(
            QgsLineSymbol.createSimple({"color": "190,190,190,255", "width": "0.35"})
        )
    )
    pois = QgsVectorLayer(
        f"{DATA / 'osm_servizi_trento_2023.gpkg'}|layername=pois", "OSM service POIs", "ogr"
    )
    pois.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {
                    "name": "circle",
                    "color": "150,150,150,255",
                    "outline_color": "255,255,255,255",
                    "size": "1.8",
                }
            )
        )
    )
    services = QgsVectorLayer(f"{result.registry.path}|layername=services", "services", "ogr")
    style = REPO / "styles" / "registry_services.qml"
    if style.exists():
        services.loadNamedStyle(str(style))
    for layer in (comuni, streets, pois, services):
        assert layer.isValid(), layer.name()
        project.addMapLayer(layer)

    window = QMainWindow()
    window.resize(1600, 1000)
    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(project.crs())
    canvas.setCanvasColor(Qt.white)
    canvas.setSelectionColor(QColor(231, 41, 138))  # magenta: not one of the sector colours
    canvas.setLayers([services, pois, streets, comuni])
    window.setCentralWidget(canvas)
    legend = QgsLayerTreeView()
    legend_model = QgsLayerTreeModel(project.layerTreeRoot(), legend)  # parented: not collected
    legend.setModel(legend_model)
    legend_dock = QDockWidget("Layers")
    legend_dock.setWidget(legend)
    window.addDockWidget(Qt.LeftDockWidgetArea, legend_dock)
    legend_dock.setMinimumWidth(330)
    dock = RegistryDock(canvas, window)
    dock.setMinimumWidth(560)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    window.show()
    app.processEvents()

    dock.set_filter(comune="Trento")
    placed = [
        f for f in services.getFeatures() if f.hasGeometry() and f.id() in dock.visible_fids()
    ]
    chosen = next((f for f in placed if "ATAS" in str(f["name"])), placed[0])
    dock.select_fid(chosen.id())
    # zoom out from the ~1 km selection view to the neighbourhood (the selection stays highlighted)
    centre = canvas.extent().center()
    canvas.setExtent(
        QgsRectangle(centre.x() - 3500, centre.y() - 3500, centre.x() + 3500, centre.y() + 3500)
    )
    canvas.refresh()
    canvas.waitWhileRendering()
    app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / "dock.png"))

    # the form, half filled in, with its errors (Bari: a service placed by clicking)
    dock.set_filter(comune="")
    dock.start_add()
    form = dock.form
    form.widgets["name"].setText("Sportello stranieri - Municipio I")
    form.widgets["languages"].setText("it;en;xx")
    form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00; Tu 17:30-14:30")
    form.widgets["email"].setText("stranieri@comune")
    app.processEvents()
    window.grab().save(str(OUT / "dock_form.png"))
    print("written", OUT / "dock.png", OUT / "dock_form.png")
    if services.isEditable():
        services.rollBack()
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the images are written)


if __name__ == "__main__":
    main()
