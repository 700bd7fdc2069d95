"""The Python 3.9 stand-ins of core/_pycompat.py behave as the 3.10/3.11 features they replace."""

import dataclasses
import inspect
from datetime import date

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core._pycompat import keyword_only, parse_iso_date, zip_strict
from capacitymetro_plugin.core.registry.model import Service


@pytest.mark.parametrize(
    "make",
    [list, tuple, np.array, pd.Series, iter],
    ids=["list", "tuple", "ndarray", "Series", "iterator"],
)
def test_zip_strict_pairs_equal_lengths_and_refuses_others(make):
    pairs = list(zip_strict(make([1, 2, 3]), make(["a", "b", "c"])))
    assert pairs == [(1, "a"), (2, "b"), (3, "c")]
    with pytest.raises(ValueError, match="argument 2 is shorter"):
        list(zip_strict(make([1, 2, 3]), make([1, 2])))
    with pytest.raises(ValueError, match="argument 2 is longer"):
        list(zip_strict(make([1, 2]), make([1, 2, 3])))
    with pytest.raises(ValueError, match="argument 3 is shorter"):
        list(zip_strict(make([1, 2]), make([1, 2]), make([1])))


def test_zip_strict_mixed_and_empty_inputs():
    assert list(zip_strict()) == []
    assert list(zip_strict([], iter([]))) == []
    assert list(zip_strict(range(2), (x for x in "ab"))) == [(0, "a"), (1, "b")]
    with pytest.raises(ValueError):
        list(zip_strict(range(3), (x for x in "ab")))
    # a DataFrame's len() counts rows, iterating it gives the columns: checked item by item
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    assert list(zip_strict(frame, ["x", "y"])) == [("a", "x"), ("b", "y")]


def test_keyword_only_dataclass_refuses_positional_arguments():
    @keyword_only
    @dataclasses.dataclass
    class Record:
        name: str
        size: int = 0

    assert Record(name="a", size=2) == Record(size=2, name="a")
    with pytest.raises(TypeError, match="keyword arguments only"):
        Record("a")
    with pytest.raises(TypeError):
        Record(size=1)  # name is still required
    assert dataclasses.replace(Record(name="a"), size=3).size == 3
    kinds = {p.kind for n, p in inspect.signature(Record).parameters.items()}
    assert kinds == {inspect.Parameter.KEYWORD_ONLY}


def test_registry_records_are_keyword_only():
    with pytest.raises(TypeError):
        Service("Sportello")
    assert Service(name="Sportello").status == "active"
    assert [f.name for f in dataclasses.fields(Service)][:2] == ["name", "service_id"]


def test_parse_iso_date_reads_only_year_month_day():
    assert parse_iso_date("2024-01-01") == date(2024, 1, 1)
    assert parse_iso_date("2024-02-29") == date(2024, 2, 29)
    # Python 3.11's date.fromisoformat accepts these, 3.9's does not: refused on every Python
    for text in ("20240101", "2024-W01-1", "2024-01-01T10:00:00Z", "2024-1-1", " 2024-01-01", ""):
        with pytest.raises(ValueError):
            parse_iso_date(text)
    with pytest.raises(ValueError):
        parse_iso_date("2024-02-30")
    with pytest.raises(ValueError):
        parse_iso_date("٢٠٢٤-٠١-٠١")  # Arabic-Indic digits: \d alone would take them
