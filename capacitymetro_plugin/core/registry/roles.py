"""Roles and areas on a PostGIS registry: who may read, who may change which services.

Four group roles (``NOLOGIN``; logins are made members with :func:`grant`):

- ``cm_viewer``: reads everything, writes nothing;
- ``cm_editor``: changes every service, organization, practice sheet, link and translation;
- ``cm_area_editor``: reads everything, changes only the services of its areas (and their
  translations and links); its areas are rows of ``<schema>.editor_areas`` (login, code), a code
  being a comune (6 digits, ISTAT) or a province (3 digits; a metropolitan city's ISTAT code,
  e.g. 272 for Bari, is taken as its province, 072);
- ``cm_admin``: everything, and grants the other roles.

Row-level security decides the rows: ``services`` (by ``comune_istat``; by ``metro_area`` only
when a service has no comune, and a ``metro_area`` must agree with the comune),
``service_translations`` and ``service_practices`` (through their service) are ``ENABLE`` and
``FORCE ROW LEVEL SECURITY``. An area editor's UPDATE or DELETE of a service outside its areas
changes nothing (the row is not theirs), an INSERT there or an UPDATE that would move a service
out of its areas is refused (``WITH CHECK``); plain SQL is bound by the same policies as the core
and QGIS. The history tables are read-only for everyone but ``cm_admin``: the triggers that
write them run as their owner (``SECURITY DEFINER``, fixed ``search_path``) and record the
session's user (``changed_by = session_user``). Superusers bypass row-level security (as
PostgreSQL always does). Running :func:`install_roles` again is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError

ROLES = ("cm_viewer", "cm_editor", "cm_area_editor", "cm_admin")
#: tables editors write (history tables are written only by the triggers)
DATA_TABLES = (
    "services",
    "organizations",
    "practices",
    "service_practices",
    "service_translations",
    "registry_meta",
)
AREAS_TABLE = "editor_areas"


class AccessDeniedError(CapaCityMetroError):
    """The database user may not make this change (role or area)."""


def _sql():
    from psycopg2 import sql

    return sql


def _connect(conn_or_dsn):
    import psycopg2

    if isinstance(conn_or_dsn, str):
        return psycopg2.connect(conn_or_dsn), True
    return conn_or_dsn, False


def _check_can_manage(cur) -> None:
    cur.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
    row = cur.fetchone()
    if not row or not (row[0] or row[1]):
        cur.execute("SELECT current_user")
        who = cur.fetchone()[0]
        raise AccessDeniedError(
            f"The database user {who!r} may not create or grant roles.",
            fix="Connect as a superuser or a user with CREATEROLE (e.g. the database owner).",
            it=f"L'utente del database {who!r} non può creare o assegnare ruoli.",
            fix_it="Collegati come superutente o come utente con CREATEROLE (es. il proprietario "
            "del database).",
        )


def _tables(cur, schema: str) -> set[str]:
    cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
    )
    return {r[0] for r in cur.fetchall()}


def install_roles(conn_or_dsn, schema: str = "public") -> list[str]:
    """Create the roles, the areas table, the grants and the row-level security of ``schema``;
    return the tables now under row-level security. Idempotent."""
    sql = _sql()
    conn, own = _connect(conn_or_dsn)
    s = sql.Identifier(schema)
    try:
        with conn, conn.cursor() as cur:
            _check_can_manage(cur)
            present = _tables(cur, schema)
            if "services" not in present:
                raise InputError(
                    f"Schema {schema!r} holds no CapaCityMetro registry (no services table).",
                    fix="Create the registry first (PostgisRegistry.create), or name its schema.",
                    it=f"Lo schema {schema!r} non contiene un registro CapaCityMetro (nessuna "
                    "tabella services).",
                    fix_it="Crea prima il registro (PostgisRegistry.create) o indica il suo schema.",
                )
            for role in ROLES:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.{} (role_name text NOT NULL, area_code text"
                    " NOT NULL CHECK (area_code ~ '^[0-9]{{3}}([0-9]{{3}})?$'),"
                    " PRIMARY KEY (role_name, area_code))"
                ).format(s, sql.Identifier(AREAS_TABLE))
            )
            secured = reapply(cur, schema)
            cur.execute("GRANT cm_viewer, cm_editor, cm_area_editor TO cm_admin WITH ADMIN OPTION")
        return secured
    finally:
        if own:
            conn.close()


def reapply(cur, schema: str) -> list[str]:
    """Grants, policies and history-as-owner on every table of ``schema`` now (the roles must
    exist). :func:`install_roles` runs it; so does the registry's upgrade when it adds a table or
    re-creates a trigger function (``CREATE OR REPLACE FUNCTION`` makes it SECURITY INVOKER
    again). Needs the tables' owner, not CREATEROLE."""
    sql = _sql()
    s = sql.Identifier(schema)
    present = _tables(cur, schema)
    everyone = sql.SQL(", ").join(sql.Identifier(r) for r in ROLES)
    writers = sql.SQL(", ").join(
        sql.Identifier(r) for r in ("cm_editor", "cm_area_editor", "cm_admin")
    )
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, everyone))
    cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, everyone))
    cur.execute(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, writers)
    )
    data = [t for t in DATA_TABLES if t in present]
    cur.execute(
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(
            sql.SQL(", ").join(sql.Identifier(schema, t) for t in data), writers
        )
    )
    cur.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO cm_admin").format(s))
    _install_functions(cur, schema)
    secured = _install_policies(cur, schema, present)
    _history_as_owner(cur, schema, present)
    return secured


