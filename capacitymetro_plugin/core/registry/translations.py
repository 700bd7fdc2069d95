"""Services in several languages: the checks of a translation and its CSV exchange.

A service's ``name`` and ``description`` are written by operators in Italian. A
:class:`~.model.Translation` gives them in one more language (``lang``, an ISO 639-1 code, else
ISO 639-3 for a language without one: the registry's language vocabulary), written by the
operator or by a machine (``source``; public outputs label machine translations as such). They
are stored in the registry's ``service_translations`` table (one row per service and language)
and written with ``Registry.set_translation`` / ``remove_translation``.

The CSV form (:func:`export_translations_csv` / :func:`import_translations_csv`) has one row per
service and language, for operators who translate in a spreadsheet: the Italian original travels
beside each row (``name_it``, ``description_it``; ignored on import), and an export with
``languages`` adds an empty row for each service not yet translated into them.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path

from capacitymetro_plugin.core.errors import InputError, ValidationError

from .model import TRANSLATION_SOURCES, Translation
from .validation import ERROR, Issue, ValidationReport
from .vocabularies import ISO639_3_TO_1, LANGUAGE_CODES, language_term

__all__ = [
    "CSV_COLUMNS",
    "ORIGINAL_LANGUAGE",
    "TranslationError",
    "check_translation",
    "export_translations_csv",
    "import_translations_csv",
    "read_translations_csv",
]

#: the language the registry's own name and description are written in
ORIGINAL_LANGUAGE = "it"
#: columns of the translations CSV, in order (``name_it``/``description_it``: the original, read-only)
CSV_COLUMNS = (
    "service_id",
    "lang",
    "name",
    "description",
    "source",
    "name_it",
    "description_it",
)
_MAX_TEXT = 20_000  # characters: a name or description longer than this is not a translation


class TranslationError(InputError):
    """A translation cannot be stored; ``code`` says why (``unknown_language``, ``empty_name``,
    ``unknown_service``, ``unknown_source``, ``original_language``, ``not_found``, ``too_long``)."""

    def __init__(self, code: str, message: str, *, fix: str, it: str, fix_it: str) -> None:
        super().__init__(message, fix=fix, it=it, fix_it=fix_it)
        self.code = code


def _language_problem(code: str) -> tuple[str, str, str, str] | None:
    """(message, fix, it, fix_it) when ``code`` is not a language a translation can be in."""
    if not code:
        return (
            "The translation has no language code.",
            "Give the language as ISO 639-1 (e.g. en, fr, ar) or, for a language without one, "
            "ISO 639-3 (e.g. prs Dari, kmr Kurmanji).",
            "La traduzione non ha un codice lingua.",
            "Indica la lingua in ISO 639-1 (es. en, fr, ar) o, per una lingua che non lo ha, "
            "ISO 639-3 (es. prs dari, kmr curdo kurmanji).",
        )
    if code == ORIGINAL_LANGUAGE:
        return (
            "A translation into Italian (it): the service's own name and description are the "
            "Italian text.",
            "Edit the service's name and description instead, or pick another language.",
            "Una traduzione in italiano (it): il nome e la descrizione del servizio sono già il "
            "testo italiano.",
            "Modifica invece nome e descrizione del servizio, o scegli un'altra lingua.",
        )
    if code in ISO639_3_TO_1:
        short = ISO639_3_TO_1[code]
        return (
            f"{code!r} has the ISO 639-1 code {short!r}.",
            f"Write {short!r} (three-letter ISO 639-3 codes are for languages without one, "
            "e.g. prs Dari, kmr Kurmanji).",
            f"{code!r} ha il codice ISO 639-1 {short!r}.",
            f"Scrivi {short!r} (i codici ISO 639-3 di tre lettere sono per le lingue che non ne "
            "hanno uno, es. prs dari, kmr curdo kurmanji).",
        )
    if code not in LANGUAGE_CODES:
        return (
            f"{code[:20]!r} is not a language code.",
            "Use ISO 639-1 (e.g. en, fr, ar, uk) or, for a language without one, ISO 639-3 "
            "(e.g. prs Dari, kmr Kurmanji, mnk Mandinka).",
            f"{code[:20]!r} non è un codice lingua.",
            "Usa ISO 639-1 (es. en, fr, ar, uk) o, per una lingua che non lo ha, ISO 639-3 "
            "(es. prs dari, kmr curdo kurmanji, mnk mandinka).",
        )
    return None


def _problems(t: Translation, services) -> list[tuple[str, str, str, str, str, str]]:
    """(field, code, message, fix, it, fix_it) for each reason ``t`` cannot be stored."""
    out = []
    lang = language_term(t.lang)
    where = f"Translation {t.lang or '?'} of service {t.service_id}"
    where_it = f"Traduzione {t.lang or '?'} del servizio {t.service_id}"
    if services is not None and t.service_id not in services:
        out.append(
            (
                "service_id",
                "unknown_service",
                f"{where}: there is no service {t.service_id!r} in the registry.",
                "Translate a service that exists (its service_id, as exported); add the service "
                "first.",
                f"{where_it}: nel registro non c'è il servizio {t.service_id!r}.",
                "Traduci un servizio che esiste (il suo service_id, come esportato); aggiungi "
                "prima il servizio.",
            )
        )
    problem = _language_problem(t.lang)
    if problem is not None:
        en, fix, it, fix_it = problem
        out.append(
            (
                "lang",
                "unknown_language" if t.lang != "it" else "original_language",
                f"{where}: {en}",
                fix,
                f"{where_it}: {it}",
                fix_it,
            )
        )
    if not t.name:
        named = f" ({lang.en})" if lang else ""
        named_it = f" ({lang.it})" if lang else ""
        out.append(
            (
                "name",
                "empty_name",
                f"{where}: the translated name{named} is empty.",
                "Give the service's name in that language (a description alone is not enough).",
                f"{where_it}: il nome tradotto{named_it} è vuoto.",
                "Indica il nome del servizio in quella lingua (la sola descrizione non basta).",
            )
        )
    if t.source not in TRANSLATION_SOURCES:
        out.append(
            (
                "source",
                "unknown_source",
                f"{where}: source {str(t.source)[:20]!r} is not one of {', '.join(TRANSLATION_SOURCES)}.",
                "Use operator (written or checked by a person) or machine (a machine "
                "translation, labelled as such in public).",
                f"{where_it}: la fonte {str(t.source)[:20]!r} non è tra {', '.join(TRANSLATION_SOURCES)}.",
                "Usa operator (scritta o controllata da una persona) o machine (traduzione "
                "automatica, indicata come tale al pubblico).",
            )
        )
    for field in ("name", "description"):
        value = getattr(t, field) or ""
        if len(value) > _MAX_TEXT:
            out.append(
                (
                    field,
                    "too_long",
                    f"{where}: the {field} has {len(value):,} characters (at most {_MAX_TEXT:,}).",
                    f"Shorten the {field}.",
                    f"{where_it}: il campo {field} ha {len(value):,} caratteri (al massimo {_MAX_TEXT:,}).",
                    f"Accorcia il campo {field}.",
                )
            )
    return out


def normalized(t: Translation) -> Translation:
    """Return a copy of ``t`` with trimmed texts, a lower-case code, empty description = None."""

    def text(value) -> str | None:
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    return dataclasses.replace(
        t,
        service_id=str(t.service_id or "").strip(),
        lang=str(t.lang or "").strip().lower(),
        name=text(t.name) or "",
        description=text(t.description),
        source=(text(t.source) or "operator").lower(),
    )


def check_translation(t: Translation, services=None) -> Translation:
    """Return ``t`` normalized, or raise :class:`TranslationError` for its first problem.

    Parameters
    ----------
    t
        The translation to store.
    services
        The service ids of the registry (any container); None skips the existence check.
    """
    t = normalized(t)
    problems = _problems(t, services)
    if problems:
        _field, code, en, fix, it, fix_it = problems[0]
        raise TranslationError(code, en, fix=fix, it=it, fix_it=fix_it)
    return t


# --- CSV ---------------------------------------------------------------------------------------
def export_translations_csv(
    registry,
    path: str | os.PathLike,
    *,
    languages: list[str] | tuple[str, ...] | None = None,
    delimiter: str = ",",
) -> Path:
    """Write the registry's translations as CSV, one row per service and language.

    Parameters
    ----------
    registry
        A :class:`~.registry.Registry` (GeoPackage or PostGIS).
    path
        The CSV file to write (UTF-8 with BOM, so spreadsheets read accents and scripts right).
    languages
        With codes (e.g. ``["en", "ar"]``), also an empty row for every service not yet
        translated into each: a sheet to fill in. Each code is checked.
    delimiter
        ``,`` (default) or ``;``.

    Returns
    -------
    Path
        ``path``. Formula-like cells (``=...``) are escaped as in the services CSV.
    """
    from .exchange import escape_formula

    wanted = []
    for code in languages or ():
        code = str(code).strip().lower()
        problem = _language_problem(code)
        if problem is not None:
            en, fix, it, fix_it = problem
            raise TranslationError("unknown_language", en, fix=fix, it=it, fix_it=fix_it)
        wanted.append(code)
    state = registry.load()
    rows = []
    for sid, s in sorted(state.services.items(), key=lambda kv: (kv[1].name.lower(), kv[0])):
        have = {lang: t for (k, lang), t in state.translations.items() if k == sid}
        for lang in sorted(set(have) | set(wanted)):
            t = have.get(lang)
            rows.append(
                {
                    "service_id": sid,
                    "lang": lang,
                    "name": t.name if t else "",
                    "description": (t.description or "") if t else "",
                    "source": t.source if t else "",
                    "name_it": s.name,
                    "description_it": s.description or "",
                }
            )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: escape_formula(v) for k, v in row.items()})
    os.replace(tmp, path)
    return path


def read_translations_csv(
    path: str | os.PathLike, *, services=None
) -> tuple[list[Translation], list[int], ValidationReport]:
    """Read a translations CSV: the translations, their file lines, and the report of problems.

    Rows whose name and description are both empty (an untranslated row of an exported sheet)
    are skipped. ``services``: the registry's service ids, to report rows of unknown services.
    A row repeating a service and language of an earlier row is an error.
    """
    from .exchange import read_csv_table, unescape_formula

    table, lines, bad = read_csv_table(path)
    lower = {c.lower(): c for c in table.columns}
    missing = [c for c in ("service_id", "lang", "name") if c not in lower]
    if missing:
        raise InputError(
            f"The translations CSV {path} has no column {', '.join(missing)}.",
            fix="Start from an export (export_translations_csv, or the dock's Translations "
            "export): columns service_id, lang, name, description, source.",
            it=f"Il CSV di traduzioni {path} non ha la colonna {', '.join(missing)}.",
            fix_it="Parti da un'esportazione (export_translations_csv): colonne service_id, "
            "lang, name, description, source.",
        )
    issues = [
        Issue(
            line,
            None,
            "row",
            "wrong_field_count",
            f"Line {line} has {n} fields, the header {expected}.",
            f"La riga {line} ha {n} campi, l'intestazione {expected}.",
            ERROR,
        )
        for line, n, expected in bad
    ]
    out: list[Translation] = []
    rows: list[int] = []
    seen: dict[tuple[str, str], int] = {}

    def cell(rec: dict, name: str) -> str:
        column = lower.get(name)
        value = rec.get(column) if column else None
        return unescape_formula(str(value)) if value is not None else ""

    for line, rec in zip(lines, table.to_dict("records")):
        name, description = cell(rec, "name").strip(), cell(rec, "description").strip()
        if not name and not description:
            continue  # a row of the sheet nobody translated yet
        t = normalized(
            Translation(
                service_id=cell(rec, "service_id"),
                lang=cell(rec, "lang"),
                name=name,
                description=description,
                source=cell(rec, "source"),
            )
        )
        for field, code, en, fix, it, fix_it in _problems(t, services):
            issues.append(Issue(line, t.service_id, field, code, f"{en} {fix}", f"{it} {fix_it}"))
        key = (t.service_id, t.lang)
        if key in seen:
            issues.append(
                Issue(
                    line,
                    t.service_id,
                    "lang",
                    "duplicate_translation",
                    f"Line {line} repeats the {t.lang} translation of service {t.service_id} "
                    f"(line {seen[key]}).",
                    f"La riga {line} ripete la traduzione {t.lang} del servizio {t.service_id} "
                    f"(riga {seen[key]}).",
                )
            )
        seen.setdefault(key, line)
        out.append(t)
        rows.append(line)
    return out, rows, ValidationReport(issues, checked=len(out))


def import_translations_csv(registry, path: str | os.PathLike) -> list[Translation]:
    """Add or replace the translations of a CSV in ``registry``, all in one transaction.

    Any problem (unknown language or service, empty name, repeated row, unreadable line) raises
    :class:`~capacitymetro_plugin.core.errors.ValidationError` with the ``report`` of every
    problem, naming the lines, and nothing is written. Returns the translations stored.
    """
    state = registry.load()
    found, _rows, report = read_translations_csv(path, services=state.services)
    if report.errors:
        lines = sorted({i.row for i in report.errors if i.row is not None})
        listed = ", ".join(map(str, lines[:20])) + ("..." if len(lines) > 20 else "")
        first = report.errors[0]
        raise ValidationError(
            f"{len(lines)} lines of {path} cannot be imported (lines {listed}); nothing was "
            f"written. First: {first.message}",
            report=report,
            fix="Correct the lines listed and import again.",
            it=f"{len(lines)} righe di {path} non possono essere importate (righe {listed}); non "
            f"è stato scritto nulla. Prima: {first.message_it}",
            fix_it="Correggi le righe elencate e importa di nuovo.",
        )
    return registry.set_translations(found)
