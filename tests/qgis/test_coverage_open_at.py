"""'Coverage per comune' with "open at" (e.g. "martedì 15:00") through QGIS Processing: the same
core parse_open_at and coverage_analysis(open_at=) as the CLI's [analysis] open_at. A service
closed on arrival counts as absent, so the result equals a run without that service."""

import sys
from pathlib import Path

import geopandas as gpd
import pytest
from qgis.core import QgsProcessingException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_coverage_algs import _coverage, bari_inputs  # noqa: E402, F401 - the fixture


@pytest.fixture(scope="module")
def with_hours(bari_inputs):  # noqa: F811
    tmp, _, _, stops = bari_inputs
    # health services: stop 0 open mornings, stop 1 afternoons (Italian day names, stored as is)
    hours = stops.assign(opening_hours=["Lun-Ven 08:00-13:00", "Mo-Fr 14:00-18:00", "", ""])
    hours.to_file(tmp / "hours.gpkg", layer="services", engine="fiona")
    hours.iloc[[1, 2, 3]].to_file(tmp / "afternoon.gpkg", layer="services", engine="fiona")
    hours.iloc[[0, 2, 3]].to_file(tmp / "morning.gpkg", layer="services", engine="fiona")
    return tmp


def _table(tmp, name, services, **kw):
    res = _coverage(
        tmp, SERVICES=str(tmp / services), MIN_FOREIGN=0, OUTPUT=str(tmp / f"cov_{name}.gpkg"),
        GAPS=str(tmp / f"cov_{name}_gaps.gpkg"), **kw,
    )  # fmt: skip
    out = gpd.read_file(res["OUTPUT"], engine="fiona").set_index("com_istat_code")
    return out[["foreign_within_5", "foreign_within_10", "foreign_within_15"]]


def test_open_at_counts_only_services_open_on_arrival(processing_provider, with_hours):
    tmp = with_hours
    always = _table(tmp, "always", "hours.gpkg")
    tuesday = _table(tmp, "tue", "hours.gpkg", OPEN_AT="martedì 15:00")
    monday = _table(tmp, "mon", "hours.gpkg", OPEN_AT="monday 10:00")
    assert tuesday.equals(_table(tmp, "afternoon", "afternoon.gpkg"))
    assert monday.equals(_table(tmp, "morning", "morning.gpkg"))
    assert not tuesday.equals(always) and not monday.equals(always)
    # Sunday: both closed, nobody is served by a health service
    assert _table(tmp, "sun", "hours.gpkg", OPEN_AT="domenica 11:00").sum().sum() == 0


def test_bad_open_at_is_a_named_error(processing_provider, with_hours):
    with pytest.raises(QgsProcessingException, match="open_at .* not a day|non è un giorno"):
        _table(with_hours, "bad", "hours.gpkg", OPEN_AT="martedi alle 3")


def test_open_for_a_stay_counts_only_time_to_be_received(processing_provider, with_hours):
    """OPEN_STAY (as [analysis] open_stay_min): the morning office closes at 13:00. Leaving at
    12:50 it counts for short walks, but not with 15 minutes to stay; leaving at 12:40 with 15
    minutes, only walks of 5 minutes or less leave the time, so fewer are served at 10 and 15."""
    tmp = with_hours
    assert _table(tmp, "t1250", "hours.gpkg", OPEN_AT="martedì 12:50").sum().sum() > 0
    stay = _table(tmp, "t1250s", "hours.gpkg", OPEN_AT="martedì 12:50", OPEN_STAY=15)
    assert stay.sum().sum() == 0
    plain = _table(tmp, "t1240", "hours.gpkg", OPEN_AT="martedì 12:40")
    mid = _table(tmp, "t1240s", "hours.gpkg", OPEN_AT="martedì 12:40", OPEN_STAY=15)
    assert (mid <= plain).all().all()
    assert (mid["foreign_within_15"] < plain["foreign_within_15"]).any()
