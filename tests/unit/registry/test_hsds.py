"""HSDS 3.0 export/import: official-schema validation, public export, lossless round trips."""

from __future__ import annotations

import csv
import json
from dataclasses import fields

import pytest

from capacitymetro_plugin.core.errors import ValidationError
from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.model import PUBLIC_EXCLUDED, Organization, Service
from capacitymetro_plugin.core.registry.registry import Registry

TIMESTAMPS = {"created_at", "updated_at"}


@pytest.fixture(scope="module")
def hsds_dir(shared_data):
    path = shared_data.parent / "hsds-3.0"
    assert (path / "schema" / "service.json").exists(), path
    return path


@pytest.fixture()
def reg(tmp_path):
    r = Registry.create(tmp_path / "registry.gpkg")
    org = r.add_organization(
        Organization(
            name="Comune di Bari",
            operator_type="public",
            email="info@comune.bari.it",
            website="https://www.comune.bari.it",
            phone="080 5771111",
            description="Ente locale",
        )
    )
    r.add_services(
        [
            Service(
                name="Casa delle Culture – sportello",
                description="Accoglienza, orientamento e mediazione",
                organization_id=org.organization_id,
                operator_type="mixed_public_third_sector",
                sectors=["reception", "information", "mediation"],
                target_groups=["adults", "asylum_seekers"],
                languages=["it", "en", "fr", "ar"],
                opening_hours="Mo-Fr 09:00-13:00, Tu,Th 14:30-17:30",
                capacity=35,
                phone="+39 080 1234567",
                email="sportellocasadelleculture@reteoltre.it",
                website="https://www.comune.bari.it/casa-delle-culture",
                address="Via Barisano da Trani 15",
                postcode="70132",
                comune_istat="072006",
                comune_name="Bari",
                metro_area="072",
                status="suspended",
                last_verified="2025-03-01",
                contact_name="Maria Bianchi",
                internal_notes="chiamare prima",
                source_url="https://www.comune.bari.it/",
                lon=16.8457,
                lat=41.1230,
            ),
            Service(
                name="Mensa",
                sectors=["reception"],
                opening_hours="lunch; closed in August",
                status="closed",
            ),
            Service(
                name="Sportello senza indirizzo",
                sectors=["work_training"],
                comune_istat="015175",
                lon=9.33,
                lat=45.49,
            ),
        ]
    )
    return r


def _comparable(s: Service, *, public: bool) -> dict:
    out = {
        f.name: getattr(s, f.name)
        for f in fields(Service)
        if f.name not in {"created_at"} | ({*PUBLIC_EXCLUDED} if public else set())
    }
    return out


def test_official_example_passes_our_validator_and_a_broken_one_fails(hsds_dir):
    example = json.loads((hsds_dir / "examples" / "service_full.json").read_text())
    assert hsds.validate_hsds_document({"services": [example]}, hsds_dir / "schema") == []
    broken = dict(example)
    del broken["name"]
    broken["status"] = "open"
    errors = hsds.validate_hsds_document({"services": [broken]}, hsds_dir / "schema")
    assert any("'name' is a required property" in e for e in errors)
    assert any("'open' is not one of" in e for e in errors)


