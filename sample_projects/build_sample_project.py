"""Build a sample QGIS project (.qgz) for an area from a data directory.

    python sample_projects/build_sample_project.py --area trento --data ../shared/data --out out/sample_trento

Runs the CapaCityMetro analysis of the area (the same pipeline as ``capacitymetro run``), then
writes ``capacitymetro_<area>.qgz`` next to its outputs: the service registry (editable, styled
by sector, with good-practice sheets), network results (isochrones, nearest-service streets),
population grid, coverage gaps, E2SFCA, context layers, and the A4 print layout ready to export.
Layer paths in the project are relative, so the output folder can be moved as a whole.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

GROUPS = {
    "Registry / Registro": ["registry:services", "registry:practices", "registry:organizations"],
    "Analysis / Analisi": [
        "osm_services",
        "isochrones",
        "gaps",
        "coverage_zones",
        "e2sfca",
        "territories",
    ],
    "Population / Popolazione": [
        "population_zones",
        "population_streets",
        "population_cells",
        "population_grid",
    ],
    "Context / Contesto": ["context"],
}
VISIBLE = {"registry:services", "registry:practices", "isochrones", "territories", "context"}


def build_project(area: str, data_dir: str | Path, out_dir: str | Path) -> Path:
    """Run the analysis of ``area`` into ``out_dir`` and write the project; return its path."""
    from capacitymetro_plugin.batch.config import config_for_area
    from capacitymetro_plugin.batch.data import check_data
    from capacitymetro_plugin.batch.pipeline import run_pipeline
    from capacitymetro_plugin.maps.batch_maps import (
        bilingual_layer_title,
        ensure_qgis,
        load_run_layers,
    )

    config = config_for_area(area)
    folder = Path(data_dir)
    out = Path(out_dir)
    check_data(config, folder, download=False)
    summary = run_pipeline(config, out_dir=out, folder=folder)

    ensure_qgis()
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsProject,
        QgsRasterLayer,
        QgsVectorLayer,
    )

    from capacitymetro_plugin.maps.layout import build_layout
    from capacitymetro_plugin.maps.styling import STYLES_DIR, apply_style

    project = QgsProject()
    crs = QgsCoordinateReferenceSystem(
        str(summary.numbers.get("network_crs") or f"EPSG:{_utm(config)}")
    )
    project.setCrs(crs)
    project.setTitle(f"CapaCityMetro — {config.name}")
    path = out / f"capacitymetro_{config.key}.qgz"
    project.setFileName(str(path))

    layers: dict[str, object] = {}
    registry = out / "registry.gpkg"
    for table, title in (
        ("services", "Services / Servizi"),
        ("practices", "Good practices / Buone pratiche"),
        ("organizations", "Organizations / Enti"),
    ):
        layer = QgsVectorLayer(f"{registry}|layername={table}", title, "ogr")
        if layer.isValid():
            apply_style(layer, table)
            layers[f"registry:{table}"] = layer
    titles = {
        f"context_{item[1] if len(item) > 1 else Path(item[0]).stem}": item[2]
        for item in config.context_layers
        if len(item) > 2
    }
    analysed = load_run_layers(
        summary.gpkg, [n for n in summary.layers if n != "services"], titles=titles
    )
    for name, layer in analysed.items():
        # a sample project is opened in either language: "English / Italiano" layer names
        title = bilingual_layer_title(name, summary)
        if title:
            layer.setName(title)
        layers["context" if name.startswith("context_") else name] = layer
    if "services" in summary.layers:  # OSM POIs used as services (Venezia): not in the registry
        osm = QgsVectorLayer(  # subset in the URI (see maps.batch_maps.load_run_layers)
            f"{summary.gpkg}|layername=services|subset=\"origin\" = 'osm'",
            "OSM POIs used as services",
            "ogr",
        )
        if osm.isValid() and osm.featureCount() > 0:
            apply_style(osm, "services")
            layers["osm_services"] = osm
    tif = out / "population_grid.tif"
    if tif.exists():
        grid = QgsRasterLayer(str(tif), "Residents per cell / Residenti per cella")
        if grid.isValid():
            grid.loadNamedStyle(str(STYLES_DIR / "population_grid.qml"))
            layers["population_grid"] = grid

    root = project.layerTreeRoot()
    for group_name, keys in GROUPS.items():
        present = [k for k in keys if k in layers]
        if not present:
            continue
        group = root.addGroup(group_name)
        for key in present:
            layer = layers[key]
            project.addMapLayer(layer, False)
            node = group.addLayer(layer)
            node.setItemVisibilityChecked(key in VISIBLE)
            if key not in VISIBLE:
                node.setExpanded(False)

    on_map = [
        layers[k]
        for k in ("registry:services", "context", "isochrones", "territories")
        if k in layers
    ]
    if "isochrones" not in layers and "population_cells" in layers:
        on_map.append(layers["population_cells"])
    focus = [layers[k] for k in ("isochrones", "population_cells") if k in layers] or on_map
    from qgis.core import QgsCoordinateTransform, QgsReferencedRectangle

    from capacitymetro_plugin.compat import null_rectangle

    extent = null_rectangle()
    for lyr in focus:
        t = QgsCoordinateTransform(lyr.crs(), crs, project)
        extent.combineExtentWith(t.transformBoundingBox(lyr.extent()))
    extent.scale(1.1)
    layout = build_layout(
        project,
        on_map,
        title="Services for migrants: walking access | Servizi per migranti: accessibilità",
        area_name=config.name,
        crs=crs,
        extent=extent,
    )
    layout.setName(f"CapaCityMetro — {config.name}")
    project.layoutManager().addLayout(layout)
    project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, crs))
    if not project.write(str(path)):
        raise RuntimeError(f"cannot write {path}: {project.error()}")
    return path


def _utm(config) -> int:
    return 32633 if config.province in ("027", "025", "026", "063", "072") else 32632


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", required=True, help="trento, bari or venezia")
    parser.add_argument("--data", help="data directory (default $CAPACITYMETRO_DATA)")
    parser.add_argument("--out", help="output folder (default out/sample_<area>)")
    args = parser.parse_args(argv)
    from capacitymetro_plugin.batch.data import data_dir
    from capacitymetro_plugin.core.errors import CapaCityMetroError

    folder = data_dir(args.data)
    out = Path(args.out or f"out/sample_{args.area}")
    try:
        if folder is None:
            raise SystemExit("No data directory: pass --data DIR or set CAPACITYMETRO_DATA.")
        path = build_project(args.area, folder, out)
    except CapaCityMetroError as exc:
        print(f"build_sample_project: error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
