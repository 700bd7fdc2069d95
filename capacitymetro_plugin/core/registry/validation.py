"""Validation of registry services, with a report of every problem (EN + IT).

Each :class:`Issue` names the row (1-based position, or the CSV line for imports), the service,
the field, a stable ``code``, a message in English and Italian, and a severity (``error``:
the record is wrong; ``warning``: it needs attention, e.g. a service to place on the map).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from capacitymetro_plugin.core._pycompat import parse_iso_date, zip_strict
from capacitymetro_plugin.core.progress import Progress, ensure

from . import schedule
from .model import Organization, Service
from .vocabularies import (
    ISO639_3_TO_1,
    LANGUAGE_CODES,
    OPERATOR_TYPE_CODES,
    SECTOR_CODES,
    SENSITIVE_SECTORS,
    SENSITIVE_TARGET_GROUPS,
    STATUS_CODES,
    TARGET_GROUP_CODES,
)

ERROR = "error"
WARNING = "warning"

_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
_URL_RE = re.compile(r"^https?://[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?$")
_PHONE_RE = re.compile(r"^\+?[\d\s()./\-]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REPORT_COLUMNS = ["row", "service_id", "name", "field", "code", "severity", "message", "message_it"]


@dataclass
class Issue:
    """One problem of one record."""

    row: int | None
    service_id: str | None
    field: str
    code: str
    message: str
    message_it: str
    severity: str = ERROR
    name: str | None = None


class ValidationReport:
    """A list of issues with helpers for counts and tables."""

    def __init__(self, issues: Iterable[Issue] = (), *, checked: int = 0) -> None:
        self.issues: list[Issue] = list(issues)
        self.checked = checked

    def __iter__(self):
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Return the number of issues per code."""
        out: dict[str, int] = {}
        for i in self.issues:
            out[i.code] = out.get(i.code, 0) + 1
        return dict(sorted(out.items()))

    def bad_rows(self) -> set[int]:
        """Return the rows that have at least one error."""
        return {i.row for i in self.errors if i.row is not None}

    def to_frame(self) -> pd.DataFrame:
        """Return the issues as a table (columns ``REPORT_COLUMNS``)."""
        return pd.DataFrame([asdict(i) for i in self.issues], columns=REPORT_COLUMNS)

    def extend(self, other: ValidationReport) -> None:
        self.issues.extend(other.issues)

    def summary(self) -> str:
        """Return a one-line English summary."""
        return (
            f"{self.checked} records checked: {len(self.errors)} errors, "
            f"{len(self.warnings)} warnings ({self.counts()})"
        )


def normalize_name(name: str | None) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces (for duplicate detection)."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


#: Largest capacity a service may declare (people); larger numbers are typing errors.
MAX_CAPACITY = 1_000_000
#: Longest text a field may hold (characters).
MAX_TEXT = 100_000
_TEXT_FIELDS = (
    "name",
    "service_id",
    "description",
    "organization_id",
    "operator_type",
    "opening_hours",
    "phone",
    "email",
    "website",
    "address",
    "postcode",
    "comune_istat",
    "comune_name",
    "metro_area",
    "status",
    "last_verified",
    "contact_name",
    "internal_notes",
    "source_url",
    "created_at",
    "updated_at",
)
_LIST_FIELDS = ("sectors", "target_groups", "languages")


