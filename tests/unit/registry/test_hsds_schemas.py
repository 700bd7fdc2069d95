"""The HSDS schemas shipped in the plugin: unchanged copies, enough to validate as the full set does.

The zip a user installs has no ../shared folder, so the validator's default is the vendored copy in
capacitymetro_plugin/schemas/hsds-<version>. These tests hold it to the upstream copy in
../shared/hsds-<version>: same bytes (drift), no schema missing, and the same error messages on
the same documents as the whole upstream schema folder (17 MB with compiled/ and openapi.json).
"""

from __future__ import annotations

import copy
import json
import sys

import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.model import Organization, Service
from capacitymetro_plugin.core.registry.registry import Registry

# What the vendored folders leave out of upstream's schema/ folder, and why (see their NOTICE):
# openapi.json is the API description, no object schema refers to it.
LEFT_OUT = {"openapi.json"}


@pytest.fixture(scope="module", params=hsds.HSDS_SCHEMA_VERSIONS)
def version(request):
    return request.param


@pytest.fixture(scope="module")
def upstream(shared_data, version):
    path = shared_data.parent / f"hsds-{version}"
    assert (path / "schema" / "service.json").is_file(), path
    return path


@pytest.fixture(scope="module")
def vendored(version):
    return hsds.hsds_schema_dir(version)


def test_vendored_schemas_are_upstreams_bytes(upstream, vendored):
    wanted = {p.name for p in (upstream / "schema").glob("*.json")} - LEFT_OUT
    have = {p.name for p in vendored.glob("*.json")}
    assert have == wanted  # a schema added upstream (or dropped) shows up here
    for name in sorted(have):
        assert (vendored / name).read_bytes() == (upstream / "schema" / name).read_bytes(), name
    assert (vendored / "LICENSE").read_bytes() == (upstream / "LICENSE").read_bytes()
    notice = (vendored / "NOTICE").read_text(encoding="utf-8")
    assert f"(HSDS) {vendored.name.removeprefix('hsds-')}" in notice
    assert "Attribution-ShareAlike 4.0" in notice


def _examples(upstream) -> dict:
    ex = upstream / "examples"

    def load(name):
        return json.loads((ex / name).read_text(encoding="utf-8"))

    return {
        "services": [load("service_full.json"), *load("service_list.json")["contents"]],
        "organizations": [load("organization_full.json")],
        "locations": [load("location.json")],
        "taxonomies": [load("taxonomy.json")],
        "taxonomy_terms": [load("taxonomy_term.json")],
    }


def _broken(doc: dict) -> dict:
    """The official examples with one mistake in each kind of object (nested ones too)."""
    bad = copy.deepcopy(doc)
    service = bad["services"][0]
    del service["name"]
    service["status"] = "open"
    service["phones"][0]["languages"][0]["code"] = (
        12  # a nested object (phone.json > language.json)
    )
    bad["organizations"][0]["email"] = ["not", "a", "string"]
    bad["locations"][0]["latitude"] = "north"
    bad["taxonomies"][0].pop("id")
    bad["taxonomy_terms"][0]["parent_id"] = 7
    return bad


def test_vendored_set_gives_the_same_results_as_the_full_folder(upstream, vendored):
    full = upstream / "schema"
    good = _examples(upstream)
    assert hsds.validate_hsds_document(good, full) == []
    assert hsds.validate_hsds_document(good, vendored) == []
    bad = _broken(good)
    expected = hsds.validate_hsds_document(bad, full)
    # every kind of object reports its mistake, so the comparison below is not between two "[]"
    for key in ("services", "organizations", "locations", "taxonomies", "taxonomy_terms"):
        assert any(e.startswith(f"{key}[0]") for e in expected), (key, expected)
    assert any("phones/0/languages/0/code" in e for e in expected), expected
    assert hsds.validate_hsds_document(bad, vendored) == expected
    # the tabular form: every table of the official CSV examples, one schema per table
    csv_examples = upstream / "examples" / "csv"
    assert hsds.validate_hsds_datapackage(csv_examples, vendored) == hsds.validate_hsds_datapackage(
        csv_examples, full
    )


def test_our_exports_validate_alike_with_both_sets(tmp_path, shared_data):
    full = shared_data.parent / "hsds-3.0" / "schema"
    reg = Registry.create(tmp_path / "registry.gpkg")
    org = reg.add_organization(Organization(name="Comune di Bari", operator_type="public"))
    reg.add_services(
        [
            Service(
                name="Sportello Immigrazione",
                sectors=["information", "documents_legal"],
                operator_type="public",
                organization_id=org.organization_id,
                languages=["it", "en", "ar"],
                opening_hours="Mo-Fr 09:00-12:00",
                email="immigrazione@comune.bari.it",
                address="Corso Vittorio Emanuele II 84",
                postcode="70122",
                comune_istat="072006",
                comune_name="Bari",
                metro_area="072",
                internal_notes="private",
                lat=41.1171,
                lon=16.8719,
            )
        ]
    )
    json_path = hsds.export_hsds_json(reg, tmp_path / "hsds.json", public=False)
    folder = hsds.export_hsds_datapackage(reg, tmp_path / "hsds_csv", public=False)
    for path in (json_path, folder):
        assert hsds.validate_hsds_path(path, full) == []
        assert hsds.validate_hsds_path(path) == []  # the default: the vendored 3.0 set
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    doc["services"][0]["status"] = "open"
    doc["organizations"][0]["website"] = 3
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    expected = hsds.validate_hsds_path(broken, full)
    assert len(expected) == 2, expected
    assert hsds.validate_hsds_path(broken) == expected


def test_default_schema_folder_is_inside_the_plugin_package():
    import capacitymetro_plugin

    package = hsds.Path(capacitymetro_plugin.__file__).resolve().parent
    assert hsds.hsds_schema_dir() == package / "schemas" / "hsds-3.0"
    assert (hsds.hsds_schema_dir() / "service.json").is_file()


def test_unknown_version_or_folder_without_the_schema_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="No HSDS 2.0 schemas"):
        hsds.hsds_schema_dir("2.0")
    (tmp_path / "organization.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"No HSDS schema service\.json in"):
        hsds.validate_hsds_document({"services": [{"id": "x"}]}, tmp_path)


def test_without_jsonschema_the_error_says_what_to_install(monkeypatch):
    # a bare QGIS (Debian 12's jsonschema 4.10 has no referencing either)
    monkeypatch.setitem(sys.modules, "referencing", None)
    with pytest.raises(ImportError, match=r"jsonschema >= 4\.18 .*docs/install\.md"):
        hsds.validate_hsds_document({"services": [{"id": "x"}]})
