"""Roles and row-level security on a real PostgreSQL + PostGIS server (scripts/start_postgis.sh).

Plain logins (not superusers: they would bypass row-level security) connect with psycopg2 and
with the core's PostgisRegistry. An area editor of Bari cannot change, delete or create a
Venezia service, even through plain SQL, nor move a Bari service to Venezia; its own changes go
through and the history says it made them; a viewer writes nothing; nobody but an admin edits
the history. The control at the end switches row-level security off: the same UPDATE then
changes the Venezia row, so the test would fail without it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
from capacitymetro_plugin.core.registry.roles import AccessDeniedError, grant, install_roles, revoke

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        reason="PostgreSQL server binaries are not installed",
    ),
]
S = "roles"


def _as(dsn: str, user: str) -> str:
    return dsn.replace("user=postgres", f"user={user}")


def _run(dsn, query, params=()):
    """Run ``query``; return (rowcount, rows or None)."""
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.rowcount, (cur.fetchall() if cur.description else None)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def registry(dsn):
    reg = PostgisRegistry.create(dsn, schema=S)
    bari = reg.add_service(
        Service(name="Porta Futuro Bari", sectors=["work_training"], comune_istat="072006",
                metro_area="072", lon=16.87, lat=41.12)
    )  # fmt: skip
    venezia = reg.add_service(
        Service(name="Sportello Venezia", sectors=["information"], comune_istat="027042",
                metro_area="027", lon=12.33, lat=45.44)
    )  # fmt: skip
    for login in ("bari_ed", "ven_ed", "viewer_l", "editor_l"):
        _run(dsn, f"CREATE ROLE {login} LOGIN")
    assert install_roles(dsn, S) == ["services", "service_translations", "service_practices"]
    install_roles(dsn, S)  # again: nothing changes, nothing fails
    assert grant(dsn, "bari_ed", "cm_area_editor", areas=["072006"], schema=S) == ["072006"]
    assert grant(dsn, "ven_ed", "cm_area_editor", areas=["227"], schema=S) == ["027"]  # metro city
    grant(dsn, "viewer_l", "cm_viewer", schema=S)
    grant(dsn, "editor_l", "cm_editor", schema=S)
    return reg, bari.service_id, venezia.service_id


def test_area_editor_of_bari_cannot_touch_venezia_through_plain_sql(dsn, registry):
    reg, bari, ven = registry
    ed = _as(dsn, "bari_ed")
    n, _ = _run(ed, f"UPDATE {S}.services SET phone = 'hacked' WHERE service_id = %s", (ven,))
    assert n == 0 and reg.get_service(ven).phone is None
    n, _ = _run(ed, f"DELETE FROM {S}.services WHERE service_id = %s", (ven,))
    assert n == 0 and reg.get_service(ven) is not None
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
        _run(ed, f"INSERT INTO {S}.services (service_id, name, comune_istat, metro_area)"
                 " VALUES ('x1', 'Finto', '027042', '027')")  # fmt: skip
    # its own service: changed, and the history says by whom
    n, _ = _run(ed, f"UPDATE {S}.services SET phone = '080 123' WHERE service_id = %s", (bari,))
    assert n == 1 and reg.get_service(bari).phone == "080 123"
    _, rows = _run(
        dsn,
        f"SELECT changed_by FROM {S}.services_history WHERE service_id = %s ORDER BY history_id",
        (bari,),
    )
    assert rows[-1] == ("bari_ed",)
    # moving its service to Venezia: refused (WITH CHECK)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(ed, f"UPDATE {S}.services SET comune_istat = '027042', metro_area = '027'"
                 " WHERE service_id = %s", (bari,))  # fmt: skip
    assert reg.get_service(bari).comune_istat == "072006"
    # translations follow their service
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(ed, f"INSERT INTO {S}.service_translations (service_id, lang, name)"
                 " VALUES (%s, 'en', 'Venice desk')", (ven,))  # fmt: skip
    _run(ed, f"INSERT INTO {S}.service_translations (service_id, lang, name, source)"
             " VALUES (%s, 'en', 'Porta Futuro', 'operator')", (bari,))  # fmt: skip
    _, rows = _run(dsn, f"SELECT changed_by FROM {S}.translations_history WHERE service_id = %s",
                   (bari,))  # fmt: skip
    assert rows == [("bari_ed",)]
    # the history: read-only for everyone but the admin
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(ed, f"UPDATE {S}.services_history SET changed_by = 'someone'")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(ed, f"DELETE FROM {S}.services_history")


def test_viewer_editor_and_the_other_area(dsn, registry):
    reg, bari, ven = registry
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(_as(dsn, "viewer_l"), f"UPDATE {S}.services SET phone = 'x' WHERE service_id = %s",
             (bari,))  # fmt: skip
    n, _ = _run(_as(dsn, "ven_ed"), f"UPDATE {S}.services SET phone = '041 1' WHERE service_id = %s",
                (ven,))  # fmt: skip
    assert n == 1  # Venezia's area editor (granted by the metropolitan city's code 227)
    n, _ = _run(_as(dsn, "editor_l"), f"UPDATE {S}.services SET status = 'active'")
    assert n == 2  # an editor: every area


def test_a_service_is_placed_by_its_comune_when_it_has_one(dsn, registry):
    """metro_area is a second, free field: a comune in another province must not pass because
    metro_area says the editor's area (plain SQL, or the dock changing only the comune). Each
    statement below went through before the predicate looked at the comune first."""
    reg, bari, ven = registry
    tries = [
        # Venezia's province editor moves its service to comune Bari, metro_area left at 027
        ("ven_ed", f"UPDATE {S}.services SET comune_istat = '072006' WHERE service_id = %s",
         (ven,)),
        # ... or creates one in comune Bari
        ("ven_ed", f"INSERT INTO {S}.services (service_id, name, comune_istat, metro_area)"
                   " VALUES ('x2', 'Finto', '072006', '027')", ()),
        # Bari's comune editor writes its own comune code into metro_area and moves to Venezia
        ("bari_ed", f"UPDATE {S}.services SET comune_istat = '027042', metro_area = '072006'"
                    " WHERE service_id = %s", (bari,)),
        ("bari_ed", f"INSERT INTO {S}.services (service_id, name, comune_istat, metro_area)"
                    " VALUES ('x3', 'Finto', '027042', '072006')", ()),
    ]  # fmt: skip
    passed = []
    try:
        for login, query, params in tries:
            try:
                _run(_as(dsn, login), query, params)
                passed.append((login, query))
            except psycopg2.errors.InsufficientPrivilege:
                pass
    finally:  # the owner puts back whatever went through
        _run(dsn, f"DELETE FROM {S}.services WHERE service_id IN ('x2', 'x3');"
                  f" UPDATE {S}.services SET comune_istat = '027042', metro_area = '027'"
                  " WHERE service_id = %s;"
                  f" UPDATE {S}.services SET comune_istat = '072006', metro_area = '072'"
                  " WHERE service_id = %s", (ven, bari))  # fmt: skip
    assert passed == []
    assert reg.get_service(ven).comune_istat == "027042"
    assert reg.get_service(bari).comune_istat == "072006"
    # a service with no comune is still placed by its province
    n, _ = _run(_as(dsn, "ven_ed"), f"INSERT INTO {S}.services (service_id, name, metro_area)"
                                    " VALUES ('x4', 'Mestre, da collocare', '027')")  # fmt: skip
    assert n == 1
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):  # a comune editor: not by province
        _run(_as(dsn, "bari_ed"), f"INSERT INTO {S}.services (service_id, name, metro_area)"
                                  " VALUES ('x5', 'Finto', '072')")  # fmt: skip
    _run(dsn, f"DELETE FROM {S}.services WHERE service_id = 'x4'")


def test_the_core_api_names_the_refusal(dsn, registry):
    reg, bari, ven = registry
    as_bari = PostgisRegistry.open(_as(dsn, "bari_ed"), schema=S)
    with pytest.raises(AccessDeniedError) as err:
        as_bari.update_service(ven, phone="hacked")
    assert "outside your areas" in err.value.localized("en")
    assert "rifiutato" in err.value.localized("it")
    with pytest.raises(AccessDeniedError):
        as_bari.delete_service(ven)
    with pytest.raises(AccessDeniedError):
        as_bari.add_service(Service(name="Finto", sectors=["health"], comune_istat="027042",
                                    metro_area="027"))  # fmt: skip
    assert reg.get_service(ven).phone == "041 1"
    as_bari.update_service(bari, capacity=25)
    assert reg.get_service(bari).capacity == 25
    viewer = PostgisRegistry.open(_as(dsn, "viewer_l"), schema=S)  # opens read-only
    assert {s.service_id for s in viewer.services()} == {bari, ven}
    with pytest.raises(AccessDeniedError):
        viewer.update_service(bari, capacity=1)


def test_bad_grants_are_named(dsn, registry):
    with pytest.raises(InputError, match="Unknown role"):
        grant(dsn, "bari_ed", "cm_boss", schema=S)
    with pytest.raises(InputError, match="ISTAT has no comune 999999"):
        grant(dsn, "bari_ed", "cm_area_editor", areas=["999999"], schema=S)
    with pytest.raises(InputError, match="neither a comune"):
        grant(dsn, "bari_ed", "cm_area_editor", areas=["Bari"], schema=S)
    with pytest.raises(InputError, match="no database login"):
        grant(dsn, "nobody", "cm_viewer", schema=S)
    with pytest.raises(AccessDeniedError, match="may not create or grant roles"):
        grant(_as(dsn, "bari_ed"), "bari_ed", "cm_editor", schema=S)


def test_control_without_row_level_security_the_update_goes_through(dsn, registry):
    """The same statement as above, with row-level security off: it changes the Venezia row.
    (Last: it leaves the policies on again.)"""
    reg, _bari, ven = registry
    _run(dsn, f"ALTER TABLE {S}.services NO FORCE ROW LEVEL SECURITY;"
              f" ALTER TABLE {S}.services DISABLE ROW LEVEL SECURITY")  # fmt: skip
    try:
        n, _ = _run(_as(dsn, "bari_ed"),
                    f"UPDATE {S}.services SET phone = 'hacked' WHERE service_id = %s", (ven,))  # fmt: skip
        assert n == 1 and reg.get_service(ven).phone == "hacked"
    finally:
        install_roles(dsn, S)
    n, _ = _run(_as(dsn, "bari_ed"), f"UPDATE {S}.services SET phone = 'x' WHERE service_id = %s",
                (ven,))  # fmt: skip
    assert n == 0
    revoke(dsn, "bari_ed", schema=S)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _run(_as(dsn, "bari_ed"), f"UPDATE {S}.services SET phone = 'y'")


def test_command_line_roles(dsn, registry):
    from capacitymetro_plugin.cli import main

    _run(dsn, "CREATE ROLE cli_ed LOGIN")
    assert main(["registry", "roles", "install", "--dsn", dsn, "--schema", S]) == 0
    args = ["registry", "roles", "grant", "--dsn", dsn, "--schema", S, "--login", "cli_ed"]
    assert main([*args, "--role", "cm_area_editor", "--area", "272"]) == 0  # Bari's metro city
    reg, bari, ven = registry
    n, _ = _run(_as(dsn, "cli_ed"), f"UPDATE {S}.services SET phone = 'p' WHERE service_id = %s",
                (ven,))  # fmt: skip
    assert n == 0
    assert main([*args, "--role", "cm_area_editor", "--area", "Bari"]) == 2  # named, not a trace
    assert main([*args]) == 2  # no --role
    bad = dsn.replace("port=", "port=1")  # no server there
    assert main(["registry", "roles", "install", "--dsn", bad + "9", "--schema", S]) == 2
    assert (
        main(["registry", "roles", "revoke", "--dsn", dsn, "--schema", S, "--login", "cli_ed"]) == 0
    )


def test_entity_history_under_roles_names_the_login_and_stays_read_only(dsn, registry):
    """organizations, practice sheets and links have their own history (entity_history, added
    after the roles): their triggers must write it for a plain editor, with the login's name,
    and nobody but the admin may edit it."""
    from capacitymetro_plugin.core.registry.model import Organization, Practice

    reg, bari, ven = registry
    install_roles(dsn, S)  # a fresh role set-up of the same registry
    grant(dsn, "bari_ed", "cm_area_editor", areas=["072006"], schema=S)
    as_editor = PostgisRegistry.open(_as(dsn, "editor_l"), schema=S)
    org = as_editor.add_organization(Organization(name="Cooperativa Bari"))
    practice = as_editor.add_practice(Practice(title="Sportello di quartiere"))
    as_bari = PostgisRegistry.open(_as(dsn, "bari_ed"), schema=S)
    as_bari.link(bari, practice.practice_id)
    with pytest.raises(AccessDeniedError):
        as_bari.link(ven, practice.practice_id)
    assert (bari, practice.practice_id) in reg.load().links
    assert (ven, practice.practice_id) not in reg.load().links
    _, rows = _run(dsn, f"SELECT kind, entity_id, changed_by FROM {S}.entity_history"
                        " ORDER BY history_id")  # fmt: skip
    assert ("organization", org.organization_id, "editor_l") in rows
    assert ("practice", practice.practice_id, "editor_l") in rows
    assert ("link", f"{bari}/{practice.practice_id}", "bari_ed") in rows
    assert not [r for r in rows if r[1] == f"{ven}/{practice.practice_id}"]
    for login in ("bari_ed", "editor_l", "viewer_l"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _run(_as(dsn, login), f"UPDATE {S}.entity_history SET changed_by = 'someone'")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _run(_as(dsn, login), f"DELETE FROM {S}.entity_history")


def test_an_upgrade_keeps_the_roles_working(dsn, registry):
    """A registry upgraded when opened (here: entity_history missing, as before it existed, and
    the services' bump function of the previous release) gets the roles' grants and history-as-
    owner again: editors keep writing, and the history still names them."""
    from capacitymetro_plugin.core.registry.model import Organization

    reg, bari, _ven = registry
    grant(dsn, "bari_ed", "cm_area_editor", areas=["072006"], schema=S)
    _run(dsn, f"DROP TABLE {S}.entity_history;"
              f" CREATE OR REPLACE FUNCTION {S}.cm_services_bump() RETURNS trigger"
              " LANGUAGE plpgsql AS $$ BEGIN NEW.row_version := COALESCE(OLD.row_version, 0) + 1;"
              " RETURN NEW; END $$")  # fmt: skip
    PostgisRegistry.open(dsn, schema=S)  # the owner opens it: upgraded, roles re-applied
    _, rows = _run(dsn, "SELECT prosecdef FROM pg_proc p JOIN pg_namespace n ON n.oid ="
                        f" p.pronamespace WHERE n.nspname = '{S}' AND p.proname = 'cm_services_log'")  # fmt: skip
    assert rows == [(True,)]  # re-created by the upgrade, owner again
    as_editor = PostgisRegistry.open(_as(dsn, "editor_l"), schema=S)
    org = as_editor.add_organization(Organization(name="Dopo l'aggiornamento"))
    PostgisRegistry.open(_as(dsn, "bari_ed"), schema=S).update_service(bari, capacity=33)
    _, rows = _run(dsn, f"SELECT changed_by FROM {S}.entity_history WHERE entity_id = %s",
                   (org.organization_id,))  # fmt: skip
    assert rows == [("editor_l",)]
    assert reg.service_history(bari)[-1]["changed_by"] == "bari_ed"


def test_a_deleted_service_takes_its_links_with_it_however_deleted(dsn, registry):
    """Plain SQL, QGIS layer editing and the API delete a service's good-practice links with it
    (a BEFORE DELETE trigger, logged); an area editor's delete of its own service does too, and
    its refused delete of another area's leaves the links. An older registry gains the trigger
    when its owner writes; a non-owner's write still goes through without it."""
    from capacitymetro_plugin.core.registry.model import Practice

    reg, _bari, ven = registry
    sheet = reg.add_practice(Practice(title="Scheda condivisa"))
    mine = reg.add_service(
        Service(name="Sportello Bari 2", sectors=["information"], comune_istat="072006",
                metro_area="072", lon=16.86, lat=41.11)
    )  # fmt: skip
    plain = reg.add_service(Service(name="Da cancellare", sectors=["information"],
                                    comune_istat="072006", metro_area="072"))  # fmt: skip
    for sid in (mine.service_id, plain.service_id, ven):
        reg.link(sid, sheet.practice_id)

    def links_of(sid):
        return _run(dsn, f"SELECT count(*) FROM {S}.service_practices WHERE service_id = %s",
                    (sid,))[1][0][0]  # fmt: skip

    # plain SQL as the owner
    assert _run(dsn, f"DELETE FROM {S}.services WHERE service_id = %s", (plain.service_id,))[0] == 1
    assert links_of(plain.service_id) == 0
    _, rows = _run(dsn, f"SELECT operation, changed_by FROM {S}.entity_history"
                        " WHERE entity_id = %s", (f"{plain.service_id}/{sheet.practice_id}",))  # fmt: skip
    assert rows[-1] == ("DELETE", "postgres")
    # an area editor: another area's service is not deleted, its links stay; its own goes whole
    ed = _as(dsn, "bari_ed")
    grant(dsn, "bari_ed", "cm_area_editor", areas=["072006"], schema=S)
    assert _run(ed, f"DELETE FROM {S}.services WHERE service_id = %s", (ven,))[0] == 0
    assert links_of(ven) == 1
    assert _run(ed, f"DELETE FROM {S}.services WHERE service_id = %s", (mine.service_id,))[0] == 1
    assert links_of(mine.service_id) == 0
    _, rows = _run(dsn, f"SELECT changed_by FROM {S}.entity_history WHERE entity_id = %s"
                        " AND operation = 'DELETE'", (f"{mine.service_id}/{sheet.practice_id}",))  # fmt: skip
    assert rows == [("bari_ed",)]

    # an older registry (no trigger): a non-owner's write goes through, the owner's adds it
    def has_trigger():
        return bool(_run(dsn, "SELECT 1 FROM pg_trigger WHERE tgname = 'cm_links_cleanup'")[1])

    _run(dsn, f"DROP TRIGGER cm_links_cleanup ON {S}.services")
    PostgisRegistry.open(ed, schema=S).update_service(_bari, capacity=41)
    assert not has_trigger() and reg.get_service(_bari).capacity == 41
    reg.update_service(_bari, capacity=42)
    assert has_trigger()