def type_problems(s: Service) -> list[tuple[str, str, str, str]]:
    """Return ``(field, code, en, it)`` for every value of ``s`` of the wrong type or size.

    Shared by the importers and the API: text fields hold text, list fields lists of text,
    ``capacity`` a whole number of people (0..MAX_CAPACITY), lon/lat finite numbers. Text never
    holds NUL characters (they would be silently lost in the GeoPackage).
    """
    out: list[tuple[str, str, str, str]] = []
    for f in _TEXT_FIELDS:
        v = getattr(s, f, None)
        if v is None:
            continue
        if not isinstance(v, str):
            out.append(
                (
                    f,
                    "invalid_type",
                    f"{f} must be text, not {type(v).__name__}.",
                    f"{f} deve essere un testo, non {type(v).__name__}.",
                )
            )
        elif "\x00" in v:
            out.append(
                (
                    f,
                    "nul_character",
                    f"{f} contains a NUL character (\\x00); remove it.",
                    f"{f} contiene un carattere NUL (\\x00); toglilo.",
                )
            )
        elif len(v) > MAX_TEXT:
            out.append(
                (
                    f,
                    "text_too_long",
                    f"{f} has {len(v):,} characters (at most {MAX_TEXT:,}).",
                    f"{f} ha {len(v):,} caratteri (al massimo {MAX_TEXT:,}).",
                )
            )
    for f in _LIST_FIELDS:
        v = getattr(s, f, None)
        if v is None:
            continue
        if isinstance(v, str) or not isinstance(v, (list, tuple)):
            out.append(
                (
                    f,
                    "invalid_type",
                    f"{f} must be a list of codes, not {type(v).__name__} (split text at ';').",
                    f"{f} deve essere una lista di codici, non {type(v).__name__} (separa il testo con ';').",
                )
            )
        elif not all(isinstance(x, str) and x and "\x00" not in x for x in v):
            out.append(
                (
                    f,
                    "invalid_type",
                    f"{f} must hold only non-empty text codes, not {v!r:.80}.",
                    f"{f} deve contenere solo codici di testo non vuoti, non {v!r:.80}.",
                )
            )
    cap = s.capacity
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, int):
            out.append(
                (
                    "capacity",
                    "invalid_capacity",
                    f"Capacity {cap!r:.40} is not a whole number of people.",
                    f"La capacità {cap!r:.40} non è un numero intero di persone.",
                )
            )
        elif cap > MAX_CAPACITY:
            out.append(
                (
                    "capacity",
                    "invalid_capacity",
                    f"Capacity {cap:,} is more than {MAX_CAPACITY:,} people (a typing error?).",
                    f"La capacità {cap:,} supera {MAX_CAPACITY:,} persone (un errore di battitura?).",
                )
            )
    for f in ("lon", "lat"):
        v = getattr(s, f, None)
        if v is None:
            continue
        if (
            isinstance(v, bool)
            or not isinstance(v, (int, float))
            or v != v
            or v
            in (
                float("inf"),
                float("-inf"),
            )
        ):
            out.append(
                (
                    "geometry",
                    "invalid_geometry",
                    f"{f} {v!r:.40} is not a finite number.",
                    f"{f} {v!r:.40} non è un numero finito.",
                )
            )
    return out


#: Fields checked by :func:`contact_problem`.
CONTACT_FIELDS = ("email", "website", "source_url", "phone")


def contact_problem(field: str, value) -> tuple[str, str, str] | None:
    """Return ``(code, message, message_it)`` when ``value`` breaks the rule of contact ``field``.

    The one rule set of the validator (imports, reports) and of the dock's form as the user
    types: e-mail, web addresses (``website``, ``source_url``) and phone numbers. ``None`` when
    the value is fine or empty.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if field == "email" and not _EMAIL_RE.match(text):
        return (
            "invalid_email",
            f"{text!r} is not an e-mail address: write it like name@example.org.",
            f"{text!r} non è un indirizzo e-mail: scrivilo come nome@esempio.it.",
        )
    if field in ("website", "source_url") and not _URL_RE.match(text):
        return (
            "invalid_url",
            f"{text!r} is not a web address: write it with http:// or https://, "
            "e.g. https://example.org.",
            f"{text!r} non è un indirizzo web: scrivilo con http:// o https://, "
            "es. https://esempio.it.",
        )
    if field == "phone":
        digits = re.sub(r"\D", "", text)
        if not _PHONE_RE.match(text) or not 6 <= len(digits) <= 15:
            return (
                "invalid_phone",
                f"{text!r} is not one phone number (digits, spaces, +, 6-15 digits).",
                f"{text!r} non è un numero di telefono (cifre, spazi, +, 6-15 cifre).",
            )
    return None


def web_link(text) -> str | None:
    """Return ``text`` stripped if it is an http(s) address, else None (file:, javascript:...)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    return text if _URL_RE.match(text) else None


