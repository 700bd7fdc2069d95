"""A/B timing of the hull isochrones: a committed hulls.py against the working copy.

Both versions run alternately in one process, on the same prepared network and the same 200
services (the bench cache, see run_benchmarks.py), so that machine noise hits both alike.
Not a test; prints the median and best time of each.

    source scripts/env.sh && .venv/bin/python bench/ab_hulls.py bari,venice 5 [REF]

REF is any git revision (default HEAD).
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


def old_module(ref: str):
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:capacitymetro_plugin/core/access/hulls.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "hulls_ref.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("capacitymetro_hulls_ref", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not hasattr(mod.HullBatcher, "for_network"):  # before the batcher was kept per network
        mod.HullBatcher.for_network = classmethod(lambda cls, network: cls(network))
    if "nodes_only" not in inspect.signature(mod.HullBatcher.polygons_of_reached).parameters:
        plain = mod.HullBatcher.polygons_of_reached  # before node hulls: street hulls only
        mod.HullBatcher.polygons_of_reached = lambda self, *a, nodes_only=False, **k: plain(
            self, *a, **k
        )
    return mod


def main() -> None:
    cases = sys.argv[1].split(",") if len(sys.argv) > 1 else ["bari", "venice"]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    old = old_module(sys.argv[3] if len(sys.argv) > 3 else "HEAD")
    for case in cases:
        net, svc = rb.load(case)
        _ = net.csr
        res = {"ref": [], "work": []}
        for r in range(reps + 1):  # the first round warms up, untimed
            for name, mod in (("ref", old), ("work", new)):
                iso_mod.HullBatcher = mod.HullBatcher
                t0 = time.perf_counter()
                iso_mod.isochrones(
                    net, svc, thresholds_min=rb.THRESHOLDS, id_field="service_id", method="hull"
                )
                if r:
                    res[name].append(time.perf_counter() - t0)
        iso_mod.HullBatcher = new.HullBatcher
        o, n = statistics.median(res["ref"]), statistics.median(res["work"])
        print(
            f"{case}: ref {o:.3f} s, working copy {n:.3f} s (best {min(res['ref']):.3f} / "
            f"{min(res['work']):.3f}); working/ref {n / o:.2f}"
        )


if __name__ == "__main__":
    main()
