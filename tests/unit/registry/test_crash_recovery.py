"""``kill -9`` during large registry writes: the registry opens in its old or its new state.

``CAPACITYMETRO_KILL_TRIALS`` (default 4, kept small for CI: the test runs in every tier) and ``CAPACITYMETRO_KILL_ROWS`` (default 800) set
the long run of docs/reliability.md.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings

from capacitymetro_plugin.core.registry import storage
from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.registry import Registry, RegistryRecoveredWarning

TRIALS = int(os.environ.get("CAPACITYMETRO_KILL_TRIALS", "4"))
ROWS = int(os.environ.get("CAPACITYMETRO_KILL_ROWS", "800"))

WRITER = textwrap.dedent(
    """
    import sys
    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.registry import Registry
    reg = Registry(sys.argv[1])
    n = int(sys.argv[2])
    batch = [Service(name=f"Servizio {i}", capacity=i, lon=12.33, lat=45.44) for i in range(n)]
    print("ready", flush=True)
    reg.add_services(batch)
    print("written", flush=True)
    """
)


def _start(path):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(ROWS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _integrity(path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_kill_during_large_writes_leaves_old_or_new_state(tmp_path):
    path = tmp_path / "registry.gpkg"
    reg = Registry.create(path)
    sid = reg.add_service(Service(name="Sportello", capacity=1)).service_id
    start = time.monotonic()
    proc = _start(path)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    full = time.monotonic() - start  # one whole write, to spread the kills over it
    assert len(reg.services()) == 1 + ROWS

    rng = random.Random(15)
    outcomes = {"old": 0, "new": 0, "journal_rolled_back": 0}
    for trial in range(TRIALS):
        before = len(Registry.open(path).services())
        proc = _start(path)
        time.sleep(rng.uniform(0.0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        had_journal = os.path.exists(f"{path}-journal")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            opened = Registry.open(path)
            count = len(opened.services())
        recovered = [w for w in caught if issubclass(w.category, RegistryRecoveredWarning)]
        assert count in (before, before + ROWS), (trial, before, count)
        outcomes["new" if count == before + ROWS else "old"] += 1
        assert opened.recovered == bool(recovered)
        # a journal left now is not hot (SQLite zeroes or truncates it first): nothing to undo
        assert not storage.recover(path), trial
        if recovered:  # a hot journal was rolled back, and the user is told
            assert had_journal
            outcomes["journal_rolled_back"] += 1
            assert "annullata" in recovered[0].message.message_it
        assert _integrity(path) == "ok"
        opened.update_service(sid, capacity=trial + 2)  # writes work after recovery
        assert opened.get_service(sid).capacity == trial + 2
    print(f"\n{TRIALS} kills of {ROWS}-row writes: {outcomes}")
    assert outcomes["old"] + outcomes["new"] == TRIALS


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(tmp_path):
    path = tmp_path / "registry.gpkg"
    Registry.create(path)
    stale = tmp_path / ".registry-ab12cd34.gpkg"
    fresh = tmp_path / ".registry-ef56gh78.gpkg"
    other = tmp_path / ".other-ab12cd34.gpkg"  # not this registry's
    for f in (stale, fresh, other):
        f.write_bytes(path.read_bytes()[:4096])  # a killed rewrite leaves a partial file
    old = time.time() - storage.STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    Registry.open(path)
    assert not stale.exists()
    assert fresh.exists() and other.exists()
