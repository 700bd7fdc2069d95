"""What changed in a registry since a date, per area: one row per changed field.

Read from the registry's own history (GeoPackage: written by the core and the dock in the same
transaction as the change; PostGIS: by the database's triggers, so plain SQL and QGIS layer
edits count): services (``services_history``), their translations (``translations_history``),
organizations, practice sheets and links (``entity_history``). A deleted service is still
reported. Each row: ``changed_at``, ``changed_by``, ``door`` (which door the change came
through, see doors.py; empty when not recorded), ``kind`` (service / translation /
organization / practice / link), ``id``, ``name``, ``operation`` (INSERT / UPDATE / DELETE),
``field``, ``old``, ``new``.

With an ``area`` (comune or province codes, as ``cm_area_editor`` areas: a metropolitan city's
2xx code is its province), services, their translations and links are kept when the service
lies in it (as stored after the change, or before a delete), practice sheets when their comune
is; organizations belong to no area and are left out. Values are given as text (lists joined
by ";").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

from capacitymetro_plugin.core.errors import InputError

from .history import BOOKKEEPING_FIELDS, service_versions

COLUMNS = (
    "changed_at",
    "changed_by",
    "door",
    "kind",
    "id",
    "name",
    "operation",
    "field",
    "old",
    "new",
)
KINDS = ("service", "translation", "organization", "practice", "link")


def _moment(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{value!r} is not a date or a time.",
                fix="Write it as 2026-11-01 or 2026-11-01T09:30.",
                it=f"{value!r} non è una data né un'ora.",
                fix_it="Scrivila come 2026-11-01 o 2026-11-01T09:30.",
            ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _areas(area) -> set[str] | None:
    if area is None:
        return None
    from .roles import area_code

    codes = [area] if isinstance(area, str) else list(area)
    return {area_code(c) for c in codes}


def _in(areas: set[str] | None, comune, province) -> bool:
    """As the PostGIS roles place a service (roles.cm_in_area): by its comune when it has one
    (the comune or its province), else by ``metro_area``."""
    if areas is None:
        return True
    comune, province = str(comune or ""), str(province or "")
    if comune:
        return bool({comune, comune[:3]} & areas)
    return province in areas


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def changes_since(registry, since, *, area=None, kinds: Iterable[str] = KINDS) -> list[dict]:
    """Return the changes made since ``since`` (a date, or a time; UTC unless it says), oldest
    first, one row per changed field (see the module docstring)."""
    start = _moment(since)
    areas = _areas(area)
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise InputError(
            f"Unknown kind(s) of change: {', '.join(sorted(unknown))}.",
            fix=f"Use some of: {', '.join(KINDS)}.",
            it=f"Tipo/i di modifica sconosciuti: {', '.join(sorted(unknown))}.",
            fix_it=f"Usa alcuni tra: {', '.join(KINDS)}.",
        )
    state = registry.load()
    rows: list[dict] = []
    where: dict[str, tuple] = {}  # service -> (comune, province) as last known
    histories: dict[str, list[dict]] = {}
    for entry in registry.services_history():  # one read for every service, deleted ones too
        histories.setdefault(entry["service_id"], []).append(entry)
    for sid in sorted(set(histories) | set(state.services)):
        current = state.services.get(sid)
        history = histories.get(sid, [])
        versions = service_versions(history, current, state.versions.get(sid))
        for v in reversed(versions):  # oldest first
            seen = v.service
            if seen is None:  # a delete: where it was before
                entry = next((e for e in reversed(history) if e.get("operation") == "DELETE"), None)
                old = (entry or {}).get("old") or {}
                place = (old.get("comune_istat"), old.get("metro_area"))
                name = old.get("name") or ""
            else:
                place = (seen.comune_istat, seen.metro_area)
                name = seen.name
            where[sid] = place
            if "service" not in kinds or _moment(v.changed_at) < start or not _in(areas, *place):
                continue
            base = {"changed_at": v.changed_at, "changed_by": v.changed_by,
                    "door": v.door or "", "kind": "service",
                    "id": sid, "name": name, "operation": v.operation}  # fmt: skip
            if v.operation != "UPDATE":
                rows.append({**base, "field": "", "old": "", "new": ""})
                continue
            for change in v.changes:
                if change.field in BOOKKEEPING_FIELDS:
                    continue
                rows.append({**base, "field": change.field, "old": _text(change.old),
                             "new": _text(change.new)})  # fmt: skip
            if v.moved_m is not None or v.placed or v.unplaced:
                rows.append({**base, "field": "location", "old": "",
                             "new": "" if v.unplaced else f"moved {v.moved_m or 0:.0f} m"})  # fmt: skip
        if "translation" in kinds and hasattr(registry, "translation_history"):
            for e in registry.translation_history(sid):
                if _moment(e["changed_at"]) < start or not _in(areas, *where.get(sid, ("", ""))):
                    continue
                old, new = e.get("old") or {}, e.get("new") or {}
                base = {"changed_at": e["changed_at"], "changed_by": e["changed_by"],
                        "door": e.get("door") or "", "kind": "translation", "id": f"{sid}/{e['lang']}",
                        "name": (new or old).get("name") or "", "operation": e["operation"]}  # fmt: skip
                for f in ("name", "description", "source"):
                    if old.get(f) != new.get(f):
                        rows.append({**base, "field": f, "old": _text(old.get(f)),
                                     "new": _text(new.get(f))})  # fmt: skip
    if hasattr(registry, "entity_history"):
        for e in registry.entity_history():
            kind = e["kind"]
            if kind not in kinds or _moment(e["changed_at"]) < start:
                continue
            old, new = e.get("old") or {}, e.get("new") or {}
            if kind == "link":
                sid = (new or old).get("service_id")
                if not _in(areas, *where.get(sid, ("", ""))):
                    continue
            elif kind == "practice" and areas is not None:  # a sheet placed in a comune
                if not _in(areas, (new or old).get("comune_istat"), None):
                    continue
            elif areas is not None:  # organizations belong to no area
                continue
            name = (new or old).get("name") or (new or old).get("title") or ""
            base = {"changed_at": e["changed_at"], "changed_by": e["changed_by"],
                    "door": e.get("door") or "", "kind": kind,
                    "id": e["entity_id"], "name": name, "operation": e["operation"]}  # fmt: skip
            if e["operation"] != "UPDATE":
                rows.append({**base, "field": "", "old": "", "new": ""})
                continue
            for f in sorted(set(old) | set(new)):
                if f in BOOKKEEPING_FIELDS or f in ("ogc_fid", "fid", "geom"):
                    continue
                if old.get(f) != new.get(f):
                    rows.append({**base, "field": f, "old": _text(old.get(f)),
                                 "new": _text(new.get(f))})  # fmt: skip
    rows.sort(key=lambda r: _moment(r["changed_at"]))
    return rows


def write_changes(rows: list[dict], path: str | os.PathLike) -> Path:
    """Write ``rows`` as CSV (``.csv``) or JSON (``.json``); return the path."""
    out = Path(path)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return out
    if out.suffix.lower() != ".csv":
        raise InputError(
            f"{out.name}: write the changes as .csv or .json.",
            fix="End the file name with .csv or .json.",
            it=f"{out.name}: scrivi le modifiche come .csv o .json.",
            fix_it="Termina il nome del file con .csv o .json.",
        )
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for r in rows:  # a text starting like a formula is written as text (spreadsheets)
            writer.writerow({k: _safe(r.get(k, "")) for k in COLUMNS})
    return out


def _safe(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else text
