"""Printed coverage maps: fill a ``.qpt`` template with layers and texts, export PDF/PNG or an atlas.

QGIS side (not core): this module imports ``qgis``. The templates in ``layouts/`` carry items with
fixed ids (``title``, ``subtitle``, ``map``, ``legend``, ``scalebar``, ``north_arrow``,
``sources``); :func:`build_layout` loads one and fills those items, so a user can restyle the
template in QGIS's layout designer without touching code. :func:`make_template_layout` builds the
same layout from scratch (``python -m capacitymetro_plugin.maps.make_templates`` regenerates the
``.qpt`` files from it).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpression,
    QgsLayout,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapLayer,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont
from qgis.PyQt.QtXml import QDomDocument

from capacitymetro_plugin.compat import (
    DistanceUnit,
    LayoutUnit,
    LegendComponent,
    ScaleBarSegmentSizeMode,
    null_rectangle,
)
from capacitymetro_plugin.core.errors import InputError

LAYOUTS_DIR = Path(__file__).resolve().parent.parent / "layouts"
NORTH_ARROW_SVG = "arrows/NorthArrow_02.svg"  # in QGIS's own SVG library, on every platform


def north_arrow_path() -> str:
    """Return the full path of the north arrow SVG in this QGIS installation."""
    from qgis.core import QgsPathResolver, QgsSymbolLayerUtils

    return QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW_SVG, QgsPathResolver())


FONT_FAMILY = "DejaVu Sans"

#: paper key -> (template file, width mm, height mm)
PAPERS: dict[str, tuple[str, float, float]] = {
    "a4_landscape": ("capacitymetro_a4_landscape.qpt", 297.0, 210.0),
    "a3_portrait": ("capacitymetro_a3_portrait.qpt", 297.0, 420.0),
}

DEFAULT_SOURCES = (
    "Data: © OpenStreetMap contributors (ODbL); ISTAT (CC-BY 4.0); "
    "service registry: CapaCityMetro / public web pages of each service. "
    "Made with QGIS and CapaCityMetro."
)
DEFAULT_SOURCES_IT = (
    "Dati: © OpenStreetMap contributors (ODbL); ISTAT (CC-BY 4.0); "
    "registro dei servizi: CapaCityMetro / pagine web pubbliche dei servizi."
)

# Item boxes in mm: (x, y, width, height) per paper.
_BOXES: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "a4_landscape": {
        "title": (10, 7, 277, 11),
        "subtitle": (10, 18, 277, 7),
        "map": (10, 27, 200, 173),
        "legend": (215, 27, 72, 136),
        "north_arrow": (215, 165, 10, 13),
        "scalebar": (228, 166, 59, 11),
        "sources": (215, 181, 72, 19),
    },
    "a3_portrait": {
        "title": (12, 8, 273, 14),
        "subtitle": (12, 22, 273, 8),
        "map": (12, 33, 273, 292),
        "legend": (12, 330, 150, 82),
        "north_arrow": (170, 332, 14, 19),
        "scalebar": (190, 334, 95, 14),
        "sources": (170, 356, 115, 56),
    },
}


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _place(item, box: tuple[float, float, float, float]) -> None:
    x, y, w, h = box
    item.attemptMove(QgsLayoutPoint(x, y, LayoutUnit.Millimeters))
    item.attemptResize(QgsLayoutSize(w, h, LayoutUnit.Millimeters))


def make_template_layout(project: QgsProject, paper: str = "a4_landscape") -> QgsPrintLayout:
    """Build the CapaCityMetro layout for ``paper`` from scratch (what the ``.qpt`` files hold)."""
    if paper not in PAPERS:
        raise InputError(
            f"Unknown paper {paper!r}.",
            fix=f"Use one of: {', '.join(PAPERS)}.",
            it=f"Formato carta sconosciuto {paper!r}.",
            fix_it=f"Usa uno di: {', '.join(PAPERS)}.",
        )
    _, width, height = PAPERS[paper]
    boxes = _BOXES[paper]
    big = paper == "a3_portrait"
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(f"CapaCityMetro {paper}")
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(width, height, LayoutUnit.Millimeters))

    def label(item_id: str, text: str, size: float, bold: bool = False) -> QgsLayoutItemLabel:
        item = QgsLayoutItemLabel(layout)
        item.setId(item_id)
        item.setText(text)
        item.setFont(_font(size, bold))
        item.setFontColor(QColor("#1a1a1a"))
        item.setVAlign(Qt.AlignmentFlag.AlignTop)
        layout.addLayoutItem(item)
        _place(item, boxes[item_id])
        return item

    label("title", "CapaCityMetro", 22 if big else 18, bold=True)
    label("subtitle", "Area — date", 13 if big else 11)

    map_item = QgsLayoutItemMap(layout)
    map_item.setId("map")
    map_item.setFrameEnabled(True)
    map_item.setFrameStrokeWidth(QgsLayoutMeasurement(0.3))
    map_item.setBackgroundColor(QColor("#ffffff"))
    layout.addLayoutItem(map_item)
    # setExtent needs a sized item and reshapes it to the extent's proportions: size, extent, size
    _place(map_item, boxes["map"])
    map_item.setCrs(QgsCoordinateReferenceSystem("EPSG:32632"))
    map_item.setExtent(QgsRectangle(660000, 5100000, 670000, 5110000))
    _place(map_item, boxes["map"])

    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("Legend | Legenda")
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    # bilingual labels "English / Italiano" break into two lines instead of being cut off
    legend.setWrapString(" / ")
    for style, size, bold in (
        (LegendComponent.Title, 12 if big else 10, True),
        (LegendComponent.Group, 10 if big else 8.5, True),
        (LegendComponent.Subgroup, 9.5 if big else 8, True),
        (LegendComponent.SymbolLabel, 9 if big else 7.5, False),
    ):
        legend.rstyle(style).setFont(_font(size, bold))
    legend.setColumnCount(2 if big else 1)
    legend.setLegendFilterByMapEnabled(True)  # only the classes actually on the map
    legend.setResizeToContents(False)
    layout.addLayoutItem(legend)
    _place(legend, boxes["legend"])

    arrow = QgsLayoutItemPicture(layout)
    arrow.setId("north_arrow")
    arrow.setPicturePath(north_arrow_path())
    arrow.setLinkedMap(map_item)
    arrow.setNorthMode(QgsLayoutItemPicture.NorthMode.GridNorth)
    layout.addLayoutItem(arrow)
    _place(arrow, boxes["north_arrow"])

    scalebar = QgsLayoutItemScaleBar(layout)
    scalebar.setId("scalebar")
    scalebar.setStyle("Single Box")
    scalebar.setLinkedMap(map_item)
    scalebar.setUnits(DistanceUnit.Kilometers)
    scalebar.setUnitLabel("km")
    scalebar.setNumberOfSegments(2)
    scalebar.setNumberOfSegmentsLeft(0)
    scalebar.setSegmentSizeMode(ScaleBarSegmentSizeMode.FitWidth)
    scalebar.setMinimumBarWidth(20)
    scalebar.setMaximumBarWidth(boxes["scalebar"][2] - 8)
    scalebar.setFont(_font(8 if big else 7))
    layout.addLayoutItem(scalebar)
    _place(scalebar, boxes["scalebar"])

    sources = label("sources", DEFAULT_SOURCES + "\n" + DEFAULT_SOURCES_IT, 8 if big else 6.5)
    sources.setMode(QgsLayoutItemLabel.Mode.ModeFont)
    return layout


def load_template(project: QgsProject, paper: str = "a4_landscape") -> QgsPrintLayout:
    """Load the ``.qpt`` template of ``paper`` from ``layouts/`` into a new print layout."""
    if paper not in PAPERS:
        make_template_layout(project, paper)  # raises the clear "unknown paper" error
    path = LAYOUTS_DIR / PAPERS[paper][0]
    if not path.exists():
        raise InputError(
            f"Layout template {path} is missing.",
            fix="Reinstall the plugin or run python -m capacitymetro_plugin.maps.make_templates.",
            it=f"Manca il modello di layout {path}.",
            fix_it="Reinstalla il plugin o esegui python -m capacitymetro_plugin.maps.make_templates.",
        )
    doc = QDomDocument()
    doc.setContent(path.read_text(encoding="utf-8"))
    layout = QgsPrintLayout(project)
    _items, ok = layout.loadFromTemplate(doc, QgsReadWriteContext())
    if not ok:
        raise InputError(
            f"Layout template {path} cannot be read.",
            fix="Regenerate it with python -m capacitymetro_plugin.maps.make_templates.",
            it=f"Il modello di layout {path} non è leggibile.",
            fix_it="Rigeneralo con python -m capacitymetro_plugin.maps.make_templates.",
        )
    layout.setName(f"CapaCityMetro {paper}")
    return layout


def _item(layout: QgsLayout, item_id: str):
    item = layout.itemById(item_id)
    if item is None:
        raise InputError(
            f"The layout has no item with id {item_id!r}.",
            fix="Use a CapaCityMetro template or give the item that id in the layout designer.",
            it=f"Il layout non ha un elemento con id {item_id!r}.",
            fix_it="Usa un modello CapaCityMetro o assegna quell'id all'elemento nel designer.",
        )
    return item


def layers_extent(
    layers: Sequence[QgsMapLayer], crs: QgsCoordinateReferenceSystem, project: QgsProject
) -> QgsRectangle:
    """Return the union of the layers' extents in ``crs`` (empty rectangle for no layers)."""
    extent = null_rectangle()
    for layer in layers:
        if layer is None or not layer.isValid():
            continue
        rect = layer.extent()
        if rect.isNull():
            continue
        transform = QgsCoordinateTransform(layer.crs(), crs, project)
        extent.combineExtentWith(transform.transformBoundingBox(rect))
    return extent


