"""The one E2SFCA core call (core.indices.e2sfca_cells) and its missing-capacity rule."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.coverage.coverage import ServiceTimes
from capacitymetro_plugin.core.indices import e2sfca_cells

# 2 services x 2 cells; W = [[1, .68], [.22, 0]] with the default steps (see test_fca.py)
MINUTES = np.array([[5.0, 25.0], [15.0, 35.0]], dtype=np.float32)


def _inputs(capacity):
    cells = gpd.GeoDataFrame(
        {"pop_total": [1000.0, 400.0], "foreign": [100.0, 200.0]},
        geometry=[Point(0, 0), Point(100, 0)],
        crs=32633,
    )
    times = ServiceTimes(MINUTES, ["a", "b"], np.array([0, 1]), np.zeros(2), 40.0)
    services = pd.DataFrame({"id": ["a", "b"], "capacity": capacity})
    return cells, times, services


def test_capacities_hand_checked_and_input_untouched():
    cells, times, services = _inputs([10.0, 30.0])
    before = cells.copy()
    res = e2sfca_cells(cells, times, services)
    assert res.cells["access"].to_list() == pytest.approx(
        [10 / 144 + 0.68 * 30 / 68, 0.22 * 10 / 144]
    )
    assert res.cells["minutes_nearest"].to_list() == [5.0, 25.0]
    assert res.cells["foreign_share"].to_list() == pytest.approx([0.1, 0.5])
    assert res.services_without_capacity == 0 and res.capacity_given and not res.notes
    pd.testing.assert_frame_equal(cells, before)


def test_missing_capacity_counts_as_zero_and_is_reported():
    cells, times, services = _inputs([10.0, None])
    res = e2sfca_cells(cells, times, services)
    # service b adds nothing: only R_a = 10/144 reaches the cells
    assert res.cells["access"].to_list() == pytest.approx([10 / 144, 0.22 * 10 / 144])
    assert res.services_without_capacity == 1
    assert "1 of 2 services have no capacity" in res.notes[0]
    assert "1 servizi su 2" in res.notes_it[0]


def test_no_capacity_at_all_counts_one_each():
    cells, times, services = _inputs([None, None])
    res = e2sfca_cells(cells, times, services)
    assert res.cells["access"].to_list() == pytest.approx([1 / 144 + 0.68 / 68, 0.22 / 144])
    assert not res.capacity_given and res.services_without_capacity == 0
    assert len(res.notes) == len(res.notes_it) == 1
    res2 = e2sfca_cells(cells, times, services.drop(columns="capacity"))
    assert res2.cells["access"].to_list() == res.cells["access"].to_list()


def test_defaults_are_one_place():
    assert defaults.steps_text() == "10:1,20:0.68,30:0.22"
    assert defaults.E2SFCA_DECAY in defaults.E2SFCA_DECAYS


def test_minutes_nearest_stops_at_the_catchment_whatever_the_cut_off():
    """The CLI reuses coverage times (cut-off 60 min), Processing computes its own (30 min):
    ``minutes_nearest`` must not depend on which door computed the times."""
    from capacitymetro_plugin.core.errors import InputError

    cells, _, services = _inputs([1.0, 1.0])
    far = np.array([[45.0, 25.0], [50.0, 35.0]], dtype=np.float32)  # cell 0: nearest at 45 min
    wide = ServiceTimes(far, ["a", "b"], np.array([0, 1]), np.zeros(2), 60.0)
    tight = ServiceTimes(
        np.where(far <= 30, far, np.inf).astype(np.float32),
        ["a", "b"],
        np.array([0, 1]),
        np.zeros(2),
        30.0,
    )
    a = e2sfca_cells(cells, wide, services).cells
    b = e2sfca_cells(cells, tight, services).cells
    assert a["minutes_nearest"].to_list() == b["minutes_nearest"].to_list() == [np.inf, 25.0]
    assert a["access"].to_list() == b["access"].to_list()
    short = ServiceTimes(far, ["a", "b"], np.array([0, 1]), np.zeros(2), 20.0)
    with pytest.raises(InputError, match="short of the 30 min catchment"):
        e2sfca_cells(cells, short, services)
