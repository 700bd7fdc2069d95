"""Open Referral HSDS 3.0 exchange: JSON documents and the tabular CSV datapackage.

Mapping (documented in ``docs/registry.md``):

- ``service_id`` → ``service.id``; ``name``, ``description``, ``email``; ``website`` → ``url``;
  ``status`` active/suspended/closed → ``active``/``temporarily closed``/``defunct``;
  ``last_verified`` → ``assured_date``; ``updated_at`` → ``last_modified``;
  ``organization_id`` → ``organization_id`` (+ the ``organization`` object).
- ``phone`` → ``phones[0].number``; ``languages`` → ``languages[].code`` (ISO 639-1, or 639-3 where none, ``name`` in
  English); ``opening_hours`` → ``schedules[]`` (one per rule: ``freq=WEEKLY``, ``byday``,
  ``opens_at``, ``closes_at``; the original text in every schedule's ``description``).
- point, ``address``, ``postcode``, ``comune_istat`` → ``service_at_locations[0].location``
  (``latitude``/``longitude``, ``description`` = address, ``external_identifier`` with type
  ``ISTAT comune code``; ``addresses[0]`` only when address, postcode, comune and metro area are
  all known, since HSDS requires every part).
- ``sectors``, ``target_groups``, ``operator_type`` → ``attributes`` linking to terms of the
  taxonomies "CapaCityMetro sectors/target groups/operator types" (term ``name`` English label,
  ``description`` Italian label).
- ``capacity``, ``address``, ``postcode``, ``comune_istat``, ``comune_name``, ``metro_area``,
  ``source_url``, ``created_at`` → ``attributes`` with ``link_type`` = the field name and the value in ``value``.
- Private fields, only in non-public exports: ``contact_name`` → ``contacts[0].name``,
  ``internal_notes`` → an attribute ``internal_notes``.
- Translations (``service_translations``; HSDS 3.0 and 3.1 have no translation object) →
  ``attributes`` whose taxonomy term is the language, in the taxonomy "CapaCityMetro translation
  languages" (term ``code`` = the ISO 639-1/-3 code, ``name``/``description`` its English/Italian
  name), with ``link_type`` ``name_translation``, ``description_translation``,
  ``translation_source`` (``operator``/``machine``) and ``translation_updated_at``, the text in
  ``value``; ``translation_editor`` only in non-public exports. Any HSDS reader keeps them as
  plain attributes; the document still validates against both schemas.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import uuid
from pathlib import Path

from capacitymetro_plugin.core.errors import InputError

from . import schedule
from .exchange import ParsedRows
from .model import Organization, Service, Translation
from .privacy import public_service
from .registry import Registry
from .validation import ERROR, Issue, ValidationReport
from .vocabularies import (
    LANGUAGES,
    LANGUAGES_639_3,
    OPERATOR_TYPES,
    SECTORS,
    TARGET_GROUPS,
    Term,
    language_term,
)

HSDS_VERSION = "3.0"
_NS = uuid.UUID("7b6c0f5e-4a51-4f8e-9d0a-6a3c1c2f9b10")  # namespace of ids derived here
STATUS_TO_HSDS = {
    "active": "active",
    "suspended": "temporarily closed",
    "closed": "defunct",
    "to_verify": "inactive",  # an unchecked candidate (e.g. from OSM): HSDS has no such status
}
STATUS_FROM_HSDS = {
    "active": "active",
    "temporarily closed": "suspended",
    "inactive": "suspended",
    "defunct": "closed",
}
VALUE_FIELDS = (
    "capacity",
    "address",
    "postcode",
    "comune_istat",
    "comune_name",
    "metro_area",
    "source_url",
    "created_at",
)
PRIVATE_VALUE_FIELDS = ("internal_notes", "location_privacy")  # public: the place protected
ISTAT_ID_TYPE = "ISTAT comune code"

# name, description, terms of each taxonomy we publish
TAXONOMIES: dict[str, tuple[str, str, tuple[Term, ...]]] = {
    "sector": (
        "CapaCityMetro sectors",
        "Sectors of services for migrants / Settori dei servizi per migranti (CapaCityMetro)",
        SECTORS,
    ),
    "target_group": (
        "CapaCityMetro target groups",
        "Target groups / Gruppi destinatari (CapaCityMetro)",
        TARGET_GROUPS,
    ),
    "operator_type": (
        "CapaCityMetro operator types",
        "Operator types / Tipi di gestore (CapaCityMetro)",
        OPERATOR_TYPES,
    ),
    "translation": (
        "CapaCityMetro translation languages",
        "Languages of translated names and descriptions / Lingue di nomi e descrizioni tradotti",
        (),  # every accepted language code: see term_object
    ),
    "field": (
        "CapaCityMetro registry fields",
        "Registry fields carried as attribute values / Campi del registro riportati come valori",
        tuple(Term(f, f, f) for f in (*VALUE_FIELDS, *PRIVATE_VALUE_FIELDS)),
    ),
}
_LANG_NAMES = {t.code: t.en for t in (*LANGUAGES, *LANGUAGES_639_3.values())}

# the tables we write and their fields, in the order of the official datapackage.json
TABLE_FIELDS: dict[str, list[str]] = {
    "organizations": [
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    ],
    "services": [
        "id",
        "organization_id",
        "program_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    ],
    "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "locations": [
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ],
    "phones": [
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ],
    "contacts": [
        "id",
        "organization_id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "name",
        "title",
        "department",
        "email",
    ],
    "addresses": [
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "schedules": [
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    ],
    "languages": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "taxonomy_terms": [
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "language",
        "taxonomy_id",
        "term_uri",
    ],
    "taxonomies": ["id", "name", "description", "uri", "version"],
}
# HSDS resource name of each table file (file name = key + ".csv")
RESOURCE_NAMES = {
    "organizations": "organization",
    "services": "service",
    "attributes": "attribute",
    "service_at_location": "service_at_location",
    "locations": "location",
    "phones": "phone",
    "contacts": "contact",
    "addresses": "address",
    "schedules": "schedule",
    "languages": "language",
    "taxonomy_terms": "taxonomy_term",
    "taxonomies": "taxonomy",
}
FIELD_TYPES = {
    "year_incorporated": "number",
    "minimum_age": "number",
    "maximum_age": "number",
    "assured_date": "date",
    "last_modified": "datetime",
    "latitude": "number",
    "longitude": "number",
    "extension": "number",
    "valid_from": "date",
    "valid_to": "date",
    "dtstart": "date",
    "timezone": "number",
    "until": "date",
    "count": "number",
    "interval": "number",
    "opens_at": "time",
    "closes_at": "time",
}


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def taxonomy_id(kind: str) -> str:
    """Return the stable id of our taxonomy ``kind`` (sector, target_group, ...)."""
    return _uid("taxonomy", kind)


def term_object(kind: str, code: str) -> dict:
    """Return the HSDS taxonomy_term for ``code`` of vocabulary ``kind`` (unknown codes too)."""
    name, _, terms = TAXONOMIES[kind]
    if kind == "translation":
        t = language_term(code)
    else:
        t = next((t for t in terms if t.code == code), None)
    return {
        "id": _uid("term", kind, code),
        "code": code,
        "name": t.en if t else code,
        "description": t.it if t else code,
        "taxonomy": name,
        "language": "en",
        "taxonomy_id": taxonomy_id(kind),
    }


def taxonomies() -> list[dict]:
    """Return the HSDS taxonomy objects of our vocabularies."""
    return [
        {"id": taxonomy_id(k), "name": n, "description": d, "version": "1"}
        for k, (n, d, _) in TAXONOMIES.items()
    ]


# --- registry → HSDS -----------------------------------------------------------------------------
def _attribute(
    sid: str,
    kind: str,
    code: str,
    link_type: str,
    value: str | None = None,
    entity: str = "service",
) -> dict:
    term = term_object(kind, code)
    attr = {
        "id": _uid(sid, "attribute", link_type, code),
        "link_id": sid,
        "taxonomy_term_id": term["id"],
        "link_type": link_type,
        "link_entity": entity,
        "taxonomy_term": term,
    }
    if value is not None:
        attr["value"] = value
    return attr


# link_type of each translation field in the attributes (editor: private)
TRANSLATION_LINK_TYPES = {
    "name": "name_translation",
    "description": "description_translation",
    "source": "translation_source",
    "updated_at": "translation_updated_at",
}
PRIVATE_TRANSLATION_LINK_TYPES = {"editor": "translation_editor"}


def translation_attributes(
    sid: str, translations: list[Translation], *, public: bool = True
) -> list[dict]:
    """Return the HSDS attributes carrying a service's translations (see the module doc)."""
    kinds = dict(TRANSLATION_LINK_TYPES)
    if not public:
        kinds.update(PRIVATE_TRANSLATION_LINK_TYPES)
    out = []
    for t in sorted(translations, key=lambda t: t.lang):
        for field, link_type in kinds.items():
            value = getattr(t, field)
            if value is not None and value != "":
                out.append(_attribute(sid, "translation", t.lang, link_type, str(value)))
    return out