#: layers that hold the analysis area (the run's population and results): a default map extent
AREA_LAYERS = ("population_zones", "population_cells", "coverage_zones", "e2sfca", "gaps")


def area_extent(
    layers: Sequence[QgsMapLayer], crs: QgsCoordinateReferenceSystem, project: QgsProject
) -> QgsRectangle:
    """Return the default map extent: the analysis area, not every layer.

    The layers of a run's population or results (:data:`AREA_LAYERS`, by their layer name in
    the data source) give it; else the polygon layers; else all layers. So a registry with
    services all over Italy does not make the city a speck under a 0–200 km scale bar.
    """
    from qgis.core import QgsVectorLayer

    def source_name(layer) -> str:
        uri = layer.source() if layer is not None else ""
        return uri.split("layername=")[1].split("|")[0] if "layername=" in uri else ""

    area = [lyr for lyr in layers if lyr is not None and source_name(lyr) in AREA_LAYERS]
    if not area:
        from capacitymetro_plugin.compat import GeometryType

        area = [
            lyr
            for lyr in layers
            if isinstance(lyr, QgsVectorLayer)
            and lyr.geometryType() == GeometryType.Polygon
            # a protected place's hexagon is a service, not the area: the map frames them all
            and not lyr.customProperty(APPROXIMATE_PLACES_PROPERTY, False)
        ]
    return layers_extent(area or layers, crs, project)


