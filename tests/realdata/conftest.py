"""Real networks shared by the real-data tests, each built once per session (about 30 s in
all) in a temporary folder, saved as ``.npz`` and read back (the round trip users make)."""

import sys
from pathlib import Path

import geopandas as gpd
import pytest

from capacitymetro_plugin.core.network import Network, network_from_lines, network_from_osm

# The independent references (networkx graph, edge-by-edge hull) of tests/unit/network.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "network"))


@pytest.fixture(scope="session")
def net_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("networks")


def cached_network(cache, name, build) -> Network:
    """Build a network once (``build()``), save it in ``cache`` and return it read back."""
    path = cache / f"{name}.npz"
    if not path.exists():
        build().save(path)
    return Network.load(path)


@pytest.fixture(scope="session")
def network_cache(net_cache):
    """``network_cache(name, build)``: :func:`cached_network` in the session's folder."""
    return lambda name, build: cached_network(net_cache, name, build)


@pytest.fixture(scope="session")
def trento(shared_data, net_cache):
    return cached_network(
        net_cache,
        "trento_walk",
        lambda: network_from_osm(shared_data / "osm_trento_2023-02_tnst.osm.pbf", mode="walk"),
    )


@pytest.fixture(scope="session")
def trento_services(shared_data):
    pois = gpd.read_file(shared_data / "osm_servizi_trento_2023.gpkg", layer="pois")
    return pois.sort_values("osm_ref").reset_index(drop=True)


@pytest.fixture(scope="session")
def bari_edges(shared_data):
    return gpd.read_file(shared_data / "bari_stradario_grafo_2026.gpkg", layer="edges")


@pytest.fixture(scope="session")
def bari(bari_edges, net_cache):
    return cached_network(
        net_cache, "bari_walk", lambda: network_from_lines(bari_edges, mode="walk")
    )


@pytest.fixture(scope="session")
def venice(shared_data, net_cache):
    path = shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf"
    return cached_network(net_cache, "venice_walk", lambda: network_from_osm(path, mode="walk"))
