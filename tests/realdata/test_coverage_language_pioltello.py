"""Language access on a case built from the real Pioltello citizenship figures (urbistat/ISTAT).

Two zones hold the same 9,322 foreign residents of Pioltello (31 Dec 2023, top 15 citizenships
plus the rest). In zone "near" a service in Italian/Arabic/French is within 15 minutes and one in
Spanish/English at 12; in zone "far" only the first. Expected numbers are written out by hand.
"""

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.indices import (
    language_access,
    languages_within,
    unserved_by_language,
)

pytestmark = pytest.mark.realdata


def test_pioltello_language_access(shared_data):
    df = pd.read_csv(
        shared_data / "stranieri_residenti_target_da_pagine_web.csv", dtype={"istat_code": str}
    )
    pio = df[(df["area"] == "Pioltello") & df["citizenship"].notna()]
    assert len(pio) == 15
    total = int(pio["total_foreign"].iloc[0])
    assert total == 9322
    top = pio[["citizenship", "citizenship_count"]].rename(columns={"citizenship_count": "count"})
    other = pd.DataFrame(
        {"citizenship": ["Altre cittadinanze"], "count": [total - top["count"].sum()]}
    )
    one = pd.concat([top, other], ignore_index=True)
    residents = pd.concat([one.assign(zone="near"), one.assign(zone="far")], ignore_index=True)

    times = np.array([[10.0, 12.0], [10.0, 40.0]])  # zones × services
    avail = languages_within(times, ["it;ar;fr", "es;en"], threshold=15)
    per_zone, groups = language_access(residents, dict(zip(["near", "far"], avail, strict=True)))
    per_zone = per_zone.set_index("zone")

    listed = (
        1576 + 1167 + 1105 + 851 + 678 + 556 + 419 + 301 + 292 + 259 + 214 + 202 + 159 + 152 + 141
    )
    assert listed == 8072
    # far: Egitto (ar) 1576 + Marocco (ar/fr) 259
    far_served = 1576 + 259
    # near: also Pakistan (en) 1105, Perù 851, Ecuador 678, El Salvador 214 (es),
    # Filippine (en) 301, Sri Lanka (en) 202
    near_served = far_served + 1105 + 851 + 678 + 214 + 301 + 202
    assert per_zone.loc["far", "served"] == far_served == 1835
    assert per_zone.loc["near", "served"] == near_served == 5186
    assert per_zone.loc["near", "unserved"] == listed - near_served
    assert per_zone.loc["near", "unknown"] == total - listed == 1250
    assert per_zone.loc["near", "share_served"] == pytest.approx(5186 / 8072)
    assert per_zone.loc["far", "share_served"] == pytest.approx(1835 / 8072)

    near_groups = groups[groups["zone"] == "near"]
    assert list(near_groups["citizenship"][:3]) == ["Romania", "Bangladesh", "Albania"]
    assert list(near_groups["unserved"][:3]) == [1167, 556, 419]
    by_lang = unserved_by_language(groups)
    far_lang = by_lang[by_lang["zone"] == "far"].set_index("language")["unserved"]
    assert far_lang["ro"] == 1167 + 159  # Romania + Moldova (ro;ru)
    assert far_lang["es"] == 851 + 678 + 214 and far_lang.index[0] == "es"  # Spanish first
    assert far_lang["ur"] == 1105
