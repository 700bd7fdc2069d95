"""Controlled vocabularies of the registry, each term with an Italian and an English label.

Sector codes are the ones used by the CapaCityMetro mappings and by
``../shared/data/servizi_migranti_da_pagine_web.csv``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A vocabulary term: a stable code and its labels."""

    code: str
    it: str
    en: str

    def label(self, language: str = "en") -> str:
        """Return the label in ``language`` ("it" or "en")."""
        return self.it if language.lower().startswith("it") else self.en


SECTORS: tuple[Term, ...] = (
    Term("reception", "Accoglienza", "Reception"),
    Term("information", "Informazione e sportelli unici", "Information and one-stop shops"),
    Term("documents_legal", "Documenti e tutela legale", "Documents and legal aid"),
    Term("work_training", "Lavoro e formazione professionale", "Work and vocational training"),
    Term("italian_language", "Lingua italiana", "Italian language"),
    Term("school", "Scuola e istruzione", "School and education"),
    Term("health", "Salute", "Health"),
    Term("housing", "Casa e abitare", "Housing"),
    Term("mediation", "Mediazione linguistico-culturale", "Cultural and linguistic mediation"),
    Term("minors", "Minori stranieri non accompagnati", "Unaccompanied minors"),
    Term(
        "anti_discrimination_trafficking",
        "Antidiscriminazione e antitratta",
        "Anti-discrimination and anti-trafficking",
    ),
    Term("community", "Comunità e associazioni", "Community and associations"),
)

OPERATOR_TYPES: tuple[Term, ...] = (
    Term("public", "Pubblico", "Public"),
    Term("private", "Privato", "Private"),
    Term("third_sector", "Terzo settore", "Third sector"),
    Term(
        "mixed_public_third_sector", "Misto pubblico / terzo settore", "Mixed public / third sector"
    ),
)

STATUSES: tuple[Term, ...] = (
    Term("active", "Attivo", "Active"),
    Term("suspended", "Sospeso", "Suspended"),
    Term("closed", "Chiuso", "Closed"),
    # candidates (e.g. from OpenStreetMap) nobody has checked yet: analyses leave them out
    Term("to_verify", "Da verificare", "To verify"),
)

SECTOR_CODES: frozenset[str] = frozenset(t.code for t in SECTORS)
OPERATOR_TYPE_CODES: frozenset[str] = frozenset(t.code for t in OPERATOR_TYPES)
STATUS_CODES: frozenset[str] = frozenset(t.code for t in STATUSES)


def term(vocabulary: tuple[Term, ...], code: str) -> Term:
    """Return the term with ``code`` in ``vocabulary`` (KeyError if unknown)."""
    for t in vocabulary:
        if t.code == code:
            return t
    raise KeyError(code)


TARGET_GROUPS: tuple[Term, ...] = (
    Term("adults", "Adulti", "Adults"),
    Term("women", "Donne", "Women"),
    Term("minors", "Minori", "Minors"),
    Term("unaccompanied_minors", "Minori stranieri non accompagnati", "Unaccompanied minors"),
    Term("families", "Famiglie", "Families"),
    Term("asylum_seekers", "Richiedenti asilo", "Asylum seekers"),
    Term("refugees", "Rifugiati e titolari di protezione", "Refugees and protection holders"),
    Term("trafficking_victims", "Vittime di tratta", "Trafficking victims"),
    Term("homeless", "Persone senza dimora", "Homeless people"),
    Term("workers", "Lavoratori", "Workers"),
    Term("students", "Studenti", "Students"),
    Term("all", "Tutti", "Everyone"),
)
TARGET_GROUP_CODES: frozenset[str] = frozenset(t.code for t in TARGET_GROUPS)
# target groups and sectors whose services usually must not show their exact place in public
# (shelters and desks for victims of trafficking and of violence): the validator warns when such a
# service has location_privacy "exact". Only a warning: a public desk may choose to be found.
SENSITIVE_TARGET_GROUPS: frozenset[str] = frozenset({"trafficking_victims"})
# the sector "anti_discrimination_trafficking" is left out: it also holds public anti-discrimination
# desks that want to be found (a warning on each would be noise).
SENSITIVE_SECTORS: frozenset[str] = frozenset()


