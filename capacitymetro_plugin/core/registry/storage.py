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
import time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError

from .model import Organization, Practice, Service, Translation

SCHEMA_VERSION = "3"  # 2: services.location_privacy; 3: services.location_source
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
    "location_privacy": "str",  # schema 2 (added to older registries by migrate_schema)
    "location_source": "str",  # schema 3: manual / geocoded:osm / geocoded:nominatim / geocoded:stops
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

# names and descriptions in more languages: one row per service and language (not in LAYERS:
# a registry made before it has no such table, and gains it when opened, see ensure_schema)
TRANSLATIONS_LAYER = "service_translations"
TRANSLATION_FIELDS: dict[str, str] = {
    "service_id": "str",
    "lang": "str",  # ISO 639-1, else ISO 639-3 (vocabularies.LANGUAGE_CODES)
    "name": "str",
    "description": "str",
    "source": "str",  # operator / machine
    "updated_at": "str",
    "editor": "str",
}
TRANSLATIONS_HISTORY_LAYER = "translations_history"
TRANSLATIONS_HISTORY_FIELDS: dict[str, str] = {
    "service_id": "str",
    "lang": "str",
    "operation": "str",  # INSERT / UPDATE / DELETE
    "changed_at": "str",
    "changed_by": "str",
    "door": "str",
    "old_row": "str",  # JSON of the translation before the change (empty for INSERT)
    "new_row": "str",  # JSON of the translation after the change (empty for DELETE)
}


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
    if cls is Service and kwargs.get("location_privacy") is None:
        kwargs["location_privacy"] = "exact"  # schema 1 registries, or a cell left empty
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
        # row version of each service (GeoPackage column ``row_version``), bumped on each write
        self.versions: dict[str, int] = {}
        # {(service_id, lang): Translation}, table ``service_translations``
        self.translations: dict[tuple[str, str], Translation] = {}


def _translation_from_row(row: dict) -> Translation | None:
    values = {k: _clean(row.get(k)) for k in TRANSLATION_FIELDS}
    if not values["service_id"] or not values["lang"]:
        return None
    values["name"] = values["name"] or ""
    values["source"] = values["source"] or "operator"
    return Translation(**{k: (str(v) if v is not None else None) for k, v in values.items()})


def _add_translation(state: RegistryState, row: dict) -> None:
    t = _translation_from_row(row)
    if t is not None:
        state.translations[(t.service_id, t.lang)] = t


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
    if TRANSLATIONS_LAYER in layers:  # an older registry has none until opened
        for row, _ in _rows(path, TRANSLATIONS_LAYER):
            _add_translation(state, row)
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
        TRANSLATIONS_LAYER: [
            (record_to_properties(t, TRANSLATION_FIELDS), None)
            for t in state.translations.values()
            if t.service_id in state.services
        ],
    }
    try:
        write = _write_layer if gio.ENGINE == "fiona" else _write_layer_ogr
        for layer, (geom_type, fields_) in {
            **LAYERS,
            TRANSLATIONS_LAYER: (None, TRANSLATION_FIELDS),
        }.items():
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
    with locked_transaction(path) as (ds, _current):
        apply_changes_ds(ds, before, after)


def apply_changes_ds(
    ds,
    before: RegistryState,
    after: RegistryState,
    *,
    editor: str | None = None,
    door: str | None = None,
) -> None:
    """Write the differences between ``before`` and ``after`` through the open transaction
    ``ds``; each changed or new service gets ``row_version`` = its previous version + 1 and a
    row in ``services_history`` (who = ``editor``, which ``door``, when, the old row). An older
    registry gains the columns of the newer schema in the same transaction."""
    if migrate_schema(ds):
        after.meta["schema_version"] = SCHEMA_VERSION
    for name, fields_ in (
        ("services", SERVICE_FIELDS),
        ("organizations", ORGANIZATION_FIELDS),
        ("practices", PRACTICE_FIELDS),
    ):
        versions = (before.versions, after.versions) if name == "services" else None
        _apply_table(ds, name, fields_, getattr(before, name), getattr(after, name), versions)
    _log_history(ds, before, after, editor, door)
    _log_entities(ds, before, after, editor, door)
    # a deleted service takes its translations with it
    after.translations = {k: t for k, t in after.translations.items() if k[0] in after.services}
    if before.translations != after.translations:
        _apply_translations(ds, before.translations, after.translations, editor, door)
    if before.links != after.links:
        _replace_rows(
            ds,
            "service_practices",
            [{"service_id": s, "practice_id": p} for s, p in after.links],
        )
    if before.meta != after.meta:
        _replace_rows(ds, "registry_meta", [{"key": k, "value": v} for k, v in after.meta.items()])


