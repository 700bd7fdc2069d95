"""Import services from tables (CSV, GeoJSON, any vector layer) and export them as CSV/GeoJSON.

Importing is two steps: :func:`parse_table` turns rows into :class:`~.model.Service` records and a
report (row number, field, reason) of rows that cannot be read; :func:`import_services` validates
them and writes them in ONE transaction. With ``accept_partial=False`` (the default) any error
raises :class:`~capacitymetro_plugin.core.errors.ValidationError` carrying the report and nothing
is written; with ``accept_partial=True`` only the rows without errors are written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError, ValidationError
from capacitymetro_plugin.core.progress import Progress, ensure

from .model import PUBLIC_EXCLUDED, Organization, Service, Translation, new_id
from .privacy import public_service
from .registry import Registry, to_wgs84
from .storage import SERVICE_FIELDS
from .validation import ERROR, WARNING, Issue, ValidationReport, validate_services
from .vocabularies import split_codes

# column names accepted for each Service field, besides the field name itself
ALIASES: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "lat": ("lat", "latitude", "y"),
    "wkt": ("wkt", "geometry_wkt", "geom_wkt"),
    "comune_istat": ("comune_istat", "com_istat_code", "istat", "codice_istat"),
    "comune_name": ("comune_name", "comune"),
    "capacity": ("capacity", "capienza"),
    "organization": ("organization", "organization_name", "ente"),
    "name": ("name", "nome"),
}
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass
class ParsedRows:
    """Services read from a table, their row numbers, organizations met, and the read report."""

    services: list[Service] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    rows_rejected_unread: list[int] = field(default_factory=list)
    # names/descriptions in more languages of the services read (HSDS carries them)
    translations: list[Translation] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did: services written, rows rejected, and the full report."""

    imported: list[Service]
    rejected_rows: list[int]
    report: ValidationReport
    registry: Registry


