"""Which door a change came through, in every history table, on GeoPackage and PostGIS.

The oracle is an independent read of the history tables (``sqlite3`` for the GeoPackage,
``psycopg2`` for PostGIS), not the registry's own readers; the PostGIS half runs on a real
PostgreSQL + PostGIS server (scripts/start_postgis.sh, see conftest.py).
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
from pathlib import Path

import psycopg2
import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.changes import changes_since, write_changes
from capacitymetro_plugin.core.registry.doors import current_door, entered_through
from capacitymetro_plugin.core.registry.model import Organization, Practice, Service
from capacitymetro_plugin.core.registry.registry import Registry

HISTORY_TABLES = ("services_history", "entity_history", "translations_history")
needs_postgres = pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
    reason="PostgreSQL server binaries are not installed",
)


def _doors(path, table: str) -> list:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute(f"SELECT door FROM {table} ORDER BY fid")]
    finally:
        con.close()


def _edit_everything(reg) -> str:
    """One change of each kind: a service, its translation, an organization, a sheet, a link."""
    s = reg.add_service(Service(name="Sportello Bari", sectors=["legal"], capacity=10))
    reg.update_service(s.service_id, capacity=12)
    reg.set_translation(s.service_id, "en", name="Bari desk")
    org = reg.add_organization(Organization(name="Comune di Bari"))
    practice = reg.add_practice(Practice(title="Mediazione"))
    reg.link(s.service_id, practice.practice_id)
    reg.update_organization(org.organization_id, name="Comune di Bari (sportello)")
    return s.service_id


# --- GeoPackage -----------------------------------------------------------------------------
def test_core_api_writes_core_in_every_history_table(tmp_path):
    reg = Registry.create(tmp_path / "reg.gpkg")
    sid = _edit_everything(reg)
    for table in HISTORY_TABLES:
        doors = _doors(reg.path, table)
        assert doors and set(doors) == {"core"}, table
    # the readers give it too
    assert [h["door"] for h in reg.service_history(sid)] == ["core", "core"]
    assert {h["door"] for h in reg.entity_history()} == {"core"}
    assert [h["door"] for h in reg.translation_history(sid)] == ["core"]


def test_a_door_names_its_changes_and_a_registry_can_keep_its_own(tmp_path):
    reg = Registry.create(tmp_path / "reg.gpkg")
    s = reg.add_service(Service(name="Centro Venezia", sectors=["health"]))
    with entered_through("processing"):
        assert current_door() == "processing"
        reg.update_service(s.service_id, capacity=3)
    assert current_door() == "core"  # the block is over
    reg.door = "dock"
    with entered_through("cli"):  # a registry's own door wins
        reg.update_service(s.service_id, capacity=4)
    assert _doors(reg.path, "services_history") == ["core", "processing", "dock"]
    with pytest.raises(InputError, match="Unknown door"):
        with entered_through("web"):
            pass


def test_cli_command_writes_cli(tmp_path, capsys):
    # geocode places a service on the one house of a one-street OSM file (offline)
    osm = tmp_path / "mini.osm"
    osm.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="test">'
        '<node id="1" version="1" lat="46.0930" lon="11.1190"/>'
        '<node id="2" version="1" lat="46.0930" lon="11.1210"/>'
        '<node id="10" version="1" lat="46.09302" lon="11.11967">'
        '<tag k="addr:street" v="Via Renato Lunelli"/><tag k="addr:housenumber" v="4"/>'
        '<tag k="addr:city" v="Trento"/></node>'
        '<way id="100" version="1"><nd ref="1"/><nd ref="2"/>'
        '<tag k="highway" v="residential"/><tag k="name" v="Via Renato Lunelli"/></way></osm>',
        encoding="utf-8",
    )
    reg = Registry.create(tmp_path / "reg.gpkg")
    s = reg.add_service(
        Service(name="Cinformi", sectors=["information"], address="via Lunelli 4, Trento",
                comune_name="Trento")
    )  # fmt: skip
    assert main(["geocode", str(reg.path), "--osm", str(osm)]) == 0
    assert reg.get_service(s.service_id).lon is not None  # it did write
    assert _doors(reg.path, "services_history") == ["core", "cli"]
    assert current_door() == "core"


def test_older_geopackage_gains_door_and_keeps_old_entries_unrecorded(tmp_path):
    reg = Registry.create(tmp_path / "reg.gpkg")
    sid = _edit_everything(reg)
    con = sqlite3.connect(reg.path)
    for table in HISTORY_TABLES:  # the layout before the door was recorded
        con.execute(f"ALTER TABLE {table} DROP COLUMN door")
    con.commit()
    con.close()
    assert {h.get("door") for h in reg.service_history(sid)} == {None}  # readable as it is
    reg = Registry.open(reg.path)
    with entered_through("cli"):
        reg.update_service(sid, capacity=99)
        reg.set_translation(sid, "en", name="Bari")
        reg.add_organization(Organization(name="Prefettura"))
    assert _doors(reg.path, "services_history") == [None, None, "cli"]
    assert _doors(reg.path, "translations_history") == [None, "cli"]
    assert _doors(reg.path, "entity_history")[-1] == "cli"
    assert set(_doors(reg.path, "entity_history")[:-1]) == {None}


def test_older_geopackage_written_without_opening_gains_door_in_the_write(tmp_path):
    # the dock builds Registry(path) without open(): the write upgrades it (ensure_schema)
    path = Registry.create(tmp_path / "reg.gpkg").path
    con = sqlite3.connect(path)
    for table in HISTORY_TABLES:
        con.execute(f"ALTER TABLE {table} DROP COLUMN door")
    con.commit()
    con.close()
    reg = Registry(path)
    reg.door = "dock"
    reg.add_service(Service(name="Sportello", sectors=["legal"]))
    assert _doors(path, "services_history") == ["dock"]


def test_changes_report_has_a_door_column(tmp_path):
    reg = Registry.create(tmp_path / "reg.gpkg")
    s = reg.add_service(Service(name="Sportello", sectors=["legal"]))
    with entered_through("processing"):
        reg.update_service(s.service_id, capacity=7)
    rows = changes_since(reg, "2000-01-01")
    assert [(r["operation"], r["door"]) for r in rows] == [
        ("INSERT", "core"),
        ("UPDATE", "processing"),
    ]
    out = write_changes(rows, tmp_path / "changes.csv")
    with open(out, encoding="utf-8") as f:
        read = list(csv.DictReader(f))
    assert [r["door"] for r in read] == ["core", "processing"]


def test_changes_command_prints_the_door(tmp_path, capsys):
    reg = Registry.create(tmp_path / "reg.gpkg", editor="anna")
    s = reg.add_service(Service(name="Sportello", sectors=["legal"]))
    with entered_through("processing"):
        reg.update_service(s.service_id, capacity=7)
    assert main(["changes", str(reg.path), "--since", "2000-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1:3] for line in lines[:2]] == [["anna", "core"], ["anna", "processing"]]


# --- PostGIS --------------------------------------------------------------------------------
def _pg(dsn, query, params=()):
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def _pg_doors(dsn, schema, table):
    return [r[0] for r in _pg(dsn, f"SELECT door FROM {schema}.{table} ORDER BY history_id")]


@needs_postgres
@pytest.mark.slow
def test_postgis_core_door_and_plain_sql(dsn):
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

    reg = PostgisRegistry.create(dsn, schema="d_api")
    sid = _edit_everything(reg)
    for table in HISTORY_TABLES:
        doors = _pg_doors(dsn, "d_api", table)
        assert doors and set(doors) == {"core"}, table
    with entered_through("processing"):
        reg.update_service(sid, capacity=1)
    reg.door = "dock"
    reg.update_service(sid, capacity=2)
    # plain SQL through psycopg2 (no application_name) and through psql
    _pg(dsn, "UPDATE d_api.services SET capacity = 3 WHERE service_id = %s", (sid,))
    _pg(dsn, "UPDATE d_api.organizations SET name = 'Comune'")
    done = subprocess.run(
        ["psql", dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
         f"UPDATE d_api.service_translations SET name = 'Desk' WHERE service_id = '{sid}'"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # a name that is not a door, set by hand, is not taken: plain SQL
    _pg(dsn, "SET capacitymetro.door = 'web'; UPDATE d_api.services SET capacity = 4")
    assert _pg_doors(dsn, "d_api", "services_history") == [
        "core", "core", "processing", "dock", "sql", "sql",
    ]  # fmt: skip
    assert _pg_doors(dsn, "d_api", "entity_history")[-1] == "sql"
    assert _pg_doors(dsn, "d_api", "translations_history") == ["core", "sql"]
    assert [h["door"] for h in reg.service_history(sid)][-1] == "sql"
    rows = changes_since(reg, "2000-01-01")
    assert {r["door"] for r in rows} == {"core", "processing", "dock", "sql"}


@needs_postgres
@pytest.mark.slow
def test_postgis_older_registry_is_upgraded_old_entries_unrecorded(dsn):
    from capacitymetro_plugin.core.registry import roles
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

    reg = PostgisRegistry.create(dsn, schema="d_old")
    roles.install_roles(dsn, "d_old")
    sid = _edit_everything(reg)
    _pg(dsn, "; ".join(f"ALTER TABLE d_old.{t} DROP COLUMN door" for t in HISTORY_TABLES)
        + "; DROP FUNCTION d_old.cm_door()")  # fmt: skip
    assert {h["door"] for h in reg.service_history(sid)} == {None}  # readable before upgrade
    reg = PostgisRegistry.open(dsn, schema="d_old")  # upgrades
    with entered_through("cli"):
        reg.update_service(sid, capacity=5)
    assert _pg_doors(dsn, "d_old", "services_history") == [None, None, "cli"]
    # the upgrade re-applied the roles: the history triggers still run as their owner
    definer = _pg(
        dsn,
        "SELECT bool_and(p.prosecdef) FROM pg_proc p JOIN pg_namespace n"
        " ON n.oid = p.pronamespace WHERE n.nspname = 'd_old' AND p.proname LIKE 'cm\\_%%\\_log'",
    )[0][0]
    assert definer is True
