"""Prepare network (capacitymetro:preparenetwork) in car mode on the real OpenStreetMap extract of
Trento, through QGIS Processing: the saved network and the streets layer must be the network the
core builds from the same file, with its one-way streets and per-way speeds."""

import geopandas as gpd
import numpy as np
import pytest

from capacitymetro_plugin.core.network import Network, network_from_osm

pytestmark = pytest.mark.realdata

PBF = "osm_trento_2023-02_tnst.osm.pbf"


@pytest.fixture(scope="module")
def prepared(processing_provider, shared_data, tmp_path_factory):
    import processing

    tmp = tmp_path_factory.mktemp("car_alg")
    out = processing.run(
        "capacitymetro:preparenetwork",
        {
            "OSM_FILE": str(shared_data / PBF),
            "MODE": 2,  # walk, bike, car
            "OUTPUT": str(tmp / "trento_car.npz"),
            "OUTPUT_EDGES": str(tmp / "trento_car_streets.gpkg"),
        },
    )
    return out


def test_prepare_car_network_from_the_trento_extract(prepared, shared_data):
    net = Network.load(prepared["OUTPUT"])
    assert net.mode == "car" and net.crs == 32632
    # The city's strongly connected part (6,566 nodes) and 22 detached parts with their own
    # streets (157 nodes); 234 nodes dropped (one-way traps and scraps of fewer than 3 nodes).
    assert prepared["NODES"] == net.n_nodes == 6_723
    assert prepared["EDGES"] == net.n_edges == 14_032
    assert net.meta["dropped_nodes"] == 234 and net.meta["parts_kept"] == 23
    # The very network the core builds from the same extract.
    ref = network_from_osm(shared_data / PBF, mode="car")
    for name in ("x", "y", "node_id", "tail", "head", "time_s", "length_m"):
        assert np.array_equal(getattr(net, name), getattr(ref, name)), name


def test_car_streets_layer(prepared):
    net = Network.load(prepared["OUTPUT"])
    streets = gpd.read_file(prepared["OUTPUT_EDGES"])
    assert streets.crs.to_epsg() == 32632
    # Each street drawn once: 8,048 streets for 14,032 directed edges, 2,064 of them one-way.
    assert len(streets) == net.n_segments == 8_048
    assert streets["oneway"].sum() == 2_064
    assert np.allclose(streets["time_s"].to_numpy(), net.time_s[streets["edge"].to_numpy()])
    # Drawn lengths match the OSM lengths (great circles on a sphere, as osmnx measures them)
    # within the sphere-vs-ellipsoid and UTM scale differences: Trento, at most 0.28 %.
    ratio = streets.geometry.length.to_numpy() / streets["length_m"].to_numpy()
    ok = streets["length_m"].to_numpy() > 1
    assert np.abs(ratio[ok] - 1).max() < 5e-3
    # Car speeds: 10 to 130 km/h (maxspeed or road class), none of the walk's 4.5 km/h.
    kmh = 3.6 * streets["length_m"] / streets["time_s"]
    assert kmh[ok].min() >= 10 - 1e-6 and kmh[ok].max() <= 130 + 1e-6
    # A one-way street has one directed edge, a two-way street two, running opposite ways.
    per_seg = np.bincount(net.seg, minlength=net.n_segments)
    assert np.array_equal(
        per_seg[streets["edge"].map(lambda e: net.seg[e])] == 1, streets["oneway"]
    )
    two = np.flatnonzero(per_seg == 2)
    fwd = np.zeros(net.n_segments, dtype=int)
    np.add.at(fwd, net.seg, ~net.seg_reversed)
    assert (fwd[two] == 1).all()