def translations_from_hsds(doc: dict, service_id: str) -> list[Translation]:
    """Return the translations carried by the attributes of an HSDS service object."""
    fields_ = {
        v: k for k, v in (*TRANSLATION_LINK_TYPES.items(), *PRIVATE_TRANSLATION_LINK_TYPES.items())
    }
    found: dict[str, dict] = {}
    for a in _objects(doc, "attributes"):
        field = fields_.get(_scalar(a, "link_type") or "")
        if field is None:
            continue
        lang = _term_code(a)
        if lang:
            found.setdefault(lang.strip().lower(), {})[field] = _scalar(a, "value")
    return [
        Translation(
            service_id=service_id,
            lang=lang,
            name=values.get("name") or "",
            description=values.get("description"),
            source=values.get("source") or "operator",
            updated_at=values.get("updated_at"),
            editor=values.get("editor"),
        )
        for lang, values in sorted(found.items())
    ]


def organization_to_hsds(org: Organization) -> dict:
    """Return the HSDS organization object of ``org``."""
    # HSDS requires a description (non-empty in the tabular form): the name stands in for it
    doc = {"id": org.organization_id, "name": org.name, "description": org.description or org.name}
    if org.email:
        doc["email"] = org.email
    if org.website:
        doc["website"] = org.website
    if org.phone:
        doc["phones"] = [
            {
                "id": _uid(org.organization_id, "phone"),
                "organization_id": org.organization_id,
                "number": org.phone,
            }
        ]
    if org.operator_type:
        doc["attributes"] = [
            _attribute(
                org.organization_id,
                "operator_type",
                org.operator_type,
                "operator_type",
                entity="organization",
            )
        ]
    return doc


