"""``capacitymetro validate-hsds``: the command line's door to the core HSDS validator."""

from __future__ import annotations

import json

import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry


@pytest.fixture()
def exported(tmp_path):
    reg = Registry.create(tmp_path / "registry.gpkg")
    reg.add_services([Service(name="Sportello Immigrazione", sectors=["information"])])
    return hsds.export_hsds_json(reg, tmp_path / "hsds.json")


def test_valid_file_exits_0_and_names_the_shipped_schemas(exported, capsys):
    assert main(["validate-hsds", str(exported)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and str(hsds.hsds_schema_dir()) in out


def test_broken_file_exits_1_and_lists_each_error(exported, tmp_path, capsys, shared_data):
    doc = json.loads(exported.read_text(encoding="utf-8"))
    doc["services"][0]["status"] = "open"
    del doc["services"][0]["name"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["validate-hsds", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "services[0] status: 'open' is not one of" in out
    assert "'name' is a required property" in out and "2 schema errors" in out
    # another schema folder (here upstream's) is taken when given
    upstream = shared_data.parent / "hsds-3.0" / "schema"
    assert main(["validate-hsds", str(broken), "--schema-dir", str(upstream)]) == 1
    assert str(upstream) in capsys.readouterr().out


def test_a_folder_without_schemas_is_an_input_error(exported, tmp_path, capsys):
    assert main(["validate-hsds", str(exported), "--schema-dir", str(tmp_path)]) == 2
    assert "No HSDS schema service.json" in capsys.readouterr().err