def installed(cur, schema: str) -> bool:
    """Whether :func:`install_roles` ran on ``schema`` (its areas table exists)."""
    return AREAS_TABLE in _tables(cur, schema)


def _install_functions(cur, schema: str) -> None:
    sql = _sql()
    s = sql.Identifier(schema)
    # every service of the database may be changed by this session: an editor or admin (or the
    # owner of the services table, who made the registry)
    cur.execute(
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}.cm_edits_all() RETURNS boolean LANGUAGE sql STABLE AS $$"
            " SELECT pg_has_role(session_user, 'cm_editor', 'MEMBER')"
            " OR pg_has_role(session_user, 'cm_admin', 'MEMBER')"
            " OR session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = {}"
            " AND tablename = 'services') $$"
        ).format(s, sql.Literal(schema))
    )
    # the service (comune, province) is in one of the session's areas. A service with a comune
    # is placed by it alone, and its metro_area must agree with it (its province, or the metro
    # city's 2xx code): otherwise writing one's own code into metro_area would let an editor
    # create or move a service into another province's comune. Only a service without a comune
    # is placed by metro_area.
    cur.execute(
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {s}.cm_in_area(comune text, province text)"
            " RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp"
            " AS $$ SELECT pg_has_role(session_user, 'cm_area_editor', 'MEMBER')"
            " AND (comune IS NULL OR province IS NULL"
            " OR province IN (left(comune, 3), '2' || substr(comune, 2, 2)))"
            " AND EXISTS (SELECT 1 FROM {s}.{areas} e WHERE e.role_name = session_user AND"
            " CASE WHEN comune IS NULL THEN e.area_code = province"
            " ELSE e.area_code IN (comune, left(comune, 3)) END) $$"
        ).format(s=s, areas=sql.Identifier(AREAS_TABLE))
    )


def _install_policies(cur, schema: str, present: set[str]) -> list[str]:
    sql = _sql()
    s = sql.Identifier(schema)
    via_service = sql.SQL(
        "EXISTS (SELECT 1 FROM {s}.services v WHERE v.service_id = {t}.service_id"
        " AND {s}.cm_in_area(v.comune_istat, v.metro_area))"
    )
    rules = {
        "services": sql.SQL("{s}.cm_in_area(comune_istat, metro_area)").format(s=s),
        "service_translations": via_service.format(s=s, t=sql.Identifier("service_translations")),
        "service_practices": via_service.format(s=s, t=sql.Identifier("service_practices")),
    }
    secured = []
    for table, in_area in rules.items():
        if table not in present:
            continue
        t = sql.Identifier(schema, table)
        cur.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
        cur.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(t))
        for name in ("cm_read", "cm_write_all", "cm_write_area"):
            cur.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), t))
        cur.execute(sql.SQL("CREATE POLICY cm_read ON {} FOR SELECT USING (true)").format(t))
        cur.execute(
            sql.SQL(
                "CREATE POLICY cm_write_all ON {} FOR ALL USING ({s}.cm_edits_all())"
                " WITH CHECK ({s}.cm_edits_all())"
            ).format(t, s=s)
        )
        cur.execute(
            sql.SQL("CREATE POLICY cm_write_area ON {} FOR ALL USING ({}) WITH CHECK ({})").format(
                t, in_area, in_area
            )
        )
        secured.append(table)
    return secured


def _history_as_owner(cur, schema: str, present: set[str]) -> None:
    """History triggers run as their owner (who may write the history tables); who changed a
    row is the session's user, not the owner."""
    sql = _sql()
    cur.execute(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = %s AND p.proname LIKE 'cm\\_%%\\_log'",
        (schema,),
    )
    for (name,) in cur.fetchall():
        cur.execute(
            sql.SQL("ALTER FUNCTION {}.{}() SECURITY DEFINER SET search_path = {}, pg_temp").format(
                sql.Identifier(schema), sql.Identifier(name), sql.Identifier(schema)
            )
        )
    for table in sorted(t for t in present if t.endswith("_history")):
        cur.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s"
            " AND table_name = %s AND column_name = 'changed_by'",
            (schema, table),
        )
        if cur.fetchone():
            cur.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN changed_by SET DEFAULT session_user").format(
                    sql.Identifier(schema, table)
                )
            )


