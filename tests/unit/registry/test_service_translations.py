"""Names and descriptions of services in more languages: API, checks, history, migration, CSV."""

from __future__ import annotations

import csv
import sqlite3

import pytest
from osgeo import ogr

from capacitymetro_plugin.core.errors import ValidationError
from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.translations import (
    TranslationError,
    export_translations_csv,
    import_translations_csv,
)

AR_NAME = "مكتب المعلومات للمهاجرين"
AR_DESC = "معلومات عن تصاريح الإقامة"


@pytest.fixture()
def reg(tmp_path):
    r = Registry.create(tmp_path / "r.gpkg", editor="anna")
    r.add_services(
        [
            Service(
                name="Sportello immigrazione",
                description="Permessi di soggiorno",
                sectors=["information"],
                service_id="11111111-1111-4111-8111-111111111111",
            ),
            Service(
                name="Mensa Caritas",
                sectors=["reception"],
                service_id="22222222-2222-4222-8222-222222222222",
            ),
        ]
    )
    return r


SID = "11111111-1111-4111-8111-111111111111"
SID2 = "22222222-2222-4222-8222-222222222222"


def test_set_read_replace_remove(reg):
    t = reg.set_translation(SID, "ar", name=AR_NAME, description=AR_DESC, source="machine")
    assert (t.lang, t.source, t.editor) == ("ar", "machine", "anna")
    assert t.updated_at
    reg.set_translation(SID, "prs", name="دفتر معلومات")  # Dari: ISO 639-3, no 639-1 code
    reg.set_translation(SID, " EN ", name=" Immigration desk ")  # trimmed, lower-cased
    again = Registry.open(reg.path)
    got = {x.lang: x for x in again.translations(SID)}
    assert list(got) == ["ar", "en", "prs"]
    assert got["ar"].name == AR_NAME and got["ar"].description == AR_DESC
    assert got["en"].name == "Immigration desk" and got["en"].source == "operator"
    reg.set_translation(SID, "ar", name=AR_NAME + " 2", source="operator")
    assert {x.lang: x.name for x in reg.translations(SID)}["ar"] == AR_NAME + " 2"
    reg.remove_translation(SID, "prs")
    assert [x.lang for x in reg.translations(SID)] == ["ar", "en"]
    assert reg.translations(SID2) == []
    # the service itself is untouched by its translations (no row version bump)
    assert reg.service_version(SID) == 1
    assert reg.get_service(SID).name == "Sportello immigrazione"


@pytest.mark.parametrize(
    ("service_id", "lang", "name", "source", "code", "words_en", "words_it"),
    [
        (SID, "xx", "n", "operator", "unknown_language", "not a language code", "non è un codice"),
        (SID, "ara", "n", "operator", "unknown_language", "'ar'", "'ar'"),
        (SID, "", "n", "operator", "unknown_language", "no language", "non ha un codice"),
        (SID, "it", "n", "operator", "original_language", "Italian", "italiano"),
        (SID, "en", "   ", "operator", "empty_name", "empty", "vuoto"),
        (SID, "en", "n", "robot", "unknown_source", "operator, machine", "operator, machine"),
        ("no-such-service", "en", "n", "operator", "unknown_service", "no service", "non c'è"),
    ],
)
def test_refused_with_named_bilingual_error(
    reg, service_id, lang, name, source, code, words_en, words_it
):
    before = (reg.path.read_bytes(), reg.load().translations)
    with pytest.raises(TranslationError) as err:
        reg.set_translation(service_id, lang, name=name, source=source)
    assert err.value.code == code
    assert words_en in err.value.localized("en")
    assert words_it in err.value.localized("it")
    assert err.value.fix and err.value.fix_it and err.value.fix != err.value.fix_it
    assert reg.load().translations == before[1] == {}


def test_remove_missing_is_named(reg):
    reg.set_translation(SID, "fr", name="Guichet")
    with pytest.raises(TranslationError) as err:
        reg.remove_translation(SID, "ar")
    assert err.value.code == "not_found" and "fr" in str(err.value)


def test_history_and_delete_cascade(reg):
    reg.set_translation(SID, "ar", name=AR_NAME, source="machine")
    reg.set_translation(SID, "ar", name=AR_NAME, source="machine")  # same text: not an edit
    reg.set_translation(SID, "ar", name=AR_NAME, source="operator")  # checked by a person
    reg.set_translation(SID, "en", name="Desk")
    reg.delete_service(SID)
    assert reg.load().translations == {}
    h = reg.translation_history(SID)
    assert [(e["lang"], e["operation"]) for e in h] == [
        ("ar", "INSERT"),
        ("ar", "UPDATE"),
        ("en", "INSERT"),
        ("ar", "DELETE"),
        ("en", "DELETE"),
    ]
    assert {e["changed_by"] for e in h} == {"anna"}
    assert h[1]["old"]["source"] == "machine" and h[1]["new"]["source"] == "operator"
    # a service delete and its translations' deletes are one transaction (same time stamp)
    service_delete = reg.service_history(SID)[-1]
    assert service_delete["operation"] == "DELETE"
    assert h[-1]["changed_at"] == service_delete["changed_at"]


