"""Geocoding a registry (core/registry/geocode.py, nominatim.py) on a small OSM file written here.

The OSM XML holds two streets and their house numbers at known places, so every expected point is
known; the Nominatim tests run a local http.server with recorded-looking answers (never the
internet). Bad input must give a named bilingual error and leave the registry file as it was.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.errors import CapaCityMetroError, DataUnavailableError, InputError
from capacitymetro_plugin.core.registry.addresses import parse_address
from capacitymetro_plugin.core.registry.geocode import (
    geocode_address,
    geocode_registry,
    index_from_osm,
)
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.nominatim import GeocoderError, Nominatim
from capacitymetro_plugin.core.registry.registry import MANUAL_SOURCE, Registry

# Via Renato Lunelli runs west-east at lat 46.0930; Via Madruzzo north-south at lon 11.1205.
NODES = {
    1: (11.1190, 46.0930),
    2: (11.1200, 46.0930),
    3: (11.1210, 46.0930),
    4: (11.1205, 46.0630),
    5: (11.1205, 46.0640),
    6: (11.1205, 46.0650),
}
HOUSES = {  # id: (lon, lat, street, number, city)
    10: (11.11967, 46.09302, "Via Renato Lunelli", "4", "Trento"),
    11: (11.11990, 46.09295, "Via Renato Lunelli", "6", "Trento"),
    12: (11.12054, 46.06369, "Via cardinale Cristoforo Madruzzo", "21", "Trento"),
    13: (11.12051, 46.06401, "Via cardinale Cristoforo Madruzzo", "25", "Trento"),
    14: (11.12090, 46.09299, "Via Renato Lunelli", "8", "Gardolo"),  # a frazione as addr:city
}


def _osm_xml() -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lon, lat) in NODES.items():
        lines.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for nid, (lon, lat, street, number, city) in HOUSES.items():
        lines += [
            f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}">',
            f'<tag k="addr:street" v="{street}"/><tag k="addr:housenumber" v="{number}"/>',
            f'<tag k="addr:city" v="{city}"/></node>',
        ]
    for wid, nds, name in (
        (100, (1, 2, 3), "Via Renato Lunelli"),
        (101, (4, 5, 6), "Via cardinale Cristoforo Madruzzo"),
    ):
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{n}"/>' for n in nds]
        lines.append(f'<tag k="highway" v="residential"/><tag k="name" v="{name}"/></way>')
    lines.append("</osm>")
    return "\n".join(lines)


@pytest.fixture
def osm(tmp_path):
    path = tmp_path / "mini.osm"
    path.write_text(_osm_xml(), encoding="utf-8")
    return path


@pytest.fixture
def reg(tmp_path):
    r = Registry.create(tmp_path / "reg.gpkg")
    r.add_services(
        [
            Service(name="Cinformi", sectors=["information"], address="via Lunelli 4, Trento", comune_name="Trento"),
            Service(name="ATAS", sectors=["housing"], address="Via Madruzzo 23", comune_name="Trento"),
            Service(name="Senza via", sectors=["health"], address="presso il convento", comune_name="Trento"),
            Service(name="Senza indirizzo", sectors=["health"], comune_name="Trento"),
            Service(
                name="A mano", sectors=["health"], address="via Lunelli 6", comune_name="Trento",
                lon=11.2, lat=46.2,
            ),
            Service(
                name="Gia geocodificato", sectors=["health"], address="via Lunelli 6",
                comune_name="Trento", lon=11.0, lat=46.0, location_source="geocoded:osm",
            ),
        ]
    )  # fmt: skip
    return r


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_levels_and_points_on_a_known_extract(osm):
    index = index_from_osm(osm)
    assert index.n_addresses == 5 and len(index.streets) == 2
    assert index.cities == {"trento", "gardolo"}
    frazione = geocode_address(parse_address("via Lunelli 8", comune="Trento"), index)
    assert (frazione.level, frazione.lon, frazione.lat) == ("housenumber", 11.1209, 46.09299)
    got = geocode_address(parse_address("via Lunelli 4, Trento"), index)
    assert (got.level, got.lon, got.lat) == ("housenumber", 11.11967, 46.09302)
    assert 0.85 <= got.score < 1.0  # OSM writes the first name too
    suffix = geocode_address(parse_address("Via Madruzzo 21/B"), index)
    assert (suffix.level, suffix.lon, suffix.lat) == ("housenumber", 11.12054, 46.06369)
    # 23 is not in OSM: the nearest number on the same side (21 and 25 are both 2 away)
    near = geocode_address(parse_address("Via Madruzzo 23"), index)
    assert near.level == "street" and near.lon == pytest.approx(11.1205, abs=1e-4)
    middle = geocode_address(parse_address("via Lunelli"), index)
    assert (middle.level, middle.lon, middle.lat) == ("street", 11.1200, 46.0930)
    assert geocode_address(parse_address("via Rovereto 3"), index).level == "none"
    away = geocode_address(parse_address("via Lunelli 4", comune="Bari"), index)
    assert away.level == "none" and "Bari" in away.reason and "Bari" in away.reason_it


def test_registry_geocoding_keeps_hand_placed_points(reg, osm):
    report = geocode_registry(reg, osm_extract=osm)
    by_name = {r.name: r for r in report.rows}
    assert report.count("matched") == 2 and report.count("unmatched") == 2
    assert report.count("skipped") == 2 and report.written
    assert by_name["Senza via"].result.reason == "no street in the address"
    assert by_name["Senza indirizzo"].result.reason_it == "nessun indirizzo"
    assert [r.name for r in report.needs_a_click()] == ["Senza via", "Senza indirizzo"]
    again = {s.name: s for s in Registry.open(reg.path).services()}
    assert (again["Cinformi"].lon, again["Cinformi"].lat) == (11.11967, 46.09302)
    assert again["Cinformi"].location_source == "geocoded:osm"
    assert (again["A mano"].lon, again["A mano"].lat, again["A mano"].location_source) == (
        11.2,
        46.2,
        None,
    )
    assert again["Gia geocodificato"].lon == 11.0  # kept unless asked
    # regeocode moves what a geocoder placed, never what a person placed
    redo = geocode_registry(reg, osm_extract=osm, regeocode=True)
    assert {r.name for r in redo.rows if r.status == "matched"} == {
        "Cinformi",
        "ATAS",
        "Gia geocodificato",
    }
    assert {r.name: r.result.reason for r in redo.rows if r.status == "skipped"} == {
        "A mano": "placed by hand: kept"
    }
    final = {s.name: s for s in Registry.open(reg.path).services()}
    assert (final["Gia geocodificato"].lon, final["Gia geocodificato"].lat) == (11.1199, 46.09295)
    assert (final["A mano"].lon, final["A mano"].lat) == (11.2, 46.2)
    assert "italiano" not in redo.summary("en") and "a mano" in redo.summary("it")


def test_a_geocoded_point_moved_by_hand_is_manual_from_then_on(reg, osm):
    geocode_registry(reg, osm_extract=osm)
    cinformi = next(s for s in reg.services() if s.name == "Cinformi")
    assert cinformi.location_source == "geocoded:osm"
    moved = reg.update_service(cinformi.service_id, lon=11.1197, lat=46.0931)  # the dock's click
    assert moved.location_source == MANUAL_SOURCE
    renamed = reg.update_service(cinformi.service_id, name="Cinformi (sede)")  # not moved
    assert renamed.location_source == MANUAL_SOURCE
    redo = geocode_registry(reg, osm_extract=osm, regeocode=True)
    assert next(r for r in redo.rows if r.name == "Cinformi (sede)").status == "skipped"
    again = reg.get_service(cinformi.service_id)
    assert (again.lon, again.lat) == (11.1197, 46.0931)
    # a caller that says where the point came from keeps its word
    told = reg.update_service(
        cinformi.service_id, lon=11.12, lat=46.09, location_source="geocoded:nominatim"
    )
    assert told.location_source == "geocoded:nominatim"


def test_dry_run_writes_nothing(reg, osm):
    before = _digest(reg.path)
    report = geocode_registry(reg, osm_extract=osm, dry_run=True)
    assert report.count("matched") == 2 and not report.written
    assert _digest(reg.path) == before


@pytest.mark.parametrize(
    "content", [b"", b"not an osm file at all", b"\x00\x00\x00\x0dOSMHeader\xff\xff"]
)
def test_broken_extract_is_a_named_error_and_the_registry_is_untouched(reg, tmp_path, content):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(content)
    before = _digest(reg.path)
    with pytest.raises(InputError) as err:
        geocode_registry(reg, osm_extract=bad)
    assert "broken.osm.pbf" in err.value.message and "osmium" in err.value.fix
    assert "non è stato modificato nulla" in err.value.message_it
    assert _digest(reg.path) == before


def test_no_geocoder_and_no_address_are_named_errors(tmp_path, osm):
    reg = Registry.create(tmp_path / "r.gpkg")
    reg.add_service(Service(name="Senza", sectors=["health"]))
    with pytest.raises(InputError, match="OSM extract, a GTFS feed's stops or Nominatim"):
        geocode_registry(reg, osm_extract=None)
    with pytest.raises(InputError) as err:
        geocode_registry(reg, osm_extract=osm)
    assert "address" in err.value.message and "indirizzo" in err.value.message_it


# --- Nominatim on a local server ----------------------------------------------------------
def _place(lon, lat, road, number=None, rank=30):
    address = {"road": road, "city": "Bari", "country_code": "it"}
    if number:
        address["house_number"] = number
    return {
        "place_id": 1, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
        "lat": str(lat), "lon": str(lon), "place_rank": rank, "category": "place",
        "type": "house", "display_name": f"{number or ''} {road}, Bari", "address": address,
    }  # fmt: skip


ANSWERS = {  # the "street" query parameter -> (status, body)
    "4 via g. palatucci": (200, [_place(16.8770, 41.1085, "Via Giovanni Palatucci", "4")]),
    "via positano": (200, [_place(16.8520, 41.1010, "Via Positano", rank=26)]),
    "81 corso italia": (200, []),
    "1 via fretta": (429, {"error": "Too many requests"}),
    "1 via guasta": (500, "Internal Server Error"),
    "1 via spazzatura": (200, "<html>not json</html>"),
}


class _Handler(BaseHTTPRequestHandler):
    hits: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server API
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        type(self).hits.append({"query": query, "agent": self.headers.get("User-Agent")})
        status, body = ANSWERS.get(query.get("street", ""), (200, []))
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.hits = []
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.hits
    httpd.shutdown()


def _bari(tmp_path, *addresses):
    reg = Registry.create(tmp_path / "bari.gpkg")
    reg.add_services(
        [
            Service(name=f"S{i}", sectors=["health"], address=a, comune_name="Bari")
            for i, a in enumerate(addresses)
        ]
    )
    return reg


def test_nominatim_levels_cache_and_user_agent(tmp_path, server):
    url, hits = server
    reg = _bari(
        tmp_path, "Via G. Palatucci 4", "via Positano", "corso Italia 81", "Borgo Antico, Bari"
    )
    client = Nominatim(url=url, cache_dir=tmp_path / "cache", min_interval=0)
    report = geocode_registry(reg, nominatim=client)
    rows = {r.address: r for r in report.rows}
    assert rows["Via G. Palatucci 4"].result.level == "housenumber"
    assert rows["Via G. Palatucci 4"].result.source == "geocoded:nominatim"
    assert rows["via Positano"].result.level == "street"
    assert rows["corso Italia 81"].result.reason == "Nominatim found nothing"
    assert rows["Borgo Antico, Bari"].result.reason == "no street in the address"
    assert len(hits) == 3 and all(h["agent"].startswith("CapaCityMetro/") for h in hits)
    assert hits[0]["query"]["city"] == "Bari" and hits[0]["query"]["countrycodes"] == "it"
    cached = sorted((tmp_path / "cache").glob("*.json"))
    assert len(cached) == 3
    record = json.loads(cached[0].read_text(encoding="utf-8"))
    assert record["url"].startswith(url) and "ODbL" in record["licence"] and record["retrieved"]
    # a second run, offline, reads the cache only
    offline = Nominatim(url=url, cache_dir=tmp_path / "cache", offline=True)
    again = geocode_registry(reg, nominatim=offline, regeocode=True, dry_run=True)
    assert len(hits) == 3 and offline.requests == 0
    assert {r.address: r.result.level for r in again.rows if r.status == "matched"} == {
        "Via G. Palatucci 4": "housenumber",
        "via Positano": "street",
    }


def test_offline_without_cache_leaves_rows_unmatched(tmp_path, server):
    url, hits = server
    reg = _bari(tmp_path, "via Positano")
    report = geocode_registry(
        reg, nominatim=Nominatim(url=url, cache_dir=tmp_path / "c", offline=True)
    )
    assert report.rows[0].result.reason == "offline and not in the Nominatim cache" and hits == []


@pytest.mark.parametrize(
    ("address", "words", "words_it"),
    [
        ("via Fretta 1", "HTTP 429", "troppe richieste"),
        ("via Guasta 1", "HTTP 500", "errore HTTP 500"),
        ("via Spazzatura 1", "not a list of places", "non è un elenco di luoghi"),
    ],
)
def test_nominatim_failures_are_named_and_write_nothing(tmp_path, server, address, words, words_it):
    url, _ = server
    reg = _bari(tmp_path, "via Positano", address)
    before = _digest(reg.path)
    with pytest.raises(GeocoderError) as err:
        geocode_registry(
            reg, nominatim=Nominatim(url=url, cache_dir=tmp_path / "c", min_interval=0)
        )
    assert words in err.value.message and words_it in err.value.message_it
    assert _digest(reg.path) == before
    assert len(list((tmp_path / "c").glob("*.json"))) == 1  # the good answer stays cached


def test_nominatim_unreachable_is_data_unavailable(tmp_path):
    client = Nominatim(url="http://127.0.0.1:9", cache_dir=tmp_path / "c", timeout=2)
    with pytest.raises(DataUnavailableError) as err:
        client.search(parse_address("via Positano 1", comune="Bari"))
    assert ".osm.pbf" in err.value.fix and "non è raggiungibile" in err.value.message_it


def test_at_most_one_request_per_second(tmp_path, server, monkeypatch):
    url, hits = server
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    client = Nominatim(url=url, cache_dir=tmp_path / "c", clock=lambda: now[0], sleep=sleep)
    for street in ("via Positano", "corso Italia 81", "via Manzoni 68"):
        client.search(parse_address(street, comune="Bari"))
        now[0] += 0.25  # the caller's own work between two requests
    assert len(hits) == 3 and slept == [pytest.approx(0.75), pytest.approx(0.75)]


def test_env_url_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("CAPACITYMETRO_NOMINATIM_URL", "http://example.invalid/nom/")
    assert Nominatim(cache_dir=tmp_path).url == "http://example.invalid/nom"


# --- the command line: the same core call --------------------------------------------------
def test_cli_geocode_matches_the_core(reg, osm, tmp_path, capsys):
    out = tmp_path / "report.csv"
    assert (
        main(["geocode", str(reg.path), "--osm", str(osm), "--dry-run", "--report", str(out)]) == 0
    )
    text = capsys.readouterr().out
    assert "2 services geocoded (1 at the house number, 1 at the street), 2 need a click" in text
    import pandas as pd

    table = pd.read_csv(out)
    core = geocode_registry(reg, osm_extract=osm, dry_run=True).to_frame()
    assert list(table["status"]) == list(core["status"])
    assert table["lon"].fillna(0).tolist() == pytest.approx(core["lon"].fillna(0).tolist())


def test_cli_broken_extract_exits_2_in_italian(reg, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "rotto.osm.pbf"
    bad.write_bytes(b"garbage")
    before = _digest(reg.path)
    monkeypatch.setenv("LANG", "it_IT.UTF-8")
    assert main(["geocode", str(reg.path), "--osm", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Impossibile leggere l'estratto OSM" in err and "Traceback" not in err
    assert _digest(reg.path) == before


def test_errors_are_capacitymetro_errors():
    assert issubclass(GeocoderError, CapaCityMetroError)
