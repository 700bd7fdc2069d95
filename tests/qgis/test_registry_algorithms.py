"""Registry algorithms on real QGIS Processing (processing.run) and the qgis_process CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.boundaries import load_comuni
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry
from capacitymetro_plugin.core.registry.validation import validate

BROKEN = (
    "name;sectors;operator_type;lat;lon;com_istat_code;languages\n"
    "Sportello Città Aperta;information;public;41.1171;16.8719;072006;it\n"
    "Caritas;reception;third_sector;abc;16.87;072006;it\n"
    "Mensa;food;third_sector;41.12;16.87;072006;it\n"
    "Scuola di italiano perché sì;italian_language;third_sector;;;072006;it,ar\n"
)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(layer_id, context=None):
    from qgis.core import QgsProcessingUtils, QgsVectorLayer

    layer = QgsProcessingUtils.mapLayerFromString(layer_id, context) if context else None
    if layer is None:
        layer = QgsVectorLayer(layer_id, "report", "ogr")
    assert layer.isValid()
    return [f.attributes() for f in layer.getFeatures()], [f.name() for f in layer.fields()]


@pytest.fixture()
def broken_csv(tmp_path):
    path = tmp_path / "servizi.csv"
    path.write_bytes(BROKEN.encode("latin-1"))
    return path


def test_algorithms_are_registered(processing_provider):
    ids = {a.id() for a in processing_provider.algorithms()}
    assert {
        "capacitymetro:import_services",
        "capacitymetro:validate_registry",
        "capacitymetro:export_hsds",
        "capacitymetro:validate_hsds",
        "capacitymetro:build_sample_registry",
        "capacitymetro:geocode_registry",
    } <= ids


def test_import_csv_all_or_nothing_then_partial(processing_provider, tmp_path, broken_csv):
    import processing

    reg = Registry.create(tmp_path / "registry.gpkg")
    before = _digest(reg.path)
    report_path = str(tmp_path / "report.gpkg")
    result = processing.run(
        "capacitymetro:import_services",
        {"CSV": str(broken_csv), "REGISTRY": str(reg.path), "OUTPUT": report_path},
    )
    assert result["IMPORTED"] == 0 and result["REJECTED"] == 2
    assert _digest(reg.path) == before
    rows, names = _rows(result["OUTPUT"])
    errors = sorted(
        (r[names.index("row")], r[names.index("code")])
        for r in rows
        if r[names.index("severity")] == "error"
    )
    assert errors == [(3, "invalid_geometry"), (4, "unknown_sector")]
    assert all(r[names.index("message_it")] for r in rows)

    result = processing.run(
        "capacitymetro:import_services",
        {
            "CSV": str(broken_csv),
            "REGISTRY": str(reg.path),
            "ACCEPT_PARTIAL": True,
            "OUTPUT": str(tmp_path / "r2.gpkg"),
        },
    )
    assert result["IMPORTED"] == 2 and result["REJECTED"] == 2
    assert sorted(s.name for s in Registry.open(reg.path).services()) == [
        "Scuola di italiano perché sì",
        "Sportello Città Aperta",
    ]


def test_import_from_a_projected_layer_into_a_new_registry(processing_provider, tmp_path):
    from pyproj import Transformer
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    import processing

    layer = QgsVectorLayer(
        "Point?crs=EPSG:32633&field=name:string&field=sectors:string&field=operator_type:string&field=capacity:integer",
        "services",
        "memory",
    )
    x, y = Transformer.from_crs(4326, 32633, always_xy=True).transform(16.8719, 41.1171)
    feat = QgsFeature(layer.fields())
    feat.setAttributes(["Casa delle Culture", "information;mediation", "public", 40])
    feat.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
    layer.dataProvider().addFeatures([feat])
    target = tmp_path / "new.gpkg"
    result = processing.run(
        "capacitymetro:import_services",
        {"INPUT": layer, "REGISTRY": str(target), "OUTPUT": "TEMPORARY_OUTPUT"},
    )
    assert result["IMPORTED"] == 1
    s = Registry.open(target).services()[0]
    assert s.sectors == ["information", "mediation"] and s.capacity == 40
    assert (s.lon, s.lat) == pytest.approx((16.8719, 41.1171), abs=1e-6)


@pytest.fixture(scope="module")
def sample(shared_data, tmp_path_factory):
    return build_sample_registry(shared_data, tmp_path_factory.mktemp("s") / "registry.gpkg")


def test_validate_the_real_sample(processing_provider, sample, tmp_path):
    import processing

    result = processing.run(
        "capacitymetro:validate_registry",
        {"REGISTRY": str(sample.path), "OUTPUT": str(tmp_path / "report.gpkg")},
    )
    expected = validate(sample, comuni=load_comuni(), today=date.today())
    assert result["CHECKED"] == 59
    assert result["ERRORS"] == len(expected.errors) == 0
    assert result["WARNINGS"] == len(expected.warnings)
    assert result["TO_PLACE"] == 50
    rows, names = _rows(result["OUTPUT"])
    assert len(rows) == len(expected)
    placed = {r[names.index("name")] for r in rows if r[names.index("code")] == "missing_geometry"}
    assert "Casa delle Culture - centro polifunzionale" in placed


def test_export_hsds_json_and_datapackage(processing_provider, sample, tmp_path, shared_data):
    import processing

    schema = shared_data.parent / "hsds-3.0" / "schema"
    result = processing.run(
        "capacitymetro:export_hsds",
        {
            "REGISTRY": str(sample.path),
            "OUTPUT_JSON": str(tmp_path / "hsds.json"),
            "OUTPUT_FOLDER": str(tmp_path / "hsds_csv"),
        },
    )
    assert result["SERVICES"] == 59
    assert result["VALIDATION_ERRORS"] == 0  # validated by default, both files
    doc = json.loads((tmp_path / "hsds.json").read_text(encoding="utf-8"))
    assert len(doc["services"]) == 59
    assert hsds.validate_hsds_document(doc, schema) == []
    assert hsds.validate_hsds_datapackage(tmp_path / "hsds_csv", schema) == []
    assert "internal_notes" not in (tmp_path / "hsds.json").read_text(encoding="utf-8")


class _Log:
    """Collects what an algorithm reports (QGIS's feedback, not our code, is what is extended)."""

    @staticmethod
    def feedback():
        from qgis.core import QgsProcessingFeedback

        class Feedback(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.infos, self.errors = [], []

            def pushInfo(self, info):  # noqa: N802 - QGIS API
                self.infos.append(info)

            def reportError(self, error, fatalError=False):  # noqa: N802,N803 - QGIS API
                self.errors.append(error)

        return Feedback()


def test_validate_hsds_algorithm_reports_the_cores_errors(processing_provider, sample, tmp_path):
    import processing

    out = tmp_path / "hsds.json"
    export = processing.run(
        "capacitymetro:export_hsds",
        {"REGISTRY": str(sample.path), "OUTPUT_JSON": str(out), "VALIDATE": False},
    )
    assert "VALIDATION_ERRORS" not in export  # not asked: not checked
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["services"][0]["status"] = "open"
    doc["services"][3]["languages"] = "it"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    expected = hsds.validate_hsds_path(broken)
    assert len(expected) == 2

    feedback = _Log.feedback()
    result = processing.run(
        "capacitymetro:validate_hsds", {"INPUT": str(broken)}, feedback=feedback
    )
    assert result["ERRORS"] == 2
    assert feedback.errors[:2] == expected
    assert f"HSDS schemas: {hsds.hsds_schema_dir()}" in feedback.infos
    feedback = _Log.feedback()
    result = processing.run("capacitymetro:validate_hsds", {"INPUT": str(out)}, feedback=feedback)
    assert result["ERRORS"] == 0 and feedback.errors == []


def test_export_without_jsonschema_writes_and_says_why_it_did_not_check(
    processing_provider, sample, tmp_path, monkeypatch
):
    import sys

    import processing

    monkeypatch.setitem(sys.modules, "referencing", None)  # as in a QGIS without jsonschema 4.18
    feedback = _Log.feedback()
    out = tmp_path / "hsds.json"
    result = processing.run(
        "capacitymetro:export_hsds",
        {"REGISTRY": str(sample.path), "OUTPUT_JSON": str(out)},
        feedback=feedback,
    )
    assert "VALIDATION_ERRORS" not in result and result["SERVICES"] == 59
    assert len(json.loads(out.read_text(encoding="utf-8"))["services"]) == 59
    assert any("jsonschema >= 4.18" in e for e in feedback.errors), feedback.errors


def test_qgis_process_exports_hsds(qgis_process, sample, tmp_path, shared_data):
    out = tmp_path / "cli.json"
    done = qgis_process(
        "run",
        "capacitymetro:export_hsds",
        "--",
        f"REGISTRY={sample.path}",
        f"OUTPUT_JSON={out}",
        "PUBLIC=false",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["services"]) == 59
    assert hsds.validate_hsds_document(doc, shared_data.parent / "hsds-3.0" / "schema") == []
    assert "internal_notes" in out.read_text(encoding="utf-8")  # PUBLIC=false keeps them
    assert "SERVICES:\t59" in done.stdout or "SERVICES: 59" in done.stdout


def test_build_sample_registry_algorithm(processing_provider, shared_data, tmp_path):
    import processing

    target = tmp_path / "sample.gpkg"
    result = processing.run(
        "capacitymetro:build_sample_registry",
        {"DATA_DIR": str(shared_data), "REGISTRY": str(target)},
    )
    assert result["SERVICES"] == 59 and result["REGISTRY"] == str(target)
    state = Registry.open(target).load()
    assert (
        len(state.services),
        len(state.organizations),
        len(state.practices),
        len(state.links),
    ) == (59, 54, 6, 5)


def test_geocode_registry_algorithm_equals_the_core(
    processing_provider, sample, tmp_path, shared_data
):
    import shutil

    import processing
    from capacitymetro_plugin.core.registry.geocode import geocode_registry

    pbf = shared_data / "osm_trento_2023-02_tnst.osm.pbf"
    door, core = tmp_path / "door.gpkg", tmp_path / "core.gpkg"
    shutil.copy(sample.path, door)
    shutil.copy(sample.path, core)
    result = processing.run(
        "capacitymetro:geocode_registry",
        {"REGISTRY": str(door), "OSM_EXTRACT": str(pbf), "OUTPUT": str(tmp_path / "geo.gpkg")},
    )
    expected = geocode_registry(Registry.open(core), osm_extract=pbf)
    # 5 Trento services placed; Venezia, Bari and Pioltello are outside the extract
    assert (
        (result["MATCHED"], result["UNMATCHED"])
        == (5, 45)
        == (
            expected.count("matched"),
            expected.count("unmatched"),
        )
    )
    rows, names = _rows(result["OUTPUT"])
    assert len(rows) == 59
    placed = {
        s.service_id: (s.lon, s.lat, s.location_source) for s in Registry.open(door).services()
    }
    assert placed == {
        s.service_id: (s.lon, s.lat, s.location_source) for s in Registry.open(core).services()
    }
    assert sum(v[2] == "geocoded:osm" for v in placed.values()) == 5


def test_geocode_registry_algorithm_broken_extract(processing_provider, sample, tmp_path):
    import shutil

    from qgis.core import QgsProcessingException

    import processing

    reg = tmp_path / "r.gpkg"
    shutil.copy(sample.path, reg)
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00garbage")
    Registry.open(reg)  # opening adds row_version to the sample (written without it) once
    before = _digest(reg)
    with pytest.raises(QgsProcessingException, match="broken.osm.pbf"):
        processing.run(
            "capacitymetro:geocode_registry",
            {"REGISTRY": str(reg), "OSM_EXTRACT": str(bad), "OUTPUT": "TEMPORARY_OUTPUT"},
        )
    assert _digest(reg) == before


def test_geocode_registry_algorithm_with_bus_stops(
    processing_provider, sample, tmp_path, shared_data
):
    """Stops of a whole feed, no area given: only Bari's services are placed (3), never a
    same-named street of another comune (a Trento "via della Croce" vs the Bari stop "Croce")."""
    import shutil

    import processing

    door = tmp_path / "door.gpkg"
    shutil.copy(sample.path, door)
    result = processing.run(
        "capacitymetro:geocode_registry",
        {
            "REGISTRY": str(door),
            "STOPS": str(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg"),
            "OUTPUT": str(tmp_path / "geo.gpkg"),
        },
    )
    placed = [s for s in Registry.open(door).services() if s.location_source == "geocoded:stops"]
    assert result["MATCHED"] == len(placed) == 3
    assert {s.comune_istat for s in placed} == {"072006"}


def test_registry_changes_is_the_command_lines_list(processing_provider, tmp_path):
    """'Registry changes since…' in Processing gives the rows of core changes_since, which the
    command line prints (one result whichever door): an update, a new link, a delete."""
    import datetime as dt
    import time

    import processing
    from capacitymetro_plugin.core.registry.changes import COLUMNS, changes_since
    from capacitymetro_plugin.core.registry.model import Practice, Service

    path = tmp_path / "r.gpkg"
    reg = Registry.create(path, editor="anna")
    bari = reg.add_service(Service(name="Porta Futuro", sectors=["work_training"],
                                   comune_istat="072006", capacity=10))  # fmt: skip
    ven = reg.add_service(Service(name="Sportello", sectors=["information"], comune_istat="027042"))
    sheet = reg.add_practice(Practice(title="Buona pratica"))
    time.sleep(1.1)
    since = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    reg.update_service(bari.service_id, capacity=20)
    reg.link(bari.service_id, sheet.practice_id)
    reg.delete_service(ven.service_id)
    out = tmp_path / "changes.gpkg"
    result = processing.run(
        "capacitymetro:registry_changes",
        {"REGISTRY": str(path), "SINCE": since, "AREA": "", "OUTPUT": str(out)},
    )
    rows, names = _rows(result["OUTPUT"])
    assert [n for n in names if n in COLUMNS] == list(COLUMNS)
    got = [{n: str(v) for n, v in zip(names, r) if n in COLUMNS} for r in rows]
    core = [{c: str(r[c]) for c in COLUMNS} for r in changes_since(reg, since)]
    assert got == core and result["CHANGES"] == len(core) == 3
    bari_only = processing.run(
        "capacitymetro:registry_changes",
        {"REGISTRY": str(path), "SINCE": since, "AREA": "072", "OUTPUT": str(tmp_path / "b.gpkg")},
    )
    assert bari_only["CHANGES"] == 2  # the update and the link