def default_crs(layers: Sequence[QgsMapLayer], project: QgsProject) -> QgsCoordinateReferenceSystem:
    """Return a metric WGS84/UTM CRS for the layers' centre (so the scale bar reads in km)."""
    from capacitymetro_plugin.core.areas import utm_epsg_for_lon

    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    extent = layers_extent(layers, wgs, project)
    if extent.isNull() or extent.width() < 0:
        return QgsCoordinateReferenceSystem("EPSG:32632")
    return QgsCoordinateReferenceSystem(f"EPSG:{utm_epsg_for_lon(extent.center().x())}")


#: legend entry of the approximate places on printed maps (bilingual: the Processing map has one
#: legend for both languages; the CLI maps give their own language's words)
APPROXIMATE_PLACES_PROPERTY = "capacitymetro/approximate_places"  # marks such a layer
APPROXIMATE_PLACES_NAME = "Approximate place (protected) / Luogo approssimato (protetto)"


def _privacy_of(feature) -> str:
    value = feature["location_privacy"]
    return str(value or "exact").strip().lower() if value is not None else "exact"


def approximate_places_layer(layer, name: str = APPROXIMATE_PLACES_NAME):
    """Return a memory polygon layer of the approximate places of ``layer``, or None if none.

    Each service whose ``location_privacy`` is ``approximate`` becomes the hexagon of
    :func:`capacitymetro_plugin.core.registry.privacy.approximate_polygon` (the cell the
    bussola and HSDS exports show), hatched in its first sector's colour. The layer holds only
    the hexagon, ``sectors`` and ``colour``: no exact coordinate, name or address, so nothing
    drawn or stored in the map reveals the place. ``layer`` is only read.
    """
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsField,
        QgsGeometry,
        QgsProject,
    )

    from capacitymetro_plugin.compat import FieldType
    from capacitymetro_plugin.core.registry.privacy import approximate_polygon

    from .make_styles import SECTOR_SYMBOLS
    from .styling import style_approximate_places

    if not isinstance(layer, QgsVectorLayer) or layer.fields().indexOf("location_privacy") < 0:
        return None
    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    to_wgs = QgsCoordinateTransform(layer.crs(), wgs, QgsProject.instance())
    has_sectors = layer.fields().indexOf("sectors") >= 0
    features = []
    for feature in layer.getFeatures():
        geometry = feature.geometry()
        if _privacy_of(feature) != "approximate" or geometry is None or geometry.isEmpty():
            continue
        point = geometry.centroid().asPoint()
        point = to_wgs.transform(point)
        hexagon = approximate_polygon(point.x(), point.y())
        sectors = str(feature["sectors"] or "") if has_sectors else ""
        first = sectors.split(";")[0].strip()
        out = QgsFeature()
        out.setGeometry(QgsGeometry.fromWkt(hexagon.wkt))
        out.setAttributes([sectors, SECTOR_SYMBOLS.get(first, ("#555555",))[0]])
        features.append(out)
    if not features:
        return None
    areas = QgsVectorLayer("Polygon?crs=EPSG:4326", name, "memory")
    areas.dataProvider().addAttributes(
        [QgsField("sectors", FieldType.String), QgsField("colour", FieldType.String)]
    )
    areas.updateFields()
    areas.dataProvider().addFeatures(features)
    areas.updateExtents()
    style_approximate_places(areas)
    areas.setCustomProperty(APPROXIMATE_PLACES_PROPERTY, True)
    return areas


