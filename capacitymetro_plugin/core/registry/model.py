"""The registry's records: services, organizations and good-practice sheets.

Field names and types follow the GeoPackage contract in ``docs/registry.md`` (layers ``services``,
``organizations``, ``practices``). Lists (sectors, languages, target groups, themes) are Python
lists here and ``;``-separated text in the GeoPackage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone

from capacitymetro_plugin.core._pycompat import keyword_only


def new_id() -> str:
    """Return a new uuid4 string (the identifier of every record)."""
    return str(uuid.uuid4())


def now_iso() -> str:
    """Return the current UTC time as ISO 8601 with seconds (``2026-11-21T20:00:00Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@keyword_only  # records are built by field name only (dataclass(kw_only=True) is 3.10)
@dataclass
class Service:
    """One service for migrants at one place (a point in EPSG:4326, or none yet)."""

    name: str
    service_id: str = field(default_factory=new_id)
    description: str | None = None
    organization_id: str | None = None
    operator_type: str | None = None
    sectors: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    opening_hours: str | None = None
    capacity: int | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    postcode: str | None = None
    comune_istat: str | None = None
    comune_name: str | None = None
    metro_area: str | None = None
    status: str = "active"
    last_verified: str | None = None
    contact_name: str | None = None
    internal_notes: str | None = None
    source_url: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    location_privacy: str = "exact"
    # how the point was placed: "manual", "geocoded:osm", "geocoded:nominatim", "geocoded:stops"; None (older
    # registries, imports) counts as placed by hand, so geocoding never moves it
    location_source: str | None = None
    lon: float | None = None
    lat: float | None = None


@keyword_only
@dataclass
class Organization:
    """An organization running one or more services."""

    name: str
    organization_id: str = field(default_factory=new_id)
    operator_type: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None


@keyword_only
@dataclass
class Practice:
    """A good-practice sheet, located at comune level."""

    title: str
    practice_id: str = field(default_factory=new_id)
    summary: str | None = None
    themes: list[str] = field(default_factory=list)
    place: str | None = None
    comune_istat: str | None = None
    source: str | None = None
    link: str | None = None
    attachment: str | None = None
    lon: float | None = None
    lat: float | None = None


#: who wrote a translation: the operator (a person), or a machine (must be shown as such)
TRANSLATION_SOURCES = ("operator", "machine")


@keyword_only
@dataclass
class Translation:
    """A service's name and description in one more language (the record itself is Italian).

    ``lang`` is an accepted language code (ISO 639-1, else ISO 639-3; see vocabularies.py);
    ``source`` is ``"operator"`` or ``"machine"`` (machine translations are labelled in public
    outputs); ``updated_at`` and ``editor`` are set by the registry on each write.
    """

    service_id: str
    lang: str
    name: str
    description: str | None = None
    source: str = "operator"
    updated_at: str | None = None
    editor: str | None = None


LIST_FIELDS = {"sectors", "target_groups", "languages", "themes"}
PUBLIC_EXCLUDED = ("contact_name", "internal_notes")
# How a service's place may appear in PUBLIC outputs (web "bussola", public HSDS/CSV/GeoJSON,
# printed public maps); internal analyses always use the exact point. See core/registry/privacy.py
LOCATION_PRIVACY = ("exact", "approximate", "hidden")


def field_names(cls: type) -> list[str]:
    """Return the dataclass field names of ``cls`` in order."""
    return [f.name for f in fields(cls)]
