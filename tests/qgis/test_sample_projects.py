"""Sample projects: build the Trento and Bari .qgz from the real data, reopen them in QGIS."""

from __future__ import annotations

import importlib.util
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_sample_project", REPO / "sample_projects" / "build_sample_project.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reopen(path: Path):
    from qgis.core import QgsProject

    project = QgsProject()
    assert project.read(str(path)), project.error()
    return project


def test_trento_project_opens_with_valid_layers_and_layout(qgis_app, shared_data, tmp_path):
    out = tmp_path / "sample_trento"
    path = _builder().build_project("trento", shared_data, out)
    assert path == out / "capacitymetro_trento.qgz" and path.exists()
    with zipfile.ZipFile(path) as z:
        qgs = z.read(next(n for n in z.namelist() if n.endswith(".qgs"))).decode()
    assert "./registry.gpkg" in qgs and "./capacitymetro.gpkg" in qgs  # relative paths

    project = _reopen(path)
    layers = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    assert all(lyr.isValid() for lyr in layers.values()), [
        n for n, v in layers.items() if not v.isValid()
    ]
    services = layers["Services / Servizi"]
    assert services.featureCount() == 59  # the whole sample registry (four cities)
    assert services.renderer().type() == "categorizedSymbol"  # registry_services.qml
    assert services.renderer().classAttribute().startswith("trim(regexp_substr")
    assert layers["Good practices / Buone pratiche"].featureCount() >= 1
    iso = layers["Time walking to the nearest service / Tempo a piedi al servizio più vicino"]
    assert iso.featureCount() == 5 and iso.renderer().type() == "graduatedSymbol"
    gaps = layers[
        "Gap areas (touching cells beyond 15 min) / Aree scoperte (celle contigue oltre 15 min)"
    ]
    assert gaps.subsetString() == "\"sector\" = 'all'" and gaps.featureCount() > 0
    assert "Residents per cell / Residenti per cella" in layers

    [layout] = project.layoutManager().layouts()
    for item_id in ("title", "subtitle", "map", "legend", "scalebar", "north_arrow", "sources"):
        assert layout.itemById(item_id) is not None, item_id
    assert len(layout.itemById("map").layers()) >= 3

    from capacitymetro_plugin.maps.layout import export_layout

    pdf = tmp_path / "trento_from_project.pdf"
    export_layout(layout, pdf, dpi=100)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Services for migrants: walking access" in text and "Comune di Trento" in text
    assert "0–5 min" in text and "Reception Accoglienza" in text
    assert "OpenStreetMap contributors (ODbL)" in text


def test_bari_project_has_services_to_place(qgis_app, shared_data, tmp_path):
    path = _builder().build_project("bari", shared_data, tmp_path / "sample_bari")
    project = _reopen(path)
    layers = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    assert all(lyr.isValid() for lyr in layers.values())
    services = layers["Services / Servizi"]
    bari = [f for f in services.getFeatures() if f["comune_istat"] == "072006"]
    # 3 placed from bus-stop names (approximate, geocoded:stops), 11 to place in the dock
    placed = [f for f in bari if not f.geometry().isNull()]
    assert len(bari) == 14 and len(placed) == 3
    assert {f["location_source"] for f in placed} == {"geocoded:stops"}
    assert layers["Bus stops (AMTAB 2022)"].featureCount() == 1122
    # with services placed, the project holds the coverage layers, not the population-only grid
    assert len(layers) > 5
    summary = (tmp_path / "sample_bari" / "summary.html").read_text()
    assert "11 services of the area have no coordinates yet" in summary


def test_venezia_project_has_osm_candidates_and_islands(qgis_app, shared_data, tmp_path):
    path = _builder().build_project("venezia", shared_data, tmp_path / "sample_venezia")
    project = _reopen(path)
    layers = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    assert all(lyr.isValid() for lyr in layers.values())
    # verified services only: the 2009 OSM candidates are in the registry layer, to verify
    assert "OSM POIs used as services" not in layers
    services = layers["Services / Servizi"]
    statuses = [f["status"] for f in services.getFeatures()]
    assert statuses.count("to_verify") == 7  # 8 candidates of the 2009 extract, 1 already there
    assert "Redentore" not in " ".join(str(f["name"]) for f in services.getFeatures())
    zones = layers["Foreign residents within 10 min (%) / Stranieri residenti entro 10 min (%)"]
    assert zones.featureCount() > 100  # one row per island with residents
    assert zones.renderer().classAttribute() == "foreign_served_pct"
