"""Concurrent writers on a GeoPackage registry: real processes, no lost update, no raw error.

Each worker is a separate Python process using the public API on the same file, as two
operators on a shared drive would. ``CAPACITYMETRO_CONCURRENCY_OPS`` raises the count per worker
(the long run in docs/reliability.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import ConflictError, Registry
from capacitymetro_plugin.core.registry.storage import RegistryBusyError

OPS = int(os.environ.get("CAPACITYMETRO_CONCURRENCY_OPS", "25"))

WORKER = textwrap.dedent(
    """
    import sys
    from capacitymetro_plugin.core.registry.registry import Registry
    path, sid, mode, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    reg = Registry.open(path)
    for i in range(1, n + 1):
        if mode == "inc":
            with reg.transaction() as state:
                state.services[sid].capacity = (state.services[sid].capacity or 0) + 1
        elif mode == "capacity":
            reg.update_service(sid, capacity=i)
        elif mode == "description":
            reg.update_service(sid, description=f"description {i}")
    print("done", n)
    """
)


def _run_workers(path, sid, modes, n):
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), sid, mode, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for mode in modes
    ]
    results = [(p.wait(timeout=900), *p.communicate()) for p in procs]
    for rc, out, err in results:
        assert rc == 0, err
        assert "Traceback" not in err, err
        assert out.strip() == f"done {n}"
    return results


@pytest.fixture
def shared(tmp_path):
    reg = Registry.create(tmp_path / "shared.gpkg")
    s = reg.add_service(Service(name="Sportello migranti", capacity=0, comune_istat="072006"))
    return reg, s.service_id


def test_two_processes_increment_without_losing_any(shared):
    reg, sid = shared
    _run_workers(reg.path, sid, ["inc", "inc"], OPS)
    assert reg.get_service(sid).capacity == 2 * OPS  # every increment kept
    # each committed write bumped the row version once (1 for the add)
    assert reg.service_version(sid) == 1 + 2 * OPS


def test_two_processes_editing_different_fields_keep_both(shared):
    reg, sid = shared
    _run_workers(reg.path, sid, ["capacity", "description"], OPS)
    s = reg.get_service(sid)
    assert s.capacity == OPS
    assert s.description == f"description {OPS}"
    assert s.name == "Sportello migranti"


def test_stale_save_is_refused_with_both_versions(shared):
    reg, sid = shared
    base = reg.service_version(sid)
    mine = reg.get_service(sid)
    reg.update_service(sid, capacity=40)  # someone else saves first
    mine.description = "my edit"
    with pytest.raises(ConflictError) as info:
        reg.save_service(mine, base_version=base)
    err = info.value
    assert (err.base_version, err.current_version) == (base, base + 1)
    assert err.theirs.capacity == 40 and err.mine.description == "my edit"
    assert err.fields == ["capacity", "description"]
    assert "salvataggio è stato rifiutato" in err.localized("it")
    assert reg.get_service(sid).description is None  # nothing written
    # merged by the user and saved on the current version: accepted
    merged = err.theirs
    merged.description = "my edit"
    reg.save_service(merged, base_version=err.current_version)
    got = reg.get_service(sid)
    assert (got.capacity, got.description) == (40, "my edit")
    with pytest.raises(ConflictError):
        reg.update_service(sid, expected_version=base, status="closed")
    reg.update_service(sid, expected_version=base + 2, status="closed")
    assert reg.get_service(sid).status == "closed"


def test_busy_registry_waits_then_raises_a_named_error(shared, monkeypatch):
    reg, sid = shared
    before = reg.path.read_bytes()
    monkeypatch.setenv(storage.BUSY_TIMEOUT_ENV, "1")
    other = sqlite3.connect(reg.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(RegistryBusyError) as info:
            reg.update_service(sid, capacity=3)
        assert info.value.waited >= 1
        assert "occupato" in info.value.localized("it")
        assert "busy" in info.value.localized("en")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert reg.path.read_bytes() == before
    reg.update_service(sid, capacity=3)  # the lock gone, the write goes through
    assert reg.get_service(sid).capacity == 3


def test_opening_an_old_registry_adds_the_row_version(tmp_path):
    path = tmp_path / "old.gpkg"
    state = storage.RegistryState()
    s = Service(name="Vecchio sportello", capacity=5)
    state.services[s.service_id] = s
    storage.write_state(state, path)  # the layout written before row versions
    con = sqlite3.connect(path)
    assert "row_version" not in [r[1] for r in con.execute("PRAGMA table_info(services)")]
    con.close()
    reg = Registry.open(path)
    con = sqlite3.connect(path)
    assert "row_version" in [r[1] for r in con.execute("PRAGMA table_info(services)")]
    con.close()
    assert reg.get_service(s.service_id).capacity == 5
    assert reg.service_version(s.service_id) == 0
    reg.update_service(s.service_id, capacity=6)
    assert reg.service_version(s.service_id) == 1
