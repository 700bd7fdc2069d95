"""Coverage "open on arrival" on the Bari street graph equals a brute force over cells × services
with ``schedule.is_open`` at departure + travel minutes; hours are real Trento OSM strings."""

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.coverage import service_times
from capacitymetro_plugin.core.coverage.coverage import open_on_arrival
from capacitymetro_plugin.core.network import network_from_lines
from capacitymetro_plugin.core.registry import schedule

pytestmark = pytest.mark.realdata
HOURS = [
    "Mo-Fr 08:20-13:45; Sa 08:20-12:45",
    "Mo-Fr 09:00-13:00; Th 09:00-16:00",
    None,  # no hours: kept, counted
    "Lun-Ven 9-12.50",  # Italian input
]


@pytest.fixture(scope="module")
def bari(shared_data):
    edges = gpd.read_file(shared_data / "bari_stradario_grafo_2026.gpkg", layer="edges")
    centre = gpd.GeoSeries.from_xy([16.8719], [41.1253], crs=4326).to_crs(32633).iloc[0]
    area = box(centre.x - 1000, centre.y - 1000, centre.x + 1000, centre.y + 1000)
    net = network_from_lines(edges[edges.intersects(area)], mode="walk")
    xs = np.arange(centre.x - 950, centre.x + 951, 100.0)
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            *[a.ravel() for a in np.meshgrid(xs, xs - centre.x + centre.y)]
        ),
        crs=32633,
    )
    stops = gpd.read_file(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    stops = stops.to_crs(32633)
    stops = stops[stops.within(area.buffer(-300))].sort_values("stop_id").iloc[[0, 10, 20, 30]]
    return net, pts, stops.reset_index(drop=True)


def _brute_force(minutes, departure, *, stay):
    """Each time kept if ``schedule.is_open`` says open at each of the ``stay`` minutes from
    the arrival (departure + the time, floored), or cannot read the hours; else inf."""
    expected = np.full(minutes.shape, np.inf)
    for s, text in enumerate(HOURS):
        for o in range(minutes.shape[1]):
            t = float(minutes[s, o])
            if not np.isfinite(t):
                continue
            arrive = departure + dt.timedelta(minutes=int(np.floor(t)))
            states = [schedule.is_open(text, arrive + dt.timedelta(minutes=k)) for k in range(stay)]
            if states[0] is None or all(states):
                expected[s, o] = t
    return expected


@pytest.mark.parametrize(
    "departure",
    [
        dt.datetime(2026, 12, 1, 12, 35),
        dt.datetime(2026, 12, 3, 15, 45),
        dt.datetime(2026, 12, 6, 10),
    ],
    ids=["tue-12:35", "thu-15:45", "sun-10:00"],
)
def test_open_on_arrival_equals_brute_force(bari, departure):
    net, pts, stops = bari
    times = service_times(net, pts, stops, cutoff_min=60.0)
    filtered, no_hours = open_on_arrival(times, HOURS, departure)
    assert no_hours == 1
    expected = _brute_force(times.minutes, departure, stay=1)
    np.testing.assert_array_equal(filtered.minutes, expected.astype(filtered.minutes.dtype))
    reachable = np.isfinite(times.minutes)
    closed = reachable & ~np.isfinite(filtered.minutes)
    if departure.weekday() == 6:  # Sunday: every service with hours is closed
        assert closed[[0, 1, 3]].sum() == reachable[[0, 1, 3]].sum() > 0
    if departure.hour == 12:  # Tuesday 12:35: row 3 closes 12:50, row 1 at 13:00, so some cut
        assert 0 < closed[3].sum() < reachable[3].sum()
    assert np.array_equal(filtered.minutes[2], times.minutes[2])


@pytest.mark.parametrize("stay", [10, 25])
def test_open_for_a_stay_equals_brute_force(bari, stay):
    """With ``stay_min`` a service counts only if open at every minute from the arrival for
    ``stay`` minutes (brute force with ``schedule.is_open``); Tuesday 12:35 is near closing
    (12:50, 13:00, 13:45), so the margin cuts services the arrival alone keeps."""
    net, pts, stops = bari
    departure = dt.datetime(2026, 12, 1, 12, 35)
    times = service_times(net, pts, stops, cutoff_min=60.0)
    filtered, no_hours = open_on_arrival(times, HOURS, departure, stay_min=stay)
    plain, _ = open_on_arrival(times, HOURS, departure)
    assert no_hours == 1
    expected = _brute_force(times.minutes, departure, stay=stay)
    np.testing.assert_array_equal(filtered.minutes, expected.astype(filtered.minutes.dtype))
    cut = np.isfinite(plain.minutes) & ~np.isfinite(filtered.minutes)
    assert cut.sum() > 0  # the margin bites
    assert np.array_equal(filtered.minutes[2], times.minutes[2])  # no hours: kept
    assert any(f"open for {stay} min" in n for n in filtered.notes)


def test_stay_minutes_are_checked():
    from capacitymetro_plugin.core.errors import InputError

    assert schedule.stay_minutes(None) == 0 and schedule.stay_minutes("15") == 15
    for bad in (-5, 2.5, "un quarto d'ora", float("nan")):
        with pytest.raises(InputError) as err:
            schedule.stay_minutes(bad)
        assert "whole number" in err.value.message and "intero" in err.value.message_it