@pytest.mark.parametrize("public", [True, False])
def test_json_export_validates_and_round_trips(reg, tmp_path, hsds_dir, public):
    path = hsds.export_hsds_json(reg, tmp_path / "hsds.json", public=public)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert hsds.validate_hsds_document(doc, hsds_dir / "schema") == []
    assert len(doc["services"]) == 3 and len(doc["organizations"]) == 1
    text = path.read_text(encoding="utf-8")
    assert ("Maria Bianchi" in text) is (not public)
    assert ("chiamare prima" in text) is (not public)
    casa = next(d for d in doc["services"] if d["name"].startswith("Casa"))
    assert casa["status"] == "temporarily closed"
    assert casa["assured_date"] == "2025-03-01"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in casa["schedules"]] == [
        ("MO,TU,WE,TH,FR", "09:00", "13:00"),
        ("TU,TH", "14:30", "17:30"),
    ]
    assert [lang["code"] for lang in casa["languages"]] == ["it", "en", "fr", "ar"]
    sectors = [a["taxonomy_term"] for a in casa["attributes"] if a["link_type"] == "sector"]
    assert [(t["code"], t["name"], t["description"]) for t in sectors][0] == (
        "reception",
        "Reception",
        "Accoglienza",
    )
    loc = casa["service_at_locations"][0]["location"]
    assert (loc["latitude"], loc["longitude"]) == (41.123, 16.8457)
    # round trip, field by field
    back = Registry.create(tmp_path / "back.gpkg")
    result = hsds.import_hsds(back, path)
    assert result.rejected_rows == []
    original = {s.service_id: s for s in reg.services()}
    again = {s.service_id: s for s in back.services()}
    assert set(original) == set(again)
    for sid, s in original.items():
        a, b = _comparable(s, public=public), _comparable(again[sid], public=public)
        for key in a:
            assert a[key] == b[key], (s.name, key, a[key], b[key])
        if public:
            assert again[sid].internal_notes is None and again[sid].contact_name is None
    o1, o2 = reg.organizations()[0], back.organizations()[0]
    assert o1 == o2


@pytest.mark.parametrize("public", [True, False])
def test_datapackage_export_validates_and_round_trips(reg, tmp_path, hsds_dir, public):
    folder = hsds.export_hsds_datapackage(reg, tmp_path / "hsds_csv", public=public)
    assert hsds.validate_hsds_datapackage(folder, hsds_dir / "schema") == []
    # an independent reader of Table Schema: frictionless (types, formats, primary keys)
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:10]
    with open(folder / "schedules.csv", encoding="utf-8") as fh:
        times = [r["opens_at"] for r in csv.DictReader(fh) if r["opens_at"]]
    assert times and all(len(t) == 8 for t in times)  # HH:MM:SS, Table Schema's time
    assert (folder / "contacts.csv").exists() is (not public)
    # our tables use the official resource names, file names and field order
    official = {
        r["name"]: r for r in json.loads((hsds_dir / "datapackage.json").read_text())["resources"]
    }
    ours = json.loads((folder / "datapackage.json").read_text())
    for res in ours["resources"]:
        ref = official[res["name"]]
        assert res["path"] == ref["path"]
        assert [f["name"] for f in res["schema"]["fields"]] == [
            f["name"] for f in ref["schema"]["fields"]
        ]
        assert [f["type"] for f in res["schema"]["fields"]] == [
            f["type"] for f in ref["schema"]["fields"]
        ]
    with open(folder / "services.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    back = Registry.create(tmp_path / "back.gpkg")
    hsds.import_hsds(back, folder)
    original = {s.service_id: s for s in reg.services()}
    again = {s.service_id: s for s in back.services()}
    assert set(original) == set(again)
    for sid, s in original.items():
        a, b = _comparable(s, public=public), _comparable(again[sid], public=public)
        for key in a:
            assert a[key] == b[key], (s.name, key, a[key], b[key])
    assert back.organizations() == reg.organizations()


def test_official_examples_import(tmp_path, hsds_dir):
    reg = Registry.create(tmp_path / "r.gpkg")
    parsed = hsds.parse_hsds(hsds.read_hsds_json(hsds_dir / "examples" / "service_full.json"))
    s = parsed.services[0]
    assert s.service_id == "ac148810-d857-441c-9679-408f346de14b"
    assert s.name == "Community Counselling" and s.last_verified == "2005-01-01"
    assert s.languages == ["ur"]
    # the example is not an Italian registry: no sector of ours, latitude 100, a placeholder phone
    with pytest.raises(ValidationError) as err:
        hsds.import_hsds(reg, hsds_dir / "examples" / "service_full.json")
    assert {(i.field, i.code) for i in err.value.report.errors} == {
        ("sectors", "missing_required"),
        ("geometry", "invalid_geometry"),
        ("phone", "invalid_phone"),
    }
    assert reg.services() == []
    pkg = hsds.read_hsds_datapackage(hsds_dir / "examples" / "csv")
    assert [d["name"] for d in pkg["services"]] == ["Community Counselling"]
    assert pkg["services"][0]["service_at_locations"][0]["location"]["name"]