# --- history ------------------------------------------------------------------------------------
HISTORY_LAYER = "services_history"
HISTORY_FIELDS: dict[str, str] = {
    "service_id": "str",
    "operation": "str",  # INSERT / UPDATE / DELETE, as in the PostGIS trigger
    "changed_at": "str",  # ISO 8601 UTC
    "changed_by": "str",
    "door": "str",  # core / cli / processing / dock (see doors.py); empty = not recorded
    "new_version": "int",  # the row_version the change produced (empty for DELETE)
    "old_row": "str",  # JSON of the row before the change (empty for INSERT)
}


#: organizations, practice sheets and links: one history table for the three
ENTITY_HISTORY_LAYER = "entity_history"
ENTITY_HISTORY_FIELDS: dict[str, str] = {
    "kind": "str",  # organization / practice / link
    "entity_id": "str",  # organization_id, practice_id, or "service_id/practice_id" for a link
    "operation": "str",  # INSERT / UPDATE / DELETE
    "changed_at": "str",  # ISO 8601 UTC
    "changed_by": "str",
    "door": "str",
    "old_row": "str",  # JSON (empty for INSERT)
    "new_row": "str",  # JSON (empty for DELETE)
}


def _log_entities(
    ds, before: RegistryState, after: RegistryState, editor: str | None, door: str | None = None
) -> None:
    """One ``entity_history`` row per organization, practice sheet or link added, changed or
    removed, in the open transaction ``ds`` (as ``services_history`` for services)."""
    import json

    from osgeo import ogr

    from .model import now_iso

    layer = ds.GetLayerByName(ENTITY_HISTORY_LAYER)
    if layer is None:
        return
    stamp = now_iso()

    def rows(kind, old: dict, new: dict, fields_):
        for k in sorted(set(old) | set(new)):
            a, b = old.get(k), new.get(k)
            if a == b:
                continue
            op = "INSERT" if a is None else "DELETE" if b is None else "UPDATE"
            yield (
                kind,
                k,
                op,
                (None if a is None else record_to_properties(a, fields_)),
                (None if b is None else record_to_properties(b, fields_)),
            )

    entries = [
        *rows("organization", before.organizations, after.organizations, ORGANIZATION_FIELDS),
        *rows("practice", before.practices, after.practices, PRACTICE_FIELDS),
    ]
    old_links, new_links = set(before.links), set(after.links)
    for sid, pid in sorted(old_links ^ new_links):
        row = {"service_id": sid, "practice_id": pid}
        gone = (sid, pid) in old_links
        entries.append(
            ("link", f"{sid}/{pid}", "DELETE" if gone else "INSERT",
             row if gone else None, None if gone else row)
        )  # fmt: skip
    for kind, key, op, old, new in entries:
        feat = ogr.Feature(layer.GetLayerDefn())
        _set_fields(
            feat,
            {
                "kind": kind,
                "entity_id": key,
                "operation": op,
                "changed_at": stamp,
                "changed_by": editor or "",
                "door": door,
                "old_row": None
                if old is None
                else json.dumps(old, ensure_ascii=False, default=str),
                "new_row": None
                if new is None
                else json.dumps(new, ensure_ascii=False, default=str),
            },
            ENTITY_HISTORY_FIELDS,
        )
        layer.CreateFeature(feat)


def read_entity_history(path: str | os.PathLike) -> list[dict]:
    """Return the ``entity_history`` entries of ``path``, oldest first (``old``/``new`` dicts)."""
    import json
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout())
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if ENTITY_HISTORY_LAYER not in tables:
            return []
        rows = con.execute(
            f"SELECT kind, entity_id, operation, changed_at, changed_by,"
            f" {_door_column(con, ENTITY_HISTORY_LAYER)}, old_row, new_row"
            f" FROM {ENTITY_HISTORY_LAYER} ORDER BY fid"
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "kind": kind,
            "entity_id": key,
            "operation": op,
            "changed_at": at,
            "changed_by": who,
            "door": door or None,
            "old": json.loads(old) if old else None,
            "new": json.loads(new) if new else None,
        }
        for kind, key, op, at, who, door, old, new in rows
    ]


