"""Street networks for walk, bike and car, prepared once as compact numpy arrays.

Public API (stable; used by population, coverage, the CLI and the Processing algorithms):

- :class:`Network` — one mode's routable graph: node ``x``/``y`` in a projected metric CRS
  (``crs``, an EPSG int), directed edges ``tail``/``head`` with ``time_s`` (seconds) and
  ``length_m``, a scipy CSR adjacency (``Network.csr``) and the street geometries kept compactly
  (``coords``/``offsets``) for isochrone polygons. ``Network.save(path)`` writes one ``.npz``;
  ``Network.load(path)`` reads it back; ``nodes_gdf()``/``edges_gdf()`` export to GeoDataFrames.
- Builders, each ``(..., *, mode="walk"|"bike"|"car", speeds=None, ...)``:
  :func:`network_from_osm` (``.osm``/``.osm.pbf``), :func:`network_from_graphml` (osmnx GraphML),
  :func:`network_from_lines` (a street-centreline GeoDataFrame noded at junctions),
  :func:`network_from_place` (osmnx download, cached on disk), :func:`network_from_nx`.
  Speeds: walk 4.5 km/h, bike 15 km/h, car by ``maxspeed`` or road class; a number or a
  ``{road class: km/h, "default": km/h}`` mapping overrides them. One-way streets only for car.
  Every connected part of at least ``MIN_PART_NODES`` nodes is kept (islands too; for car, of
  each part its largest strongly connected part, so every place can be left as well as reached)
  and what is dropped reported through ``progress.info``; ``Network.part_labels`` and
  ``Network.part_sizes`` describe the parts.
- :func:`snap` → :class:`SnapResult` (``node``, ``distance_m``, ``off_network``,
  ``to_larger_part`` per point): the nearest node, or the nearest of a much larger part only
  slightly farther (the rule is in :func:`snap`); points farther than ``max_distance_m`` are
  flagged, never dropped.

Example
-------
>>> from capacitymetro_plugin.core.network import network_from_osm, snap
>>> net = network_from_osm("trento.osm.pbf", mode="walk")        # doctest: +SKIP
>>> net.save("trento_walk.npz")                                   # doctest: +SKIP
>>> s = snap(net, services_gdf, max_distance_m=250)               # doctest: +SKIP
"""

from .build import (
    finish_network,
    network_from_graphml,
    network_from_lines,
    network_from_nx,
    network_from_osm,
    network_from_place,
)
from .graph import Network, from_segments
from .snapping import SnapResult, point_xy, snap, to_network_crs
from .speeds import CAR_SPEEDS_KMH, DEFAULT_SPEED_KMH, MODES, resolve_speeds

__all__ = [
    "CAR_SPEEDS_KMH",
    "DEFAULT_SPEED_KMH",
    "MODES",
    "Network",
    "SnapResult",
    "finish_network",
    "from_segments",
    "network_from_graphml",
    "network_from_lines",
    "network_from_nx",
    "network_from_osm",
    "network_from_place",
    "point_xy",
    "resolve_speeds",
    "snap",
    "to_network_crs",
]
