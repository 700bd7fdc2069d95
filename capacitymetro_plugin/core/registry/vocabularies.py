"""Controlled vocabularies of the registry, each term with an Italian and an English label.

Sector codes are the ones used by the CapaCityMetro mappings and by
``../shared/data/servizi_migranti_da_pagine_web.csv``.
"""

from __future__ import annotations

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
    Term("mixed_public_third_sector", "Misto pubblico / terzo settore", "Mixed public / third sector"),
)

STATUSES: tuple[Term, ...] = (
    Term("active", "Attivo", "Active"),
    Term("suspended", "Sospeso", "Suspended"),
    Term("closed", "Chiuso", "Closed"),
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