def attachment_path(folder, attachment) -> Path | None:
    """Return the file of a practice ``attachment`` if it lies inside the registry ``folder``.

    Relative paths are taken from ``folder``; anything resolving outside it (``../``, another
    absolute path, a link to elsewhere), or with no folder to check against, gives None.
    """
    if folder is None or not isinstance(attachment, str) or not attachment.strip():
        return None
    if "\x00" in attachment or "://" in attachment:
        return None
    root = Path(folder).resolve()
    target = (root / attachment.strip()).resolve()
    return target if root in target.parents else None


class _Collector:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, row, s: Service, field, code, en, it, severity=ERROR):
        self.issues.append(Issue(row, s.service_id, field, code, en, it, severity, s.name))


def validate_services(
    services: list[Service],
    *,
    organizations: list[Organization] | None = None,
    comuni: gpd.GeoDataFrame | None = None,
    stale_months: int = 12,
    today: date | None = None,
    duplicate_distance_m: float = 150.0,
    duplicate_similarity: float = 0.9,
    boundary_tolerance_m: float = 50.0,
    rows: list[int] | None = None,
    check_ids: bool = True,
    progress: Progress | None = None,
) -> ValidationReport:
    """Check services and return a :class:`ValidationReport`.

    Parameters
    ----------
    services
        The records to check.
    organizations
        When given, ``organization_id`` must refer to one of them.
    comuni
        Boundaries from :func:`~.boundaries.load_comuni`; when given, points must fall inside
        their declared comune and metropolitan area (province), within ``boundary_tolerance_m``.
    stale_months
        Services not verified for more than this many months get a ``stale`` warning.
    today
        Reference date for staleness (default: today).
    duplicate_distance_m, duplicate_similarity
        Two services whose normalized names are at least this similar (0–1) and that lie within
        this distance are reported as ``probable_duplicate``.
    rows
        Row numbers to report (default 1..n).
    check_ids
        Check that ``service_id`` is present and unique.
    progress
        Reports the share of services checked; raises ``Canceled`` when the user stops.
    """
    today = today or date.today()
    rows = rows or list(range(1, len(services) + 1))
    c = _Collector()
    org_ids = {o.organization_id for o in organizations} if organizations is not None else None
    seen_ids: set[str] = set()
    mistyped: set[int] = set()
    progress = ensure(progress)
    n = max(len(services), 1)
    for i, (row, s) in enumerate(zip_strict(rows, services)):
        if i % 50 == 0:
            progress.report(0.5 * i / n, "Checking fields")
        wrong = type_problems(s)
        for fname, code, en, it in wrong:
            c.add(row, s, fname, code, en, it)
        if wrong:  # the other checks assume the types are right
            mistyped.add(i)
        else:
            _check_one(c, row, s, org_ids, stale_months, today)
        if check_ids and i not in mistyped:
            if not s.service_id:
                c.add(
                    row,
                    s,
                    "service_id",
                    "missing_required",
                    "service_id is empty.",
                    "service_id è vuoto.",
                )
            elif s.service_id in seen_ids:
                c.add(
                    row,
                    s,
                    "service_id",
                    "duplicate_id",
                    f"service_id {s.service_id} is used twice.",
                    f"service_id {s.service_id} è usato due volte.",
                )
            seen_ids.add(s.service_id)
    if mistyped:
        keep = [i for i in range(len(services)) if i not in mistyped]
        rows = [rows[i] for i in keep]
        services = [services[i] for i in keep]
    if comuni is not None:
        progress.report(0.5, "Checking locations against the boundaries")
        _check_places(c, rows, services, comuni, boundary_tolerance_m)
    progress.report(0.8, "Looking for duplicates")
    _check_duplicates(c, rows, services, duplicate_distance_m, duplicate_similarity)
    progress.report(1.0, "")
    return ValidationReport(c.issues, checked=len(services) + len(mistyped))


