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
