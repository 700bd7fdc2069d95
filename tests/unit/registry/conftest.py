"""Fixtures of the registry tests: a real PostgreSQL + PostGIS server (scripts/start_postgis.sh)."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dsn():
    """The DSN of a PostGIS server started for the test module (stopped and removed after)."""
    root = tempfile.mkdtemp(prefix="capacitymetro-registry-pg-")
    script = REPO / "scripts" / "start_postgis.sh"
    done = subprocess.run(
        [str(script), root, str(_free_port())], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    try:
        yield done.stdout.strip()
    finally:
        subprocess.run([str(script), "--stop", root], capture_output=True, timeout=120)
        subprocess.run(["rm", "-rf", root], check=False)
