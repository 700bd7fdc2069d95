"""Geocoding the real registries offline (issue 14).

Trento: the 16 hand-transcribed services against the 2023 OSM extract. The 8 with coordinates
(matched by hand to OSM POIs, see ../shared/data/README.md section 15) are the oracle: they are
geocoded anyway and the distance to their true point is measured with pyproj's geodesic (not our
own distance). Bari: the street graph has no names, so offline nothing can match; the report
lists what needs a click. Consultori: 927 real, messy addresses; none is in Trentino (the list
lacks ten regions), so the Trento extract places none, and the parser's yield is measured.
"""

from __future__ import annotations

import statistics

import pandas as pd
import pytest
from pyproj import Geod

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.addresses import parse_address
from capacitymetro_plugin.core.registry.geocode import (
    geocode_registry,
    geocode_services,
    index_from_osm,
    load_index,
)
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.nominatim import Nominatim
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.sample import sample_services

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def trento_index(shared_data):
    return index_from_osm(shared_data / "osm_trento_2023-02_tnst.osm.pbf")


@pytest.fixture(scope="module")
def services(shared_data):
    return sample_services(shared_data)[0]


def _city(services, name):
    return [s for s in services if s.comune_name == name]


def test_trento_extract_index(trento_index):
    assert trento_index.n_addresses == 6722
    assert len(trento_index.streets) == 887
    assert "trento" in trento_index.cities and "gardolo" in trento_index.cities


def test_trento_services_with_known_points_are_the_oracle(services, trento_index):
    trento = _city(services, "Trento")
    located = [s for s in trento if s.lon is not None]
    assert (len(trento), len(located)) == (16, 8)
    report = geocode_services(located, index=trento_index, include_placed=True)
    errors = {}
    for s, row in zip(located, report.rows):
        if row.status == "matched":
            _, _, dist = GEOD.inv(s.lon, s.lat, row.result.lon, row.result.lat)
            errors[s.name[:30]] = (row.result.level, round(dist, 1))
    # Commissariato del Governo has no address on its pages: the one not matched
    assert len(errors) == 7 and report.count("unmatched") == 1
    assert [lv for lv, _ in errors.values()].count("housenumber") == 5
    metres = sorted(d for _, d in errors.values())
    # measured: 0, 0, 0, 5.7 (San Giovanni Bosco 7), 110 (Lunelli 4: street middle), 121
    # (Lung'Adige S. Nicolò 5: street middle), 247 (Questura: the address node vs the POI's
    # building centroid, a large compound)
    assert statistics.median(metres) < 10.0
    assert max(metres) < 300.0
    assert sum(d < 20 for d in metres) == 4


def test_trento_services_without_points(services, trento_index):
    missing = [s for s in _city(services, "Trento") if s.lon is None]
    report = geocode_services(missing, index=trento_index)
    assert report.levels() == {"housenumber": 3, "street": 2, "none": 0}
    assert report.count("unmatched") == 3
    assert {r.result.reason for r in report.needs_a_click()} == {"no street in the address"}
    matched = {r.address: r.result.matched for r in report.rows if r.status == "matched"}
    assert matched["via Endrici 27"] == "Via Monsignor Celestino Endrici 27"
    assert matched["via Veneto 43"] == "Via Vittorio Veneto 43"
    for r in report.rows:  # every point inside the extract's bbox (Trento)
        if r.status == "matched":
            assert 11.0 < r.result.lon < 11.25 and 45.95 < r.result.lat < 46.15


def test_trento_registry_keeps_its_hand_placed_points(services, shared_data, tmp_path):
    reg = Registry.create(tmp_path / "trento.gpkg")
    reg.add_services(_city(services, "Trento"))
    before = {s.service_id: (s.lon, s.lat) for s in reg.services() if s.lon is not None}
    report = geocode_registry(reg, osm_extract=shared_data / "osm_trento_2023-02_tnst.osm.pbf")
    assert (report.count("matched"), report.count("unmatched"), report.count("skipped")) == (
        5,
        3,
        8,
    )
    after = {s.service_id: s for s in Registry.open(reg.path).services()}
    assert all((after[k].lon, after[k].lat) == v for k, v in before.items())
    assert sum(s.location_source == "geocoded:osm" for s in after.values()) == 5


