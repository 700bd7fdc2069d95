"""Field checks the service form runs as the user types.

Each check takes the text of one field and returns ``""`` when it is fine, else a short message
(translated) saying what is wrong and how to write it. The rules follow the registry schema
(``services`` layer); contacts use the core validator's own rule and messages, the vocabularies
come from :mod:`capacitymetro_plugin.core.registry.vocabularies`.
"""

from __future__ import annotations

import re

from capacitymetro_plugin.core._pycompat import parse_iso_date
from capacitymetro_plugin.core.registry import schedule
from capacitymetro_plugin.core.registry import vocabularies as voc
from capacitymetro_plugin.core.registry.validation import contact_problem
from capacitymetro_plugin.core.registry.vocabularies import split_codes  # noqa: F401 (one copy)

from .common import tr, user_language

_ISTAT = re.compile(r"^\d{6}$")


def language_codes() -> frozenset[str]:
    """Return the ISO 639-1 codes the registry accepts."""
    codes = getattr(voc, "LANGUAGE_CODES", None)
    if codes:
        return frozenset(codes)
    return frozenset()  # empty: fall back on the two-letter shape only


def check_name(text: str) -> str:
    if not text.strip():
        return tr("Required: write the name of the service.")
    return ""


def check_sectors(codes: list[str]) -> str:
    if not codes:
        return tr("Choose at least one sector.")
    unknown = [c for c in codes if c not in voc.SECTOR_CODES]
    if unknown:
        return tr("Unknown sector code(s): {}.").format(", ".join(unknown))
    return ""


def check_languages(text: str) -> str:
    known = language_codes()
    bad = []
    for code in split_codes(text):
        if not re.fullmatch(r"[a-z]{2}", code) or (known and code not in known):
            bad.append(code)
    if bad:
        return tr(
            "Not ISO 639-1 language codes: {}. Write two letters separated by ';', e.g. it;en;ar."
        ).format(", ".join(bad))
    return ""


def check_opening_hours(text: str) -> str:
    """Errors of a weekly schedule (the core's parser): an interval that closes when it opens."""
    for code, detail in schedule.problems(text):
        if code == "schedule_closes_before_opens":
            return tr("Closes when it opens: {}.").format(detail)
    return ""


def warn_opening_hours(text: str) -> str:
    """Warnings of a schedule, kept as written (as the core does): what the analyses will read."""
    for code, detail in schedule.problems(text):
        if code == "schedule_unparseable":
            return tr(
                "Kept as written, but analyses cannot read it. Write e.g. Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30."
            )
        if code == "schedule_replaced":
            return tr(
                "{}: a later rule for a day replaces the earlier one (OpenStreetMap rule). To keep both, join the times with ',' (Mo 09:00-12:00,14:00-16:00)."
            ).format(detail)
        if code == "schedule_past_midnight":
            return tr("Open past midnight: {} (until the next morning).").format(detail)
        if code == "schedule_overlap":
            return tr("Overlapping times: {}.").format(detail)
    return ""


def _contact(field: str, text: str) -> str:
    """The core validator's rule and message (core.registry.validation.contact_problem)."""
    problem = contact_problem(field, text)
    if problem is None:
        return ""
    _code, message, message_it = problem
    return message_it if user_language() == "it" else message


def check_email(text: str) -> str:
    return _contact("email", text)


def check_url(text: str) -> str:
    return _contact("website", text)


def check_phone(text: str) -> str:
    return _contact("phone", text)


def check_capacity(text: str) -> str:
    if text.strip() and not re.fullmatch(r"\d+", text.strip()):
        return tr("Capacity must be a whole number of people per week (or empty).")
    return ""


def check_istat(text: str) -> str:
    if text.strip() and not _ISTAT.match(text.strip()):
        return tr("The ISTAT code of a comune has 6 digits, e.g. 072006.")
    return ""


def check_date(text: str) -> str:
    if not text.strip():
        return ""
    try:
        parse_iso_date(text.strip())  # what the date field stores (QDate yyyy-MM-dd)
    except ValueError:
        return tr("Write the date as YYYY-MM-DD, e.g. 2026-11-21.")
    return ""


def check_coordinate(x_text: str, y_text: str) -> str:
    """Both empty (no location yet) or both numbers."""
    x, y = x_text.strip(), y_text.strip()
    if not x and not y:
        return ""
    try:
        float(x.replace(",", "."))
        float(y.replace(",", "."))
    except ValueError:
        return tr("Write both coordinates as numbers, or click on the map.")
    return ""
