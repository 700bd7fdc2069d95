"""Protected locations: the location_privacy field, its schema migration, and public outputs.

Protected services are planted in a registry; no public file may hold their exact coordinates
(at ~10 m precision, rounded or truncated) or their street address, while internal reads and
non-public exports keep the exact place.
"""

from __future__ import annotations

import hashlib
import math

import pytest
from osgeo import ogr
from pyproj import Transformer
from shapely.geometry import Point, shape

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry import exchange, hsds
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.privacy import (
    HEX_RADIUS_M,
    approximate_area,
    check_privacy,
    public_service,
)
from capacitymetro_plugin.core.registry.registry import Registry

# planted places (Trento); addresses are unique strings so a leak is easy to see
SHELTER = dict(lon=11.1273, lat=46.0712, address="Via Segreta Rifugio 17")
DORM = dict(lon=11.1408, lat=46.0581, address="Vicolo Nascosto Approssimato 3")


def _planted(reg: Registry) -> dict[str, Service]:
    made = reg.add_services(
        [
            Service(name="Sportello pubblico", sectors=["information"], lon=11.1211, lat=46.0664),
            Service(
                name="Casa rifugio",
                sectors=["housing"],
                phone="+39 0461 000000",
                location_privacy="hidden",
                postcode="38122",
                comune_istat="022205",
                comune_name="Trento",
                **SHELTER,
            ),
            Service(
                name="Accoglienza notturna",
                sectors=["housing"],
                location_privacy="approximate",
                postcode="38121",
                comune_istat="022205",
                comune_name="Trento",
                **DORM,
            ),
        ]
    )
    return {s.name: s for s in made}


def _coordinate_strings(lon: float, lat: float) -> list[str]:
    out = []
    for v in (lon, lat):
        out.append(f"{v:.4f}")  # rounded to ~10 m
        out.append(f"{math.floor(v * 1e4 + 1e-6) / 1e4:.4f}")  # truncated
    return out


@pytest.fixture(params=gio.ENGINES)
def reg(request, monkeypatch, tmp_path):
    monkeypatch.setattr(gio, "ENGINE", request.param)
    return Registry.create(tmp_path / "registry.gpkg")


def test_default_is_exact_and_value_round_trips(reg):
    made = _planted(reg)
    assert reg.get_service(made["Sportello pubblico"].service_id).location_privacy == "exact"
    assert reg.get_service(made["Casa rifugio"].service_id).location_privacy == "hidden"
    # internal reads keep the exact place
    got = reg.get_service(made["Accoglienza notturna"].service_id)
    assert (got.lon, got.lat, got.address) == (DORM["lon"], DORM["lat"], DORM["address"])


def test_check_privacy_names_the_values():
    assert check_privacy(None) == "exact"
    assert check_privacy(" Hidden ") == "hidden"
    with pytest.raises(InputError) as err:
        check_privacy("secret")
    assert "approximate" in err.value.fix and "approssimativa" in err.value.fix_it


def test_schema_1_registry_reads_unchanged_and_migrates_on_write(reg):
    made = _planted(reg)
    # make it a schema-1 registry: no location_privacy column, schema_version 1
    ds = ogr.Open(str(reg.path), 1)
    lyr = ds.GetLayerByName("services")
    lyr.DeleteField(lyr.GetLayerDefn().GetFieldIndex("location_privacy"))
    ds.ExecuteSQL("UPDATE registry_meta SET value = '1' WHERE key = 'schema_version'")
    ds = None
    digest = hashlib.sha256(reg.path.read_bytes()).hexdigest()
    old = Registry.open(reg.path)
    assert {s.location_privacy for s in old.services()} == {"exact"}
    assert old.load().meta["schema_version"] == "1"
    assert hashlib.sha256(reg.path.read_bytes()).hexdigest() == digest  # reading never writes
    old.update_service(made["Casa rifugio"].service_id, location_privacy="hidden")
    again = Registry.open(reg.path)
    assert again.load().meta["schema_version"] == "3"
    assert again.get_service(made["Casa rifugio"].service_id).location_privacy == "hidden"
    assert again.get_service(made["Sportello pubblico"].service_id).location_privacy == "exact"
    assert len(again.services()) == 3


