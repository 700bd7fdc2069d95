"""GeoPackage storage of a registry, written all-or-nothing.

A new registry is written complete in a temporary file beside the target and moved into place
with :func:`os.replace`. Changes to an existing registry are applied in place in ONE SQLite
transaction through GDAL/OGR (:func:`apply_changes`): only the changed rows are updated, inserted
or deleted, so feature ids stay stable and a layer open in QGIS sees the change; any failure rolls
the transaction back and leaves the file byte-for-byte as it was. The layers are plain GeoPackage
tables written by GDAL so QGIS opens and edits them as normal layers.
"""

from __future__ import annotations

import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import InputError

from .model import Organization, Practice, Service

SCHEMA_VERSION = "1"
CRS = "EPSG:4326"

SERVICE_FIELDS: dict[str, str] = {
    "service_id": "str",
    "name": "str",
    "description": "str",
    "organization_id": "str",
    "operator_type": "str",
    "sectors": "str",
    "target_groups": "str",
    "languages": "str",
    "opening_hours": "str",
    "capacity": "int",
    "phone": "str",
    "email": "str",
    "website": "str",
    "address": "str",
    "postcode": "str",
    "comune_istat": "str",
    "comune_name": "str",
    "metro_area": "str",
    "status": "str",
    "last_verified": "date",
    "contact_name": "str",
    "internal_notes": "str",
    "source_url": "str",
    "created_at": "str",
    "updated_at": "str",
}
ORGANIZATION_FIELDS: dict[str, str] = {
    k: "str"
    for k in (
        "organization_id",
        "name",
        "operator_type",
        "description",
        "website",
        "email",
        "phone",
    )
}
PRACTICE_FIELDS: dict[str, str] = {
    k: "str"
    for k in (
        "practice_id",
        "title",
        "summary",
        "themes",
        "place",
        "comune_istat",
        "source",
        "link",
        "attachment",
    )
}
LINK_FIELDS: dict[str, str] = {"service_id": "str", "practice_id": "str"}
META_FIELDS: dict[str, str] = {"key": "str", "value": "str"}

LAYERS: dict[str, tuple[str | None, dict[str, str]]] = {
    "services": ("Point", SERVICE_FIELDS),
    "organizations": (None, ORGANIZATION_FIELDS),
    "practices": ("Point", PRACTICE_FIELDS),
    "service_practices": (None, LINK_FIELDS),
    "registry_meta": (None, META_FIELDS),
}
_LIST_COLUMNS = {"sectors", "target_groups", "languages", "themes"}


