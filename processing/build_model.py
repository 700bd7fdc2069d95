"""Build ``processing/capacitymetro_pipeline.model3``, the Processing model of the analysis.

    python processing/build_model.py          # rewrites the .model3 next to this file

Chain (the same steps as ``capacitymetro run``, on layers the user picks in QGIS):
Prepare network (OSM extract) -> Service isochrones -> Coverage per comune and gap areas ->
Export coverage map (PDF). Open the .model3 in QGIS's model designer to adapt it; run it from the
toolbox, in batch mode, or with ``qgis_process`` (see ``run_many_areas.sh``).
"""

from __future__ import annotations

import sys
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "capacitymetro_pipeline.model3"


def build_model():
    """Return the CapaCityMetro pipeline as a ``QgsProcessingModelAlgorithm``."""
    from qgis.core import (
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingOutputLayerDefinition,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterField,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterString,
    )
    from qgis.core import (
        QgsProcessingModelChildParameterSource as Src,
    )
    from qgis.PyQt.QtCore import QPointF

    from capacitymetro_plugin.compat import FieldParameterType, NumberType, SourceType

    model = QgsProcessingModelAlgorithm(
        "CapaCityMetro pipeline", "CapaCityMetro", "capacitymetro_pipeline"
    )
    model.setHelpContent(
        {
            "ALG_DESC": "Walking network from an OSM extract, isochrones of the services, "
            "coverage per zone with gap areas, and a PDF map: the analysis of "
            "`capacitymetro run` as a Processing model."
        }
    )

    def param(definition, x: float, y: float) -> None:
        p = QgsProcessingModelParameter(definition.name())
        p.setPosition(QPointF(x, y))
        model.addModelParameter(definition, p)

    param(
        QgsProcessingParameterFile(
            "osm_extract", "OpenStreetMap extract (.osm.pbf)", extension="pbf"
        ),
        100,
        50,
    )
    param(
        QgsProcessingParameterFeatureSource(
            "services", "Services (registry)", [SourceType.VectorPoint]
        ),
        300,
        50,
    )
    param(
        QgsProcessingParameterFeatureSource(
            "zones", "Population zones (comuni, islands...)", [SourceType.VectorPolygon]
        ),
        500,
        50,
    )
    param(
        QgsProcessingParameterField(
            "zone_id_field", "Zone id field", parentLayerParameterName="zones"
        ),
        500,
        100,
    )
    param(
        QgsProcessingParameterField(
            "residents_field",
            "Residents field",
            parentLayerParameterName="zones",
            type=FieldParameterType.Numeric,
        ),
        700,
        50,
    )
    param(
        QgsProcessingParameterField(
            "foreign_field",
            "Foreign residents field",
            parentLayerParameterName="zones",
            type=FieldParameterType.Numeric,
        ),
        700,
        100,
    )
    param(
        QgsProcessingParameterString(
            "thresholds", "Thresholds (minutes)", defaultValue="5,10,15,20,30"
        ),
        900,
        50,
    )
    param(
        QgsProcessingParameterNumber(
            "standard",
            "Service standard (minutes)",
            NumberType.Double,
            defaultValue=15.0,
        ),
        900,
        100,
    )
    param(
        QgsProcessingParameterString(
            "title", "Map title", defaultValue="Services for migrants: coverage"
        ),
        1100,
        50,
    )

    def child(alg_id: str, child_id: str, x: float, y: float, sources: dict, outputs=()):
        c = QgsProcessingModelChildAlgorithm(alg_id)
        c.setChildId(child_id)
        c.setDescription(child_id.replace("_", " ").capitalize())
        c.setPosition(QPointF(x, y))
        for key, value in sources.items():
            c.addParameterSources(key, value if isinstance(value, list) else [value])
        # the model designer stores every parameter: give the rest their defaults
        from qgis.core import QgsApplication, QgsProcessingDestinationParameter

        alg = QgsApplication.processingRegistry().algorithmById(alg_id)
        if alg is None:
            raise RuntimeError(f"algorithm {alg_id} is not registered")
        for definition in alg.parameterDefinitions():
            if definition.name() in sources or isinstance(
                definition, QgsProcessingDestinationParameter
            ):
                continue
            if definition.defaultValue() is not None:
                c.addParameterSources(
                    definition.name(), [Src.fromStaticValue(definition.defaultValue())]
                )
        outs = {}
        for key, name in outputs:
            o = QgsProcessingModelOutput(name)
            o.setChildOutputName(key)
            o.setChildId(child_id)
            outs[name] = o
        c.setModelOutputs(outs)
        model.addChildAlgorithm(c)
        return c

    child(
        "capacitymetro:preparenetwork",
        "prepare_network",
        150,
        250,
        {
            "OSM_FILE": Src.fromModelParameter("osm_extract"),
            "MODE": Src.fromStaticValue(0),
            "OUTPUT": Src.fromStaticValue(QgsProcessing.TEMPORARY_OUTPUT),
        },
    )
    child(
        "capacitymetro:serviceisochrones",
        "isochrones",
        350,
        400,
        {
            "NETWORK": Src.fromChildOutput("prepare_network", "OUTPUT"),
            "SERVICES": Src.fromModelParameter("services"),
            "THRESHOLDS": Src.fromModelParameter("thresholds"),
            "BANDS": Src.fromStaticValue(1),
            "PER_SERVICE": Src.fromStaticValue(False),
        },
        outputs=[("OUTPUT", "Isochrones")],
    )
    child(
        "capacitymetro:coveragepercomune",
        "coverage",
        650,
        400,
        {
            "NETWORK": Src.fromChildOutput("prepare_network", "OUTPUT"),
            "POPULATION": Src.fromModelParameter("zones"),
            "POP_FIELD": Src.fromModelParameter("residents_field"),
            "FOREIGN_FIELD": Src.fromModelParameter("foreign_field"),
            "SERVICES": Src.fromModelParameter("services"),
            "AREAS": Src.fromModelParameter("zones"),
            "AREA_FIELD": Src.fromModelParameter("zone_id_field"),
            "THRESHOLDS": Src.fromModelParameter("thresholds"),
            "THRESHOLD": Src.fromModelParameter("standard"),
        },
        outputs=[("OUTPUT", "Coverage per zone"), ("GAPS", "Gap areas")],
    )
    child(
        "capacitymetro:exportcoveragemap",
        "coverage_map",
        500,
        600,
        {
            "LAYERS": [
                Src.fromModelParameter("services"),
                Src.fromChildOutput("isochrones", "OUTPUT"),
                Src.fromChildOutput("coverage", "GAPS"),
            ],
            "TITLE": Src.fromModelParameter("title"),
            "PAPER": Src.fromStaticValue(0),
        },
        outputs=[("OUTPUT", "Coverage map (PDF)")],
    )
    # (QgsProcessingOutputLayerDefinition is what users pass for outputs; imported for docs)
    del QgsProcessingOutputLayerDefinition
    return model


def main() -> int:
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is None:
        app = QgsApplication([], False)
        app.initQgis()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from capacitymetro_plugin.provider.provider import CapaCityMetroProvider
    from processing.core.Processing import Processing

    Processing.initialize()
    provider = CapaCityMetroProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    model = build_model()
    ok, errors = model.validate()
    if not ok:
        print("model does not validate:", errors, file=sys.stderr)
        return 1
    if not model.toFile(str(MODEL_PATH)):
        print(f"cannot write {MODEL_PATH}", file=sys.stderr)
        return 1
    print(MODEL_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