def count_hidden(layer) -> int:
    """Return how many features of ``layer`` have ``location_privacy`` hidden (0 without it)."""
    if not isinstance(layer, QgsVectorLayer) or layer.fields().indexOf("location_privacy") < 0:
        return 0
    return sum(1 for f in layer.getFeatures() if _privacy_of(f) == "hidden")


def without_protected_places(layers, *, approximate_name: str = APPROXIMATE_PLACES_NAME):
    """Return (layers, hidden) for a public map: no exact point of a protected service.

    Each layer with a ``location_privacy`` field is replaced by an in-memory copy of its exact
    features only (same style), followed (drawn under it) by the hexagons of its approximate
    places (:func:`approximate_places_layer`, legend entry ``approximate_name``). The hidden
    ones are left out altogether; ``hidden`` counts them, for the map's subtitle.

    The layers given are not changed (no subset string is set on the user's layer).
    """
    from qgis.core import QgsFeatureRequest

    from capacitymetro_plugin.core.registry.privacy import public_map_filter

    out, hidden = [], 0
    for layer in layers:
        if not isinstance(layer, QgsVectorLayer) or layer.fields().indexOf("location_privacy") < 0:
            out.append(layer)
            continue
        copy = layer.materialize(QgsFeatureRequest().setFilterExpression(public_map_filter()))
        copy.setName(layer.name())
        if layer.renderer() is not None:
            copy.setRenderer(layer.renderer().clone())
        if layer.labeling() is not None:
            copy.setLabeling(layer.labeling().clone())
            copy.setLabelsEnabled(layer.labelsEnabled())
        hidden += count_hidden(layer)
        out.append(copy)
        areas = approximate_places_layer(layer, approximate_name)
        if areas is not None:
            out.append(areas)
    return out, hidden