def _check_one(
    c: _Collector, row: int, s: Service, org_ids, stale_months: int, today: date
) -> None:
    if not (s.name or "").strip():
        c.add(row, s, "name", "missing_required", "The name is empty.", "Il nome è vuoto.")
    if not s.sectors:
        c.add(
            row,
            s,
            "sectors",
            "missing_required",
            "No sector: give at least one sector code.",
            "Nessun settore: indica almeno un codice di settore.",
        )
    for code in s.sectors:
        if code not in SECTOR_CODES:
            c.add(
                row,
                s,
                "sectors",
                "unknown_sector",
                f"Unknown sector {code!r}; use one of {', '.join(sorted(SECTOR_CODES))}.",
                f"Settore sconosciuto {code!r}; usa uno di {', '.join(sorted(SECTOR_CODES))}.",
            )
    if not s.operator_type:
        c.add(
            row,
            s,
            "operator_type",
            "missing_operator_type",
            "The operator type is not given.",
            "Il tipo di gestore non è indicato.",
            WARNING,
        )
    elif s.operator_type not in OPERATOR_TYPE_CODES:
        c.add(
            row,
            s,
            "operator_type",
            "unknown_operator_type",
            f"Unknown operator type {s.operator_type!r}; use one of {', '.join(sorted(OPERATOR_TYPE_CODES))}.",
            f"Tipo di gestore sconosciuto {s.operator_type!r}; usa uno di {', '.join(sorted(OPERATOR_TYPE_CODES))}.",
        )
    for code in s.languages:
        if code in ISO639_3_TO_1:
            short = ISO639_3_TO_1[code]
            c.add(
                row,
                s,
                "languages",
                "unknown_language",
                f"{code!r} has the ISO 639-1 code {short!r}: write {short!r} (three-letter "
                "ISO 639-3 codes are for languages without one, e.g. prs Dari, kmr Kurmanji).",
                f"{code!r} ha il codice ISO 639-1 {short!r}: scrivi {short!r} (i codici ISO "
                "639-3 di tre lettere sono per le lingue che non ne hanno uno, es. prs dari, "
                "kmr curdo kurmanji).",
            )
        elif code not in LANGUAGE_CODES:
            c.add(
                row,
                s,
                "languages",
                "unknown_language",
                f"{code!r} is not a language code: use ISO 639-1 (e.g. it, en, fr, ar) or, for a "
                "language without one, ISO 639-3 (e.g. prs Dari, kmr Kurmanji, mnk Mandinka).",
                f"{code!r} non è un codice lingua: usa ISO 639-1 (es. it, en, fr, ar) o, per una "
                "lingua che non lo ha, ISO 639-3 (es. prs dari, kmr curdo kurmanji, mnk mandinka).",
            )
    for code in s.target_groups:
        if code not in TARGET_GROUP_CODES:
            c.add(
                row,
                s,
                "target_groups",
                "unknown_target_group",
                f"Target group {code!r} is not in the vocabulary.",
                f"Il gruppo destinatario {code!r} non è nel vocabolario.",
                WARNING,
            )
    if s.status not in STATUS_CODES:
        c.add(
            row,
            s,
            "status",
            "unknown_status",
            f"Unknown status {s.status!r}; use active, suspended, closed or to_verify.",
            f"Stato sconosciuto {s.status!r}; usa active, suspended, closed o to_verify.",
        )
    # geometry
    if s.lon is None or s.lat is None:
        c.add(
            row,
            s,
            "geometry",
            "missing_geometry",
            "No location: place the service on the map.",
            "Nessuna posizione: colloca il servizio sulla mappa.",
            WARNING,
        )
    elif not (-180 <= s.lon <= 180 and -90 <= s.lat <= 90) or s.lon != s.lon or s.lat != s.lat:
        c.add(
            row,
            s,
            "geometry",
            "invalid_geometry",
            f"Coordinates ({s.lon}, {s.lat}) are not valid longitude/latitude.",
            f"Le coordinate ({s.lon}, {s.lat}) non sono longitudine/latitudine valide.",
        )
    if s.comune_istat and not re.fullmatch(r"\d{6}", s.comune_istat):
        c.add(
            row,
            s,
            "comune_istat",
            "invalid_comune_code",
            f"ISTAT comune code {s.comune_istat!r} must have 6 digits.",
            f"Il codice ISTAT del comune {s.comune_istat!r} deve avere 6 cifre.",
        )
    if s.metro_area and not re.fullmatch(r"\d{3}", s.metro_area):
        c.add(
            row,
            s,
            "metro_area",
            "invalid_metro_code",
            f"Metropolitan area code {s.metro_area!r} must have 3 digits (ISTAT province).",
            f"Il codice dell'area metropolitana {s.metro_area!r} deve avere 3 cifre (provincia ISTAT).",
        )
    if s.capacity is not None and s.capacity < 0:
        c.add(
            row,
            s,
            "capacity",
            "invalid_capacity",
            "Capacity is negative.",
            "La capacità è negativa.",
        )
    if org_ids is not None and s.organization_id and s.organization_id not in org_ids:
        c.add(
            row,
            s,
            "organization_id",
            "unknown_organization",
            f"Organization {s.organization_id} is not in the registry.",
            f"L'organizzazione {s.organization_id} non è nel registro.",
        )
    # verification date
    if not s.last_verified:
        c.add(
            row,
            s,
            "last_verified",
            "never_verified",
            "The service has never been verified.",
            "Il servizio non è mai stato verificato.",
            WARNING,
        )
    elif not _DATE_RE.match(s.last_verified):
        c.add(
            row,
            s,
            "last_verified",
            "invalid_date",
            f"last_verified {s.last_verified!r} is not a date YYYY-MM-DD.",
            f"last_verified {s.last_verified!r} non è una data AAAA-MM-GG.",
        )
    else:
        try:
            when = parse_iso_date(s.last_verified)
        except ValueError:
            c.add(
                row,
                s,
                "last_verified",
                "invalid_date",
                f"last_verified {s.last_verified!r} is not a real date.",
                f"last_verified {s.last_verified!r} non è una data reale.",
            )
        else:
            months = _months_between(when, today)
            if months >= stale_months:
                c.add(
                    row,
                    s,
                    "last_verified",
                    "stale",
                    f"Not verified for {months} months (limit {stale_months}).",
                    f"Non verificato da {months} mesi (limite {stale_months}).",
                    WARNING,
                )
    for code, detail in schedule.problems(s.opening_hours):
        texts = {
            "schedule_unparseable": (
                f"Opening hours {s.opening_hours!r} cannot be read: {detail}. Write e.g. 'Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30'.",
                f"Orari {s.opening_hours!r} non leggibili: {detail}. Scrivi ad es. 'Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30'.",
            ),
            "schedule_closes_before_opens": (
                f"Opening hours close when they open: {detail}. Give the closing time.",
                f"Gli orari chiudono quando aprono: {detail}. Indica l'orario di chiusura.",
            ),
            "schedule_past_midnight": (
                f"Open past midnight: {detail} is read as open until the next morning. If not, swap the times.",
                f"Aperto oltre la mezzanotte: {detail} vale fino al mattino dopo. Se non è così, inverti gli orari.",
            ),
            "schedule_overlap": (
                f"Opening hours overlap: {detail}.",
                f"Gli orari si sovrappongono: {detail}.",
            ),
            "schedule_replaced": (
                f"{detail}: a later rule for a day replaces the earlier one (OpenStreetMap rule, used by the analyses). To keep both, join the times with ',' in one rule, e.g. 'Mo 09:00-12:00,14:00-16:00'.",
                f"{detail}: una regola successiva per lo stesso giorno sostituisce la precedente (regola OpenStreetMap, usata dalle analisi). Per tenerle entrambe, unisci gli orari con ',' in una regola, ad es. 'Mo 09:00-12:00,14:00-16:00'.",
            ),
        }[code]
        severity = ERROR if code == "schedule_closes_before_opens" else WARNING  # text is kept
        c.add(row, s, "opening_hours", code, *texts, severity)
    _check_sensitive_place(c, row, s)
    # contacts
    for name in CONTACT_FIELDS:
        problem = contact_problem(name, getattr(s, name))
        if problem:
            c.add(row, s, name, *problem)


