"""core.indices.language_access_cells (the CLI's language step) against a loop over cells."""

import numpy as np
import pandas as pd
import pytest

from capacitymetro_plugin.core.indices import language_access_cells, languages_of


def test_served_share_equals_a_loop_over_cells_and_citizenships():
    cells = pd.DataFrame({"foreign": [100.0, 40.0, 0.0, 10.0]})
    # three services x four cells; threshold 15: cell 0 reaches s0 and s1, cell 1 s2, cell 3 none
    minutes = np.array(
        [[5.0, 30.0, 20.0, np.inf], [12.0, 40.0, 16.0, 50.0], [20.0, 14.0, 3.0, np.inf]]
    )
    languages = ["it;ar", "en", "ro;es"]
    shares = {"Marocco": 0.3, "Romania": 0.2, "Albania": 0.1}  # 0.4 other citizenships
    per_cell, groups, avail = language_access_cells(cells, minutes, languages, shares, threshold=15)
    assert [sorted(a) for a in avail] == [["ar", "en", "it"], ["es", "ro"], ["es", "ro"], []]
    per_cell = per_cell.set_index("zone")
    for i, foreign in enumerate(cells["foreign"]):
        reach = set()
        for s, langs in enumerate(languages):
            if minutes[s, i] <= 15:
                reach |= set(langs.split(";"))
        served = sum(share * foreign for c, share in shares.items() if set(languages_of(c)) & reach)
        assert per_cell.loc[i, "served"] == pytest.approx(served), i
    assert per_cell.loc[0, "served"] == pytest.approx(30.0)  # Moroccans (ar) only
    assert per_cell.loc[1, "served"] == pytest.approx(8.0)  # Romanians (ro) only
    # the unlisted 40 % are of unknown language: neither served nor unserved
    assert per_cell["unknown"].sum() == pytest.approx(0.4 * cells["foreign"].sum())
    assert "(other citizenships)" not in set(groups["citizenship"])
    assert per_cell.loc[3, "served"] == 0 and per_cell.loc[3, "unserved"] == pytest.approx(6.0)


def test_read_citizenship_mix_keeps_the_latest_breakdown_and_the_rest(tmp_path):
    """The top-citizenships table: each comune's latest date; residents beyond the listed
    citizenships become one 'other' row, counted as unknown (never served)."""
    import pandas as pd

    from capacitymetro_plugin.core.indices import language_access_grid, read_citizenship_mix
    from capacitymetro_plugin.core.indices.language import OTHER_CITIZENSHIPS

    path = tmp_path / "top.csv"
    pd.DataFrame(
        {
            "level": ["comune"] * 4 + ["provincia"],
            "istat_code": ["072006", "072006", "072006", "015175", "072"],
            "ref_date": ["2019-12-31", "2023-12-31", "2023-12-31", "2023-12-31", "2023-12-31"],
            "total_foreign": [900, 1000, 1000, 50, 44435],
            "citizenship": ["Albania", "Georgia", "Romania", "Egitto", "Georgia"],
            "citizenship_count": [900, 600, 100, 50, 1],
        }
    ).to_csv(path, index=False)
    mix, ref = read_citizenship_mix(path, comuni=["072006"])
    got = {r.citizenship: r.count for r in mix.itertuples()}
    assert got == {"Georgia": 600, "Romania": 100, OTHER_CITIZENSHIPS: 300}
    assert ref == "2023-12-31 (2 citizenships)"
    cells = pd.DataFrame({"area": ["072006", "072006"], "foreign": [10.0, 30.0]})
    minutes = np.array([[5.0, 50.0]])  # one Romanian-speaking service, near the first cell only
    per_cell, per_area, groups, _ = language_access_grid(cells, minutes, ["ro"], mix, threshold=15)
    assert per_cell["served"].tolist() == pytest.approx([1.0, 0.0])  # 10 % Romanian
    assert per_cell["unknown"].tolist() == pytest.approx([3.0, 9.0])  # 30 % other
    assert per_area.loc[0, "share_served"] == pytest.approx(1.0 / (1.0 + 27.0))
    assert set(groups["citizenship"]) == {"Georgia", "Romania"}
