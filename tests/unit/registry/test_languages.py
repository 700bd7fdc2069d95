"""ISO 639-3 languages where no ISO 639-1 code exists (Dari, Kurmanji, Mandinka, Soninke).

The oracle is Debian's iso-codes JSON read here independently (when the package is installed),
and the HSDS 3.0 and 3.1 schemas for the exports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capacitymetro_plugin.core.registry import hsds, vocabularies
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.validation import validate_services

ISO_CODES = Path("/usr/share/iso-codes/json/iso_639-3.json")
MIGRANT_LANGUAGES = {"prs": "Dari", "kmr": "Northern Kurdish", "mnk": "Mandinka", "snk": "Soninke"}


def _language_issues(languages):
    s = Service(name="Sportello", sectors=["information"], languages=languages)
    report = validate_services([s])
    return [i for i in report.issues if i.field == "languages"]


def test_the_four_languages_of_the_issue_are_accepted_with_names():
    for code, en in MIGRANT_LANGUAGES.items():
        term = vocabularies.language_term(code)
        assert term is not None and term.en == en
        assert code in vocabularies.LANGUAGE_CODES
    assert vocabularies.language_term("prs").it == "Dari"
    assert _language_issues(["it", "prs", "kmr", "mnk", "snk"]) == []


def test_a_three_letter_code_with_a_two_letter_one_is_refused_with_the_fix():
    (issue,) = _language_issues(["ita"])
    assert issue.severity == "error"
    assert "'it'" in issue.message and "'it'" in issue.message_it
    (issue,) = _language_issues(["qqq"])  # reserved for local use: in no table
    assert "ISO 639-3" in issue.message and "ISO 639-3" in issue.message_it


@pytest.mark.skipif(not ISO_CODES.exists(), reason="Debian's iso-codes is not installed")
def test_the_shipped_table_is_every_living_language_of_iso_codes():
    entries = json.loads(ISO_CODES.read_text(encoding="utf-8"))["639-3"]
    living = [e for e in entries if e.get("type") == "L" and e.get("scope") in ("I", "M")]
    without_1 = {e["alpha_3"] for e in living if "alpha_2" not in e}
    with_1 = {e["alpha_3"]: e["alpha_2"] for e in living if "alpha_2" in e}
    assert set(vocabularies.LANGUAGES_639_3) == without_1
    assert vocabularies.ISO639_3_TO_1 == with_1
    assert len(without_1) > 6800
    # the accepted codes are exactly the 639-1 codes plus the 639-3 codes without one
    two = {t.code for t in vocabularies.LANGUAGES}
    assert vocabularies.LANGUAGE_CODES == two | without_1
    assert not two & without_1


def test_hsds_exports_carry_the_639_3_codes_and_validate_with_3_0_and_3_1(tmp_path):
    reg = Registry.create(tmp_path / "registry.gpkg")
    reg.add_service(
        Service(
            name="Sportello Immigrazione",
            sectors=["information"],
            languages=["it", "prs", "kmr", "mnk", "snk"],
            comune_istat="072006",
            lon=16.8719,
            lat=41.1171,
        )
    )
    path = hsds.export_hsds_json(reg, tmp_path / "hsds.json")
    schemas = Path(hsds.__file__).resolve().parents[2] / "schemas"
    for version in ("hsds-3.0", "hsds-3.1"):
        assert hsds.validate_hsds_path(path, schemas / version) == []
    doc = json.loads(path.read_text(encoding="utf-8"))
    langs = {lang["code"]: lang["name"] for lang in doc["services"][0]["languages"]}
    assert langs == {"it": "Italian", **MIGRANT_LANGUAGES}
    back = Registry.create(tmp_path / "back.gpkg")
    hsds.import_hsds(back, path)
    assert back.services()[0].languages == ["it", "prs", "kmr", "mnk", "snk"]


def test_language_name_in_the_lists_languages():
    from capacitymetro_plugin.core.registry.vocabularies import language_name

    # iso-codes' translations (scripts/build_iso639_1_names.py); Italian and English as before
    assert [language_name("bn", lang) for lang in ("it", "en", "fr", "es", "ro", "uk")] == [
        "Bengalese",
        "Bengali",
        "bengali",
        "Bengalí",
        "Bengaleză",
        "бенгальська",
    ]
    assert language_name("ar", "es") == "Árabe"  # iso-codes 4.15 has "Árábe"
    assert language_name("ps", "en") == "Pushto"  # "Pushto; Pashto": the first alternative
    assert language_name("prs", "fr") == "Dari"  # ISO 639-3 only: the English name
    assert language_name("xx", "it") == "xx"
