"""Coverage, E2SFCA and language access through QGIS Processing on a piece of the Bari street
graph (real), with two population zones and four real AMTAB stops as stand-in services.
Numbers are checked against the core functions called directly and against hand counts."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.coverage import coverage_by_area, service_times
from capacitymetro_plugin.core.indices import fca
from capacitymetro_plugin.core.network import network_from_lines
from capacitymetro_plugin.core.population import dasymetric_grid

CRS = 32633


@pytest.fixture(scope="module")
def bari_inputs(shared_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bari")
    edges = gpd.read_file(shared_data / "bari_stradario_grafo_2026.gpkg", layer="edges")
    c = gpd.GeoSeries.from_xy([16.8719], [41.1253], crs=4326).to_crs(CRS).iloc[0]
    area = box(c.x - 800, c.y - 800, c.x + 800, c.y + 800)
    streets = edges[edges.intersects(area)][["edge_id", "geometry"]]
    streets.to_file(tmp / "streets.gpkg", layer="streets", engine="fiona")
    zones = gpd.GeoDataFrame(
        {
            "com_istat_code": ["900001", "900002"],
            "pop": [6000.0, 4000.0],
            "foreign": [600.0, 150.0],
        },
        geometry=[
            box(c.x - 800, c.y - 800, c.x, c.y + 800),
            box(c.x, c.y - 800, c.x + 800, c.y + 800),
        ],
        crs=CRS,
    )
    zones.to_file(tmp / "zones.gpkg", layer="zones", engine="fiona")
    stops = gpd.read_file(shared_data / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    stops = stops.to_crs(CRS)
    stops = stops[stops.within(area.buffer(-200))].sort_values("stop_id").iloc[[0, 7, 14, 21]]
    stops = stops[["stop_id", "geometry"]].reset_index(drop=True)
    stops["sectors"] = ["health;reception", "health", "italian_language", "health"]
    stops["languages"] = ["it;ar", "it;en", "it;es", "it;ro"]
    stops["capacity"] = [100, 50, 80, 20]
    stops["status"] = ["active", "active", "active", "closed"]
    stops.to_file(tmp / "services.gpkg", layer="services", engine="fiona")
    return tmp, streets, zones, stops


def _core_cells(streets, zones):
    z = zones.rename(columns={"pop": "pop_total"})
    grid = dasymetric_grid(z, ["pop_total", "foreign"], cell_size=100, weight_lines=streets)
    return grid.to_polygons()


def _coverage(tmp, **params):
    """Run "Coverage per comune" on the Bari inputs in ``tmp``: health services, 100 m cells,
    5/10/15 min, served within 10; ``params`` adds or replaces parameters."""
    import processing

    return processing.run(
        "capacitymetro:coveragepercomune",
        {
            "STREETS": str(tmp / "streets.gpkg"),
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "CELL_SIZE": 100,
            "SERVICES": str(tmp / "services.gpkg"),
            "SECTOR": "health",
            "AREAS": str(tmp / "zones.gpkg"),
            "AREA_FIELD": "com_istat_code",
            "THRESHOLDS": "5,10,15",
            "THRESHOLD": 10,
            **params,
        },
    )


def test_coverage_per_comune(processing_provider, bari_inputs):
    tmp, streets, zones, stops = bari_inputs
    res = _coverage(tmp, MIN_FOREIGN=0, OUTPUT=str(tmp / "cov.gpkg"), GAPS=str(tmp / "gaps.gpkg"))
    out = gpd.read_file(res["OUTPUT"], engine="fiona").set_index("com_istat_code")
    # the same chain called directly on the core (health, active: stops 0 and 1)
    net = network_from_lines(streets, mode="walk")
    cells = _core_cells(streets, zones)
    centres = cells.assign(geometry=cells.centroid)
    cells["area"] = np.where(
        centres.geometry.x < zones.geometry.iloc[0].bounds[2], "900001", "900002"
    )
    minutes, _ = service_times(net, centres, stops.iloc[[0, 1]], cutoff_min=30).nearest()
    table = coverage_by_area(
        cells, minutes, area_field="area", thresholds=(5, 10, 15), threshold=10
    ).set_index("area")
    for code in ("900001", "900002"):
        assert out.loc[code, "foreign"] == pytest.approx(
            zones.set_index("com_istat_code").loc[code, "foreign"]
        )
        for col in ("foreign_within_5", "foreign_within_15", "pop_total_served_pct"):
            assert out.loc[code, col] == pytest.approx(table.loc[code, col], rel=1e-6)
    gaps = gpd.read_file(res["GAPS"], engine="fiona")
    assert gaps["foreign_unserved"].sum() == pytest.approx(
        table.loc["ALL", "foreign_unserved"], rel=1e-6
    )


def test_no_service_of_sector_fails_clearly(processing_provider, bari_inputs):
    from qgis.core import QgsProcessingException

    import processing

    tmp, *_ = bari_inputs
    with pytest.raises(QgsProcessingException):
        processing.run(
            "capacitymetro:coveragepercomune",
            {
                "STREETS": str(tmp / "streets.gpkg"),
                "POPULATION": str(tmp / "zones.gpkg"),
                "POP_FIELD": "pop",
                "FOREIGN_FIELD": "foreign",
                "SERVICES": str(tmp / "services.gpkg"),
                "SECTOR": "housing",
                "AREAS": str(tmp / "zones.gpkg"),
                "AREA_FIELD": "com_istat_code",
                "OUTPUT": str(tmp / "x.gpkg"),
                "GAPS": str(tmp / "y.gpkg"),
            },
        )


def test_e2sfca(processing_provider, bari_inputs):
    import processing

    tmp, streets, zones, stops = bari_inputs
    res = processing.run(
        "capacitymetro:e2sfca",
        {
            "STREETS": str(tmp / "streets.gpkg"),
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "CELL_SIZE": 100,
            "SERVICES": str(tmp / "services.gpkg"),
            "CAPACITY_FIELD": "capacity",
            "DECAY": 0,
            "STEPS": "5:1,10:0.68,15:0.22",
            "OUTPUT": str(tmp / "e2.gpkg"),
        },
    )
    got = gpd.read_file(res["OUTPUT"], engine="fiona")
    net = network_from_lines(streets, mode="walk")
    cells = _core_cells(streets, zones)
    active = stops.iloc[[0, 1, 2]]
    st = service_times(net, cells.assign(geometry=cells.centroid), active, cutoff_min=30)
    access, ratio = fca(
        st.minutes.T.astype(float),
        np.array([100.0, 50, 80]),
        cells["foreign"].to_numpy(),
        steps=[(5, 1), (10, 0.68), (15, 0.22)],
    )
    assert np.allclose(got["access"].to_numpy(), access)
    # all capacity with demand in reach is handed out: sum(A_i * P_i) = sum of reached S_j
    assert (got["access"] * got["foreign"]).sum() == pytest.approx(
        np.array([100.0, 50, 80])[ratio > 0].sum()
    )
    assert set(got["bivariate"]) <= set(range(0, 10)) and got["access_quintile"].max() == 5


def test_e2sfca_missing_capacity_is_zero_and_reported(processing_provider, bari_inputs):
    """One rule in every door: a service without capacity adds no supply, and the log says so."""
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    import processing

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.infos = []

        def pushInfo(self, info):  # noqa: N802 - QGIS API
            self.infos.append(info)

    tmp, streets, zones, stops = bari_inputs
    gappy = stops.assign(capacity=[100.0, None, 80.0, 20.0])
    gappy.to_file(tmp / "gappy.gpkg", layer="services", engine="fiona")
    feedback = Feedback()
    res = processing.run(
        "capacitymetro:e2sfca",
        {
            "STREETS": str(tmp / "streets.gpkg"),
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "CELL_SIZE": 100,
            "SERVICES": str(tmp / "gappy.gpkg"),
            "CAPACITY_FIELD": "capacity",
            "DECAY": 0,
            "STEPS": "5:1,10:0.68,15:0.22",
            "OUTPUT": str(tmp / "e2_gappy.gpkg"),
        },
        context=QgsProcessingContext(),
        feedback=feedback,
    )
    got = gpd.read_file(res["OUTPUT"], engine="fiona")
    net = network_from_lines(streets, mode="walk")
    cells = _core_cells(streets, zones)
    active = stops.iloc[[0, 1, 2]]
    st = service_times(net, cells.assign(geometry=cells.centroid), active, cutoff_min=30)
    access, _ = fca(
        st.minutes.T.astype(float),
        np.array([100.0, 0.0, 80.0]),
        cells["foreign"].to_numpy(),
        steps=[(5, 1), (10, 0.68), (15, 0.22)],
    )
    assert np.allclose(got["access"].to_numpy(), access)
    assert any("1 of 3 services have no capacity" in m for m in feedback.infos), feedback.infos


def test_language_access(processing_provider, bari_inputs):
    import processing

    tmp, streets, zones, stops = bari_inputs
    csv = tmp / "citizenship.csv"
    csv.write_text(
        '"Stranieri residenti al 1° gennaio 2023 per cittadinanza"\n'
        '"Codice comune","Comune","Paese di cittadinanza","Maschi","Femmine","Totale"\n'
        '"900001","West","Marocco",100,100,200\n'
        '"900001","West","Romania",50,50,100\n'
        '"900001","West","Perù",20,30,50\n'
        '"900002","East","Albania",10,10,20\n'
        '"900002","East","Nigeria",15,15,30\n',
        encoding="utf-8",
    )
    res = processing.run(
        "capacitymetro:languageaccess",
        {
            "STREETS": str(tmp / "streets.gpkg"),
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "CELL_SIZE": 100,
            "AREA_FIELD": "com_istat_code",
            "CITIZENSHIP": str(csv),
            "SERVICES": str(tmp / "services.gpkg"),
            "LANGUAGE_FIELD": "languages",
            "THRESHOLD": 60,
            "OUTPUT": str(tmp / "lang.gpkg"),
            "GROUPS": str(tmp / "groups.csv"),
        },
    )
    out = gpd.read_file(res["OUTPUT"], engine="fiona").set_index("com_istat_code")
    # within 60 min every active service is reachable: it, ar, en, es (the Romanian one is
    # closed). Each cell has its comune's mix: West (600 foreign) Marocco 200 (ar, served),
    # Romania 100 (ro, not), Perù 50 (es, served); East (150) Albania 20 (sq, not), Nigeria 30
    # (en, served)
    assert out.loc["900001", "served"] == pytest.approx(600 * 250 / 350, abs=0.5)
    assert out.loc["900001", "unserved"] == pytest.approx(600 * 100 / 350, abs=0.5)
    # East: a few cells reach no English service (off the network): brute force per cell on
    # the engine's times (equal to networkx elsewhere), the language rule written out here
    net = network_from_lines(streets, mode="walk")
    cells = _core_cells(streets, zones)
    east = (cells.geometry.centroid.x > zones.geometry.iloc[0].bounds[2]).to_numpy()
    active = stops[stops["status"] == "active"].reset_index(drop=True)
    times = service_times(net, cells.assign(geometry=cells.centroid), active, cutoff_min=60)
    english = np.isfinite(np.asarray(times.minutes)[list(active["languages"]).index("it;en")])
    want = (cells["foreign"].to_numpy() * east * english).sum() * 30 / 50
    assert out.loc["900002", "served"] == pytest.approx(want, abs=1e-6)
    assert out.loc["900002", "served"] + out.loc["900002", "unserved"] == pytest.approx(150)
    assert 0.55 < out.loc["900002", "share_served"] < 30 / 50
    groups = pd.read_csv(res["GROUPS"], dtype={"com_istat_code": str})
    assert list(groups["citizenship"]) == ["Romania", "Albania", "Nigeria"]
    nigeria = groups.loc[groups["citizenship"] == "Nigeria", "unserved"].iloc[0]
    assert nigeria == pytest.approx(150 * 30 / 50 - want, abs=1e-6)  # the off-network cells


def test_coverage_what_if(processing_provider, bari_inputs):
    tmp, streets, zones, stops = bari_inputs
    c = zones.geometry.iloc[1].centroid
    new = gpd.GeoDataFrame({"stop_id": ["new"]}, geometry=[c], crs=CRS)
    new.to_file(tmp / "new.gpkg", layer="new", engine="fiona")
    closed = str(stops["stop_id"].iloc[0])
    res = _coverage(
        tmp,
        ADD=str(tmp / "new.gpkg"),
        CLOSE=closed,
        ID_FIELD="stop_id",
        OUTPUT=str(tmp / "wi.gpkg"),
        GAPS=str(tmp / "wig.gpkg"),
    )
    out = gpd.read_file(res["OUTPUT"], engine="fiona").set_index("com_istat_code")
    # expected: full recomputation with the new set of health services (stop 1 + the new one)
    net = network_from_lines(streets, mode="walk")
    cells = _core_cells(streets, zones)
    centres = cells.assign(geometry=cells.centroid)
    cells["area"] = np.where(
        centres.geometry.x < zones.geometry.iloc[0].bounds[2], "900001", "900002"
    )
    new_set = pd.concat([stops.iloc[[1]][["geometry"]], new[["geometry"]]], ignore_index=True)
    minutes, _ = service_times(
        net, centres, gpd.GeoDataFrame(new_set, crs=CRS), cutoff_min=30
    ).nearest()
    table = coverage_by_area(
        cells, minutes, area_field="area", thresholds=(5, 10, 15), threshold=10
    ).set_index("area")
    for code in ("900001", "900002"):
        assert out.loc[code, "foreign_served_pct_after"] == pytest.approx(
            table.loc[code, "foreign_served_pct"], rel=1e-6
        )
        assert out.loc[code, "foreign_served_pct_change"] == pytest.approx(
            out.loc[code, "foreign_served_pct_after"] - out.loc[code, "foreign_served_pct"]
        )
    assert (out["foreign_served_pct_change"].abs() > 0.1).any()


def test_same_field_for_residents_and_foreign_residents(processing_provider, bari_inputs):
    """A layer with one count (e.g. only foreign residents) may name it for both fields."""

    tmp, streets, zones, stops = bari_inputs
    res = _coverage(
        tmp,
        POP_FIELD="foreign",
        MIN_FOREIGN=0,
        OUTPUT=str(tmp / "cov_same.gpkg"),
        GAPS=str(tmp / "gaps_same.gpkg"),
    )
    out = gpd.read_file(res["OUTPUT"], engine="fiona").set_index("com_istat_code")
    expected = zones.set_index("com_istat_code")["foreign"]
    for code in ("900001", "900002"):
        assert out.loc[code, "foreign"] == pytest.approx(expected[code])
        assert out.loc[code, "pop_total"] == pytest.approx(expected[code])
        assert out.loc[code, "foreign_served_pct"] == pytest.approx(
            out.loc[code, "pop_total_served_pct"]
        )


def test_population_fields_default_to_the_toolkits_names(processing_provider, bari_inputs):
    """Not `fid`: the dialog preselects `pop_total` and `foreign` (the fields the toolkit writes);
    run with those defaults on such a layer, it gives the numbers of the run that names its own
    fields; a field the layer lacks is a named error, not a traceback."""
    from qgis.core import QgsApplication, QgsProcessingException

    import processing

    alg = QgsApplication.processingRegistry().algorithmById("capacitymetro:e2sfca")
    pop_default = alg.parameterDefinition("POP_FIELD").defaultValue()
    foreign_default = alg.parameterDefinition("FOREIGN_FIELD").defaultValue()
    assert (pop_default, foreign_default) == ("pop_total", "foreign")
    tmp, streets, zones, stops = bari_inputs
    zones.rename(columns={"pop": "pop_total"}).to_file(
        tmp / "zones_named.gpkg", layer="zones", engine="fiona"
    )
    common = {
        "STREETS": str(tmp / "streets.gpkg"),
        "SERVICES": str(tmp / "services.gpkg"),
        "CAPACITY_FIELD": "capacity",
    }
    # QGIS 3.22's processing.run does not fill field defaults in (the dialog does): pass them
    guessed = processing.run(
        "capacitymetro:e2sfca",
        {
            **common,
            "POPULATION": str(tmp / "zones_named.gpkg"),
            "POP_FIELD": pop_default,
            "FOREIGN_FIELD": foreign_default,
            "OUTPUT": str(tmp / "e_g.gpkg"),
        },
    )
    named = processing.run(
        "capacitymetro:e2sfca",
        {
            **common,
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "OUTPUT": str(tmp / "e_n.gpkg"),
        },
    )
    a = gpd.read_file(guessed["OUTPUT"], engine="fiona")
    b = gpd.read_file(named["OUTPUT"], engine="fiona")
    assert len(a) == len(b) > 0
    assert np.allclose(a["access"], b["access"]) and np.allclose(a["foreign"], b["foreign"])
    with pytest.raises(QgsProcessingException, match="no field pop_total"):
        processing.run(
            "capacitymetro:e2sfca",
            {
                **common,
                "POPULATION": str(tmp / "zones.gpkg"),
                "POP_FIELD": pop_default,
                "FOREIGN_FIELD": foreign_default,
                "OUTPUT": str(tmp / "e_x.gpkg"),
            },
        )


def test_the_decay_options_are_the_core_defaults():
    from capacitymetro_plugin.core import defaults
    from capacitymetro_plugin.provider.algorithms import coverage_algs

    assert tuple(coverage_algs.DECAYS) == defaults.E2SFCA_DECAYS


def test_no_gap_area_still_loads_as_a_polygon_layer(processing_provider, bari_inputs):
    """With no cell above the minimum, "Gap areas" is an empty *polygon* layer (it was a table
    with no geometry), and the log says why it is empty."""
    from qgis.core import QgsProcessingFeedback, QgsVectorLayer, QgsWkbTypes

    class Log(QgsProcessingFeedback):
        lines: list[str] = []

        def pushInfo(self, info):  # noqa: N802 - QGIS API
            self.lines.append(info)

    import processing

    tmp, *_ = bari_inputs
    log = Log()
    res = processing.run(
        "capacitymetro:coveragepercomune",
        {
            "STREETS": str(tmp / "streets.gpkg"),
            "POPULATION": str(tmp / "zones.gpkg"),
            "POP_FIELD": "pop",
            "FOREIGN_FIELD": "foreign",
            "CELL_SIZE": 100,
            "SERVICES": str(tmp / "services.gpkg"),
            "SECTOR": "health",
            "AREAS": str(tmp / "zones.gpkg"),
            "AREA_FIELD": "com_istat_code",
            "THRESHOLDS": "5,10",
            "THRESHOLD": 5,
            "MIN_FOREIGN": 1e9,
            "OUTPUT": str(tmp / "cov_nogap.gpkg"),
            "GAPS": str(tmp / "gaps_nogap.gpkg"),
        },
        feedback=log,
    )
    layer = QgsVectorLayer(res["GAPS"], "gaps", "ogr")
    assert layer.isValid() and layer.featureCount() == 0
    assert layer.isSpatial() and "Polygon" in QgsWkbTypes.displayString(layer.wkbType())
    assert any(line.startswith("No gap area: no cell beyond 5 min") for line in log.lines)
    # one service of the four is closed: left out by the core rule, and said so
    assert any("2 services analysed; left out: 1 status closed" in line for line in log.lines)