def sensitive_groups(s: Service) -> list[str]:
    """Return the sensitive target groups / sectors of ``s`` (see vocabularies.SENSITIVE_*)."""
    found = [g for g in s.target_groups or [] if g in SENSITIVE_TARGET_GROUPS]
    return found + [x for x in s.sectors or [] if x in SENSITIVE_SECTORS]


def _check_sensitive_place(c: _Collector, row: int, s: Service) -> None:
    """Warn when a service for a protected group shows its exact place in public outputs."""
    groups = sensitive_groups(s)
    if not groups or (s.location_privacy or "exact").strip().lower() != "exact":
        return
    c.add(
        row,
        s,
        "location_privacy",
        "sensitive_exact_location",
        f"This service is for {', '.join(groups)} but its location_privacy is 'exact': the public "
        "site and printed public maps will show its exact place. Set 'approximate' (a ~1 km area) "
        "or 'hidden' (contact channel only) unless the place is meant to be public.",
        f"Questo servizio è per {', '.join(groups)} ma location_privacy è 'exact': il sito pubblico "
        "e le mappe pubbliche stampate mostreranno il luogo esatto. Imposta 'approximate' (zona di "
        "~1 km) o 'hidden' (solo contatto) se il luogo non deve essere pubblico.",
        WARNING,
    )


