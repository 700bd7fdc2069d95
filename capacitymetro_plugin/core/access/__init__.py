"""Accessibility on a prepared network: travel times, isochrones, territories, OD matrices.

Public API (stable; used by population, coverage, the CLI and the Processing algorithms):

- :func:`nearest_times` ``(network, source_nodes, *, cutoff_s=None, extra_delay_s=None,
  progress=None)`` → :class:`NearestTimes` with per-node ``time_s`` (``inf`` when unreached) and
  ``source`` (position of the nearest source, -1 when unreached). One multi-source Dijkstra in
  scipy; per-source extra delays via a virtual super-source.
- :func:`od_matrix` ``(network, origin_nodes, dest_nodes, *, cutoff_s=None, sparse=False,
  progress=None)`` → dense ``(origins, destinations)`` seconds (``inf`` beyond the cut-off) or a
  scipy CSR holding only reached pairs.
- :func:`od_lines` ``(network, origins, destinations, *, origin_id=None, dest_id=None,
  cutoff_s=None, max_snap_m=250)`` → one line per reached pair with ``time_min`` (the OD door).
- :func:`isochrones` ``(network, services_gdf, *, thresholds_min=(5, 10, 15, 20, 30),
  bands="nested"|"disjoint", per_service=True, id_field=None, max_snap_m=250, buffer_m=25,
  progress=None)`` → GeoDataFrame ``service_id, threshold_min, from_min, area_km2, geometry``
  built from reached street pieces (partial streets cut at the remaining time), buffered and
  merged.
- :func:`territories` ``(network, services_gdf, *, sector=None, sector_field="sectors",
  delay_field=None, cutoff_s=None, id_field=None, output="edges"|"polygons", ...)`` → the
  nearest service of every street piece (a network Voronoi), with its travel time.
- :func:`times_from_each` yields per-source time blocks (for custom indices, e.g. 2SFCA).

Node indices come from :func:`capacitymetro_plugin.core.network.snap`.
"""

from .isochrones import check_thresholds, isochrones, polygon_from_times
from .od import od_lines
from .territories import territories
from .times import NearestTimes, nearest_times, od_matrix, times_from_each

__all__ = [
    "NearestTimes",
    "check_thresholds",
    "isochrones",
    "nearest_times",
    "od_lines",
    "od_matrix",
    "polygon_from_times",
    "territories",
    "times_from_each",
]