def service_to_hsds(
    s: Service,
    org: Organization | None = None,
    *,
    public: bool = True,
    translations: list[Translation] | None = None,
) -> dict:
    """Return the full HSDS service object of ``s`` (public: without private fields, and the
    place shown as ``location_privacy`` allows, see privacy.py), with its ``translations`` as
    attributes."""
    if public:
        s = public_service(s)
    sid = s.service_id
    doc: dict = {"id": sid, "name": s.name, "status": STATUS_TO_HSDS.get(s.status, s.status)}
    for key, value in (
        ("organization_id", s.organization_id),
        ("description", s.description),
        ("url", s.website),
        ("email", s.email),
        ("assured_date", s.last_verified),
        ("last_modified", s.updated_at),
    ):
        if value:
            doc[key] = value
    if org is not None:
        doc["organization"] = organization_to_hsds(org)
    if s.phone:
        doc["phones"] = [{"id": _uid(sid, "phone"), "service_id": sid, "number": s.phone}]
    if s.opening_hours:
        doc["schedules"] = schedules_of(sid, s.opening_hours)
    if s.languages:
        doc["languages"] = [
            {
                "id": _uid(sid, "language", c),
                "service_id": sid,
                "code": c,
                "name": _LANG_NAMES.get(c, c),
            }
            for c in s.languages
        ]
    location = location_of(s)
    if location is not None:
        doc["service_at_locations"] = [
            {
                "id": _uid(sid, "service_at_location"),
                "service_id": sid,
                "location_id": location["id"],
                "location": location,
            }
        ]
    attrs = [_attribute(sid, "sector", c, "sector") for c in s.sectors]
    attrs += [_attribute(sid, "target_group", c, "target_group") for c in s.target_groups]
    if s.operator_type:
        attrs.append(_attribute(sid, "operator_type", s.operator_type, "operator_type"))
    fields_ = VALUE_FIELDS if public else (*VALUE_FIELDS, *PRIVATE_VALUE_FIELDS)
    for f in fields_:
        value = getattr(s, f)
        if value is not None and value != "":
            attrs.append(_attribute(sid, "field", f, f, str(value)))
    attrs += translation_attributes(sid, translations or [], public=public)
    if attrs:
        doc["attributes"] = attrs
    if not public and s.contact_name:
        doc["contacts"] = [{"id": _uid(sid, "contact"), "service_id": sid, "name": s.contact_name}]
    return doc


def schedules_of(sid: str, text: str) -> list[dict]:
    """Return HSDS schedules for an opening-hours text (a description-only one if unreadable)."""
    try:
        rules = schedule.weekly_rules(text)  # as the analyses read it (';' replaces a day)
    except schedule.ScheduleSyntaxError:
        return [{"id": _uid(sid, "schedule", "0"), "service_id": sid, "description": text}]
    return [
        {
            "id": _uid(sid, "schedule", str(i)),
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(d.upper() for d in r.days),
            "opens_at": r.opens,
            "closes_at": r.closes,
            "description": text,
        }
        for i, r in enumerate(rules)
    ]


def location_of(s: Service) -> dict | None:
    """Return the HSDS location of a service (None without point, address or postcode)."""
    if s.lon is None and not s.address and not s.postcode and not s.comune_istat:
        return None
    lid = _uid(s.service_id, "location")
    loc: dict = {"id": lid, "location_type": "physical", "name": s.name}
    if s.lon is not None and s.lat is not None:
        loc["latitude"] = round(float(s.lat), 7)
        loc["longitude"] = round(float(s.lon), 7)
    if s.comune_istat:
        loc["external_identifier"] = s.comune_istat
        loc["external_identifier_type"] = ISTAT_ID_TYPE
    if s.address:
        loc["description"] = s.address
    elif s.location_privacy == "approximate" and s.lon is not None:
        loc["description"] = (
            "Approximate area (~1 km hexagon), not the exact place / "
            "Zona approssimativa (esagono di ~1 km), non il luogo esatto"
        )
    # HSDS addresses need every part (the tabular form has no empty required cells); the
    # address and postcode always travel as attributes too
    if s.address and s.postcode and s.comune_name and s.metro_area:
        loc["addresses"] = [
            {
                "id": _uid(s.service_id, "address"),
                "location_id": lid,
                "address_1": s.address or "",
                "city": s.comune_name or "",
                "state_province": s.metro_area or "",
                "postal_code": s.postcode or "",
                "country": "IT",
                "address_type": "physical",
            }
        ]
    return loc