def history_row(obj: Service, version: int) -> dict:
    """Return the JSON-ready old row of a service kept in ``services_history``."""
    row = record_to_properties(obj, SERVICE_FIELDS)
    row["lon"], row["lat"] = obj.lon, obj.lat
    row[VERSION_COLUMN] = version
    return row


def _log_history(
    ds, before: RegistryState, after: RegistryState, editor: str | None, door: str | None = None
) -> None:
    import json

    from osgeo import ogr

    from .model import now_iso

    layer = ds.GetLayerByName(HISTORY_LAYER)
    if layer is None:  # a registry opened without ensure_schema (never through the API)
        return
    stamp = now_iso()
    entries = []
    for k, obj in before.services.items():
        if k not in after.services:
            entries.append((k, "DELETE", history_row(obj, before.versions.get(k, 0)), None))
        elif after.services[k] != obj:
            old = history_row(obj, before.versions.get(k, 0))
            entries.append((k, "UPDATE", old, after.versions.get(k)))
    for k in after.services:
        if k not in before.services:
            entries.append((k, "INSERT", None, after.versions.get(k)))
    for k, op, old, version in entries:
        feat = ogr.Feature(layer.GetLayerDefn())
        props = {
            "service_id": k,
            "operation": op,
            "changed_at": stamp,
            "changed_by": editor or "",
            "door": door,
            "new_version": version,
            "old_row": None if old is None else json.dumps(old, ensure_ascii=False),
        }
        _set_fields(feat, props, HISTORY_FIELDS)
        layer.CreateFeature(feat)


def translation_row(t: Translation) -> dict:
    """Return the JSON-ready row of a translation (as kept in ``translations_history``)."""
    return record_to_properties(t, TRANSLATION_FIELDS)


def _apply_translations(
    ds, old: dict, new: dict, editor: str | None, door: str | None = None
) -> None:
    """Write the changed translations (delete + insert by service and language) and log each
    change in ``translations_history`` in the open transaction ``ds``."""
    import json

    from osgeo import ogr

    from .model import now_iso

    layer = ds.GetLayerByName(TRANSLATIONS_LAYER)
    fids: dict[tuple[str, str], list[int]] = {}
    layer.ResetReading()
    for feat in layer:
        key = (feat.GetFieldAsString("service_id"), feat.GetFieldAsString("lang"))
        fids.setdefault(key, []).append(feat.GetFID())
    changed = [k for k in old if k not in new or old[k] != new[k]]
    changed += [k for k in new if k not in old]
    log = ds.GetLayerByName(TRANSLATIONS_HISTORY_LAYER)
    stamp = now_iso()
    for key in changed:
        _before_row_write(TRANSLATIONS_LAYER, "/".join(key))
        for fid in fids.get(key, []):
            layer.DeleteFeature(fid)
        if key in new:
            feat = ogr.Feature(layer.GetLayerDefn())
            _set_fields(
                feat, record_to_properties(new[key], TRANSLATION_FIELDS), TRANSLATION_FIELDS
            )
            layer.CreateFeature(feat)
        if log is None:
            continue
        before, after = old.get(key), new.get(key)
        entry = ogr.Feature(log.GetLayerDefn())
        props = {
            "service_id": key[0],
            "lang": key[1],
            "operation": "INSERT" if before is None else "DELETE" if after is None else "UPDATE",
            "changed_at": stamp,
            "changed_by": editor or "",
            "door": door,
            "old_row": None
            if before is None
            else json.dumps(translation_row(before), ensure_ascii=False),
            "new_row": None
            if after is None
            else json.dumps(translation_row(after), ensure_ascii=False),
        }
        _set_fields(entry, props, TRANSLATIONS_HISTORY_FIELDS)
        log.CreateFeature(entry)


