"""Translations through HSDS 3.0/3.1 (JSON and the tabular datapackage): valid, and lossless."""

from __future__ import annotations

import json

import pytest

from capacitymetro_plugin.core.errors import ValidationError
from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry

SID = "11111111-1111-4111-8111-111111111111"
SID2 = "22222222-2222-4222-8222-222222222222"


@pytest.fixture()
def reg(tmp_path):
    r = Registry.create(tmp_path / "r.gpkg", editor="operatrice.bari")
    r.add_services(
        [
            Service(
                name="Sportello Immigrazione",
                description="Permessi di soggiorno e ricongiungimenti",
                sectors=["information"],
                languages=["it", "ar"],
                service_id=SID,
                comune_istat="072006",
                lon=16.8719,
                lat=41.1171,
            ),
            Service(name="Mensa", sectors=["reception"], service_id=SID2),
        ]
    )
    r.set_translation(
        SID, "ar", name="مكتب الهجرة", description="تصاريح الإقامة ولم شمل الأسرة", source="machine"
    )
    r.set_translation(SID, "prs", name="دفتر مهاجرت")  # Dari: ISO 639-3 only
    r.set_translation(
        SID, "en", name="Immigration desk", description="Residence permits, family reunification"
    )
    return r


def _triples(state):
    return {
        k: (t.name, t.description, t.source, t.updated_at, t.editor)
        for k, t in state.translations.items()
    }


@pytest.mark.parametrize("version", ["3.0", "3.1"])
@pytest.mark.parametrize("public", [True, False])
def test_exports_validate_against_both_schemas(reg, tmp_path, shared_data, version, public):
    schema = shared_data.parent / f"hsds-{version}" / "schema"
    json_path = hsds.export_hsds_json(reg, tmp_path / "h.json", public=public)
    folder = hsds.export_hsds_datapackage(reg, tmp_path / "h_csv", public=public)
    assert hsds.validate_hsds_path(json_path, schema) == []
    assert hsds.validate_hsds_path(folder, schema) == []
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    attrs = [a for s in doc["services"] for a in s.get("attributes", [])]
    names = {
        a["taxonomy_term"]["code"]: a["value"]
        for a in attrs
        if a["link_type"] == "name_translation"
    }
    assert names == {"ar": "مكتب الهجرة", "prs": "دفتر مهاجرت", "en": "Immigration desk"}
    sources = {
        a["taxonomy_term"]["code"]: a["value"]
        for a in attrs
        if a["link_type"] == "translation_source"
    }
    assert sources == {"ar": "machine", "prs": "operator", "en": "operator"}
    dari = next(a["taxonomy_term"] for a in attrs if a["taxonomy_term"]["code"] == "prs")
    assert dari["name"] == "Dari" and dari["taxonomy"] == "CapaCityMetro translation languages"
    editors = [a for a in attrs if a["link_type"] == "translation_editor"]
    assert (len(editors) == 0) if public else ({a["value"] for a in editors} == {"operatrice.bari"})
    assert ("operatrice.bari" in json_path.read_text(encoding="utf-8")) is not public


@pytest.mark.parametrize("form", ["json", "datapackage"])
def test_round_trip_loses_nothing(reg, tmp_path, form):
    if form == "json":
        path = hsds.export_hsds_json(reg, tmp_path / "h.json", public=False)
    else:
        path = hsds.export_hsds_datapackage(reg, tmp_path / "h_csv", public=False)
    back = Registry.create(tmp_path / "back.gpkg")
    hsds.import_hsds(back, path)
    assert _triples(back.load()) == _triples(reg.load())
    assert len(back.load().translations) == 3


def test_public_round_trip_keeps_texts_but_not_the_editor(reg, tmp_path):
    path = hsds.export_hsds_json(reg, tmp_path / "h.json", public=True)
    back = Registry.create(tmp_path / "back.gpkg")
    hsds.import_hsds(back, path)
    got = {
        k: (t.name, t.description, t.source, t.updated_at)
        for k, t in back.load().translations.items()
    }
    want = {k: v[:4] for k, v in _triples(reg.load()).items()}
    assert got == want
    assert {t.editor for t in back.load().translations.values()} == {None}


def test_bad_translation_rejects_its_row_and_writes_nothing(reg, tmp_path):
    path = hsds.export_hsds_json(reg, tmp_path / "h.json", public=False)
    doc = json.loads(path.read_text(encoding="utf-8"))
    for a in doc["services"][0]["attributes"]:
        if a["link_type"] == "name_translation" and a["taxonomy_term"]["code"] == "prs":
            a["taxonomy_term"]["code"] = "klingon"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    back = Registry.create(tmp_path / "back.gpkg")
    with pytest.raises(ValidationError) as err:
        hsds.import_hsds(back, bad)
    issues = [i for i in err.value.report.errors if i.field.startswith("translation")]
    assert [i.code for i in issues] == ["unknown_language", "empty_name"]  # klingon has no name
    assert "klingon" in issues[0].message and "klingon" in issues[0].message_it
    assert back.load().services == {} and back.load().translations == {}
