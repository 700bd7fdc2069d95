"""A/B timing of the hull isochrones: a committed hulls.py and times.py (the searches)
against the working copy.

Both versions run alternately in one process, on the same prepared network and the same 200
services (the bench cache, see run_benchmarks.py), so that machine noise hits both alike.
Not a test; prints the median and best time of each.

    source scripts/env.sh && .venv/bin/python bench/ab_hulls.py bari,venice 5 [REF [BUFFER]]

REF is any git revision (default HEAD); BUFFER the hulls' widening in metres (default 20; the
bench's comparisons with QGIS and the networkx recipe use 0).
"""

import importlib
import importlib.util
import inspect
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run_benchmarks as rb  # noqa: E402

iso_mod = importlib.import_module("capacitymetro_plugin.core.access.isochrones")
new = importlib.import_module("capacitymetro_plugin.core.access.hulls")
new_times = importlib.import_module("capacitymetro_plugin.core.access.times")


def committed(ref: str, name: str):
    """Import ``capacitymetro_plugin/core/access/<name>.py`` as it is at ``ref``."""
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:capacitymetro_plugin/core/access/{name}.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / f"{name}_ref.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(f"capacitymetro_{name}_ref", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def old_module(ref: str):
    mod = committed(ref, "hulls")
    if not hasattr(mod.HullBatcher, "for_network"):  # before the batcher was kept per network
        mod.HullBatcher.for_network = classmethod(lambda cls, network: cls(network))
    if "nodes_only" not in inspect.signature(mod.HullBatcher.polygons_of_reached).parameters:
        plain = mod.HullBatcher.polygons_of_reached  # before node hulls: street hulls only
        mod.HullBatcher.polygons_of_reached = lambda self, *a, nodes_only=False, **k: plain(
            self, *a, **k
        )
    if "sources" not in inspect.signature(mod.HullBatcher.polygons_of_reached).parameters:
        plain_s = mod.HullBatcher.polygons_of_reached  # before dead ends were skipped
        mod.HullBatcher.polygons_of_reached = lambda self, *a, sources=None, **k: plain_s(
            self, *a, **k
        )
    return mod


def main() -> None:
    cases = sys.argv[1].split(",") if len(sys.argv) > 1 else ["bari", "venice"]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ref = sys.argv[3] if len(sys.argv) > 3 else "HEAD"
    old, old_times = old_module(ref), committed(ref, "times")
    buffer_m = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0
    for case in cases:
        net, svc = rb.load(case)
        _ = net.csr
        res = {"ref": [], "work": []}
        for r in range(reps + 1):  # the first round warms up, untimed
            for name, mod, tmod in (("ref", old, old_times), ("work", new, new_times)):
                iso_mod.HullBatcher = mod.HullBatcher
                iso_mod.local_times_from_each = tmod.local_times_from_each
                t0 = time.perf_counter()
                iso_mod.isochrones(
                    net,
                    svc,
                    thresholds_min=rb.THRESHOLDS,
                    id_field="service_id",
                    method="hull",
                    buffer_m=buffer_m,
                )
                if r:
                    res[name].append(time.perf_counter() - t0)
        iso_mod.HullBatcher = new.HullBatcher
        iso_mod.local_times_from_each = new_times.local_times_from_each
        o, n = statistics.median(res["ref"]), statistics.median(res["work"])
        # Each round's own ratio cancels the machine's slower and faster spells.
        paired = statistics.median(w / r for w, r in zip(res["work"], res["ref"], strict=True))
        print(
            f"{case}: ref {o:.3f} s, working copy {n:.3f} s (best {min(res['ref']):.3f} / "
            f"{min(res['work']):.3f}); working/ref {n / o:.2f}, median of the rounds' "
            f"ratios {paired:.3f}"
        )


if __name__ == "__main__":
    main()
