"""Python 3.9 stand-ins for the few 3.10/3.11 features the toolkit uses.

QGIS on Windows up to early 3.34 and the official macOS builds (Qt5) even of 3.40 LTR ship
Python 3.9, so the plugin runs on 3.9. Each helper here behaves the same on every Python from 3.9
on, so the tests on a newer Python exercise the code a 3.9 user runs (no version switch).
Differences between Qt and QGIS versions are in ``capacitymetro_plugin/compat.py``.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")

# A date as the GeoPackage, QGIS's QDate "yyyy-MM-dd" and HSDS write it. ASCII digits only: \d
# alone would also take other scripts' digits.
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def zip_strict(*iterables: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """Return ``zip(*iterables)``, raising ValueError when they differ in length.

    ``zip(..., strict=True)`` (Python 3.10) without it. Lists, tuples, ranges and 1-D arrays or
    pandas Series are compared by ``len()`` before zipping, so the loop runs at the speed of the
    builtin zip (these are most of the calls, some over every street segment of a city); other
    iterables are checked item by item. A length mismatch of sized inputs raises at the call,
    before any pair is produced, where 3.10's zip raises at the end.

    Raises
    ------
    ValueError
        When one iterable is shorter or longer than the first.
    """
    if all(_len_is_item_count(it) for it in iterables):
        lengths = [len(it) for it in iterables]  # type: ignore[arg-type]
        for i, n in enumerate(lengths[1:], start=2):
            if n != lengths[0]:
                side = "shorter" if n < lengths[0] else "longer"
                raise ValueError(f"zip_strict() argument {i} is {side} than argument 1")
        return zip(*iterables)
    return _zip_checked(iterables)


def _len_is_item_count(obj: object) -> bool:
    """True when ``len(obj)`` is the number of items iterating ``obj`` gives.

    Not for every sized object: a DataFrame's ``len`` counts rows but iterating it gives the
    column names, and a 0-d array has no length.
    """
    if isinstance(obj, (list, tuple, range)):
        return True
    return getattr(obj, "ndim", None) == 1 and hasattr(obj, "__len__")


def _zip_checked(iterables: tuple[Iterable[Any], ...]) -> Iterator[tuple[Any, ...]]:
    iterators = [iter(it) for it in iterables]
    if not iterators:
        return
    sentinel = object()
    while True:
        items = [next(it, sentinel) for it in iterators]
        done = [i for i, item in enumerate(items) if item is sentinel]
        if not done:
            yield tuple(items)
            continue
        if len(done) == len(items):
            return
        if done[0] == 0:  # the first is exhausted: name the first one that is not
            longer = next(i for i, item in enumerate(items) if item is not sentinel)
            raise ValueError(f"zip_strict() argument {longer + 1} is longer than argument 1")
        raise ValueError(f"zip_strict() argument {done[0] + 1} is shorter than argument 1")


def keyword_only(cls: type[T]) -> type[T]:
    """Make a dataclass's constructor take keyword arguments only.

    What ``@dataclass(kw_only=True)`` (Python 3.10) does to ``__init__``; put it above
    ``@dataclass``. Records keep their field order; ``dataclasses.replace`` and ``fields`` work
    as before. ``inspect.signature`` shows the parameters as keyword-only.
    """
    init = cls.__init__
    signature = inspect.signature(init)
    params = [
        p if p.name == "self" else p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in signature.parameters.values()
    ]

    @functools.wraps(init)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError(
                f"{cls.__name__}() takes keyword arguments only ({len(args)} positional given)"
            )
        init(self, **kwargs)

    __init__.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[method-assign]
    return cls


def parse_iso_date(text: str) -> date:
    """Return the date written ``YYYY-MM-DD``, the same on every Python.

    ``date.fromisoformat`` accepts only this form up to Python 3.10, but from 3.11 also
    ``20240101``, ``2024-W01-1`` and others, which QGIS's date fields (``yyyy-MM-dd``) and the
    registry's validation do not: a form or a filter would accept on one Python what it refuses
    on another.

    Raises
    ------
    ValueError
        When ``text`` is not such a date or not a real one (``2024-02-30``).
    """
    m = _ISO_DATE.fullmatch(text)
    if m is None:
        raise ValueError(f"Invalid date {text!r}: expected YYYY-MM-DD")
    return date(int(m[1]), int(m[2]), int(m[3]))
