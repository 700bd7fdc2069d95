"""Translations on a real PostgreSQL + PostGIS server: API, SQL edits recorded, migration."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.postgis import PostgisRegistry
from capacitymetro_plugin.core.registry.translations import TranslationError

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
        reason="PostgreSQL server binaries are not installed",
    ),
]
AR = "مكتب المعلومات"


def _sql(dsn, query, params=()):
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def test_api_sql_history_and_cascade(dsn):
    reg = PostgisRegistry.create(dsn, schema="tr_api")
    s = reg.add_service(Service(name="Sportello Bari", sectors=["information"]))
    reg.set_translation(s.service_id, "ar", name=AR, description="نص", source="machine")
    reg.set_translation(s.service_id, "en", name="Desk")
    with pytest.raises(TranslationError) as err:
        reg.set_translation(s.service_id, "zz", name="x")
    assert err.value.code == "unknown_language"
    got = {
        t.lang: (t.name, t.source)
        for t in PostgisRegistry.open(dsn, schema="tr_api").translations(s.service_id)
    }
    assert got == {"ar": (AR, "machine"), "en": ("Desk", "operator")}
    # an edit in plain SQL (as QGIS's PostGIS provider would do) is read and recorded
    _sql(dsn, "UPDATE tr_api.service_translations SET source = 'operator' WHERE lang = 'ar'")
    assert {t.lang: t.source for t in reg.translations(s.service_id)}["ar"] == "operator"
    # the database refuses a translation of a service that does not exist, even through SQL
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        _sql(
            dsn,
            "INSERT INTO tr_api.service_translations (service_id, lang, name) VALUES ('nope', 'en', 'x')",
        )
    reg.remove_translation(s.service_id, "en")
    reg.delete_service(s.service_id)
    assert _sql(dsn, "SELECT count(*) FROM tr_api.service_translations") == [(0,)]
    h = reg.translation_history(s.service_id)
    assert [(e["lang"], e["operation"]) for e in h] == [
        ("ar", "INSERT"),
        ("en", "INSERT"),
        ("ar", "UPDATE"),
        ("en", "DELETE"),
        ("ar", "DELETE"),
    ]
    assert h[2]["old"]["source"] == "machine" and h[2]["new"]["source"] == "operator"
    assert all(e["changed_by"] for e in h)


def test_older_registry_gains_the_tables_and_loses_nothing(dsn):
    reg = PostgisRegistry.create(dsn, schema="tr_old")
    s = reg.add_service(
        Service(name="Casa delle Culture", sectors=["community"], capacity=40, lon=16.87, lat=41.12)
    )
    # the layout made before translations (main at 3638802)
    _sql(
        dsn,
        "DROP TABLE tr_old.service_translations; DROP TABLE tr_old.translations_history;"
        " DROP FUNCTION tr_old.cm_translations_log()",
    )
    before = PostgisRegistry(dsn, schema="tr_old").load()
    assert before.translations == {}
    opened = PostgisRegistry.open(dsn, schema="tr_old")
    tables = {
        r[0]
        for r in _sql(
            dsn, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tr_old'"
        )
    }
    assert {"service_translations", "translations_history"} <= tables
    after = opened.load()
    assert after.services == before.services and after.versions == before.versions
    opened.set_translation(s.service_id, "fr", name="Maison des Cultures")
    assert [t.name for t in opened.translations(s.service_id)] == ["Maison des Cultures"]
    # overwrite works although the translations table points at services
    PostgisRegistry.create(dsn, schema="tr_old", overwrite=True)