def basemap_layer(source: str, name: str = "Basemap"):
    """Return the user's basemap as a raster layer, or raise a named :class:`InputError`.

    ``source`` is one of: an XYZ tile URL template with ``{z}``, ``{x}``, ``{y}``
    (``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, or ``file:///…/{z}/{x}/{y}.png`` for
    tiles on disk); ``wms:`` followed by a QGIS WMS/WMTS data source
    (``wms:crs=EPSG:3857&format=image/png&layers=…&styles=&url=https://…``); or a raster file
    on disk (GeoTIFF, MBTiles, GeoPackage tiles) for printing offline. No basemap is the
    default: printed maps never fetch tiles the user did not ask for.
    """
    from qgis.core import QgsDataSourceUri, QgsRasterLayer

    text = (source or "").strip()
    if all(key in text for key in ("{z}", "{x}", "{y}")):
        uri = QgsDataSourceUri()
        uri.setParam("type", "xyz")
        uri.setParam("url", text)
        uri.setParam("zmin", "0")
        uri.setParam("zmax", "19")
        layer = QgsRasterLayer(bytes(uri.encodedUri()).decode("utf-8"), name, "wms")
    elif text.lower().startswith("wms:"):
        layer = QgsRasterLayer(text[4:], name, "wms")
    elif text and Path(text).is_file():
        layer = QgsRasterLayer(text, name, "gdal")
    else:
        raise InputError(
            f"Basemap {text!r} is neither an XYZ tile URL, a wms: data source nor a raster file.",
            fix="Give an XYZ template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png, "
            "'wms:' followed by a QGIS WMS source, or a GeoTIFF/MBTiles file; leave it empty "
            "for no basemap.",
            it=f"La mappa di base {text!r} non è un URL di tile XYZ, una sorgente wms: né un "
            "file raster.",
            fix_it="Indica un modello XYZ come https://tile.openstreetmap.org/{z}/{x}/{y}.png, "
            "'wms:' seguito da una sorgente WMS di QGIS, o un file GeoTIFF/MBTiles; lascia vuoto "
            "per nessuna mappa di base.",
        )
    if not layer.isValid():
        why = layer.error().summary() if layer.error() is not None else ""
        raise InputError(
            f"Basemap {text!r} cannot be opened{': ' + why if why else ''}.",
            fix="Check the URL or the file (open it in QGIS as a layer first).",
            it=f"La mappa di base {text!r} non si apre{': ' + why if why else ''}.",
            fix_it="Controlla l'URL o il file (prova ad aprirlo in QGIS come layer).",
        )
    return layer


