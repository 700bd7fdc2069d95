"""A truncated or broken .osm.pbf is a named error before any reader uses part of it.

Oracle: osmium (`osmium fileinfo -e` reads every block and fails on a cut file). GDAL's OSM
driver itself reads such a file in part without an error, which is what the check is for.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.osm_pbf import check_osm_pbf

OSMIUM = shutil.which("osmium")


@pytest.fixture(scope="module")
def trento(shared_data) -> Path:
    return shared_data / "osm_trento_2023-02_tnst.osm.pbf"


def _osmium_reads(path: Path) -> bool:
    done = subprocess.run([OSMIUM, "fileinfo", "-e", str(path)], capture_output=True)
    return done.returncode == 0


def test_a_complete_extract_passes(trento):
    blocks = check_osm_pbf(trento)
    assert blocks >= 2  # the OSMHeader and at least one OSMData block
    if OSMIUM:
        assert _osmium_reads(trento)


@pytest.mark.skipif(OSMIUM is None, reason="osmium is the oracle")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fraction=st.floats(min_value=0.0001, max_value=0.9999))
def test_a_cut_file_fails_exactly_when_osmium_fails(tmp_path, trento, fraction):
    data = trento.read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    ours_ok = True
    try:
        check_osm_pbf(cut)
    except InputError as err:
        ours_ok = False
        assert "truncated" in err.message or "not a valid" in err.message
        assert err.message_it and err.fix
    assert ours_ok == _osmium_reads(cut)


def test_half_a_file_names_the_missing_bytes(tmp_path, trento):
    data = trento.read_bytes()
    cut = tmp_path / "trento.osm.pbf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        check_osm_pbf(cut)
    assert "trento.osm.pbf is truncated" in err.value.message
    assert "bytes missing" in err.value.message and "troncato" in err.value.message_it


@pytest.mark.parametrize(
    "content",
    [b"", b"<?xml version='1.0'?><osm></osm>", b"\x00\x00\x00\x0dnot a header!", b"PK\x03\x04zip"],
)
def test_what_is_not_a_pbf_is_named(tmp_path, content):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(content)
    with pytest.raises(InputError) as err:
        check_osm_pbf(bad)
    assert "bad.osm.pbf" in err.value.message


def test_the_readers_refuse_a_cut_file(tmp_path, trento):
    """The CLI's street reader (population weights) and the registry's OSM reader."""
    from capacitymetro_plugin.batch.pipeline import _read_lines
    from capacitymetro_plugin.core.registry.osm_read import read_osm_file

    data = trento.read_bytes()
    cut = tmp_path / "streets.osm.pbf"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    for read in (lambda: _read_lines(cut, None), lambda: read_osm_file(cut)):
        with pytest.raises(InputError, match="is truncated"):
            read()