def read_translation_history(path: str | os.PathLike, service_id: str) -> list[dict]:
    """Return the ``translations_history`` entries of one service, oldest first: ``lang``,
    ``operation``, ``changed_at``, ``changed_by``, ``old`` and ``new`` (dicts or None)."""
    import json
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout())
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if TRANSLATIONS_HISTORY_LAYER not in tables:
            return []
        rows = con.execute(
            f"SELECT lang, operation, changed_at, changed_by,"
            f" {_door_column(con, TRANSLATIONS_HISTORY_LAYER)}, old_row, new_row"
            f" FROM {TRANSLATIONS_HISTORY_LAYER} WHERE service_id = ? ORDER BY fid",
            (service_id,),
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "service_id": service_id,
            "lang": lang,
            "operation": op,
            "changed_at": at,
            "changed_by": who,
            "door": door or None,
            "old": json.loads(old) if old else None,
            "new": json.loads(new) if new else None,
        }
        for lang, op, at, who, door, old, new in rows
    ]


def _deleted_versions(ds) -> dict[str, int]:
    """Return {service_id: row_version when deleted} from the history (empty without one)."""
    import json

    layer = ds.GetLayerByName(HISTORY_LAYER)
    if layer is None:
        return {}
    found: dict[str, int] = {}
    layer.SetAttributeFilter("operation = 'DELETE'")
    try:
        for feat in layer:
            old = json.loads(feat.GetFieldAsString("old_row") or "{}")
            key = feat.GetFieldAsString("service_id")
            found[key] = max(found.get(key, 0), int(old.get(VERSION_COLUMN) or 0))
    finally:
        layer.SetAttributeFilter(None)
    return found


def _door_column(con, table: str) -> str:
    """``door``, or NULL for a history table made before the door was recorded."""
    names = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
    return "door" if "door" in names else "NULL"


def _ensure_door_columns(ds) -> bool:
    """Add ``door`` to history tables made before it (their old rows stay empty: not
    recorded); True if any was added."""
    from osgeo import ogr

    added = False
    for name in (HISTORY_LAYER, ENTITY_HISTORY_LAYER, TRANSLATIONS_HISTORY_LAYER):
        layer = ds.GetLayerByName(name)
        if layer is not None and layer.GetLayerDefn().GetFieldIndex("door") < 0:
            layer.CreateField(ogr.FieldDefn("door", ogr.OFTString))
            added = True
    return added


def _ensure_history_layer(ds) -> bool:
    from osgeo import ogr

    if ds.GetLayerByName(HISTORY_LAYER) is not None:
        return False
    layer = ds.CreateLayer(HISTORY_LAYER, None, ogr.wkbNone)
    for name, kind in HISTORY_FIELDS.items():
        layer.CreateField(ogr.FieldDefn(name, getattr(ogr, _OGR_TYPES[kind])))
    ds.ExecuteSQL(f"CREATE INDEX {HISTORY_LAYER}_sid ON {HISTORY_LAYER} (service_id)")
    return True


def _ensure_entity_history(ds) -> bool:
    """Add ``entity_history`` to a registry made before it; True if added."""
    from osgeo import ogr

    if ds.GetLayerByName(ENTITY_HISTORY_LAYER) is not None:
        return False
    layer = ds.CreateLayer(ENTITY_HISTORY_LAYER, None, ogr.wkbNone)
    for name, kind in ENTITY_HISTORY_FIELDS.items():
        layer.CreateField(ogr.FieldDefn(name, getattr(ogr, _OGR_TYPES[kind])))
    ds.ExecuteSQL(f"CREATE INDEX {ENTITY_HISTORY_LAYER}_id ON {ENTITY_HISTORY_LAYER} (entity_id)")
    return True


def _ensure_translation_layers(ds) -> bool:
    """Add ``service_translations`` and ``translations_history`` to a registry made before
    them (nothing else changes); True if either was added."""
    from osgeo import ogr

    added = False
    for name, fields_ in (
        (TRANSLATIONS_LAYER, TRANSLATION_FIELDS),
        (TRANSLATIONS_HISTORY_LAYER, TRANSLATIONS_HISTORY_FIELDS),
    ):
        if ds.GetLayerByName(name) is not None:
            continue
        layer = ds.CreateLayer(name, None, ogr.wkbNone)
        for field, kind in fields_.items():
            layer.CreateField(ogr.FieldDefn(field, getattr(ogr, _OGR_TYPES[kind])))
        ds.ExecuteSQL(f"CREATE INDEX {name}_sid ON {name} (service_id)")
        added = True
    return added