def registry_to_hsds(registry: Registry, *, public: bool = True) -> dict:
    """Return an HSDS document: ``services`` (full objects), ``organizations``, ``locations``,
    ``taxonomies`` and ``taxonomy_terms``."""
    state = registry.load()
    by_service: dict[str, list[Translation]] = {}
    for (sid, _lang), t in state.translations.items():
        by_service.setdefault(sid, []).append(t)
    services = [
        service_to_hsds(
            s,
            state.organizations.get(s.organization_id or ""),
            public=public,
            translations=by_service.get(s.service_id),
        )
        for s in state.services.values()
    ]
    locations = [sal["location"] for d in services for sal in d.get("service_at_locations", [])]
    terms: dict[str, dict] = {}
    for d in services + [organization_to_hsds(o) for o in state.organizations.values()]:
        for a in d.get("attributes", []):
            terms[a["taxonomy_term"]["id"]] = a["taxonomy_term"]
    return {
        "hsds_version": HSDS_VERSION,
        "services": services,
        "organizations": [organization_to_hsds(o) for o in state.organizations.values()],
        "locations": locations,
        "taxonomies": taxonomies(),
        "taxonomy_terms": sorted(terms.values(), key=lambda t: (t["taxonomy"], t["code"])),
    }


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def export_hsds_json(registry: Registry, path: str | os.PathLike, *, public: bool = True) -> Path:
    """Write the registry as one HSDS 3.0 JSON document (see :func:`registry_to_hsds`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write_text(
        path, json.dumps(registry_to_hsds(registry, public=public), ensure_ascii=False, indent=1)
    )
    return path


def hsds_tables(doc: dict) -> dict[str, list[dict]]:
    """Flatten an HSDS document into the rows of the tabular datapackage."""
    tables: dict[str, list[dict]] = {k: [] for k in TABLE_FIELDS}
    for org in doc["organizations"]:
        tables["organizations"].append(org)
        tables["phones"].extend(org.get("phones", []))
        tables["attributes"].extend(org.get("attributes", []))
    for s in doc["services"]:
        tables["services"].append(s)
        for key, table in (
            ("phones", "phones"),
            ("schedules", "schedules"),
            ("languages", "languages"),
            ("attributes", "attributes"),
            ("contacts", "contacts"),
        ):
            tables[table].extend(s.get(key, []))
        for sal in s.get("service_at_locations", []):
            tables["service_at_location"].append(sal)
            loc = sal["location"]
            tables["locations"].append(loc)
            tables["addresses"].extend(loc.get("addresses", []))
    tables["taxonomy_terms"] = list(doc["taxonomy_terms"])
    tables["taxonomies"] = list(doc["taxonomies"])
    return tables


def _table_value(field: str, value):
    """Return ``value`` as the datapackage's CSV writes it (Table Schema formats).

    Table Schema's ``time`` is ``HH:MM:SS``; the registry's schedules say ``16:00``, which
    frictionless and other datapackage readers reject.
    """
    if value is None:
        return ""
    if FIELD_TYPES.get(field) == "time" and re.fullmatch(r"\d{2}:\d{2}", str(value)):
        return f"{value}:00"
    return value


def export_hsds_datapackage(
    registry: Registry, folder: str | os.PathLike, *, public: bool = True
) -> Path:
    """Write the registry as an HSDS 3.0 tabular datapackage (CSV files + ``datapackage.json``).

    The folder is written next to its final place and swapped in at the end.
    """
    import shutil
    import tempfile

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tables = hsds_tables(registry_to_hsds(registry, public=public))
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    try:
        resources = []
        for table, fields_ in TABLE_FIELDS.items():
            rows = tables[table]
            if table == "contacts" and not rows:
                continue
            with open(tmp / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=fields_, extrasaction="ignore")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _table_value(k, row.get(k)) for k in fields_})
            resources.append(
                {
                    "name": RESOURCE_NAMES[table],
                    "path": f"{table}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "primaryKey": "id",
                        "fields": [
                            {"name": f, "type": FIELD_TYPES.get(f, "string")} for f in fields_
                        ],
                    },
                }
            )
        package = {
            "name": "capacitymetro-registry",
            "title": "CapaCityMetro service registry (HSDS 3.0)",
            "profile": "tabular-data-package",
            "version": "3.0.0",
            "homepage": "http://docs.openreferral.org",
            "resources": resources,
        }
        (tmp / "datapackage.json").write_text(json.dumps(package, indent=1), encoding="utf-8")
        if folder.exists():
            old = folder.with_name(f".{folder.name}-old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old)
        else:
            os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return folder


# --- HSDS → registry -----------------------------------------------------------------------------
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def read_hsds_json(path: str | os.PathLike) -> dict:
    """Read an HSDS JSON file: our document, a bare array of services, or one service object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: arrays nested too deep
        raise InputError(
            f"Cannot read HSDS JSON {path}: {exc}.",
            fix="Give a JSON file with HSDS 3.0 services.",
            it=f"Impossibile leggere il JSON HSDS {path}: {exc}.",
            fix_it="Indica un file JSON con servizi HSDS 3.0.",
        ) from exc
    if isinstance(data, list):
        return {"services": data, "organizations": []}
    if isinstance(data, dict) and "services" in data:
        if data.get("organizations") is None:
            data["organizations"] = []
        return data
    if isinstance(data, dict) and "id" in data and "name" in data:
        return {"services": [data], "organizations": []}
    if isinstance(data, dict) and isinstance(data.get("contents"), list):  # paginated API answer
        return {"services": data["contents"], "organizations": []}
    raise InputError(
        f"{path} holds no HSDS services.",
        fix="Give an array of service objects or a document with a 'services' list.",
        it=f"{path} non contiene servizi HSDS.",
        fix_it="Indica un array di servizi o un documento con una lista 'services'.",
    )


def _read_datapackage_descriptor(folder: str | os.PathLike) -> tuple[Path, dict]:
    """Return the folder of a datapackage (given as folder or datapackage.json) and its descriptor."""
    folder = Path(folder)
    package_file = folder / "datapackage.json" if folder.is_dir() else folder
    folder = package_file.parent
    if not package_file.exists():
        raise InputError(
            f"{folder} has no datapackage.json.",
            fix="Give the folder of an HSDS tabular datapackage.",
            it=f"{folder} non ha un datapackage.json.",
            fix_it="Indica la cartella di un datapackage tabellare HSDS.",
        )
    try:
        text = package_file.read_text(encoding="utf-8").strip()
        if not text.startswith("{"):  # a pointer file (as in the HSDS examples) naming the real one
            # (the descriptor only: its resources must still lie inside ``folder``)
            text = (folder / text).read_text(encoding="utf-8")
        package = json.loads(text)
    except (OSError, ValueError, RecursionError) as exc:
        raise InputError(
            f"Cannot read the datapackage descriptor of {folder}: {exc}.",
            fix="Give the folder of an HSDS tabular datapackage with a valid datapackage.json.",
            it=f"Impossibile leggere il descrittore del datapackage {folder}: {exc}.",
            fix_it="Indica la cartella di un datapackage tabellare HSDS con un datapackage.json valido.",
        ) from exc
    if not isinstance(package, dict) or not isinstance(package.get("resources", []), list):
        raise InputError(
            f"The datapackage.json of {folder} is not an object with a 'resources' list.",
            fix="Give an HSDS tabular datapackage (datapackage.json with 'resources').",
            it=f"Il datapackage.json di {folder} non è un oggetto con una lista 'resources'.",
            fix_it="Indica un datapackage tabellare HSDS (datapackage.json con 'resources').",
        )
    return folder, package