def _metric(services_gs: gpd.GeoSeries) -> gpd.GeoSeries:
    lon = float(services_gs.x.mean())
    return services_gs.to_crs(32632 if lon < 12 else 32633)


def _check_places(c: _Collector, rows, services, comuni, tolerance_m: float) -> None:
    from shapely.geometry import Point

    by_code = comuni.set_index("comune_istat")
    provinces = None
    for row, s in zip_strict(rows, services):
        if s.lon is None or s.lat is None or not (-180 <= s.lon <= 180 and -90 <= s.lat <= 90):
            continue
        pt = gpd.GeoSeries([Point(s.lon, s.lat)], crs=4326)
        if s.comune_istat and s.comune_istat in by_code.index:
            poly = gpd.GeoSeries([by_code.geometry.loc[s.comune_istat]], crs=4326)
            crs = 32632 if s.lon < 12 else 32633
            d = float(poly.to_crs(crs).distance(pt.to_crs(crs)).iloc[0])
            if d > tolerance_m:
                c.add(
                    row,
                    s,
                    "geometry",
                    "outside_comune",
                    f"The point is {d:.0f} m outside its declared comune {s.comune_istat} ({by_code.loc[s.comune_istat, 'comune_name']}).",
                    f"Il punto è a {d:.0f} m fuori dal comune dichiarato {s.comune_istat} ({by_code.loc[s.comune_istat, 'comune_name']}).",
                )
        elif s.comune_istat and re.fullmatch(r"\d{6}", s.comune_istat):
            c.add(
                row,
                s,
                "comune_istat",
                "unknown_comune",
                f"Comune {s.comune_istat} is not in the boundaries used.",
                f"Il comune {s.comune_istat} non è nei confini usati.",
                WARNING,
            )
        if s.metro_area:
            if provinces is None:
                provinces = comuni.dissolve(by="province_code")
            if s.metro_area in provinces.index:
                poly = gpd.GeoSeries([provinces.geometry.loc[s.metro_area]], crs=4326)
                crs = 32632 if s.lon < 12 else 32633
                d = float(poly.to_crs(crs).distance(pt.to_crs(crs)).iloc[0])
                if d > tolerance_m:
                    c.add(
                        row,
                        s,
                        "geometry",
                        "outside_metro_area",
                        f"The point is {d:.0f} m outside its metropolitan area {s.metro_area}.",
                        f"Il punto è a {d:.0f} m fuori dall'area metropolitana {s.metro_area}.",
                    )


