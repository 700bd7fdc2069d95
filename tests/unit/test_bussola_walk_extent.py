"""A registry of several cities published with one city's streets: "near me" by walking time is
computed for the services the network reaches, on a grid around them only (not one across the
country), and the others stay listed, ranked by distance. Real Trento extract, clipped once."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from capacitymetro_plugin.core.bussola import publish
from capacitymetro_plugin.core.network import network_from_osm
from capacitymetro_plugin.core.registry.registry import Registry, Service

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(shutil.which("osmium") is None, reason="osmium-tool is not installed"),
]

TRENTO = [  # Piazza Duomo and the station
    Service(name="Sportello", sectors=["information"], lon=11.1215, lat=46.0670),
    Service(name="Consultorio", sectors=["health"], lon=11.1196, lat=46.0722),
]
ELSEWHERE = [
    Service(name="Porta Futuro Bari", sectors=["work_training"], lon=16.8700, lat=41.1200),
    Service(name="Sportello Milano", sectors=["information"], lon=9.1900, lat=45.4640),
]


def _js(folder: Path, name: str, var: str) -> dict:
    text = (folder / "data" / name).read_text(encoding="utf-8")
    return json.loads(text[len(f"window.{var}=") :].rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def centre(tmp_path_factory, shared_data):
    """Trento's centre (the walking network of a ~2 km box), built once."""
    out = tmp_path_factory.mktemp("osm") / "centre.osm.pbf"
    subprocess.run(
        ["osmium", "extract", "-b", "11.105,46.055,11.135,46.085", "-o", str(out),
         str(shared_data / "osm_trento_2023-02_tnst.osm.pbf")],
        check=True, capture_output=True,
    )  # fmt: skip
    return out, network_from_osm(out, mode="walk")


def test_walk_grid_covers_the_network_not_the_country(tmp_path, centre):
    osm, net = centre
    both = Registry.create(tmp_path / "both.gpkg")
    both.add_services([*TRENTO, *ELSEWHERE])
    only = Registry.create(tmp_path / "only.gpkg")
    only.add_services(TRENTO)
    a = publish(both, tmp_path / "a", make_zip=False, network=net, pdfs=False)
    b = publish(only, tmp_path / "b", make_zip=False, network=net, pdfs=False)
    walk_a = _js(a.folder, "walk.js", "BUSSOLA_WALK")
    walk_b = _js(b.folder, "walk.js", "BUSSOLA_WALK")
    names = {s["id"]: s["name"] for s in _js(a.folder, "services.js", "BUSSOLA_DATA")["services"]}
    assert sorted(names[i] for i in walk_a["ids"]) == ["Consultorio", "Sportello"]
    # the same grid and minutes as a registry of Trento's services alone
    assert walk_a["grid"] == walk_b["grid"]
    assert walk_a["tenths_min"] == [
        walk_b["tenths_min"][walk_b["ids"].index(i)]
        for i in walk_a["ids"]
        if names[i] in {s.name for s in TRENTO}
    ]
    assert walk_a["grid"]["nx"] * walk_a["grid"]["ny"] < 2_000  # a few km², not Italy
    assert set(names.values()) >= {"Porta Futuro Bari", "Sportello Milano"}  # still listed
    assert a.within_budget and a.walking_times
