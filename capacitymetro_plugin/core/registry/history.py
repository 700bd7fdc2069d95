"""The versions of one service, read from its history: what each change did, field by field.

``Registry.service_history`` (GeoPackage) and ``PostgisRegistry.service_history`` give raw
entries, oldest first, each with the row *before* the change. A person wants the opposite view:
each version, newest first, with who made it, when, and what it changed (``capacity: 20 → 30``,
"the location moved by 35 m"). :func:`service_versions` pairs each entry with the row *after* it
(the next entry's old row, or the service as stored now) and compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .model import Service

__all__ = ["BOOKKEEPING_FIELDS", "FieldChange", "ServiceVersion", "service_versions"]

#: fields every write changes: not an edit a person made, so not listed as a change
BOOKKEEPING_FIELDS = ("created_at", "updated_at")


@dataclass
class FieldChange:
    """One field changed by a version: ``old`` → ``new`` (None when empty)."""

    field: str
    old: object
    new: object


@dataclass
class ServiceVersion:
    """One recorded change of a service and the version it produced.

    ``version`` is the row version after the change (None for a delete); ``service`` is the
    service as it was after the change (None after a delete). ``moved_m`` is the distance the
    location moved, in metres (None when it did not move, or was placed/removed: see
    ``placed``/``unplaced``). ``restorable`` is True when this version can be put back with
    ``Registry.restore_service(service_id, version)``: it is kept in the history and it is not
    the version stored now. ``same_as`` names the newest earlier version (not the one just
    before) that this one equals field for field: what a restore produces.
    """

    version: int | None
    operation: str
    changed_at: str
    changed_by: str
    service: Service | None
    door: str | None = (
        None  # core / cli / processing / dock / qgis / sql (doors.py); None: not recorded
    )
    changes: list[FieldChange] = field(default_factory=list)
    moved_m: float | None = None
    placed: bool = False
    unplaced: bool = False
    restorable: bool = False
    current: bool = False
    same_as: int | None = None  # an earlier version this one equals (a restore, an undo)


def _comparable(service: Service | None) -> dict:
    if service is None:
        return {}
    out = {}
    for f in fields(Service):
        if f.name in BOOKKEEPING_FIELDS or f.name in ("lon", "lat"):
            continue
        value = getattr(service, f.name)
        if isinstance(value, list):  # codes: the order they were ticked in is not an edit
            value = sorted(value) or None
        out[f.name] = None if value == "" else value
    return out


def _distance_m(a: Service, b: Service) -> float:
    """Geodesic distance on the WGS84 ellipsoid between the points of ``a`` and ``b``."""
    from pyproj import Geod

    _, _, metres = Geod(ellps="WGS84").inv(a.lon, a.lat, b.lon, b.lat)
    return float(metres)


def _placed(service: Service | None) -> bool:
    return service is not None and service.lon is not None and service.lat is not None


def _compare(before: Service | None, after: Service | None, version: ServiceVersion) -> None:
    old, new = _comparable(before), _comparable(after)
    for name in [f.name for f in fields(Service)]:
        if name in old or name in new:
            a, b = old.get(name), new.get(name)
            if a != b and before is not None and after is not None:
                version.changes.append(FieldChange(name, a, b))
    if before is None or after is None:
        return  # a creation or a deletion: the whole record, not a list of fields
    if _placed(before) and _placed(after):
        metres = _distance_m(before, after)
        if metres > 0:
            version.moved_m = metres
    elif _placed(after):
        version.placed = True
    elif _placed(before):
        version.unplaced = True


def service_versions(
    history: list[dict], current: Service | None, current_version: int | None = None
) -> list[ServiceVersion]:
    """Return the versions of a service, newest first, with what each one changed.

    Parameters
    ----------
    history
        The entries of ``Registry.service_history(service_id)`` (oldest first).
    current
        The service as stored now (None when it is deleted).
    current_version
        Its row version now (marks that version as current, so it is not offered for restore).

    Returns
    -------
    list of ServiceVersion
        One per history entry, newest first.
    """
    from .registry import service_from_history

    olds = [None if e.get("old") is None else service_from_history(e["old"]) for e in history]
    kept = {
        int(e["old"].get("row_version") or 0) for e in history if e.get("old") is not None
    }  # versions restore_service can put back
    out = []
    for i, entry in enumerate(history):
        before = olds[i]
        if entry.get("operation") == "DELETE":
            after = None
        elif i + 1 < len(history):
            after = olds[i + 1]
        else:
            after = current
        raw = entry.get("row_version")
        number = None if raw is None else int(raw)
        version = ServiceVersion(
            version=number,
            operation=str(entry.get("operation") or ""),
            changed_at=str(entry.get("changed_at") or ""),
            changed_by=str(entry.get("changed_by") or ""),
            service=after,
            door=entry.get("door") or None,
        )
        _compare(before, after, version)
        if current_version is not None:
            is_current = number == current_version
        else:
            is_current = i == len(history) - 1
        version.current = current is not None and number is not None and is_current
        version.restorable = number is not None and number in kept and not version.current
        out.append(version)
    _mark_returns(out)
    out.reverse()
    return out


def _mark_returns(versions: list[ServiceVersion]) -> None:
    """Set ``same_as`` on each version (oldest first) equal to an earlier, not adjacent, one."""
    seen: list[tuple[int, tuple]] = []
    for v in versions:
        if v.service is None or v.version is None:
            continue
        key = (
            tuple(sorted(_comparable(v.service).items(), key=lambda kv: kv[0])),
            v.service.lon,
            v.service.lat,
        )
        key = repr(key)
        for number, earlier in reversed(seen[:-1]):
            if earlier == key:
                v.same_as = number
                break
        seen.append((v.version, key))
