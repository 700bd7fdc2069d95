"""'What changed since …' on a registry GeoPackage and on a real PostGIS server.

Edits through the core API (GeoPackage) and through plain SQL (PostGIS: the triggers record
them) of a service, an organization, a practice sheet and a link must each come back from
``changes_since`` with their exact old and new values, the editor, and only when inside the
date and area asked; a deleted service is still reported."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path

import psycopg2
import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.changes import changes_since, write_changes
from capacitymetro_plugin.core.registry.model import Organization, Practice, Service
from capacitymetro_plugin.core.registry.registry import Registry


def _fill(reg):
    org = reg.add_organization(Organization(name="Cooperativa Aurora"))
    bari = reg.add_service(
        Service(name="Porta Futuro Bari", sectors=["work_training"], comune_istat="072006",
                metro_area="072", capacity=10, organization_id=org.organization_id)
    )  # fmt: skip
    ven = reg.add_service(
        Service(name="Sportello Venezia", sectors=["information"], comune_istat="027042",
                metro_area="027")
    )  # fmt: skip
    sheet = reg.add_practice(Practice(title="Sportello di comunità", comune_istat="072006"))
    return org, bari, ven, sheet


def _one(rows, **match):
    got = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(got) == 1, (match, rows)
    return got[0]


def test_changes_since_on_a_geopackage(tmp_path):
    reg = Registry.create(tmp_path / "r.gpkg", editor="anna")
    org, bari, ven, sheet = _fill(reg)
    time.sleep(1.1)  # the history's times have whole seconds
    since = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)  # history: whole seconds
    anna = Registry.open(tmp_path / "r.gpkg", editor="anna")
    anna.update_service(bari.service_id, capacity=25, phone="080 1")
    anna.update_organization(org.organization_id, name="Cooperativa Aurora onlus")
    anna.update_practice(sheet.practice_id, summary="Un punto d'ascolto nel quartiere")
    anna.link(bari.service_id, sheet.practice_id)
    anna.delete_service(ven.service_id)
    rows = changes_since(reg, since)
    c = _one(rows, kind="service", field="capacity")
    assert (c["old"], c["new"], c["changed_by"], c["name"], c["operation"]) == (
        "10", "25", "anna", "Porta Futuro Bari", "UPDATE",
    )  # fmt: skip
    assert _one(rows, kind="service", field="phone")["new"] == "080 1"
    o = _one(rows, kind="organization", field="name")
    assert (o["old"], o["new"], o["changed_by"]) == (
        "Cooperativa Aurora", "Cooperativa Aurora onlus", "anna",
    )  # fmt: skip
    p = _one(rows, kind="practice", field="summary")
    assert (p["old"], p["new"]) == ("", "Un punto d'ascolto nel quartiere")
    link = _one(rows, kind="link")
    assert link["operation"] == "INSERT" and link["id"] == f"{bari.service_id}/{sheet.practice_id}"
    gone = _one(rows, kind="service", operation="DELETE")
    assert gone["id"] == ven.service_id and gone["name"] == "Sportello Venezia"
    assert not [r for r in rows if r["operation"] == "INSERT" and r["kind"] == "service"]  # before
    # the area: Bari's service and link only (organizations and sheets belong to no area)
    in_bari = changes_since(reg, since, area="272")
    assert {r["kind"] for r in in_bari} == {"service", "link", "practice"}  # the sheet is in Bari
    assert {r["id"].split("/")[0] for r in in_bari if r["kind"] != "practice"} == {bari.service_id}
    in_venezia = changes_since(reg, since, area=["027042"])
    assert [(r["kind"], r["operation"]) for r in in_venezia] == [("service", "DELETE")]
    # everything since the start: the INSERTs too
    assert _one(changes_since(reg, "2000-01-01"), kind="organization", operation="INSERT")
    # export, and the command line
    out = write_changes(rows, tmp_path / "c.csv")
    with open(out, newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == len(rows)
    assert main(["changes", str(tmp_path / "r.gpkg"), "--since", since.isoformat(),
                 "--area", "072006", "--out", str(tmp_path / "c.json")]) == 0  # fmt: skip
    assert len(json.loads((tmp_path / "c.json").read_text())) == len(in_bari)
    assert main(["changes", str(tmp_path / "r.gpkg"), "--since", "yesterday"]) == 2
    with pytest.raises(InputError):
        changes_since(reg, since, area="Bari")


@pytest.mark.slow
@pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")),
    reason="PostgreSQL server binaries are not installed",
)
def test_plain_sql_changes_of_organizations_and_practices_on_postgis(dsn):
    from capacitymetro_plugin.core.registry.postgis import PostgisRegistry

    reg = PostgisRegistry.create(dsn, schema="changes")
    org, bari, _ven, sheet = _fill(reg)
    since = dt.datetime.now(dt.timezone.utc)  # PostGIS keeps microseconds
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:  # as QGIS's attribute table or psql would
            cur.execute("UPDATE changes.organizations SET name = 'Aurora' WHERE organization_id = %s",
                        (org.organization_id,))  # fmt: skip
            cur.execute("UPDATE changes.practices SET summary = 'Ascolto' WHERE practice_id = %s",
                        (sheet.practice_id,))  # fmt: skip
            cur.execute("INSERT INTO changes.service_practices (service_id, practice_id)"
                        " VALUES (%s, %s)", (bari.service_id, sheet.practice_id))  # fmt: skip
            cur.execute("UPDATE changes.services SET capacity = 40 WHERE service_id = %s",
                        (bari.service_id,))  # fmt: skip
    finally:
        conn.close()
    rows = changes_since(reg, since)
    o = _one(rows, kind="organization", field="name")
    assert (o["old"], o["new"], o["changed_by"]) == ("Cooperativa Aurora", "Aurora", "postgres")
    p = _one(rows, kind="practice", field="summary")
    assert (p["old"], p["new"]) == ("", "Ascolto")
    assert _one(rows, kind="link")["operation"] == "INSERT"
    c = _one(rows, kind="service", field="capacity")
    assert (c["old"], c["new"]) == ("10", "40")
    assert {r["kind"] for r in changes_since(reg, since, area="072")} == {
        "service",
        "link",
        "practice",
    }