# --- reading files ----------------------------------------------------------------------------
def read_text(path: str | os.PathLike, *, encoding: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` of a text file: UTF-8 (with or without BOM), else Latin-1."""
    raw = Path(path).read_bytes()
    if encoding:
        return raw.decode(encoding), encoding
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict") if _cp1252_ok(raw) else raw.decode(
            "latin-1"
        ), "latin-1"


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def sniff_delimiter(text: str) -> str:
    """Return ``;`` or ``,`` (or tab), whichever splits the header line into more columns."""
    header = text.splitlines()[0] if text else ""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv_table(
    path: str | os.PathLike, *, delimiter: str | None = None, encoding: str | None = None
) -> tuple[pd.DataFrame, list[int], list[tuple[int, int, int]]]:
    """Read a CSV as text columns (no type guessing: ``022205`` stays ``022205``).

    Returns the table, the file line number of each row, and ``(line, fields, expected)`` for
    each row whose number of fields differs from the header (those rows are left out).
    """
    text, _ = read_text(path, encoding=encoding)
    if not text.strip():
        raise InputError(
            f"CSV file {path} is empty.",
            fix="Export the table again with a header row.",
            it=f"Il file CSV {path} è vuoto.",
            fix_it="Esporta di nuovo la tabella con una riga di intestazione.",
        )
    delim = delimiter or sniff_delimiter(text)
    header, records, lines, bad = csv_rows(text, delim, source=str(path))
    return pd.DataFrame(records, columns=header, dtype=str), lines, bad


def csv_rows(
    text: str, delimiter: str, *, source: str
) -> tuple[list[str], list[list[str]], list[int], list[tuple[int, int, int]]]:
    """Split CSV text into header, records, their line numbers and rows of the wrong length.

    Any line ending (CR LF, LF, CR alone) is accepted. Raises :class:`InputError` naming the line
    for what cannot be read without changing the data: NUL characters, an unclosed quote, a field
    longer than ``csv.field_size_limit()``, an empty or repeated column name.
    """
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(
            f"{source} contains a NUL character (line {line}); it is not a text CSV.",
            fix="Remove the NUL characters (or export the table again as CSV) and import again.",
            it=f"{source} contiene un carattere NUL (riga {line}); non è un CSV di testo.",
            fix_it="Togli i caratteri NUL (o esporta di nuovo la tabella come CSV) e importa di nuovo.",
        )
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    records, lines, bad = [], [], []
    try:
        header = [h.strip() for h in next(reader, [])]
        for rec in reader:
            if not any(v.strip() for v in rec):
                continue
            if len(rec) != len(header):
                bad.append((reader.line_num, len(rec), len(header)))
                continue
            records.append(rec)
            lines.append(reader.line_num)
    except csv.Error as exc:
        limit = csv.field_size_limit()
        raise InputError(
            f"{source}, line {reader.line_num}: {exc} (a quote not closed, or a field over {limit:,} characters?).",
            fix="Correct that line (close the quotes, shorten the field) and import again; nothing was written.",
            it=f"{source}, riga {reader.line_num}: {exc} (una virgoletta non chiusa, o un campo oltre {limit:,} caratteri?).",
            fix_it="Correggi quella riga (chiudi le virgolette, accorcia il campo) e importa di nuovo; non è stato scritto nulla.",
        ) from None
    seen: dict[str, str] = {}
    for h in header:
        key = h.lower()
        if not h or key in seen:
            what = "an empty column name" if not h else f"the column {h!r} twice"
            what_it = "un nome di colonna vuoto" if not h else f"la colonna {h!r} due volte"
            raise InputError(
                f"The header of {source} has {what}: which column holds the values is ambiguous.",
                fix="Give every column a distinct name and import again.",
                it=f"L'intestazione di {source} ha {what_it}: non è chiaro quale colonna contenga i valori.",
                fix_it="Dai a ogni colonna un nome diverso e importa di nuovo.",
            )
        seen[key] = h
    return header, records, lines, bad


# --- rows to services ---------------------------------------------------------------------------
def _find(columns: list[str], key: str) -> str | None:
    lower = {c.lower().strip(): c for c in columns}
    for candidate in (key, *ALIASES.get(key, ())):
        if candidate in lower:
            return lower[candidate]
    return None


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _z_issue(z: float) -> tuple[str, str, str, str, str]:
    """The warning for a point with a height: the registry stores longitude/latitude only."""
    return (
        "geometry",
        "z_dropped",
        f"The point has a height (Z = {z:g}); the registry keeps longitude and latitude only, the height is not stored.",
        f"Il punto ha una quota (Z = {z:g}); il registro conserva solo longitudine e latitudine, la quota non viene salvata.",
        WARNING,
    )


def parse_table(
    table: pd.DataFrame,
    *,
    geometry: gpd.GeoSeries | None = None,
    crs: str | int | None = 4326,
    lon_column: str | None = None,
    lat_column: str | None = None,
    wkt_column: str | None = None,
    first_row: int = 2,
    row_numbers: list[int] | None = None,
    organizations: list[Organization] | None = None,
    progress: Progress | None = None,
    csv_cells: bool = False,
) -> ParsedRows:
    """Turn table rows into services; report rows whose values cannot be read.

    Parameters
    ----------
    table
        One row per service; columns named like the ``services`` layer fields (aliases such as
        ``latitude``/``longitude``, ``com_istat_code``, ``organization`` are accepted).
    geometry
        Point geometries of a layer (then coordinate columns are ignored).
    crs
        CRS of the coordinates or WKT (anything pyproj understands); they are stored in EPSG:4326.
    lon_column, lat_column, wkt_column
        Column names when they are not the usual ones.
    first_row
        Number reported for the first row (2 for a CSV with a header line, 1 for a layer).
    row_numbers
        Number reported for each row (overrides ``first_row``), e.g. CSV line numbers.
    organizations
        Existing organizations: an ``organization`` name column is matched to them by name, and
        new names create new organizations.
    csv_cells
        The values come from a CSV file: a ``'`` written before a formula start by
        :func:`export_csv` is removed.
    """
    progress = ensure(progress)
    out = ParsedRows()
    columns = list(table.columns)
    lon_c = lon_column or _find(columns, "lon")
    lat_c = lat_column or _find(columns, "lat")
    wkt_c = wkt_column or _find(columns, "wkt")
    org_c = _find(columns, "organization")
    by_name = {o.name.strip().lower(): o for o in organizations or []}
    by_id = {o.organization_id: o for o in organizations or []}
    field_columns = {f: _find(columns, f) for f in SERVICE_FIELDS}
    issues: list[Issue] = []
    n = len(table)
    for i, rec in enumerate(table.to_dict("records")):
        if i % 200 == 0:
            progress.report(i / max(n, 1), "Reading rows")
        row = row_numbers[i] if row_numbers is not None else first_row + i
        kw: dict = {}
        row_issues: list[tuple[str, str, str, str]] = []
        for f, col in field_columns.items():
            if col is None:
                continue
            value = _text(rec.get(col))
            if value is not None and csv_cells:
                value = unescape_formula(value)
            if f in ("sectors", "target_groups", "languages"):
                value = [v.lower() for v in split_codes(value)]
            elif f == "capacity" and value is not None:
                try:
                    number = float(value.replace(",", "."))
                    if not number.is_integer():
                        raise ValueError
                    value = int(number)
                except ValueError:
                    row_issues.append(
                        (
                            "capacity",
                            "invalid_capacity",
                            f"Capacity {value!r} is not a whole number of people.",
                            f"La capacità {value!r} non è un numero intero di persone.",
                        )
                    )
                    value = None
            elif f == "comune_istat" and value is not None and value.isdigit() and len(value) < 6:
                value = value.zfill(6)
            elif f == "metro_area" and value is not None and value.isdigit() and len(value) < 3:
                value = value.zfill(3)
            elif f == "status" and value is None:
                value = "active"
            elif f == "service_id" and value is not None and not _UUID_RE.match(value):
                value = None  # external ids (e.g. "S001") are not uuids: a new id is given
            if value is not None and value != []:
                kw[f] = value
        kw.setdefault("name", "")
        # geometry
        lon = lat = None
        try:
            if geometry is not None:
                geom = geometry.iloc[i]
                if geom is not None and not geom.is_empty:
                    if geom.geom_type != "Point":
                        raise ValueError(f"geometry is a {geom.geom_type}, not a point")
                    lon, lat = geom.x, geom.y
                    if geom.has_z:
                        row_issues.append(_z_issue(geom.z))
            elif wkt_c and _text(rec.get(wkt_c)):
                from shapely import wkt as shapely_wkt

                geom = shapely_wkt.loads(_text(rec.get(wkt_c)))
                if geom.geom_type != "Point":
                    raise ValueError(f"WKT is a {geom.geom_type}, not a POINT")
                lon, lat = geom.x, geom.y
                if geom.has_z:
                    row_issues.append(_z_issue(geom.z))
            elif lon_c and lat_c and (_text(rec.get(lon_c)) or _text(rec.get(lat_c))):
                lon = float(str(rec.get(lon_c)).strip().replace(",", "."))
                lat = float(str(rec.get(lat_c)).strip().replace(",", "."))
            if lon is not None and lat is not None:
                if not (math.isfinite(lon) and math.isfinite(lat)):
                    raise ValueError("coordinates are not finite numbers")
                lon, lat = to_wgs84(lon, lat, crs)
                if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (
                    math.isfinite(lon) and math.isfinite(lat)
                ):
                    raise ValueError(
                        f"({lon}, {lat}) is outside the valid longitude/latitude range"
                    )
        except Exception as exc:  # noqa: BLE001 - any unreadable geometry is reported per row
            row_issues.append(
                (
                    "geometry",
                    "invalid_geometry",
                    f"Cannot read the location: {exc}.",
                    f"Impossibile leggere la posizione: {exc}.",
                )
            )
            lon = lat = None
        kw["lon"], kw["lat"] = lon, lat
        # organization by id or name: unknown ones are created (an export carries both)
        org_name = _text(rec.get(org_c)) if org_c else None
        if org_name and csv_cells:
            org_name = unescape_formula(org_name)
        org_id = kw.get("organization_id")
        if org_name and not (org_id and org_id in by_id):
            org = None if org_id else by_name.get(org_name.lower())
            if org is None:
                org = Organization(name=org_name, operator_type=kw.get("operator_type"))
                if org_id:
                    org.organization_id = org_id
                by_name.setdefault(org_name.lower(), org)
                by_id[org.organization_id] = org
                out.organizations.append(org)
            kw["organization_id"] = org.organization_id
        service = Service(**kw)
        for fname, code, en, it, *severity in row_issues:
            issues.append(
                Issue(
                    row,
                    service.service_id,
                    fname,
                    code,
                    en,
                    it,
                    *(severity or [ERROR]),
                    service.name,
                )
            )
        out.services.append(service)
        out.rows.append(row)
    out.report = ValidationReport(issues, checked=n)
    return out


def read_services_file(
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    crs: str | int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    wkt_column: str | None = None,
    organizations: list[Organization] | None = None,
    progress: Progress | None = None,
) -> ParsedRows:
    """Read services from a CSV (lat/lon or WKT columns) or a vector file (GeoJSON, GeoPackage...).

    For CSV files ``crs`` defaults to EPSG:4326; vector files carry their own CRS.
    """
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        table, lines, bad = read_csv_table(path, delimiter=delimiter, encoding=encoding)
        parsed = parse_table(
            table,
            crs=crs or 4326,
            lon_column=lon_column,
            lat_column=lat_column,
            wkt_column=wkt_column,
            row_numbers=lines,
            organizations=organizations,
            progress=progress,
            csv_cells=True,
        )
        for line, got, expected in bad:
            parsed.report.issues.append(
                Issue(
                    line,
                    None,
                    "row",
                    "bad_row_length",
                    f"Line {line} has {got} fields, the header has {expected} (a stray delimiter or quote?).",
                    f"La riga {line} ha {got} campi, l'intestazione ne ha {expected} (un separatore o una virgoletta di troppo?).",
                    ERROR,
                )
            )
            parsed.rows_rejected_unread.append(line)
        parsed.report.checked += len(bad)
        return parsed
    gdf = gio.read_vector(path, layer=layer)
    return parse_layer(gdf, organizations=organizations, progress=progress)


def parse_layer(
    gdf: gpd.GeoDataFrame, *, organizations=None, progress: Progress | None = None
) -> ParsedRows:
    """Read services from a GeoDataFrame of points (any CRS; rows numbered from 1)."""
    has_geom = (
        isinstance(gdf, gpd.GeoDataFrame) and gdf.geometry is not None and gdf.crs is not None
    )
    if (
        isinstance(gdf, gpd.GeoDataFrame)
        and "geometry" in gdf.columns
        and gdf.crs is None
        and gdf.geometry.notna().any()
    ):
        raise InputError(
            "The services layer has no CRS.",
            fix="Set the layer's CRS (e.g. EPSG:4326) and import again.",
            it="Il layer dei servizi non ha un sistema di riferimento.",
            fix_it="Imposta il SR del layer (es. EPSG:4326) e importa di nuovo.",
        )
    table = (
        pd.DataFrame(gdf.drop(columns="geometry"))
        if "geometry" in gdf.columns
        else pd.DataFrame(gdf)
    )
    return parse_table(
        table,
        geometry=gdf.geometry.to_crs(4326) if has_geom else None,
        crs=None,
        first_row=1,
        organizations=organizations,
        progress=progress,
    )


# --- import into a registry -----------------------------------------------------------------------
@dataclass
class ImportCheck:
    """Rows of a file checked for import: the report, the rejected rows and the good services."""

    report: ValidationReport
    bad_rows: list[int]
    good: list[Service]


def check_import(
    parsed: ParsedRows,
    *,
    existing_ids,
    accept_partial: bool = False,
    organizations: list[Organization] | None = None,
    comuni: gpd.GeoDataFrame | None = None,
    stale_months: int = 12,
    source_name: str | None = None,
) -> ImportCheck:
    """Validate parsed rows for import into a registry that already holds ``existing_ids``.

    Shared by every importer (core, dock, Processing) so a file is accepted or rejected by the
    same rules whatever the door. Raises :class:`ValidationError` (``.report``) when rows have
    errors and ``accept_partial`` is False: the caller must then write nothing.
    """
    report = ValidationReport(list(parsed.report.issues), checked=len(parsed.services))
    report.extend(
        validate_services(
            parsed.services,
            organizations=organizations,
            comuni=comuni,
            stale_months=stale_months,
            rows=parsed.rows,
            check_ids=False,
        )
    )
    seen = set(existing_ids)
    for row, s in zip_strict(parsed.rows, parsed.services):
        if s.service_id in seen:
            report.issues.append(
                Issue(
                    row,
                    s.service_id,
                    "service_id",
                    "duplicate_id",
                    f"service_id {s.service_id} is already in the registry.",
                    f"service_id {s.service_id} è già nel registro.",
                    ERROR,
                    s.name,
                )
            )
        seen.add(s.service_id)
    report.issues.sort(key=lambda i: (i.row or 0, i.field))
    bad = report.bad_rows() | set(parsed.rows_rejected_unread)
    total = len(parsed.services) + len(parsed.rows_rejected_unread)
    if bad and not accept_partial:
        listed = ", ".join(map(str, sorted(bad)[:20])) + ("..." if len(bad) > 20 else "")
        of = f" of {source_name}" if source_name else ""
        of_it = f" di {source_name}" if source_name else ""
        raise ValidationError(
            f"{len(bad)} of {total} rows{of} cannot be imported (rows {listed}); nothing was written.",
            report=report,
            fix="Correct the rows listed in the report, or import with 'accept partial' to load only the good rows.",
            it=f"{len(bad)} righe su {total}{of_it} non possono essere importate (righe {listed}); non è stato scritto nulla.",
            fix_it="Correggi le righe elencate nel rapporto, oppure importa con 'accetta parziale' per caricare solo le righe valide.",
        )
    good = [s for row, s in zip_strict(parsed.rows, parsed.services) if row not in bad]
    return ImportCheck(report, sorted(bad), good)


def import_services(
    registry: Registry | str | os.PathLike,
    parsed: ParsedRows,
    *,
    accept_partial: bool = False,
    comuni: gpd.GeoDataFrame | None = None,
    stale_months: int = 12,
    create: bool = True,
) -> ImportResult:
    """Validate ``parsed`` rows and add them to ``registry`` in one transaction.

    Rows with errors (unreadable values, unknown sectors, missing name, point outside its comune
    when ``comuni`` is given, ...) are rejected: with ``accept_partial=False`` any rejected row
    raises :class:`ValidationError` (``.report``) and nothing is written; with True the good rows
    are written. Warnings (e.g. no location yet) never reject a row.
    """
    if not isinstance(registry, Registry):
        path = Path(registry)
        registry = Registry.open(path) if path.exists() or not create else Registry.create(path)
    state = registry.load()
    check = check_import(
        parsed,
        existing_ids=state.services,
        organizations=list(state.organizations.values()) + parsed.organizations,
        comuni=comuni,
        stale_months=stale_months,
        accept_partial=accept_partial,
    )
    report, bad, good = check.report, set(check.bad_rows), check.good
    used_orgs = {s.organization_id for s in good}
    with registry.transaction() as st:
        for org in parsed.organizations:
            if org.organization_id in used_orgs and org.organization_id not in st.organizations:
                st.organizations[org.organization_id] = org
        from .registry import _prepare_new

        stored = [_prepare_new(s, st, None) for s in good]
        _add_translations(st, parsed.translations, {s.service_id for s in stored})
    return ImportResult(stored, sorted(bad), report, registry)


def _add_translations(state, translations: list[Translation], service_ids: set[str]) -> None:
    """Put the imported translations of the services just stored into ``state`` (checked by
    the same rules as ``Registry.set_translation``; the rows were already refused otherwise)."""
    from .model import now_iso
    from .translations import check_translation

    for t in translations:
        if t.service_id in service_ids:
            t = check_translation(t, state.services)
            t.updated_at = t.updated_at or now_iso()
            state.translations[(t.service_id, t.lang)] = t


def import_file(
    registry: Registry | str | os.PathLike,
    path: str | os.PathLike,
    *,
    accept_partial: bool = False,
    comuni: gpd.GeoDataFrame | None = None,
    **read_options,
) -> ImportResult:
    """Read a CSV/vector file of services and import it (see :func:`import_services`)."""
    if not isinstance(registry, Registry):
        p = Path(registry)
        registry = Registry.open(p) if p.exists() else Registry.create(p)
    parsed = read_services_file(path, organizations=registry.organizations(), **read_options)
    return import_services(registry, parsed, accept_partial=accept_partial, comuni=comuni)


# --- export ----------------------------------------------------------------------------------------
def services_frame(registry: Registry, *, public: bool = True) -> gpd.GeoDataFrame:
    """Return the services as a GeoDataFrame (EPSG:4326); ``public`` drops private fields and
    protects approximate/hidden places (privacy.public_service)."""
    from shapely.geometry import Point

    from .storage import record_to_properties

    records, geoms = [], []
    state = registry.load()
    for s in state.services.values():
        if public:
            s = public_service(s)
        props = record_to_properties(s, SERVICE_FIELDS)
        org = state.organizations.get(s.organization_id or "")
        props["organization"] = org.name if org else None
        if public:
            for k in PUBLIC_EXCLUDED:
                props.pop(k, None)
        records.append(props)
        geoms.append(Point(s.lon, s.lat) if s.lon is not None and s.lat is not None else None)
    columns = [f for f in SERVICE_FIELDS if not (public and f in PUBLIC_EXCLUDED)]
    columns.insert(columns.index("organization_id") + 1, "organization")
    frame = pd.DataFrame(records, columns=columns)
    frame["capacity"] = frame["capacity"].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)


def export_csv(
    registry: Registry, path: str | os.PathLike, *, public: bool = True, delimiter: str = ","
) -> Path:
    """Write the services as a UTF-8 CSV with ``lon``/``lat`` columns."""
    gdf = services_frame(registry, public=public)
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    frame["lon"] = [g.x if g is not None else None for g in gdf.geometry]
    frame["lat"] = [g.y if g is not None else None for g in gdf.geometry]
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(escape_formula)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, sep=delimiter, encoding="utf-8", float_format="%.7f")
    os.replace(tmp, path)
    return path


#: A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Return text a spreadsheet shows as text: ``'`` before a formula start (and before ``'``).

    ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``; :func:`unescape_formula` (used by the CSV
    import) removes the quote again, so an export imports back unchanged.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Undo :func:`escape_formula` (``'=x`` → ``=x``, ``''x`` → ``'x``); other text is unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith((*FORMULA_START, "'")):
        return value[1:]
    return value


def _json_value(key: str, value):
    """Return a record's value as GeoJSON writes it: a missing one as None, capacity as int."""
    # A missing value comes as NaN (float columns), pd.NA (Int64 capacity, pandas 1.5) or None
    # (the same capacity from pandas 2's to_dict, e.g. QGIS 3.40 on Debian 13).
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if key == "capacity" else value


def export_geojson(registry: Registry, path: str | os.PathLike, *, public: bool = True) -> Path:
    """Write the services as GeoJSON (EPSG:4326)."""
    gdf = services_frame(registry, public=public)
    features = []
    for rec, geom in zip_strict(
        pd.DataFrame(gdf.drop(columns="geometry")).to_dict("records"), gdf.geometry
    ):
        props = {k: _json_value(k, v) for k, v in rec.items()}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": None
                if geom is None
                else {"type": "Point", "coordinates": [geom.x, geom.y]},
            }
        )
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path


def new_service_id() -> str:
    """Return a fresh service id (uuid4)."""
    return new_id()
