"""OD lines: the travel time of every reached origin-destination pair as a straight line.

The one core call behind Processing's "OD matrix" (and any other door): snap both layers,
one sparse OD search, one line per reached pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .times import od_matrix

if TYPE_CHECKING:
    import geopandas as gpd


def od_lines(
    network,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    origin_id: str | None = None,
    dest_id: str | None = None,
    cutoff_s: float | None = None,
    max_snap_m: float = 250.0,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Return ``origin_id, dest_id, time_min`` and a line for each pair reached within the cut-off.

    Parameters
    ----------
    origin_id, dest_id
        Fields naming the features (default: ``service_id``, ``id`` or the row number).
    cutoff_s
        Longest travel time in seconds (None: no limit).

    Raises
    ------
    InputError
        When no origin or no destination lies within ``max_snap_m`` of the network.
    """
    import geopandas as gpd
    import shapely

    from capacitymetro_plugin.core.network import point_xy, snap, to_network_crs

    from .isochrones import service_ids

    progress = ensure(progress)
    so = snap(network, origins, max_distance_m=max_snap_m, what="origins", progress=progress)
    sd = snap(network, destinations, max_distance_m=max_snap_m, what="destinations")
    o_ids, d_ids = service_ids(origins, origin_id), service_ids(destinations, dest_id)
    o_on, d_on = np.flatnonzero(so.on_network), np.flatnonzero(sd.on_network)
    if o_on.size == 0 or d_on.size == 0:
        raise InputError(
            "No origin or no destination is near the network.",
            fix="Check that the layers cover the network's area, or raise the snap distance.",
            it="Nessuna origine o nessuna destinazione è vicina alla rete.",
            fix_it="Controlla che i layer coprano l'area della rete o aumenta la distanza.",
        )
    times = od_matrix(
        network, so.node[o_on], sd.node[d_on], cutoff_s=cutoff_s, sparse=True, progress=progress
    ).tocoo()
    oxy = point_xy(to_network_crs(origins, network, what="origins"), what="origins")[o_on]
    dxy = point_xy(to_network_crs(destinations, network, what="destinations"), what="destinations")
    segs = np.stack([oxy[times.row], dxy[d_on][times.col]], axis=1)
    return gpd.GeoDataFrame(
        {
            "origin_id": o_ids[o_on][times.row],
            "dest_id": d_ids[d_on][times.col],
            "time_min": times.data / 60.0,
        },
        geometry=shapely.linestrings(segs) if len(segs) else [],
        crs=f"EPSG:{network.crs}",
    )
