"""Build a :class:`~.graph.Network` from OpenStreetMap, an osmnx GraphML or a street-line layer.

Every builder projects to a metric CRS (the WGS84/UTM zone of the data unless told otherwise),
applies per-mode speeds and street permissions, and keeps every connected part of the network
with at least ``MIN_PART_NODES`` nodes (for car, of each part its largest strongly connected
part), saying through ``progress.info`` how much was dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.areas import utm_epsg_for_lon
from capacitymetro_plugin.core.defaults import MIN_PART_NODES
from capacitymetro_plugin.core.errors import (
    CrsError,
    DataUnavailableError,
    InputError,
    NetworkError,
)
from capacitymetro_plugin.core.progress import Progress, ensure

from .graph import Network, from_segments
from .speeds import allowed, car_speed, check_mode, first_class, resolve_speeds

_EXTRA_WAY_TAGS = ("foot", "bicycle", "motor_vehicle", "motorcar", "vehicle")
# Travel time (s) of each unsimplified OSM edge, summed when osmnx merges edges: a merged edge
# may join ways with different speeds (a 10 km/h stretch and a 50 km/h one).
_TIME_ATTR = "capacitymetro_time_s"
_OSMNX_NETWORK_TYPE = {"walk": "walk", "bike": "bike", "car": "drive"}


def _edge_speed(mode: str, tags: Mapping[str, Any], table: Mapping[str, float]) -> float:
    if mode == "car":
        return car_speed(tags, table)
    return float(table.get(first_class(tags.get("highway")), table["default"]))


def finish_network(
    net: Network,
    *,
    keep: str = "parts",
    min_part_nodes: int = MIN_PART_NODES,
    progress: Progress | None = None,
) -> Network:
    """Check a freshly built network and keep its connected parts (reporting what is dropped).

    Walk and bike networks are two-way, so connected means joined by streets. With
    ``keep="parts"`` (the default) every part with at least ``min_part_nodes`` nodes is kept:
    islands such as the Giudecca in Venice keep their streets, and places on them are served
    by what their own part can reach (travel times between parts are ``inf``). Smaller scraps
    (a lone footway, a mapping error) are dropped.

    A car network has one-way streets. Of each part joined by streets (weakly connected) it
    keeps the largest *strongly* connected part, where every node can reach every other, when
    it has at least ``min_part_nodes`` nodes. The other strongly connected parts inside the same
    streets are nodes a car can enter but not leave (or leave but never reach): traps, dropped
    so no service or resident is snapped to one. In Trento (2023) these are 94 of 6,660 nodes;
    Piazza Duomo snapped to one of them (a one-way street ending in the pedestrian zone) and
    its car isochrone was empty. The dropped nodes include one-way carriageways of motorways
    and trunk roads between the edge of the extract and the last junction inside it: they lead
    nowhere inside the area (no exit), so they reach no one. (Two large districts joined by
    one-way streets all running the same way would keep only the larger; city networks do not
    have that shape.)

    Parameters
    ----------
    keep
        ``"parts"`` (every part of at least ``min_part_nodes`` nodes), ``"largest"`` (the
        largest part only) or ``"all"`` (every node, traps included).
    min_part_nodes
        Smallest part kept with ``keep="parts"`` (default :data:`~..defaults.MIN_PART_NODES`).
    """
    progress = ensure(progress)
    if keep not in _KEEP:
        raise InputError(
            f"Unknown choice keep={keep!r} for the network's parts.",
            fix=f"Use one of {', '.join(_KEEP)}.",
            it=f"Scelta keep={keep!r} sconosciuta per le parti della rete.",
            fix_it=f"Usa uno tra {', '.join(_KEEP)}.",
        )
    net.check_usable()
    n_comp, labels = net.components()
    net.meta["components"] = int(n_comp)
    if n_comp <= 1 or keep == "all":
        if n_comp > 1:
            progress.info(
                f"The {net.mode} network has {n_comp:,} disconnected parts, all kept; places in "
                f"different parts cannot reach each other. / La rete ha {n_comp:,} parti "
                f"scollegate, tutte tenute; luoghi in parti diverse non si raggiungono."
            )
        net.meta["parts_kept"] = int(n_comp)
        net.meta["dropped_nodes"] = 0
        return net
    sizes = np.bincount(labels)
    if keep == "largest":
        chosen = np.zeros(n_comp, dtype=bool)
        chosen[int(np.argmax(sizes))] = True
    else:
        chosen = _parts_to_keep(net, labels, sizes, max(int(min_part_nodes), 1))
    if not chosen.any():  # every part is smaller than the minimum: keep the largest
        chosen[int(np.argmax(sizes))] = True
    kept_nodes = int(sizes[chosen].sum())
    dropped = net.n_nodes - kept_nodes
    n_kept = int(chosen.sum())
    progress.info(
        f"The {net.mode} network has {n_comp:,} disconnected parts: kept {n_kept:,} "
        f"({kept_nodes:,} nodes; the largest {int(sizes.max()):,}), dropped {dropped:,} nodes in "
        f"{n_comp - n_kept:,} parts"
        + (f" smaller than {min_part_nodes} nodes" if keep == "parts" else "")
        + f". / La rete ha {n_comp:,} parti scollegate: tenute {n_kept:,} ({kept_nodes:,} "
        f"nodi; la più grande {int(sizes.max()):,}), scartati {dropped:,} nodi in "
        f"{n_comp - n_kept:,} parti"
        + (f" con meno di {min_part_nodes} nodi" if keep == "parts" else "")
        + "."
    )
    out = net.subnetwork(chosen[labels]) if dropped else net
    out.meta["parts_kept"] = n_kept
    out.meta["dropped_nodes"] = int(dropped)
    out.meta["dropped_parts"] = int(n_comp - n_kept)
    return out


_KEEP = ("parts", "largest", "all")


def _parts_to_keep(
    net: Network, labels: np.ndarray, sizes: np.ndarray, min_nodes: int
) -> np.ndarray:
    """Return which parts (labels of ``net.components()``) ``keep="parts"`` keeps."""
    big = sizes >= min_nodes
    if net.mode != "car":
        return big
    # Car: parts are strongly connected; keep the largest of each weakly connected part.
    from scipy.sparse.csgraph import connected_components

    _, weak = connected_components(net.csr, directed=True, connection="weak")
    n_comp = sizes.shape[0]
    weak_of = np.zeros(n_comp, dtype=np.int64)
    weak_of[labels] = weak  # every node of a strong part is in one weak part
    order = np.lexsort((np.arange(n_comp), -sizes, weak_of))  # per weak part, largest first
    first = np.ones(n_comp, dtype=bool)
    first[1:] = weak_of[order][1:] != weak_of[order][:-1]
    chosen = np.zeros(n_comp, dtype=bool)
    chosen[order[first]] = True
    return chosen & big


# --- from networkx / osmnx graphs ---------------------------------------------------------------
def _graph_crs(G) -> Any:
    return G.graph.get("crs", "EPSG:4326")


def network_from_nx(
    G,
    *,
    mode: str = "walk",
    speeds: float | Mapping[str, float] | None = None,
    crs: int | None = None,
    polygon=None,
    source: str = "",
    keep: str = "parts",
    progress: Progress | None = None,
) -> Network:
    """Convert an osmnx-style MultiDiGraph (``x``/``y`` nodes, ``length`` edges) to a Network.

    Edges the mode may not use are left out. Walk and bike networks merge the two directions
    of a street; car networks keep each directed edge (one-way streets stay one-way).

    Parameters
    ----------
    G
        A networkx (Multi)DiGraph with node attributes ``x``, ``y`` and edge ``length`` (m),
        optionally ``geometry``, ``highway``, ``maxspeed``, ``access``...
    mode
        ``"walk"``, ``"bike"`` or ``"car"``.
    speeds
        Speed override (see :func:`~.speeds.resolve_speeds`).
    crs
        EPSG code to project to; default the UTM zone of the graph's centre.
    polygon
        Optional shapely polygon (in the graph's CRS) or GeoDataFrame/GeoSeries; only nodes
        inside are kept.
    """
    import pyproj
    import shapely

    mode = check_mode(mode)
    table = resolve_speeds(mode, speeds)
    progress = ensure(progress)
    nodes = list(G.nodes)
    if not nodes:
        raise NetworkError(
            f"The street graph from {source or 'the input'} is empty.",
            fix="Check that the file covers the area and contains streets.",
            it=f"Il grafo stradale da {source or 'input'} è vuoto.",
            fix_it="Controlla che il file copra l'area e contenga strade.",
        )
    index = {n: i for i, n in enumerate(nodes)}
    gx = np.fromiter((G.nodes[n]["x"] for n in nodes), dtype=np.float64, count=len(nodes))
    gy = np.fromiter((G.nodes[n]["y"] for n in nodes), dtype=np.float64, count=len(nodes))
    src_crs = pyproj.CRS.from_user_input(_graph_crs(G))
    if crs is None:
        if src_crs.is_geographic:
            crs = utm_epsg_for_lon(float(np.median(gx)))
        else:
            crs = int(src_crs.to_epsg() or 0)
            if not crs:
                raise CrsError(
                    f"The CRS of {source or 'the graph'} has no EPSG code.",
                    fix="Reproject the input to a metric CRS with an EPSG code (e.g. UTM).",
                    it=f"Il SR di {source or 'grafo'} non ha un codice EPSG.",
                    fix_it="Riproietta l'input in un SR metrico con codice EPSG (es. UTM).",
                )
    transformer = pyproj.Transformer.from_crs(src_crs, pyproj.CRS.from_epsg(crs), always_xy=True)

    seg_u: list[int] = []
    seg_v: list[int] = []
    lengths: list[float] = []
    speeds_kmh: list[float] = []
    geoms: list[Any] = []
    seen: set[tuple[int, int, float]] = set()
    excluded = 0
    for u, v, data in G.edges(data=True):
        if "highway" in data and not allowed(mode, data):
            excluded += 1
            continue
        iu, iv = index[u], index[v]
        length = float(data.get("length", np.nan))
        seconds = data.get(_TIME_ATTR)
        if mode != "car":
            key = (min(iu, iv), max(iu, iv), round(length, 2))
            if key in seen:
                continue
            seen.add(key)
        seg_u.append(iu)
        seg_v.append(iv)
        lengths.append(length)
        if seconds is not None and length > 0 and float(seconds) > 0:
            speeds_kmh.append(3.6 * length / float(seconds))  # the merged ways' own speeds
        else:
            speeds_kmh.append(_edge_speed(mode, data, table))
        geoms.append(data.get("geometry"))
    if not seg_u:
        raise NetworkError(
            f"No street of {source or 'the input'} can be used by mode {mode}.",
            fix="Choose another mode or an input with streets for it.",
            it=f"Nessuna strada di {source or 'input'} è percorribile in modalità {mode}.",
            fix_it="Scegli un'altra modalità o un input con strade adatte.",
        )
    oneway_a = np.ones(len(seg_u), dtype=bool)
    if mode == "car":  # a two-way street: one segment for both directions, like walk and bike
        paired = _pair_two_way(seg_u, seg_v, lengths, speeds_kmh, geoms)
        oneway_a = paired == 1
        paired = paired > 0
        seg_u = [u for u, k in zip_strict(seg_u, paired) if k]
        seg_v = [v for v, k in zip_strict(seg_v, paired) if k]
        lengths = [x for x, k in zip_strict(lengths, paired) if k]
        speeds_kmh = [x for x, k in zip_strict(speeds_kmh, paired) if k]
        geoms = [g for g, k in zip_strict(geoms, paired) if k]
        oneway_a = oneway_a[paired]
    seg_u_a = np.asarray(seg_u, dtype=np.int64)
    seg_v_a = np.asarray(seg_v, dtype=np.int64)
    # Straight segments for edges without a geometry (unsimplified osmnx edges).
    missing = np.fromiter((g is None for g in geoms), dtype=bool, count=len(geoms))
    lines = np.empty(len(geoms), dtype=object)
    lines[~missing] = [g for g in geoms if g is not None]
    if missing.any():
        pts = np.stack(
            [
                gx[seg_u_a[missing]],
                gy[seg_u_a[missing]],
                gx[seg_v_a[missing]],
                gy[seg_v_a[missing]],
            ],
            axis=1,
        ).reshape(-1, 2, 2)
        lines[missing] = shapely.linestrings(pts)
    coords, part = shapely.get_coordinates(lines, return_index=True)
    px, py = transformer.transform(coords[:, 0], coords[:, 1])
    coords = np.column_stack([px, py])
    counts = np.bincount(part, minlength=len(lines))
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    nx_, ny_ = transformer.transform(gx, gy)
    nx_, ny_ = np.asarray(nx_), np.asarray(ny_)
    length_a = np.asarray(lengths, dtype=np.float64)
    nan_len = ~np.isfinite(length_a)
    if nan_len.any():  # no length attribute: measure the projected geometry
        seg_len = np.hypot(*np.diff(coords, axis=0).T)
        same = part[1:] == part[:-1]
        per = np.bincount(part[1:][same], weights=seg_len[same], minlength=len(lines))
        length_a[nan_len] = per[nan_len]
    node_ids = np.array([n if isinstance(n, (int, np.integer)) else i for i, n in enumerate(nodes)])
    net = from_segments(
        crs=crs,
        mode=mode,
        x=nx_,
        y=ny_,
        node_id=node_ids,
        seg_u=seg_u_a,
        seg_v=seg_v_a,
        length_m=length_a,
        speed_kmh=np.asarray(speeds_kmh),
        oneway=oneway_a,
        coords=coords,
        offsets=offsets,
        meta={"source": source, "speeds_kmh": table, "excluded_edges": excluded},
    )
    if mode != "car":
        net.meta["note"] = "both directions of every street"
    if polygon is not None:
        net = _clip(net, polygon, src_crs)
    # Drop nodes that no usable edge touches.
    used = np.zeros(net.n_nodes, dtype=bool)
    used[net.tail] = True
    used[net.head] = True
    if not used.all():
        net = net.subnetwork(used)
    return finish_network(net, keep=keep, progress=progress)


def _pair_two_way(
    seg_u: list[int],
    seg_v: list[int],
    lengths: list[float],
    speeds_kmh: list[float],
    geoms: list[Any],
) -> np.ndarray:
    """Find the directed edges that are the two directions of one street.

    Returns per edge 1 (one-way: kept, no opposite), 2 (two-way: kept, stands for both
    directions) or 0 (the opposite direction of a kept edge: dropped). Two edges pair when they
    join the same nodes the other way round with the same length, speed and reversed geometry.
    """
    import shapely

    state = np.ones(len(seg_u), dtype=np.int8)
    open_edges: dict[tuple[int, int, float], list[int]] = {}
    for i, (u, v, length) in enumerate(zip_strict(seg_u, seg_v, lengths)):
        key = (v, u, round(length, 6))
        match = -1
        for j in open_edges.get(key, []):
            if abs(speeds_kmh[j] - speeds_kmh[i]) > 1e-9 * speeds_kmh[i]:
                continue  # (times summed in the two directions may differ in the last bit)
            gi, gj = geoms[i], geoms[j]
            if (gi is None) != (gj is None):
                continue
            if gi is not None and not np.array_equal(
                shapely.get_coordinates(gi), shapely.get_coordinates(gj)[::-1]
            ):
                continue
            match = j
            break
        if match >= 0:
            open_edges[key].remove(match)
            state[match] = 2
            state[i] = 0
        else:
            open_edges.setdefault((u, v, round(length, 6)), []).append(i)
    return state


def _clip(net: Network, polygon, src_crs) -> Network:
    import geopandas as gpd
    import shapely

    if isinstance(polygon, (gpd.GeoDataFrame, gpd.GeoSeries)):
        geom = polygon.to_crs(net.crs).union_all()
    else:
        geom = gpd.GeoSeries([polygon], crs=src_crs).to_crs(net.crs).iloc[0]
    inside = shapely.contains_xy(geom, net.x, net.y)
    if not inside.any():
        raise NetworkError(
            "No street node lies inside the given polygon.",
            fix="Check that the polygon and the network cover the same area (and CRS).",
            it="Nessun nodo stradale cade dentro il poligono indicato.",
            fix_it="Controlla che poligono e rete coprano la stessa area (e lo stesso SR).",
        )
    return net.subnetwork(inside)


# --- OpenStreetMap extract ----------------------------------------------------------------------
def _osm_to_highway_xml(path: Path, workdir: Path) -> Path:
    """Return an OSM XML file with only the highway ways of ``path`` (needs osmium-tool)."""
    from capacitymetro_plugin.core.osm_pbf import check_osm_pbf

    if path.suffix.lower() == ".pbf":
        check_osm_pbf(path)  # a cut download: say so before osmium's "unexpected EOF"
    osmium = shutil.which("osmium")
    out = workdir / "highways.osm"
    if osmium is None:
        if path.suffix.lower() == ".pbf":
            raise DataUnavailableError(
                "Reading .osm.pbf files needs the osmium command (osmium-tool).",
                fix="Install osmium-tool (apt install osmium-tool) or give an .osm XML file.",
                it="Per leggere i file .osm.pbf serve il comando osmium (osmium-tool).",
                fix_it="Installa osmium-tool (apt install osmium-tool) o usa un file .osm XML.",
            )
        return path
    cmd = [
        osmium,
        "tags-filter",
        str(path),
        "w/highway",
        "-f",
        "osm",
        "-o",
        str(out),
        "--overwrite",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise InputError(
            f"Cannot read the OSM file {path}: {result.stderr.strip()[:300]}",
            fix="Check that it is a valid .osm or .osm.pbf extract (try `osmium sort`).",
            it=f"Impossibile leggere il file OSM {path}: {result.stderr.strip()[:300]}",
            fix_it="Controlla che sia un estratto .osm o .osm.pbf valido (prova `osmium sort`).",
        )
    return out


def network_from_osm(
    path: str | os.PathLike,
    *,
    mode: str = "walk",
    polygon=None,
    speeds: float | Mapping[str, float] | None = None,
    crs: int | None = None,
    keep: str = "parts",
    progress: Progress | None = None,
) -> Network:
    """Build a network from a local OpenStreetMap extract (``.osm`` or ``.osm.pbf``).

    The highway ways are extracted with osmium, read with osmnx (unsimplified), the streets
    the mode may not use are removed, and the graph is simplified before conversion.

    Parameters
    ----------
    path
        The extract.
    mode
        ``"walk"`` (4.5 km/h), ``"bike"`` (15 km/h) or ``"car"`` (maxspeed / road class).
    polygon
        Optional area (shapely polygon in WGS84, or GeoDataFrame/GeoSeries): keep nodes inside.
    speeds
        Speed override (see :func:`~.speeds.resolve_speeds`).
    crs
        Target EPSG; default the UTM zone of the data.
    keep
        Which connected parts to keep (see :func:`finish_network`): ``"parts"`` (default,
        every part of at least ``MIN_PART_NODES`` nodes), ``"largest"`` or ``"all"``; what is
        dropped is reported through ``progress.info``.
    """
    import networkx as nx
    import osmnx as ox

    mode = check_mode(mode)
    table = resolve_speeds(mode, speeds)  # fail early on bad speeds
    progress = ensure(progress)
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"OSM file {path} does not exist.",
            fix="Check the path.",
            it=f"Il file OSM {path} non esiste.",
            fix_it="Controlla il percorso.",
        )
    progress.report(0.0, "Reading OpenStreetMap streets")
    with tempfile.TemporaryDirectory(prefix="capacitymetro-osm-") as tmp:
        xml = _osm_to_highway_xml(path, Path(tmp))
        saved_tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = saved_tags + [
            t for t in _EXTRA_WAY_TAGS if t not in saved_tags
        ]
        try:
            G = ox.graph_from_xml(xml, simplify=False, retain_all=True, bidirectional=False)
        except Exception as exc:  # osmnx raises several kinds for bad or empty files
            raise InputError(
                f"Cannot build a street graph from {path}: {exc}",
                fix="Check that the extract contains streets (highway=*).",
                it=f"Impossibile costruire il grafo stradale da {path}: {exc}",
                fix_it="Controlla che l'estratto contenga strade (highway=*).",
            ) from exc
        finally:
            ox.settings.useful_tags_way = saved_tags
    progress.report(0.4, "Filtering streets for the mode")
    drop = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if not allowed(mode, d)]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n, deg in G.degree() if deg == 0])
    if G.number_of_edges() == 0:
        raise NetworkError(
            f"No street of {path.name} can be used by mode {mode}.",
            fix="Choose another mode or a larger extract.",
            it=f"Nessuna strada di {path.name} è percorribile in modalità {mode}.",
            fix_it="Scegli un'altra modalità o un estratto più ampio.",
        )
    progress.report(0.5, "Simplifying the street graph")
    for _, _, d in G.edges(data=True):
        d[_TIME_ATTR] = float(d["length"]) / (_edge_speed(mode, d, table) / 3.6)
    G = ox.simplification.simplify_graph(G, edge_attr_aggs={"length": sum, _TIME_ATTR: sum})
    nx.freeze(G)
    progress.report(0.8, "Building the array network")
    return network_from_nx(
        G,
        mode=mode,
        speeds=speeds,
        crs=crs,
        polygon=polygon,
        source=path.name,
        keep=keep,
        progress=progress,
    )


def network_from_graphml(
    path: str | os.PathLike,
    *,
    mode: str = "walk",
    polygon=None,
    speeds: float | Mapping[str, float] | None = None,
    crs: int | None = None,
    keep: str = "parts",
    progress: Progress | None = None,
) -> Network:
    """Build a network from an osmnx GraphML file (e.g. saved by ``ox.save_graphml``)."""
    import osmnx as ox

    path = Path(path)
    if not path.exists():
        raise InputError(
            f"GraphML file {path} does not exist.",
            fix="Check the path.",
            it=f"Il file GraphML {path} non esiste.",
            fix_it="Controlla il percorso.",
        )
    try:
        G = ox.load_graphml(path)
    except Exception as exc:
        raise InputError(
            f"Cannot read the GraphML file {path}: {exc}",
            fix="Give a GraphML written by osmnx (nodes with x/y, edges with length).",
            it=f"Impossibile leggere il file GraphML {path}: {exc}",
            fix_it="Usa un GraphML scritto da osmnx (nodi con x/y, archi con length).",
        ) from exc
    return network_from_nx(
        G,
        mode=mode,
        speeds=speeds,
        crs=crs,
        polygon=polygon,
        source=path.name,
        keep=keep,
        progress=progress,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "place"


def network_from_place(
    query: str,
    *,
    mode: str = "walk",
    cache_dir: str | os.PathLike,
    speeds: float | Mapping[str, float] | None = None,
    crs: int | None = None,
    progress: Progress | None = None,
) -> Network:
    """Download the streets of a place from OpenStreetMap with osmnx, cached in ``cache_dir``.

    The first call saves ``<cache_dir>/<place>_<mode>.graphml``; later calls read that file
    and need no internet.
    """
    import osmnx as ox

    mode = check_mode(mode)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"{_slug(query)}_{mode}.graphml"
    progress = ensure(progress)
    if not cached.exists():
        progress.info(f"Downloading {mode} streets of {query!r} from OpenStreetMap")
        ox.settings.cache_folder = str(cache_dir / "http")
        ox.settings.use_cache = True
        try:
            G = ox.graph_from_place(query, network_type=_OSMNX_NETWORK_TYPE[mode], simplify=True)
        except Exception as exc:
            raise DataUnavailableError(
                f"Cannot download the streets of {query!r} from OpenStreetMap: {exc}",
                fix="Check the internet connection and the place name, or use a local .osm.pbf.",
                it=f"Impossibile scaricare le strade di {query!r} da OpenStreetMap: {exc}",
                fix_it="Controlla la connessione e il nome del luogo, o usa un .osm.pbf locale.",
            ) from exc
        ox.save_graphml(G, cached)
    return network_from_graphml(cached, mode=mode, speeds=speeds, crs=crs, progress=progress)


# --- street-centreline layer ----------------------------------------------------------------------
def _truthy_oneway(values) -> tuple[np.ndarray, np.ndarray]:
    """Return (oneway, reversed) flags from an OSM-like oneway column."""
    text = np.array([str(v).strip().lower() for v in values])
    rev = text == "-1"
    one = np.isin(text, ["yes", "true", "1", "-1", "t", "y"])
    return one, rev


def network_from_lines(
    gdf,
    *,
    mode: str = "walk",
    speeds: float | Mapping[str, float] | None = None,
    snap_tolerance: float = 0.1,
    crs: int | None = None,
    keep: str = "parts",
    progress: Progress | None = None,
) -> Network:
    """Build a network from a street-centreline layer already noded at junctions.

    Line ends closer than ``snap_tolerance`` metres become one node. Optional columns used:
    ``highway`` (road class), ``maxspeed`` and ``oneway`` (car only; ``-1`` = reversed).

    Parameters
    ----------
    gdf
        GeoDataFrame of LineStrings/MultiLineStrings with a CRS (reprojected to UTM when
        geographic; the reprojection is reported).
    """
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    mode = check_mode(mode)
    table = resolve_speeds(mode, speeds)
    progress = ensure(progress)
    if gdf is None or len(gdf) == 0:
        raise InputError(
            "The street layer is empty.",
            fix="Choose a line layer with street centrelines.",
            it="Il layer delle strade è vuoto.",
            fix_it="Scegli un layer di linee con gli assi stradali.",
        )
    if gdf.crs is None:
        raise CrsError(
            "The street layer has no CRS.",
            fix="Set the layer's CRS (e.g. EPSG:32633) before building the network.",
            it="Il layer delle strade non ha un sistema di riferimento.",
            fix_it="Imposta il SR del layer (es. EPSG:32633) prima di costruire la rete.",
        )
    if not (snap_tolerance >= 0):
        raise InputError(
            f"Snap tolerance {snap_tolerance} must be zero or more metres.",
            fix="Use e.g. 0.1.",
            it=f"La tolleranza di aggancio {snap_tolerance} deve essere zero o più metri.",
            fix_it="Usa ad es. 0,1.",
        )
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if crs is not None and gdf.crs.to_epsg() != crs:
        gdf = gdf.to_crs(crs)
    elif gdf.crs.is_geographic:
        crs = utm_epsg_for_lon(float(gdf.geometry.union_all().centroid.x))
        progress.info(
            f"The street layer is in {gdf.crs.to_string()} (degrees): reprojected to EPSG:{crs}. / "
            f"Layer delle strade in gradi: riproiettato in EPSG:{crs}."
        )
        gdf = gdf.to_crs(crs)
    else:
        crs = gdf.crs.to_epsg()
        if not crs:
            raise CrsError(
                "The CRS of the street layer has no EPSG code.",
                fix="Reproject the layer to a metric CRS with an EPSG code (e.g. UTM).",
                it="Il SR del layer delle strade non ha un codice EPSG.",
                fix_it="Riproietta il layer in un SR metrico con codice EPSG (es. UTM).",
            )
    progress.report(0.2, "street lines read")
    progress.check()  # cancel between stages
    gdf = gdf.explode(index_parts=False, ignore_index=True)
    gdf = gdf[gdf.geom_type == "LineString"]
    if len(gdf) == 0:
        raise InputError(
            "The street layer has no line geometries.",
            fix="Choose a layer of (multi)lines.",
            it="Il layer delle strade non contiene linee.",
            fix_it="Scegli un layer di (multi)linee.",
        )
    if "highway" in gdf.columns:
        usable = np.array([allowed(mode, {"highway": h}) for h in gdf["highway"]])
        gdf = gdf[usable]
    geoms = gdf.geometry.values
    coords, part = shapely.get_coordinates(geoms, return_index=True)
    counts = np.bincount(part, minlength=len(geoms))
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    first = coords[offsets[:-1]]
    last = coords[offsets[1:] - 1]
    ends = np.vstack([first, last])
    uniq, inverse = np.unique(ends, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    if snap_tolerance > 0 and len(uniq) > 1:
        pairs = cKDTree(uniq).query_pairs(snap_tolerance, output_type="ndarray")
        if len(pairs):
            m = len(uniq)
            adj = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m))
            _, cluster = connected_components(adj, directed=False)
            _, rep = np.unique(cluster, return_index=True)
            uniq = uniq[rep]
            inverse = cluster[inverse]
            _, inverse = np.unique(inverse, return_inverse=True)
    progress.report(0.5, "street ends joined")
    progress.check()
    n_lines = len(geoms)
    seg_u = inverse[:n_lines]
    seg_v = inverse[n_lines:]
    length = shapely.length(geoms)
    if mode == "car":
        tags = gdf.drop(columns="geometry").to_dict("records")
        speed = np.array([car_speed(t, table) for t in tags])
    elif "highway" in gdf.columns:
        speed = np.array([table.get(first_class(h), table["default"]) for h in gdf["highway"]])
    else:
        speed = np.full(n_lines, table["default"])
    oneway = np.zeros(n_lines, dtype=bool)
    if mode == "car" and "oneway" in gdf.columns:
        oneway, rev = _truthy_oneway(gdf["oneway"].values)
        # A reversed one-way street: swap its ends and its geometry.
        if rev.any():
            seg_u, seg_v = np.where(rev, seg_v, seg_u), np.where(rev, seg_u, seg_v)
            flipped = shapely.reverse(geoms[rev])
            geoms = geoms.copy()
            geoms[rev] = flipped
            coords, part = shapely.get_coordinates(geoms, return_index=True)
    progress.report(0.7, "edges and speeds")
    progress.check()
    node_ids = np.arange(len(uniq))
    net = from_segments(
        crs=int(crs),
        mode=mode,
        x=uniq[:, 0],
        y=uniq[:, 1],
        node_id=node_ids,
        seg_u=seg_u,
        seg_v=seg_v,
        length_m=length,
        speed_kmh=speed,
        oneway=oneway,
        coords=coords,
        offsets=offsets,
        meta={"source": "line layer", "speeds_kmh": table, "snap_tolerance_m": snap_tolerance},
    )
    net = finish_network(net, keep=keep, progress=progress)
    progress.report(1.0, "network ready")
    return net
