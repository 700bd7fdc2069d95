"""The bussola's transit minutes (data/transit.js) on the real ACTV feed, against a direct call
of the engine, and the protected places (approximate: hexagon centre; hidden: never timed).

A small Mestre registry (bussola_mestre.py): services at ACTV stops of Mestre's centre (the
stand-ins of tests/realdata/test_mestre_transit.py), Piazza Ferretto, via Piave, and one
hidden and one approximate place planted among them. No street network exists for Mestre in
../shared/data, so walks to stops are straight lines × the detour factor, as the engine says.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from bussola_mestre import ACTV, APPROX, DATE, HIDDEN, mestre_registry
from bussola_site import site_data
from shapely.geometry import Point

from capacitymetro_plugin.core.bussola import publish
from capacitymetro_plugin.core.bussola.transit import transit_request
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.privacy import approximate_area
from capacitymetro_plugin.core.transit import build_timetable, read_gtfs, transit_service_times


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("mestre_transit")
    reg = mestre_registry(root / "r.gpkg")
    transit = {"feeds": [shared_data / ACTV], "date": DATE, "window": ("08:00", "09:00")}
    transit["step_min"] = 20  # 3 departures: a quick test; publish's default is 10
    res = publish(reg, root / "site", title="Mestre", transit=transit, pdfs=False)
    return reg, res, site_data(res.folder, "transit.js", "BUSSOLA_TRANSIT")


def test_transit_js_says_what_the_numbers_are(site):
    _reg, res, ride = site
    assert res.transit_times and res.within_budget
    assert res.transit_bytes == (res.folder / "data" / "transit.js").stat().st_size
    assert ride["date"] == DATE and ride["window"] == ["08:00", "09:00"]
    assert ride["statistic"] == "median" and ride["departures"] == 3 and ride["step_min"] == 20
    assert ride["feeds"] == [
        {"name": ACTV, "modes": ["bus", "tram"], "from": "2025-11-17", "to": "2025-12-23"}
    ]
    assert ride["walk_source"] == "straight_line"  # no street network for Mestre
    # the very grid of walk.js: walk.py's grid_for around the placed public services
    services = site_data(res.folder, "services.js", "BUSSOLA_DATA")["services"]
    placed = [s for s in services if "lon" in s]
    assert len(placed) == 5 and sorted(ride["ids"]) == sorted(s["id"] for s in placed)
    g = ride["grid"]
    lon = [s["lon"] for s in placed]
    assert g["lon0"] < min(lon) and g["lon0"] + g["nx"] * g["dlon"] > max(lon)
    assert 180 < g["dlon"] * 111_320 * math.cos(math.radians(45.48)) < 220
    assert all(len(row) == g["nx"] * g["ny"] for row in ride["tenths_min"])
    # buses reach most cells of the area from most of the grid, and not all (edges, lagoon)
    reached = (np.asarray(ride["tenths_min"]) >= 0).mean()
    assert 0.3 < reached < 0.999, reached


def test_minutes_equal_a_direct_call_of_the_engine(site, shared_data):
    reg, res, ride = site
    g = ride["grid"]
    state = reg.load()
    # the services where the public may see them, from the registry (not from the site's data)
    dest_ll, ids = [], []
    for s in state.services.values():
        if s.location_privacy == "hidden":
            continue
        ll = approximate_area(s.lon, s.lat)["centre"] if s.location_privacy == "approximate" else (
            s.lon, s.lat)  # fmt: skip
        dest_ll.append(ll)
        ids.append(s.service_id)
    rng = np.random.default_rng(17)
    tenths = np.asarray(ride["tenths_min"])
    some = np.flatnonzero((tenths >= 0).any(axis=0))
    cells = np.r_[rng.choice(some, 10, replace=False), rng.choice(tenths.shape[1], 4)]
    i, j = cells % g["nx"], cells // g["nx"]
    centres = [
        Point(g["lon0"] + (a + 0.5) * g["dlon"], g["lat0"] + (b + 0.5) * g["dlat"])
        for a, b in zip(i, j)
    ]
    timetable = build_timetable([read_gtfs(shared_data / ACTV, feed_id="actv")], date=DATE)

    def engine(points):
        return transit_service_times(
            timetable, gpd.GeoDataFrame(geometry=centres, crs=4326),
            gpd.GeoDataFrame(geometry=[Point(p) for p in points], crs=4326),
            departure_start_s=8 * 3600, departure_end_s=9 * 3600, step_s=1200,
            percentiles=(50,), percentile=50, max_direct_walk_min=1 / 60, cutoff_min=60,
        ).minutes.astype(float)  # fmt: skip

    m = engine(dest_ll)
    want = np.where(np.isfinite(m), np.round(m * 10), -1).astype(int)
    rows = [ride["ids"].index(sid) for sid in ids]
    got = tenths[rows][:, cells]
    assert np.isfinite(m).sum() >= 10
    assert (got == want).all(), (got, want)
    # the approximate one is timed to its hexagon's centre: to the exact place it differs
    k = next(n for n, s in enumerate(ids) if state.services[s].location_privacy == "approximate")
    exact = engine([APPROX])[0]
    exact = np.where(np.isfinite(exact), np.round(exact * 10), -1).astype(int)
    assert (exact != got[k]).any()


def test_no_protected_place_in_transit_js(site):
    _reg, res, ride = site
    text = (res.folder / "data" / "transit.js").read_text(encoding="utf-8")
    hidden = next(
        s for s in site_data(res.folder, "services.js", "BUSSOLA_DATA")["services"]
        if s["privacy"] == "hidden"
    )  # fmt: skip
    assert hidden["id"] not in ride["ids"]  # listed with its phone, never timed
    for lon, lat in (HIDDEN, APPROX):
        for v in (lon, lat):
            assert f"{v:.4f}" not in text and f"{v:.3f}" not in text


def test_bad_transit_input_gets_the_engines_bilingual_errors(tmp_path, shared_data):
    reg = mestre_registry(tmp_path / "r.gpkg")
    feed = shared_data / ACTV
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    cases = [
        ({"feeds": [feed], "date": "2026-03-04"}, "Nessun mezzo pubblico"),  # after the feed
        ({"feeds": [broken], "date": DATE}, "non è un file zip leggibile"),
        ({"feeds": [feed], "date": "19/11/2025"}, "non è una data"),
        ({"feeds": [feed], "date": DATE, "window": "08:00"}, "non è 'HH:MM-HH:MM'"),
        ({"date": DATE}, "richiede 'feeds' e 'date'"),
    ]
    for transit, italian in cases:
        with pytest.raises(InputError) as err:
            publish(reg, tmp_path / "site", transit=transit, pdfs=False, make_zip=False)
        assert italian in err.value.message_it, (transit, err.value.message_it)
        assert err.value.message != err.value.message_it
        assert not (tmp_path / "site").exists()  # nothing half-written
    with pytest.raises(InputError, match="without a GTFS feed"):
        transit_request([], DATE, None)
    with pytest.raises(InputError, match="service date"):
        transit_request([str(feed)], None, "08:00-09:00")
    assert transit_request([], None) is None
    assert transit_request([str(feed)], DATE, "7:30-9:00")["window"] == ("7:30", "9:00")


def test_with_a_street_network_walks_to_stops_on_it_on_walk_js_grid(tmp_path, shared_data):
    """Venice's historic centre (2009 OSM fixture) and ACTV's buses, which stop at Piazzale
    Roma: transit.js has walk.js's grid and services, walks on the streets, and buses beat
    walking only near Piazzale Roma."""
    from capacitymetro_plugin.core.bussola import walking_network
    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.registry import Registry

    osm = shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_services(
        [
            Service(name="Vicino a Piazzale Roma", sectors=["health"], lon=12.3195, lat=45.4370),
            Service(name="Frari", sectors=["health"], lon=12.3270, lat=45.4400),
        ]
    )
    net = walking_network(osm)
    transit = {"feeds": [shared_data / ACTV], "date": DATE, "window": "08:00-08:30"}
    res = publish(reg, tmp_path / "site", network=net, transit=transit, pdfs=False)
    ride = site_data(res.folder, "transit.js", "BUSSOLA_TRANSIT")
    walk = site_data(res.folder, "walk.js", "BUSSOLA_WALK")
    assert ride["walk_source"] == "street"
    assert ride["grid"] == walk["grid"] and ride["ids"] == walk["ids"]
    a, w = np.asarray(ride["tenths_min"]), np.asarray(walk["tenths_min"])
    faster = (a >= 0) & ((w < 0) | (a < w))
    assert 0 < (a >= 0).sum() < 0.2 * a.size and faster.any()
    # the same cells by the engine directly, on the same street network
    g = ride["grid"]
    cells = np.flatnonzero((a >= 0).any(axis=0))[:6]
    centres = [
        Point(
            g["lon0"] + (c % g["nx"] + 0.5) * g["dlon"],
            g["lat0"] + (c // g["nx"] + 0.5) * g["dlat"],
        )
        for c in cells
    ]
    timetable = build_timetable([read_gtfs(shared_data / ACTV, feed_id="actv")], date=DATE)
    m = transit_service_times(
        timetable, gpd.GeoDataFrame(geometry=centres, crs=4326),
        gpd.GeoDataFrame(geometry=[Point(12.3195, 45.4370), Point(12.3270, 45.4400)], crs=4326),
        network=net, departure_start_s=8 * 3600, departure_end_s=8.5 * 3600, step_s=600,
        percentiles=(50,), percentile=50, max_direct_walk_min=1 / 60, cutoff_min=60,
    ).minutes.astype(float)  # fmt: skip
    want = np.where(np.isfinite(m), np.round(m * 10), -1).astype(int)
    by_name = {s.name: s.service_id for s in reg.load().services.values()}
    rows = [ride["ids"].index(by_name[n]) for n in ("Vicino a Piazzale Roma", "Frari")]
    assert (a[rows][:, cells] == want).all()
    # water buses by headway only (no feed): the ferries' synthetic feed, quoted without dates
    piers = shared_data / "venezia_fermate_vaporetto_2018.geojson"
    ferries = {"ways": osm, "piers": piers, "headway_min": 20}
    transit = {"ferries": ferries, "date": DATE, "window": "08:00-08:30"}
    res = publish(reg, tmp_path / "boats", network=net, transit=transit, pdfs=False)
    boats = site_data(res.folder, "transit.js", "BUSSOLA_TRANSIT")
    assert boats["feeds"] == [{"name": "OpenStreetMap", "modes": ["ferry"], "headway": True}]
    assert boats["modes"] == ["ferry"] and boats["headway"] is True  # "public transport", estimate
    assert ride["modes"] == ["bus", "tram"] and ride["headway"] is False  # ACTV: "bus/tram"
    assert (np.asarray(boats["tenths_min"]) >= 0).sum() > (a >= 0).sum()  # boats reach more


def test_route_types_name_the_modes(tmp_path, shared_data):
    """The site says "bus/tram" only for feeds of buses and trams: GTFS route types, basic
    and extended, give the modes; a feed without routes.txt has none ("public transport")."""
    import zipfile

    from capacitymetro_plugin.core.bussola.transit import feed_modes, route_mode

    cases = {"0": "tram", "3": "bus", "11": "bus", "700": "bus", "900": "tram", "2": "rail",
             "109": "rail", "1": "metro", "401": "metro", "4": "ferry", "1200": "ferry",
             "7": "other", "x": "other"}  # fmt: skip
    assert {k: route_mode(k) for k in cases} == cases
    assert feed_modes(shared_data / ACTV) == ["bus", "tram"]
    assert feed_modes(shared_data / "gtfs_trenord_20220111-20220612.zip") == ["rail"]
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "routes.txt").write_text("route_id,route_type\nA,1200\nB, 3\n", encoding="utf-8")
    assert feed_modes(folder) == ["bus", "ferry"]
    with zipfile.ZipFile(tmp_path / "none.zip", "w") as z:
        z.writestr("stops.txt", "stop_id\n1\n")
    assert feed_modes(tmp_path / "none.zip") == []