def test_bari_needs_a_click(services, shared_data, tmp_path):
    bari = _city(services, "Bari")
    assert len(bari) == 14 and all(s.lon is None for s in bari)
    with pytest.raises(InputError) as err:
        load_index(shared_data / "bari_stradario_grafo_2026.gpkg")
    assert "no street names" in err.value.message and "nomi delle vie" in err.value.message_it
    offline = Nominatim(cache_dir=tmp_path / "empty-cache", offline=True)
    report = geocode_services(bari, nominatim=offline)
    assert report.count("matched") == 0 and len(report.needs_a_click()) == 14
    reasons = pd.Series([r.result.reason for r in report.rows]).value_counts().to_dict()
    # 10 have a street that Nominatim (online) could try; 4 name no street at all
    assert reasons == {"offline and not in the Nominatim cache": 10, "no street in the address": 4}
    assert offline.requests == 0


def test_consultori_addresses(shared_data, trento_index):
    table = pd.read_csv(
        shared_data / "consultori_italia_ondata.csv", dtype=str, keep_default_na=False
    )
    assert len(table) == 927
    parsed = [parse_address(a, comune=c) for a, c in zip(table["indirizzo"], table["comune"])]
    assert sum(p.postcode is not None and p.province is not None for p in parsed) == 927
    with_street = sum(p.street is not None for p in parsed)
    with_number = sum(p.housenumber is not None for p in parsed)
    assert with_street >= 910 and with_number >= 530  # measured 915 and 534
    assert sum(p.province == "TN" for p in parsed) == 0  # no Trentino rows in the list
    services = [
        Service(name=n, sectors=["health"], address=a, comune_name=c.title())
        for n, a, c in zip(table["denominazione"], table["indirizzo"], table["comune"])
    ]
    report = geocode_services(services, index=trento_index)
    assert report.count("matched") == 0  # e.g. no "Via Roma" of Palermo placed in Trento
    outside = sum("is not in the extract" in r.result.reason for r in report.rows)
    assert outside == with_street


def test_rome_consultori_against_the_recorded_overpass_answer(shared_data):
    """56 consultori of Roma against central Rome's highways (Overpass JSON, 2016; ~1.6 x 1.9 km,
    181 named streets, no house numbers). The postcode is the oracle: only a consultorio whose
    postcode lies in the extract's area (00184-00187) may be placed. Before the name score was
    made stricter, Via Iberia (00183) went to Via Liberiana and Via Vaiano (00147) to Via Milano."""
    index = load_index(shared_data / "osm_roma_centro_overpass_2016.json")
    assert len(index.streets) == 181 and index.n_addresses == 0
    table = pd.read_csv(
        shared_data / "consultori_italia_ondata.csv", dtype=str, keep_default_na=False
    )
    rome = table[table["comune"] == "ROMA"]
    services = [
        Service(name=n, sectors=["health"], address=a, comune_name="Roma")
        for n, a in zip(rome["denominazione"], rome["indirizzo"])
    ]
    report = geocode_services(services, index=index)
    assert len(report.rows) == 56
    matched = [r for r in report.rows if r.status == "matched"]
    assert [r.result.matched for r in matched] == [
        "Via di San Giovanni in Laterano (middle, no. 155 not in OSM)"
    ]
    for r in matched:
        assert parse_address(r.address).postcode in {"00184", "00185", "00186", "00187"}
        assert 12.483 <= r.result.lon <= 12.506 and 41.885 <= r.result.lat <= 41.899
    assert all(r.result.reason.startswith("street ") for r in report.rows if r.status != "matched")
