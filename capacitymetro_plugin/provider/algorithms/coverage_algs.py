"""Coverage and indices: coverage per comune with gap polygons, E2SFCA, language access."""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from capacitymetro_plugin.compat import FieldParameterType, SourceType, parameter_as_fields
from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.provider.base import CapaCityMetroAlgorithm

# The options of defaults.E2SFCA_DECAYS, written out so that the translation build finds them
# (tests/qgis/test_coverage_algs.py checks the two agree).
DECAYS = ["stepped", "gaussian", "binary"]


class _CoverageBase(CapaCityMetroAlgorithm):
    """Shared inputs: network (prepared file or street layer), population zones, services."""

    GROUP = CapaCityMetroAlgorithm.GROUP_COVERAGE
    NETWORK = "NETWORK"
    STREETS = "STREETS"
    POPULATION = "POPULATION"
    POP_FIELD = "POP_FIELD"
    FOREIGN_FIELD = "FOREIGN_FIELD"
    CELL_SIZE = "CELL_SIZE"
    SERVICES = "SERVICES"
    SECTOR = "SECTOR"
    MAX_SNAP = "MAX_SNAP"

    def add_network_inputs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFile(
                self.NETWORK, self.tr("Prepared network (.npz)"), extension="npz", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.STREETS,
                self.tr(
                    "Street lines (walking network when no prepared network; also grid weights)"
                ),
                [SourceType.VectorLine],
                optional=True,
            )
        )
        self.add_number(
            self.MAX_SNAP, "Maximum distance from the network (m)", defaultValue=250.0, minValue=1.0
        )

    def add_population_inputs(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.POPULATION,
                self.tr("Population zones (comuni, sections, ...)"),
                [SourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POP_FIELD,
                self.tr("Residents field"),
                parentLayerParameterName=self.POPULATION,
                type=FieldParameterType.Numeric,
                defaultValue=defaults.POP_FIELD,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FOREIGN_FIELD,
                self.tr("Foreign residents field"),
                parentLayerParameterName=self.POPULATION,
                type=FieldParameterType.Numeric,
                defaultValue=defaults.FOREIGN_FIELD,
            )
        )
        self.add_number(
            self.CELL_SIZE, "Grid cell size (m)", defaultValue=defaults.CELL_SIZE_M, minValue=1.0
        )

    def add_service_inputs(self, sector: bool = True) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.SERVICES, self.tr("Services"), [SourceType.VectorPoint]
            )
        )
        self.add_skip_unlocated()
        if sector:
            self.addParameter(
                QgsProcessingParameterString(
                    self.SECTOR, self.tr("Sector code (empty: all services)"), optional=True
                )
            )

    # --- shared steps ----------------------------------------------------------------------------
    def network(self, parameters, context, feedback, progress):
        from capacitymetro_plugin.core.network import Network, network_from_lines

        path = self.parameterAsFile(parameters, self.NETWORK, context)
        if path:
            return Network.load(path)
        streets = self.read_vector(parameters, self.STREETS, context, feedback)
        if streets is None or len(streets) == 0:
            raise InputError(
                "No network: give a prepared network file or a street line layer.",
                fix="Run 'Prepare network' first, or choose a street layer.",
                it="Nessuna rete: indica un file di rete preparata o un layer di strade.",
                fix_it="Esegui prima 'Prepara rete' o scegli un layer di strade.",
            )
        return network_from_lines(streets, mode="walk", progress=progress)

    def services(self, parameters, context, feedback, progress):
        """Return (the services analysed, how many were skipped for lack of a location)."""
        services = self.read_vector(parameters, self.SERVICES, context, feedback)
        sector = (self.parameterAsString(parameters, self.SECTOR, context) or "").strip()
        return self.analysed_services(services, parameters, context, progress, sector=sector)

    def cells(self, parameters, context, feedback, progress):
        """Population grid cells (polygons) with ``pop_total`` and ``foreign``, metric CRS."""
        from capacitymetro_plugin.core.population import dasymetric_grid, residential_streets

        zones = self.read_vector(parameters, self.POPULATION, context, feedback)
        pop_f = parameter_as_fields(self, parameters, self.POP_FIELD, context)[0]
        for_f = parameter_as_fields(self, parameters, self.FOREIGN_FIELD, context)[0]
        absent = [f for f in (pop_f, for_f) if f not in zones.columns]
        if absent:
            raise InputError(
                f"The population layer has no field {', '.join(absent)}.",
                fix="Choose the residents and foreign residents fields of the population layer.",
                it=f"Il layer della popolazione non ha il campo {', '.join(absent)}.",
                fix_it="Scegli i campi dei residenti e dei residenti stranieri del layer.",
            )
        # assign, not rename: the two fields may be the same column, or collide with these names
        zones = zones.assign(pop_total=zones[pop_f], foreign=zones[for_f])
        streets = self.read_vector(parameters, self.STREETS, context, feedback)
        if streets is None:
            progress.info(
                "No street lines: residents are spread evenly over each zone (the CLI spreads "
                "them along residential streets; in a sample project choose 'Residential "
                "streets (grid weights)'). / Nessuna strada: residenti distribuiti uniformemente in "
                "ogni zona (scegli 'Strade residenziali (pesi della griglia)')."
            )
        grid = dasymetric_grid(
            zones,
            ["pop_total", "foreign"],
            cell_size=self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            weight_lines=residential_streets(streets) if streets is not None else None,
            progress=progress,
        )
        return grid.to_polygons()