def build_layout(
    project: QgsProject,
    layers: Sequence[QgsMapLayer],
    *,
    title: str,
    area_name: str = "",
    date: str | None = None,
    paper: str = "a4_landscape",
    crs: QgsCoordinateReferenceSystem | None = None,
    extent: QgsRectangle | None = None,
    sources: str | None = None,
    atlas_layer: QgsVectorLayer | None = None,
    atlas_name_field: str | None = None,
    atlas_filter: str | None = None,
    legend_layers: Sequence[QgsMapLayer] | None = None,
    legend_title: str | None = None,
    legend_filter_by_map: bool = True,
    basemap: QgsMapLayer | None = None,
    basemap_credit: str | None = None,
) -> QgsPrintLayout:
    """Return a print layout of ``layers`` (top first) on ``paper``, ready to export.

    Parameters
    ----------
    project
        Project the layout belongs to (layers need not be in it).
    layers
        Map layers, drawn with the first on top; their current renderers are used.
    title, area_name, date
        Texts at the top; ``date`` defaults to today (ISO).
    paper
        ``"a4_landscape"`` or ``"a3_portrait"``.
    crs, extent
        Map CRS (default: the UTM zone of the layers) and extent (default: all layers, +5 %).
    sources
        Data sources and licences text (default: OSM ODbL, ISTAT CC-BY, registry).
    atlas_layer, atlas_name_field, atlas_filter
        When given, the layout is an atlas: one page per feature of ``atlas_layer`` (optionally
        filtered by an expression), the map zoomed to it, its name in the subtitle.
    legend_layers
        Layers shown in the legend (default: ``layers``).
    legend_title, legend_filter_by_map
        Legend heading (default: the template's); with ``legend_filter_by_map`` False every class
        of the layers is listed, even one with nothing in view.
    basemap, basemap_credit
        A raster layer drawn under all the others (see :func:`basemap_layer`), never in the
        legend nor in the default extent; its credit line is added to the sources text. The
        caller keeps the layer alive until the export (e.g. in ``project``, as every layer).
    """
    layers = [lyr for lyr in layers if lyr is not None]
    if not layers:
        raise InputError(
            "No layers to put on the map.",
            fix="Give at least one valid layer.",
            it="Nessun layer da mettere sulla mappa.",
            fix_it="Indica almeno un layer valido.",
        )
    invalid = [lyr.name() for lyr in layers if not lyr.isValid()]
    if invalid:
        raise InputError(
            f"Layers cannot be read: {', '.join(invalid)}.",
            fix="Check their data sources.",
            it=f"Layer non leggibili: {', '.join(invalid)}.",
            fix_it="Controlla le loro sorgenti dati.",
        )
    layout = load_template(project, paper)
    crs = crs if crs is not None and crs.isValid() else default_crs(layers, project)
    date = date or _dt.date.today().isoformat()

    _item(layout, "title").setText(title)
    subtitle = " — ".join(part for part in (area_name, date) if part)
    if atlas_layer is not None:
        subtitle = (area_name + " — " if area_name else "") + "[% @atlas_pagename %] — " + date
    _item(layout, "subtitle").setText(subtitle)
    if sources:
        _item(layout, "sources").setText(sources)
    if basemap is not None and basemap_credit:
        item = _item(layout, "sources")
        item.setText(item.text().rstrip() + "\n" + basemap_credit)

    map_item: QgsLayoutItemMap = _item(layout, "map")
    map_item.setCrs(crs)
    map_item.setLayers(list(layers) + ([basemap] if basemap is not None else []))
    map_item.setKeepLayerSet(True)
    if extent is None or extent.isEmpty():
        extent = area_extent(layers, crs, project)
        if extent.width() == 0 or extent.height() == 0:
            extent.grow(1000.0)
        extent.scale(1.05)
    map_item.zoomToExtent(extent)

    legend: QgsLayoutItemLegend = _item(layout, "legend")
    legend.setAutoUpdateModel(False)
    legend.setLinkedMap(map_item)
    if legend_title is not None:
        legend.setTitle(legend_title)
    legend.setLegendFilterByMapEnabled(legend_filter_by_map)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for lyr in legend_layers if legend_layers is not None else layers:
        root.addLayer(lyr)
    legend.adjustBoxSize()
    legend.refresh()

    for item_id in ("scalebar", "north_arrow"):
        item = layout.itemById(item_id)
        if item is not None:
            item.setLinkedMap(map_item)
    arrow = layout.itemById("north_arrow")
    if arrow is not None and not Path(arrow.picturePath()).exists():
        arrow.setPicturePath(north_arrow_path())  # a template made on another system
    layout.itemById("scalebar").update()

    if atlas_layer is not None:
        atlas = layout.atlas()
        atlas.setCoverageLayer(atlas_layer)
        atlas.setEnabled(True)
        atlas.setHideCoverage(False)
        name_field = atlas_name_field or _guess_name_field(atlas_layer)
        if name_field:
            atlas.setPageNameExpression(f'"{name_field}"')
            atlas.setSortFeatures(True)
            atlas.setSortExpression(f'"{name_field}"')
        if atlas_filter:
            expression = QgsExpression(atlas_filter)
            ok, error = not expression.hasParserError(), expression.parserErrorString()
            if ok:
                atlas.setFilterFeatures(True)
                ok, error = atlas.setFilterExpression(atlas_filter)
            if not ok:
                raise InputError(
                    f"Atlas filter {atlas_filter!r} is not a valid expression: {error}.",
                    fix="Write a QGIS expression, e.g. \"prov_istat_code\" = '027'.",
                    it=f"Il filtro dell'atlante {atlas_filter!r} non è un'espressione valida: {error}.",
                    fix_it="Scrivi un'espressione QGIS, es. \"prov_istat_code\" = '027'.",
                )
        map_item.setAtlasDriven(True)
        map_item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
        map_item.setAtlasMargin(0.10)
    return layout


