"""'Transit travel times' through QGIS Processing: the same minutes as the core call, warnings
passed on, and a named error for a day without service (no traceback)."""

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from qgis.core import QgsProcessingException

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.transit import transit_times_from_feeds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "transit"))
from transit_oracle import random_feed, write_feed  # noqa: E402


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("transit")
    feed = write_feed(tmp / "feed", random_feed(5))
    rng = np.random.default_rng(0)
    lon = 12.24 + rng.uniform(0, 0.016, 12)
    lat = 45.49 + rng.uniform(0, 0.012, 12)
    origins = gpd.GeoDataFrame(
        {"cell": range(9)}, geometry=shapely.points(lon[:9], lat[:9]), crs=4326
    ).to_crs(32633)  # projected on purpose: the core reprojects
    services = gpd.GeoDataFrame(
        {"service_id": ["A", "B", "C"], "sectors": ["health", "health;school", "school"]},
        geometry=shapely.points(lon[9:], lat[9:]), crs=4326,
    )  # fmt: skip
    origins.to_file(tmp / "origins.gpkg", layer="origins", engine="fiona")
    services.to_file(tmp / "services.gpkg", layer="services", engine="fiona")
    return tmp, feed, origins, services


def _params(tmp, feed, **kw):
    params = {
        "GTFS": str(feed),
        "DATE": "2025-11-19",
        "WINDOW_START": "07:30",
        "WINDOW_END": "08:30",
        "STEP": 2,
        "MAX_RIDES": 3,
        "MAX_WALK": 8,
        "PERCENTILES": "10,50,90",
        "ORIGINS": str(tmp / "origins.gpkg") + "|layername=origins",
        "SERVICES": str(tmp / "services.gpkg") + "|layername=services",
        "SECTOR": "health",
        "OUTPUT": str(tmp / "out.gpkg"),
    }
    params.update(kw)
    return params


def test_processing_equals_core(processing_provider, inputs):
    import processing

    tmp, feed, origins, services = inputs
    res = processing.run("capacitymetro:transittraveltimes", _params(tmp, feed))
    assert res["WALKS"] == "straight_line" and res["COUNT"] == 9
    out = gio.read_vector(res["OUTPUT"])
    want = transit_times_from_feeds(
        [feed], date="2025-11-19", origins=origins, services=services, sectors=["health"],
        window=("07:30", "08:30"), step_min=2, percentiles=(10, 50, 90), percentile=50,
        max_rides=3, max_walk_min=8,
    )  # fmt: skip
    for k, p in enumerate((10, 50, 90)):
        got = out[f"p{p}_min"].to_numpy(float)
        np.testing.assert_allclose(np.nan_to_num(got, nan=np.inf), want.group_minutes["health"][k])
    assert (out["walks"] == "straight_line").all()
    assert np.isfinite(want.group_minutes["health"][1]).sum() >= 5


def test_day_without_service_is_a_processing_error(processing_provider, inputs):
    import processing

    tmp, feed, _, _ = inputs
    with pytest.raises(QgsProcessingException, match="2026-06-01|Nessun mezzo"):
        processing.run("capacitymetro:transittraveltimes", _params(tmp, feed, DATE="2026-06-01"))


