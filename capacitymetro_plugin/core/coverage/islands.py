"""Parts of the network (islands) where people live but no service of a sector can be reached.

A network keeps every connected part (see :func:`capacitymetro_plugin.core.network.finish_network`):
in Venice the Giudecca is a part of its own, joined to the rest by boats only. A place is served
by what its own part can reach, so a part without a service of a sector leaves all its people
unserved for that sector, however near the service is across the water. This module names those
parts, e.g. "Zittelle, Sacca Fisola, Redentore (+4): 6,155 residents, no health service
reachable on foot", in English and Italian.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure
from capacitymetro_plugin.core.registry.vocabularies import SECTORS, split_codes

_MODE = {
    "en": {"walk": "on foot", "bike": "by bicycle", "car": "by car"},
    "it": {"walk": "a piedi", "bike": "in bicicletta", "car": "in auto"},
}
_ALL = ("all", "*")
COLUMNS = [
    "part",
    "name",
    "sector",
    "residents",
    "foreign",
    "origins",
    "lon",
    "lat",
    "text_en",
    "text_it",
]


def _people(value: float, lang: str) -> str:
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "it" else text


def _sector_words(sector: str, lang: str) -> str:
    if sector in _ALL:
        return "nessun servizio" if lang == "it" else "no service"
    term = next((t for t in SECTORS if t.code == sector), None)
    if lang == "it":
        return f"nessun servizio del settore «{(term.it if term else sector).lower()}»"
    return f"no {(term.en if term else sector).lower()} service"


def part_numbers(network) -> np.ndarray:
    """Number each part of ``network`` by size: 1 is the largest (ties by first node)."""
    sizes = network.part_sizes
    order = np.lexsort((np.arange(sizes.shape[0]), -sizes))
    number = np.empty(sizes.shape[0], dtype=np.int64)
    number[order] = np.arange(1, sizes.shape[0] + 1)
    return number


def _reaching(network, nodes: np.ndarray) -> np.ndarray:
    """True at each node from which some node of ``nodes`` can be reached (any time)."""
    from scipy.sparse.csgraph import dijkstra

    if nodes.size == 0:
        return np.zeros(network.n_nodes, dtype=bool)
    rev = network.csr.T.tocsr()
    times = dijkstra(rev, directed=True, indices=np.unique(nodes), min_only=True)
    return np.isfinite(times)


def parts_without_service(
    network,
    origins: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    sectors: Sequence[str] = ("all",),
    sector_field: str = "sectors",
    count_field: str = "pop_total",
    foreign_field: str | None = "foreign",
    zone_field: str | None = None,
    max_snap_m: float = 250.0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Name the network parts that hold people but reach no service of a sector.

    Origins and services are snapped as for coverage (:func:`~..network.snap`, the same
    rule). An origin reaches a sector when a path on the network leads from its node to the
    node of an on-network service of that sector (walk and bike: the service is on the same
    part). Origins off the network are left out here (coverage counts them as unserved).

    Parameters
    ----------
    network
        The :class:`~capacitymetro_plugin.core.network.Network` of the analysis.
    origins
        Points (or polygons: a point on the surface) with ``count_field`` people each.
    services
        The services analysed, with ``sector_field`` (``;``-separated codes).
    sectors
        Sector codes; ``"all"`` (or ``"*"``) means any service.
    zone_field
        Field of ``origins`` naming where each lives (e.g. the island); a part is named by its
        zones, most populous first. Without it a part is "part N near lat, lon" (N = 1 for the
        largest part).

    Returns
    -------
    pandas.DataFrame
        One row per part and sector, most residents first: ``part`` (number by size),
        ``name``, ``sector``, ``residents``, ``foreign`` (NaN without ``foreign_field``),
        ``origins``, ``lon``/``lat`` (people-weighted centre, WGS84), ``text_en``, ``text_it``.
    """
    import pyproj

    from capacitymetro_plugin.core.network import point_xy, snap, to_network_crs

    progress = ensure(progress)
    for f in (count_field, zone_field):
        if f is not None and f not in origins.columns:
            raise InputError(
                f"The population points have no field {f!r}.",
                fix="Choose a field of the population layer.",
                it=f"I punti della popolazione non hanno il campo {f!r}.",
                fix_it="Scegli un campo del layer della popolazione.",
            )
    if len(origins) == 0:
        return pd.DataFrame(columns=COLUMNS)
    o = snap(network, origins, max_distance_m=max_snap_m, what="population", progress=progress)
    people = pd.to_numeric(origins[count_field], errors="coerce").fillna(0).to_numpy(float)
    foreign = (
        pd.to_numeric(origins[foreign_field], errors="coerce").fillna(0).to_numpy(float)
        if foreign_field and foreign_field in origins.columns
        else np.full(len(origins), np.nan)
    )
    xy = point_xy(to_network_crs(origins, network, what="population"), what="population")
    to_wgs = pyproj.Transformer.from_crs(network.crs, 4326, always_xy=True)
    zones = origins[zone_field].astype(str).to_numpy() if zone_field else None
    number = part_numbers(network)
    part_of = number[network.part_labels[o.node]]
    svc_on = np.zeros(len(services), dtype=bool)
    svc_nodes = np.zeros(len(services), dtype=np.int64)
    if len(services):
        s = snap(network, services, max_distance_m=max_snap_m, what="services", progress=progress)
        svc_on, svc_nodes = s.on_network, s.node
    codes = (
        [split_codes(v) for v in services[sector_field]]
        if sector_field in services.columns
        else [[] for _ in range(len(services))]
    )
    mode = network.mode
    rows = []
    for sector in sectors:
        has = np.array([sector in _ALL or sector in c for c in codes], dtype=bool)
        reach = _reaching(network, svc_nodes[svc_on & has])
        lost = o.on_network & ~reach[o.node] & (people > 0)
        for part in np.unique(part_of[lost]).tolist():
            m = lost & (part_of == part)
            w = people[m]
            cx, cy = np.average(xy[m], axis=0, weights=w)
            lon, lat = to_wgs.transform(cx, cy)
            if zones is not None:
                by_zone = pd.Series(w, index=zones[m]).groupby(level=0).sum()
                by_zone = by_zone.sort_values(ascending=False, kind="stable")
                names = list(by_zone.index[:3])
                more = len(by_zone) - len(names)
                name_en = name_it = ", ".join(names) + (f" (+{more})" if more else "")
            else:
                name_en = f"part {part} near {lat:.4f}, {lon:.4f}"
                name_it = f"parte {part} presso {lat:.4f}, {lon:.4f}"
            total = float(w.sum())
            rows.append(
                {
                    "part": int(part),
                    "name": name_en,
                    "sector": sector,
                    "residents": total,
                    "foreign": float(foreign[m].sum()),
                    "origins": int(m.sum()),
                    "lon": float(lon),
                    "lat": float(lat),
                    "text_en": f"{name_en}: {_people(total, 'en')} residents, "
                    f"{_sector_words(sector, 'en')} reachable {_MODE['en'].get(mode, mode)}",
                    "text_it": f"{name_it}: {_people(total, 'it')} residenti, "
                    f"{_sector_words(sector, 'it')} raggiungibile {_MODE['it'].get(mode, mode)}",
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    if len(out):
        out = out.sort_values(["residents", "part"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)
