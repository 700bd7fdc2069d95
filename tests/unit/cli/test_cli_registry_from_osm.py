"""``capacitymetro registry from-osm``: the command line's door to registry_from_osm."""

from __future__ import annotations

import json

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.registry.registry import Registry

ELEMENTS = [
    {
        "type": "node",
        "id": 1,
        "lat": 46.07,
        "lon": 11.12,
        "tags": {"amenity": "townhall", "name": "Municipio"},
    },
    {
        "type": "node",
        "id": 2,
        "lat": 46.08,
        "lon": 11.13,
        "tags": {"amenity": "place_of_worship", "name": "Duomo"},
    },
]


def test_from_overpass_adds_to_verify_and_reports(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    src = tmp_path / "overpass.json"
    src.write_text(json.dumps({"elements": ELEMENTS}), encoding="utf-8")
    reg = tmp_path / "registry.gpkg"
    argv = ["registry", "from-osm", "--overpass", str(src), "--registry", str(reg)]
    assert main([*argv, "--dry-run"]) == 0
    assert "Nothing written (dry run)" in capsys.readouterr().out and not reg.exists()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1 new, 0 duplicates" in out and "1 × Places of worship" in out
    [service] = Registry.open(reg).services()
    assert (service.name, service.status, service.source_url) == (
        "Municipio",
        "to_verify",
        "osm:node/1",
    )
    assert main(argv) == 0
    assert "0 new, 1 duplicates" in capsys.readouterr().out


def test_malformed_json_exits_2_in_italian(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    src = tmp_path / "rotto.json"
    src.write_text("{", encoding="utf-8")
    reg = tmp_path / "registry.gpkg"
    assert main(["registry", "from-osm", "--overpass", str(src), "--registry", str(reg)]) == 2
    err = capsys.readouterr().err
    assert "non è JSON valido" in err and "Traceback" not in err
    assert not reg.exists()
