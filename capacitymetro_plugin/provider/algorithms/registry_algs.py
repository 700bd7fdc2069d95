"""Service registry algorithms: import services, validate a registry, export and validate HSDS
3.0, sample, geocode, candidate services from OpenStreetMap, the changes since a date.

Each algorithm reads its parameters, calls :mod:`capacitymetro_plugin.core.registry` and writes
the outputs; validation reports go to a table (one row per issue, English and Italian message).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from capacitymetro_plugin.compat import FieldType, FileBehavior, SourceType, WkbType
from capacitymetro_plugin.core.errors import ValidationError
from capacitymetro_plugin.provider.base import CapaCityMetroAlgorithm, tr

if TYPE_CHECKING:  # the validator imports geopandas: only inside execute (see provider.base)
    from capacitymetro_plugin.core.registry.validation import ValidationReport


class _RegistryAlgorithm(CapaCityMetroAlgorithm):
    GROUP = CapaCityMetroAlgorithm.GROUP_REGISTRY
    REGISTRY = "REGISTRY"
    OUTPUT = "OUTPUT"

    def add_report_sink(self) -> None:
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Validation report"), SourceType.Vector
            )
        )

    def write_report(self, report: ValidationReport, parameters, context) -> str:
        """Write the issues as a table (no geometry) to the ``OUTPUT`` sink; return its id."""
        fields = QgsFields()
        fields.append(QgsField("row", FieldType.Int))
        for name in ("service_id", "name", "field", "code", "severity", "message", "message_it"):
            fields.append(QgsField(name, FieldType.String))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, WkbType.NoGeometry
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for issue in report:
            feat = QgsFeature(fields)
            feat.setAttributes(
                [
                    issue.row,
                    issue.service_id,
                    issue.name,
                    issue.field,
                    issue.code,
                    issue.severity,
                    issue.message,
                    issue.message_it,
                ]
            )
            sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert)
        return dest_id

    def registry_path(self, parameters, context) -> str:
        path = self.parameterAsFile(parameters, self.REGISTRY, context) or self.parameterAsString(
            parameters, self.REGISTRY, context
        )
        if not path:
            raise QgsProcessingException(self.tr("Choose a registry GeoPackage."))
        return path


class ImportServicesAlgorithm(_RegistryAlgorithm):
    """Import services from a point layer or a CSV file into a registry GeoPackage."""

    NAME = "import_services"
    DISPLAY_NAME = "Import services"
    SHORT_HELP = (
        "Imports services from a point layer or a CSV file (lat/lon or WKT columns, ';' or ',' "
        "separated, UTF-8 or Latin-1) into a new or existing registry GeoPackage. Columns are "
        "named like the registry fields (name, sectors, operator_type, languages, ...). Rows with "
        "errors are listed in the report; unless 'Accept partial import' is checked, nothing is "
        "written when any row has an error."
    )
    INPUT = "INPUT"
    CSV = "CSV"
    CRS = "CRS"
    LON_FIELD = "LON_FIELD"
    LAT_FIELD = "LAT_FIELD"
    WKT_FIELD = "WKT_FIELD"
    ACCEPT_PARTIAL = "ACCEPT_PARTIAL"
    IMPORTED = "IMPORTED"
    REJECTED = "REJECTED"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT,
                self.tr("Services layer (points)"),
                [SourceType.VectorPoint, SourceType.Vector],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.CSV,
                self.tr("Or a CSV file of services"),
                extension="csv",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterCrs(
                self.CRS,
                self.tr("CRS of the CSV coordinates (default EPSG:4326)"),
                defaultValue="EPSG:4326",
                optional=True,
            )
        )
        for key, label in (
            (self.LON_FIELD, "CSV longitude / x column (default: lon, longitude, x)"),
            (self.LAT_FIELD, "CSV latitude / y column (default: lat, latitude, y)"),
            (self.WKT_FIELD, "CSV WKT column (default: wkt)"),
        ):
            self.addParameter(QgsProcessingParameterString(key, self.tr(label), optional=True))
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ACCEPT_PARTIAL,
                self.tr("Accept partial import (import the good rows only)"),
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REGISTRY,
                self.tr("Registry GeoPackage (created if missing, else added to)"),
                fileFilter="GeoPackage (*.gpkg)",
            )
        )
        self.add_report_sink()
        self.addOutput(QgsProcessingOutputNumber(self.IMPORTED, self.tr("Services imported")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED, self.tr("Rows rejected")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry import exchange
        from capacitymetro_plugin.core.registry.registry import Registry

        path = Path(self.registry_path(parameters, context))
        registry = Registry.open(path) if path.exists() else Registry.create(path)
        csv_path = self.parameterAsFile(parameters, self.CSV, context)
        read = progress.step(0.0, 0.6)
        if csv_path:
            crs = self.parameterAsCrs(parameters, self.CRS, context)
            parsed = exchange.read_services_file(
                csv_path,
                crs=crs.toWkt() if crs.isValid() else 4326,
                lon_column=self.parameterAsString(parameters, self.LON_FIELD, context) or None,
                lat_column=self.parameterAsString(parameters, self.LAT_FIELD, context) or None,
                wkt_column=self.parameterAsString(parameters, self.WKT_FIELD, context) or None,
                organizations=registry.organizations(),
                progress=read,
            )
        else:
            gdf = self.read_vector(parameters, self.INPUT, context, feedback)
            if gdf is None:
                raise QgsProcessingException(self.tr("Give a services layer or a CSV file."))
            parsed = exchange.parse_layer(
                gdf, organizations=registry.organizations(), progress=read
            )
        accept = self.parameterAsBoolean(parameters, self.ACCEPT_PARTIAL, context)
        progress.report(0.7, self.tr("Validating and writing"))
        try:
            result = exchange.import_services(registry, parsed, accept_partial=accept)
            report, imported, rejected = (
                result.report,
                len(result.imported),
                len(result.rejected_rows),
            )
        except ValidationError as exc:
            report, imported, rejected = exc.report, 0, len(exc.report.bad_rows())
            feedback.reportError(exc.localized(_language()), fatalError=False)
        feedback.pushInfo(
            self.tr("{} services imported, {} rows rejected, {} issues reported.").format(
                imported, rejected, len(report)
            )
        )
        dest = self.write_report(report, parameters, context)
        progress.report(1.0)
        return {
            self.REGISTRY: str(path),
            self.OUTPUT: dest,
            self.IMPORTED: imported,
            self.REJECTED: rejected,
        }


class ValidateRegistryAlgorithm(_RegistryAlgorithm):
    """Validate every service of a registry and write the report table."""

    NAME = "validate_registry"
    DISPLAY_NAME = "Validate registry"
    SHORT_HELP = (
        "Checks every service of a registry: required fields, sectors, operator types, ISO 639-1 "
        "languages, missing or invalid locations, points outside their declared comune or "
        "metropolitan area (ISTAT boundaries), probable duplicates, entries not verified for N "
        "months, opening-hours errors, e-mails, web addresses and phone numbers."
    )
    BOUNDARIES = "BOUNDARIES"
    STALE_MONTHS = "STALE_MONTHS"
    DUPLICATE_DISTANCE = "DUPLICATE_DISTANCE"
    CHECKED = "CHECKED"
    ERRORS = "ERRORS"
    WARNINGS = "WARNINGS"
    TO_PLACE = "TO_PLACE"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.REGISTRY, self.tr("Registry GeoPackage"), extension="gpkg"
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.BOUNDARIES,
                self.tr(
                    "Comune boundaries GeoPackage (layer 'comuni'; default: all of Italy, ISTAT 2023)"
                ),
                extension="gpkg",
                optional=True,
            )
        )
        self.add_number(
            self.STALE_MONTHS,
            "Stale after (months without verification)",
            integer=True,
            defaultValue=12,
            minValue=1,
        )
        self.add_number(
            self.DUPLICATE_DISTANCE,
            "Probable duplicates: similar names within (m)",
            defaultValue=150.0,
            minValue=0.0,
        )
        self.add_report_sink()
        for key, label in (
            (self.CHECKED, "Services checked"),
            (self.ERRORS, "Errors"),
            (self.WARNINGS, "Warnings"),
            (self.TO_PLACE, "Services to place on the map"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry.boundaries import load_comuni
        from capacitymetro_plugin.core.registry.registry import Registry
        from capacitymetro_plugin.core.registry.validation import validate

        registry = Registry.open(self.registry_path(parameters, context))
        progress.report(0.1, self.tr("Loading comune boundaries"))
        boundaries = self.parameterAsFile(parameters, self.BOUNDARIES, context)
        comuni = load_comuni(boundaries or None)
        progress.report(0.4, self.tr("Checking services"))
        report = validate(
            registry,
            comuni=comuni,
            stale_months=self.parameterAsInt(parameters, self.STALE_MONTHS, context),
            duplicate_distance_m=self.parameterAsDouble(
                parameters, self.DUPLICATE_DISTANCE, context
            ),
            progress=progress.step(0.4, 0.9),
        )
        feedback.pushInfo(report.summary())
        dest = self.write_report(report, parameters, context)
        progress.report(1.0)
        return {
            self.OUTPUT: dest,
            self.CHECKED: report.checked,
            self.ERRORS: len(report.errors),
            self.WARNINGS: len(report.warnings),
            self.TO_PLACE: sum(1 for i in report if i.code == "missing_geometry"),
        }


class ExportHsdsAlgorithm(_RegistryAlgorithm):
    """Export a registry as Open Referral HSDS 3.0 (JSON file or tabular CSV datapackage)."""

    NAME = "export_hsds"
    DISPLAY_NAME = "Export HSDS 3.0"
    SHORT_HELP = (
        "Exports the services and organizations of a registry in the Open Referral Human "
        "Services Data Specification 3.0: one JSON file (full service objects) and/or a tabular "
        "CSV datapackage folder. A public export (the default) leaves out internal notes and "
        "contact names. The files written are then checked against the HSDS 3.0 JSON schemas "
        "shipped with the plugin (unless unticked): each schema error is listed in the log."
    )
    PUBLIC = "PUBLIC"
    OUTPUT_JSON = "OUTPUT_JSON"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    SERVICES = "SERVICES"
    VALIDATE = "VALIDATE"
    VALIDATION_ERRORS = "VALIDATION_ERRORS"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.REGISTRY, self.tr("Registry GeoPackage"), extension="gpkg"
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.PUBLIC,
                self.tr("Public export (without internal notes and contact names)"),
                defaultValue=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_JSON,
                self.tr("HSDS JSON file"),
                fileFilter="JSON (*.json)",
                optional=True,
                createByDefault=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.OUTPUT_FOLDER,
                self.tr("HSDS tabular datapackage folder (CSV)"),
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.VALIDATE,
                self.tr("Validate the export against the HSDS 3.0 schemas"),
                defaultValue=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.SERVICES, self.tr("Services exported")))
        self.addOutput(
            QgsProcessingOutputNumber(self.VALIDATION_ERRORS, self.tr("HSDS schema errors"))
        )

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry import hsds
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry.open(self.registry_path(parameters, context))
        public = self.parameterAsBoolean(parameters, self.PUBLIC, context)
        json_path = self.parameterAsFileOutput(parameters, self.OUTPUT_JSON, context)
        folder = (
            self.parameterAsFileOutput(parameters, self.OUTPUT_FOLDER, context)
            if parameters.get(self.OUTPUT_FOLDER)
            else ""
        )
        if not json_path and not folder:
            raise QgsProcessingException(
                self.tr("Choose an HSDS JSON file and/or a datapackage folder to write.")
            )
        out: dict[str, Any] = {}
        if json_path:
            progress.report(0.2, self.tr("Writing HSDS JSON"))
            out[self.OUTPUT_JSON] = str(hsds.export_hsds_json(registry, json_path, public=public))
        if folder:
            progress.report(0.6, self.tr("Writing HSDS datapackage"))
            out[self.OUTPUT_FOLDER] = str(
                hsds.export_hsds_datapackage(registry, folder, public=public)
            )
        out[self.SERVICES] = len(registry.services())
        if self.parameterAsBoolean(parameters, self.VALIDATE, context):
            progress.report(0.8, self.tr("Validating against the HSDS 3.0 schemas"))
            try:
                errors = [
                    error
                    for path in (json_path, folder)
                    if path
                    for error in hsds.validate_hsds_path(path)
                ]
            except ImportError as exc:  # the files are written: say why they are not checked
                feedback.reportError(str(exc), False)
            else:
                report_hsds_errors(feedback, errors, hsds.hsds_schema_dir())
                out[self.VALIDATION_ERRORS] = len(errors)
        progress.report(1.0)
        return out


class ValidateHsdsAlgorithm(_RegistryAlgorithm):
    """Validate an HSDS JSON file or tabular datapackage against the official JSON schemas."""

    NAME = "validate_hsds"
    DISPLAY_NAME = "Validate HSDS file"
    SHORT_HELP = (
        "Checks an Open Referral HSDS file (a JSON document, an array of services, or the "
        "datapackage.json of a tabular CSV datapackage) against the official HSDS JSON schemas: "
        "by default the HSDS 3.0 schemas shipped with the plugin. Each schema error is listed in "
        "the log; nothing is imported."
    )
    INPUT = "INPUT"
    SCHEMA_DIR = "SCHEMA_DIR"
    ERRORS = "ERRORS"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.INPUT,
                self.tr("HSDS JSON file or datapackage.json"),
                fileFilter="JSON (*.json)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.SCHEMA_DIR,
                self.tr("HSDS schema folder (empty: the HSDS 3.0 schemas shipped with the plugin)"),
                behavior=FileBehavior.Folder,
                optional=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ERRORS, self.tr("HSDS schema errors")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry import hsds

        path = self.parameterAsFile(parameters, self.INPUT, context)
        schema_dir = self.parameterAsFile(parameters, self.SCHEMA_DIR, context) or None
        progress.report(0.1, self.tr("Validating against the HSDS schemas"))
        errors = hsds.validate_hsds_path(path, schema_dir)
        report_hsds_errors(feedback, errors, schema_dir or hsds.hsds_schema_dir())
        progress.report(1.0)
        return {self.ERRORS: len(errors)}


# A user fixing a file reads the first errors; thousands of lines would bury the summary.
_SHOWN_ERRORS = 50


def report_hsds_errors(feedback, errors: list[str], schema_dir) -> None:
    """Log where the schemas came from and each schema error (the first ones) to ``feedback``."""
    feedback.pushInfo(tr("HSDS schemas: {}").format(schema_dir))
    for error in errors[:_SHOWN_ERRORS]:
        feedback.reportError(error, False)
    if len(errors) > _SHOWN_ERRORS:
        feedback.reportError(
            tr("... and {} more HSDS schema errors.").format(len(errors) - _SHOWN_ERRORS), False
        )
    if errors:
        feedback.reportError(tr("Not valid HSDS: {} schema errors.").format(len(errors)), False)
    else:
        feedback.pushInfo(tr("Valid HSDS: no schema errors."))


class BuildSampleRegistryAlgorithm(_RegistryAlgorithm):
    """Build the real sample registry from the project's open-data folder."""

    NAME = "build_sample_registry"
    DISPLAY_NAME = "Build sample registry"
    SHORT_HELP = (
        "Builds a registry GeoPackage from servizi_migranti_da_pagine_web.csv (59 services in "
        "Trento, Venezia, Bari and Pioltello, transcribed from web pages) plus six good-practice "
        "sheets from Italian integration projects, placed at comune level."
    )
    DATA_DIR = "DATA_DIR"
    SERVICES_COUNT = "SERVICES"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.DATA_DIR,
                self.tr("Data folder (holding servizi_migranti_da_pagine_web.csv)"),
                behavior=FileBehavior.Folder,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REGISTRY,
                self.tr("Sample registry GeoPackage"),
                fileFilter="GeoPackage (*.gpkg)",
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.SERVICES_COUNT, self.tr("Services")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry.sample import build_sample_registry

        data_dir = self.parameterAsFile(parameters, self.DATA_DIR, context)
        path = self.parameterAsFileOutput(parameters, self.REGISTRY, context)
        registry = build_sample_registry(data_dir, path, progress=progress)
        return {self.REGISTRY: str(registry.path), self.SERVICES_COUNT: len(registry.services())}


