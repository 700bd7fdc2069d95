"""Rounding for people in the CSV outputs (batch/report.py): one rule per column kind."""

from __future__ import annotations

import math

import pandas as pd

from capacitymetro_plugin.batch.report import column_kind, fmt, round_table, write_csv


def test_column_kinds_of_the_coverage_table():
    assert column_kind("pop_total") == "people"
    assert column_kind("foreign_within_15") == "people"
    assert column_kind("foreign_unserved") == "people"
    assert column_kind("foreign_served_pct") == "percent"
    assert column_kind("foreign_median_min") == "minutes"
    assert column_kind("isochrone_within_20min_km2") == "area"
    assert column_kind("access") is None


def test_round_table_writes_people_as_integers(tmp_path):
    table = pd.DataFrame(
        {
            "area": ["022205"],
            "pop_total": [118045.99999999997],
            "foreign_served_pct": [35.400766827997856],
            "foreign_median_min": [20.650775909423828],
            "area_km2": [18.3912],
            "access": [0.000123456],
            "foreign_unserved": [math.inf],
        }
    )
    path = write_csv(table, tmp_path / "t.csv")
    line = path.read_text().splitlines()[1]
    assert line == "022205,118046,35.4,20.7,18.39,0.0001235,inf"
    assert table["pop_total"].iloc[0] == 118045.99999999997  # the caller's table is untouched
    assert round_table(table)["pop_total"].iloc[0] == 118046


def test_fmt_uses_the_language_separators():
    assert fmt(118045.99999999997, "it", "people") == "118.046"
    assert fmt(118045.99999999997, "en", "people") == "118,046"
    assert fmt(35.400766, "it", "percent") == "35,4"
    assert fmt(math.inf, "en", "minutes") == "—"
