"""Candidate services from real OSM data (Trento 2023, Venice 2009, Rome 2016 Overpass).

The oracle reads the same extract with osmium-tool (``osmium export``, libosmium's own area
assembly) instead of GDAL, and applies a rule list written out here by hand from
docs/osm_registry.md, so a reading or matching mistake in the code shows as a different count.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter

import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.osm_candidates import osm_candidates, registry_from_osm
from capacitymetro_plugin.core.registry.registry import Registry

TRENTO = "osm_trento_2023-02_tnst.osm.pbf"
VENICE = "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
ROMA = "osm_roma_centro_overpass_2016.json"


# --- the independent oracle ------------------------------------------------------------------
def _norm(text: str) -> str:
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[’'`´\-_.]", " ", text)).strip()


def _oracle_sectors(t: dict) -> set[str]:
    """docs/osm_registry.md, written out again as plain conditions."""
    names = " | ".join(
        _norm(t[k])
        for k in ("name", "official_name", "alt_name", "short_name", "name:it", "operator")
        if t.get(k)
    )
    a, sf, sff, hc = (
        t.get("amenity"),
        t.get("social_facility"),
        t.get("social_facility:for"),
        t.get("healthcare"),
    )
    questura = re.search(r"\bquestura\b|\bimmigrazion|\bufficio stranieri\b", names)
    out = set()
    if a == "social_facility":
        out.add("reception")
    if sf in ("shelter", "group_home"):
        out.add("housing")
    if sff in ("migrant", "refugee", "immigrant", "asylum_seeker"):
        out.add("information")
    if sff in ("juvenile", "child", "orphan"):
        out.add("minors")
    if a in ("social_centre", "community_centre") or t.get("office") in ("ngo", "association"):
        out.add("community")
    if t.get("office") == "government" or a == "post_office":
        out.add("documents_legal")
    if a == "townhall":
        out |= {"documents_legal", "information"}
    if a == "police" and questura:
        out.add("documents_legal")
    if t.get("office") == "employment_agency":
        out.add("work_training")
    if a == "language_school":
        out.add("italian_language")
    if re.search(r"\bcpia\b|\bcentro eda\b|istruzione (degli )?adulti", names):
        out |= {"italian_language", "school"}
    if a in ("school", "college"):
        out.add("school")
    if a in ("hospital", "clinic", "doctors") or hc in (
        "hospital",
        "clinic",
        "doctor",
        "centre",
        "counselling",
    ):
        out.add("health")
    if re.search(r"\bconsultori", names):
        out.add("health")
    if re.search(
        r"immigra|stranier|migrant|rifugiat|profug|richiedent[ie] asilo|\bcinformi\b", names
    ):
        out.add("information")
    if questura or re.search(r"\bprefettura\b|\banagrafe\b|servizi demografici", names):
        out.add("documents_legal")
    if re.search(r"centr[oi] (per l |per l)?impiego|agenzia del lavoro", names):
        out.add("work_training")
    if re.search(r"\bcaritas\b|\baccoglienza\b", names):
        out.add("reception")
    if re.search(r"mediazione (linguistic|cultural|interculturale)|mediator[ie] cultural", names):
        out.add("mediation")
    if re.search(r"anti ?tratta|antidiscriminazion|anti discriminazion", names):
        out.add("anti_discrimination_trafficking")
    excluded = (
        a in ("place_of_worship", "monastery")
        or "tourism" in t
        or "highway" in t
        or "public_transport" in t
        or t.get("abandoned") == "yes"
        or t.get("disused") == "yes"
        or sf in ("nursing_home", "assisted_living")
        or sff == "senior"
        or (a == "post_office" and "shop" in t)
        or (a == "police" and not questura)
    )
    return set() if excluded else out


def _osmium_objects(pbf, tmp_path) -> dict[str, dict]:
    """{``node/1``, ``way/2``, ``relation/3``: tags} of every object osmium exports."""
    if shutil.which("osmium") is None:
        pytest.skip("osmium-tool is not installed (the oracle)")
    out = tmp_path / "export.geojsonseq"
    subprocess.run(
        [
            "osmium",
            "export",
            str(pbf),
            "-f",
            "geojsonseq",
            "--add-unique-id=type_id",
            "-O",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    objects = {}
    kinds = {"n": "node", "w": "way", "r": "relation"}
    for line in out.read_text(encoding="utf-8").splitlines():
        if not line.strip("\x1e \n"):
            continue
        feature = json.loads(line.strip("\x1e"))
        fid = feature["id"]
        kind, num = fid[0], int(fid[1:])
        if kind == "a":  # libosmium area ids: 2 × way id, 2 × relation id + 1
            ref = f"way/{num // 2}" if num % 2 == 0 else f"relation/{num // 2}"
        else:
            ref = f"{kinds[kind]}/{num}"
        props = dict(feature["properties"])
        if props.get("type") == "multipolygon":
            props.pop("type")
        objects[ref] = props
    return objects


def _oracle(pbf, tmp_path) -> tuple[dict[str, set], Counter]:
    found = {}
    for ref, tags in _osmium_objects(pbf, tmp_path).items():
        sectors = _oracle_sectors(tags)
        if sectors:
            found[ref] = sectors
    per_sector = Counter(s for sectors in found.values() for s in sectors)
    return found, per_sector


# --- tests -----------------------------------------------------------------------------------
def test_trento_candidates_per_sector_match_osmium(shared_data, tmp_path):
    expected, expected_per_sector = _oracle(shared_data / TRENTO, tmp_path)
    found = osm_candidates(shared_data / TRENTO, area=None, language="en")
    got = {
        r: set(s.split(";"))
        for r, s in zip(found.candidates["osm_ref"], found.candidates["sectors"])
    }
    assert set(got) == set(expected)
    assert got == expected
    assert found.per_sector() == dict(expected_per_sector)
    # the numbers reported (the whole extract, 2023-02)
    assert len(got) == 195
    assert found.per_sector() == {
        "reception": 15,
        "information": 3,
        "documents_legal": 56,
        "work_training": 2,
        "italian_language": 3,
        "school": 52,
        "health": 34,
        "housing": 7,
        "community": 35,
    }
    assert found.excluded["Places of worship are not services"] == 94
    # the migrant services the web-page CSV located on OSM are among the candidates
    for ref in ("node/2615372887", "way/36869475", "node/1687770928", "node/914014133"):
        assert ref in got, ref
    assert "way/81993778" not in got  # "Ex questura", tagged abandoned


def test_venice_has_no_place_of_worship(shared_data, tmp_path):
    objects = _osmium_objects(shared_data / VENICE, tmp_path)
    worship = {r for r, t in objects.items() if t.get("amenity") == "place_of_worship"}
    assert len(worship) == 12  # San Marco, the Frari, the Redentore, a synagogue...
    found = osm_candidates(shared_data / VENICE, area="comune:venezia", language="en")
    refs = set(found.candidates["osm_ref"])
    assert not refs & worship
    assert found.excluded == {"Places of worship are not services": 12}
    assert len(refs) == 8
    assert found.per_sector() == {"information": 1, "documents_legal": 4, "health": 4}
    assert set(found.candidates["comune_istat"]) == {"027042"}
    assert 0.1 < found.covered_share < 0.25  # the historic centre of a large comune


def test_roma_overpass_response_holds_no_services(shared_data, tmp_path):
    raw = json.loads((shared_data / ROMA).read_text(encoding="utf-8"))
    tagged = [e for e in raw["elements"] if e.get("tags")]
    res = registry_from_osm(shared_data / ROMA, tmp_path / "reg.gpkg", area=None, language="en")
    assert res.found.objects_read == len(tagged) == 1206
    assert len(res.found.candidates) == 0
    assert not (tmp_path / "reg.gpkg").exists()  # nothing to write, no registry made
    text = res.describe("en")
    assert "No candidate services" in text and "1206 tagged objects" in text
    assert "Nessun servizio candidato" in res.describe("it")


def test_pbf_that_misses_the_area_is_a_named_error(shared_data):
    with pytest.raises(InputError) as err:
        osm_candidates(shared_data / TRENTO, area="comune:venezia")
    assert "does not reach Comune di Venezia" in err.value.message
    assert "non raggiunge" in err.value.localized("it")


def test_trento_into_the_sample_registry_dedupes_and_is_left_out(shared_data, tmp_path):
    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.core.registry.sample import build_sample_registry
    from capacitymetro_plugin.core.registry.selection import select_services

    path = tmp_path / "registry.gpkg"
    build_sample_registry(shared_data / "servizi_migranti_da_pagine_web.csv", path)
    before = len(Registry.open(path).services())
    res = registry_from_osm(shared_data / TRENTO, path, area="comune:trento", language="it")
    reg = Registry.open(path)
    assert len(reg.services()) == before + len(res.added)
    assert len(res.added) + len(res.duplicates) == len(res.found.candidates)
    # the web-page services placed on OSM objects (their notes name the object) are not added twice
    by_object = {ref for ref, _of, why in res.duplicates if why == "same OSM object"}
    assert {"node/2615372887", "way/36869475", "node/1687770928", "node/914014133"} <= by_object
    added = [s for s in reg.services() if s.source_url and s.source_url.startswith("osm:")]
    assert len(added) == len(res.added)
    assert {s.status for s in added} == {"to_verify"}
    services = gio.read_vector(path, layer="services")
    chosen = select_services(services, comuni=["022205"])
    assert chosen.left_out["status to_verify"] == len(res.added)
    assert not chosen.services["source_url"].fillna("").str.startswith("osm:").any()
    # run again: every candidate is now a duplicate, nothing is added
    again = registry_from_osm(shared_data / TRENTO, path, area="comune:trento")
    assert again.added == [] and len(again.duplicates) == len(res.found.candidates)
    assert len(Registry.open(path).services()) == before + len(res.added)


@pytest.mark.parametrize("engine", ["fiona", "pyogrio"])
def test_truncated_pbf_is_a_named_error_not_a_part(shared_data, tmp_path, monkeypatch, engine):
    """A download cut short must not pass for a smaller area (fiona only logs GDAL's error)."""
    from capacitymetro_plugin.core import gio

    monkeypatch.setattr(gio, "ENGINE", engine)
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes((shared_data / VENICE).read_bytes()[:90_000])
    with pytest.raises(InputError) as err:
        registry_from_osm(cut, tmp_path / "reg.gpkg")
    assert "cut.osm.pbf is truncated" in err.value.message  # named before GDAL reads a part
    assert not (tmp_path / "reg.gpkg").exists()
