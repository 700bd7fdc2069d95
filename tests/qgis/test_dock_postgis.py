"""The dock on a PostGIS registry: the same layer API, so list, filter, set location and save work.

A throwaway PostgreSQL 15 + PostGIS cluster is started on a private Unix socket; the registry
GeoPackage built from the real services is copied into it with ogr2ogr.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

PG_BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)
PORT = "54329"


def as_postgres(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def pg_services_layer(sock, schema: str, *, user: str = "postgres"):
    """The ``services`` table of ``schema`` on the test cluster as a QGIS PostGIS layer."""
    from qgis.core import QgsDataSourceUri, QgsVectorLayer

    uri = QgsDataSourceUri()
    uri.setConnection(str(sock), PORT, "registry", user, "")
    uri.setDataSource(schema, "services", "geom", "", "ogc_fid")
    return QgsVectorLayer(uri.uri(False), "services", "postgres")


@pytest.fixture(scope="module")
def postgis():
    """Start a cluster owned by the postgres user in a temporary folder; yield (socket dir, db)."""
    assert PG_BIN is not None, "PostgreSQL is not installed (scripts/debian-packages.txt)"
    root = Path(tempfile.mkdtemp(prefix="capacitymetro-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    shutil.chown(sock, "postgres", "postgres")
    r = as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    assert r.returncode == 0, r.stderr
    r = as_postgres(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "log"),
        "-w",
        "start",
        "-o",
        f"-p {PORT} -k {sock} -c listen_addresses=''",
    )
    assert r.returncode == 0, r.stderr + (root / "log").read_text()
    try:
        psql = [
            str(PG_BIN / "psql"),
            "-h",
            str(sock),
            "-p",
            PORT,
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
        ]
        assert as_postgres(*psql, "-c", "CREATE DATABASE registry").returncode == 0
        r = as_postgres(*psql, "-d", "registry", "-c", "CREATE EXTENSION postgis")
        assert r.returncode == 0, r.stderr
        yield sock, psql
    finally:
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_dock_edits_a_postgis_registry(postgis, qgis_app, qgis_iface, tmp_path, shared_data):
    from qgis.core import QgsPointXY, QgsProject

    from capacitymetro_plugin.core.registry.model import Practice
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.core.registry.sample import sample_services
    from capacitymetro_plugin.gui.dock import RegistryDock

    sock, psql = postgis
    services, _, _ = sample_services(shared_data)
    reg = Registry.create(tmp_path / "registry.gpkg")
    reg.add_services(services)
    casa = next(s for s in services if s.name.startswith("Casa delle Culture"))
    sheet = reg.add_practice(
        Practice(title="Sheet in PostGIS", place="Bari", link="https://example.org/sheet")
    )
    reg.link(casa.service_id, sheet.practice_id)
    r = subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "PostgreSQL",
            f"PG:host={sock} port={PORT} dbname=registry user=postgres",
            str(reg.path),
            "services",
            "practices",
            "service_practices",
            "-lco",
            "GEOMETRY_NAME=geom",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr

    layer = pg_services_layer(sock, "public")
    assert layer.isValid() and layer.featureCount() == 59
    QgsProject.instance().addMapLayer(layer)
    dock = RegistryDock(qgis_iface.mapCanvas())
    try:
        assert dock.layer is layer
        dock.set_filter(comune="Bari")
        assert len(dock.visible_fids()) == 14
        assert dock.count_label.text() == "14 of 59 services · 14 without location"
        fid = next(f.id() for f in layer.getFeatures() if f["service_id"] == casa.service_id)
        dock.select_fid(fid, zoom=False)
        assert dock.practice_list.count() == 1  # read from the sibling PostGIS table
        assert dock.sheet_url().toString() == "https://example.org/sheet"
        dock.canvas.setDestinationCrs(layer.crs())
        dock.start_set_location()
        dock.handle_map_click(QgsPointXY(16.8701, 41.1199))
        assert dock.save_changes(), layer.commitErrors()
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
        dock.deleteLater()
    sql = f"SELECT ST_X(geom), ST_Y(geom), updated_at FROM services WHERE service_id = '{casa.service_id}'"
    out = as_postgres(*psql, "-d", "registry", "-At", "-c", sql)
    assert out.returncode == 0, out.stderr
    x, y, updated = out.stdout.strip().split("|")
    assert abs(float(x) - 16.8701) < 1e-9 and abs(float(y) - 41.1199) < 1e-9
    stored = reg.get_service(casa.service_id)  # the GeoPackage copy: untouched, older stamp
    assert stored.lon is None and updated >= stored.updated_at
