"""Vector I/O works with either engine: fiona (Debian's, today's default) or pyogrio (a QGIS
whose Python has no fiona). Both are installed on the test machine; each test runs with both."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict

import geopandas as gpd
import pytest
import shapely

from capacitymetro_plugin.batch import pipeline
from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.registry import Registry


@pytest.fixture(params=gio.ENGINES)
def engine(request, monkeypatch):
    monkeypatch.setattr(gio, "ENGINE", request.param)
    return request.param


def _points(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(n)], "count": list(range(n))},
        geometry=[shapely.Point(11 + i / 100, 46) for i in range(n)],
        crs="EPSG:4326",
    )


def _gpkg_version(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_write_read_replace_layer_keep_others(tmp_path, engine):
    path = tmp_path / "out.gpkg"
    gio.write_vector(_points(3), path, layer="a")
    gio.write_vector(_points(2), path, layer="b")
    gio.write_vector(_points(5), path, layer="a")  # replaces a, keeps b
    assert sorted(gio.list_layers(path)) == ["a", "b"]
    a = gio.read_vector(path, layer="a")
    assert list(a["name"]) == [f"p{i}" for i in range(5)] and list(a["count"]) == list(range(5))
    assert a.crs.to_epsg() == 4326 and len(gio.read_vector(path, layer="b")) == 2
    # QGIS 3.22 (GDAL 3.6) reads GeoPackage 1.2 without a warning; pyogrio's wheel would write 1.4
    assert _gpkg_version(path) <= 10200


def test_registry_files_are_the_same_whichever_engine_wrote_them(tmp_path, monkeypatch):
    states, schemas = {}, {}
    for name in gio.ENGINES:
        monkeypatch.setattr(gio, "ENGINE", name)
        reg = Registry.create(tmp_path / f"{name}.gpkg")
        reg.add_services([storage.Service(name="Sportello", capacity=3, lon=11.1, lat=46.0)])
        states[name] = storage.read_state(reg.path)
        with sqlite3.connect(reg.path) as db:
            schemas[name] = {
                table: db.execute(f"SELECT name, type FROM pragma_table_info('{table}')").fetchall()
                for table in storage.LAYERS
            }
    fiona_state, pyogrio_state = states["fiona"], states["pyogrio"]
    assert [s.name for s in fiona_state.services.values()] == ["Sportello"]

    def comparable(state):  # ids and timestamps differ between two creations
        drop = {"service_id", "created_at", "updated_at"}
        return [
            {k: v for k, v in asdict(s).items() if k not in drop} for s in state.services.values()
        ]

    assert comparable(fiona_state) == comparable(pyogrio_state)
    assert schemas["fiona"] == schemas["pyogrio"]  # same columns, same SQLite types


def test_osm_extract_is_read_with_either_engine(tmp_path, engine):
    osm = tmp_path / "tiny.osm"
    osm.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="46.0" lon="11.0"/><node id="2" lat="46.001" lon="11.001"/>'
        '<node id="3" lat="46.002" lon="11.0"/>'
        '<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>'
        '<way id="11"><nd ref="2"/><nd ref="3"/><tag k="waterway" v="stream"/></way>'
        "</osm>"
    )
    lines = pipeline._read_lines(osm, None)
    assert list(lines["highway"]) == ["residential"]  # the stream is not a street


def test_engine_is_fiona_when_installed_and_can_be_forced(monkeypatch):
    monkeypatch.delenv("CAPACITYMETRO_IO_ENGINE", raising=False)
    assert gio.choose_engine() == "fiona"  # Debian's fiona, built on QGIS's GDAL
    monkeypatch.setenv("CAPACITYMETRO_IO_ENGINE", "pyogrio")
    assert gio.choose_engine() == "pyogrio"
    monkeypatch.setenv("CAPACITYMETRO_IO_ENGINE", "ogr2ogr")
    with pytest.raises(Exception, match="fiona or pyogrio"):
        gio.choose_engine()


@pytest.mark.parametrize(
    ("xy", "label", "named"),
    [
        ((664_000.0, 5_103_000.0), "EPSG:4326", "they are metres in another CRS"),
        ((11.12, 46.07), "EPSG:32632", "they look like longitude and latitude in degrees"),
    ],
)
def test_coordinates_that_cannot_be_in_the_declared_crs_are_named(tmp_path, xy, label, named):
    """Trento in UTM metres labelled WGS84, and in degrees labelled UTM: a named CrsError with
    the fix (assign, do not reproject), not a traceback in a later step."""
    import geopandas as gpd
    from shapely.geometry import Point

    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.core.errors import CrsError

    path = tmp_path / "zones.gpkg"
    gdf = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[Point(*xy), Point(xy[0] + 0.01, xy[1] + 0.01)], crs=label
    )
    gdf.to_file(path, layer="zones", engine=gio.ENGINE)
    with pytest.raises(CrsError) as err:
        gio.read_vector(path, layer="zones")
    assert named in err.value.message and "zones.gpkg (layer zones)" in err.value.message
    assert "-a_srs" in err.value.fix and err.value.message_it != err.value.message
    right = gdf.set_crs("EPSG:32632" if label == "EPSG:4326" else "EPSG:4326", allow_override=True)
    right.to_file(tmp_path / "ok.gpkg", layer="zones", engine=gio.ENGINE)
    assert len(gio.read_vector(tmp_path / "ok.gpkg", layer="zones")) == 2
