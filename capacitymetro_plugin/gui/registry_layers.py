"""Find the registry's layers in a QGIS project and read its related tables.

The dock only uses the QGIS layer API, so a registry stored in a GeoPackage or in PostGIS works
the same way. A "services layer" is any vector layer with the schema's key fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsDataSourceUri,
    QgsFeatureRequest,
    QgsMapLayer,
    QgsProject,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QVariant

from capacitymetro_plugin.compat import FieldType
from capacitymetro_plugin.core._pycompat import parse_iso_date

SERVICE_KEY_FIELDS = ("service_id", "name", "sectors")


def is_services_layer(layer: QgsMapLayer | None) -> bool:
    """Return True when ``layer`` is a vector layer with the registry's ``services`` fields."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid():
        return False
    names = set(layer.fields().names())
    return all(f in names for f in SERVICE_KEY_FIELDS)


def services_layers(project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """Return the project's services layers, those named "services" first."""
    project = project or QgsProject.instance()
    layers = [lyr for lyr in project.mapLayers().values() if is_services_layer(lyr)]
    layers.sort(key=lambda lyr: (not _table_name(lyr) == "services", lyr.name().lower()))
    return layers


def _table_name(layer: QgsVectorLayer) -> str:
    provider = layer.providerType()
    if provider == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        return str(parts.get("layerName") or layer.name())
    if provider in ("postgres", "spatialite"):
        return QgsDataSourceUri(layer.source()).table()
    return layer.name()


def sibling_layer(layer: QgsVectorLayer, table: str) -> QgsVectorLayer | None:
    """Open another table of the same registry (same GeoPackage or same PostGIS schema).

    A layer of the project pointing at that table is preferred (it shows the user's unsaved edits).
    """
    provider = layer.providerType()
    if provider == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path")
        if not path:
            return None
        for other in QgsProject.instance().mapLayers().values():
            if isinstance(other, QgsVectorLayer) and other.providerType() == "ogr":
                op = QgsProviderRegistry.instance().decodeUri("ogr", other.source())
                if op.get("path") == path and op.get("layerName") == table:
                    return other
        uri = f"{path}|layername={table}"
    elif provider == "postgres":
        ds = QgsDataSourceUri(layer.source())
        ds.setDataSource(ds.schema(), table, "")
        uri = ds.uri(False)
    else:
        return None
    sibling = QgsVectorLayer(uri, table, provider)
    return sibling if sibling.isValid() else None


def registry_path(layer: QgsVectorLayer) -> Path | None:
    """Return the GeoPackage file of a registry layer (None for a database)."""
    if layer.providerType() != "ogr":
        return None
    path = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("path")
    return Path(path) if path else None


def to_python(value):
    """Turn a QGIS attribute value into plain Python (NULL -> None, QDate -> ISO string)."""
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        return None
    if isinstance(value, QDate):
        return value.toString("yyyy-MM-dd") if value.isValid() else None
    if isinstance(value, QDateTime):
        return value.toString("yyyy-MM-ddTHH:mm:ss") if value.isValid() else None
    if isinstance(value, (str, int, float, bool)):
        return value
    text = str(value)
    return None if text == "NULL" else text


def to_qgis(value, field_type: int):
    """Turn a form value (str/None) into what a field of ``field_type`` stores."""
    if value is None or value == "":
        return None
    if field_type == FieldType.Date:
        return QDate.fromString(str(value), "yyyy-MM-dd")
    if field_type == FieldType.DateTime:
        return QDateTime.fromString(str(value), "yyyy-MM-ddTHH:mm:ss")
    if field_type in (FieldType.Int, FieldType.LongLong):
        return int(value)
    if field_type == FieldType.Double:
        return float(value)
    return str(value)


def parse_date(value) -> dt.date | None:
    """Return the date of a ``last_verified`` value, None when empty or unreadable."""
    text = to_python(value)
    if not text:
        return None
    try:
        # [:10]: a date-time value (2024-01-01T10:00:00Z, from a text field) gives its day
        return parse_iso_date(str(text)[:10])
    except ValueError:
        return None


@dataclass
class Practice:
    """A good-practice sheet linked to a service."""

    practice_id: str
    title: str
    summary: str
    themes: str
    place: str
    source: str
    link: str
    attachment: str


def linked_practices(layer: QgsVectorLayer, service_id: str) -> list[Practice]:
    """Return the good-practice sheets linked to ``service_id`` (via ``service_practices``)."""
    links = sibling_layer(layer, "service_practices")
    sheets = sibling_layer(layer, "practices")
    if links is None or sheets is None or not service_id:
        return []
    escaped = service_id.replace("'", "''")
    ids = [
        to_python(f["practice_id"])
        for f in links.getFeatures(
            QgsFeatureRequest().setFilterExpression(f"\"service_id\" = '{escaped}'")
        )
    ]
    ids = [i for i in ids if i]
    if not ids:
        return []
    quoted = ",".join("'" + i.replace("'", "''") + "'" for i in ids)
    out = []
    names = set(sheets.fields().names())
    for f in sheets.getFeatures(
        QgsFeatureRequest().setFilterExpression(f'"practice_id" IN ({quoted})')
    ):

        def get(name, feat=f):
            return str(to_python(feat[name]) or "") if name in names else ""

        out.append(
            Practice(
                get("practice_id"),
                get("title"),
                get("summary"),
                get("themes"),
                get("place"),
                get("source"),
                get("link"),
                get("attachment"),
            )
        )
    out.sort(key=lambda p: p.title.lower())
    return out
