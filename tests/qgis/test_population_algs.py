"""Population algorithms through QGIS Processing (and one through qgis_process)."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import LineString, box


@pytest.fixture()
def zones_path(tmp_path):
    zones = gpd.GeoDataFrame(
        {"pop": [1000.0, 300.0], "foreign": [100.0, 30.0]},
        geometry=[box(0, 0, 400, 400), box(400, 0, 800, 400)],
        crs="EPSG:32632",
    )
    path = tmp_path / "zones.gpkg"
    zones.to_file(path, layer="zones", engine="fiona")
    streets = gpd.GeoDataFrame(
        {"highway": ["residential", "motorway"]},
        geometry=[LineString([(0, 50), (200, 50)]), LineString([(450, 350), (450, 0)])],
        crs="EPSG:32632",
    )
    streets.to_file(tmp_path / "streets.gpkg", layer="streets", engine="fiona")
    return path


def test_population_grid_processing(processing_provider, zones_path, tmp_path):
    import processing

    out = tmp_path / "grid.tif"
    res = processing.run(
        "capacitymetro:populationgrid",
        {
            "INPUT": str(zones_path),
            "FIELDS": ["pop", "foreign"],
            "CELL_SIZE": 100,
            "STREETS": str(tmp_path / "streets.gpkg"),
            "OUTPUT": str(out),
        },
    )
    with rasterio.open(res["OUTPUT"]) as src:
        pop = src.read(1)
        assert src.count == 2 and src.descriptions == ("pop", "foreign")
    assert pop.sum() == pytest.approx(1300, abs=0.01)
    # zone 1: 200 m of residential street in two bottom cells; zone 2: motorway is no weight → even
    assert pop[3, 0] == pytest.approx(500) and pop[3, 1] == pytest.approx(500)
    assert np.allclose(pop[:, 4:], 300 / 16)


def test_population_grid_missing_field_is_clear(processing_provider, zones_path, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    with pytest.raises(QgsProcessingException):
        processing.run(
            "capacitymetro:populationgrid",
            {
                "INPUT": str(zones_path),
                "FIELDS": ["nope"],
                "OUTPUT": str(tmp_path / "g.tif"),
            },
        )


def test_foreign_estimate_processing(processing_provider, shared_data, tmp_path):
    import processing

    out = tmp_path / "comuni.gpkg"
    processing.run(
        "capacitymetro:foreignresidentsestimate",
        {
            "PROVINCES": "022",
            "YEAR": 1,
            "STRASA": str(shared_data / "istat_stranieri_eta_sesso_province_2022.csv"),
            "OUTPUT": str(out),
        },
    )
    gdf = gpd.read_file(out, engine="fiona")
    assert gdf["foreign"].sum() == 45797 and gdf["is_estimate"].all()
    trento = gdf.set_index("com_istat_code").loc["022205"]
    # largest-remainder split: Trento gets its population share of 45,797, within one person
    assert abs(trento["foreign"] - 45797 * trento["pop_total"] / gdf["pop_total"].sum()) < 1
    assert trento["foreign_share"] == pytest.approx(trento["foreign"] / trento["pop_total"])


def test_population_grid_qgis_process(qgis_process, zones_path, tmp_path):
    out = tmp_path / "cli.tif"
    result = qgis_process(
        "run",
        "capacitymetro:populationgrid",
        "--",
        f"INPUT={zones_path}",
        "FIELDS=pop",
        "FIELDS=foreign",
        "CELL_SIZE=200",
        f"OUTPUT={out}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with rasterio.open(out) as src:
        assert src.read(1).sum() == pytest.approx(1300, abs=0.01) and src.res == (200.0, 200.0)
        assert src.count == 2 and src.read(2).sum() == pytest.approx(130, abs=0.01)


def test_foreign_from_napoli_percentages(processing_provider, shared_data, tmp_path):
    import processing

    out = tmp_path / "napoli.gpkg"
    processing.run(
        "capacitymetro:foreignresidentsestimate",
        {
            "PROVINCES": "063",
            "YEAR": 0,
            "TABLE": str(shared_data / "stranieri_pct_comuni_napoli_urbistat.csv"),
            "TABLE_FIELD": "pct_foreign",
            "TABLE_IS_PCT": True,
            "OUTPUT": str(out),
        },
    )
    gdf = gpd.read_file(out, engine="fiona").set_index("com_istat_code")
    assert len(gdf) == 92 and gdf["foreign"].notna().sum() == 86
    # San Giuseppe Vesuviano: 18.7% of 30,120 residents (2023) = 5,632 (the file's own figure)
    assert gdf.loc["063068", "foreign"] == 5632


def test_foreign_from_comune_strasa(processing_provider, tmp_path):
    import processing

    strasa = tmp_path / "STRASA_2023_it_Comuni.csv"
    strasa.write_text(
        '"Cittadini stranieri residenti al 1° gennaio 2023 per età e sesso"\n'
        '"Codice comune";"Comune";"Età";"Maschi";"Femmine";"Totale"\n'
        '"22205";"Trento";0;100;90;190\n"22205";"Trento";1;80;85;165\n'
        '"22001";"Ala";0;5;4;9\n',
        encoding="utf-8",
    )
    out = tmp_path / "c.gpkg"
    processing.run(
        "capacitymetro:foreignresidentsestimate",
        {
            "PROVINCES": "022",
            "YEAR": 0,
            "STRASA": str(strasa),
            "OUTPUT": str(out),
        },
    )
    gdf = gpd.read_file(out, engine="fiona").set_index("com_istat_code")
    assert gdf.loc["022205", "foreign"] == 355 and gdf.loc["022001", "foreign"] == 9
    assert not gdf["is_estimate"].any() and gdf["foreign"].isna().sum() == len(gdf) - 2
    assert (gdf["foreign_year"] == 2023).all()


def test_prepare_area_by_name_gives_the_cli_zones(processing_provider, shared_data, tmp_path):
    """'Prepare analysis area' for a comune by name: ISTAT residents and the province estimate
    of foreign residents, checked against the ISTAT tables read here with pandas (STRASA total
    of the province × the comune's share of its residents)."""
    import geopandas as gpd
    import pandas as pd

    import processing

    strasa = shared_data / "istat_stranieri_eta_sesso_province_2022.csv"
    result = processing.run(
        "capacitymetro:preparearea",
        {"AREA": "comune:Trento", "STRASA": str(strasa), "OUTPUT": str(tmp_path / "a.gpkg")},
    )
    assert result["COMUNI"] == 1 and result["AREA_NAME"] == "Comune di Trento"
    assert result["FOREIGN_SOURCE"] == "province estimate"
    zones = gpd.read_file(tmp_path / "a.gpkg")
    (row,) = zones.itertuples()
    pop = pd.read_csv(
        shared_data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype={"com_istat_code": str}
    )
    province = pop[pop["com_istat_code"].str.startswith("022")]
    trento = int(province.loc[province["com_istat_code"] == "022205", "pop_total"].iloc[0])
    table = pd.read_csv(strasa, skiprows=1, dtype={"Province code": str})
    rows = table[(table["Province code"] == "022") & (table["Age"] == 999)]  # 999: all ages
    total = rows[["Males", "Females"]].to_numpy().sum()
    assert row.com_istat_code == "022205" and row.pop_total == trento
    assert abs(row.foreign - total * trento / province["pop_total"].sum()) <= 1.0
    assert row.is_estimate and row.foreign_source == "province estimate"
    assert zones.crs.to_epsg() == 4326 and zones.geometry.iloc[0].area > 0.01  # ~158 km²


def test_prepare_area_comune_figures_and_bad_names(processing_provider, shared_data, tmp_path):
    """Pioltello and Segrate with the per-comune table (Bari's config uses the same file):
    Pioltello takes its own figure, Segrate (not in the table) the province estimate; a typo
    names the nearest areas in the error, and no file is written."""
    import geopandas as gpd
    import pandas as pd
    from qgis.core import QgsProcessingException

    import processing

    table = shared_data / "stranieri_pct_comuni_target_da_pagine_web.csv"
    result = processing.run(
        "capacitymetro:preparearea",
        {
            "AREA": "pioltello, segrate",
            "STRASA": str(shared_data / "istat_stranieri_eta_sesso_province_2022.csv"),
            "TABLE": str(table),
            "TABLE_FIELD": "foreign_count_page",
            "OUTPUT": str(tmp_path / "b.gpkg"),
        },
    )
    assert result["COMUNI"] == 2 and result["FOREIGN_SOURCE"] == "mixed"
    zones = gpd.read_file(tmp_path / "b.gpkg").set_index("name")
    page = pd.read_csv(table, dtype={"com_istat_code": str}).set_index("name")
    assert "Segrate" not in page.index
    assert zones.loc["Pioltello", "foreign"] == page.loc["Pioltello", "foreign_count_page"]
    assert zones.loc["Pioltello", "foreign_source"] == "comune"
    assert zones.loc["Segrate", "foreign_source"] == "province estimate"
    assert bool(zones.loc["Segrate", "is_estimate"]) and not zones.loc["Pioltello", "is_estimate"]
    with pytest.raises(QgsProcessingException, match="Milano"):
        processing.run(
            "capacitymetro:preparearea",
            {"AREA": "Milanno", "OUTPUT": str(tmp_path / "c.gpkg")},
        )
    assert not (tmp_path / "c.gpkg").exists()


def test_foreign_per_comune_is_the_command_lines_method(processing_provider, shared_data, tmp_path):
    """With a province STRASA file and a table per comune, 'Foreign residents per comune' gives
    every comune of the province of Bari what the command line's population step gives
    (core.population.area.foreign_by_comune, read here directly): the table's own figure where
    it has one, else the province estimate."""
    import geopandas as gpd

    import processing
    from capacitymetro_plugin.core.population.area import foreign_by_comune

    strasa = shared_data / "istat_stranieri_eta_sesso_province_2022.csv"
    table = shared_data / "stranieri_pct_comuni_target_da_pagine_web.csv"
    out = tmp_path / "bari.gpkg"
    processing.run(
        "capacitymetro:foreignresidentsestimate",
        {
            "PROVINCES": "072",
            "YEAR": 0,  # 2023
            "STRASA": str(strasa),
            "TABLE": str(table),
            "TABLE_FIELD": "foreign_count_page",
            "OUTPUT": str(out),
        },
    )
    got = gpd.read_file(out, engine="fiona").set_index("com_istat_code")
    cli, _ = foreign_by_comune(
        ["072"], year=2023, strasa=strasa, comune_table=table, count_field="foreign_count_page"
    )
    cli = cli.set_index("com_istat_code")
    assert len(got) == len(cli) == 41
    assert (got["foreign"] == cli.loc[got.index, "foreign_est"]).all()
    assert (got["foreign_source"] == cli.loc[got.index, "foreign_source"]).all()
    assert got.loc["072006", "foreign_source"] == "comune"  # Bari: the page's figure
    assert got["is_estimate"].sum() == 40
