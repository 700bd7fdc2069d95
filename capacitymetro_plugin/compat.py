"""QGIS names that differ between the QGIS versions the plugin runs on (3.22 to 4.x).

QGIS 3.30-3.40 moved many enums into ``Qgis`` (``QgsProcessing.TypeVectorPolygon`` became
``Qgis.ProcessingSourceType.VectorPolygon``), deprecating the old names, and QGIS 4 drops them;
QGIS 3.22 has only the old ones. Each name is resolved once, here, when the plugin loads, so every
other module writes one spelling (``SourceType.VectorPolygon``) whatever QGIS runs it.
``scripts/qt6_check.py`` forbids the old names outside this module.

Field types follow the same rule: QGIS 3.38 made ``QgsField`` take and return ``QMetaType.Type``;
before it took ``QVariant.Type``, which Qt 6 no longer has. So do two methods deprecated since
3.32/3.34 whose replacements 3.22 lacks (``parameter_as_fields``, ``null_rectangle``).
"""

from __future__ import annotations

from types import SimpleNamespace

from qgis.core import (
    Qgis,
    QgsLegendStyle,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsUnitTypes,
    QgsVectorDataProvider,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType, QVariant


def _members(scoped: str, old_owner: object, **old_names: str) -> SimpleNamespace:
    """Return the members of ``Qgis.<scoped>`` if this QGIS has that enum, else the old names.

    ``old_names`` maps each member's new name to its name on ``old_owner`` (the pre-``Qgis`` class).
    """
    enum = getattr(Qgis, scoped, None)
    if enum is not None:
        return SimpleNamespace(**{new: getattr(enum, new) for new in old_names})
    return SimpleNamespace(**{new: getattr(old_owner, old) for new, old in old_names.items()})


#: Processing layer types (``Qgis.ProcessingSourceType``, QGIS 3.36)
SourceType = _members(
    "ProcessingSourceType",
    QgsProcessing,
    MapLayer="TypeMapLayer",
    Vector="TypeVector",
    VectorAnyGeometry="TypeVectorAnyGeometry",
    VectorPoint="TypeVectorPoint",
    VectorLine="TypeVectorLine",
    VectorPolygon="TypeVectorPolygon",
)
#: ``QgsProcessingParameterNumber`` types (``Qgis.ProcessingNumberParameterType``, 3.36)
NumberType = _members(
    "ProcessingNumberParameterType",
    QgsProcessingParameterNumber,
    Integer="Integer",
    Double="Double",
)
#: ``QgsProcessingParameterField`` types (``Qgis.ProcessingFieldParameterDataType``, 3.36)
FieldParameterType = _members(
    "ProcessingFieldParameterDataType", QgsProcessingParameterField, Numeric="Numeric"
)
#: ``QgsProcessingParameterFile`` behaviours (``Qgis.ProcessingFileParameterBehavior``, 3.36)
FileBehavior = _members(
    "ProcessingFileParameterBehavior", QgsProcessingParameterFile, Folder="Folder"
)
#: algorithm flags (``Qgis.ProcessingAlgorithmFlag``, 3.36)
AlgorithmFlag = _members(
    "ProcessingAlgorithmFlag", QgsProcessingAlgorithm, NoThreading="FlagNoThreading"
)
#: geometry types of a layer (``Qgis.GeometryType``, 3.30)
GeometryType = _members("GeometryType", QgsWkbTypes, Polygon="PolygonGeometry")
#: geometry types of a sink (``Qgis.WkbType``, 3.30)
WkbType = _members("WkbType", QgsWkbTypes, NoGeometry="NoGeometry")
#: print layout units (``Qgis.LayoutUnit``, 3.30)
LayoutUnit = _members("LayoutUnit", QgsUnitTypes, Millimeters="LayoutMillimeters")
#: distance units, e.g. of a scale bar (``Qgis.DistanceUnit``, 3.30)
DistanceUnit = _members("DistanceUnit", QgsUnitTypes, Kilometers="DistanceKilometers")
#: parts of a layout legend (``Qgis.LegendComponent``, 3.32)
LegendComponent = _members(
    "LegendComponent",
    QgsLegendStyle,
    Title="Title",
    Group="Group",
    Subgroup="Subgroup",
    SymbolLabel="SymbolLabel",
)
#: how a scale bar sizes its segments (``Qgis.ScaleBarSegmentSizeMode``, 3.40)
ScaleBarSegmentSizeMode = _members(
    "ScaleBarSegmentSizeMode", QgsScaleBarSettings, FitWidth="SegmentSizeFitWidth"
)
#: what a vector data provider can do (``Qgis.VectorProviderCapability``, 3.40)
ProviderCapability = _members(
    "VectorProviderCapability", QgsVectorDataProvider, AddFeatures="AddFeatures"
)

#: the names used here (``QVariant``'s) -> the ``QMetaType.Type`` names
_FIELD_TYPE_NAMES = {
    "Int": "Int",
    "LongLong": "LongLong",
    "Double": "Double",
    "String": "QString",
    "Date": "QDate",
    "DateTime": "QDateTime",
}
#: ``QgsField`` types: ``QMetaType.Type`` members on QGIS >= 3.38, ``QVariant`` ones before
if Qgis.versionInt() >= 33800:
    FieldType = SimpleNamespace(
        **{ours: getattr(QMetaType.Type, qt) for ours, qt in _FIELD_TYPE_NAMES.items()}
    )
else:
    FieldType = SimpleNamespace(**{ours: getattr(QVariant, ours) for ours in _FIELD_TYPE_NAMES})


_HAS_PARAMETER_AS_STRINGS = hasattr(QgsProcessingAlgorithm, "parameterAsStrings")  # 3.32
_HAS_SET_NULL = hasattr(QgsRectangle, "setNull")  # 3.34


def parameter_as_fields(algorithm, parameters: dict, name: str, context) -> list[str]:
    """Return the field names chosen for the field parameter ``name`` of ``algorithm``."""
    if _HAS_PARAMETER_AS_STRINGS:
        return algorithm.parameterAsStrings(parameters, name, context)
    return algorithm.parameterAsFields(parameters, name, context)


def null_rectangle() -> QgsRectangle:
    """Return a null rectangle, which ``combineExtentWith`` replaces by the first extent."""
    rect = QgsRectangle()
    if _HAS_SET_NULL:
        rect.setNull()
    else:
        rect.setMinimal()
    return rect


def symbol_layer_property(name: str):
    """Return the data-defined property ``name`` of symbol layers (e.g. "StrokeColor").

    ``QgsSymbolLayer.Property.StrokeColor`` in newer QGIS (scoped, Qt 6), and
    ``QgsSymbolLayer.Property.PropertyStrokeColor`` / ``QgsSymbolLayer.PropertyStrokeColor``
    before; looked up by name so one call works on every QGIS the plugin supports.
    """
    from qgis.core import QgsSymbolLayer

    scope = getattr(QgsSymbolLayer, "Property", QgsSymbolLayer)
    for owner in (scope, QgsSymbolLayer):
        for key in (name, "Property" + name):
            if hasattr(owner, key):
                return getattr(owner, key)
    raise AttributeError(f"QgsSymbolLayer has no property {name!r}")