def test_approximate_area_is_a_displaced_hexagon_of_at_least_500_m():
    to_m = Transformer.from_crs(4326, 3035, always_xy=True)
    area = approximate_area(DORM["lon"], DORM["lat"])
    poly = shape(area["polygon"])
    assert poly.contains(Point(DORM["lon"], DORM["lat"]))
    ring = [to_m.transform(x, y) for x, y in area["polygon"]["coordinates"][0]]
    widths = [math.dist(ring[i], ring[i + 3]) for i in range(3)]  # vertex to opposite vertex
    assert min(widths) == pytest.approx(2 * HEX_RADIUS_M, rel=1e-3)
    assert 2 * HEX_RADIUS_M * math.sqrt(3) / 2 >= 500  # the narrowest width, flat to flat
    centre = to_m.transform(*area["centre"])
    place = to_m.transform(DORM["lon"], DORM["lat"])
    assert 1 < math.dist(centre, place) < HEX_RADIUS_M
    # the grid is fixed: a place 100 m away in the same cell gets the very same area
    x, y = place
    back = Transformer.from_crs(3035, 4326, always_xy=True)
    for dx, dy in ((100, 0), (0, 100), (-100, 0), (0, -100)):
        near = back.transform(x + dx, y + dy)
        other = approximate_area(*near)
        if shape(other["polygon"]).equals(poly):
            break
    else:  # pragma: no cover - a 1 km cell holds at least one of four points 100 m away
        pytest.fail("no neighbour shares the cell")


def test_no_exact_protected_coordinate_in_any_public_export(reg, tmp_path):
    made = _planted(reg)
    out = tmp_path / "public"
    files = [
        hsds.export_hsds_json(reg, out / "hsds.json"),
        exchange.export_csv(reg, out / "registry_services.csv"),
        exchange.export_geojson(reg, out / "services.geojson"),
    ]
    package = hsds.export_hsds_datapackage(reg, out / "datapackage")
    files += sorted(package.glob("*.csv")) + [package / "datapackage.json"]
    text = {p.name: p.read_text(encoding="utf-8") for p in files}
    for name, body in text.items():
        for planted in (SHELTER, DORM):
            assert planted["address"] not in body, name
            for needle in _coordinate_strings(planted["lon"], planted["lat"]):
                assert needle not in body, (name, needle)
        assert "Casa rifugio" in body or name.endswith(".csv") or name == "datapackage.json"
    # the public service itself is there, exactly
    assert "11.1211" in text["registry_services.csv"] and "11.1211" in text["hsds.json"]
    # hidden: no location at all; approximate: one location at the hexagon's centre
    doc = hsds.registry_to_hsds(reg)
    by_name = {s["name"]: s for s in doc["services"]}
    assert "service_at_locations" not in by_name["Casa rifugio"]
    assert by_name["Casa rifugio"]["phones"][0]["number"] == "+39 0461 000000"  # the channel
    loc = by_name["Accoglienza notturna"]["service_at_locations"][0]["location"]
    centre = approximate_area(DORM["lon"], DORM["lat"])["centre"]
    assert [loc["longitude"], loc["latitude"]] == pytest.approx(centre)
    # non-public (internal) exports keep the exact place
    internal = hsds.registry_to_hsds(reg, public=False)
    loc = next(s for s in internal["services"] if s["name"] == "Casa rifugio")[
        "service_at_locations"
    ][0]["location"]
    assert (loc["longitude"], loc["latitude"]) == (SHELTER["lon"], SHELTER["lat"])
    assert made["Casa rifugio"].location_privacy == "hidden"


def test_public_service_leaves_the_record_untouched():
    s = Service(name="x", location_privacy="approximate", address="Via A 1", lon=11.1, lat=46.0)
    p = public_service(s)
    assert (s.lon, s.address) == (11.1, "Via A 1")
    assert p.address is None and p.lon != 11.1
