"""The Venezia demo analyses verified services only; the 2009 OSM objects are candidates to verify.

Before issue 14 the demo counted 18 OSM POIs of 2009 as services, a dozen of them churches
(Basilica di San Marco, the Frari, the Redentore, a synagogue): "63 % served" was mostly churches.
"""

from __future__ import annotations

import geopandas as gpd
import pytest

from capacitymetro_plugin.batch.config import CONFIG_DIR, load_config
from capacitymetro_plugin.batch.pipeline import run_pipeline
from capacitymetro_plugin.core.registry.registry import Registry


@pytest.fixture(scope="module")
def runs(shared_data, tmp_path_factory):
    config = load_config(CONFIG_DIR / "venezia.toml")
    config.pdf = False
    out = tmp_path_factory.mktemp("venezia")
    verified = run_pipeline(
        config, out_dir=out / "verified", folder=shared_data, log=lambda _: None
    )
    config.include_to_verify = True
    asked = run_pipeline(config, out_dir=out / "asked", folder=shared_data, log=lambda _: None)
    return verified, asked


def test_only_verified_services_are_analysed(runs):
    verified, _ = runs
    assert all(s.status == "done" for s in verified.steps), verified.steps
    n = verified.numbers
    assert n["osm_candidates_found"] == 8
    assert n["osm_candidates_added"] == 7  # the Ospedale Civile is in the registry already
    assert n["osm_candidates_duplicates"] == 1
    assert n["services_to_verify_left_out"] == 7
    services = gpd.read_file(verified.gpkg, layer="services")
    assert list(services["name"]) == [
        "Pronto Soccorso Ospedale Civile - supporto amministrativo per stranieri non iscritti al SSN"
    ]
    assert set(services["status"]) == {"active"}
    # the run's registry lists the candidates to verify, none a place of worship
    reg = Registry.open(verified.out_dir / "registry.gpkg")
    candidates = [s for s in reg.services() if s.status == "to_verify"]
    assert len(candidates) == 7
    assert all(s.source_url.startswith("osm:") for s in candidates)
    names = " ".join(s.name for s in candidates).lower()
    for church in ("marco", "frari", "redentore", "sinagoga", "chiesa", "basilica"):
        assert church not in names
    notes = " ".join(verified.notes)
    assert "Test fixture" in notes and "2009" in notes
    assert "12 × Places of worship are not services" in notes
    html = (verified.out_dir / "summary.html").read_text(encoding="utf-8")
    assert "2009 snapshot" in html


def test_candidates_are_analysed_only_when_asked(runs):
    verified, asked = runs
    assert asked.numbers["services_analysed"] == 8
    assert verified.numbers["services_analysed"] == 1
    services = gpd.read_file(asked.gpkg, layer="services")
    assert "place_of_worship" not in " ".join(services.get("description", "").fillna(""))
    # the coverage step counts every analysed service (it does not apply a second status rule)
    cov = asked.coverage
    assert set(cov.loc[cov["sector"] == "all", "services"]) == {8}
    assert set(cov.loc[cov["sector"] == "health", "services"]) == {4}
    # more services never serve fewer people; here the post offices and town hall add some
    assert asked.numbers["served_pct_all"] > verified.numbers["served_pct_all"]
    assert asked.numbers["served_pct_health"] >= verified.numbers["served_pct_health"]
