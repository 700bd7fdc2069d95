"""One small base class for every CapaCityMetro Processing algorithm.

Subclasses set ``NAME``/``GROUP`` and implement ``initAlgorithm`` and :meth:`execute`; the base maps
core errors to ``QgsProcessingException`` (in the user's language), turns ``feedback`` into a core
:class:`~capacitymetro_plugin.core.progress.Progress`, reads vector inputs into GeoDataFrames and
writes GeoDataFrames to GeoPackage outputs with a style from ``styles/``. No state is kept on the
instance between runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsSettings,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from capacitymetro_plugin import deps
from capacitymetro_plugin.compat import NumberType, SourceType
from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError
from capacitymetro_plugin.core.progress import Progress

PLUGIN_DIR = Path(__file__).resolve().parent.parent
STYLES_DIR = PLUGIN_DIR / "styles"
ICON_PATH = PLUGIN_DIR / "icon.svg"


def tr(text: str) -> str:
    """Translate ``text`` in the plugin's context (``i18n/capacitymetro_it.ts``)."""
    return QCoreApplication.translate("CapaCityMetro", text)


def user_language() -> str:
    """Return the two-letter language of the QGIS user interface ("en" when unknown)."""
    locale = QgsSettings().value("locale/userLocale", "en") or "en"
    return str(locale)[:2].lower()


def progress_from_feedback(feedback: QgsProcessingFeedback | None) -> Progress:
    """Return a core Progress that drives ``feedback``'s bar, log and cancel button."""
    if feedback is None:
        return Progress()

    def _report(percent: float, message: str) -> None:
        feedback.setProgress(percent)
        if message:
            feedback.setProgressText(message)

    return Progress(_report, feedback.isCanceled, feedback.pushInfo)


