"""Which door a registry change came through, as recorded in the history.

Every history entry (``services_history``, ``entity_history``, ``translations_history``, on
GeoPackage and PostGIS alike) has a ``door``:

- ``core``: the Python API used directly (the default);
- ``cli``: a ``capacitymetro ...`` command;
- ``processing``: a Processing algorithm of the plugin;
- ``dock``: the plugin's QGIS dock;
- ``qgis`` (PostGIS only): QGIS's own layer editing, through a QGIS connection that is not ours
  (QGIS sets the connection's ``application_name`` to ``QGIS``);
- ``sql`` (PostGIS only): anything else that wrote to the database (psql, plain SQL, scripts).

A door says which one it is with :func:`entered_through` around its work (the CLI and the
Processing base class do); a registry can also be given one for good (``registry.door = "dock"``,
as the dock's registries are). Entries written before the door was recorded have ``door`` None.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from capacitymetro_plugin.core.errors import InputError

__all__ = ["DOORS", "SETTING", "check_door", "current_door", "door_of", "entered_through"]

#: every door a history entry can name
DOORS = ("core", "cli", "processing", "dock", "qgis", "sql")
#: the PostgreSQL setting our transactions set (SET LOCAL) and the history triggers read
SETTING = "capacitymetro.door"

_CURRENT: ContextVar[str] = ContextVar("capacitymetro_door", default="core")


def check_door(door: str) -> str:
    """Return ``door`` if it is one of :data:`DOORS`, else raise :class:`InputError`."""
    if door not in DOORS:
        raise InputError(
            f"Unknown door {door!r} for the registry history.",
            fix=f"Use one of: {', '.join(DOORS)}.",
            it=f"Porta d'accesso {door!r} sconosciuta per la cronologia del registro.",
            fix_it=f"Usa una tra: {', '.join(DOORS)}.",
        )
    return door


def current_door() -> str:
    """Return the door the running code entered through (``core`` unless a door said so)."""
    return _CURRENT.get()


@contextmanager
def entered_through(door: str) -> Iterator[str]:
    """Record the registry changes made inside the ``with`` block as made through ``door``."""
    token = _CURRENT.set(check_door(door))
    try:
        yield door
    finally:
        _CURRENT.reset(token)


def door_of(registry) -> str:
    """Return the door a write of ``registry`` is recorded with: its own ``door`` when set
    (checked), else :func:`current_door`."""
    door = getattr(registry, "door", None)
    return check_door(door) if door else current_door()
