"""`capacitymetro batch` records its registry changes as made through the command line, also
on the Dask worker that runs the area (a worker does not inherit the caller's door).

Bari's pipeline builds the area's registry and places 3 services from bus stops: every entry of
its ``services_history``, read with sqlite3, must name the ``cli`` door.
"""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytestmark = [pytest.mark.realdata, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_batch_on_dask_writes_the_cli_door(shared_data, tmp_path):
    out = tmp_path / "batch"
    cmd = [sys.executable, "-m", "capacitymetro_plugin", "batch", "--areas", "bari"]
    cmd += ["--workers", "1", "--offline", "--quiet", "--out", str(out), "--data", str(shared_data)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    con = sqlite3.connect(out / "areas" / "bari" / "registry.gpkg")
    try:
        rows = con.execute(
            "SELECT operation, door, count(*) FROM services_history GROUP BY 1, 2 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("INSERT", "cli", 59), ("UPDATE", "cli", 3)]
