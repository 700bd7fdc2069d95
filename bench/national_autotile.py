"""A whole batch area that splits itself into tiles (issue 18): time and peak memory per worker.

Runs the real Trento area through ``run_batch`` (what ``capacitymetro batch --areas trento``
does) on a fresh LocalCluster, untiled and forced into tiles with a low ``--tile-above``, on 1
and 2 single-threaded workers, and records the area's wall time, the coverage step's time (from
the area's summary), each worker's peak resident memory (VmHWM) and whether coverage.csv equals
the untiled run's. Not a test: run it with

    source scripts/env.sh && .venv/bin/python bench/national_autotile.py [--out F]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capacitymetro_plugin.batch import national  # noqa: E402

DATA = Path(os.environ.get("CAPACITYMETRO_DATA") or ROOT.parent / "shared" / "data")
CASES = [(2, 0), (2, 4000), (1, 4000)]  # (workers, tile_above); 0: untiled


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _coverage_seconds(area: Path) -> float:
    import json

    return json.loads((area / national.DONE).read_text())["step_seconds"].get("coverage")


def run(data: Path, work: Path) -> list[dict]:
    rows, reference = [], None
    for workers, tile_above in CASES:
        out = work / f"w{workers}_t{tile_above}"
        client = national.connect(None, workers)
        try:
            start = time.perf_counter()
            result = national.run_batch(
                national.batch_configs("trento"),
                out_root=out,
                folder=data,
                client=client,
                log=lambda _: None,
                tile_above=tile_above,
            )
            seconds = time.perf_counter() - start
            peaks = client.run(_peak_mb)
        finally:
            cluster = client.cluster
            client.close()
            cluster.close()
        (row,) = result.rows
        if row["status"] != "done":
            raise SystemExit(f"trento: {row['status']}: {row.get('detail')}")
        area = out / "areas" / "trento"
        table = pd.read_csv(area / "coverage.csv")
        reference = table if reference is None else reference
        rows.append(
            {
                "workers": workers,
                "tile_above": tile_above,
                "tiles": _tiles(row["detail"]),
                "status": row["status"],
                "batch_seconds": round(seconds, 1),
                "coverage_step_seconds": _coverage_seconds(area),
                "peak_worker_mb": round(max(peaks.values())),
                "coverage_equal_untiled": bool(table.equals(reference)),
            }
        )
        print(rows[-1], flush=True)
    return rows


def _tiles(detail: str) -> int:
    for part in detail.split("; "):
        if part.startswith("coverage in ") and part.endswith(" tiles"):
            return int(part.split()[2])
    return 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--out", help="also write the markdown table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        rows = run(Path(args.data), Path(work))
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