def area_code(code) -> str:
    """A comune (6 digits) or a province (3 digits); a metropolitan city's code (2xx) is its
    province (0xx). Raises InputError for a code ISTAT does not have."""
    from .boundaries import load_comuni

    text = str(code).strip()
    if not re.fullmatch(r"\d{3}|\d{6}", text):
        raise InputError(
            f"Area code {code!r} is neither a comune (6 digits) nor a province (3 digits).",
            fix="Use ISTAT codes, e.g. 072006 (Bari) or 072 / 272 (the province / metro city).",
            it=f"Il codice d'area {code!r} non è né un comune (6 cifre) né una provincia (3 cifre).",
            fix_it="Usa i codici ISTAT, es. 072006 (Bari) o 072 / 272 (provincia / città "
            "metropolitana).",
        )
    if len(text) == 3 and text.startswith("2"):
        text = "0" + text[1:]
    codes = set(load_comuni()["comune_istat"].astype(str))
    known = codes if len(text) == 6 else {c[:3] for c in codes}
    if text not in known:
        raise InputError(
            f"ISTAT has no {'comune' if len(text) == 6 else 'province'} {text}.",
            fix="Check the code (ISTAT's list of comuni, e.g. 027042 Venezia, 072006 Bari).",
            it=f"L'ISTAT non ha {'il comune' if len(text) == 6 else 'la provincia'} {text}.",
            fix_it="Controlla il codice (elenco ISTAT dei comuni, es. 027042 Venezia, 072006 Bari).",
        )
    return text


def grant(conn_or_dsn, login: str, role: str, *, areas: Iterable = (), schema: str = "public"):
    """Make ``login`` a member of ``role``; an area editor gets ``areas`` (codes, see
    :func:`area_code`). Returns the login's areas."""
    sql = _sql()
    if role not in ROLES:
        raise InputError(
            f"Unknown role {role!r}.",
            fix=f"Use one of: {', '.join(ROLES)}.",
            it=f"Ruolo sconosciuto {role!r}.",
            fix_it=f"Usa uno tra: {', '.join(ROLES)}.",
        )
    codes = [area_code(a) for a in areas]
    if role == "cm_area_editor" and not codes:
        raise InputError(
            "An area editor needs at least one area.",
            fix="Give comuni or provinces, e.g. --area 072006.",
            it="Un editor d'area richiede almeno un'area.",
            fix_it="Indica comuni o province, es. --area 072006.",
        )
    conn, own = _connect(conn_or_dsn)
    try:
        with conn, conn.cursor() as cur:
            _check_can_manage(cur)
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
            if cur.fetchone() is None:
                raise InputError(
                    f"There is no database login {login!r}.",
                    fix=f"Create it first: CREATE ROLE \"{login}\" LOGIN PASSWORD '…';",
                    it=f"Non esiste il login {login!r} nel database.",
                    fix_it=f"Crealo prima: CREATE ROLE \"{login}\" LOGIN PASSWORD '…';",
                )
            cur.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(login))
            )
            table = sql.Identifier(schema, AREAS_TABLE)
            for code in codes:
                cur.execute(
                    sql.SQL("INSERT INTO {} (role_name, area_code) VALUES (%s, %s)"
                            " ON CONFLICT DO NOTHING").format(table),
                    (login, code),
                )  # fmt: skip
            cur.execute(
                sql.SQL("SELECT area_code FROM {} WHERE role_name = %s ORDER BY 1").format(table),
                (login,),
            )
            return [r[0] for r in cur.fetchall()]
    finally:
        if own:
            conn.close()


def revoke(conn_or_dsn, login: str, role: str | None = None, *, schema: str = "public") -> None:
    """Take ``role`` (default: every CapaCityMetro role) and its areas from ``login``."""
    sql = _sql()
    conn, own = _connect(conn_or_dsn)
    try:
        with conn, conn.cursor() as cur:
            _check_can_manage(cur)
            for r in [role] if role else ROLES:
                cur.execute(
                    sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(r), sql.Identifier(login))
                )
            if role in (None, "cm_area_editor"):
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE role_name = %s").format(
                        sql.Identifier(schema, AREAS_TABLE)
                    ),
                    (login,),
                )
    finally:
        if own:
            conn.close()
