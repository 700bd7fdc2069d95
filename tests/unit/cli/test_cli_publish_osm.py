"""``capacitymetro publish --osm``: the command line's site ranks "near me" by walking time,
the same walk grid the pipeline's step_bussola writes (real Trento extract)."""

from __future__ import annotations

import json
from pathlib import Path

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.bussola import publish
from capacitymetro_plugin.core.bussola.walk import cell_of
from capacitymetro_plugin.core.network import network_from_osm
from capacitymetro_plugin.core.registry.registry import Registry, Service

TRENTO_PBF = "osm_trento_2023-02_tnst.osm.pbf"


def _walk(folder: Path) -> dict:
    text = (folder / "data" / "walk.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.BUSSOLA_WALK=") :].rstrip().rstrip(";"))


def test_publish_osm_equals_pipeline_walk_grid(tmp_path, shared_data):
    PBF = shared_data / TRENTO_PBF
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_services(
        [
            # Piazza Duomo and the station, Trento
            Service(name="Sportello", sectors=["information"], lon=11.1215, lat=46.0670),
            Service(name="Consultorio", sectors=["health"], lon=11.1196, lat=46.0722),
        ]
    )
    assert (
        main(
            [
                "publish",
                "--registry",
                str(tmp_path / "r.gpkg"),
                "--out",
                str(tmp_path / "cli"),
                "--no-zip",
                "--osm",
                str(PBF),
            ]
        )
        == 0
    )
    cli = _walk(tmp_path / "cli")
    # step_bussola: publish(network=<step_network's walk network>, osm_file=<extract>)
    res = publish(
        Registry.open(tmp_path / "r.gpkg"),
        tmp_path / "pipe",
        make_zip=False,
        network=network_from_osm(PBF, mode="walk"),
        osm_file=PBF,
    )
    assert res.within_budget
    assert cli == _walk(tmp_path / "pipe")
    # real numbers: at a service's own cell it is a minute or two on foot (measured 0.6 and
    # 1.7), and the two, ~600 m apart, are about 10 minutes from each other (measured 9.7, 10.0)
    text = (tmp_path / "cli" / "data" / "services.js").read_text(encoding="utf-8")
    data = json.loads(text[len("window.BUSSOLA_DATA=") :].rstrip().rstrip(";"))
    row = {s["name"]: cli["tenths_min"][cli["ids"].index(s["id"])] for s in data["services"]}
    grid = cli["grid"]
    duomo = cell_of(grid, 11.1215, 46.0670)
    station = cell_of(grid, 11.1196, 46.0722)
    assert 0 <= row["Sportello"][duomo] <= 30 and 0 <= row["Consultorio"][station] <= 30
    assert 70 <= row["Sportello"][station] <= 130 and 70 <= row["Consultorio"][duomo] <= 130
