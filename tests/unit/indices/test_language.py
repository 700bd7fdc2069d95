"""Language access on synthetic zones, and the shipped citizenship → languages table."""

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.indices import (
    citizenship_languages,
    language_access,
    languages_of,
    languages_within,
)


def test_table_is_documented_and_uses_iso_codes(repo_root):
    table = citizenship_languages()
    iso = pd.read_csv(
        repo_root / "capacitymetro_plugin/core/data/iso639_1.csv", dtype=str, keep_default_na=False
    )
    assert (table["source"].str.len() > 5).all()
    assert set(table["iso2"]).isdisjoint({""}) and table["iso2"].is_unique
    assert all(code in set(iso["code"]) for langs in table["languages"] for code in langs)


def test_lookup_by_italian_english_name_or_code():
    assert languages_of("Perù") == ("es", "qu")
    assert languages_of("peru") == ("es", "qu")
    assert languages_of("EG") == ("ar",) == languages_of("Egypt")
    assert languages_of("Costa d'Avorio") == ("fr",)
    assert languages_of("Atlantide") == ()


def test_languages_within_threshold():
    times = np.array([[5.0, 20.0], [np.inf, 15.0]])
    got = languages_within(times, ["it;ar", "es"], threshold=15)
    assert got == [frozenset({"it", "ar"}), frozenset({"es"})]


def test_unknown_citizenship_is_never_served_and_bad_counts_fail():
    residents = pd.DataFrame(
        {"zone": ["a", "a"], "citizenship": ["Marocco", "Atlantide"], "count": [10, 5]}
    )
    per_zone, groups = language_access(residents, {"a": {"ar"}})
    assert per_zone.iloc[0][["served", "unserved", "unknown"]].tolist() == [10, 0, 5]
    assert per_zone.iloc[0]["share_served"] == 1.0 and groups.empty
    with pytest.raises(InputError, match="negative"):
        language_access(residents.assign(count=[-1, 2]), {})
    with pytest.raises(InputError, match="'people'"):
        language_access(residents, {}, count_field="people")


def test_language_access_per_cell_with_the_comune_mix():
    from capacitymetro_plugin.core.indices import spread_citizenships

    cells = pd.DataFrame(
        {"com_istat_code": ["A", "A", "B"], "foreign": [100.0, 50.0, 10.0]}, index=[10, 11, 12]
    )
    mix = pd.DataFrame(
        {"com_istat_code": ["A", "A"], "citizenship": ["Egitto", "Romania"], "count": [30, 10]}
    )
    residents = spread_citizenships(cells, mix)
    assert residents.set_index(["zone", "citizenship"])["count"].to_dict() == {
        (10, "Egitto"): 75.0,
        (10, "Romania"): 25.0,
        (11, "Egitto"): 37.5,
        (11, "Romania"): 12.5,
    }
    per_cell, _ = language_access(residents, {10: {"ar"}, 11: {"ro"}})
    per_cell = per_cell.set_index("zone")
    assert per_cell.loc[10, "share_served"] == 0.75 and per_cell.loc[11, "served"] == 12.5