def _clean(value):
    """Turn pandas/numpy missing values and timestamps into None/str."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if str(value) == "NaT":  # pandas' missing date (pyogrio reads dates as datetime64)
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return _clean(value.item())
    if not isinstance(value, str) and str(value) in ("NaT", "nan"):
        return None  # the text "nan" (e.g. a name) is kept as written
    return value


def _split(value) -> list[str]:
    from .vocabularies import split_codes

    return split_codes(value)


def record_to_properties(obj, fields_: dict[str, str]) -> dict:
    """Return the GeoPackage attribute dict of a Service/Organization/Practice."""
    props = {}
    for name, kind in fields_.items():
        value = getattr(obj, name, None)
        if name in _LIST_COLUMNS:
            value = ";".join(value) if value else None
        elif kind == "int" and value is not None:
            value = int(value)
        elif value is not None and kind == "str":
            value = str(value)
        elif kind == "date" and value:
            value = str(value)[:10]
        props[name] = value if value != "" else None
    return props


def _point(obj) -> dict | None:
    if obj.lon is None or obj.lat is None:
        return None
    return {"type": "Point", "coordinates": (float(obj.lon), float(obj.lat))}


def _from_row(cls, row: dict, fields_: dict[str, str], geometry=None):
    kwargs = {}
    for name, kind in fields_.items():
        value = _clean(row.get(name))
        if name in _LIST_COLUMNS:
            value = _split(value)
        elif kind == "int" and value is not None:
            value = int(value)
        elif kind == "date" and value is not None:
            value = str(value)[:10]
        kwargs[name] = value
    if cls is Service and kwargs.get("status") is None:
        kwargs["status"] = "active"
    if geometry is not None and not geometry.is_empty:
        kwargs["lon"], kwargs["lat"] = float(geometry.x), float(geometry.y)
    if cls is Service and kwargs.get("name") is None:
        kwargs["name"] = ""
    if cls is Practice and kwargs.get("title") is None:
        kwargs["title"] = ""
    if cls is Organization and kwargs.get("name") is None:
        kwargs["name"] = ""
    return cls(**kwargs)


class RegistryState:
    """The whole content of a registry in memory (small: thousands of rows at most)."""

    def __init__(self) -> None:
        self.services: dict[str, Service] = {}
        self.organizations: dict[str, Organization] = {}
        self.practices: dict[str, Practice] = {}
        self.links: list[tuple[str, str]] = []
        self.meta: dict[str, str] = {"schema_version": SCHEMA_VERSION}


def read_state(path: str | os.PathLike) -> RegistryState:
    """Read every layer of registry ``path``."""
    path = Path(path)
    layers = set(gio.list_layers(path)) if path.exists() else set()
    missing = [name for name in LAYERS if name not in layers]
    if missing:
        raise InputError(
            f"{path} is not a CapaCityMetro registry: layers {', '.join(missing)} are missing.",
            fix="Create a registry with Registry.create or the 'Import services' algorithm.",
            it=f"{path} non è un registro CapaCityMetro: mancano i layer {', '.join(missing)}.",
            fix_it="Crea un registro con Registry.create o con l'algoritmo 'Importa servizi'.",
        )
    state = RegistryState()
    for row, geom in _rows(path, "services"):
        s = _from_row(Service, row, SERVICE_FIELDS, geom)
        state.services[s.service_id] = s
    for row, _ in _rows(path, "organizations"):
        o = _from_row(Organization, row, ORGANIZATION_FIELDS)
        state.organizations[o.organization_id] = o
    for row, geom in _rows(path, "practices"):
        p = _from_row(Practice, row, PRACTICE_FIELDS, geom)
        state.practices[p.practice_id] = p
    state.links = [
        (str(r["service_id"]), str(r["practice_id"]))
        for r, _ in _rows(path, "service_practices")
        if _clean(r.get("service_id")) and _clean(r.get("practice_id"))
    ]
    state.meta = {
        str(r["key"]): str(_clean(r.get("value")) or "") for r, _ in _rows(path, "registry_meta")
    }
    return state


def _rows(path: Path, layer: str):
    frame = gio.read_vector(path, layer=layer)
    has_geom = "geometry" in frame.columns
    for rec in frame.to_dict("records"):
        geom = rec.pop("geometry", None) if has_geom else None
        yield rec, geom


def write_state(state: RegistryState, path: str | os.PathLike) -> Path:
    """Write ``state`` as registry ``path`` atomically (all layers or nothing).

    With fiona (``gio.ENGINE``) as ever; without it through GDAL's own ``osgeo.ogr``, with the
    same field types, so the file does not depend on which engine wrote it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", dir=path.parent, prefix=f".{path.stem}-")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    content = {
        "services": [
            (record_to_properties(s, SERVICE_FIELDS), _point(s)) for s in state.services.values()
        ],
        "organizations": [
            (record_to_properties(o, ORGANIZATION_FIELDS), None)
            for o in state.organizations.values()
        ],
        "practices": [
            (record_to_properties(p, PRACTICE_FIELDS), _point(p)) for p in state.practices.values()
        ],
        "service_practices": [({"service_id": s, "practice_id": p}, None) for s, p in state.links],
        "registry_meta": [({"key": k, "value": v}, None) for k, v in state.meta.items()],
    }
    try:
        write = _write_layer if gio.ENGINE == "fiona" else _write_layer_ogr
        for layer, (geom_type, fields_) in LAYERS.items():
            write(tmp, layer, geom_type, fields_, content[layer])
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _write_layer(tmp: Path, layer: str, geom_type, fields_, rows) -> None:
    import fiona

    schema = {"geometry": geom_type or "None", "properties": dict(fields_)}
    with fiona.open(
        tmp, "w", driver="GPKG", layer=layer, schema=schema, crs=CRS if geom_type else None
    ) as dst:
        dst.writerecords({"geometry": geom, "properties": props} for props, geom in rows)


# fiona's schema types as OGR field types (fiona's "int" is a 64-bit integer)
_OGR_TYPES = {"str": "OFTString", "int": "OFTInteger64", "date": "OFTDate"}


