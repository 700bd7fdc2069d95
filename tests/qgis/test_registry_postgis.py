"""A PostGIS registry written by the engine is a normal editable PostGIS layer in QGIS."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        reason="PostgreSQL server binaries are not installed",
    ),
]


@pytest.fixture(scope="module")
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = tempfile.mkdtemp(prefix="capacitymetro-registry-pg-")
    script = REPO / "scripts" / "start_postgis.sh"
    done = subprocess.run(
        [str(script), root, str(port)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    try:
        yield done.stdout.strip(), port
    finally:
        subprocess.run([str(script), "--stop", root], capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", root], check=False)


def test_postgis_services_layer_is_editable_in_qgis(qgis_app, server):
    from qgis.core import QgsDataSourceUri, QgsVectorLayer

    dsn, port = server
    reg = PostgisRegistry.create(dsn, schema="qgis_edit")
    s = reg.add_service(Service(name="Cinformi", sectors=["information"], lon=11.1197, lat=46.0930))
    uri = QgsDataSourceUri()
    uri.setConnection("127.0.0.1", str(port), "registry", "postgres", "")
    uri.setDataSource("qgis_edit", "services", "geom", "", "ogc_fid")
    layer = QgsVectorLayer(uri.uri(False), "services", "postgres")
    assert layer.isValid()
    assert layer.crs().authid() == "EPSG:4326" and layer.featureCount() == 1
    assert layer.startEditing()
    feat = next(layer.getFeatures())
    assert feat["service_id"] == s.service_id
    assert layer.changeAttributeValue(feat.id(), layer.fields().indexOf("languages"), "it;en;ar")
    assert layer.commitChanges(), layer.commitErrors()
    assert PostgisRegistry.open(dsn, schema="qgis_edit").get_service(s.service_id).languages == [
        "it",
        "en",
        "ar",
    ]