@pytest.fixture(scope="module")
def venice_inputs(shared_data, tmp_path_factory):
    """Venice's 2009 walking network saved as .npz, a Giudecca point, the water buses."""
    from capacitymetro_plugin.core.network.build import network_from_osm

    tmp = tmp_path_factory.mktemp("ferries")
    net = network_from_osm(
        shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf", mode="walk"
    )
    net.save(tmp / "venice.npz")
    home = gpd.GeoDataFrame(
        {"service_id": ["giudecca"]}, geometry=[shapely.Point(12.3255, 45.4258)], crs=4326
    )
    home.to_file(tmp / "home.gpkg", layer="home", engine="fiona")
    ferries = {
        "FERRIES": str(shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf"),
        "FERRY_PIERS": str(shared_data / "venezia_fermate_vaporetto_2018.geojson"),
        "FERRY_HEADWAY": 15,
    }
    return tmp, net, home, ferries


def test_transit_isochrones_equal_core(processing_provider, venice_inputs):
    """'Transit isochrones' with water buses only: the same polygons as the core call."""
    import processing
    from capacitymetro_plugin.core.transit import transit_isochrones_from_feeds

    tmp, net, home, ferries = venice_inputs
    params = {
        **ferries, "DATE": "2025-11-19", "WINDOW_START": "08:00", "WINDOW_END": "08:30",
        "STEP": 2, "THRESHOLDS": "15,30", "PERCENTILE": 50,
        "SERVICES": str(tmp / "home.gpkg") + "|layername=home",
        "NETWORK": str(tmp / "venice.npz"), "OUTPUT": str(tmp / "iso.gpkg"),
    }  # fmt: skip
    res = processing.run("capacitymetro:transitisochrones", params)
    got = gio.read_vector(res["OUTPUT"])
    want, notes = transit_isochrones_from_feeds(
        [], date="2025-11-19", origins=home, network=net, window=("08:00", "08:30"),
        step_min=2, thresholds_min=(15, 30), percentile=50,
        ferries={"ways": ferries["FERRIES"], "piers": ferries["FERRY_PIERS"], "headway_min": 15},
    )  # fmt: skip
    assert res["COUNT"] == len(want) == 2 and any("Ferries by headway" in n for n in notes)
    assert list(got["threshold_min"]) == [15, 30]
    for g, w in zip(got.geometry, want.geometry):
        assert abs(g.area - w.area) < 1e-6 * w.area and g.symmetric_difference(w).area < 1.0
    # without piers the ferries are a named error, not a traceback
    with pytest.raises(QgsProcessingException, match="piers|approdi"):
        processing.run("capacitymetro:transitisochrones", {**params, "FERRY_PIERS": ""})


def test_open_on_arrival_through_processing(processing_provider, inputs):
    """'Count a service only while open on arrival': the same minutes as the core call with
    open_on_arrival=True, and different from the run that ignores the hours."""
    import processing

    tmp, feed, origins, services = inputs
    hours = services.assign(opening_hours=["Mo-Fr 07:30-07:50", "We 08:00-12:00", None])
    hours.to_file(tmp / "hours.gpkg", layer="services", engine="fiona")
    params = _params(
        tmp, feed, SERVICES=str(tmp / "hours.gpkg") + "|layername=services",
        OPEN_ON_ARRIVAL=True, OUTPUT=str(tmp / "open.gpkg"),
    )  # fmt: skip
    out = gio.read_vector(processing.run("capacitymetro:transittraveltimes", params)["OUTPUT"])
    kw = dict(
        date="2025-11-19", origins=origins, sectors=["health"], window=("07:30", "08:30"),
        step_min=2, percentiles=(10, 50, 90), percentile=50, max_rides=3, max_walk_min=8,
    )  # fmt: skip
    want = transit_times_from_feeds([feed], services=hours, open_on_arrival=True, **kw)
    ignored = transit_times_from_feeds([feed], services=hours, **kw)
    for k, p in enumerate((10, 50, 90)):
        got = np.nan_to_num(out[f"p{p}_min"].to_numpy(float), nan=np.inf)
        np.testing.assert_allclose(got, want.group_minutes["health"][k])
    assert not np.array_equal(want.group_minutes["health"], ignored.group_minutes["health"])


def test_frequency_draws_through_processing(processing_provider, inputs):
    """'Random draws of frequency-based trips': the same minutes as the core call with the same
    draws and seed, the output says how many draws (column draws), and a warning says it is
    an estimate; different from the run without draws."""
    import processing

    tmp, feed, origins, services = inputs
    params = _params(
        tmp, feed, FREQUENCY_DRAWS=5, SEED=4, WINDOW_START="07:00", WINDOW_END="09:00",
        OUTPUT=str(tmp / "draws.gpkg"),
    )  # fmt: skip
    res = processing.run("capacitymetro:transittraveltimes", params)
    out = gio.read_vector(res["OUTPUT"])
    assert res["FREQUENCY_DRAWS"] == 5 and (out["draws"] == 5).all()
    kw = dict(
        date="2025-11-19", origins=origins, services=services, sectors=["health"],
        window=("07:00", "09:00"), step_min=2, percentiles=(10, 50, 90), percentile=50,
        max_rides=3, max_walk_min=8, cutoff_min=120,
    )  # fmt: skip
    want = transit_times_from_feeds([feed], frequency_draws=5, seed=4, **kw)
    exact = transit_times_from_feeds([feed], **kw)
    assert any("ESTIMATE" in w for w in want.warnings)
    for k, p in enumerate((10, 50, 90)):
        got = np.nan_to_num(out[f"p{p}_min"].to_numpy(float), nan=np.inf)
        np.testing.assert_allclose(got, want.group_minutes["health"][k])
    assert not np.array_equal(want.group_minutes["health"], exact.group_minutes["health"])
