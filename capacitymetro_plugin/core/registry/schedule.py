"""Weekly opening hours in an OSM-like subset: ``Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30``.

A schedule is a list of rules. A rule is a set of days (``Mo``..``Su``, single days or ranges,
comma-separated) followed by one or more ``HH:MM-HH:MM`` intervals, or by ``off``. As in
OpenStreetMap (and opening-hours-py, which the analyses use when installed), a rule after ``;``
*replaces* the earlier rules for its days (``Mo-Fr 09:00-13:00; Th 09:00-16:00``: Thursday
09:00-16:00), and a rule after ``,`` (``Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30``) *adds* to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_INTERVAL_RE = re.compile(rf"^({_TIME})-({_TIME})$")
_DAY_RE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


# an additional rule: ", " after a time and before a day ("Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30")
_ADDITIONAL_RE = re.compile(r"(?:(?<=\d)|(?<=off))\s*,\s*(?=(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)\b)|;")


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
    for chunk in _ADDITIONAL_RE.split(str(text)):
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


def _chunk_rules(text: str) -> list[tuple[str, tuple[str, ...], list[Rule] | None, bool]]:
    """Split ``text`` into ``(rule, days, intervals, additional)``: ``;`` starts a normal rule
    (it replaces earlier rules for its days), ``, Day`` after a time an additional one (it adds);
    ``intervals`` is None for ``Sa off``."""
    out: list[tuple[str, tuple[str, ...], list[Rule] | None, bool]] = []
    for chunk in text.split(";"):
        for j, part in enumerate(
            re.split(r"(?:(?<=\d)|(?<=off))\s*,\s*(?=(?:Mo|Tu|We|Th|Fr|Sa|Su)\b)", chunk)
        ):
            part = part.strip()
            if not part:
                continue
            additional = j > 0
            if part.endswith(" off") or part.endswith(" closed"):
                out.append((part, _days(part.rsplit(None, 1)[0]), None, additional))
            else:
                rules = parse(part)
                out.append((part, rules[0].days if rules else (), rules, additional))
    return out


def _covered(spans: list[tuple[int, int]], by: list[tuple[int, int]]) -> bool:
    """Whether every minute of ``spans`` (same-day intervals; overnight ones to midnight) is in ``by``."""

    def minutes(ss):
        out = set()
        for o, c in ss:
            out.update(range(o, c if c > o else 24 * 60))
        return out

    return minutes(spans) <= minutes(by)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def problems(text: str | None) -> list[tuple[str, str]]:
    """Return ``(code, detail)`` for each problem of a schedule text (empty list: fine).

    Codes: ``schedule_unparseable``, ``schedule_closes_before_opens`` (an empty interval such as
    ``09:00-09:00``), ``schedule_past_midnight`` (``19:00-08:00``: open until the next morning, as
    OpenStreetMap reads it), ``schedule_overlap`` (two intervals of one rule overlap) and
    ``schedule_replaced`` (a later ``;`` rule names a day an earlier rule gave hours to: in
    OpenStreetMap, and so in the analyses, the later rule *replaces* the earlier one for that day;
    ``Mo 09:00-12:00; Mo 14:00-16:00`` means Monday 14:00-16:00 only).
    Italian input ("Lun-Ven 9-13") is read through :func:`normalize`, as the dock and the
    analyses read it. Text in the full OSM syntax that our subset cannot check (holidays, months,
    weeks) is fine when the opening-hours library reads it.
    """
    s = normalize(text)
    if s is None:
        return []
    try:
        chunks = _chunk_rules(s)
    except ScheduleSyntaxError as exc:
        lib = _library()
        if lib is not None and lib.validate(s):
            return []
        return [("schedule_unparseable", str(exc))]
    found: list[tuple[str, str]] = []
    last: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for chunk, days, rules, additional in chunks:
        now = [r.minutes for r in rules] if rules is not None else None
        for day in days:
            before = last.get(day)
            if additional and before is not None and now is not None:
                last[day] = (before[0], before[1] + now)
                continue
            if before is not None and now is not None and not _covered(before[1], now):
                # hours of the earlier rule this day loses (Th 09:00-16:00 after Mo-Fr
                # 09:00-13:00 loses nothing: no problem)
                found.append(("schedule_replaced", f"{day}: {chunk!r} replaces {before[0]!r}"))
            last[day] = (chunk, now or [])
        if rules is None:
            continue
        spans = []
        for r in rules:
            o, c = r.minutes
            label = f"{','.join(r.days)} {r.opens}-{r.closes}"
            if c == o:
                found.append(("schedule_closes_before_opens", label))
            elif c < o:
                found.append(("schedule_past_midnight", label))
            else:
                spans.append((o, c))
        spans.sort()
        for (o1, c1), (o2, c2) in zip(spans, spans[1:]):
            if o2 < c1:
                found.append(
                    (
                        "schedule_overlap",
                        f"{','.join(days)}: {_hm(o1)}-{_hm(c1)} and {_hm(o2)}-{_hm(c2)}",
                    )
                )
    return found


def weekly_rules(text: str | None) -> list[Rule]:
    """Return the rules of ``text`` as the analyses read them, for display and export.

    Same as :func:`parse` when no day is named by two rules; otherwise each day's hours after
    OpenStreetMap's replacements (``Mo-Fr 09:00-13:00; Th 09:00-16:00`` gives Mo-We,Fr
    09:00-13:00 and Th 09:00-16:00, not Thursday twice). Raises :class:`ScheduleSyntaxError`.
    """
    s = normalize(text)
    if s is None:
        return []
    chunks = _chunk_rules(s)
    seen: set[str] = set()
    replaced = False
    for _c, days, rules, additional in chunks:
        replaced |= bool(seen & set(days)) and (not additional or rules is None)
        seen.update(days)
    if not replaced:  # rules only add to each other: they read as written
        return [r for _c, _d, rules, _a in chunks if rules is not None for r in rules]
    fallback = _fallback_rules(s)
    per_day: dict[str, tuple[tuple[int, int], ...]] = {}
    for day in DAYS:
        minutes = sorted(_fallback_day(fallback, day))
        spans: list[tuple[int, int]] = []
        for m in minutes:
            if spans and spans[-1][1] == m:
                spans[-1] = (spans[-1][0], m + 1)
            else:
                spans.append((m, m + 1))
        per_day[day] = tuple(spans)
    rules: list[Rule] = []
    done: set[str] = set()
    for day in DAYS:
        if day in done or not per_day[day]:
            continue
        same = tuple(d for d in DAYS if per_day[d] == per_day[day])
        done.update(same)
        rules.extend(Rule(same, _hm(o), _hm(c)) for o, c in per_day[day])
    return rules


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


def _fallback_rules(text: str) -> list[tuple[tuple[str, ...], list[tuple[int, int]], bool]]:
    # our subset plus "Sa,Su off": one (days, spans, additional) per rule, spans [] for 'off'
    return [
        (days, [] if rules is None else [r.minutes for r in rules], additional)
        for _chunk, days, rules, additional in _chunk_rules(text)
    ]


def _fallback_day(rules, day: str) -> set[int]:
    """The open minutes of ``day`` as OpenStreetMap evaluates rules (opening-hours-rs's order).

    A ``;`` rule naming the day replaces what earlier rules gave it; a ``,`` rule adds to it (an
    ``off`` one closes it); a rule's overnight part (``19:00-08:00``) reaches into the next day
    unless an earlier rule gave that day opening hours (as opening-hours-py 2.1 does).
    """
    prev_day = DAYS[(DAYS.index(day) - 1) % 7]
    result: set[int] | None = None
    for days, spans, additional in rules:
        today = day in days
        spill = prev_day in days and bool(spans)
        if not today and not spill:
            continue
        minutes: set[int] = set()
        if today:
            for o, c in spans:
                minutes.update(range(o, c if c > o else 24 * 60))
        if spill:
            for o, c in spans:
                if c <= o:
                    minutes.update(range(0, c))
        if additional:
            if today and not spans:  # ", Mo off": closed
                result = set()
            else:
                result = minutes if result is None else result | minutes
        elif today:
            result = minutes
        elif not result:  # nothing, or closed ("Mo off"), before: the overnight part counts
            result = minutes
    return result or set()


def _fallback_open(rules: list[tuple[tuple[str, ...], list[tuple[int, int]], bool]], when) -> bool:
    return when.hour * 60 + when.minute in _fallback_day(rules, DAYS[when.weekday()])


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


def stay_minutes(stay_min) -> int:
    """Return the minutes a service must stay open after arrival (``open_stay_min``), checked:
    a whole number, 0 or more (None is 0)."""
    import math

    from capacitymetro_plugin.core.errors import InputError

    try:
        value = float(stay_min or 0)
    except (TypeError, ValueError):
        value = -1.0
    if not (math.isfinite(value) and value >= 0 and value == int(value)):
        raise InputError(
            f"Minutes to stay open {stay_min!r}: a whole number of minutes, 0 or more.",
            fix="Give how long a service must stay open after arrival, e.g. 15 (0: at arrival).",
            it=f"Minuti di apertura dopo l'arrivo {stay_min!r}: un numero intero, 0 o più.",
            fix_it="Indica per quanto un servizio deve restare aperto dopo l'arrivo, es. 15 "
            "(0: all'arrivo).",
        )
    return int(value)


def open_minutes(hours, start, n_minutes: int, *, stay_min: int = 0):
    """Return ``(mask, no_hours)``: per service (``hours``, opening_hours texts) and per minute
    ``m < n_minutes``, whether it is open at ``start + m`` minutes and stays open for
    ``stay_min`` minutes from then (each whole minute checked with :func:`is_open`: the
    minutes ``m .. m + stay_min - 1``; 0 or 1 checks the minute of arrival alone), and how
    many services have no readable hours (their rows all True: kept, as coverage keeps them).

    The one rule of "open on arrival" for walking (:func:`~capacitymetro_plugin.core.coverage.
    coverage.open_on_arrival`) and transit (``transit_service_times``)."""
    import datetime as dt

    import numpy as np

    n_minutes, width = int(n_minutes), max(int(stay_min), 1)
    n_all = n_minutes + width - 1
    mask = np.ones((len(hours), n_minutes), dtype=bool)
    no_hours = 0
    for row, text in enumerate(hours):
        if is_open(text, start) is None:
            no_hours += 1
            continue
        every = np.fromiter(
            (bool(is_open(text, start + dt.timedelta(minutes=m))) for m in range(n_all)),
            dtype=bool,
            count=n_all,
        )
        if width > 1:  # no closed minute among the ``width`` from each one
            closed = np.r_[0, np.cumsum(~every)]
            every = closed[width:] - closed[:-width] == 0
        mask[row] = every[:n_minutes]
    return mask, no_hours


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