def _as_made_by_schema3(path):
    """Turn a new registry into the layout the registry had before translations (main at
    3638802: the LAYERS plus services_history), with a service in it."""
    ds = ogr.Open(str(path), 1)
    for name in (
        storage.TRANSLATIONS_LAYER,
        storage.TRANSLATIONS_HISTORY_LAYER,
        storage.ENTITY_HISTORY_LAYER,
    ):
        for i in range(ds.GetLayerCount()):
            if ds.GetLayerByIndex(i).GetName() == name:
                ds.DeleteLayer(i)
                break
    ds = None


def test_older_registry_gains_the_table_on_open_and_loses_nothing(tmp_path):
    path = tmp_path / "old.gpkg"
    old = Registry.create(path, editor="bruno")
    old.add_services(
        [
            Service(
                name="Sportello",
                sectors=["information"],
                service_id=SID,
                description="Testo italiano",
                capacity=12,
                lon=11.12,
                lat=46.07,
            )
        ]
    )
    _as_made_by_schema3(path)
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    con.close()
    assert tables == {*storage.LAYERS, storage.HISTORY_LAYER}
    before = Registry(path).load()  # reading an old registry works and does not change it
    assert before.translations == {}
    reg = Registry.open(path, editor="bruno")
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    con.close()
    assert storage.TRANSLATIONS_LAYER in tables and storage.TRANSLATIONS_HISTORY_LAYER in tables
    assert storage.ENTITY_HISTORY_LAYER in tables  # organizations, practices, links (newer)
    after = reg.load()
    assert after.services == before.services and after.meta == before.meta
    assert reg.service_history(SID)[0]["operation"] == "INSERT"
    reg.set_translation(SID, "en", name="Desk")
    assert [t.name for t in Registry.open(path).translations(SID)] == ["Desk"]


def test_csv_round_trip_and_sheet_to_fill(reg, tmp_path):
    reg.set_translation(SID, "ar", name=AR_NAME, description=AR_DESC, source="machine")
    reg.set_translation(SID, "en", name='=HYPERLINK("x")')  # a formula stays text
    sheet = export_translations_csv(reg, tmp_path / "t.csv", languages=["ar", "uk"])
    with open(sheet, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = sorted((r["service_id"][:1], r["lang"], r["name"][:1]) for r in rows)
    # Caritas (2...) in ar and uk to fill, the desk (1...) in ar, en and uk (to fill)
    assert got == [
        ("1", "ar", AR_NAME[0]),
        ("1", "en", "'"),
        ("1", "uk", ""),
        ("2", "ar", ""),
        ("2", "uk", ""),
    ]
    assert {r["name_it"] for r in rows} == {"Sportello immigrazione", "Mensa Caritas"}
    # a translator fills two rows in a spreadsheet
    for r in rows:
        if r["service_id"] == SID2 and r["lang"] == "uk":
            r["name"], r["description"], r["source"] = "Їдальня Карітас", "Безкоштовні обіди", ""
        if r["service_id"] == SID and r["lang"] == "ar":
            r["source"] = "operator"  # checked by a person
    filled = tmp_path / "filled.csv"
    with open(filled, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        w.writeheader()
        w.writerows(rows)
    other = Registry.create(tmp_path / "other.gpkg")
    other.add_services(reg.services())
    stored = import_translations_csv(other, filled)
    assert len(stored) == 3  # empty rows of the sheet are skipped
    assert {
        (t.service_id, t.lang): (t.name, t.source) for t in other.load().translations.values()
    } == {
        (SID, "ar"): (AR_NAME, "operator"),
        (SID, "en"): ('=HYPERLINK("x")', "operator"),
        (SID2, "uk"): ("Їдальня Карітас", "operator"),
    }


def test_csv_import_is_all_or_nothing(reg, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "service_id,lang,name,description,source\n"
        f"{SID},en,Desk,,operator\n"
        f"{SID},xx,Desk,,operator\n"
        f"{SID},fr,,Seulement une description,operator\n"
        f"{SID},en,Desk again,,operator\n"
        "33333333-3333-4333-8333-333333333333,de,Schalter,,machine\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        import_translations_csv(reg, bad)
    codes = {(i.row, i.code) for i in err.value.report.errors}
    assert codes == {
        (3, "unknown_language"),
        (4, "empty_name"),
        (5, "duplicate_translation"),
        (6, "unknown_service"),
    }
    assert "3, 4, 5, 6" in str(err.value) and "3, 4, 5, 6" in err.value.localized("it")
    assert reg.load().translations == {}
    missing = tmp_path / "missing.csv"
    missing.write_text("service_id,language,name\n", encoding="utf-8")
    with pytest.raises(TranslationError.__mro__[1]) as err:
        import_translations_csv(reg, missing)
    assert "lang" in str(err.value)