class GeocodeRegistryAlgorithm(_RegistryAlgorithm):
    """Place the services that have an address but no point (OSM extract offline, Nominatim)."""

    NAME = "geocode_registry"
    DISPLAY_NAME = "Geocode registry"
    SHORT_HELP = (
        "Gives a point to the services of a registry that have an address but no location. "
        "Offline, it matches the addresses (street and house number) and street names of a local "
        "OpenStreetMap extract (.osm.pbf); online, if allowed, it asks Nominatim (cached, one "
        "request per second). Each service gets a match score (0-1) and a level (house number, "
        "street, none). Points placed by hand are never moved. The report lists every service: "
        "matched, unmatched with the reason (place these on the map), or skipped."
    )
    OSM_EXTRACT = "OSM_EXTRACT"
    STOPS = "STOPS"
    NOMINATIM = "NOMINATIM"
    MIN_SCORE = "MIN_SCORE"
    REGEOCODE = "REGEOCODE"
    DRY_RUN = "DRY_RUN"
    MATCHED = "MATCHED"
    UNMATCHED = "UNMATCHED"

    def initAlgorithm(self, config=None):  # noqa: N802
        from capacitymetro_plugin.core import defaults

        self.addParameter(
            QgsProcessingParameterFile(
                self.REGISTRY, self.tr("Registry GeoPackage"), extension="gpkg"
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.OSM_EXTRACT,
                self.tr("OpenStreetMap extract of the area (.osm.pbf or .osm)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.STOPS,
                self.tr(
                    "Bus stops whose names name their street (GTFS .zip or stops layer): "
                    "approximate places for what the extract does not match"
                ),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.NOMINATIM,
                self.tr("Ask Nominatim (online) for addresses the extract does not match"),
                defaultValue=False,
            )
        )
        self.add_number(
            self.MIN_SCORE,
            "Minimum match score (0-1)",
            defaultValue=defaults.GEOCODE_MIN_SCORE,
            minValue=0.0,
            maxValue=1.0,
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.REGEOCODE,
                self.tr("Redo services geocoded before (hand-placed points are always kept)"),
                defaultValue=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.DRY_RUN, self.tr("Report only (change nothing)"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Geocoding report"), SourceType.Vector
            )
        )
        for key, label in (
            (self.MATCHED, "Services geocoded"),
            (self.UNMATCHED, "Services to place on the map"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry.geocode import geocode_registry
        from capacitymetro_plugin.core.registry.nominatim import Nominatim
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry.open(self.registry_path(parameters, context))
        extract = self.parameterAsFile(parameters, self.OSM_EXTRACT, context) or None
        online = self.parameterAsBool(parameters, self.NOMINATIM, context)
        report = geocode_registry(
            registry,
            osm_extract=extract,
            nominatim=Nominatim() if online else None,
            min_score=self.parameterAsDouble(parameters, self.MIN_SCORE, context),
            regeocode=self.parameterAsBool(parameters, self.REGEOCODE, context),
            dry_run=self.parameterAsBool(parameters, self.DRY_RUN, context),
            progress=progress,
            stops=self.parameterAsFile(parameters, self.STOPS, context) or None,
        )
        feedback.pushInfo(report.summary(_language()))
        frame = report.to_frame()
        fields = QgsFields()
        for name in frame.columns:
            kind = FieldType.Double if name in ("score", "lon", "lat") else FieldType.String
            fields.append(QgsField(name, kind))
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, WkbType.NoGeometry
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for row in frame.itertuples(index=False):
            feat = QgsFeature(fields)
            feat.setAttributes([None if v is None or v != v else v for v in row])
            sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert)
        return {
            self.OUTPUT: dest,
            self.MATCHED: report.count("matched"),
            self.UNMATCHED: report.count("unmatched"),
        }


class ServicesFromOsmAlgorithm(_RegistryAlgorithm):
    """Candidate services from an OpenStreetMap extract or Overpass response, to verify."""

    NAME = "services_from_osm"
    DISPLAY_NAME = "Services from OpenStreetMap"
    SHORT_HELP = (
        "Finds candidate services (social facilities, government offices, town halls, the "
        "Questura, job centres, CPIA, health centres, community centres...) in an OpenStreetMap "
        "extract (.osm.pbf) or an Overpass JSON response, inside the area, with the tag table of "
        "docs/osm_registry.md. Places of worship and tourism are never services. Candidates "
        "already in the registry (same OSM object, or same name within the distance) are "
        "skipped; the new ones are added with status 'to verify', which analyses leave out "
        "until someone checks them and sets them active."
    )
    SOURCE = "SOURCE"
    AREA = "AREA"
    AREA_NAME = "AREA_NAME"
    DEDUPE_M = "DEDUPE_M"
    DRY_RUN = "DRY_RUN"
    FOUND = "FOUND"
    ADDED = "ADDED"
    DUPLICATES = "DUPLICATES"

    def initAlgorithm(self, config=None):  # noqa: N802
        from capacitymetro_plugin.core.registry.osm_candidates import DEDUPE_M

        self.addParameter(
            QgsProcessingParameterFile(
                self.SOURCE,
                self.tr("OpenStreetMap extract (.osm.pbf, .osm) or Overpass response (.json)"),
                fileFilter="OpenStreetMap (*.pbf *.osm *.json)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.AREA,
                self.tr("Area (polygons; default: the whole extract)"),
                [SourceType.VectorPolygon],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.AREA_NAME,
                self.tr("Or an area by name or ISTAT code (e.g. comune:trento, 027042)"),
                optional=True,
            )
        )
        self.add_number(
            self.DEDUPE_M,
            "Same name within this distance is a duplicate (m)",
            defaultValue=DEDUPE_M,
            minValue=0.0,
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.DRY_RUN, self.tr("Only report, write nothing"), defaultValue=False
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REGISTRY,
                self.tr("Registry GeoPackage (created if missing, else added to)"),
                fileFilter="GeoPackage (*.gpkg)",
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.FOUND, self.tr("Candidate services found")))
        self.addOutput(QgsProcessingOutputNumber(self.ADDED, self.tr("Services added")))
        self.addOutput(QgsProcessingOutputNumber(self.DUPLICATES, self.tr("Duplicates skipped")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry.osm_candidates import registry_from_osm

        area = self.read_vector(parameters, self.AREA, context, feedback)
        if area is None:
            area = self.parameterAsString(parameters, self.AREA_NAME, context).strip() or None
        path = self.registry_path(parameters, context)
        result = registry_from_osm(
            self.parameterAsFile(parameters, self.SOURCE, context),
            path,
            area=area,
            dedupe_m=self.parameterAsDouble(parameters, self.DEDUPE_M, context),
            write=not self.parameterAsBoolean(parameters, self.DRY_RUN, context),
            language=_language(),
            progress=progress,
        )
        for line in result.describe(_language()).splitlines():
            feedback.pushInfo(line)
        return {
            self.REGISTRY: str(path),
            self.FOUND: len(result.found.candidates),
            self.ADDED: len(result.added) if result.written else 0,
            self.DUPLICATES: len(result.duplicates),
        }


def _language() -> str:
    from capacitymetro_plugin.provider.base import user_language

    return user_language()


class RegistryChangesAlgorithm(_RegistryAlgorithm):
    """What changed in a registry since a date (per area): one row per changed field."""

    NAME = "registry_changes"
    DISPLAY_NAME = "Registry changes since…"
    SHORT_HELP = (
        "Lists what changed in a registry GeoPackage since a date or time (UTC unless it says): "
        "services, their translations, organizations, good-practice sheets and links, one row "
        "per changed field with who, when, the old and the new value; deleted services too. "
        "With area codes (comuni of 6 digits or provinces of 3, comma-separated; a metropolitan "
        "city's 2xx is its province) only the services located there, their translations and "
        "links. The same core call as 'capacitymetro changes'."
    )
    SINCE = "SINCE"
    AREA = "AREA"
    CHANGES = "CHANGES"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFile(
                self.REGISTRY, self.tr("Registry GeoPackage"), extension="gpkg"
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SINCE, self.tr("Changes since (date or time, e.g. 2026-11-01)")
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.AREA,
                self.tr("Area codes, comma-separated (empty: the whole registry)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Changes"), SourceType.Vector)
        )
        self.addOutput(QgsProcessingOutputNumber(self.CHANGES, self.tr("Changes listed")))

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        from capacitymetro_plugin.core.registry.changes import COLUMNS, changes_since
        from capacitymetro_plugin.core.registry.registry import Registry

        registry = Registry.open(self.registry_path(parameters, context))
        since = self.parameterAsString(parameters, self.SINCE, context)
        raw = self.parameterAsString(parameters, self.AREA, context) or ""
        area = [a.strip() for a in raw.replace(";", ",").split(",") if a.strip()] or None
        progress.report(0.2, self.tr("Reading the history"))
        rows = changes_since(registry, since, area=area)
        fields = QgsFields()
        for name in COLUMNS:
            fields.append(QgsField(name, FieldType.String))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, WkbType.NoGeometry
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        for row in rows:
            feat = QgsFeature(fields)
            feat.setAttributes([str(row.get(c, "")) for c in COLUMNS])
            sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert)
        progress.report(1.0)
        return {self.OUTPUT: dest_id, self.CHANGES: len(rows)}


ALGORITHMS = [
    ImportServicesAlgorithm,
    ValidateRegistryAlgorithm,
    ExportHsdsAlgorithm,
    ValidateHsdsAlgorithm,
    BuildSampleRegistryAlgorithm,
    GeocodeRegistryAlgorithm,
    ServicesFromOsmAlgorithm,
    RegistryChangesAlgorithm,
]
