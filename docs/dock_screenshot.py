"""Screenshot of the registry dock over a real map (docs/img/dock*.png).

Run under a virtual display from the repository root:
    source scripts/env.sh && QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        .venv/bin/python docs/dock_screenshot.py        # add --it for docs/img/dock_bari_it.png
The registry is the real sample registry built by the core from ../shared/data (59 services from
web pages, good-practice sheets); the maps show Trento (OpenStreetMap streets and service POIs) and
Bari (street graph, AMTAB stops, services still to place) over the ISTAT comuni boundaries.
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
    QgsCoordinateTransform,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)


def install_italian() -> None:
    """Compile the Italian .ts, install it and set the interface language to Italian."""
    import shutil
    import subprocess

    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    qm = Path(tempfile.mkdtemp()) / "capacitymetro_it.qm"
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    ts = REPO / "capacitymetro_plugin" / "i18n" / "capacitymetro_it.ts"
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
    QgsSettings().setValue("locale/userLocale", "it_IT")
    translator = QTranslator(QCoreApplication.instance())
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)


def main() -> None:
    italian = "--it" in sys.argv
    # a throwaway profile: the screenshots never touch the user's QGIS settings
    app = QgsApplication([], True, tempfile.mkdtemp(prefix="capacitymetro-qgis-profile-"))
    app.initQgis()
    if italian:
        install_italian()
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView, QgsMapCanvas
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor
    from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow

    from capacitymetro_plugin.core.registry.boundaries import load_comuni
    from capacitymetro_plugin.core.registry.sample import build_sample_registry
    from capacitymetro_plugin.gui.dock import RegistryDock

    work = Path(tempfile.mkdtemp())
    comuni_gpkg = DATA / "istat_comuni_target_2023.gpkg"
    registry = build_sample_registry(DATA, work / "registry.gpkg", comuni=load_comuni(comuni_gpkg))
    print(f"registry: {len(registry.services())} services, {len(registry.practices())} practices")

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
    services = QgsVectorLayer(f"{registry.path}|layername=services", "services", "ogr")
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
    canvas.setCanvasColor(Qt.GlobalColor.white)  # Trento is not among the target comuni polygons
    canvas.setSelectionColor(QColor(231, 41, 138))  # magenta: not one of the sector colours
    canvas.setLayers([services, pois, streets, comuni])
    window.setCentralWidget(canvas)
    legend = QgsLayerTreeView()
    legend_model = QgsLayerTreeModel(project.layerTreeRoot(), legend)  # parented: not collected
    legend_model.setFlag(QgsLayerTreeModel.Flag.AllowNodeChangeVisibility)
    legend.setModel(legend_model)
    legend_dock = QDockWidget("Layers")
    legend_dock.setWidget(legend)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, legend_dock)
    legend_dock.setMinimumWidth(330)
    dock = RegistryDock(canvas, window)
    dock.setMinimumWidth(560)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
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
    if not italian:
        window.grab().save(str(OUT / "dock.png"))

    # Bari: services without coordinates yet, one with its good-practice sheet
    bari_streets = QgsVectorLayer(
        f"{DATA / 'bari_stradario_grafo_2026.gpkg'}|layername=edges", "Bari streets", "ogr"
    )
    bari_streets.setRenderer(
        QgsSingleSymbolRenderer(
            QgsLineSymbol.createSimple({"color": "190,190,190,255", "width": "0.3"})
        )
    )
    stops = QgsVectorLayer(
        f"{DATA / 'amtab_bari_gtfs_stops_lines_2022.gpkg'}|layername=stops",
        "AMTAB bus stops",
        "ogr",
    )
    stops.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "square", "color": "120,120,120,255", "outline_style": "no", "size": "1.2"}
            )
        )
    )
    for layer in (bari_streets, stops):
        assert layer.isValid(), layer.name()
        project.addMapLayer(layer)
    project.layerTreeRoot().findLayer(streets.id()).setItemVisibilityChecked(False)
    project.layerTreeRoot().findLayer(pois.id()).setItemVisibilityChecked(False)
    canvas.setLayers([services, stops, bari_streets, comuni])
    canvas.setCanvasColor(QColor(222, 233, 240))  # the sea, around Bari's comune polygon
    dock.set_filter(comune="Bari")
    casa = next(
        f for f in services.getFeatures() if str(f["name"]).startswith("Casa delle Culture")
    )
    dock.select_fid(casa.id())
    # central Bari, south of the railway station (16.866 E, 41.106 N)
    to_map = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), project.crs(), project
    )
    centre = to_map.transform(QgsPointXY(16.866, 41.106))
    canvas.setExtent(
        QgsRectangle(centre.x() - 4000, centre.y() - 4000, centre.x() + 4000, centre.y() + 4000)
    )
    canvas.refresh()
    canvas.waitWhileRendering()
    app.processEvents()
    window.grab().save(str(OUT / ("dock_bari_it.png" if italian else "dock_bari.png")))

    # the form, half filled in, with its errors
    dock.set_filter(comune="")
    dock.start_add()
    form = dock.form
    form.widgets["name"].setText("Sportello stranieri - Municipio I")
    form.widgets["languages"].setText("it;en;xx")
    form.widgets["opening_hours"].setText("Mo-Fr 09:00-13:00; Tu 17:30-14:30")
    form.widgets["email"].setText("stranieri@comune")
    app.processEvents()
    if italian:
        print("written", OUT / "dock_bari_it.png")
        os._exit(0)
    window.grab().save(str(OUT / "dock_form.png"))
    print("written", *(OUT / n for n in ("dock.png", "dock_bari.png", "dock_form.png")))
    if services.isEditable():
        services.rollBack()
    os._exit(0)  # skip Qt/QGIS teardown (it can crash at exit; the images are written)


if __name__ == "__main__":
    main()
