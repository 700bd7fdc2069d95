"""'Services from OpenStreetMap' in Processing gives what the command line gives (one core call)."""

from __future__ import annotations

import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.registry.registry import Registry

VENICE = "osm_venezia_centro_storico_2009_synthinel.osm.pbf"


def _by_object(path):
    return {
        s.source_url: (s.name, tuple(s.sectors), s.status) for s in Registry.open(path).services()
    }


def test_processing_and_cli_add_the_same_candidates(processing_provider, shared_data, tmp_path):
    import processing

    ids = {a.id() for a in processing_provider.algorithms()}
    assert "capacitymetro:services_from_osm" in ids
    qgis_reg = tmp_path / "qgis.gpkg"
    res = processing.run(
        "capacitymetro:services_from_osm",
        {
            "SOURCE": str(shared_data / VENICE),
            "AREA_NAME": "comune:venezia",
            "DEDUPE_M": 50,
            "DRY_RUN": False,
            "REGISTRY": str(qgis_reg),
        },
    )
    assert (res["FOUND"], res["ADDED"], res["DUPLICATES"]) == (8, 8, 0)
    cli_reg = tmp_path / "cli.gpkg"
    assert (
        main(
            [
                "registry",
                "from-osm",
                "--pbf",
                str(shared_data / VENICE),
                "--area",
                "comune:venezia",
                "--registry",
                str(cli_reg),
            ]
        )
        == 0
    )
    assert _by_object(qgis_reg) == _by_object(cli_reg)
    assert {v[2] for v in _by_object(qgis_reg).values()} == {"to_verify"}
    # run again in Processing: every candidate is a duplicate now
    again = processing.run(
        "capacitymetro:services_from_osm",
        {
            "SOURCE": str(shared_data / VENICE),
            "AREA_NAME": "comune:venezia",
            "REGISTRY": str(qgis_reg),
        },
    )
    assert (again["ADDED"], again["DUPLICATES"]) == (0, 8)


def test_processing_bad_source_is_a_named_error(processing_provider, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    bad = tmp_path / "bad.json"
    bad.write_text('{"elements": [', encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="bad.json"):
        processing.run(
            "capacitymetro:services_from_osm",
            {"SOURCE": str(bad), "REGISTRY": str(tmp_path / "r.gpkg")},
        )
    assert not (tmp_path / "r.gpkg").exists()


def test_processing_area_layer_in_another_crs(processing_provider, shared_data, tmp_path):
    """The area as a polygon layer (the comune of Venezia from the ISTAT file, in UTM 33N)."""
    import geopandas as gpd

    import processing

    comuni = gpd.read_file(shared_data / "istat_comuni_target_2023.gpkg", layer="comuni")
    venezia = comuni[comuni["com_istat_code"] == "027042"].to_crs(32633)
    area = tmp_path / "venezia_utm.gpkg"
    venezia[["com_istat_code", "geometry"]].to_file(area, layer="area", driver="GPKG")
    res = processing.run(
        "capacitymetro:services_from_osm",
        {
            "SOURCE": str(shared_data / VENICE),
            "AREA": f"{area}|layername=area",
            "DRY_RUN": True,
            "REGISTRY": str(tmp_path / "dry.gpkg"),
        },
    )
    assert (res["FOUND"], res["ADDED"]) == (8, 0)
    assert not (tmp_path / "dry.gpkg").exists()  # a dry run writes nothing
    # a polygon that misses the extract (the comune of Padova): the named error
    from qgis.core import QgsProcessingException

    padova = comuni[comuni["com_istat_code"] == "028060"]
    padova[["com_istat_code", "geometry"]].to_file(tmp_path / "padova.gpkg", driver="GPKG")
    with pytest.raises(QgsProcessingException, match="does not reach"):
        processing.run(
            "capacitymetro:services_from_osm",
            {
                "SOURCE": str(shared_data / VENICE),
                "AREA": str(tmp_path / "padova.gpkg"),
                "REGISTRY": str(tmp_path / "r.gpkg"),
            },
        )
