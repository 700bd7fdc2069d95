"""The real ISTAT STRASA province file (1 Jan 2022) read by our parser matches the figures
published with the data (README of ../shared/data) and an independent web source (Venezia)."""

import pandas as pd
import pytest

from capacitymetro_plugin.core.population import (
    estimate_comuni_from_provinces,
    read_strasa,
    resident_population,
)

pytestmark = pytest.mark.realdata

PUBLISHED = {
    "001": 208871,
    "015": 463591,
    "025": 12012,
    "026": 89879,
    "027": 86667,
    "028": 94804,
    "063": 121307,
    "072": 42047,
}


def test_strasa_province_totals(shared_data):
    table = read_strasa(shared_data / "istat_stranieri_eta_sesso_province_2022.csv")
    assert table.year == 2022 and table.level == "province"
    assert table.data["age"].between(0, 100).all()
    totals = table.totals().set_index("code")
    assert len(totals) == 107
    assert totals["total"].sum() == 5030716
    for code, n in PUBLISHED.items():
        assert totals.loc[code, "total"] == n
    web = pd.read_csv(
        shared_data / "stranieri_residenti_target_da_pagine_web.csv", dtype={"istat_code": str}
    )
    venezia = web[(web["level"] == "provincia") & (web["istat_code"] == "027")]
    assert int(venezia["total_foreign"].iloc[0]) == totals.loc["027", "total"]


def test_estimate_for_venezia_metro_area(shared_data):
    table = read_strasa(shared_data / "istat_stranieri_eta_sesso_province_2022.csv")
    pop = resident_population(year=2022, provinces=["027"])
    est = estimate_comuni_from_provinces(table.totals(), pop)
    assert len(est) == 44 and est["foreign_est"].sum() == 86667
    venezia = est.set_index("com_istat_code").loc["027042"]
    # Venezia's share of the metro population applied to the metro total (rounded)
    share = venezia["pop_total"] / pop["pop_total"].sum()
    assert abs(venezia["foreign_est"] - 86667 * share) < 1


def test_napoli_per_comune_percentages(shared_data):
    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.core.population import foreign_from_table

    table = pd.read_csv(
        shared_data / "stranieri_pct_comuni_napoli_urbistat.csv", dtype={"com_istat_code": str}
    )
    pop = resident_population(year=2023, provinces=["063"])
    out = foreign_from_table(table, pop, pct_field="pct_foreign").set_index("com_istat_code")
    assert out["foreign"].notna().sum() == 86 and out["is_estimate"].all()
    # the file's own estimate column (pct × 2023 population, computed by the data curator)
    expected = table.set_index("com_istat_code")["foreign_est"]
    assert (out.loc[expected.index, "foreign"] - expected).abs().max() <= 1
    assert out["foreign"].sum() == pytest.approx(130828, abs=86)
    with pytest.raises(InputError, match="999999"):
        foreign_from_table(
            pd.DataFrame({"com_istat_code": ["999999"], "n": [1]}), pop, count_field="n"
        )
