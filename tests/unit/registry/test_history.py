"""GeoPackage history: every add/update/delete leaves who, when and the old row; restore works.

The registry is the real sample (59 services transcribed from web pages, ../shared/data); the
oracle is an independent read of the ``services_history`` table with the ``sqlite3`` module and a
replay of the recorded changes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import (
    ConflictError,
    Registry,
    current_editor,
)
from capacitymetro_plugin.core.registry.sample import build_sample_registry

WORKER = textwrap.dedent(
    """
    import sys
    from capacitymetro_plugin.core.registry.registry import Registry
    path, sid, field, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    reg = Registry.open(path)  # the editor comes from CAPACITYMETRO_EDITOR
    for i in range(1, n + 1):
        if field == "capacity":
            reg.update_service(sid, capacity=i)
        else:
            reg.update_service(sid, description=f"nota {i}")
    print("done", n)
    """
)


@pytest.fixture
def sample(shared_data, tmp_path):
    return build_sample_registry(shared_data, tmp_path / "registry.gpkg")


def _table(path):
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT service_id, operation, changed_by, new_version, old_row"
            " FROM services_history ORDER BY fid"
        ).fetchall()
    finally:
        con.close()


def test_building_the_real_sample_records_one_insert_per_service(sample):
    rows = _table(sample.path)
    services = sample.services()
    assert len(services) == 59
    assert len(rows) == 59
    assert {r[0] for r in rows} == {s.service_id for s in services}
    assert {r[1] for r in rows} == {"INSERT"}
    assert {r[3] for r in rows} == {1}
    assert all(r[4] is None for r in rows)
    assert all(r[2] for r in rows)  # someone is always named


def test_update_and_delete_keep_who_and_the_old_row(sample):
    bari = sorted((s for s in sample.services() if s.comune_name == "Bari"), key=lambda s: s.name)
    assert len(bari) == 14
    target = bari[0]
    anna = Registry.open(sample.path, editor="Anna (Comune di Bari)")
    anna.update_service(target.service_id, capacity=30)
    bruno = Registry.open(sample.path, editor="Bruno")
    bruno.update_service(target.service_id, status="suspended")
    bruno.delete_service(target.service_id)

    history = anna.service_history(target.service_id)
    assert [e["operation"] for e in history] == ["INSERT", "UPDATE", "UPDATE", "DELETE"]
    assert [e["changed_by"] for e in history[1:]] == [
        "Anna (Comune di Bari)",
        "Bruno",
        "Bruno",
    ]
    assert [e["row_version"] for e in history] == [1, 2, 3, None]
    assert [e["old"]["row_version"] for e in history[1:]] == [1, 2, 3]
    # the old rows are the states before each change, read independently from the table
    olds = [json.loads(r[4]) for r in _table(sample.path) if r[0] == target.service_id and r[4]]
    assert olds[0]["name"] == target.name and olds[0]["capacity"] == target.capacity
    assert olds[1]["capacity"] == 30 and olds[1]["status"] == target.status
    assert olds[2]["status"] == "suspended"
    # no other service gained an entry
    others = [r for r in _table(sample.path) if r[0] != target.service_id]
    assert len(others) == 58 and {r[1] for r in others} == {"INSERT"}


def test_restore_an_old_version_and_after_a_delete(sample):
    s = next(x for x in sample.services() if x.comune_name == "Venezia")
    reg = Registry.open(sample.path, editor="Chiara")
    reg.update_service(s.service_id, description="cambiata per errore", capacity=7)
    assert reg.service_version(s.service_id) == 2
    back = reg.restore_service(s.service_id, 1)
    assert back.description == s.description and back.capacity == s.capacity
    again = reg.get_service(s.service_id)
    assert (again.description, again.capacity, again.name) == (s.description, s.capacity, s.name)
    assert (again.lon, again.lat) == (s.lon, s.lat)
    assert again.created_at == s.created_at
    assert reg.service_version(s.service_id) == 3  # a restore is a change, with its own entry
    # deleted, then restored: the numbering goes on, so versions stay unique in the history
    reg.delete_service(s.service_id)
    reg.restore_service(s.service_id, 2)
    assert reg.get_service(s.service_id).description == "cambiata per errore"
    assert reg.service_version(s.service_id) == 4
    ops = [(e["operation"], e["row_version"]) for e in reg.service_history(s.service_id)]
    assert ops == [("INSERT", 1), ("UPDATE", 2), ("UPDATE", 3), ("DELETE", None), ("INSERT", 4)]


def test_restore_refuses_a_stale_base_and_an_unknown_version(sample):
    s = sample.services()[0]
    reg = Registry.open(sample.path, editor="Dario")
    reg.update_service(s.service_id, capacity=11)
    other = Registry.open(sample.path, editor="Elena")
    other.update_service(s.service_id, capacity=12)
    before = open(sample.path, "rb").read()
    with pytest.raises(ConflictError) as err:
        reg.restore_service(s.service_id, 1, base_version=2)
    assert err.value.current_version == 3
    with pytest.raises(InputError) as err:
        reg.restore_service(s.service_id, 9)
    assert "1, 2" in str(err.value) and "versioni precedenti" in err.value.message_it
    assert open(sample.path, "rb").read() == before
    assert reg.get_service(s.service_id).capacity == 12


def test_a_failed_write_leaves_no_history_entry(sample, monkeypatch):
    s = sample.services()[0]
    count = len(_table(sample.path))

    def boom(table, key):
        raise RuntimeError("disk full (forced)")

    monkeypatch.setattr(storage, "_before_row_write", boom)
    with pytest.raises(RuntimeError):
        sample.update_service(s.service_id, capacity=99)
    assert len(_table(sample.path)) == count
    assert sample.service_version(s.service_id) == 1


def test_two_processes_each_change_is_recorded_with_its_editor(sample):
    start = next(s for s in sample.services() if s.comune_name == "Trento")
    sid = start.service_id
    n = 12
    procs = []
    for editor, field in (("operatore-1", "capacity"), ("operatore-2", "description")):
        env = dict(os.environ, CAPACITYMETRO_EDITOR=editor)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(sample.path), sid, field, str(n)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err
        assert out.strip() == f"done {n}"
    history = sample.service_history(sid)[1:]
    assert len(history) == 2 * n
    assert [e["row_version"] for e in history] == list(range(2, 2 * n + 2))
    assert sum(e["changed_by"] == "operatore-1" for e in history) == n
    assert sum(e["changed_by"] == "operatore-2" for e in history) == n
    # replay: each old row is the state left by the previous entry's writer
    for prev, entry in zip(history, history[1:]):
        old = entry["old"]
        assert old["row_version"] == prev["row_version"]
    last = sample.get_service(sid)
    assert last.capacity == n and last.description == f"nota {n}"
    # replay of the two writers' sequences: before entry i, writer 1 had set capacity k1
    # (its k1-th change) and writer 2 description "nota k2"
    k1 = k2 = 0
    for entry in history:
        assert entry["old"]["capacity"] == (k1 if k1 else start.capacity)
        assert entry["old"]["description"] == (f"nota {k2}" if k2 else start.description)
        if entry["changed_by"] == "operatore-1":
            k1 += 1
        else:
            k2 += 1
    assert (k1, k2) == (n, n)


def test_an_old_registry_gains_the_history_table_on_open(tmp_path):
    path = tmp_path / "old.gpkg"
    state = storage.RegistryState()
    s = Service(name="Sportello stranieri", comune_istat="072006")
    state.services[s.service_id] = s
    storage.write_state(state, path)  # as an older version wrote it: no history table
    con = sqlite3.connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "services_history" not in names
    reg = Registry.open(path, editor="Fabio")
    assert reg.service_history(s.service_id) == []  # nothing is invented for the past
    reg.update_service(s.service_id, capacity=3)
    (entry,) = reg.service_history(s.service_id)
    assert entry["operation"] == "UPDATE" and entry["changed_by"] == "Fabio"
    assert entry["old"]["name"] == "Sportello stranieri"


def test_current_editor_order(monkeypatch):
    monkeypatch.setenv("CAPACITYMETRO_EDITOR", "Gina")
    assert current_editor("  Ugo ") == "Ugo"
    assert current_editor(None) == "Gina"
    monkeypatch.delenv("CAPACITYMETRO_EDITOR")
    assert current_editor("") not in ("", "Gina")
