"""The Processing model of the pipeline loads, validates and runs on real Venice data."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "processing" / "capacitymetro_pipeline.model3"
pytestmark = pytest.mark.realdata


def _zones(shared_data: Path, out: Path) -> str:
    """The 2011 islands with a foreign-residents column (10 % of residents: a test value)."""
    import geopandas as gpd

    from capacitymetro_plugin.core import gio

    islands = gpd.read_file(
        shared_data / "venezia_isole_popolazione_2011_vpc.gpkg", layer="isole_centro_storico"
    )
    islands["foreign"] = islands["sum_pop_11"] * 0.1
    path = out / "islands.gpkg"
    gio.write_vector(islands, path, layer="islands")
    return f"{path}|layername=islands"


def _params(shared_data: Path, out: Path) -> dict:
    return {
        "osm_extract": str(shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf"),
        "services": f"{shared_data / 'osm_servizi_venezia_cs_2009.gpkg'}|layername=pois",
        "zones": _zones(shared_data, out),
        "zone_id_field": "Codice",
        "residents_field": "sum_pop_11",
        "foreign_field": "foreign",
        "thresholds": "5,10,15",
        "standard": 10,
        "title": "Venezia: services within walking distance",
        # model outputs are named "<child id>:<output name>"
        "isochrones:Isochrones": str(out / "isochrones.gpkg"),
        "coverage:Coverage per zone": str(out / "coverage.gpkg"),
        "coverage:Gap areas": str(out / "gaps.gpkg"),
        "coverage_map:Coverage map (PDF)": str(out / "map.pdf"),
    }


def test_model_file_loads_and_validates(processing_provider):
    from qgis.core import QgsProcessingModelAlgorithm

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    ok, errors = model.validate()
    assert ok, errors
    children = {c.algorithmId() for c in model.childAlgorithms().values()}
    assert children == {
        "capacitymetro:preparenetwork",
        "capacitymetro:serviceisochrones",
        "capacitymetro:coveragepercomune",
        "capacitymetro:exportcoveragemap",
    }


def test_model_runs_on_venice(processing_provider, shared_data, tmp_path):
    import geopandas as gpd
    from qgis.core import QgsApplication, QgsProcessingModelAlgorithm

    import processing

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    names = {d.name() for d in model.parameterDefinitions()}
    params = _params(shared_data, tmp_path)
    assert set(params) == names, names
    result = processing.run(model, params)
    assert Path(result["coverage_map:Coverage map (PDF)"]).exists()
    iso = gpd.read_file(result["isochrones:Isochrones"])
    assert sorted(iso["threshold_min"]) == [5, 10, 15]
    coverage = gpd.read_file(result["coverage:Coverage per zone"])
    islands = gpd.read_file(
        shared_data / "venezia_isole_popolazione_2011_vpc.gpkg", layer="isole_centro_storico"
    )
    # the grid keeps every island's residents (60,746 in 2011); cells are given to the island
    # holding their centre, so a few tiny islands' people land in cells centred on water
    census = islands["sum_pop_11"].sum()
    assert census == 60746
    assert 0.98 * census <= coverage["pop_total"].sum() <= census + 1e-6
    assert len(coverage) > 100  # most of the 125 islands get a row
    gaps = gpd.read_file(result["coverage:Gap areas"])
    assert len(gaps) >= 1
    text = subprocess.run(
        ["pdftotext", result["coverage_map:Coverage map (PDF)"], "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Venezia: services within walking distance" in " ".join(text.split())
    del QgsApplication


def test_run_many_areas_script_with_qgis_process(qgis_process_env, shared_data, tmp_path):
    """The batch example runs the model through the real qgis_process for Venice."""
    env = dict(qgis_process_env)  # QGIS_PROCESS: the binary conftest.py found
    result = subprocess.run(
        [
            "bash",
            str(REPO / "processing" / "run_many_areas.sh"),
            "--data",
            str(shared_data),
            "--out",
            str(tmp_path),
            "venezia",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    import geopandas as gpd

    out = tmp_path / "venezia"
    coverage = gpd.read_file(out / "coverage.gpkg")
    assert list(coverage["com_istat_code"]) == ["027042"]
    import pandas as pd

    istat = pd.read_csv(
        shared_data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype={"com_istat_code": str}
    )
    residents = istat.loc[istat["com_istat_code"] == "027042", "pop_total"].iloc[0]
    assert coverage["pop_total"].iloc[0] == pytest.approx(residents, abs=1)
    assert (out / "map.pdf").stat().st_size > 10_000
    assert len(gpd.read_file(out / "isochrones.gpkg")) >= 1


def test_run_many_areas_script_says_where_data_is_missing(tmp_path):
    result = subprocess.run(
        [
            "bash",
            str(REPO / "processing" / "run_many_areas.sh"),
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "trento",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "osm_trento_2023-02_tnst.osm.pbf not found: pass --data DIR" in result.stderr
