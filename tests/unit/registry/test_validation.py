"""Validation report: every rule fires on a record built to break it, and only there."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.registry import schedule
from capacitymetro_plugin.core.registry.model import Organization, Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.validation import (
    normalize_name,
    validate,
    validate_services,
)

TODAY = date(2026, 11, 21)


def good(**kw) -> Service:
    base = dict(
        name="Sportello immigrazione",
        operator_type="public",
        sectors=["information"],
        languages=["it", "en"],
        opening_hours="Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30",
        phone="+39 080 5771111",
        email="info@comune.bari.it",
        website="https://www.comune.bari.it",
        comune_istat="072006",
        metro_area="072",
        last_verified="2026-06-01",
        lon=16.87,
        lat=41.12,
    )
    base.update(kw)
    return Service(**base)


@pytest.fixture(scope="module")
def comuni():
    # two adjacent square "comuni" of one province, and one of another province
    return gpd.GeoDataFrame(
        {
            "comune_istat": ["072006", "072001", "015175"],
            "comune_name": ["Bari", "Acquaviva", "Pioltello"],
            "province_code": ["072", "072", "015"],
        },
        geometry=[
            box(16.8, 41.0, 17.0, 41.2),
            box(16.6, 41.0, 16.8, 41.2),
            box(9.3, 45.4, 9.4, 45.6),
        ],
        crs=4326,
    )


def codes(report):
    return sorted(i.code for i in report)


def test_a_good_service_has_no_issue(comuni):
    r = validate_services([good()], comuni=comuni, today=TODAY)
    assert r.issues == [] and r.ok and r.checked == 1


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        ({"name": " "}, "missing_required", "error"),
        ({"sectors": []}, "missing_required", "error"),
        ({"sectors": ["information", "food"]}, "unknown_sector", "error"),
        ({"operator_type": "church"}, "unknown_operator_type", "error"),
        ({"operator_type": None}, "missing_operator_type", "warning"),
        ({"languages": ["it", "xx"]}, "unknown_language", "error"),
        ({"languages": ["ita"]}, "unknown_language", "error"),
        ({"target_groups": ["aliens"]}, "unknown_target_group", "warning"),
        ({"status": "open"}, "unknown_status", "error"),
        ({"lon": None, "lat": None}, "missing_geometry", "warning"),
        ({"lon": 216.87}, "invalid_geometry", "error"),
        ({"lon": 16.75}, "outside_comune", "error"),  # in the neighbouring comune
        ({"comune_istat": "72006"}, "invalid_comune_code", "error"),
        ({"comune_istat": "099999"}, "unknown_comune", "warning"),
        ({"capacity": -3}, "invalid_capacity", "error"),
        ({"last_verified": None}, "never_verified", "warning"),
        ({"last_verified": "2025-11-20"}, "stale", "warning"),
        ({"last_verified": "21/11/2026"}, "invalid_date", "error"),
        ({"last_verified": "2026-02-30"}, "invalid_date", "error"),
        ({"opening_hours": "Mon-Fri 9-13"}, "schedule_unparseable", "warning"),
        ({"opening_hours": "Mo 13:00-13:00"}, "schedule_closes_before_opens", "error"),
        ({"opening_hours": "Mo-Fr 09:00-13:00; We 12:00-15:00"}, "schedule_replaced", "warning"),
        ({"opening_hours": "Mo-Su 19:00-08:00"}, "schedule_past_midnight", "warning"),
        ({"email": "info(at)comune.it"}, "invalid_email", "error"),
        ({"website": "www.comune.bari.it"}, "invalid_url", "error"),
        ({"phone": "080 57 (call before)"}, "invalid_phone", "error"),
        ({"phone": "12"}, "invalid_phone", "error"),
        (
            {"target_groups": ["women", "trafficking_victims"]},
            "sensitive_exact_location",
            "warning",
        ),
    ],
)
def test_each_rule(comuni, changes, code, severity):
    r = validate_services([good(**changes)], comuni=comuni, today=TODAY)
    assert codes(r) == [code]
    assert r.issues[0].severity == severity
    assert (
        r.issues[0].message
        and r.issues[0].message_it
        and r.issues[0].message != r.issues[0].message_it
    )
    assert r.issues[0].row == 1


def test_outside_metro_area(comuni):
    # declared comune unknown to the boundaries but province known: the province check still runs
    r = validate_services([good(comune_istat=None, metro_area="015")], comuni=comuni, today=TODAY)
    assert codes(r) == ["outside_metro_area"]
    assert "015" in r.issues[0].message


def test_stale_threshold_is_configurable():
    s = good(last_verified="2026-06-01")
    assert validate_services([s], today=TODAY, stale_months=6).counts() == {}
    assert validate_services([s], today=TODAY, stale_months=5).counts() == {"stale": 1}


def test_probable_duplicates():
    a = good(name="Casa delle Culture")
    b = good(name="CASA DELLE CULTURE!", lon=16.8710, lat=41.1205)  # ~110 m away
    far = good(name="Casa delle Culture", lon=16.90, lat=41.12)  # ~2.5 km
    other = good(name="Questura", lon=16.8701, lat=41.1201)
    r = validate_services([a, b, far, other], today=TODAY)
    dups = [i for i in r if i.code == "probable_duplicate"]
    assert [(i.row, i.service_id) for i in dups] == [(2, b.service_id)]
    assert a.service_id in dups[0].message


def test_duplicate_ids_and_unknown_organization(tmp_path):
    s = good(organization_id="missing-org")
    r = validate_services([s, s], organizations=[Organization(name="x")], today=TODAY)
    assert r.counts() == {"duplicate_id": 1, "probable_duplicate": 1, "unknown_organization": 2}


def test_report_table_and_registry_entry_point(tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_services([good(), good(name="Senza settore", sectors=[], lon=None, lat=None)])
    r = validate(reg, today=TODAY)
    frame = r.to_frame()
    assert list(frame.columns) == [
        "row",
        "service_id",
        "name",
        "field",
        "code",
        "severity",
        "message",
        "message_it",
    ]
    assert sorted(frame["code"]) == ["missing_geometry", "missing_required"]
    assert r.bad_rows() == {2} and not r.ok
    assert "2 records checked: 1 errors, 1 warnings" in r.summary()


def test_links_left_by_a_service_deleted_outside_the_registry_are_reported(tmp_path):
    import sqlite3

    from capacitymetro_plugin.core.registry.model import Practice

    reg = Registry.create(tmp_path / "r.gpkg")
    keep, gone = good(), good(name="Sportello chiuso")
    reg.add_services([keep, gone])
    sheet = reg.add_practice(Practice(title="Mediazione a scuola", comune_istat="072006"))
    reg.link(keep.service_id, sheet.practice_id)
    reg.link(gone.service_id, sheet.practice_id)
    assert "broken_link" not in codes(validate(reg, today=TODAY))
    # QGIS deletes the feature in the services layer only (the link table is another layer).
    with sqlite3.connect(tmp_path / "r.gpkg") as db:
        db.execute("DELETE FROM services WHERE service_id = ?", (gone.service_id,))
    report = validate(reg, today=TODAY)
    broken = [i for i in report if i.code == "broken_link"]
    assert [(i.service_id, i.severity) for i in broken] == [(gone.service_id, "warning")]
    assert sheet.practice_id in broken[0].message and "servizio mancante" in broken[0].message_it
    reg.unlink(gone.service_id, sheet.practice_id)  # the fix the message names
    assert "broken_link" not in codes(validate(reg, today=TODAY))
    assert [p.practice_id for p in reg.practices_of(keep.service_id)] == [sheet.practice_id]


def test_schedule_parser():
    rules = schedule.parse("Mo-We,Fr 09:00-13:00,14:00-16:00; Sa 10:00-12:00")
    assert [(r.days, r.opens, r.closes) for r in rules] == [
        (("Mo", "Tu", "We", "Fr"), "09:00", "13:00"),
        (("Mo", "Tu", "We", "Fr"), "14:00", "16:00"),
        (("Sa",), "10:00", "12:00"),
    ]
    assert schedule.parse("") == [] and schedule.problems(None) == []
    with pytest.raises(schedule.ScheduleSyntaxError):
        schedule.parse("Fr-Mo 09:00-10:00")


def test_normalize_name():
    assert normalize_name("  Caritas — Città di Bari ") == "caritas citta di bari"


def test_progress_and_cancel():
    from capacitymetro_plugin.core.errors import Canceled
    from capacitymetro_plugin.core.progress import Progress

    seen = []
    validate_services(
        [good(), good(name="Altro")], today=TODAY, progress=Progress(lambda p, m: seen.append(p))
    )
    assert seen[0] == 0 and seen[-1] == 100
    with pytest.raises(Canceled):
        validate_services([good()], today=TODAY, progress=Progress(is_canceled=lambda: True))


@pytest.mark.parametrize("privacy", ["approximate", "hidden"])
def test_sensitive_service_with_a_protected_place_has_no_warning(comuni, privacy):
    s = good(target_groups=["trafficking_victims"], location_privacy=privacy)
    assert validate_services([s], comuni=comuni, today=TODAY).issues == []


def test_sensitive_warning_names_the_group_and_the_field(comuni):
    r = validate_services([good(target_groups=["trafficking_victims"])], comuni=comuni, today=TODAY)
    (issue,) = r.issues
    assert issue.field == "location_privacy" and r.ok  # a warning: Save/import still allowed
    assert "trafficking_victims" in issue.message and "trafficking_victims" in issue.message_it
    assert "hidden" in issue.message and "hidden" in issue.message_it
