"""Drive the registry dock inside the real QGIS desktop application (``qgis --code``).

Used by ``tests/qgis/test_dock_desktop.py`` and to take ``docs/img/dock_qgis.png``. Environment:
``CM_REGISTRY`` (a registry GeoPackage), ``CM_RESULT`` (JSON written here), ``CM_SHOT`` (PNG of
the main window, optional), ``CAPACITYMETRO_DATA`` (adds Trento's OSM streets when present).
Run by QGIS itself, after the plugins are loaded: it opens the registry, clicks the plugin's menu
action, filters Trento, selects Cinformi, records what happened and quits.
"""

import json
import os
import traceback

from qgis.core import QgsLineSymbol, QgsProject, QgsSingleSymbolRenderer, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins

RESULT = os.environ["CM_RESULT"]
state = {}


def save():
    with open(RESULT, "w", encoding="utf-8") as fh:
        json.dump(state, fh, indent=1)


def fail():
    state["error"] = traceback.format_exc()
    save()
    os._exit(1)


def step1():
    try:
        iface.mainWindow().resize(1600, 1000)
        state["plugins"] = sorted(plugins)
        plugin = plugins["capacitymetro_plugin"]
        action = plugin.actions[0]
        state["action"] = action.text()
        submenus = [a.menu() for a in iface.pluginMenu().actions() if a.menu() is not None]
        state["menu"] = [m.title() for m in submenus if action in m.actions()]
        state["before"] = {"dock_visible": plugin.dock.isVisible(), "checked": action.isChecked()}
        layers = []
        data = os.environ.get("CAPACITYMETRO_DATA", "")
        pbf = os.path.join(data, "osm_trento_2023-02_tnst.osm.pbf")
        if data and os.path.exists(pbf):
            streets = QgsVectorLayer(f"{pbf}|layername=lines", "OSM streets (Trento)", "ogr")
            streets.setSubsetString('"highway" IS NOT NULL')
            streets.setRenderer(
                QgsSingleSymbolRenderer(
                    QgsLineSymbol.createSimple({"color": "170,170,170", "width": "0.3"})
                )
            )
            layers.append(streets)
        services = QgsVectorLayer(
            f"{os.environ['CM_REGISTRY']}|layername=services", "services", "ogr"
        )
        import capacitymetro_plugin

        plugin_dir = os.path.dirname(capacitymetro_plugin.__file__)
        style = os.path.join(plugin_dir, "styles", "registry_services.qml")
        if os.path.exists(style):
            services.loadNamedStyle(style)
        layers.append(services)
        QgsProject.instance().addMapLayers(layers)
        action.trigger()
        state["after"] = {"dock_visible": plugin.dock.isVisible(), "checked": action.isChecked()}
        QTimer.singleShot(3000, step2)  # after QGIS's own zoom to the first layer
    except Exception:
        fail()


def step2():
    try:
        dock = plugins["capacitymetro_plugin"].dock
        dock.set_filter(comune="Trento")
        fids = dock.visible_fids()
        chosen = next(
            f
            for f in dock.layer.getFeatures()
            if f.id() in fids and str(f["name"]).startswith("Cinformi")
        )
        dock.select_fid(chosen.id())
        extent = iface.mapCanvas().extent()
        point = chosen.geometry().asPoint()
        state.update(
            layer=dock.layer.name(),
            count=dock.count_label.text(),
            publish_button=[dock.publish_button.isVisible(), dock.publish_button.isEnabled()],
            selected=chosen["name"],
            layer_selection=dock.layer.selectedFeatureIds() == [chosen.id()],
            point=[point.x(), point.y()],
            centre=[extent.center().x(), extent.center().y()],
            extent_size=[extent.width(), extent.height()],
            canvas_crs=iface.mapCanvas().mapSettings().destinationCrs().authid(),
        )
        QTimer.singleShot(3000, finish)
    except Exception:
        fail()


def finish():
    shot = os.environ.get("CM_SHOT")
    if shot:
        iface.mainWindow().grab().save(shot)
    state["done"] = True
    save()
    os._exit(0)


QTimer.singleShot(3000, step1)