def read_history(path: str | os.PathLike, service_id: str | None = None) -> list[dict]:
    """Return the ``services_history`` entries of ``path`` (of one service), oldest first.

    Same shape as ``PostgisRegistry.service_history``: ``service_id``, ``operation``,
    ``changed_at``, ``changed_by``, ``row_version`` and ``old`` (dict or None).
    """
    import json
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_timeout())
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if HISTORY_LAYER not in tables:
            return []
        sql = (
            "SELECT service_id, operation, changed_at, changed_by, new_version, old_row,"
            f" {_door_column(con, HISTORY_LAYER)} FROM {HISTORY_LAYER}"
        )
        args: tuple = ()
        if service_id is not None:
            sql += " WHERE service_id = ?"
            args = (service_id,)
        rows = con.execute(sql + " ORDER BY fid", args).fetchall()
    finally:
        con.close()
    return [
        {
            "service_id": sid,
            "operation": op,
            "changed_at": at,
            "changed_by": who,
            "door": door or None,
            "row_version": version,
            "old": json.loads(old) if old else None,
        }
        for sid, op, at, who, version, old, door in rows
    ]


def migrate_schema(ds) -> bool:
    """Add to an open registry the columns a newer schema has (schema 2: services.
    location_privacy, empty = exact; schema 3: services.location_source, empty = placed by
    hand or unknown); True if any was added. Reading never migrates: an old
    registry is only changed when it is written to, in that write's transaction."""
    from osgeo import ogr

    added = False
    for name, (_geom, fields_) in LAYERS.items():
        layer = ds.GetLayerByName(name)
        if layer is None:
            continue
        defn = layer.GetLayerDefn()
        present = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
        for f, kind in fields_.items():
            if f not in present:
                layer.CreateField(ogr.FieldDefn(f, getattr(ogr, _OGR_TYPES[kind])))
                added = True
    return added


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


def _apply_table(
    ds, name: str, fields_: dict[str, str], old: dict, new: dict, versions=None
) -> None:
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
    deleted = None  # {service_id: last version} of deleted services, read once if needed
    for k, obj in new.items():
        if k in old and old[k] == obj and k in fids:
            continue
        _before_row_write(name, k)
        props = record_to_properties(obj, fields_)
        extra = {}
        if versions is not None:
            old_versions, new_versions = versions
            if k not in old_versions:  # a restored service goes on from its last version
                if deleted is None:
                    deleted = _deleted_versions(ds)
                old_versions = {k: deleted.get(k, 0)}
            new_versions[k] = old_versions.get(k, 0) + 1
            extra = {VERSION_COLUMN: new_versions[k]}
        if k in fids:
            feat = layer.GetFeature(fids[k])
            _set_fields(feat, props, fields_)
            _set_fields(feat, extra, dict.fromkeys(extra, "int"))
            if has_geom:
                feat.SetGeometry(_ogr_point(obj))
            layer.SetFeature(feat)
        else:
            from osgeo import ogr

            feat = ogr.Feature(layer.GetLayerDefn())
            _set_fields(feat, props, fields_)
            _set_fields(feat, extra, dict.fromkeys(extra, "int"))
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


# --- concurrent writers -------------------------------------------------------------------------
VERSION_COLUMN = "row_version"
BUSY_TIMEOUT_ENV = "CAPACITYMETRO_REGISTRY_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 60.0  # seconds a write waits for another writer before giving up


class RegistryBusyError(CapaCityMetroError):
    """The registry stayed locked by another writer longer than the busy timeout."""

    def __init__(self, path, waited: float) -> None:
        super().__init__(
            f"Registry {path} is busy: another user or program kept it locked for "
            f"{waited:.0f} s, so nothing was written.",
            fix="Try again in a moment; if it stays busy, close the other program editing it "
            f"(or raise {BUSY_TIMEOUT_ENV}).",
            it=f"Il registro {path} è occupato: un altro utente o programma lo ha tenuto bloccato "
            f"per {waited:.0f} s, quindi non è stato scritto nulla.",
            fix_it="Riprova tra poco; se resta occupato, chiudi l'altro programma che lo modifica "
            f"(o aumenta {BUSY_TIMEOUT_ENV}).",
        )
        self.path = path
        self.waited = waited