def _inside(folder: Path, relative, what: str) -> Path:
    """Return ``folder / relative`` if it stays inside ``folder``; else raise InputError."""
    if not isinstance(relative, str) or not relative.strip() or "\x00" in relative:
        raise InputError(
            f"The datapackage resource {what!r} has no valid path ({relative!r:.80}).",
            fix="Give each resource a relative path of a CSV file inside the datapackage folder.",
            it=f"La risorsa {what!r} del datapackage non ha un percorso valido ({relative!r:.80}).",
            fix_it="Indica per ogni risorsa il percorso relativo di un CSV dentro la cartella del datapackage.",
        )
    root = folder.resolve()
    target = (folder / relative).resolve()
    if Path(relative).is_absolute() or (target != root and root not in target.parents):
        raise InputError(
            f"The datapackage resource {what!r} points outside its folder: {relative!r}.",
            fix="Resource paths must be relative paths inside the datapackage folder (no '../', no absolute paths); nothing was imported.",
            it=f"La risorsa {what!r} del datapackage punta fuori dalla sua cartella: {relative!r}.",
            fix_it="I percorsi delle risorse devono essere relativi e dentro la cartella del datapackage (niente '../' né percorsi assoluti); non è stato importato nulla.",
        )
    return target


def read_hsds_datapackage(folder: str | os.PathLike) -> dict:
    """Read an HSDS tabular datapackage back into a document of nested service objects."""
    folder, package = _read_datapackage_descriptor(folder)
    tables: dict[str, list[dict]] = {}
    for res in package.get("resources", []):
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise InputError(
                f"A resource of the datapackage {folder} is not an object with a 'name'.",
                fix="Give each resource a name and a path.",
                it=f"Una risorsa del datapackage {folder} non è un oggetto con un 'name'.",
                fix_it="Indica per ogni risorsa un nome e un percorso.",
            )
        path = _inside(folder, res.get("path"), res["name"])
        if not path.exists():
            continue
        schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
        fields_ = schema.get("fields") if isinstance(schema.get("fields"), list) else []
        types = {
            f["name"]: f.get("type", "string")
            for f in fields_
            if isinstance(f, dict) and isinstance(f.get("name"), str)
        }
        tables[res["name"]] = _read_resource_csv(path, res["name"], types)
    terms = {t.get("id"): t for t in tables.get("taxonomy_term", []) if t.get("id")}

    def attrs_of(link_id: str) -> list[dict]:
        out = []
        for a in tables.get("attribute", []):
            if a.get("link_id") == link_id:
                a = dict(a)
                if a.get("taxonomy_term_id") in terms:
                    a["taxonomy_term"] = terms[a["taxonomy_term_id"]]
                out.append(a)
        return out

    def by(table: str, key: str, value: str) -> list[dict]:
        return [dict(r) for r in tables.get(table, []) if r.get(key) == value]

    locations = {r.get("id"): dict(r) for r in tables.get("location", []) if r.get("id")}
    for lid, loc in locations.items():
        addresses = by("address", "location_id", lid)
        if addresses:
            loc["addresses"] = addresses
    orgs = []
    for o in tables.get("organization", []):
        o = dict(o)
        o["attributes"] = attrs_of(o.get("id"))
        phones = by("phone", "organization_id", o.get("id"))
        if phones:
            o["phones"] = phones
        orgs.append(o)
    services = []
    for s in tables.get("service", []):
        s = dict(s)
        sid = s.get("id")
        s["phones"] = by("phone", "service_id", sid)
        s["schedules"] = by("schedule", "service_id", sid)
        s["languages"] = by("language", "service_id", sid)
        s["contacts"] = by("contact", "service_id", sid)
        s["attributes"] = attrs_of(sid)
        sals = by("service_at_location", "service_id", sid)
        for sal in sals:
            if sal.get("location_id") in locations:
                sal["location"] = locations[sal["location_id"]]
        s["service_at_locations"] = sals
        services.append(s)
    return {"services": services, "organizations": orgs}


