"""Candidate services from OSM: the tag table, the Overpass JSON reader, dedupe, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shapely.geometry import box

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.registry import osm_tags
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.osm_candidates import (
    osm_candidates,
    osm_refs_in,
    registry_from_osm,
)
from capacitymetro_plugin.core.registry.osm_read import parse_hstore
from capacitymetro_plugin.core.registry.osm_tags import match_tags
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.vocabularies import SECTOR_CODES, STATUS_CODES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "osm_registry.md"


# --- the tag table ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tags", "sectors"),
    [
        ({"amenity": "social_facility", "social_facility": "shelter"}, ("reception", "housing")),
        (
            {"amenity": "social_facility", "social_facility:for": "refugee"},
            ("reception", "information"),
        ),
        ({"office": "government", "name": "Prefettura di Venezia"}, ("documents_legal",)),
        ({"amenity": "townhall"}, ("documents_legal", "information")),
        ({"amenity": "police", "name": "Questura di Trento"}, ("documents_legal",)),
        ({"office": "employment_agency"}, ("work_training",)),
        ({"amenity": "school", "name": "CPIA 1 Venezia"}, ("italian_language", "school")),
        ({"amenity": "doctors"}, ("health",)),
        ({"healthcare": "counselling", "name": "Consultorio familiare"}, ("health",)),
        ({"amenity": "community_centre"}, ("community",)),
        ({"amenity": "post_office", "operator": "Poste Italiane"}, ("documents_legal",)),
        ({"building": "yes", "name": "Sportello Immigrati"}, ("information",)),
        ({"building": "yes", "name": "Centro per l'Impiego"}, ("work_training",)),
    ],
)
def test_tag_table_gives_sectors(tags, sectors):
    match = match_tags(tags)
    assert match.is_candidate
    assert set(match.sectors) == set(sectors)


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ({"amenity": "place_of_worship", "name": "Basilica di San Marco"}, "worship"),
        ({"amenity": "place_of_worship", "religion": "jewish", "name": "Caritas"}, "worship"),
        ({"tourism": "attraction", "amenity": "townhall"}, "Tourism"),
        ({"tourism": "hotel", "name": "Accoglienza"}, "Tourism"),
        ({"highway": "bus_stop", "name": "Verona / Questura"}, "stops"),
        ({"amenity": "police", "name": "Carabinieri"}, "Police"),
        ({"amenity": "social_facility", "social_facility": "nursing_home"}, "elderly"),
        ({"amenity": "post_office", "shop": "copyshop"}, "Parcel"),
        ({"amenity": "police", "name": "Ex questura", "abandoned": "yes"}, "Abandoned"),
    ],
)
def test_exclusions_win(tags, reason):
    match = match_tags(tags)
    assert not match.is_candidate
    assert reason in match.excluded_by.en


def test_no_rule_no_candidate():
    for tags in ({"amenity": "bench"}, {"shop": "bakery", "name": "Forno"}, {}):
        m = match_tags(tags)
        assert not m.is_candidate and m.excluded_by is None


def test_every_rule_uses_our_sectors_and_labels():
    for rule in osm_tags.SERVICE_RULES:
        assert rule.sectors and set(rule.sectors) <= SECTOR_CODES, rule
        assert rule.en and rule.it and not rule.exclude
    for rule in osm_tags.EXCLUSIONS:
        assert rule.exclude and not rule.sectors and rule.en and rule.it
    assert "to_verify" in STATUS_CODES


def test_docs_list_every_rule():
    """docs/osm_registry.md has one table row per rule, with its tags and both labels."""
    text = DOCS.read_text(encoding="utf-8")
    rows = [
        line for line in text.splitlines() if line.startswith("| `") or line.startswith("| name")
    ]
    for rule in (*osm_tags.SERVICE_RULES, *osm_tags.EXCLUSIONS):
        hits = [r for r in rows if rule.it in r and rule.en in r]
        assert len(hits) == 1, rule.en
        if rule.tags:
            assert "`" + rule.tag_text().replace("|", "\\|") + "`" in hits[0]
        if not rule.exclude:
            assert all(f"`{s}`" in hits[0] for s in rule.sectors), rule.en
    assert len(rows) == len(osm_tags.SERVICE_RULES) + len(osm_tags.EXCLUSIONS)


def test_parse_hstore_with_quotes_and_backslashes():
    text = r'"amenity"=>"school","name"=>"Scuola \"Crispi\"","note"=>"a\\b"'
    assert parse_hstore(text) == {"amenity": "school", "name": 'Scuola "Crispi"', "note": "a\\b"}
    assert parse_hstore(None) == {} and parse_hstore("") == {}


def test_osm_refs_in_registry_texts():
    assert osm_refs_in("osm:node/12") == {"node/12"}
    assert osm_refs_in("https://www.openstreetmap.org/way/36869475") == {"way/36869475"}
    assert osm_refs_in("coordinate: OSM POI n2615372887 'Cinformi'") == {"node/2615372887"}
    assert osm_refs_in("Via Roma 12", None) == set()


# --- Overpass JSON ---------------------------------------------------------------------------
def _overpass(tmp_path: Path, elements: list[dict]) -> Path:
    path = tmp_path / "overpass.json"
    doc = {"version": 0.6, "generator": "Overpass API", "elements": elements}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# a square building (way 10) of ~70 x 70 m in Trento, its four nodes untagged
SQUARE = [
    {"type": "node", "id": 1, "lat": 46.0700, "lon": 11.1200},
    {"type": "node", "id": 2, "lat": 46.0700, "lon": 11.1209},
    {"type": "node", "id": 3, "lat": 46.0706, "lon": 11.1209},
    {"type": "node", "id": 4, "lat": 46.0706, "lon": 11.1200},
]
ELEMENTS = [
    *SQUARE,
    {
        "type": "way",
        "id": 10,
        "nodes": [1, 2, 3, 4, 1],
        "tags": {
            "amenity": "townhall",
            "name": "Municipio",
            "addr:street": "Via Belenzani",
            "addr:housenumber": "20",
            "phone": "+39 0461 884111",
        },
    },
    # the same town hall as a node inside the building: a duplicate by name
    {
        "type": "node",
        "id": 5,
        "lat": 46.0703,
        "lon": 11.1204,
        "tags": {"amenity": "townhall", "name": "MUNICIPIO"},
    },
    {
        "type": "node",
        "id": 6,
        "lat": 46.0750,
        "lon": 11.1250,
        "tags": {"amenity": "place_of_worship", "name": "Duomo", "tourism": "attraction"},
    },
    {
        "type": "node",
        "id": 7,
        "lat": 46.0600,
        "lon": 11.1300,
        "tags": {"amenity": "social_facility", "social_facility": "shelter"},
    },
    {
        "type": "way",
        "id": 11,
        "center": {"lat": 46.0650, "lon": 11.1220},
        "tags": {"office": "employment_agency", "name": "Centro per l'impiego"},
    },
    {
        "type": "relation",
        "id": 20,
        "members": [{"type": "way", "ref": 10, "role": "outer"}],
        "tags": {"type": "multipolygon", "amenity": "clinic", "name": "Poliambulatorio"},
    },
    {
        "type": "node",
        "id": 8,
        "lat": 46.0800,
        "lon": 11.1400,
        "tags": {"highway": "bus_stop", "name": "Questura"},
    },
]


def test_overpass_candidates_points_and_exclusions(tmp_path):
    found = osm_candidates(_overpass(tmp_path, ELEMENTS), language="en")
    cand = found.candidates.set_index("osm_ref")
    assert sorted(cand.index) == ["node/5", "node/7", "relation/20", "way/10", "way/11"]
    assert found.objects_read == 7
    assert found.excluded == {
        "Places of worship are not services": 1,
        "Streets and stops (e.g. a bus stop named Questura) are not services": 1,
    }
    # the building's point is its centroid, inside it
    townhall = cand.loc["way/10"]
    assert townhall.geometry.x == pytest.approx(11.12045, abs=1e-6)
    assert townhall.geometry.y == pytest.approx(46.0703, abs=1e-6)
    assert townhall["address"] == "Via Belenzani 20" and townhall["phone"] == "+39 0461 884111"
    assert cand.loc["way/11", "geometry"].x == pytest.approx(11.1220)
    assert cand.loc["relation/20", "geometry"].x == pytest.approx(11.12045, abs=1e-6)
    assert cand.loc["node/7", "name"] == (
        "Social facility (shelter, food bank, outreach...) (node/7)"
    )
    assert not cand.loc["node/7", "named"]
    assert cand.loc["node/7", "sectors"] == "reception;housing"


def test_overpass_area_filter_and_not_covered(tmp_path):
    path = _overpass(tmp_path, ELEMENTS)
    half = box(11.10, 46.05, 11.1230, 46.09)  # west of lon 11.123: the town hall and job centre
    found = osm_candidates(path, area=half)
    assert sorted(found.candidates["osm_ref"]) == ["node/5", "relation/20", "way/10", "way/11"]
    assert found.outside_area == 1
    with pytest.raises(InputError) as err:
        osm_candidates(path, area=box(12.3, 45.4, 12.4, 45.5))  # Venice
    assert "does not reach" in err.value.message and "non raggiunge" in err.value.message_it


def test_area_layer_without_crs_is_a_named_error(tmp_path):
    import geopandas as gpd

    layer = gpd.GeoDataFrame(geometry=[box(11.1, 46.0, 11.2, 46.1)])
    with pytest.raises(CrsError) as err:
        osm_candidates(_overpass(tmp_path, ELEMENTS), area=layer)
    assert "sistema di riferimento" in err.value.message_it


@pytest.mark.parametrize(
    "content",
    ['{"elements": [', "not json at all", '{"version": 0.6}', "[1, 2]", '{"elements": []}'],
)
def test_malformed_overpass_json_is_a_named_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        registry_from_osm(path, tmp_path / "reg.gpkg")
    assert "bad.json" in err.value.message and "Overpass" in err.value.fix
    assert err.value.message_it != err.value.message
    assert not (tmp_path / "reg.gpkg").exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x00\x00\x0dOSMHeader garbage" * 20])
def test_broken_pbf_is_a_named_error(tmp_path, content):
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        registry_from_osm(path, tmp_path / "reg.gpkg")
    assert "broken.osm.pbf" in err.value.message
    assert "osmium extract" in err.value.fix and "estratto" in err.value.fix_it


def test_missing_source_is_a_named_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        osm_candidates(tmp_path / "nothing.osm.pbf")


# --- dedupe and writing ----------------------------------------------------------------------
def test_dedupe_against_registry_and_within(tmp_path):
    reg_path = tmp_path / "registry.gpkg"
    reg = Registry.create(reg_path)
    reg.add_services(
        [
            # names the OSM way in its source: a duplicate whatever its name
            Service(
                name="Centro per l'impiego di Trento",
                sectors=["work_training"],
                source_url="https://www.openstreetmap.org/way/11",
                lon=11.0,
                lat=46.0,
            ),
            # the same name as the clinic, 30 m away: a duplicate
            Service(name="Poliambulatorio", sectors=["health"], lon=11.12045, lat=46.07057),
            # far from every candidate: no duplicate
            Service(name="Other", sectors=["health"], lon=11.13, lat=46.06),
        ]
    )
    before = reg_path.read_bytes()
    dry = registry_from_osm(_overpass(tmp_path, ELEMENTS), reg_path, write=False)
    assert reg_path.read_bytes() == before  # a dry run writes nothing
    assert not dry.written
    res = registry_from_osm(_overpass(tmp_path, ELEMENTS), reg_path, language="en")
    dups = {ref: (of, why) for ref, of, why in res.duplicates}
    assert dups["way/11"] == ("Centro per l'impiego di Trento", "same OSM object")
    assert dups["relation/20"] == ("Poliambulatorio", "same name within 50 m")
    assert dups["node/5"][1] == "same name within 50 m"  # the node inside the named building
    assert dups["node/5"][0] == "Municipio (way/10)"
    assert sorted(s.source_url for s in res.added) == ["osm:node/7", "osm:way/10"]
    assert "2 new, 3 duplicates" in res.describe("en")
    assert "2 nuovi, 3 duplicati" in res.describe("it")
    assert len(Registry.open(reg_path).services()) == 5
    stored = {s.source_url: s for s in Registry.open(reg_path).services()}
    townhall = stored["osm:way/10"]
    assert townhall.status == "to_verify"
    assert townhall.sectors == ["documents_legal", "information"]
    assert re.search(r"way/10", townhall.internal_notes)
    # with 1 m instead of 50 m the two same-name neighbours (4 m and 30 m away) are new
    res2 = registry_from_osm(_overpass(tmp_path, ELEMENTS), reg_path, dedupe_m=1.0)
    assert sorted(s.source_url for s in res2.added) == ["osm:node/5", "osm:relation/20"]
    assert {why for _ref, _of, why in res2.duplicates} == {"same OSM object"}


def test_new_registry_is_created(tmp_path):
    path = tmp_path / "new.gpkg"
    res = registry_from_osm(_overpass(tmp_path, ELEMENTS), path)
    assert res.written and len(Registry.open(path).services()) == 4


def test_overpass_out_geom_and_open_way(tmp_path):
    """``out geom`` ways carry their points; an open way is placed at its middle."""
    ring = [
        {"lat": 46.0, "lon": 11.0},
        {"lat": 46.0, "lon": 11.002},
        {"lat": 46.002, "lon": 11.002},
        {"lat": 46.002, "lon": 11.0},
        {"lat": 46.0, "lon": 11.0},
    ]
    elements = [
        {"type": "way", "id": 1, "geometry": ring, "tags": {"amenity": "clinic"}},
        {
            "type": "way",
            "id": 2,
            "geometry": [{"lat": 46.01, "lon": 11.0}, {"lat": 46.01, "lon": 11.004}],
            "tags": {"office": "government", "name": "Ufficio"},
        },
        {"type": "relation", "id": 3, "members": [], "tags": {"amenity": "townhall"}},
    ]
    found = osm_candidates(_overpass(tmp_path, elements), language="it")
    cand = found.candidates.set_index("osm_ref")
    assert list(cand.index) == ["way/1", "way/2"]  # the relation has no point: left out
    assert found.no_location == 1
    assert (cand.loc["way/1", "geometry"].x, cand.loc["way/1", "geometry"].y) == pytest.approx(
        (11.001, 46.001)
    )
    assert cand.loc["way/2", "geometry"].x == pytest.approx(11.002)
    assert cand.loc["way/1", "name"] == "Ospedale, poliambulatorio o medici (way/1)"
