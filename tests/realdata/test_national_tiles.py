"""Trento in 4 tiles with a halo on a 2-worker Dask LocalCluster equals the single run exactly.

Real data: the Trento OSM walking network, the OSM service POIs of Trento and the ISTAT residents
of the comune spread on 100 m cells. The oracle is the untiled core call (service_times,
coverage_by_area, gap_polygons) on the whole network in this process.
"""

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")

from capacitymetro_plugin.batch import national  # noqa: E402
from capacitymetro_plugin.core.coverage import (  # noqa: E402
    coverage_by_area,
    gap_polygons,
    service_times,
)

CUTOFF_MIN = 60.0  # what the pipeline uses: twice the largest threshold


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def cells(trento):
    from capacitymetro_plugin.core.population import comuni_boundaries, dasymetric_grid

    zones = comuni_boundaries(year=2023, comuni=["022205"])
    zones = zones.assign(zone=zones["com_istat_code"], foreign=zones["pop_total"] * 0.11)
    grid = dasymetric_grid(
        zones[["zone", "pop_total", "foreign", "geometry"]],
        ["pop_total", "foreign"],
        cell_size=100,
        is_estimate=True,
    )
    out = grid.to_polygons(min_value=0.0)
    out = out[out["pop_total"] > 0].reset_index(drop=True)
    out["zone"] = "022205"
    return out.to_crs(trento.crs)


def test_trento_in_four_tiles_equals_the_single_run(trento, trento_services, cells, client):
    origins = cells.assign(geometry=cells.centroid)
    whole = service_times(trento, origins, trento_services, cutoff_min=CUTOFF_MIN)
    future = national.scatter_network(client, trento)
    # broadcast once: the network is on both workers before any tile task runs
    assert len(client.who_has([future])[future.key]) == 2
    tiled, info = national.tiled_service_times(
        trento,
        origins,
        trento_services,
        tiles=4,
        client=client,
        cutoff_min=CUTOFF_MIN,
        network_future=future,
    )
    assert len(info) == 4
    # the tiles really are smaller than the whole: fewer nodes and fewer services each
    assert all(n_sub < trento.n_nodes for _, _, _, n_sub in info)
    assert any(n_serv < len(trento_services) for _, _, n_serv, _ in info), info
    assert sum(n_orig for _, n_orig, _, _ in info) == len(origins)
    # travel times: identical, unreachable cells included
    assert np.isfinite(whole.minutes).sum() > 100_000
    np.testing.assert_array_equal(tiled.minutes, whole.minutes)
    np.testing.assert_array_equal(tiled.origin_node, whole.origin_node)
    np.testing.assert_array_equal(tiled.origin_connector_min, whole.origin_connector_min)
    # coverage and gaps computed from them: identical
    t_min, w_min = tiled.nearest()[0], whole.nearest()[0]
    kw = dict(area_field="zone", thresholds=[5, 10, 15, 20, 30], threshold=15)
    pd.testing.assert_frame_equal(
        coverage_by_area(cells, t_min, **kw), coverage_by_area(cells, w_min, **kw)
    )
    gaps_t = gap_polygons(cells, t_min, threshold=15, min_count=0.0)
    gaps_w = gap_polygons(cells, w_min, threshold=15, min_count=0.0)
    assert len(gaps_w) > 0
    pd.testing.assert_frame_equal(gaps_t.drop(columns="geometry"), gaps_w.drop(columns="geometry"))
    assert gaps_t.geometry.geom_equals_exact(gaps_w.geometry, tolerance=0).all()


def test_the_halo_is_needed(trento, trento_services, cells, client):
    """Without the halo (tiles cut at their own bounds) the times differ: the test can fail."""
    origins = cells.assign(geometry=cells.centroid)
    whole = service_times(trento, origins, trento_services, cutoff_min=CUTOFF_MIN)
    tiled, _ = national.tiled_service_times(
        trento,
        origins,
        trento_services,
        tiles=4,
        client=client,
        cutoff_min=CUTOFF_MIN,
        halo_m=3 * 250.0 + 1.0,  # snapping only, no reach
    )
    assert not np.array_equal(tiled.minutes, whole.minutes)