def _read_resource_csv(path: Path, name: str, types: dict) -> list[dict]:
    """Rows of one datapackage CSV as dicts (numbers as floats); InputError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InputError(
            f"Cannot read the datapackage resource {name!r} ({path.name}): {exc}.",
            fix="Save the resource as a UTF-8 CSV file.",
            it=f"Impossibile leggere la risorsa {name!r} del datapackage ({path.name}): {exc}.",
            fix_it="Salva la risorsa come file CSV UTF-8.",
        ) from exc
    from .exchange import csv_rows

    header, records, lines, bad = csv_rows(text, ",", source=f"{path.name} ({name})")
    if bad:
        line, got, expected = bad[0]
        raise InputError(
            f"{path.name} ({name}), line {line}: {got} fields, the header has {expected}.",
            fix="Correct the rows of the resource and import again; nothing was written.",
            it=f"{path.name} ({name}), riga {line}: {got} campi, l'intestazione ne ha {expected}.",
            fix_it="Correggi le righe della risorsa e importa di nuovo; non è stato scritto nulla.",
        )
    rows = []
    for rec in records:
        row = {}
        for k, v in zip(header, rec):
            if v == "":
                continue
            if types.get(k) in ("number", "integer"):
                try:
                    number = float(v)
                    if math.isfinite(number):
                        v = number
                except ValueError:
                    pass
            row[k] = v
        rows.append(row)
    return rows


def _opening_hours(schedules: list[dict]) -> str | None:
    if not schedules:
        return None
    descriptions = {s.get("description") for s in schedules}
    if len(descriptions) == 1 and next(iter(descriptions)):
        return next(iter(descriptions))
    parts = []
    for s in schedules:
        if s.get("byday") and s.get("opens_at") and s.get("closes_at"):
            days = ",".join(d.strip()[-2:].capitalize() for d in str(s["byday"]).split(","))
            parts.append(f"{days} {str(s['opens_at'])[:5]}-{str(s['closes_at'])[:5]}")
        elif s.get("description"):
            parts.append(str(s["description"]))
    return "; ".join(parts) or None


class _Malformed(ValueError):
    """A value of an HSDS object has the wrong shape: ``field`` names it."""

    def __init__(self, field: str, expected: str, value) -> None:
        super().__init__(f"{field}: expected {expected}, got {type(value).__name__}")
        self.field = field
        self.expected = expected
        self.got = type(value).__name__


def _objects(doc: dict, key: str) -> list[dict]:
    """Return ``doc[key]`` as a list of objects (missing or null: empty); else raise _Malformed."""
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Malformed(key, "a list of objects", value)
    return value


def _object(doc: dict, key: str) -> dict:
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Malformed(key, "an object", value)
    return value


def _scalar(doc: dict, key: str) -> str | None:
    """Return ``doc[key]`` as text (numbers written as text; empty: None); else raise _Malformed."""
    value = doc.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Malformed(key, "text", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Malformed(key, "text", value)
    return str(value)


def _number(doc: dict, key: str) -> float | None:
    value = doc.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Malformed(key, "a number", value)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise _Malformed(key, "a number", value) from None
    if not math.isfinite(number):
        raise _Malformed(key, "a finite number", value)
    return number


def _term_code(attr: dict) -> str | None:
    term = _object(attr, "taxonomy_term")
    return _scalar(term, "code") or _scalar(term, "name")


def organization_from_hsds(doc: dict) -> Organization:
    """Return the Organization of an HSDS organization object (raises _Malformed on bad shapes)."""
    if not isinstance(doc, dict):
        raise _Malformed("organization", "an object", doc)
    op = next(
        (
            _term_code(a)
            for a in _objects(doc, "attributes")
            if a.get("link_type") == "operator_type"
        ),
        None,
    )
    phones = _objects(doc, "phones")
    name = _scalar(doc, "name") or ""
    description = _scalar(doc, "description")
    return Organization(
        organization_id=_scalar(doc, "id") or "",
        name=name,
        description=description if description != name else None,
        email=_scalar(doc, "email"),
        website=_scalar(doc, "website"),
        phone=_scalar(phones[0], "number") if phones else None,
        operator_type=op,
    )


def _capacity(value: str) -> int:
    """Return a whole number of people from text; raise ValueError otherwise (1e400, 2.7, abc)."""
    number = float(str(value).replace(",", "."))
    if not math.isfinite(number) or not number.is_integer():
        raise ValueError(value)
    return int(number)


def service_from_hsds(doc: dict) -> tuple[Service, list[tuple[str, str, str, str]]]:
    """Return a Service from a full HSDS service object, and ``(field, code, en, it)`` problems.

    Raises ``_Malformed`` when a value has the wrong shape (e.g. ``"languages": "en"``);
    :func:`parse_hsds` reports it for the row.
    """
    if not isinstance(doc, dict):
        raise _Malformed("service", "an object", doc)
    problems: list[tuple[str, str, str, str]] = []
    sid = _scalar(doc, "id") or ""
    assured = _scalar(doc, "assured_date")
    kw: dict = {
        "service_id": sid if _UUID_RE.match(sid) else str(uuid.uuid4()),
        "name": _scalar(doc, "name") or "",
        "description": _scalar(doc, "description"),
        "website": _scalar(doc, "url"),
        "email": _scalar(doc, "email"),
        "last_verified": assured[:10] if assured else None,
        "updated_at": _scalar(doc, "last_modified"),
        "organization_id": _scalar(doc, "organization_id")
        or _scalar(_object(doc, "organization"), "id"),
    }
    status = _scalar(doc, "status") or "active"
    kw["status"] = STATUS_FROM_HSDS.get(status, status)
    phones = _objects(doc, "phones")
    if phones:
        kw["phone"] = _scalar(phones[0], "number")
    kw["languages"] = [
        code.lower()
        for code in (_scalar(lang, "code") for lang in _objects(doc, "languages"))
        if code
    ]
    schedules = _objects(doc, "schedules")
    for sch in schedules:
        for key in ("description", "byday", "opens_at", "closes_at"):
            _scalar(sch, key)
    kw["opening_hours"] = _opening_hours(schedules)
    sectors, groups = [], []
    for a in _objects(doc, "attributes"):
        link_type = _scalar(a, "link_type")
        if link_type == "sector":
            sectors.append(_term_code(a))
        elif link_type == "target_group":
            groups.append(_term_code(a))
        elif link_type == "operator_type":
            kw["operator_type"] = _term_code(a)
        elif link_type in VALUE_FIELDS or link_type in PRIVATE_VALUE_FIELDS:
            value = _scalar(a, "value")
            if link_type == "capacity" and value is not None:
                try:
                    value = _capacity(value)
                except ValueError:
                    problems.append(
                        (
                            "capacity",
                            "invalid_capacity",
                            f"Capacity {value!r:.40} is not a whole number.",
                            f"La capacità {value!r:.40} non è un numero intero.",
                        )
                    )
                    value = None
            kw[link_type] = value
    kw["sectors"] = [c for c in sectors if c]
    kw["target_groups"] = [c for c in groups if c]
    contacts = _objects(doc, "contacts")
    if contacts and _scalar(contacts[0], "name"):
        kw["contact_name"] = _scalar(contacts[0], "name")
    sals = _objects(doc, "service_at_locations")
    loc = _object(sals[0], "location") if sals else {}
    if loc:
        try:
            lat, lon = _number(loc, "latitude"), _number(loc, "longitude")
            if lat is not None and lon is not None:
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError(f"({lon}, {lat}) is out of range")
                kw["lat"], kw["lon"] = lat, lon
        except ValueError as exc:
            problems.append(
                (
                    "geometry",
                    "invalid_geometry",
                    f"Cannot read the location: {exc}.",
                    f"Impossibile leggere la posizione: {exc}.",
                )
            )
            kw["lat"] = kw["lon"] = None
        if loc.get("external_identifier_type") == ISTAT_ID_TYPE and not kw.get("comune_istat"):
            kw["comune_istat"] = _scalar(loc, "external_identifier")
        addresses = _objects(loc, "addresses")
        if addresses:
            a = addresses[0]
            for key, source in (
                ("address", "address_1"),
                ("postcode", "postal_code"),
                ("comune_name", "city"),
            ):
                if not kw.get(key):
                    kw[key] = _scalar(a, source)
    return Service(**kw), problems


def _malformed_issue(row: int, exc: _Malformed, what: str = "service") -> Issue:
    return Issue(
        row,
        None,
        exc.field,
        "malformed_record",
        f"HSDS {what} {row}: {exc.field!r} must be {exc.expected}, not {exc.got}.",
        f"HSDS {what} {row}: {exc.field!r} deve essere {_EXPECTED_IT.get(exc.expected, exc.expected)}, non {exc.got}.",
        ERROR,
    )


_EXPECTED_IT = {
    "a list of objects": "una lista di oggetti",
    "an object": "un oggetto",
    "text": "un testo",
    "a number": "un numero",
    "a finite number": "un numero finito",
}


def parse_hsds(doc: dict) -> ParsedRows:
    """Turn an HSDS document into services and organizations to import (rows numbered from 1).

    A service whose values have the wrong shape is reported for its row (``malformed_record``)
    and not imported; a malformed organization raises :class:`InputError` naming it.
    """
    out = ParsedRows()
    services, organizations = doc.get("services"), doc.get("organizations") or []
    for key, value in (("services", services), ("organizations", organizations)):
        if not isinstance(value, list):
            raise InputError(
                f"The HSDS document's {key!r} is a {type(value).__name__}, not a list.",
                fix=f"Give {key!r} as a JSON array of objects.",
                it=f"Il campo {key!r} del documento HSDS è un {type(value).__name__}, non una lista.",
                fix_it=f"Indica {key!r} come array JSON di oggetti.",
            )
    orgs: dict[str, Organization] = {}
    for j, odoc in enumerate(organizations, start=1):
        try:
            org = organization_from_hsds(odoc)
        except _Malformed as exc:
            issue = _malformed_issue(j, exc, "organization")
            raise InputError(
                issue.message,
                fix="Correct the organization in the file and import again; nothing was written.",
                it=issue.message_it,
                fix_it="Correggi l'organizzazione nel file e importa di nuovo; non è stato scritto nulla.",
            ) from None
        if org.organization_id:
            orgs[org.organization_id] = org
    issues: list[Issue] = []
    for i, sdoc in enumerate(services, start=1):
        try:
            nested = _object(sdoc, "organization") if isinstance(sdoc, dict) else {}
            nested_id = _scalar(nested, "id")
            if nested_id and nested_id not in orgs:
                orgs[nested_id] = organization_from_hsds(nested)
            s, problems = service_from_hsds(sdoc)
            translations = translations_from_hsds(sdoc, s.service_id)
        except _Malformed as exc:
            issues.append(_malformed_issue(i, exc))
            out.rows_rejected_unread.append(i)
            continue
        for f, code, en, it in problems:
            issues.append(Issue(i, s.service_id, f, code, en, it, ERROR, s.name))
        issues += _translation_issues(i, s, translations)
        out.translations += translations
        out.services.append(s)
        out.rows.append(i)
    out.organizations = list(orgs.values())
    out.report = ValidationReport(issues, checked=len(out.services))
    return out


def _translation_issues(row: int, s: Service, translations: list[Translation]) -> list[Issue]:
    """The problems of a service's translations, as errors of its row (unknown language, ...)."""
    from .translations import _problems, normalized

    out = []
    for t in translations:
        for field, code, en, fix, it, fix_it in _problems(normalized(t), None):
            out.append(
                Issue(
                    row,
                    s.service_id,
                    f"translation.{field}",
                    code,
                    f"{en} {fix}",
                    f"{it} {fix_it}",
                    ERROR,
                    s.name,
                )
            )
    return out


