"""A batch area too large for one task is split into tiles by itself, with the same outputs.

Trento (14,960 walking nodes) is forced into tiles with ``tile_above=4000`` on a 2-worker
LocalCluster: the area task hands 4 tiles to the cluster it runs on. The oracle is
``capacitymetro run --area trento`` (the untiled run door) in this process: coverage.csv and
the coverage_zones, gaps and e2sfca layers must be equal, number for number.
"""

import json

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from capacitymetro_plugin.batch import national  # noqa: E402
from capacitymetro_plugin.cli import main  # noqa: E402
from capacitymetro_plugin.core import gio  # noqa: E402

LAYERS = ("coverage_zones", "gaps", "e2sfca")


@pytest.fixture(scope="module")
def single(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("run_trento")
    argv = ["run", "--area", "trento", "--no-pdf", "--offline", "--quiet"]
    assert main([*argv, "--out", str(out), "--data", str(shared_data)]) in (0, 3)
    return out


def _layer(path, layer):
    gdf = gio.read_vector(path, layer=layer)
    return gdf.replace([np.inf, -np.inf], np.nan).reset_index(drop=True)


def test_trento_forced_into_tiles_equals_capacitymetro_run(single, shared_data, tmp_path):
    out = tmp_path / "batch"
    events = []
    client = national.connect(None, 2)
    try:
        client.subscribe_topic(national.TILE_TOPIC, events.append)
        result = national.run_batch(
            national.batch_configs("trento"),
            out_root=out,
            folder=shared_data,
            client=client,
            log=lambda _: None,
            tile_above=4000,
        )
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    (row,) = result.rows
    assert row["status"] == "done", row
    assert "coverage in 4 tiles" in row["detail"]
    area = out / "areas" / "trento"
    assert json.loads((area / national.DONE).read_text())["coverage_tiles"] == 4
    # the tile tasks reported their progress to the client (the "tiles" bar's feed)
    msgs = [e[1] for e in events]
    assert {m["area"] for m in msgs} == {"trento"}
    assert max(m["done"] for m in msgs) == 4 and {m["total"] for m in msgs} == {4}

    want = pd.read_csv(single / "coverage.csv")
    got = pd.read_csv(area / "coverage.csv")
    pd.testing.assert_frame_equal(got, want)
    # real numbers, not an empty table: five sectors, partly served
    total = want[want["area"] == "ALL"].set_index("sector")["foreign_served_pct"]
    assert len(total) == 5 and 0 < total.min() < total.max() < 100
    for layer in LAYERS:
        w = _layer(single / "capacitymetro.gpkg", layer)
        g = _layer(area / "capacitymetro.gpkg", layer)
        part = _layer_parquet(out / "layers" / layer / "area=trento" / "part-0.parquet")
        assert len(w) > 0, layer
        # a part read alone gets its hive partition as a column
        assert set(part.pop("area")) == {"trento"}, layer
        for other in (g, part):
            pd.testing.assert_frame_equal(
                other.drop(columns="geometry"), w.drop(columns="geometry"), check_dtype=False
            )
            assert other.geometry.geom_equals_exact(w.geometry, tolerance=0).all(), layer
    # the national table has the tiled area's numbers
    table = pd.read_csv(out / "national_summary.csv", dtype={"zone": str})
    all_rows = table[table["level"] == "area"].set_index("sector")["foreign_served_pct"]
    pd.testing.assert_series_equal(all_rows.sort_index(), total.sort_index(), check_names=False)


def _layer_parquet(path):
    import geopandas as gpd

    return gpd.read_parquet(path).reset_index(drop=True)
