"""Weekly opening hours in an OSM-like subset: ``Mo-Fr 09:00-13:00; Tu,Th 14:30-17:30``.

A schedule is a list of rules separated by ``;``. A rule is a set of days (``Mo``..``Su``, single
days or ranges, comma-separated) followed by one or more ``HH:MM-HH:MM`` intervals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_INTERVAL_RE = re.compile(rf"^({_TIME})-({_TIME})$")
_DAY_RE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


class ScheduleSyntaxError(ValueError):
    """The text is not in the supported opening-hours subset."""


@dataclass(frozen=True)
class Rule:
    """Open on ``days`` from ``opens`` to ``closes`` (``HH:MM``)."""

    days: tuple[str, ...]
    opens: str
    closes: str

    @property
    def minutes(self) -> tuple[int, int]:
        return _minutes(self.opens), _minutes(self.closes)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _days(spec: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in spec.split(","):
        m = _DAY_RE.match(part.strip())
        if not m:
            raise ScheduleSyntaxError(f"unknown day {part.strip()!r} (use Mo Tu We Th Fr Sa Su)")
        a = DAYS.index(m.group(1))
        b = DAYS.index(m.group(2)) if m.group(2) else a
        if b < a:
            raise ScheduleSyntaxError(f"day range {part.strip()!r} goes backwards")
        out.extend(d for d in DAYS[a : b + 1] if d not in out)
    return tuple(out)


def parse(text: str | None) -> list[Rule]:
    """Parse ``text`` into rules; raise :class:`ScheduleSyntaxError` when it does not fit.

    Times are not checked for order here (see :func:`problems`), so that a validator can report
    "closes before it opens" separately from a syntax error.
    """
    rules: list[Rule] = []
    if text is None or not str(text).strip():
        return rules
    for chunk in str(text).split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        parts = chunk.split(None, 1)
        if len(parts) != 2:
            raise ScheduleSyntaxError(
                f"rule {chunk!r} needs days and times, e.g. 'Mo-Fr 09:00-13:00'"
            )
        days = _days(parts[0])
        for interval in parts[1].replace(" ", "").split(","):
            m = _INTERVAL_RE.match(interval)
            if not m:
                raise ScheduleSyntaxError(f"time interval {interval!r} is not HH:MM-HH:MM")
            rules.append(Rule(days, m.group(1), m.group(2)))
    return rules


def problems(text: str | None) -> list[tuple[str, str]]:
    """Return ``(code, detail)`` for each problem of a schedule text (empty list: fine).

    Codes: ``schedule_unparseable``, ``schedule_closes_before_opens``, ``schedule_overlap``.
    Italian input ("Lun-Ven 9-13") is read through :func:`normalize`, as the dock and the
    analyses read it.
    """
    try:
        rules = parse(normalize(text))
    except ScheduleSyntaxError as exc:
        return [("schedule_unparseable", str(exc))]
    found: list[tuple[str, str]] = []
    for r in rules:
        o, c = r.minutes
        if c <= o:
            found.append(
                ("schedule_closes_before_opens", f"{','.join(r.days)} {r.opens}-{r.closes}")
            )
    for day in DAYS:
        spans = sorted(r.minutes for r in rules if day in r.days and r.minutes[1] > r.minutes[0])
        for (o1, c1), (o2, c2) in zip(spans, spans[1:]):
            if o2 < c1:
                found.append(
                    (
                        "schedule_overlap",
                        f"{day}: {o1 // 60:02d}:{o1 % 60:02d}-{c1 // 60:02d}:{c1 % 60:02d} and {o2 // 60:02d}:{o2 % 60:02d}-{c2 // 60:02d}:{c2 % 60:02d}",
                    )
                )
    return found


def format_rules(rules: list[Rule]) -> str:
    """Write rules back as text, days as comma lists (``Mo,Tu 09:00-12:00``)."""
    return "; ".join(f"{','.join(r.days)} {r.opens}-{r.closes}" for r in rules)


# --- Italian input, canonical form and "open at" (issue 16) -------------------------------------
# Italian words are rewritten to OSM tokens before parsing, so the validator, the dock and the
# analyses read "Lun-Ven 9-13" exactly as "Mo-Fr 09:00-13:00".
_IT_DAYS = {
    "lunedì": "Mo", "lunedi": "Mo", "lun": "Mo",
    "martedì": "Tu", "martedi": "Tu", "mar": "Tu",
    "mercoledì": "We", "mercoledi": "We", "mer": "We",
    "giovedì": "Th", "giovedi": "Th", "gio": "Th",
    "venerdì": "Fr", "venerdi": "Fr", "ven": "Fr",
    "sabato": "Sa", "sab": "Sa",
    "domenica": "Su", "dom": "Su",
    "festivi": "PH", "festivo": "PH",
    "chiuso": "off", "chiusa": "off",
}  # fmt: skip
_IT_WORD_RE = re.compile(
    r"(?<![A-Za-zÀ-ÿ])("
    + "|".join(sorted(_IT_DAYS, key=len, reverse=True))
    + r")\.?(?![A-Za-zÀ-ÿ])",
    re.IGNORECASE,
)
_LOOSE_TIME_RE = re.compile(r"(?<![\d:.])(\d{1,2})(?:[.:](\d{2}))?(?![\d:.])")


def normalize(text: str | None) -> str | None:
    """Return ``text`` in OSM form: Italian day names, ``9-13``, ``9.00``, ``e``, ``chiuso`` rewritten.

    Text already in OSM form comes back unchanged except for spacing; ``None``/blank gives ``None``.
    The result is what the registry stores (the canonical form).
    """
    if text is None or not str(text).strip():
        return None
    s = str(text).strip()
    s = _IT_WORD_RE.sub(lambda m: _IT_DAYS[m.group(1).lower()], s)
    s = re.sub(r"\s+e\s+", ",", s)  # "9-13 e 15-18", "Mar e Gio"
    s = re.sub(r"\s*([-,;])\s*", r"\1", s)
    s = s.replace(";", "; ")
    s = re.sub(r"(\d),([A-Z])", r"\1, \2", s)  # "10:00-11:30, We 20:00-22:00": an additional rule

    def _hhmm(m: re.Match) -> str:
        h, mm = int(m.group(1)), m.group(2) or "00"
        return f"{h:02d}:{mm}" if h <= 24 else m.group(0)

    # only time-like tokens: numbers next to '-' or ',' in an interval context
    s = re.sub(
        r"(?<![\w:.])(\d{1,2}(?:[.:]\d{2})?)-(\d{1,2}(?:[.:]\d{2})?)(?![\w:.])",
        lambda m: f"{_LOOSE_TIME_RE.sub(_hhmm, m.group(1))}-{_LOOSE_TIME_RE.sub(_hhmm, m.group(2))}",
        s,
    )
    s = re.sub(r"([A-Za-z])(\d)", r"\1 \2", s)  # "Mo-Fr09:00" -> "Mo-Fr 09:00"
    return s


def _library():
    """Return the ``opening_hours`` module (opening-hours-py, Python >= 3.10) or None."""
    try:
        import opening_hours  # noqa: PLC0415  (optional, full OSM syntax)
    except ImportError:
        return None
    return opening_hours


def is_valid(text: str | None) -> bool:
    """Return whether ``text`` (after :func:`normalize`) can be evaluated by :func:`is_open`."""
    s = normalize(text)
    if s is None:
        return False
    lib = _library()
    if lib is not None:
        return bool(lib.validate(s))
    try:
        _fallback_rules(s)
    except ScheduleSyntaxError:
        return False
    return True


def _fallback_rules(text: str) -> list[Rule]:
    # our subset plus "Sa,Su off": an 'off' rule is kept as opens == closes == "off"
    rules: list[Rule] = []
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if chunk.endswith(" off") or chunk.endswith(" closed"):
            rules.append(Rule(_days(chunk.rsplit(None, 1)[0]), "off", "off"))
        elif chunk:
            rules.extend(parse(chunk))
    return rules


def _fallback_open(rules: list[Rule], when) -> bool:
    # OSM semantics: a later ';' rule naming a day replaces the earlier rules for that day.
    day = DAYS[when.weekday()]
    prev = DAYS[(when.weekday() - 1) % 7]
    minute = when.hour * 60 + when.minute
    spans_by_day: dict[str, list[tuple[int, int]]] = {}
    for r in rules:
        for d in r.days:
            spans_by_day.setdefault(d, [])
    seen_rule_days: dict[str, tuple[str, ...]] = {}
    for r in rules:
        for d in r.days:
            if r.opens == "off" or (seen_rule_days.get(d) not in (None, r.days)):
                spans_by_day[d] = []  # overridden by a later rule
            seen_rule_days[d] = r.days
            if r.opens != "off":
                spans_by_day[d].append(r.minutes)
    for o, c in spans_by_day.get(day, []):
        if o <= minute < (c if c > o else 24 * 60):
            return True
    return any(c <= o and minute < c for o, c in spans_by_day.get(prev, []))


def is_open(hours: str | None, when) -> bool | None:
    """Return whether a service with ``hours`` is open at ``when`` (a naive local datetime).

    ``None`` when the hours are missing or cannot be read: the caller decides what to do
    (coverage keeps such services and counts them). Uses opening-hours-py when installed
    (full OSM syntax, holidays unknown), otherwise our weekly subset.
    """
    s = normalize(hours)
    if s is None:
        return None
    lib = _library()
    if lib is not None:
        try:
            return bool(lib.OpeningHours(s).is_open(when))
        except Exception:  # noqa: BLE001  (ParserError and friends: unreadable text)
            return None
    try:
        return _fallback_open(_fallback_rules(s), when)
    except ScheduleSyntaxError:
        return None


_WEEKDAYS = {
    **{d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{d: i for i, d in enumerate(("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"))},
    **{d: i for i, d in enumerate(("lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica"))},
    **{d.lower(): i for i, d in enumerate(DAYS)},
}  # fmt: skip
_REFERENCE_MONDAY = (2026, 11, 30)  # a week without Italian public holidays


def parse_open_at(text: str):
    """Return a naive datetime for ``"tuesday 15:00"`` (or ``"martedì 15.00"``, ``"Tu 15:00"``).

    The day falls in a fixed week without Italian public holidays (30 Nov - 6 Dec 2026).
    Raise :class:`~capacitymetro_plugin.core.errors.InputError` when it cannot be read.
    """
    import datetime as dt

    from capacitymetro_plugin.core.errors import InputError

    m = re.match(r"^\s*([^\W\d]+)\s+(\d{1,2})[:.](\d{2})\s*$", str(text or ""))
    day = _WEEKDAYS.get(m.group(1).lower()) if m else None
    if day is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        raise InputError(
            f"open_at {text!r} is not a day and a time.",
            fix='Write e.g. open_at = "tuesday 15:00" (or "martedì 15:00").',
            it=f"open_at {text!r} non è un giorno con un orario.",
            fix_it='Scrivi ad es. open_at = "martedì 15:00" (o "tuesday 15:00").',
        )
    return dt.datetime(*_REFERENCE_MONDAY, int(m.group(2)), int(m.group(3))) + dt.timedelta(
        days=day
    )
