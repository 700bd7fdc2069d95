"""Maps and reports: export a printed coverage map (PDF/PNG), optionally an atlas per comune."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExpression,
    QgsProcessingParameterExtent,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
)

from capacitymetro_plugin.compat import AlgorithmFlag, SourceType
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.provider.base import CapaCityMetroAlgorithm

PAPER_KEYS = ["a4_landscape", "a3_portrait"]


class ExportCoverageMap(CapaCityMetroAlgorithm):
    """Export layers on the CapaCityMetro print layout to PDF/PNG (an atlas with a comune layer)."""

    NAME = "exportcoveragemap"
    DISPLAY_NAME = "Export coverage map"
    GROUP = CapaCityMetroAlgorithm.GROUP_MAPS
    SHORT_HELP = (
        "Puts the chosen layers (default: the visible layers of the project) on the CapaCityMetro "
        "print layout (A4 landscape or A3 portrait) with title, area, date, legend, scale bar, "
        "north arrow and data sources (OpenStreetMap ODbL, ISTAT CC-BY), and exports it to PDF or "
        "PNG. With an atlas layer (e.g. the comuni) it makes one page per feature, zoomed to it: "
        "a PDF with a page per comune."
    )

    LAYERS = "LAYERS"
    TITLE = "TITLE"
    AREA_NAME = "AREA_NAME"
    DATE = "DATE"
    PAPER = "PAPER"
    EXTENT = "EXTENT"
    ATLAS_LAYER = "ATLAS_LAYER"
    ATLAS_NAME_FIELD = "ATLAS_NAME_FIELD"
    ATLAS_FILTER = "ATLAS_FILTER"
    SOURCES = "SOURCES"
    APPLY_STYLES = "APPLY_STYLES"
    DPI = "DPI"
    INTERNAL = "INTERNAL"
    BASEMAP = "BASEMAP"
    BASEMAP_CREDIT = "BASEMAP_CREDIT"
    OUTPUT = "OUTPUT"
    PAGES = "PAGES"

    def flags(self):
        # Layout rendering must happen on the main thread.
        return super().flags() | AlgorithmFlag.NoThreading

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.LAYERS,
                self.tr("Layers on the map, top first (empty: visible layers of the project)"),
                SourceType.MapLayer,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TITLE,
                self.tr("Title"),
                defaultValue=self.tr("Services for migrants: coverage"),
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.AREA_NAME, self.tr("Area name"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.DATE, self.tr("Date (empty: today)"), optional=True)
        )
        self.add_enum(self.PAPER, "Paper", ["A4 landscape", "A3 portrait"], default=0)
        self.addParameter(
            QgsProcessingParameterExtent(
                self.EXTENT, self.tr("Map extent (empty: the analysis area)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.ATLAS_LAYER,
                self.tr("Atlas: one page per feature of (e.g. comuni)"),
                [SourceType.VectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ATLAS_NAME_FIELD,
                self.tr("Atlas page name field"),
                parentLayerParameterName=self.ATLAS_LAYER,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterExpression(
                self.ATLAS_FILTER,
                self.tr("Atlas filter (only features matching this expression)"),
                parentLayerParameterName=self.ATLAS_LAYER,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SOURCES,
                self.tr("Data sources and licences text (empty: OSM ODbL, ISTAT CC-BY, registry)"),
                multiLine=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.APPLY_STYLES,
                self.tr("Apply CapaCityMetro styles to layers not already in the project"),
                defaultValue=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DPI, self.tr("Resolution (dpi)"), defaultValue=200, minValue=50, maxValue=600
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.INTERNAL,
                self.tr(
                    "Internal map: also print the exact places of protected services "
                    "(approximate or hidden location); the map then says it is internal"
                ),
                defaultValue=False,
                optional=True,  # models written before the option still validate
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                self.BASEMAP,
                self.tr(
                    "Basemap under the map (e.g. an XYZ or WMS layer of the project, or a "
                    "GeoTIFF/MBTiles for offline printing; empty: none)"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.BASEMAP_CREDIT,
                self.tr(
                    "Basemap credit on the map (empty: the layer's attribution, else its name)"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, self.tr("Map file"), self.tr("PDF (*.pdf);;PNG (*.png)")
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, self.tr("Pages exported")))

    def execute(self, parameters: dict[str, Any], context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.maps.layout import build_layout, export_layout
        from capacitymetro_plugin.maps.styling import apply_style, style_atlas_coverage

        project = context.project() or QgsProject.instance()
        layers = self.parameterAsLayerList(parameters, self.LAYERS, context)
        if not layers:
            layers = [
                node.layer()
                for node in project.layerTreeRoot().findLayers()
                if node.isVisible() and node.layer() is not None
            ]
        if not layers:
            raise InputError(
                "No layers for the map: the Layers parameter is empty and the project has no visible layers.",
                fix="Choose the layers to print.",
                it="Nessun layer per la mappa: il parametro Layer è vuoto e il progetto non ha layer visibili.",
                fix_it="Scegli i layer da stampare.",
            )
        atlas_layer = self.parameterAsVectorLayer(parameters, self.ATLAS_LAYER, context)
        if self.parameterAsBool(parameters, self.APPLY_STYLES, context):
            for layer in layers:
                if project.mapLayer(layer.id()) is None:
                    apply_style(layer)
            if atlas_layer is not None and project.mapLayer(atlas_layer.id()) is None:
                if not apply_style(atlas_layer):
                    style_atlas_coverage(atlas_layer)
        map_layers = list(layers)
        if atlas_layer is not None and all(lyr.id() != atlas_layer.id() for lyr in layers):
            map_layers.append(atlas_layer)  # draw the atlas features under the rest

        # a public map never prints the exact place of a protected service (as the CLI maps):
        # approximate ones as their hexagon, hidden ones not at all; the user's layers are left
        # as they are, the map gets filtered copies
        from capacitymetro_plugin.maps.layout import without_protected_places

        internal = self.parameterAsBool(parameters, self.INTERNAL, context)
        protected = 0
        if internal:
            note = self.tr("INTERNAL: shows the exact places of protected services, do not publish")
        else:
            map_layers, protected = without_protected_places(map_layers)
            note = (
                self.tr("{n} services with a hidden place not on the map").format(n=protected)
                if protected
                else ""
            )
        if note:
            feedback.pushInfo(note)
        area_name = self.parameterAsString(parameters, self.AREA_NAME, context)
        area_name = " — ".join(x for x in (area_name, note) if x)

        extent = crs = None
        if parameters.get(self.EXTENT):
            from capacitymetro_plugin.maps.layout import default_crs

            crs = default_crs(map_layers, project)
            extent = self.parameterAsExtent(parameters, self.EXTENT, context, crs)
        basemap = self.parameterAsRasterLayer(parameters, self.BASEMAP, context)
        credit = self.parameterAsString(parameters, self.BASEMAP_CREDIT, context).strip()
        if basemap is not None:
            map_layers = [lyr for lyr in map_layers if lyr.id() != basemap.id()]
            if not credit:
                rights = "; ".join(basemap.metadata().rights())
                attribution = rights or basemap.attribution() or basemap.name()
                credit = self.tr("Basemap: {}").format(attribution)
        progress.report(0.1, self.tr("Building the layout"))
        layout = build_layout(
            project,
            map_layers,
            title=self.parameterAsString(parameters, self.TITLE, context),
            area_name=area_name,
            date=self.parameterAsString(parameters, self.DATE, context) or None,
            paper=PAPER_KEYS[self.parameterAsEnum(parameters, self.PAPER, context)],
            crs=crs,
            extent=extent,
            sources=self.parameterAsString(parameters, self.SOURCES, context) or None,
            atlas_layer=atlas_layer,
            atlas_name_field=self.parameterAsString(parameters, self.ATLAS_NAME_FIELD, context)
            or None,
            atlas_filter=self.parameterAsString(parameters, self.ATLAS_FILTER, context) or None,
            basemap=basemap,
            basemap_credit=credit or None,
        )
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        progress.report(0.3, self.tr("Exporting"))
        dpi = self.parameterAsDouble(parameters, self.DPI, context)
        files = export_layout(layout, output, dpi=dpi)
        pages = layout.atlas().count() if atlas_layer is not None else 1
        progress.report(1.0, self.tr("Map exported"))
        return {
            self.OUTPUT: output,
            self.PAGES: pages,
            "FILES": [str(f) for f in files],
            "PROTECTED_OMITTED": protected,
        }


ALGORITHMS = [ExportCoverageMap]
