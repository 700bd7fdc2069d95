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
    """
    try:
        rules = parse(text)
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