def _load_languages() -> tuple[Term, ...]:
    """Read the ISO 639-1 table shipped in ``core/data/iso639_1.csv`` (from Debian iso-codes)."""
    import csv
    from pathlib import Path

    table = Path(__file__).resolve().parent.parent / "data" / "iso639_1.csv"
    with open(table, encoding="utf-8", newline="") as fh:
        return tuple(Term(r["code"], r["it"], r["en"]) for r in csv.DictReader(fh))


def _load_iso639_3() -> tuple[dict[str, Term], dict[str, str]]:
    """Read ``core/data/iso639_3.csv`` (living ISO 639-3 languages, from Debian iso-codes by
    ``scripts/build_iso639_3.py``): the languages with no ISO 639-1 code, and the map of the
    three-letter codes that have one (``ita`` → ``it``)."""
    import csv
    from pathlib import Path

    table = Path(__file__).resolve().parent.parent / "data" / "iso639_3.csv"
    only3: dict[str, Term] = {}
    to_639_1: dict[str, str] = {}
    with open(table, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["iso639_1"]:
                to_639_1[r["code"]] = r["iso639_1"]
            else:
                only3[r["code"]] = Term(r["code"], r["it"], r["en"])
    return only3, to_639_1


#: the ISO 639-1 languages (two letters): the short list the dock offers
LANGUAGES: tuple[Term, ...] = _load_languages()
#: languages with no ISO 639-1 code, by their ISO 639-3 code (Dari ``prs``, Kurmanji ``kmr``,
#: Mandinka ``mnk``, Soninke ``snk``, ...)
LANGUAGES_639_3, ISO639_3_TO_1 = _load_iso639_3()
#: every language code the registry accepts: ISO 639-1, else ISO 639-3 where no 639-1 code exists
LANGUAGE_CODES: frozenset[str] = frozenset(t.code for t in LANGUAGES) | frozenset(LANGUAGES_639_3)


@functools.lru_cache(maxsize=1)
def _language_names() -> dict[str, dict[str, str]]:
    """Read the names of the ISO 639-1 languages in the other languages of the table
    (``{code: {"fr": ..., "es": ..., "ro": ..., "uk": ...}}``, by
    ``scripts/build_iso639_1_names.py``)."""
    import csv
    from pathlib import Path

    table = Path(__file__).resolve().parent.parent / "data" / "iso639_1.csv"
    with open(table, encoding="utf-8", newline="") as fh:
        return {
            r["code"]: {k: v for k, v in r.items() if k not in ("code", "en", "it") and v}
            for r in csv.DictReader(fh)
        }


def language_name(code: str, language: str = "en") -> str:
    """Return the name of language ``code`` in ``language``.

    Italian and English for every accepted code; French, Spanish, Romanian and Ukrainian for the
    ISO 639-1 languages (else the English name); ``code`` itself for an unknown code. Of the
    table's alternatives ("Pushto; Pashto") the first."""
    term = language_term(code)
    if term is None:
        return code
    if language in ("it", "en"):
        name = term.label(language)
    else:
        name = _language_names().get(code, {}).get(language) or term.en
    return name.split(";")[0].strip()  # "Pushto; Pashto": the first of the alternatives


def language_term(code: str) -> Term | None:
    """Return the term (English and Italian names) of an accepted language code, else None."""
    for t in LANGUAGES:
        if t.code == code:
            return t
    return LANGUAGES_639_3.get(code)


def split_codes(value: object) -> list[str]:
    """Split a ``;``-separated code list ("it; en;fr") into clean codes, dropping empties."""
    if value is None:
        return []
    text = str(value)
    if text.lower() in ("nan", "none"):
        return []
    return [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]


def join_codes(codes: list[str] | tuple[str, ...]) -> str:
    """Join codes with ``;`` (the stored form)."""
    return ";".join(codes)