def import_hsds(
    registry: Registry | str | os.PathLike,
    source: str | os.PathLike,
    *,
    accept_partial: bool = False,
    comuni=None,
):
    """Import an HSDS JSON file or tabular datapackage folder into a registry."""
    from .exchange import import_services

    source = Path(source)
    doc = (
        read_hsds_datapackage(source)
        if source.is_dir() or source.name == "datapackage.json"
        else read_hsds_json(source)
    )
    parsed = parse_hsds(doc)
    if not isinstance(registry, Registry):
        p = Path(registry)
        registry = Registry.open(p) if p.exists() else Registry.create(p)
    known = {o.organization_id for o in registry.organizations()}
    parsed.organizations = [o for o in parsed.organizations if o.organization_id not in known]
    return import_services(registry, parsed, accept_partial=accept_partial, comuni=comuni)


# --- validation against the official JSON schemas ---------------------------------------------------
#: HSDS versions whose JSON schemas ship with the plugin, in ``capacitymetro_plugin/schemas``.
HSDS_SCHEMA_VERSIONS = ("3.0", "3.1")
# Inside the plugin package, so the zip a user installs validates without any other folder.
_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def hsds_schema_dir(version: str = "3.0") -> Path:
    """Return the folder of the HSDS ``version`` JSON schemas shipped with the plugin.

    Parameters
    ----------
    version
        An HSDS version of :data:`HSDS_SCHEMA_VERSIONS`.

    Returns
    -------
    Path
        A folder holding one ``<object>.json`` per HSDS object (``service.json``, ...).
    """
    if version not in HSDS_SCHEMA_VERSIONS:
        known = ", ".join(HSDS_SCHEMA_VERSIONS)
        raise InputError(
            f"No HSDS {version} schemas ship with the plugin.",
            fix=f"Choose one of {known}, or give a folder of HSDS schema files.",
            it=f"Il plugin non include gli schemi HSDS {version}.",
            fix_it=f"Scegli una tra {known}, o indica una cartella di file di schema HSDS.",
        )
    return _SCHEMAS / f"hsds-{version}"