def _write_layer_ogr(tmp: Path, layer: str, geom_type, fields_, rows) -> None:
    from osgeo import ogr, osr

    ogr.UseExceptions()
    if tmp.exists():
        ds = ogr.Open(str(tmp), 1)
    else:  # GeoPackage 1.2: what QGIS 3.22's GDAL writes itself (see gio)
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp), options=["VERSION=1.2"])
    srs = None
    if geom_type:
        srs = osr.SpatialReference()
        srs.SetFromUserInput(CRS)
    lyr = ds.CreateLayer(layer, srs, ogr.wkbPoint if geom_type else ogr.wkbNone)
    for name, kind in fields_.items():
        lyr.CreateField(ogr.FieldDefn(name, getattr(ogr, _OGR_TYPES[kind])))
    ds.StartTransaction()
    for props, geom in rows:
        feat = ogr.Feature(lyr.GetLayerDefn())
        _set_fields(feat, props, fields_)
        if geom is not None:
            point = ogr.Geometry(ogr.wkbPoint)
            point.AddPoint_2D(*map(float, geom["coordinates"]))
            feat.SetGeometry(point)
        lyr.CreateFeature(feat)
    ds.CommitTransaction()
    ds = None  # closes the file before it is moved into place


_KEYS = {"services": "service_id", "organizations": "organization_id", "practices": "practice_id"}


def apply_changes(path: str | os.PathLike, before: RegistryState, after: RegistryState) -> None:
    """Write the differences between ``before`` and ``after`` into registry ``path`` in one
    transaction (rolled back entirely on any error)."""
    from osgeo import ogr

    ogr.UseExceptions()
    ds = ogr.Open(str(path), 1)
    if ds is None:  # pragma: no cover - ogr raises with UseExceptions
        raise InputError(f"Cannot open registry {path} for writing.")
    try:
        ds.StartTransaction()
        try:
            for name, fields_ in (
                ("services", SERVICE_FIELDS),
                ("organizations", ORGANIZATION_FIELDS),
                ("practices", PRACTICE_FIELDS),
            ):
                _apply_table(ds, name, fields_, getattr(before, name), getattr(after, name))
            if before.links != after.links:
                _replace_rows(
                    ds,
                    "service_practices",
                    [{"service_id": s, "practice_id": p} for s, p in after.links],
                )
            if before.meta != after.meta:
                _replace_rows(
                    ds, "registry_meta", [{"key": k, "value": v} for k, v in after.meta.items()]
                )
        except BaseException:
            ds.RollbackTransaction()
            raise
        ds.CommitTransaction()
    finally:
        ds = None  # closes the file


def _set_fields(feat, props: dict, fields_: dict[str, str]) -> None:
    for name, kind in fields_.items():
        value = props.get(name)
        if value is None:
            feat.SetFieldNull(name)
        elif kind == "int":
            feat.SetField(name, int(value))
        else:
            feat.SetField(name, str(value))


def _ogr_point(obj):
    from osgeo import ogr

    if getattr(obj, "lon", None) is None or getattr(obj, "lat", None) is None:
        return None
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(float(obj.lon), float(obj.lat))
    return g


def _apply_table(ds, name: str, fields_: dict[str, str], old: dict, new: dict) -> None:
    layer = ds.GetLayerByName(name)
    key = _KEYS[name]
    fids: dict[str, int] = {}
    layer.ResetReading()
    for feat in layer:
        fids.setdefault(feat.GetField(key), feat.GetFID())
    for k in old:
        if k not in new and k in fids:
            _before_row_write(name, k)
            layer.DeleteFeature(fids[k])
    has_geom = LAYERS[name][0] is not None
    for k, obj in new.items():
        if k in old and old[k] == obj and k in fids:
            continue
        _before_row_write(name, k)
        props = record_to_properties(obj, fields_)
        if k in fids:
            feat = layer.GetFeature(fids[k])
            _set_fields(feat, props, fields_)
            if has_geom:
                feat.SetGeometry(_ogr_point(obj))
            layer.SetFeature(feat)
        else:
            from osgeo import ogr

            feat = ogr.Feature(layer.GetLayerDefn())
            _set_fields(feat, props, fields_)
            if has_geom:
                feat.SetGeometry(_ogr_point(obj))
            layer.CreateFeature(feat)


def _replace_rows(ds, name: str, rows: list[dict]) -> None:
    from osgeo import ogr

    layer = ds.GetLayerByName(name)
    layer.ResetReading()
    for fid in [f.GetFID() for f in layer]:
        layer.DeleteFeature(fid)
    fields_ = LAYERS[name][1]
    for row in rows:
        _before_row_write(name, "")
        feat = ogr.Feature(layer.GetLayerDefn())
        _set_fields(feat, row, fields_)
        layer.CreateFeature(feat)


def _before_row_write(table: str, key: str) -> None:
    """Hook called before each row write (tests use it to force a failure mid-write)."""
