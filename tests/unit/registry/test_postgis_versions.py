"""PostGIS row versions, history and migration on a real PostgreSQL + PostGIS server."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg2
import pytest

from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
from capacitymetro_plugin.core.registry.registry import ConflictError

REPO = Path(__file__).resolve().parents[3]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        reason="PostgreSQL server binaries are not installed",
    ),
]


def _sql(dsn, query, params=()):
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def _new(dsn, schema):
    reg = PostgisRegistry.create(dsn, schema=schema)
    s = reg.add_service(Service(name="Sportello Bari", sectors=["legal"], capacity=10))
    return reg, s


def test_racing_updates_one_wins_the_other_gets_conflict(dsn):
    reg, s = _new(dsn, "v_race")
    assert reg.service_version(s.service_id) == 1
    barrier = threading.Barrier(2)
    results = {}

    def edit(n):
        other = PostgisRegistry.open(dsn, schema="v_race")  # its own connections
        barrier.wait()
        try:
            other.update_service(s.service_id, expected_version=1, capacity=100 + n)
            results[n] = "ok"
        except ConflictError as exc:
            results[n] = exc

    threads = [threading.Thread(target=edit, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wins = [n for n, r in results.items() if r == "ok"]
    losses = [r for r in results.values() if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].base_version == 1 and losses[0].current_version == 2
    assert losses[0].changed_by == "postgres"  # named from services_history
    assert "postgres" in str(losses[0])
    assert reg.get_service(s.service_id).capacity == 100 + wins[0]
    assert reg.service_version(s.service_id) == 2


def test_plain_sql_update_bumps_version_and_writes_history(dsn):
    reg, s = _new(dsn, "v_sql")
    # as QGIS's PostGIS provider would: plain UPDATE, not our API
    _sql(dsn, "UPDATE v_sql.services SET capacity = 77 WHERE service_id = %s", (s.service_id,))
    assert reg.service_version(s.service_id) == 2
    with pytest.raises(ConflictError) as info:
        reg.update_service(s.service_id, expected_version=1, description="stale")
    assert info.value.fields == ["description"]  # mine = their row + my change
    assert reg.get_service(s.service_id).capacity == 77
    reg.update_service(s.service_id, expected_version=2, status="closed")
    assert reg.service_version(s.service_id) == 3
    reg.delete_service(s.service_id)
    hist = reg.service_history(s.service_id)
    assert [h["operation"] for h in hist] == ["INSERT", "UPDATE", "UPDATE", "DELETE"]
    assert [h["row_version"] for h in hist] == [1, 2, 3, None]
    assert hist[0]["old"] is None
    assert hist[1]["old"]["capacity"] == 10 and hist[1]["old"]["row_version"] == 1
    assert hist[2]["old"]["capacity"] == 77 and hist[2]["old"]["status"] != "closed"
    assert hist[3]["old"]["status"] == "closed"
    assert {h["changed_by"] for h in hist} == {"postgres"}
    assert all(h["changed_at"] for h in hist)


def test_previous_schema_upgrades_in_one_transaction(dsn):
    reg, s = _new(dsn, "v_old")
    reg.add_service(Service(name="Centro Venezia", sectors=["health"]))
    # the layout of the previous release: no row_version, no history, no triggers
    _sql(
        dsn,
        "DROP TRIGGER cm_services_bump ON v_old.services;"
        " DROP TRIGGER cm_services_log ON v_old.services;"
        " DROP TABLE v_old.services_history;"
        " ALTER TABLE v_old.services DROP COLUMN row_version",
    )
    before = {x.service_id: x for x in reg.services()}
    # a failing upgrade leaves the old layout whole: services_history exists as a view -> error
    _sql(dsn, "CREATE VIEW v_old.services_history AS SELECT 1 AS x")
    with pytest.raises(psycopg2.Error):
        PostgisRegistry.open(dsn, schema="v_old")
    cols = {
        r[0]
        for r in _sql(
            dsn,
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'v_old' AND table_name = 'services'",
        )
    }
    assert "row_version" not in cols  # rolled back with the rest
    _sql(dsn, "DROP VIEW v_old.services_history")
    again = PostgisRegistry.open(dsn, schema="v_old")
    assert {x.service_id: x for x in again.services()} == before
    assert again.service_version(s.service_id) == 1
    _sql(dsn, "UPDATE v_old.services SET name = 'Sportello' WHERE service_id = %s", (s.service_id,))
    assert again.service_version(s.service_id) == 2
    assert [h["operation"] for h in again.service_history(s.service_id)] == ["UPDATE"]


def test_two_editors_incrementing_with_versions_lose_nothing(dsn):
    reg, s = _new(dsn, "v_incr")
    reg.update_service(s.service_id, capacity=0)
    n = 20
    conflicts = []

    def editor():
        mine = PostgisRegistry.open(dsn, schema="v_incr")
        done = 0
        while done < n:
            version = mine.service_version(s.service_id)
            current = mine.get_service(s.service_id).capacity
            try:
                mine.update_service(s.service_id, expected_version=version, capacity=current + 1)
                done += 1
            except ConflictError:
                conflicts.append(1)  # reread and retry, as the dock's merge would

    threads = [threading.Thread(target=editor) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert reg.get_service(s.service_id).capacity == 2 * n  # no lost update
    assert reg.service_version(s.service_id) == 2 + 2 * n
    print(f"PostGIS: 2 x {n} increments, {len(conflicts)} conflicts refused, 0 lost")


def test_restore_a_version_changed_through_plain_sql(dsn):
    """restore_service is the same API on PostGIS: it reads the trigger's JSONB old rows, so an
    edit made with plain SQL (as QGIS's layer editing does) can be undone too."""
    reg = PostgisRegistry.create(dsn, schema="v_restore")
    s = reg.add_service(
        Service(name="Sportello Bari", sectors=["legal"], capacity=10, lon=16.87, lat=41.12)
    )
    _sql(
        dsn,
        "UPDATE v_restore.services SET capacity = 99, name = 'sbagliato',"
        " geom = ST_SetSRID(ST_MakePoint(0, 0), 4326) WHERE service_id = %s",
        (s.service_id,),
    )
    assert reg.get_service(s.service_id).capacity == 99
    back = reg.restore_service(s.service_id, 1)
    again = reg.get_service(s.service_id)
    assert (again.name, again.capacity, again.sectors) == ("Sportello Bari", 10, ["legal"])
    assert (again.lon, again.lat) == pytest.approx((16.87, 41.12))
    assert back.name == again.name
    assert reg.service_version(s.service_id) == 3
    reg.delete_service(s.service_id)
    reg.restore_service(s.service_id, 3)
    assert reg.get_service(s.service_id).name == "Sportello Bari"
    ops = [e["operation"] for e in reg.service_history(s.service_id)]
    assert ops == ["INSERT", "UPDATE", "UPDATE", "DELETE", "INSERT"]


def test_stale_row_version_is_refused_also_on_an_older_registry(dsn):
    """A client that sends the row version it read is refused when the row moved on since (the
    dock sends it; plain SQL that leaves row_version alone is not concerned). A registry made
    before this check (the trigger function of the previous release) gets it when opened."""
    reg, s = _new(dsn, "v_stale")
    # the previous release's trigger function: bump, no check
    _sql(
        dsn,
        "CREATE OR REPLACE FUNCTION v_stale.cm_services_bump() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN NEW.row_version := COALESCE(OLD.row_version, 0) + 1; RETURN NEW; END $$",
    )
    PostgisRegistry.open(dsn, schema="v_stale")
    _sql(dsn, "UPDATE v_stale.services SET capacity = 20 WHERE service_id = %s", (s.service_id,))
    with pytest.raises(psycopg2.errors.SerializationFailure) as info:
        _sql(
            dsn,
            "UPDATE v_stale.services SET capacity = 5, row_version = 1 WHERE service_id = %s",
            (s.service_id,),
        )
    assert "changed by someone else" in str(info.value) and "qualcun altro" in str(info.value)
    assert reg.get_service(s.service_id).capacity == 20
    # the version it read (2): accepted, and bumped to 3
    _sql(
        dsn,
        "UPDATE v_stale.services SET capacity = 5, row_version = 2 WHERE service_id = %s",
        (s.service_id,),
    )
    assert reg.get_service(s.service_id).capacity == 5
    assert reg.service_version(s.service_id) == 3
