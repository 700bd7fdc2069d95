"""A batch under faults: workers that die, a disk that fills up. Nothing half-done looks done.

Real runs of Venezia (the sample's area with services and coverage) on a LocalCluster:

- its worker is killed (SIGKILL) each time the area task runs: Dask retries it on another
  worker (``allowed-failures`` = 2), then the area is reported as failed (KilledWorker) and
  nothing of it is left; a resumed batch then gives the outputs of ``capacitymetro run``;
- the output folder is a tmpfs too small for the area (mounted here, as root): the area is
  reported "disk full", nothing of it is marked done or left in ``layers/``; after making room
  the same batch finishes with the outputs of ``capacitymetro run``; a later rerun that runs
  out of space keeps the finished area as it was.
"""

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from capacitymetro_plugin.batch import national  # noqa: E402
from capacitymetro_plugin.cli import main  # noqa: E402
from capacitymetro_plugin.core import gio  # noqa: E402

AREA = "venezia"
LAYERS = ("coverage_zones", "gaps", "e2sfca", "language_access")


@pytest.fixture(scope="module")
def single(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("run_venezia")
    argv = ["run", "--area", AREA, "--no-pdf", "--offline", "--quiet"]
    assert main([*argv, "--out", str(out), "--data", str(shared_data)]) in (0, 3)
    return out


def _layer(path: Path, layer: str) -> pd.DataFrame:
    gdf = gio.read_vector(path, layer=layer).replace([np.inf, -np.inf], np.nan)
    return gdf.drop(columns="geometry").reset_index(drop=True)


def _assert_same_as_single(out: Path, single: Path) -> None:
    area = out / "areas" / AREA
    pd.testing.assert_frame_equal(
        pd.read_csv(area / "coverage.csv"), pd.read_csv(single / "coverage.csv")
    )
    for layer in LAYERS:
        want = _layer(single / "capacitymetro.gpkg", layer)
        assert len(want) > 0, layer
        pd.testing.assert_frame_equal(_layer(area / "capacitymetro.gpkg", layer), want)
        part = out / "layers" / layer / f"area={AREA}" / "part-0.parquet"
        got = pd.read_parquet(part).drop(columns=["geometry", "area"], errors="ignore")
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def _assert_nothing_of_the_area(out: Path) -> None:
    """The failed area left no folder, no marker, no part and no hidden temporary file."""
    assert not (out / "areas" / AREA).exists()
    assert not list(out.glob(f"areas/.{AREA}.*"))
    assert not list(out.glob(f"layers/*/area={AREA}/*"))
    assert not list(out.glob(f"layers/*/area={AREA}/.*"))
    report = pd.read_csv(out / "batch_report.csv")
    assert report.set_index("area").loc[AREA, "status"] == "failed"


def _run(out: Path, shared_data: Path, client, configs=None) -> dict:
    result = national.run_batch(
        configs or national.batch_configs(AREA),
        out_root=out,
        folder=shared_data,
        client=client,
        log=lambda _: None,
    )
    (row,) = result.rows
    return row


@pytest.fixture(scope="module")
def client():
    c = national.connect(None, 2)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


# --- a worker that dies ----------------------------------------------------------------------
def _kill_the_area_worker(client, prefix: str, stop: threading.Event, killed: list) -> None:
    """SIGKILL the worker process running the area task, each time it runs (after 1 s)."""
    while not stop.is_set():
        running = [a for a, keys in client.processing().items() if any(prefix in k for k in keys)]
        if not running:
            time.sleep(0.05)
            continue
        time.sleep(1.0)  # mid-task: the area is writing into its hidden folder
        try:  # runs in the worker's event loop, not in its busy task thread
            pid = client.run(os.getpid, workers=[running[0]])[running[0]]
        except Exception:  # the worker is gone already
            continue
        if stop.is_set():
            return
        os.kill(pid, signal.SIGKILL)
        killed.append(running[0])
        deadline = time.monotonic() + 30
        while running[0] in client.scheduler_info()["workers"] and time.monotonic() < deadline:
            time.sleep(0.05)


def test_a_dying_worker_is_retried_then_reported_and_resume_gives_the_run(
    single, shared_data, tmp_path, client
):
    out = tmp_path / "batch"
    stop, killed = threading.Event(), []
    killer = threading.Thread(
        target=_kill_the_area_worker, args=(client, f"area-{AREA}-", stop, killed), daemon=True
    )
    killer.start()
    try:
        row = _run(out, shared_data, client)
    finally:
        stop.set()
        killer.join(timeout=60)
    # tried on a worker three times (the first run and two retries), each worker killed
    assert len(killed) == 3, killed
    assert row["status"] == "failed" and "KilledWorker" in row["detail"], row
    _assert_nothing_of_the_area(out)
    # the workers come back (their nannies restart them); the same batch resumes the area
    client.wait_for_workers(2, timeout=60)
    row = _run(out, shared_data, client)
    assert row["status"] == "done", row
    _assert_same_as_single(out, single)


# --- a disk that fills up ----------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 2 MB (resizable with ``remount(size)``); skipped where mounting is not allowed."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")

    def remount(size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mnt)], check=True)

    try:
        yield mnt, remount
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _used_kb(path: Path) -> int:
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize // 1024


# 2 MB: full early (the registry and network); 5.6 MB: full late (the GeoPackage's last rewrite)
@pytest.mark.parametrize("size", ["2m", "5600k"])
def test_a_full_disk_leaves_nothing_that_looks_done(single, shared_data, small_disk, client, size):
    mnt, remount = small_disk
    remount(size)
    out = mnt / "batch"
    row = _run(out, shared_data, client)
    assert row["status"] == "failed", row
    assert row["detail"].startswith("disk full ("), row
    assert "nothing of this area is marked done" in row["detail"]
    _assert_nothing_of_the_area(out)
    assert _used_kb(mnt) < 200  # what failed was removed: the disk is usable again
    # room made: the same command finishes the area, equal to capacitymetro run
    remount("64m")
    row = _run(out, shared_data, client)
    assert row["status"] == "done", row
    _assert_same_as_single(out, single)
    marker = (out / "areas" / AREA / national.DONE).read_text()
    csv = (out / "areas" / AREA / "coverage.csv").read_bytes()
    parts = {p: p.read_bytes() for p in out.glob(f"layers/*/area={AREA}/part-0.parquet")}
    assert len(parts) == len(json.loads(marker)["layers"])
    # a rerun with another configuration (another task key) that runs out of space:
    # the finished area stays as it was, marker included
    configs = national.batch_configs(AREA)
    configs[0].name += " (rerun)"
    remount(f"{_used_kb(mnt) + 1024}k")
    row = _run(out, shared_data, client, configs)
    assert row["status"] == "failed" and row["detail"].startswith("disk full ("), row
    assert (out / "areas" / AREA / national.DONE).read_text() == marker
    assert (out / "areas" / AREA / "coverage.csv").read_bytes() == csv
    assert {p: p.read_bytes() for p in parts} == parts
    assert not list(out.glob(f"areas/.{AREA}.*")) and not list(out.glob("layers/*/*/.*"))
