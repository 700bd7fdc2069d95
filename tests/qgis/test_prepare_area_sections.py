"""Prepare analysis area with census sections: the Processing door gives the core's zones."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "population"))
from sectionfixtures import section_id, write_boundaries, write_variables  # noqa: E402

TRENTO = "022205"


def _files(folder: Path):
    geoms = [box(664_000 + 400 * i, 5_103_000, 664_400 + 400 * i, 5_103_400) for i in range(3)]
    layer = gpd.GeoDataFrame(
        {"SEZ21_ID": [section_id(TRENTO, i + 1) for i in range(3)], "PRO_COM": [22205] * 3},
        geometry=geoms,
        crs=32632,
    )
    rows = [
        {"PROCOM": TRENTO, "SEZ21_ID": section_id(TRENTO, i + 1), "P1": p, "ST1": f}
        for i, (p, f) in enumerate([(500, 90), (320, 12), (80, 0)])
    ]
    return write_boundaries(layer, folder), write_variables(rows, folder / "vars.csv")


def test_prepare_area_with_sections_matches_the_core(processing_provider, tmp_path):
    from qgis.core import QgsProcessingException

    import processing
    from capacitymetro_plugin.core.population.sections import section_zones

    zipped, table = _files(tmp_path)
    result = processing.run(
        "capacitymetro:preparearea",
        {
            "AREA": "comune:Trento",
            "SECTIONS": str(zipped),
            "SECTION_VARIABLES": str(table),
            "OUTPUT": str(tmp_path / "s.gpkg"),
        },
    )
    assert result["FOREIGN_SOURCE"] == "section"
    got = gpd.read_file(tmp_path / "s.gpkg").set_index("section_id")
    core = section_zones(zipped, table, comuni=[TRENTO]).set_index("section_id")
    assert got["foreign"].to_dict() == core["foreign"].to_dict() == {
        "222050000001": 90, "222050000002": 12, "222050000003": 0,
    }  # fmt: skip
    assert set(got["foreign_source"]) == {"section"} and not got["is_estimate"].any()
    with pytest.raises(QgsProcessingException, match="both files"):
        processing.run(
            "capacitymetro:preparearea",
            {"AREA": "comune:Trento", "SECTIONS": str(zipped), "OUTPUT": str(tmp_path / "x.gpkg")},
        )
