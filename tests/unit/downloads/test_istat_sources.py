"""ISTAT downloads on fetch: census sections, section variables, STRASA, citizenship.

A real HTTP server on 127.0.0.1 serves files the test makes in ISTAT's published layout, at
ISTAT's URL paths: a region's basi territoriali zip (shapefile in EPSG:32632, SEZ21_ID and
PRO_COM) and the CSV of variables per section. Cache, provenance, offline, truncation, 404.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from httpfixtures import Behaviour, Server
from shapely.geometry import box

from capacitymetro_plugin.core.downloads import DownloadError, provenance, sidecar
from capacitymetro_plugin.core.errors import DataUnavailableError
from capacitymetro_plugin.core.population import read_strasa
from capacitymetro_plugin.core.population.sections import (
    download_foreign_by_comune,
    download_section_variables,
    download_sections,
    read_sections,
    sections_url,
)

sys.path.insert(0, str(Path(__file__).parents[1] / "population"))
from sectionfixtures import section_id, write_boundaries, write_variables  # noqa: E402

TRENTO = "022205"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))


@pytest.fixture()
def published(tmp_path):
    """The bytes of R04_21.zip (3 sections) and of the variables CSV."""
    geoms = [box(664_000 + 400 * i, 5_103_000, 664_400 + 400 * i, 5_103_400) for i in range(3)]
    layer = gpd.GeoDataFrame(
        {"SEZ21_ID": [section_id(TRENTO, i + 1) for i in range(3)], "PRO_COM": [22205] * 3},
        geometry=geoms,
        crs=32632,
    )
    zipped = write_boundaries(layer, tmp_path / "made")
    rows = [
        {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, i + 1), "P1": p, "ST1": f}
        for i, (p, f) in enumerate([(500, 90), (320, 12), (80, 0)])
    ]
    table = write_variables(rows, tmp_path / "made" / "R04_indicatori_2021_sezioni.csv")
    return zipped.read_bytes(), table.read_bytes()


def _path(url: str) -> str:
    return urllib.parse.urlparse(url).path


def test_sections_and_variables_download_cache_and_read(published, tmp_path):
    shp, csv = published
    real = sections_url(4)  # the istat.it pattern; served here at the same path
    files = {_path(real): shp, "/variabili/R04_indicatori_2021_sezioni.csv": csv}
    with Server(Behaviour(files=files)) as s:
        zipped = download_sections(4, url=s.url(_path(real)))
        table = download_section_variables(s.url("/variabili/R04_indicatori_2021_sezioni.csv"))
        asked = len(s.behaviour.requests)
    assert zipped == tmp_path / "cache" / "istat" / "sections" / "R04_21.zip"
    assert zipped.read_bytes() == shp and zipfile.is_zipfile(zipped)
    side = json.loads(sidecar(zipped).read_text())
    assert side["licence"].startswith("CC-BY 4.0") and "basi territoriali" in side["source"]
    assert side["bytes"] == len(shp) and provenance(table).bytes == len(csv)
    assert asked == 2
    # offline, with the server gone: the cache
    assert download_sections(4, url="http://127.0.0.1:9/R04_21.zip", offline=True).name == (
        "R04_21.zip"
    )
    zones = read_sections(zipped, table, comuni=[TRENTO])
    assert zones["residents"].tolist() == [500, 320, 80]
    assert zones["foreign"].tolist() == [90, 12, 0]


def test_offline_without_the_file_names_it(tmp_path):
    with pytest.raises(DataUnavailableError) as err:
        download_sections(5, offline=True)
    msg = str(err.value)
    assert "R05_21.zip" in msg and "--offline" in msg and sections_url(5) in msg
    assert "non è nella cache" in err.value.localized("it")


def test_truncated_and_missing_downloads_are_named_errors(published, tmp_path):
    shp, _ = published
    # a server that drops every body half-way and ignores Range: never a half file in the cache
    b = Behaviour(files={"/R04_21.zip": shp}, ranges=False, drop_after=len(shp) // 2, drops=9)
    with Server(b) as s, pytest.raises(DownloadError, match="truncated"):
        download_sections(4, url=s.url("/R04_21.zip"))
    assert not (tmp_path / "cache" / "istat" / "sections" / "R04_21.zip").exists()
    with Server(Behaviour(files={})) as s, pytest.raises(DownloadError, match="HTTP 404"):
        download_section_variables(s.url("/variabili/nothing.csv"))


def test_strasa_by_comune_on_fetch(shared_data, tmp_path):
    """The real STRASA province file, served under the demo.istat.it name of the comuni one."""
    body = (shared_data / "istat_stranieri_eta_sesso_province_2022.csv").read_bytes()
    with Server(Behaviour(files={"/data/strasa/STRASA_2022_it_Comuni.zip": body})) as s:
        path = download_foreign_by_comune(2022, url=s.url("/data/strasa/STRASA_2022_it_Comuni.zip"))
    assert path.name == "STRASA_2022_it_Comuni.zip" and path.read_bytes() == body
    assert "STRASA 2022" in provenance(path).source
    # the file as downloaded reads like the local one
    renamed = tmp_path / "strasa.csv"
    renamed.write_bytes(path.read_bytes())
    assert (
        read_strasa(renamed).totals()["total"].sum()
        == read_strasa(shared_data / "istat_stranieri_eta_sesso_province_2022.csv")
        .totals()["total"]
        .sum()
    )