def _check_duplicates(c: _Collector, rows, services, distance_m: float, similarity: float) -> None:
    from shapely.geometry import Point

    placed = [
        (row, s)
        for row, s in zip_strict(rows, services)
        if s.lon is not None and s.lat is not None and -180 <= s.lon <= 180 and -90 <= s.lat <= 90
    ]
    if len(placed) < 2:
        return
    pts = _metric(gpd.GeoSeries([Point(s.lon, s.lat) for _, s in placed], crs=4326))
    names = [normalize_name(s.name) for _, s in placed]
    xs, ys = pts.x.to_numpy(), pts.y.to_numpy()
    for j in range(len(placed)):
        for i in range(j):
            if ((xs[i] - xs[j]) ** 2 + (ys[i] - ys[j]) ** 2) ** 0.5 > distance_m:
                continue
            ratio = difflib.SequenceMatcher(None, names[i], names[j]).ratio()
            if ratio >= similarity:
                row, s = placed[j]
                other = placed[i][1]
                c.add(
                    row,
                    s,
                    "name",
                    "probable_duplicate",
                    f"Probable duplicate of {other.name!r} (row {placed[i][0]}, id {other.service_id}): similar name within {distance_m:.0f} m.",
                    f"Probabile duplicato di {other.name!r} (riga {placed[i][0]}, id {other.service_id}): nome simile entro {distance_m:.0f} m.",
                    WARNING,
                )
                break


def validate(
    registry,
    *,
    comuni: gpd.GeoDataFrame | None = None,
    stale_months: int = 12,
    today: date | None = None,
    **kwargs,
) -> ValidationReport:
    """Validate every service of a :class:`~.registry.Registry` (see :func:`validate_services`)."""
    state = registry.load()
    report = validate_services(
        list(state.services.values()),
        organizations=list(state.organizations.values()),
        comuni=comuni,
        stale_months=stale_months,
        today=today,
        **kwargs,
    )
    report.extend(ValidationReport(_broken_links(state)))
    return report


def _broken_links(state) -> list[Issue]:
    """Warn about good-practice links whose service or sheet is gone (e.g. a service deleted
    in QGIS, where the link table is another layer)."""
    issues = []
    for service_id, practice_id in state.links:
        gone = [
            what
            for what, ok in (
                ("service", service_id in state.services),
                ("practice", practice_id in state.practices),
            )
            if not ok
        ]
        if gone:
            issues.append(
                Issue(
                    row=None,
                    service_id=service_id,
                    field="service_practices",
                    code="broken_link",
                    message=(
                        f"The link {service_id} → {practice_id} points to a missing "
                        f"{' and '.join(gone)}; remove it with Registry.unlink() or restore "
                        f"the {gone[0]}."
                    ),
                    message_it=(
                        f"Il collegamento {service_id} → {practice_id} punta a "
                        + " e ".join(
                            "un servizio mancante" if g == "service" else "una scheda mancante"
                            for g in gone
                        )
                        + "; rimuovilo con Registry.unlink() o ripristina il record."
                    ),
                    severity=WARNING,
                )
            )
    return issues
