"""A batch of the sample areas on Dask equals single runs, and resumes after being killed.

The batch client is started as a separate process (1 local worker) and killed with its cluster
as soon as the first area is finished; the batch is then resumed on a 2-worker LocalCluster.
The oracle is ``run_pipeline`` (what ``capacitymetro run`` does) for each area in this process.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from capacitymetro_plugin.batch import national  # noqa: E402
from capacitymetro_plugin.batch.config import config_for_area  # noqa: E402
from capacitymetro_plugin.batch.pipeline import run_pipeline  # noqa: E402
from capacitymetro_plugin.core import gio  # noqa: E402

AREAS = ["venezia", "bari"]
SINGLES = ["venezia"]  # bari (3 services placed from bus stops) is covered by the layers
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
VOLATILE = ("created_at", "updated_at")  # the registry build stamps its records with the time
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def singles(shared_data, tmp_path_factory):
    out = {}
    for key in SINGLES:
        config = config_for_area(key)
        config.pdf = False
        folder = tmp_path_factory.mktemp(f"single_{key}")
        out[key] = run_pipeline(config, out_dir=folder, folder=shared_data, log=lambda _: None)
    return out


def _kill_after_first_area(out: Path, shared_data: Path) -> None:
    cmd = [sys.executable, "-m", "capacitymetro_plugin", "batch", "--areas", ",".join(AREAS)]
    cmd += ["--workers", "1", "--offline", "--quiet", "--out", str(out), "--data", str(shared_data)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 300
        while not any((out / "areas" / a / national.DONE).exists() for a in AREAS):
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "no area finished"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its workers, mid-batch
        proc.wait()


def _same_layer(single_gpkg: Path, part: Path, layer: str) -> None:
    want = gio.read_vector(single_gpkg, layer=layer).replace([np.inf, -np.inf], np.nan)
    got = _read_parquet(part) if part.suffix == ".parquet" else gio.read_vector(part, layer=layer)
    assert len(got) == len(want), layer
    cols = [c for c in want.columns if c not in ("geometry", *VOLATILE)]
    pd.testing.assert_frame_equal(
        _no_uuids(got[cols]), _no_uuids(want[cols]), check_dtype=False, obj=layer
    )
    assert got.geometry.geom_equals_exact(want.geometry.to_crs(got.crs), tolerance=0).all(), layer


def _no_uuids(df: pd.DataFrame) -> pd.DataFrame:
    """The sample registry gives services without an id a new random UUID at every build."""
    df = df.reset_index(drop=True).copy()
    for c in df.columns:
        if df[c].dtype == object:
            text = df[c].astype(str).str.replace(UUID, "<uuid>", regex=True)
            df[c] = text.where(df[c].notna(), None)
    return df


def _read_parquet(path: Path):
    import geopandas as gpd

    return gpd.read_parquet(path)


def test_batch_killed_then_resumed_equals_single_runs(singles, shared_data, tmp_path):
    out = tmp_path / "batch"
    _kill_after_first_area(out, shared_data)
    done_first = [a for a in AREAS if (out / "areas" / a / national.DONE).exists()]
    assert len(done_first) >= 1
    configs = national.batch_configs(",".join(AREAS))
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        resumed = national.run_batch(
            configs, out_root=out, folder=shared_data, client=client, log=lambda _: None
        )
        status = {r["area"]: r["status"] for r in resumed.rows}
        # the finished area is not redone; the interrupted one is
        assert all(status[a] == "cached" for a in done_first)
        assert all(status[a] == "done" for a in AREAS if a not in done_first)
        parts = sorted((out / "layers").glob("*/area=*/part-0.parquet"))
        stamps = {p: p.stat().st_mtime_ns for p in parts}
        again = national.run_batch(
            configs, out_root=out, folder=shared_data, client=client, log=lambda _: None
        )
        assert {r["status"] for r in again.rows} == {"cached"}  # unchanged inputs: nothing done
        assert {p: p.stat().st_mtime_ns for p in parts} == stamps
    finally:
        client.close()
        cluster.close()
    assert not list((out / "areas").glob(".*.tmp"))  # no half-written area left behind
    for key, single in singles.items():
        area = out / "areas" / key
        marker = json.loads((area / national.DONE).read_text())
        assert sorted(marker["layers"]) == sorted(single.layers)
        for layer in single.layers:
            _same_layer(
                single.gpkg, out / "layers" / layer / f"area={key}" / "part-0.parquet", layer
            )
            _same_layer(single.gpkg, area / "capacitymetro.gpkg", layer)
        if (single.out_dir / "coverage.csv").exists():
            pd.testing.assert_frame_equal(
                pd.read_csv(area / "coverage.csv"), pd.read_csv(single.out_dir / "coverage.csv")
            )
    # the national table holds every zone row of every area with coverage
    table = pd.read_csv(out / "national_summary.csv", dtype={"zone": str})
    venezia = pd.read_csv(singles["venezia"].out_dir / "coverage.csv")
    bari = pd.read_csv(out / "areas" / "bari" / "coverage.csv")  # 3 services placed from stops
    assert len(table) == len(venezia) + len(bari)
    assert set(table["level"]) == {"area", "zone"}
    for key, single in (("venezia", venezia), ("bari", bari)):
        rows = table[(table["metro_area"] == key) & (table["zone"] == "ALL")]
        assert rows["foreign_served_pct"].round(6).tolist() == (
            single.loc[single["area"] == "ALL", "foreign_served_pct"].round(6).tolist()
        )