class _StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Apply a QML style to an output layer when Processing loads it into the project."""

    _alive: list[_StyleOnLoad] = []  # QGIS does not own the post-processor: keep it referenced

    def __init__(self, qml: Path, name: str | None) -> None:
        super().__init__()
        self.qml = qml
        self.name = name
        _StyleOnLoad._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
        if layer is None:
            return
        if self.qml.exists():
            layer.loadNamedStyle(str(self.qml))
            layer.triggerRepaint()


class CapaCityMetroAlgorithm(QgsProcessingAlgorithm):
    """Base class: naming, translation, error mapping, progress, GeoDataFrame in/out."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = ""  # one of the GROUP_* constants below
    SHORT_HELP = ""

    GROUP_REGISTRY = "registry"
    GROUP_NETWORK = "network"
    GROUP_POPULATION = "population"
    GROUP_COVERAGE = "coverage"
    GROUP_MAPS = "maps"
    _GROUP_NAMES = {
        "registry": "Service registry",
        "network": "Network accessibility",
        "population": "Population",
        "coverage": "Coverage and indices",
        "maps": "Maps and reports",
    }

    # --- identity -----------------------------------------------------------------------------
    def tr(self, text: str) -> str:
        return tr(text)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return self.tr(self._GROUP_NAMES[self.GROUP])

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(self.SHORT_HELP)

    def icon(self) -> QIcon:
        return QIcon(str(ICON_PATH))

    # --- running --------------------------------------------------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        """Accept a parameter left out when it has a default, on every QGIS version.

        QGIS before 3.26 refuses a missing field parameter in ``processing.run`` and
        ``qgis_process`` even when it has a default ("Incorrect parameter value for POP_FIELD"),
        while the dialog fills it in; the parameterAs* readers already fall back to the default.
        """
        filled = dict(parameters)
        for definition in self.parameterDefinitions():
            name = definition.name()
            if filled.get(name) is None and definition.defaultValue() is not None:
                filled[name] = definition.defaultValue()
        return super().checkParameterValues(filled, context)

    def processAlgorithm(  # noqa: N802
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
    ) -> dict[str, Any]:
        # Algorithms stay listed in a QGIS that lacks our packages (the modules import the core
        # only inside execute); running one says what is missing and how to fix it.
        report = deps.check()
        if not report.ok:
            raise QgsProcessingException(deps.summary(report, user_language()))
        from capacitymetro_plugin.core.registry.doors import entered_through

        try:
            with entered_through("processing"):  # the registry history names this door
                return self.execute(parameters, context, feedback, progress_from_feedback(feedback))
        except CapaCityMetroError as exc:
            raise QgsProcessingException(exc.localized(user_language())) from exc
        except ImportError as exc:  # an optional package (osmnx, rasterio...) this run needs
            raise QgsProcessingException(deps.import_error_message(exc, user_language())) from exc

    # Not named run(): QgsProcessingAlgorithm.run() is what processing.run() calls.
    def execute(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
        progress: Progress,
    ) -> dict[str, Any]:
        """Read parameters, call the core, write outputs; return the outputs dict."""
        raise NotImplementedError

    # --- parameter factories --------------------------------------------------------------------
    def add_enum(self, key: str, label: str, options: list[str], default: int = 0, **kw) -> None:
        """Add an enum parameter whose option labels are translated."""
        self.addParameter(
            QgsProcessingParameterEnum(
                key,
                self.tr(label),
                options=[self.tr(o) for o in options],
                defaultValue=default,
                **kw,
            )
        )

    def add_number(self, key: str, label: str, *, integer: bool = False, **kw) -> None:
        """Add a number parameter with a translated label (``kw``: defaultValue, minValue, ...)."""
        kind = NumberType.Integer if integer else NumberType.Double
        self.addParameter(QgsProcessingParameterNumber(key, self.tr(label), kind, **kw))

    def add_number_list(self, key: str, label: str, default: str, optional: bool = False) -> None:
        """Add a comma-separated list of numbers (e.g. thresholds "5,10,15,20,30")."""
        self.addParameter(
            QgsProcessingParameterString(
                key, self.tr(label), defaultValue=default, optional=optional
            )
        )

    def parameter_as_number_list(
        self, parameters: dict[str, Any], key: str, context: QgsProcessingContext
    ) -> list[float]:
        """Parse a comma/semicolon/space-separated list of numbers, or raise a clear error."""
        raw = self.parameterAsString(parameters, key, context) or ""
        parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
        try:
            return [float(p) for p in parts]
        except ValueError as exc:
            raise QgsProcessingException(
                self.tr("Parameter {}: '{}' is not a list of numbers. Write e.g. 5,10,15.").format(
                    key, raw
                )
            ) from exc

    # --- which services are analysed (the core rule, shared with the CLI and the dock) -----------
    SKIP_UNLOCATED = "SKIP_UNLOCATED"
    SKIPPED = "SKIPPED"

    def add_skip_unlocated(self) -> None:
        """Add "skip services without a location" (default on) and its count as an output."""
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SKIP_UNLOCATED,
                self.tr("Skip services without a location (how many is reported)"),
                defaultValue=True,
            )
        )
        self.addOutput(
            QgsProcessingOutputNumber(self.SKIPPED, self.tr("Services skipped (no location)"))
        )

    def analysed_services(self, services, parameters, context, progress, *, sector=None):
        """Return the services an analysis counts and how many lacked a location.

        The rule is :func:`capacitymetro_plugin.core.registry.selection.select_services` (active
        services with a location, of ``sector`` when given): the same as the CLI's.
        """
        from capacitymetro_plugin.core.registry.selection import select_services

        selection = select_services(services, sectors=[sector] if sector else None)
        unlocated = selection.left_out.get("no location", 0)
        if unlocated and not self.parameterAsBoolean(parameters, self.SKIP_UNLOCATED, context):
            raise InputError(
                f"{unlocated} services have no location.",
                fix="Place them on the map (registry dock, Set location) or tick "
                "'Skip services without a location'.",
                it=f"{unlocated} servizi non hanno una posizione.",
                fix_it="Collocali sulla mappa (pannello del registro, Imposta posizione) o spunta "
                "'Salta i servizi senza posizione'.",
            )
        progress.info(f"{selection.describe('en')} / {selection.describe('it')}")
        if len(selection.services) == 0:
            raise InputError(
                f"No service to analyse: {selection.describe('en')}.",
                fix="Choose a layer with active, located services (of the sector, if given).",
                it=f"Nessun servizio da analizzare: {selection.describe('it')}.",
                fix_it="Scegli un layer con servizi attivi e collocati (del settore, se indicato).",
            )
        return selection.services, unlocated

    # --- vector in/out via GeoPackage -------------------------------------------------------------
    def read_vector(
        self,
        parameters: dict[str, Any],
        key: str,
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback | None = None,
    ):
        """Return the vector input ``key`` as a GeoDataFrame (selections and memory layers too)."""
        from capacitymetro_plugin.core import gio

        if parameters.get(key) is None:
            return None
        source = self.parameterAsVectorLayer(parameters, key, context)
        if source is not None:
            from capacitymetro_plugin.core.osm_pbf import check_osm_pbf

            file_name = source.source().split("|")[0]
            if file_name.lower().endswith(".pbf") and os.path.isfile(file_name):
                check_osm_pbf(file_name)  # QGIS reads a truncated .pbf in part, silently
        path, layer_name = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, key, context, ["gpkg", "shp", "geojson"], "gpkg", feedback
        )
        if not path:
            return None
        if layer_name and path.lower().endswith(".gpkg"):
            # A source QGIS had to convert (e.g. the 'lines' of an .osm.pbf) comes back as a new
            # one-layer GeoPackage with the original layer name, which that file does not have.
            layers = gio.list_layers(path)
            if layer_name not in layers and len(layers) == 1:
                layer_name = layers[0]
        return gio.read_vector(path, layer=layer_name or None)

    def _destination_geometry(self, key: str) -> str | None:
        """The geometry type of vector destination ``key``, so that an empty result still
        loads as a (polygon, line, point) map layer, not as a table."""
        definition = self.parameterDefinition(key)
        kind = getattr(definition, "dataType", lambda: None)()
        types = {
            SourceType.VectorPolygon: "MultiPolygon",
            SourceType.VectorLine: "MultiLineString",
            SourceType.VectorPoint: "Point",
        }
        return next((name for t, name in types.items() if kind == t), None)

    def write_vector(
        self,
        gdf,
        parameters: dict[str, Any],
        key: str,
        context: QgsProcessingContext,
        *,
        style: str | None = None,
        layer_name: str | None = None,
    ) -> str:
        """Write ``gdf`` to the vector destination ``key`` (GeoPackage) and style it on load.

        Returns the path Processing should report for ``key``.
        """
        from capacitymetro_plugin.core import gio

        path = self.parameterAsOutputLayer(parameters, key, context)
        if not path.lower().endswith(".gpkg"):
            path = str(Path(path).with_suffix(".gpkg"))
        gio.write_vector(
            gdf,
            path,
            layer=layer_name or Path(path).stem,
            geometry_type=self._destination_geometry(key),
        )
        if style and context.willLoadLayerOnCompletion(path):
            details = context.layerToLoadOnCompletionDetails(path)
            details.setPostProcessor(_StyleOnLoad(STYLES_DIR / style, layer_name))
        return path
