"""Scaling of tiled travel times on Dask (issue 18): 1 and 2 workers, growing synthetic areas.

A synthetic large area is made of k × k copies of the real Trento walking network joined at the
borders (bench/tiling.py), with a copy of Trento's OSM service POIs and one origin per 5th node
in every copy. For each size it times :func:`capacitymetro_plugin.batch.national.tiled_service_times`
(tiles of about one Trento copy, halo = reach of the 60-min cut-off) on a fresh LocalCluster of
1 and of 2 workers, and records each worker's peak resident memory (ru_maxrss) and the
network's pickled size (what one broadcast sends to each worker). Not a test: run it with

    source scripts/env.sh && .venv/bin/python bench/national_scaling.py [--sizes 2,4,6] [--out F]
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tiling import tile_network  # noqa: E402

from capacitymetro_plugin.batch.national import scatter_network, tiled_service_times  # noqa: E402
from capacitymetro_plugin.core.network import Network, network_from_osm  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CUTOFF_MIN = 60.0


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: reset at exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def base_network(cache: Path) -> Network:
    path = cache / "trento_walk.npz"
    if not path.exists():
        network_from_osm(DATA / "osm_trento_2023-02_tnst.osm.pbf", mode="walk").save(path)
    return Network.load(path)


def copies(base: Network, big: Network, k: int, points: np.ndarray) -> np.ndarray:
    """``points`` (x, y in the base network) shifted into each of the k × k copies."""
    width = base.x.max() - base.x.min() + 60.0
    height = base.y.max() - base.y.min() + 60.0
    shifts = [(i * width, j * height) for j in range(k) for i in range(k)]
    return np.vstack([points + np.array(s) for s in shifts])


def run(sizes: list[int], workers_list: list[int], cache: Path) -> list[dict]:
    import distributed

    base = base_network(cache)
    pois = gpd.read_file(DATA / "osm_servizi_trento_2023.gpkg", layer="pois").to_crs(base.crs)
    s_xy = np.column_stack([pois.geometry.x, pois.geometry.y])
    o_xy = np.column_stack([base.x[::5], base.y[::5]])
    rows = []
    for k in sizes:
        big = tile_network(base, k, k) if k > 1 else base
        dx, dy = big.x.min() - base.x.min(), big.y.min() - base.y.min()
        services = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(*(copies(base, big, k, s_xy) + [dx, dy]).T), crs=base.crs
        )
        origins = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(*(copies(base, big, k, o_xy) + [dx, dy]).T), crs=base.crs
        )
        net_mb = len(pickle.dumps(big, protocol=5)) / 1e6
        for workers in workers_list:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
            try:
                start = time.perf_counter()
                future = scatter_network(client, big)
                times, info = tiled_service_times(
                    big,
                    origins,
                    services,
                    tiles=k * k,
                    client=client,
                    cutoff_min=CUTOFF_MIN,
                    network_future=future,
                )
                seconds = time.perf_counter() - start
                peaks = client.run(_peak_mb)
            finally:
                client.close()
                cluster.close()
            rows.append(
                {
                    "copies": k * k,
                    "nodes": big.n_nodes,
                    "edges": big.n_edges,
                    "services": len(services),
                    "origins": len(origins),
                    "tiles": len(info),
                    "workers": workers,
                    "seconds": round(seconds, 1),
                    "peak_worker_mb": round(max(peaks.values())),
                    "network_pickle_mb": round(net_mb, 1),
                    "tile_nodes_max": max(i[3] for i in info),
                    "reached_pairs": int(np.isfinite(times.minutes).sum()),
                }
            )
            print(rows[-1], flush=True)
    return rows


def markdown(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(f"{r[h]:,}" if isinstance(r[h], int) else str(r[h]) for h in head) + " |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,3,6", help="k for k × k copies of Trento")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cache", default="/tmp/capacitymetro_bench")
    parser.add_argument("--out", help="also write the markdown table here")
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    rows = run(
        [int(s) for s in args.sizes.split(",")], [int(w) for w in args.workers.split(",")], cache
    )
    table = markdown(rows)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