class CoveragePerComune(_CoverageBase):
    """Served share, unserved people and median time per comune; ranked gap polygons."""

    NAME = "coveragepercomune"
    DISPLAY_NAME = "Coverage per comune and gap areas"
    SHORT_HELP = (
        "Spreads residents and foreign residents onto a grid, computes the travel time from every "
        "populated cell to the nearest service (of a sector) on the network, and summarises per "
        "comune and for the whole area: people within each threshold, served %, unserved people, "
        "median time. Gap areas: touching cells beyond the threshold with foreign residents, "
        "dissolved and ranked by unserved foreign residents."
    )
    AREAS = "AREAS"
    AREA_FIELD = "AREA_FIELD"
    THRESHOLDS = "THRESHOLDS"
    THRESHOLD = "THRESHOLD"
    MIN_FOREIGN = "MIN_FOREIGN"
    ADD = "ADD"
    CLOSE = "CLOSE"
    ID_FIELD = "ID_FIELD"
    OPEN_AT = "OPEN_AT"
    OPEN_STAY = "OPEN_STAY"
    OUTPUT = "OUTPUT"
    GAPS = "GAPS"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_inputs()
        self.add_population_inputs()
        self.add_service_inputs()
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AREAS,
                self.tr("Comuni (areas to summarise by)"),
                [SourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_FIELD,
                self.tr("Comune code field"),
                parentLayerParameterName=self.AREAS,
                defaultValue="com_istat_code",
            )
        )
        self.add_number_list(self.THRESHOLDS, "Thresholds (minutes)", defaults.minutes_text())
        self.add_number(
            self.THRESHOLD,
            "Service standard (minutes)",
            defaultValue=defaults.STANDARD_MIN,
            minValue=0.1,
        )
        self.add_number(
            self.MIN_FOREIGN,
            "Minimum foreign residents in a gap cell",
            defaultValue=defaults.GAP_MIN_FOREIGN,
            minValue=0.0,
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ADD,
                self.tr("What-if: services to add"),
                [SourceType.VectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.CLOSE,
                self.tr("What-if: identifiers of services to close (comma-separated)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD,
                self.tr("Service identifier field"),
                parentLayerParameterName=self.SERVICES,
                defaultValue="service_id",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.OPEN_AT,
                self.tr("Count services open on arrival at (e.g. martedì 15:00; empty: always)"),
                optional=True,
            )
        )
        self.add_number(
            self.OPEN_STAY, "...and open for this many minutes from the arrival (0: at arrival)",
            integer=True, defaultValue=0, minValue=0, optional=True,
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Coverage per comune"), SourceType.VectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.GAPS, self.tr("Gap areas"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        import numpy as np

        from capacitymetro_plugin.core.coverage import coverage_analysis
        from capacitymetro_plugin.core.registry.schedule import parse_open_at

        open_text = (self.parameterAsString(parameters, self.OPEN_AT, context) or "").strip()
        open_at = parse_open_at(open_text) if open_text else None  # as [analysis] open_at
        thresholds = self.parameter_as_number_list(parameters, self.THRESHOLDS, context)
        std = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        net = self.network(parameters, context, feedback, progress.step(0, 0.2))
        services, skipped = self.services(parameters, context, feedback, progress)
        sector = (self.parameterAsString(parameters, self.SECTOR, context) or "").strip()
        cells = self.cells(parameters, context, feedback, progress.step(0.2, 0.4))
        raw_close = self.parameterAsString(parameters, self.CLOSE, context) or ""
        id_fields = parameter_as_fields(self, parameters, self.ID_FIELD, context)
        min_foreign = self.parameterAsDouble(parameters, self.MIN_FOREIGN, context)
        result = coverage_analysis(
            net,
            cells,
            services,
            self.read_vector(parameters, self.AREAS, context, feedback),
            zone_field=parameter_as_fields(self, parameters, self.AREA_FIELD, context)[0],
            sectors=[sector or "all"],
            thresholds=thresholds,
            standard=std,
            min_foreign=min_foreign,
            id_field=id_fields[0] if id_fields else None,
            add=self.read_vector(parameters, self.ADD, context, feedback),
            close=[c.strip() for c in raw_close.replace(";", ",").split(",") if c.strip()],
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            open_at=open_at,
            open_stay_min=self.parameterAsInt(parameters, self.OPEN_STAY, context),
            progress=progress.step(0.4, 0.95),
        )
        if result.services_without_hours:
            progress.info(
                f"{result.services_without_hours} services have no readable opening hours and "
                f"count as open at {open_text}. / {result.services_without_hours} servizi senza "
                f"orari leggibili contano come aperti ({open_text})."
            )
        total = result.total(sector or "all")
        progress.info(
            f"Foreign residents within {std:g} min: {total['foreign_served_pct']:.1f}% "
            f"({total['foreign_unserved']:,.0f} unserved of {total['foreign']:,.0f})."
        )
        if len(result.gaps) == 0 and total["foreign_unserved"] > 0:
            progress.info(
                f"No gap area: no cell beyond {std:g} min holds more than {min_foreign:g} foreign "
                "residents; lower 'Minimum foreign residents in a gap cell' or spread residents "
                f"along streets. / Nessuna area scoperta: nessuna cella oltre {std:g} min ha più "
                f"di {min_foreign:g} stranieri residenti."
            )
        out = result.zones.drop(columns=["sector", "services"])
        gaps = result.gaps.drop(columns=["sector"])
        res = {
            self.OUTPUT: self.write_vector(
                out.replace([np.inf, -np.inf], np.nan),
                parameters,
                self.OUTPUT,
                context,
                style="coverage_comuni.qml",
            ),
            self.GAPS: self.write_vector(gaps, parameters, self.GAPS, context, style="gaps.qml"),
            self.SKIPPED: skipped,
        }
        progress.report(1.0, "")
        return res


def _parse_steps(text: str) -> list[tuple[float, float]]:
    steps = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            bound, weight = part.split(":")
            steps.append((float(bound), float(weight)))
        except ValueError as exc:
            raise InputError(
                f"Decay steps {text!r} are not in the form minutes:weight.",
                fix="Write e.g. 10:1,20:0.68,30:0.22.",
                it=f"Le soglie di decadimento {text!r} non sono nella forma minuti:peso.",
                fix_it="Scrivi ad es. 10:1,20:0.68,30:0.22.",
            ) from exc
    return steps


class E2sfcaAccessibility(_CoverageBase):
    """E2SFCA / 2SFCA accessibility per population cell, with a bivariate class."""

    NAME = "e2sfca"
    DISPLAY_NAME = "E2SFCA accessibility (capacity per foreign resident)"
    SHORT_HELP = (
        "Enhanced two-step floating catchment area (Luo & Qi 2009): service capacity as supply, "
        "foreign residents of each grid cell as demand, network travel time with stepped decay "
        "(default 10/20/30 min, weights 1/0.68/0.22), Gaussian decay, or binary 2SFCA "
        "(Luo & Wang 2003). Adds foreign_share and a 3×3 bivariate class (share × access)."
    )
    CAPACITY_FIELD = "CAPACITY_FIELD"
    DECAY = "DECAY"
    STEPS = "STEPS"
    THRESHOLD = "THRESHOLD"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_inputs()
        self.add_population_inputs()
        self.add_service_inputs()
        self.addParameter(
            QgsProcessingParameterField(
                self.CAPACITY_FIELD,
                self.tr("Capacity field (people per week; empty: 1 each)"),
                parentLayerParameterName=self.SERVICES,
                type=FieldParameterType.Numeric,
                defaultValue=defaults.CAPACITY_FIELD,
                optional=True,
            )
        )
        self.add_enum(
            self.DECAY, "Distance decay", DECAYS, default=DECAYS.index(defaults.E2SFCA_DECAY)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.STEPS,
                self.tr("Steps minutes:weight"),
                defaultValue=defaults.steps_text(),
            )
        )
        self.add_number(
            self.THRESHOLD,
            "Catchment (minutes, Gaussian and binary)",
            defaultValue=defaults.E2SFCA_THRESHOLD_MIN,
            minValue=0.1,
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("E2SFCA accessibility"), SourceType.VectorPolygon
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.coverage import service_times
        from capacitymetro_plugin.core.indices import catchment_min, e2sfca_cells

        decay = DECAYS[self.parameterAsEnum(parameters, self.DECAY, context)]
        steps = _parse_steps(self.parameterAsString(parameters, self.STEPS, context))
        threshold = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        net = self.network(parameters, context, feedback, progress.step(0, 0.2))
        services, skipped = self.services(parameters, context, feedback, progress)
        cap_fields = parameter_as_fields(self, parameters, self.CAPACITY_FIELD, context)
        cells = self.cells(parameters, context, feedback, progress.step(0.2, 0.4))
        reach = catchment_min(decay=decay, steps=steps, threshold=threshold)
        times = service_times(
            net,
            cells.assign(geometry=cells.centroid),
            services,
            cutoff_min=reach,
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            progress=progress.step(0.4, 0.9),
        )
        res = e2sfca_cells(
            cells,
            times,
            services,
            capacity_field=cap_fields[0] if cap_fields else None,
            decay=decay,
            steps=steps,
            threshold=threshold,
        )
        for note, note_it in zip_strict(res.notes, res.notes_it):
            progress.info(f"{note} / {note_it}")
        out = self.write_vector(res.cells, parameters, self.OUTPUT, context, style="e2sfca.qml")
        progress.report(1.0, "")
        return {self.OUTPUT: out, self.SKIPPED: skipped}


class LanguageAccess(_CoverageBase):
    """Share of foreign residents with a service in one of their languages within reach."""

    NAME = "languageaccess"
    DISPLAY_NAME = "Language access"
    SHORT_HELP = (
        "The foreign residents of the population zones are spread on a grid (as in 'Coverage per "
        "comune'); each cell gets its comune's citizenship mix and counts as served for a "
        "citizenship when a service within the threshold offers one of its main languages "
        "(citizenship → languages table shipped with sources). The same method as the CLI. "
        "Writes the share served per comune and the largest unserved citizenship groups (CSV)."
    )
    AREA_FIELD = "AREA_FIELD"
    CITIZENSHIP = "CITIZENSHIP"
    LANGUAGE_FIELD = "LANGUAGE_FIELD"
    THRESHOLD = "THRESHOLD"
    OUTPUT = "OUTPUT"
    GROUPS = "GROUPS"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_network_inputs()
        self.add_population_inputs()
        self.addParameter(
            QgsProcessingParameterField(
                self.AREA_FIELD,
                self.tr("Comune code field of the population zones"),
                parentLayerParameterName=self.POPULATION,
                defaultValue="com_istat_code",
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.CITIZENSHIP,
                self.tr(
                    "Foreign residents by citizenship (ISTAT CSV, or the top-citizenships table)"
                ),
                extension="csv",
            )
        )
        self.add_service_inputs()
        self.addParameter(
            QgsProcessingParameterField(
                self.LANGUAGE_FIELD,
                self.tr("Languages field of the services"),
                parentLayerParameterName=self.SERVICES,
                defaultValue="languages",
            )
        )
        self.add_number(
            self.THRESHOLD, "Threshold (minutes)", defaultValue=defaults.STANDARD_MIN, minValue=0.1
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                self.OUTPUT, self.tr("Language access per area"), SourceType.VectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.GROUPS, self.tr("Unserved citizenship groups"), "CSV files (*.csv)"
            )
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        import geopandas as gpd

        from capacitymetro_plugin.core.coverage import service_times
        from capacitymetro_plugin.core.indices import language_access_grid, read_citizenship_mix

        threshold = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        net = self.network(parameters, context, feedback, progress.step(0, 0.2))
        services, skipped = self.services(parameters, context, feedback, progress)
        lang_field = parameter_as_fields(self, parameters, self.LANGUAGE_FIELD, context)[0]
        zones = self.read_vector(parameters, self.POPULATION, context, feedback)
        field = parameter_as_fields(self, parameters, self.AREA_FIELD, context)[0]
        if field not in zones.columns:
            raise InputError(
                f"The population layer has no field {field!r}.",
                fix="Choose the field with the comuni's 6-digit ISTAT codes.",
                it=f"Il layer della popolazione non ha il campo {field!r}.",
                fix_it="Scegli il campo con i codici ISTAT a 6 cifre dei comuni.",
            )
        codes = zones[field].astype(str).str.zfill(6)
        mix, ref = read_citizenship_mix(
            self.parameterAsFile(parameters, self.CITIZENSHIP, context), comuni=sorted(set(codes))
        )
        cells = self.cells(parameters, context, feedback, progress.step(0.2, 0.4))
        # each cell's comune: the zone nearest its centre (holding it, for all but edge cells)
        centres = gpd.GeoDataFrame(geometry=cells.centroid, crs=cells.crs)
        areas_m = gpd.GeoDataFrame({"area": codes}, geometry=zones.geometry, crs=zones.crs)
        holder = gpd.sjoin_nearest(centres, areas_m.to_crs(cells.crs), how="left")
        holder = holder[~holder.index.duplicated()]
        cells = cells.assign(area=holder["area"].to_numpy())
        times = service_times(
            net,
            cells.assign(geometry=cells.centroid),
            services,
            cutoff_min=threshold,
            max_snap_m=self.parameterAsDouble(parameters, self.MAX_SNAP, context),
            progress=progress.step(0.4, 0.9),
        )
        langs = services[lang_field].fillna("").astype(str).tolist()
        _cells, per_area, groups, _ = language_access_grid(
            cells, times.minutes, langs, mix, threshold=threshold
        )
        progress.info(f"Citizenships: {ref} / Cittadinanze: {ref}")
        keep = [c for c in ("name", "comune_name") if c in zones.columns]
        areas = zones[keep + ["geometry"]].assign(**{field: codes}).dissolve(by=field).reset_index()
        out = areas.merge(per_area.rename(columns={"area": field}), on=field, how="inner")
        csv = self.parameterAsFileOutput(parameters, self.GROUPS, context)
        groups.rename(columns={"area": field}).to_csv(csv, index=False)
        res = {
            self.OUTPUT: self.write_vector(
                out, parameters, self.OUTPUT, context, style="language_access.qml"
            ),
            self.GROUPS: csv,
            self.SKIPPED: skipped,
        }
        progress.report(1.0, "")
        return res


ALGORITHMS = [CoveragePerComune, E2sfcaAccessibility, LanguageAccess]
