"""PostGIS storage of a registry: the same tables and fields as the GeoPackage.

Tables ``services``, ``organizations``, ``practices``, ``service_practices``, ``registry_meta`` in
one schema, geometry column ``geom`` (Point, EPSG:4326) and an ``ogc_fid`` serial key (the layout
``ogr2ogr`` gives a copied GeoPackage, so QGIS edits them as normal PostGIS layers). Every write
is one SQL transaction: the changed rows are updated, new ones inserted, removed ones deleted, and
any error rolls everything back. Needs ``psycopg2`` (Debian ``python3-psycopg2``).

The database itself keeps ``services.row_version`` (a BEFORE UPDATE trigger adds 1) and
``services_history`` (an AFTER INSERT/UPDATE/DELETE trigger stores the old row as JSONB, the
operation, ``changed_at``, ``changed_by`` = ``current_user`` and ``door``, see doors.py), so edits
made through QGIS's own PostGIS provider or plain SQL bump the version and are recorded too. A
registry of the previous layout (no row_version, no history) is upgraded in one transaction when
opened or written.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from capacitymetro_plugin.core.errors import DataUnavailableError, InputError

from .doors import DOORS, SETTING, door_of
from .model import Organization, Practice, Service
from .registry import ConflictError, Registry
from .storage import (
    ENTITY_HISTORY_LAYER,
    LAYERS,
    ORGANIZATION_FIELDS,
    PRACTICE_FIELDS,
    SCHEMA_VERSION,
    SERVICE_FIELDS,
    TRANSLATION_FIELDS,
    TRANSLATIONS_HISTORY_LAYER,
    TRANSLATIONS_LAYER,
    RegistryState,
    _add_translation,
    _from_row,
    record_to_properties,
)

_SQL_TYPES = {"str": "text", "int": "integer", "date": "date"}
_KEYS = {"services": "service_id", "organizations": "organization_id", "practices": "practice_id"}


def _psycopg2():
    try:
        import psycopg2
    except ImportError as exc:  # pragma: no cover - Debian python3-psycopg2 is installed
        raise DataUnavailableError(
            "PostGIS registries need the psycopg2 package.",
            fix="Install python3-psycopg2 (make setup).",
            it="I registri PostGIS richiedono il pacchetto psycopg2.",
            fix_it="Installa python3-psycopg2 (make setup).",
        ) from exc
    return psycopg2


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise InputError(
            f"Invalid PostgreSQL schema name {name!r}.",
            fix="Use letters, digits and underscores.",
            it=f"Nome di schema PostgreSQL non valido {name!r}.",
            fix_it="Usa lettere, cifre e trattini bassi.",
        )
    return f'"{name}"'


def _denied(detail: str):
    """The named error of a change the database refused this user (role or area)."""
    from .roles import AccessDeniedError

    return AccessDeniedError(
        f"The registry refused the change for this database user ({detail}).",
        fix="Ask the registry's admin for the role or area you need (docs/registry.md, 'Roles "
        "and areas'), or change only your area's services.",
        it=f"Il registro ha rifiutato la modifica per questo utente del database ({detail}).",
        fix_it="Chiedi all'amministratore del registro il ruolo o l'area che ti servono "
        "(docs/registry.md, 'Roles and areas'), oppure modifica solo i servizi della tua area.",
    )


class PostgisRegistry(Registry):
    """A registry stored in PostGIS; same API as :class:`~.registry.Registry`.

    Parameters
    ----------
    dsn
        libpq connection string, e.g. ``"host=127.0.0.1 port=55432 dbname=registry user=me"``.
    schema
        The PostgreSQL schema holding the tables.
    """

    def __init__(self, dsn: str, *, schema: str = "public") -> None:
        self.dsn = dsn
        self.schema = schema
        safe = " ".join(p for p in dsn.split() if not p.startswith("password="))
        self.path = f"PostGIS({safe}, schema={schema})"  # used in messages only
        self.door: str | None = None  # the history's door; None: the current one (doors.py)

    def _connect(self):
        try:
            return _psycopg2().connect(self.dsn)
        except Exception as exc:
            raise InputError(
                f"Cannot connect to the PostGIS registry {self.path}: {exc}".strip(),
                fix="Check that the server runs and the connection string is right.",
                it=f"Impossibile connettersi al registro PostGIS {self.path}: {exc}".strip(),
                fix_it="Controlla che il server sia attivo e la stringa di connessione corretta.",
            ) from exc

    def _table(self, name: str) -> str:
        return f"{_ident(self.schema)}.{_ident(name)}"

    def attachments_folder(self):  # noqa: D102 - a database has no folder
        raise _no_attachments()

    def attach_file(self, practice_id: str, source) -> Practice:
        """Refused: a PostGIS registry has no folder to keep files in (store a link instead)."""
        raise _no_attachments()

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls, dsn: str, *, schema: str = "public", overwrite: bool = False
    ) -> PostgisRegistry:  # type: ignore[override]
        """Create the registry tables (and the postgis extension if missing) in ``schema``."""
        reg = cls(dsn, schema=schema)
        conn = reg._connect()
        try:
            with conn, conn.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                cur.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
                existing = reg._existing_tables(cur)
                if existing and not overwrite:
                    raise InputError(
                        f"{reg.path} already holds registry tables ({', '.join(sorted(existing))}).",
                        fix="Open it with PostgisRegistry.open, or pass overwrite=True.",
                        it=f"{reg.path} contiene già le tabelle del registro ({', '.join(sorted(existing))}).",
                        fix_it="Aprilo con PostgisRegistry.open, oppure usa overwrite=True.",
                    )
                # translations first: their foreign key would block dropping services
                cur.execute(f"DROP TABLE IF EXISTS {reg._table(TRANSLATIONS_LAYER)}")
                for name, (geom_type, fields_) in LAYERS.items():
                    cur.execute(f"DROP TABLE IF EXISTS {reg._table(name)}")
                    cols = ["ogc_fid serial PRIMARY KEY"]
                    for f, kind in fields_.items():
                        unique = " UNIQUE" if _KEYS.get(name) == f else ""
                        cols.append(f"{_ident(f)} {_SQL_TYPES[kind]}{unique}")
                    if geom_type:
                        cols.append("geom geometry(Point, 4326)")
                    if name == "services":
                        cols.append("row_version integer NOT NULL DEFAULT 1")
                    cur.execute(f"CREATE TABLE {reg._table(name)} ({', '.join(cols)})")
                    if geom_type:
                        cur.execute(f"CREATE INDEX ON {reg._table(name)} USING gist (geom)")
                cur.execute(
                    f"INSERT INTO {reg._table('registry_meta')} (key, value) VALUES ('schema_version', %s)",
                    (SCHEMA_VERSION,),
                )
                reg._install_versioning(cur, drop_history=True)
                reg._install_translations(cur, drop=True)
                reg._install_entity_history(cur, drop=True)
                reg._install_links_cleanup(cur)
                reg._install_door(cur)
        finally:
            conn.close()
        return reg

    @classmethod
    def open(cls, dsn: str, *, schema: str = "public") -> PostgisRegistry:  # type: ignore[override]
        """Open an existing PostGIS registry (checks that every table is there)."""
        reg = cls(dsn, schema=schema)
        conn = reg._connect()
        try:
            with conn, conn.cursor() as cur:
                missing = set(LAYERS) - reg._existing_tables(cur)
        finally:
            conn.close()
        if missing:
            raise InputError(
                f"{reg.path} is not a CapaCityMetro registry: tables {', '.join(sorted(missing))} are missing.",
                fix="Create it with PostgisRegistry.create.",
                it=f"{reg.path} non è un registro CapaCityMetro: mancano le tabelle {', '.join(sorted(missing))}.",
                fix_it="Crealo con PostgisRegistry.create.",
            )
        from .roles import AccessDeniedError

        try:
            with reg.transaction():  # an older registry is upgraded here, in one transaction
                pass
        except AccessDeniedError:
            pass  # a viewer (cm_viewer): it reads; its writes are refused by name
        return reg

    def _existing_tables(self, cur) -> set[str]:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (self.schema,),
        )
        return {r[0] for r in cur.fetchall()} & set(LAYERS)

    # --- reading ---------------------------------------------------------------------------
    def load(self) -> RegistryState:
        conn = self._connect()
        try:
            with conn, conn.cursor() as cur:
                return self._read(cur)
        finally:
            conn.close()

    def _read(self, cur) -> RegistryState:
        from shapely.geometry import Point

        state = RegistryState()
        for name, cls, fields_ in (
            ("services", Service, SERVICE_FIELDS),
            ("organizations", Organization, ORGANIZATION_FIELDS),
            ("practices", Practice, PRACTICE_FIELDS),
        ):
            geom = LAYERS[name][0] is not None
            present = self._columns(cur, name)
            # a column a newer schema added (e.g. location_privacy) reads as NULL until migrated
            cols = ", ".join(_ident(f) if f in present else "NULL" for f in fields_)
            extra = ", ST_X(geom), ST_Y(geom)" if geom else ""
            versioned = name == "services" and "row_version" in present
            if versioned:
                extra += ", row_version"
            cur.execute(f"SELECT {cols}{extra} FROM {self._table(name)} ORDER BY ogc_fid")
            for rec in cur.fetchall():
                version = rec[-1] if versioned else None
                if versioned:
                    rec = rec[:-1]
                row = dict(zip(fields_, rec))
                point = Point(rec[-2], rec[-1]) if geom and rec[-1] is not None else None
                obj = _from_row(cls, row, fields_, point)
                getattr(state, name)[getattr(obj, _KEYS[name])] = obj
                if versioned:
                    state.versions[obj.service_id] = int(version or 0)
        cur.execute(
            f"SELECT service_id, practice_id FROM {self._table('service_practices')} ORDER BY ogc_fid"
        )
        state.links = [(s, p) for s, p in cur.fetchall() if s and p]
        cur.execute(f"SELECT key, value FROM {self._table('registry_meta')} ORDER BY ogc_fid")
        state.meta = {k: v or "" for k, v in cur.fetchall()}
        if TRANSLATIONS_LAYER in self._all_tables(cur):  # an older registry: none until opened
            cols = ", ".join(_ident(f) for f in TRANSLATION_FIELDS)
            cur.execute(f"SELECT {cols} FROM {self._table(TRANSLATIONS_LAYER)} ORDER BY ogc_fid")
            for rec in cur.fetchall():
                _add_translation(state, dict(zip(TRANSLATION_FIELDS, rec)))
        return state

    # --- writing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[RegistryState]:
        """Yield the state to change; write the differences in one SQL transaction."""
        import psycopg2

        conn = self._connect()
        try:
            with conn, conn.cursor() as cur:  # commits at the end, rolls back on any error
                # this transaction's history entries name our door (the triggers read it)
                cur.execute("SELECT set_config(%s, %s, true)", (SETTING, door_of(self)))
                try:
                    yield from self._locked(cur)
                except psycopg2.errors.InsufficientPrivilege as exc:
                    raise _denied(str(exc).splitlines()[0]) from None
        finally:
            conn.close()

    def _locked(self, cur) -> Iterator[RegistryState]:
        """The body of :meth:`transaction`, inside its connection and SQL transaction."""
        tables = ", ".join(self._table(n) for n in LAYERS)
        cur.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        migrated = self._migrate(cur)
        before = self._read(cur)
        state = copy.deepcopy(before)
        if migrated:
            state.meta["schema_version"] = SCHEMA_VERSION
        try:
            yield state
        except ConflictError as exc:
            if exc.changed_by is None:
                who = self._last_editor(cur, exc.key)
                if who:
                    raise ConflictError(
                        exc.key,
                        mine=exc.mine,
                        theirs=exc.theirs,
                        base_version=exc.base_version,
                        current_version=exc.current_version,
                        changed_by=who,
                    ) from None
            raise
        self._write_diff(cur, before, state)

    def _last_editor(self, cur, service_id: str) -> str | None:
        """Return the database user who made the stored version of ``service_id``, if recorded."""
        cur.execute(
            f"SELECT changed_by FROM {self._table('services_history')}"
            " WHERE service_id = %s ORDER BY history_id DESC LIMIT 1",
            (service_id,),
        )
        row = cur.fetchone()
        return row[0] if row else None

    # --- versions and history ----------------------------------------------------------------
    def service_version(self, service_id: str) -> int:
        """Return the row version of a service (kept by the database's trigger)."""
        state = self.load()
        if service_id not in state.services:
            from .registry import _not_found

            raise _not_found("service", service_id, self.path)
        return state.versions.get(service_id, 0)

    def service_history(self, service_id: str) -> list[dict]:
        """Return the recorded changes of a service, oldest first.

        Each entry: ``operation`` ("INSERT", "UPDATE", "DELETE"), ``changed_at`` (ISO 8601 with
        time zone), ``changed_by`` (database user), ``door`` (``core``/``cli``/... for our doors,
        ``qgis`` for QGIS's layer editing, ``sql`` for anything else; None when recorded before
        the door was, see doors.py), ``row_version`` (the version the change
        produced; None for DELETE) and ``old`` (the row before the change as a dict, None for
        INSERT). Filled by a database trigger, so edits through QGIS or SQL are included.
        """
        return self.services_history(service_id)

    def services_history(self, service_id: str | None = None) -> list[dict]:
        """Every service's recorded changes (or one service's), oldest first: the entries of
        :meth:`service_history`, each with its ``service_id`` (as ``Registry.services_history``)."""
        where, args = ("WHERE service_id = %s", (service_id,)) if service_id else ("", ())
        conn = self._connect()
        try:
            with conn, conn.cursor() as cur:
                door = self._door_column(cur, "services_history")
                cur.execute(
                    "SELECT service_id, operation, changed_at, changed_by, new_version, old_row,"
                    f" {door} FROM {self._table('services_history')} {where} ORDER BY history_id",
                    args,
                )
                rows = cur.fetchall()
        finally:
            conn.close()
        return [
            {
                "service_id": sid,
                "operation": op,
                "changed_at": at.isoformat(),
                "changed_by": who,
                "door": door,
                "row_version": version,
                "old": old,
            }
            for sid, op, at, who, version, old, door in rows
        ]

    def entity_history(self) -> list[dict]:
        """Return the recorded changes of organizations, practice sheets and links, oldest
        first (as ``Registry.entity_history``). Filled by database triggers: plain SQL counts."""
        conn = self._connect()
        try:
            with conn, conn.cursor() as cur:
                if ENTITY_HISTORY_LAYER not in self._all_tables(cur):
                    return []
                door = self._door_column(cur, ENTITY_HISTORY_LAYER)
                cur.execute(
                    "SELECT kind, entity_id, operation, changed_at, changed_by, old_row, new_row,"
                    f" {door} FROM {self._table(ENTITY_HISTORY_LAYER)} ORDER BY history_id"
                )
                rows = cur.fetchall()
        finally:
            conn.close()
        return [
            {
                "kind": kind,
                "entity_id": key,
                "operation": op,
                "changed_at": at.isoformat(),
                "changed_by": who,
                "door": door,
                "old": old,
                "new": new,
            }
            for kind, key, op, at, who, old, new, door in rows
        ]

    def _install_entity_history(self, cur, *, drop: bool = False) -> None:
        """``entity_history`` and its triggers on organizations, practices and links."""
        history = self._table(ENTITY_HISTORY_LAYER)
        prefix = _ident(self.schema)
        if drop:
            cur.execute(f"DROP TABLE IF EXISTS {history}")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {history} ("
            " history_id bigserial PRIMARY KEY, kind text NOT NULL, entity_id text,"
            " operation text NOT NULL, old_row jsonb, new_row jsonb,"
            " changed_at timestamptz NOT NULL DEFAULT now(),"
            " changed_by text NOT NULL DEFAULT session_user)"
        )
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_entity_log() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ DECLARE r jsonb; k text; BEGIN"
            " r := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);"
            " k := CASE TG_ARGV[0] WHEN 'organization' THEN r->>'organization_id'"
            "  WHEN 'practice' THEN r->>'practice_id'"
            "  ELSE (r->>'service_id') || '/' || (r->>'practice_id') END;"
            f" INSERT INTO {history} (kind, entity_id, operation, old_row, new_row)"
            "  VALUES (TG_ARGV[0], k, TG_OP,"
            "   CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,"
            "   CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);"
            " RETURN NULL; END $$"
        )
        for table, kind in (
            ("organizations", "organization"),
            ("practices", "practice"),
            ("service_practices", "link"),
        ):
            cur.execute(f"DROP TRIGGER IF EXISTS cm_entity_log ON {self._table(table)}")
            cur.execute(
                f"CREATE TRIGGER cm_entity_log AFTER INSERT OR UPDATE OR DELETE ON"
                f" {self._table(table)} FOR EACH ROW EXECUTE FUNCTION"
                f" {prefix}.cm_entity_log('{kind}')"
            )

    def _install_links_cleanup(self, cur) -> None:
        """A deleted service takes its good-practice links with it, however it is deleted (the
        API, QGIS layer editing, plain SQL): a BEFORE DELETE trigger, so the links still pass an
        area editor's row-level security (through their service) and their deletes are logged."""
        prefix = _ident(self.schema)
        links = self._table("service_practices")
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_links_cleanup() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            f" DELETE FROM {links} WHERE service_id = OLD.service_id;"
            " RETURN OLD; END $$"
        )
        cur.execute(f"DROP TRIGGER IF EXISTS cm_links_cleanup ON {self._table('services')}")
        cur.execute(
            f"CREATE TRIGGER cm_links_cleanup BEFORE DELETE ON {self._table('services')}"
            f" FOR EACH ROW EXECUTE FUNCTION {prefix}.cm_links_cleanup()"
        )

    def _has_links_cleanup(self, cur) -> bool:
        cur.execute(
            "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'services' AND t.tgname = 'cm_links_cleanup'",
            (self.schema,),
        )
        return cur.fetchone() is not None

    def snapshot(self) -> RegistryState:
        """Return :meth:`load` (its row versions included)."""
        return self.load()

    def record_entity_edits(self, before: RegistryState) -> list[str]:
        """Nothing to do: the database's triggers record every change (see ``entity_history``)."""
        return []

    def record_edits(self, before: RegistryState, service_ids) -> list[str]:
        """Nothing to do: the database's triggers already recorded QGIS's edits (returns [])."""
        return []

    def _install_versioning(self, cur, *, drop_history: bool = False) -> None:
        """Create services_history and the row_version/history triggers (idempotent)."""
        table = self._table("services")
        history = self._table("services_history")
        prefix = _ident(self.schema)
        if drop_history:
            cur.execute(f"DROP TABLE IF EXISTS {history}")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {history} ("
            " history_id bigserial PRIMARY KEY, service_id text, operation text NOT NULL,"
            " old_row jsonb, new_version integer,"
            " changed_at timestamptz NOT NULL DEFAULT now(),"
            " changed_by text NOT NULL DEFAULT current_user)"
        )
        cur.execute(f"CREATE INDEX IF NOT EXISTS services_history_sid ON {history} (service_id)")
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_services_bump() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            # a client that sends the row version it read (the dock does) is refused when the
            # row moved on since: nobody's newer save is written over; one that does not send
            # it (plain SQL, QGIS's attribute table) writes only the columns it changes
            " IF NEW.row_version IS DISTINCT FROM OLD.row_version THEN"
            "  RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = format("
            "'CapaCityMetro: service %s was changed by someone else (stored version %s, yours %s)"
            " / modificato da qualcun altro (versione salvata %s, la tua %s)',"
            " OLD.service_id, OLD.row_version, NEW.row_version, OLD.row_version, NEW.row_version),"
            " HINT = 'Reload the layer and merge your edits / ricarica il layer e unisci le"
            " modifiche';"
            " END IF;"
            " NEW.row_version := COALESCE(OLD.row_version, 0) + 1; RETURN NEW; END $$"
        )
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_services_log() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            " IF TG_OP = 'INSERT' THEN"
            f"  INSERT INTO {history} (service_id, operation, old_row, new_version)"
            "   VALUES (NEW.service_id, TG_OP, NULL, NEW.row_version); RETURN NEW;"
            " ELSIF TG_OP = 'UPDATE' THEN"
            f"  INSERT INTO {history} (service_id, operation, old_row, new_version)"
            "   VALUES (NEW.service_id, TG_OP, to_jsonb(OLD), NEW.row_version); RETURN NEW;"
            " ELSE"
            f"  INSERT INTO {history} (service_id, operation, old_row, new_version)"
            "   VALUES (OLD.service_id, TG_OP, to_jsonb(OLD), NULL); RETURN OLD;"
            " END IF; END $$"
        )
        cur.execute(f"DROP TRIGGER IF EXISTS cm_services_bump ON {table}")
        cur.execute(
            f"CREATE TRIGGER cm_services_bump BEFORE UPDATE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {prefix}.cm_services_bump()"
        )
        cur.execute(f"DROP TRIGGER IF EXISTS cm_services_log ON {table}")
        cur.execute(
            f"CREATE TRIGGER cm_services_log AFTER INSERT OR UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {prefix}.cm_services_log()"
        )

    def translation_history(self, service_id: str) -> list[dict]:
        """Return the recorded changes of a service's translations, oldest first (filled by a
        database trigger, so SQL and QGIS edits are included; ``changed_by`` = database user)."""
        conn = self._connect()
        try:
            with conn, conn.cursor() as cur:
                if TRANSLATIONS_HISTORY_LAYER not in self._all_tables(cur):
                    return []
                door = self._door_column(cur, TRANSLATIONS_HISTORY_LAYER)
                cur.execute(
                    f"SELECT lang, operation, changed_at, changed_by, old_row, new_row, {door}"
                    f" FROM {self._table(TRANSLATIONS_HISTORY_LAYER)}"
                    " WHERE service_id = %s ORDER BY history_id",
                    (service_id,),
                )
                rows = cur.fetchall()
        finally:
            conn.close()
        return [
            {
                "service_id": service_id,
                "lang": lang,
                "operation": op,
                "changed_at": at.isoformat(),
                "changed_by": who,
                "door": door,
                "old": old,
                "new": new,
            }
            for lang, op, at, who, old, new, door in rows
        ]

    def _install_translations(self, cur, *, drop: bool = False) -> None:
        """Create ``service_translations`` (one row per service and language; deleting a
        service deletes its translations) and ``translations_history`` with its trigger."""
        table = self._table(TRANSLATIONS_LAYER)
        history = self._table(TRANSLATIONS_HISTORY_LAYER)
        prefix = _ident(self.schema)
        if drop:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"DROP TABLE IF EXISTS {history}")
        cols = ", ".join(f"{_ident(f)} {_SQL_TYPES[k]}" for f, k in TRANSLATION_FIELDS.items())
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (ogc_fid serial PRIMARY KEY, {cols},"
            f" UNIQUE (service_id, lang),"
            f" FOREIGN KEY (service_id) REFERENCES {self._table('services')} (service_id)"
            " ON DELETE CASCADE)"
        )
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {history} ("
            " history_id bigserial PRIMARY KEY, service_id text, lang text,"
            " operation text NOT NULL, old_row jsonb, new_row jsonb,"
            " changed_at timestamptz NOT NULL DEFAULT now(),"
            " changed_by text NOT NULL DEFAULT current_user)"
        )
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_translations_log() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            " IF TG_OP = 'DELETE' THEN"
            f"  INSERT INTO {history} (service_id, lang, operation, old_row, new_row)"
            "   VALUES (OLD.service_id, OLD.lang, TG_OP, to_jsonb(OLD), NULL); RETURN OLD;"
            " END IF;"
            f" INSERT INTO {history} (service_id, lang, operation, old_row, new_row)"
            "  VALUES (NEW.service_id, NEW.lang, TG_OP,"
            "   CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END, to_jsonb(NEW)); RETURN NEW;"
            " END $$"
        )
        cur.execute(f"DROP TRIGGER IF EXISTS cm_translations_log ON {table}")
        cur.execute(
            f"CREATE TRIGGER cm_translations_log AFTER INSERT OR UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {prefix}.cm_translations_log()"
        )

    _HISTORY_TABLES = ("services_history", ENTITY_HISTORY_LAYER, TRANSLATIONS_HISTORY_LAYER)

    def _install_door(self, cur) -> None:
        """``cm_door()`` and a ``door`` column defaulting to it on every history table, so each
        trigger's entry names the door (doors.py): the one our transactions set (SET LOCAL
        capacitymetro.door), else ``qgis`` for a QGIS connection (QGIS sets its
        application_name to "QGIS"), else ``sql``. Entries already there keep door NULL."""
        prefix = _ident(self.schema)
        known = ", ".join(f"'{d}'" for d in DOORS)
        cur.execute(
            f"CREATE OR REPLACE FUNCTION {prefix}.cm_door() RETURNS text LANGUAGE sql STABLE AS $$"
            f" SELECT CASE WHEN current_setting('{SETTING}', true) IN ({known})"
            f"  THEN current_setting('{SETTING}', true)"
            "  WHEN current_setting('application_name') ILIKE 'QGIS%' THEN 'qgis'"
            "  ELSE 'sql' END $$"
        )
        tables = self._all_tables(cur)
        for name in self._HISTORY_TABLES:
            if name not in tables:
                continue
            table = self._table(name)
            if "door" not in self._columns(cur, name):
                cur.execute(f"ALTER TABLE {table} ADD COLUMN door text")  # old rows: NULL
            cur.execute(f"ALTER TABLE {table} ALTER COLUMN door SET DEFAULT {prefix}.cm_door()")

    def _has_door(self, cur) -> bool:
        tables = self._all_tables(cur)
        return all(
            "door" in self._columns(cur, name) for name in self._HISTORY_TABLES if name in tables
        )

    def _door_column(self, cur, name: str) -> str:
        """``door``, or NULL on a history table not yet upgraded (a viewer cannot upgrade it)."""
        return "door" if "door" in self._columns(cur, name) else "NULL"

    def _has_versioning(self, cur) -> bool:
        cur.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'services'"
            " AND t.tgname IN ('cm_services_bump', 'cm_services_log')",
            (self.schema,),
        )
        if cur.fetchone()[0] != 2 or "services_history" not in self._all_tables(cur):
            return False
        # registries made before the stale-version check get the newer trigger function
        cur.execute(
            "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = %s AND p.proname = 'cm_services_bump'",
            (self.schema,),
        )
        row = cur.fetchone()
        return row is not None and "IS DISTINCT FROM OLD.row_version" in row[0]

    def _all_tables(self, cur) -> set[str]:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (self.schema,),
        )
        return {r[0] for r in cur.fetchall()}

    def _columns(self, cur, name: str) -> set[str]:
        cur.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s",
            (self.schema, name),
        )
        return {r[0] for r in cur.fetchall()}

    def _migrate(self, cur) -> bool:
        """Upgrade an older layout inside the caller's transaction; True if anything changed.

        Adds the columns of newer schemas (2: services.location_privacy, 3: location_source),
        ``services.row_version`` (existing rows start at 1), ``services_history`` and the triggers.
        """
        added = False
        if "row_version" not in self._columns(cur, "services"):
            cur.execute(
                f"ALTER TABLE {self._table('services')}"
                " ADD COLUMN row_version integer NOT NULL DEFAULT 1"
            )
            added = True
        if not self._has_versioning(cur):
            self._install_versioning(cur)
            added = True
        for name, (_geom, fields_) in LAYERS.items():
            present = self._columns(cur, name)
            for f, kind in fields_.items():
                if f not in present:
                    cur.execute(
                        f"ALTER TABLE {self._table(name)} ADD COLUMN {_ident(f)} {_SQL_TYPES[kind]}"
                    )
                    added = True
        tables = self._all_tables(cur)
        if TRANSLATIONS_LAYER not in tables or TRANSLATIONS_HISTORY_LAYER not in tables:
            self._install_translations(cur)  # a registry made before translations
            added = True
        if ENTITY_HISTORY_LAYER not in tables:
            self._install_entity_history(cur)  # a registry made before it
            added = True
        if not self._has_links_cleanup(cur):  # a registry made before it
            cur.execute("SAVEPOINT cm_links_cleanup")
            try:
                self._install_links_cleanup(cur)
                cur.execute("RELEASE SAVEPOINT cm_links_cleanup")
                added = True
            except Exception as exc:  # not the tables' owner: the owner's next write adds it
                if getattr(exc, "pgcode", None) != "42501":  # insufficient_privilege
                    raise
                cur.execute("ROLLBACK TO SAVEPOINT cm_links_cleanup")
        if not self._has_door(cur):  # a registry made before the door was recorded
            self._install_door(cur)
            added = True
        if added:
            from . import roles

            if roles.installed(cur, self.schema):  # new tables and re-created triggers too
                roles.reapply(cur, self.schema)
        return added

    def _write_diff(self, cur, before: RegistryState, after: RegistryState) -> None:
        for name, fields_ in (
            ("services", SERVICE_FIELDS),
            ("organizations", ORGANIZATION_FIELDS),
            ("practices", PRACTICE_FIELDS),
        ):
            self._write_table(
                cur,
                name,
                fields_,
                getattr(before, name),
                getattr(after, name),
                before.versions if name == "services" else None,
            )
        if before.links != after.links:  # row by row: other areas' links are not this user's
            links = self._table("service_practices")
            gone = [x for x in before.links if x not in set(after.links)]
            new = [x for x in after.links if x not in set(before.links)]
            for sid, pid in gone:
                cur.execute(
                    f"DELETE FROM {links} WHERE service_id = %s AND practice_id = %s", (sid, pid)
                )
            cur.executemany(f"INSERT INTO {links} (service_id, practice_id) VALUES (%s, %s)", new)
        self._write_translations(cur, before, after)
        if before.meta != after.meta:
            cur.execute(f"DELETE FROM {self._table('registry_meta')}")
            cur.executemany(
                f"INSERT INTO {self._table('registry_meta')} (key, value) VALUES (%s, %s)",
                list(after.meta.items()),
            )

    def _write_translations(self, cur, before: RegistryState, after: RegistryState) -> None:
        """Write the changed translations (a deleted service's went with it: ON DELETE CASCADE)."""
        new = {k: t for k, t in after.translations.items() if k[0] in after.services}
        old = before.translations
        if old == new:
            return
        table = self._table(TRANSLATIONS_LAYER)
        cols = list(TRANSLATION_FIELDS)
        for key in [k for k in old if k not in new]:
            cur.execute(f"DELETE FROM {table} WHERE service_id = %s AND lang = %s", key)
        for key, t in new.items():
            if old.get(key) == t:
                continue
            props = record_to_properties(t, TRANSLATION_FIELDS)
            names = ", ".join(_ident(c) for c in cols)
            marks = ", ".join(["%s"] * len(cols))
            updates = ", ".join(f"{_ident(c)} = EXCLUDED.{_ident(c)}" for c in cols[2:])
            self._before_row_write(TRANSLATIONS_LAYER, "/".join(key))
            cur.execute(
                f"INSERT INTO {table} ({names}) VALUES ({marks})"
                f" ON CONFLICT (service_id, lang) DO UPDATE SET {updates}",
                [props[c] for c in cols],
            )

    def _write_table(
        self, cur, name: str, fields_: dict[str, str], old: dict, new: dict, versions=None
    ) -> None:
        key = _KEYS[name]
        table = self._table(name)
        geom = LAYERS[name][0] is not None
        removed = [k for k in old if k not in new]
        if removed:
            cur.execute(
                f"DELETE FROM {table} WHERE {_ident(key)} = ANY(%s) RETURNING {_ident(key)}",
                (removed,),
            )
            kept = sorted(set(removed) - {r[0] for r in cur.fetchall()})
            if kept:  # row-level security hid them from the DELETE: not this user's to delete
                raise _denied(f"{name} {', '.join(kept)} not deleted: outside your areas")
        cols = list(fields_)
        geom_sql = (
            "CASE WHEN %s::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(%s, %s), 4326) END"
        )
        for k, obj in new.items():
            if k in old and old[k] == obj:
                continue
            props = record_to_properties(obj, fields_)
            values = [props[c] for c in cols]
            if geom:
                lon, lat = (
                    (obj.lon, obj.lat)
                    if obj.lon is not None and obj.lat is not None
                    else (None, None)
                )
                values += [lat, lon, lat]
            if k in old:
                sets = ", ".join(f"{_ident(c)} = %s" for c in cols)
                if geom:
                    sets += f", geom = {geom_sql}"
                self._before_row_write(name, k)
                if versions is None:
                    cur.execute(f"UPDATE {table} SET {sets} WHERE {_ident(key)} = %s", [*values, k])
                    continue
                # the table lock already serializes our writers; the version guard also refuses
                # a row someone changed since it was read (the trigger bumps row_version)
                cur.execute(
                    f"UPDATE {table} SET {sets} WHERE {_ident(key)} = %s AND row_version = %s",
                    [*values, k, versions.get(k, 0)],
                )
                if cur.rowcount == 0:
                    cur.execute(f"SELECT row_version FROM {table} WHERE {_ident(key)} = %s", (k,))
                    row = cur.fetchone()
                    if row is not None and int(row[0]) == int(versions.get(k, 0)):
                        # not changed by anyone: row-level security kept it from this user
                        raise _denied(f"service {k} not changed: outside your areas")
                    raise ConflictError(
                        k,
                        mine=obj,
                        theirs=old[k],
                        base_version=versions.get(k, 0),
                        current_version=int(row[0]) if row else 0,
                        changed_by=self._last_editor(cur, k),
                    )
            else:
                names = ", ".join(_ident(c) for c in cols) + (", geom" if geom else "")
                marks = ", ".join(["%s"] * len(cols)) + (f", {geom_sql}" if geom else "")
                self._before_row_write(name, k)
                cur.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)

    def _before_row_write(self, table: str, key: str) -> None:
        """Hook called before each row write (tests use it to force a failure mid-write)."""


def _no_attachments() -> InputError:
    return InputError(
        "A PostGIS registry keeps no files: attachments need a registry GeoPackage folder.",
        fix="Put the sheet's document online (the organization's site, a shared drive with a "
        "web address) and store its link in the sheet.",
        it="Un registro PostGIS non conserva file: gli allegati richiedono la cartella di un "
        "registro GeoPackage.",
        fix_it="Metti il documento della scheda online (il sito dell'ente, un'unità condivisa con "
        "un indirizzo web) e salva il suo link nella scheda.",
    )
