"""PDF maps for a command-line run: load the run's layers with their styles, export the layout.

Imported by the CLI only when PDF maps are asked for: it needs QGIS (started offscreen here
when no QgsApplication exists).
"""

from __future__ import annotations

import os
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from capacitymetro_plugin.compat import null_rectangle

_APP = None


def ensure_qgis() -> QgsApplication:
    """Return the running QgsApplication, or start one headless."""
    global _APP
    app = QgsApplication.instance()
    if app is not None:
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _APP = QgsApplication([], False)
    _APP.initQgis()
    return _APP


# layer name in capacitymetro.gpkg -> (title in legends, style: QML name or a styling function)
LAYER_TITLES = {
    "services": "Migrant services (first sector) / Servizi per migranti (primo settore)",
    "isochrones": "Travel time to the nearest service / Tempo al servizio più vicino",
    "territories": "Streets / Strade",
    "gaps": "Gap areas: unserved foreign residents / Aree scoperte: stranieri non serviti",
    "coverage_zones": "Foreign residents served (%) / Stranieri serviti (%)",
    "e2sfca": "E2SFCA access (quintile) / Accessibilità E2SFCA (quintile)",
    "context_pois": "Other service POIs (OSM) / Altri servizi (OSM)",
    "population_cells": "Population grid / Griglia della popolazione",
}


def load_run_layers(
    gpkg: Path, layers: list[str], *, sector: str = "all", titles: dict | None = None
) -> dict:
    """Load the run's layers from ``gpkg`` with CapaCityMetro styles; returns {name: layer}."""
    from .styling import (
        apply_style,
        style_graduated_cells,
        style_isochrones,
        style_lines,
        style_points,
    )

    titles = titles or {}
    out = {}
    for name in layers:
        title = LAYER_TITLES.get(name) or titles.get(name) or name.replace("_", " ")
        uri = f"{gpkg}|layername={name}"
        if name in ("gaps", "coverage_zones"):
            # the subset in the URI, not setSubsetString() afterwards: re-opening the layer
            # that way makes GDAL fail on the file's other layers ("unable to open database")
            uri += f"|subset=\"sector\" = '{sector}'"
        layer = QgsVectorLayer(uri, title, "ogr")
        if not layer.isValid():
            continue
        if name == "services":
            apply_style(layer, "services")
        elif name == "isochrones":
            style_isochrones(layer)
        elif name == "territories":
            style_lines(layer)
        elif name == "context_pois" or name.startswith("context_"):
            style_points(layer)
        elif name == "coverage_zones":
            apply_style(layer, "coverage_comuni")
        elif name == "e2sfca":
            apply_style(layer, "e2sfca")
        elif name == "gaps":
            apply_style(layer, "gaps")
        elif name == "population_cells":
            style_graduated_cells(layer, "pop_total")
        out[name] = layer
    return out


def export_summary_maps(summary) -> list[Path]:
    """Export the maps of a pipeline run to ``<out>/maps/*.pdf``; return the files."""
    ensure_qgis()
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    from .layout import build_layout, export_layout

    config = summary.config
    gpkg = summary.gpkg
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    titles = {
        f"context_{item[1] if len(item) > 1 else Path(item[0]).stem}": item[2]
        for item in config.context_layers
        if len(item) > 2
    }
    layers = load_run_layers(gpkg, summary.layers, titles=titles)
    project.addMapLayers(list(layers.values()))
    maps_dir = summary.out_dir / "maps"
    date = summary.numbers.get("run_date") or None
    files: list[Path] = []

    def focus(*names: str) -> QgsRectangle | None:
        from .layout import default_crs

        chosen = [layers[n] for n in names if n in layers]
        if not chosen:
            return None
        crs = default_crs(chosen, project)
        ext = null_rectangle()
        for lyr in chosen:
            t = QgsCoordinateTransform(lyr.crs(), crs, project)
            ext.combineExtentWith(t.transformBoundingBox(lyr.extent()))
        ext.scale(1.1)
        return ext

    def one(filename: str, title: str, names: list[str], extent_of: tuple[str, ...]) -> None:
        chosen = [layers[n] for n in names if n in layers]
        if not chosen:
            return
        from .layout import default_crs

        layout = build_layout(
            project,
            chosen,
            title=title,
            area_name=config.name,
            date=date,
            crs=default_crs(chosen, project),
            extent=focus(*extent_of),
        )
        files.extend(export_layout(layout, maps_dir / filename))

    mode = {"walk": "walking", "bike": "cycling", "car": "driving"}.get(config.mode, config.mode)
    one(
        "services_isochrones.pdf",
        f"Services for migrants and {mode} time | Servizi per migranti e isocrone",
        ["services", "context_pois", "isochrones", "territories"],
        ("isochrones", "services"),
    )
    one(
        "coverage_gaps.pdf",
        f"Coverage gaps: foreign residents beyond {config.standard_min:g} min | Aree scoperte",
        ["services", "gaps", "territories"],
        ("gaps", "services"),
    )
    if "coverage_zones" in layers and layers["coverage_zones"].featureCount() > 1:
        one(
            "coverage_zones.pdf",
            f"Foreign residents within {config.standard_min:g} min of a service | Copertura",
            ["services", "territories", "coverage_zones"],
            ("coverage_zones",),
        )
    one(
        "e2sfca_access.pdf",
        "E2SFCA accessibility: services per foreign resident | Accessibilità E2SFCA",
        ["services", "e2sfca", "territories"],
        ("e2sfca",),
    )
    if not files and "population_cells" in layers:
        one(
            "population.pdf",
            "Residents (grid) and services | Popolazione e servizi",
            ["services", "population_cells", *[n for n in layers if n.startswith("context_")]],
            ("population_cells",),
        )
    return files


__all__ = ["QgsRasterLayer", "ensure_qgis", "export_summary_maps", "load_run_layers"]