def schema_validator(schema_dir: str | os.PathLike | None, name: str):
    """Return a jsonschema validator for HSDS object ``name`` (e.g. "service"), refs resolved
    from the files of ``schema_dir`` (no network; ``None``: the HSDS 3.0 schemas shipped with the
    plugin)."""
    try:
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry as RefRegistry
        from referencing import Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError as exc:  # a bare QGIS has no jsonschema, or one older than 4.18
        raise ImportError(
            "HSDS validation needs the Python package jsonschema >= 4.18 (it brings "
            f"'referencing'), which this Python cannot import ({exc}). Install it in QGIS's "
            "Python (see docs/install.md)."
        ) from exc

    folder = Path(schema_dir) if schema_dir is not None else hsds_schema_dir()
    if not (folder / f"{name}.json").is_file():
        # otherwise jsonschema fails later with an unresolvable https://hsds.invalid/... ref
        raise InputError(
            f"No HSDS schema {name}.json in {folder}.",
            fix="Give the schema/ folder of the HSDS specification, or no folder to use the "
            "schemas shipped with the plugin.",
            it=f"Nessuno schema HSDS {name}.json in {folder}.",
            fix_it="Indica la cartella schema/ della specifica HSDS, o nessuna cartella per usare "
            "gli schemi inclusi nel plugin.",
        )
    base = "https://hsds.invalid/schema/"
    resources = []
    for path in folder.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (base + path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    registry = RefRegistry().with_resources(resources)
    return Draft202012Validator(
        {"$ref": base + f"{name}.json"}, registry=registry, format_checker=FormatChecker()
    )


def validate_hsds_document(doc: dict, schema_dir: str | os.PathLike | None = None) -> list[str]:
    """Validate every service, organization and location of ``doc``; return error messages.

    ``schema_dir`` defaults to the HSDS 3.0 schemas shipped with the plugin.
    """
    errors: list[str] = []
    for key, name in (
        ("services", "service"),
        ("organizations", "organization"),
        ("locations", "location"),
        ("taxonomy_terms", "taxonomy_term"),
        ("taxonomies", "taxonomy"),
    ):
        if not doc.get(key):
            continue
        validator = schema_validator(schema_dir, name)
        for i, obj in enumerate(doc[key]):
            for err in validator.iter_errors(obj):
                errors.append(f"{key}[{i}] {'/'.join(map(str, err.absolute_path))}: {err.message}")
    return errors


def validate_hsds_path(
    path: str | os.PathLike, schema_dir: str | os.PathLike | None = None
) -> list[str]:
    """Validate an HSDS JSON file or tabular datapackage (its folder or its datapackage.json).

    The one check behind the dock, the Processing algorithms and the command line.

    Parameters
    ----------
    path
        A JSON file (a document with ``services``, an array of services or one service), a
        datapackage folder, or its ``datapackage.json``.
    schema_dir
        A folder of HSDS schema files; ``None``: the HSDS 3.0 schemas shipped with the plugin.

    Returns
    -------
    list[str]
        One message per schema violation ("services[0] status: 'open' is not one of ..."); empty
        when the file is valid.
    """
    path = Path(path)
    if path.is_dir() or path.name == "datapackage.json":
        return validate_hsds_datapackage(path, schema_dir)
    return validate_hsds_document(read_hsds_json(path), schema_dir)


def validate_hsds_datapackage(
    folder: str | os.PathLike, schema_dir: str | os.PathLike | None = None
) -> list[str]:
    """Validate each row of each CSV of a datapackage against its HSDS table schema.

    ``schema_dir`` defaults to the HSDS 3.0 schemas shipped with the plugin.
    """
    folder, package = _read_datapackage_descriptor(folder)
    errors: list[str] = []
    for res in package["resources"]:
        validator = schema_validator(schema_dir, res["name"])
        types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
        with open(folder / res["path"], encoding="utf-8", newline="") as fh:
            for line, rec in enumerate(csv.DictReader(fh), start=2):
                row = {}
                for k, v in rec.items():
                    if v == "":
                        continue
                    row[k] = float(v) if types.get(k) == "number" else v
                for err in validator.iter_errors(row):
                    errors.append(
                        f"{res['path']}:{line} {'/'.join(map(str, err.absolute_path))}: {err.message}"
                    )
    return errors
