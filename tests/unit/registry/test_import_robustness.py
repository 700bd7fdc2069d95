"""Malformed import files raise only our named errors, with the row and field, and change nothing.

The cases are the ones found by probing the importers (issue 15): each one used to raise an
exception outside ``core/errors.py`` or silently change a value.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from capacitymetro_plugin.core.errors import InputError, ValidationError
from capacitymetro_plugin.core.registry import exchange, hsds
from capacitymetro_plugin.core.registry.registry import Registry

GOOD = {
    "id": "svc-1",
    "name": "Sportello",
    "assured_date": "2026-01-10",
    "attributes": [
        {"link_type": "sector", "taxonomy_term": {"code": "health"}},
        {"link_type": "operator_type", "taxonomy_term": {"code": "public"}},
    ],
    "service_at_locations": [{"location": {"latitude": 41.12, "longitude": 16.87}}],
}


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def registry(tmp_path):
    return Registry.create(tmp_path / "registry.gpkg")


def _with(**changes):
    return [dict(GOOD, **changes)]


def _capacity(value):
    return _with(attributes=GOOD["attributes"] + [{"link_type": "capacity", "value": value}])


HSDS_ROW_CASES = {
    "bare list of numbers": ([1], ("service", "malformed_record")),
    "languages as text": (_with(languages="en"), ("languages", "malformed_record")),
    "phones as text": (_with(phones="1"), ("phones", "malformed_record")),
    "attributes of text": (_with(attributes=["a"]), ("attributes", "malformed_record")),
    "name as a list": (_with(name=["a"]), ("name", "malformed_record")),
    "description as an object": (_with(description={"a": 1}), ("description", "malformed_record")),
    "location as text": (
        _with(service_at_locations=[{"location": "here"}]),
        ("location", "malformed_record"),
    ),
    "capacity 1e400": (_capacity("1e400"), ("capacity", "invalid_capacity")),
    "capacity 2.7": (_capacity("2.7"), ("capacity", "invalid_capacity")),
    "capacity 1e30": (_capacity("1e30"), ("capacity", "invalid_capacity")),
    "name NUL": (_with(name="\x00"), ("name", "nul_character")),
    "latitude NaN": (
        _with(service_at_locations=[{"location": {"latitude": "nan", "longitude": 16.8}}]),
        ("geometry", "invalid_geometry"),
    ),
}


@pytest.mark.parametrize("case", sorted(HSDS_ROW_CASES))
def test_malformed_hsds_service_is_a_named_row_error(case, registry, tmp_path):
    doc, expected = HSDS_ROW_CASES[case]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc))
    before = _digest(registry.path)
    with pytest.raises(ValidationError) as err:
        hsds.import_hsds(registry, path)
    assert expected in {(i.field, i.code) for i in err.value.report.errors}
    assert {i.row for i in err.value.report.errors} == {1}
    assert all(i.message_it and i.message != i.message_it for i in err.value.report.errors)
    assert _digest(registry.path) == before
    assert registry.services() == []


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"services": 0}),
        json.dumps({"services": [], "organizations": "x"}),
        json.dumps({"organizations": [{"id": "o", "name": ["x"]}], "services": []}),
        "[" * 100_000 + "]" * 100_000,
        "{not json",
        json.dumps("just text"),
    ],
    ids=["services-0", "organizations-text", "org-name-list", "deep", "not-json", "a-string"],
)
def test_malformed_hsds_document_is_an_input_error(text, registry, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(text)
    before = _digest(registry.path)
    with pytest.raises(InputError) as err:
        hsds.import_hsds(registry, path)
    assert err.value.message_it != err.value.message
    assert _digest(registry.path) == before


def test_good_hsds_still_imports_and_keeps_the_text_nan(registry, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_with(name="nan", description="nan")))
    result = hsds.import_hsds(registry, path)
    assert [s.name for s in result.imported] == ["nan"]
    (stored,) = Registry.open(registry.path).services()
    assert (stored.name, stored.description) == ("nan", "nan")  # not silently emptied


HEADER = "name,sectors,operator_type,lon,lat,last_verified"


@pytest.mark.parametrize(
    "text, words",
    [
        (f"{HEADER}\nA\x00,health,public,16.8,41.1,2026-01-01\n", ("NUL", "line 2")),
        (f"{HEADER}\n{'x' * 200_000},health,public,16.8,41.1,2026-01-01\n", ("2",)),
        ("name,Name,sectors\nA,B,health\n", ("'Name' twice",)),
        ("name,,sectors\nA,B,health\n", ("empty column name",)),
    ],
    ids=["nul", "long-field", "duplicate-header", "empty-header"],
)
def test_unreadable_csv_is_a_named_input_error(text, words, registry, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    before = _digest(registry.path)
    with pytest.raises(InputError) as err:
        exchange.import_file(registry, path)
    for word in words:
        assert word in err.value.message
    assert err.value.message_it != err.value.message
    assert _digest(registry.path) == before


def test_csv_with_cr_only_line_ends_imports(registry, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(
        (
            f"{HEADER}\rA,health,public,16.8,41.1,2026-01-01\rB,health,public,16.9,41.2,2026-01-01\r"
        ).encode()
    )
    result = exchange.import_file(registry, path)
    assert sorted(s.name for s in result.imported) == ["A", "B"]


def test_csv_capacity_1e30_is_refused(registry, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(f"{HEADER},capacity\nA,health,public,16.8,41.1,2026-01-01,1e30\n")
    with pytest.raises(ValidationError) as err:
        exchange.import_file(registry, path)
    assert ("capacity", "invalid_capacity") in {(i.field, i.code) for i in err.value.report.errors}
    assert registry.services() == []


def test_point_with_z_is_reported_not_silently_flattened(registry, tmp_path):
    path = tmp_path / "in.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "name": "A",
                            "sectors": "health",
                            "operator_type": "public",
                            "last_verified": "2026-01-01",
                        },
                        "geometry": {"type": "Point", "coordinates": [16.8, 41.1, 120.0]},
                    }
                ],
            }
        )
    )
    result = exchange.import_file(registry, path)
    (warning,) = [i for i in result.report.warnings if i.code == "z_dropped"]
    assert "Z = 120" in warning.message and "quota" in warning.message_it
    assert (result.imported[0].lon, result.imported[0].lat) == (16.8, 41.1)


def test_one_point_linestring_is_an_input_error(registry, tmp_path):
    path = tmp_path / "in.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "A"},
                        "geometry": {"type": "LineString", "coordinates": [[16.8, 41.1]]},
                    }
                ],
            }
        )
    )
    before = _digest(registry.path)
    with pytest.raises(InputError, match="LineString needs two points"):
        exchange.import_file(registry, path)
    assert _digest(registry.path) == before


def _package(folder, resource_path):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "service", "path": resource_path}]})
    )
    return folder


@pytest.mark.parametrize("where", ["../elsewhere/secret.csv", "ABSOLUTE", "sub/../../x.csv"])
def test_datapackage_resource_outside_its_folder_is_refused(where, registry, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("id,name\nx,Secret row\n")
    target = str(secret) if where == "ABSOLUTE" else where
    package = _package(tmp_path / "pkg", target)
    before = _digest(registry.path)
    with pytest.raises(InputError, match="outside its folder") as err:
        hsds.import_hsds(registry, package)
    assert "fuori dalla sua cartella" in err.value.message_it
    assert _digest(registry.path) == before


def test_datapackage_resource_with_ragged_rows_is_an_input_error(registry, tmp_path):
    package = _package(tmp_path / "pkg", "service.csv")
    (package / "service.csv").write_text("id,name\nx,A,extra\n")
    with pytest.raises(InputError, match="line 2: 3 fields"):
        hsds.import_hsds(registry, package)


def test_csv_export_escapes_formulas_and_imports_back_unchanged(registry, tmp_path):
    from capacitymetro_plugin.core.registry.model import Service

    tricky = {
        "name": '=HYPERLINK("http://evil.example","clic")',
        "description": "'già tra virgolette",
        "phone": "+39 080 123456",
        "address": "@via Roma 1",
        "opening_hours": "-",
    }
    registry.add_service(
        Service(sectors=["health"], operator_type="public", lon=16.87, lat=41.12, **tricky)
    )
    out = exchange.export_csv(registry, tmp_path / "out.csv")
    with open(out, encoding="utf-8", newline="") as fh:
        (row,) = list(__import__("csv").DictReader(fh))
    for key, value in tricky.items():
        assert row[key] == "'" + value  # a spreadsheet shows it as text, never runs it
    copy = Registry.create(tmp_path / "copy.gpkg")
    (back,) = exchange.import_file(copy, out).imported
    assert {k: getattr(back, k) for k in tricky} == tricky
    assert (back.lon, back.lat) == (16.87, 41.12)


@pytest.mark.parametrize(
    "link, ok",
    [
        ("https://example.org/sheet", True),
        ("http://comune.bari.it/a?b=1", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("ftp://example.org/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_links_are_opened(link, ok):
    from capacitymetro_plugin.core.registry.validation import web_link

    assert (web_link(link) is not None) == ok


def test_attachments_must_lie_inside_the_registry_folder(tmp_path):
    from capacitymetro_plugin.core.registry.validation import attachment_path

    folder = tmp_path / "registry"
    (folder / "sheets").mkdir(parents=True)
    (tmp_path / "secret.pdf").write_text("x")
    assert attachment_path(folder, "sheets/a.pdf") == (folder / "sheets" / "a.pdf").resolve()
    for outside in ("../secret.pdf", str(tmp_path / "secret.pdf"), "sheets/../../secret.pdf"):
        assert attachment_path(folder, outside) is None
    assert attachment_path(folder, "file:///etc/passwd") is None
    assert attachment_path(None, "sheets/a.pdf") is None  # nothing to check against: refused
    (folder / "sheets" / "link.pdf").symlink_to(tmp_path / "secret.pdf")
    assert attachment_path(folder, "sheets/link.pdf") is None  # a symlink out of the folder


# ----------------------------------------------------------------------------- API values by type
def _one(registry):
    from capacitymetro_plugin.core.registry.model import Service

    return registry.add_service(
        Service(name="Sportello", sectors=["health"], operator_type="public", capacity=10)
    )


def test_api_splits_a_list_given_as_text_at_the_separator(registry):
    s = _one(registry)
    new = registry.update_service(s.service_id, sectors="health; documents_legal", languages="it")
    assert new.sectors == ["health", "documents_legal"] and new.languages == ["it"]
    assert registry.get_service(s.service_id).sectors == ["health", "documents_legal"]
    assert registry.update_service(s.service_id, capacity=20.0).capacity == 20


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"capacity": 2.7}, "capacity", "invalid_capacity"),
        ({"capacity": 1e30}, "capacity", "invalid_capacity"),
        ({"capacity": 10**30}, "capacity", "invalid_capacity"),
        ({"capacity": "abc"}, "capacity", "invalid_capacity"),
        ({"capacity": True}, "capacity", "invalid_capacity"),
        ({"last_verified": "yesterday"}, "last_verified", "invalid_date"),
        ({"last_verified": "2026-02-30"}, "last_verified", "invalid_date"),
        ({"languages": [None]}, "languages", "invalid_type"),
        ({"sectors": 5}, "sectors", "invalid_type"),
        ({"description": {"a": 1}}, "description", "invalid_type"),
        ({"name": "a\x00b"}, "name", "nul_character"),
        ({"lon": float("nan"), "lat": 41.0}, "geometry", "invalid_geometry"),
    ],
)
def test_api_refuses_values_of_the_wrong_type_by_name(registry, changes, field, code):
    s = _one(registry)
    before = _digest(registry.path)
    with pytest.raises(ValidationError) as err:
        registry.update_service(s.service_id, **changes)
    assert (field, code) in {(i.field, i.code) for i in err.value.report.errors}
    assert err.value.message_it != err.value.message
    assert _digest(registry.path) == before
    assert registry.get_service(s.service_id) == s


def test_api_add_refuses_wrong_types_too(registry):
    from capacitymetro_plugin.core.registry.model import Service

    with pytest.raises(ValidationError, match="capacity|Capacity"):
        registry.add_service(
            Service(name="X", sectors=["health"], operator_type="public", capacity="abc")
        )
    assert registry.services() == []