def fit_title(layout: QgsLayout, *, min_size: float = 12.0) -> None:
    """Make the title fit its box: a smaller font (down to ``min_size``), else two lines.

    Long Italian titles were cut at the box's right edge; the text is measured in the font used.
    """
    from qgis.core import QgsLayoutUtils

    title = layout.itemById("title")
    if title is None:
        return
    text = title.text()
    font = QFont(title.font())
    width = title.rect().width()  # layout units (mm)
    size = font.pointSizeF()
    while size > min_size and QgsLayoutUtils.textWidthMM(font, text) > width:
        size -= 0.5
        font.setPointSizeF(size)
    if QgsLayoutUtils.textWidthMM(font, text) > width:
        words = text.split(" ")
        half = len(text) / 2
        best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - half))
        text = " ".join(words[:best]) + "\n" + " ".join(words[best:])
        title.setText(text)
        grow = QgsLayoutUtils.fontHeightMM(font) * 1.2
        title.attemptResize(
            QgsLayoutSize(width, title.rect().height() + grow, LayoutUnit.Millimeters)
        )
        for item_id in ("subtitle", "map", "legend"):
            item = layout.itemById(item_id)
            if item is not None:
                pos = item.positionWithUnits()
                item.attemptMove(QgsLayoutPoint(pos.x(), pos.y() + grow, LayoutUnit.Millimeters))
                if item_id != "subtitle":
                    size_ = item.sizeWithUnits()
                    item.attemptResize(
                        QgsLayoutSize(size_.width(), size_.height() - grow, LayoutUnit.Millimeters)
                    )
    title.setFont(font)


def _guess_name_field(layer: QgsVectorLayer) -> str | None:
    names = [f.name() for f in layer.fields()]
    for candidate in ("name", "comune_name", "COMUNE", "comune", "Nome_Isola", "NAME", "nome"):
        if candidate in names:
            return candidate
    return None


def _fail_export(path: Path, result: int, error: str = "") -> None:
    raise InputError(
        f"Exporting the map to {path} failed (QGIS layout exporter code {result}) {error}".strip(),
        fix="Check that the folder is writable and the file is not open in another program.",
        it=f"Esportazione della mappa in {path} non riuscita (codice {result}) {error}".strip(),
        fix_it="Controlla che la cartella sia scrivibile e il file non sia aperto in un altro programma.",
    )


def export_layout(layout: QgsPrintLayout, path: str | Path, *, dpi: float = 200.0) -> list[Path]:
    """Export ``layout`` to ``path`` (PDF or PNG by suffix); an atlas gives one page per feature.

    A PDF atlas is one file with a page per feature; a PNG atlas writes ``<stem>_<page name>.png``.
    Returns the written files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    exporter = QgsLayoutExporter(layout)
    atlas = layout.atlas()
    is_atlas = atlas.enabled() and atlas.coverageLayer() is not None
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = dpi
        settings.rasterizeWholeImage = False
        settings.forceVectorOutput = False
        # real text (not outlines): smaller files, searchable, and pdftotext can check it
        settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
        if is_atlas:
            result, error = QgsLayoutExporter.exportToPdf(atlas, str(path), settings)
            if result != QgsLayoutExporter.ExportResult.Success:
                _fail_export(path, result, error)
        else:
            result = exporter.exportToPdf(str(path), settings)
            if result != QgsLayoutExporter.ExportResult.Success:
                _fail_export(path, result, exporter.errorMessage())
        return [path]
    if suffix in (".png", ".jpg", ".jpeg"):
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = dpi
        if is_atlas:
            atlas.setFilenameExpression(f"'{path.stem}_' || @atlas_pagename")
            result, error = QgsLayoutExporter.exportToImage(
                atlas, str(path.parent / path.stem), suffix.lstrip("."), settings
            )
            if result != QgsLayoutExporter.ExportResult.Success:
                _fail_export(path, result, error)
            return sorted(path.parent.glob(f"{path.stem}_*{suffix}"))
        result = exporter.exportToImage(str(path), settings)
        if result != QgsLayoutExporter.ExportResult.Success:
            _fail_export(path, result, exporter.errorMessage())
        return [path]
    raise InputError(
        f"Cannot export a map to {path.name}: unknown format {suffix or '(none)'}.",
        fix="End the output file name with .pdf or .png.",
        it=f"Impossibile esportare una mappa in {path.name}: formato {suffix or '(nessuno)'} sconosciuto.",
        fix_it="Termina il nome del file con .pdf o .png.",
    )