def busy_timeout() -> float:
    """Return the bounded wait for a busy registry (``CAPACITYMETRO_REGISTRY_BUSY_TIMEOUT``)."""
    try:
        return max(0.0, float(os.environ.get(BUSY_TIMEOUT_ENV, DEFAULT_BUSY_TIMEOUT)))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def is_busy_error(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'database table is locked' / busy errors."""
    text = str(exc).lower()
    return "database is locked" in text or "is locked" in text or "sqlite_busy" in text


def _retry_busy(path, func):
    """Run ``func()`` and retry it while the registry is busy, up to :func:`busy_timeout`."""
    start = time.monotonic()
    limit = busy_timeout()
    delay = 0.02
    while True:
        try:
            return func()
        except Exception as exc:  # noqa: BLE001 - GDAL, fiona, pyogrio and sqlite3 raise different types
            if isinstance(exc, CapaCityMetroError) or not is_busy_error(exc):
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                raise RegistryBusyError(path, waited) from exc
            time.sleep(min(delay, max(0.0, limit - waited)))
            delay = min(delay * 2, 0.5)


def ensure_schema(path: str | os.PathLike) -> bool:
    """Upgrade an older registry in place (adds ``services.row_version`` and the
    ``services_history`` table); True if changed."""
    from osgeo import ogr

    ogr.UseExceptions()

    def upgrade() -> bool:
        ds = ogr.Open(str(path), 1)
        try:
            layer = ds.GetLayerByName("services")
            if layer is None:
                return False
            added = _ensure_history_layer(ds)
            added = _ensure_translation_layers(ds) or added
            added = _ensure_entity_history(ds) or added
            added = _ensure_door_columns(ds) or added
            if layer.GetLayerDefn().GetFieldIndex(VERSION_COLUMN) >= 0:
                return added
            layer.CreateField(ogr.FieldDefn(VERSION_COLUMN, ogr.OFTInteger64))
            return True
        finally:
            ds = None

    return _retry_busy(path, upgrade)


class _Point:
    """The x/y of an OGR point, shaped like the shapely point :func:`_from_row` reads."""

    is_empty = False

    def __init__(self, x: float, y: float) -> None:
        self.x, self.y = x, y


def _ogr_rows(ds, layer_name: str, fields_: dict[str, str]):
    layer = ds.GetLayerByName(layer_name)
    defn = layer.GetLayerDefn()
    present = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
    layer.ResetReading()
    for feat in layer:
        row = {}
        for name, kind in list(fields_.items()) + [(VERSION_COLUMN, "int")]:
            if name not in present or not feat.IsFieldSetAndNotNull(name):
                row[name] = None
            elif kind == "int":
                row[name] = feat.GetFieldAsInteger64(name)
            elif kind == "date":
                row[name] = feat.GetFieldAsString(name).replace("/", "-")[:10]
            else:
                row[name] = feat.GetFieldAsString(name)
        geom = feat.GetGeometryRef()
        point = None
        if geom is not None and not geom.IsEmpty():
            point = _Point(geom.GetX(), geom.GetY())
        yield row, point


def _read_state_ds(ds) -> RegistryState:
    """Read the whole registry through the open (locked) OGR data source ``ds``."""
    state = RegistryState()
    for row, geom in _ogr_rows(ds, "services", SERVICE_FIELDS):
        s = _from_row(Service, row, SERVICE_FIELDS, geom)
        state.services[s.service_id] = s
        state.versions[s.service_id] = int(row.get(VERSION_COLUMN) or 0)
    for row, _ in _ogr_rows(ds, "organizations", ORGANIZATION_FIELDS):
        o = _from_row(Organization, row, ORGANIZATION_FIELDS)
        state.organizations[o.organization_id] = o
    for row, geom in _ogr_rows(ds, "practices", PRACTICE_FIELDS):
        p = _from_row(Practice, row, PRACTICE_FIELDS, geom)
        state.practices[p.practice_id] = p
    state.links = [
        (str(r["service_id"]), str(r["practice_id"]))
        for r, _ in _ogr_rows(ds, "service_practices", LINK_FIELDS)
        if r.get("service_id") and r.get("practice_id")
    ]
    state.meta = {
        str(r["key"]): str(r.get("value") or "")
        for r, _ in _ogr_rows(ds, "registry_meta", META_FIELDS)
        if r.get("key") is not None
    }
    if ds.GetLayerByName(TRANSLATIONS_LAYER) is not None:
        for row, _ in _ogr_rows(ds, TRANSLATIONS_LAYER, TRANSLATION_FIELDS):
            _add_translation(state, row)
    return state


@contextmanager
def locked_transaction(path: str | os.PathLike):
    """Take the registry's write lock, THEN read it; yield ``(ds, state)``; commit at the end.

    The write lock (SQLite RESERVED, taken by a no-op UPDATE right after BEGIN) is held from
    before the read until the commit, so two writers are serialized: the second reads what the
    first committed (no lost update). A busy registry is retried up to :func:`busy_timeout`,
    then :class:`RegistryBusyError`. On any error the transaction is rolled back.
    """
    from osgeo import ogr

    ogr.UseExceptions()
    path = Path(path)
    missing_check = read_state  # names the missing layers in a bilingual error
    if not path.exists():
        missing_check(path)
    ensure_schema(path)

    def begin():
        ds = ogr.Open(str(path), 1)
        try:
            ds.StartTransaction()
            try:
                ds.ExecuteSQL("UPDATE registry_meta SET key = key WHERE 0")
            except BaseException:
                ds.RollbackTransaction()
                raise
        except BaseException:
            ds = None
            raise
        return ds

    ds = _retry_busy(path, begin)
    try:
        try:
            state = _read_state_ds(ds)
            yield ds, state
            _retry_busy(path, ds.CommitTransaction)
        except BaseException:
            try:
                ds.RollbackTransaction()
            except Exception:  # noqa: BLE001 - already rolled back by a failed commit
                pass
            raise
    finally:
        ds = None  # closes the file


# --- crash recovery -----------------------------------------------------------------------------
STALE_TEMP_SECONDS = 600  # a temporary registry file older than this belongs to a killed write


class RegistryRecoveredWarning(UserWarning):
    """A registry was left half-written by a crash and has been rolled back to its last state."""

    def __init__(self, path) -> None:
        self.message = (
            f"Registry {path} had been left half-written (a program was stopped during a write); "
            "the unfinished write was rolled back and the registry is as it was before it."
        )
        self.message_it = (
            f"Il registro {path} era rimasto a metà di una scrittura (un programma è stato "
            "interrotto mentre scriveva); la scrittura incompiuta è stata annullata e il registro "
            "è com'era prima."
        )
        super().__init__(f"{self.message} / {self.message_it}")
        self.path = path


def recover(path: str | os.PathLike) -> bool:
    """Roll back the hot journal a crashed write left beside ``path``; True if it did.

    SQLite rolls a hot journal back at the first read by a connection that can write; a
    read-only reader cannot, and then every open failed with "attempt to write a readonly
    database". A journal of a write still running (its writer holds the lock) is left alone.
    """
    import sqlite3

    path = Path(path)
    journal = Path(f"{path}-journal")
    if not journal.exists() or not path.exists():
        return False
    try:
        con = sqlite3.connect(str(path), timeout=busy_timeout())
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if is_busy_error(exc):
            return False  # a live writer: its journal is not hot
        raise InputError(
            f"Registry {path} was left half-written by a crash and cannot be rolled back here "
            f"({exc}).",
            fix="Open it once from an account that can write its folder; the registry is then "
            "restored to its state before the crash.",
            it=f"Il registro {path} è rimasto a metà di una scrittura interrotta e qui non può "
            f"essere ripristinato ({exc}).",
            fix_it="Aprilo una volta da un utente che può scrivere nella sua cartella: il registro "
            "torna allo stato di prima dell'interruzione.",
        ) from exc
    return not journal.exists()


def remove_stale_temporaries(path: str | os.PathLike, *, older_than: float = STALE_TEMP_SECONDS):
    """Delete ``.<stem>-XXXXXXXX.gpkg`` files a killed write left beside registry ``path``.

    Only files older than ``older_than`` seconds go (a younger one may be a write in progress).
    Returns the removed paths.
    """
    import re

    path = Path(path)
    pattern = re.compile(
        rf"^\.{re.escape(path.stem)}-[A-Za-z0-9_]{{8}}\.gpkg(-journal|-wal|-shm)?$"
    )
    now = time.time()
    removed = []
    if not path.parent.is_dir():
        return removed
    for candidate in path.parent.iterdir():
        if not pattern.match(candidate.name):
            continue
        try:
            if now - candidate.stat().st_mtime >= older_than:
                candidate.unlink()
                removed.append(candidate)
        except OSError:  # gone meanwhile, or not ours to delete: leave it
            continue
    return removed
