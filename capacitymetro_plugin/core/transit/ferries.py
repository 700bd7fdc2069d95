"""Water buses and ferries without a timetable, as a frequency-based GTFS feed (issue 16).

There is no ACTV navigazione GTFS here, only OpenStreetMap ``route=ferry`` ways and a layer of
piers (Venice: ``venezia_fermate_vaporetto_2018.geojson``). :func:`ferry_lines` turns every
ferry way into a line that calls at the piers along it, in the order of the way, and
:func:`ferry_feed` writes those lines as a GTFS feed with ``frequencies.txt`` (one departure
every headway, each direction, every day), read back with :func:`read_gtfs`. The feed then goes
through the same :func:`build_timetable` and RAPTOR as a bus feed, with or without other feeds,
and the piers join the walking network as any stop does (``street.walks``).

Why a synthetic feed rather than timed edges in the street graph: RAPTOR over the departure
window then gives the real wait for the next boat (0 to one headway, so its percentiles are
right), changes between lines wait again, a real navigazione GTFS replaces the synthetic one
without any other change, and no second routing code exists.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import DataUnavailableError, InputError

from .costs import parse_clock
from .gtfs import GtfsFeed, read_gtfs

OSM_SUFFIXES = (".osm", ".pbf", ".o5m")


@dataclass
class FerryLine:
    """One line: its piers in the order of the way and the ride between them.

    ``ride_s[i]`` is the sailing time from ``stop_ids[i]`` to ``stop_ids[i + 1]`` (seconds);
    ``headway_s`` is the time between two departures in each direction.
    """

    route_id: str
    name: str
    stop_ids: list[str]
    ride_s: list[int]
    headway_s: int
    length_m: float


@dataclass
class FerryNetwork:
    """Lines and their piers (``stops``: stop_id, stop_name, lon, lat), with notes."""

    lines: list[FerryLine]
    stops: dict[str, tuple[str, float, float]]
    notes: list[str] = field(default_factory=list)


def _osm_ferry_ways(path: Path):
    """Return a GeoDataFrame (osm_id, name, ref, geometry) of the ``route=ferry`` ways."""
    import geopandas as gpd
    import shapely

    with tempfile.TemporaryDirectory(prefix="capacitymetro-ferry-") as tmp:
        xml = path
        osmium = shutil.which("osmium")
        if osmium is not None:
            xml = Path(tmp) / "ferries.osm"
            cmd = [osmium, "tags-filter", str(path), "w/route=ferry", "-f", "osm"]
            result = subprocess.run(
                cmd + ["-o", str(xml), "--overwrite"], capture_output=True, text=True
            )
            if result.returncode != 0:
                raise InputError(
                    f"Cannot read the OSM file {path}: {result.stderr.strip()[:300]}",
                    fix="Check that it is a valid .osm or .osm.pbf extract (try `osmium sort`).",
                    it=f"Impossibile leggere il file OSM {path}: {result.stderr.strip()[:300]}",
                    fix_it="Controlla che sia un estratto .osm o .osm.pbf valido "
                    "(prova `osmium sort`).",
                )
        elif path.suffix.lower() != ".osm":
            raise DataUnavailableError(
                "Reading ferries from .osm.pbf files needs the osmium command (osmium-tool).",
                fix="Install osmium-tool (apt install osmium-tool) or give an .osm XML file.",
                it="Per leggere i traghetti dai file .osm.pbf serve il comando osmium.",
                fix_it="Installa osmium-tool (apt install osmium-tool) o usa un file .osm XML.",
            )
        try:
            root = ET.parse(xml).getroot()
        except (ET.ParseError, OSError) as exc:
            raise InputError(
                f"Cannot read the OSM file {path}: {exc}.",
                fix="Give a valid .osm or .osm.pbf extract.",
                it=f"Impossibile leggere il file OSM {path}: {exc}.",
                fix_it="Indica un estratto .osm o .osm.pbf valido.",
            ) from exc
    nodes = {n.get("id"): (float(n.get("lon")), float(n.get("lat"))) for n in root.iter("node")}
    rows = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if tags.get("route") != "ferry":
            continue
        coords = [nodes[r] for r in (nd.get("ref") for nd in way.iter("nd")) if r in nodes]
        if len(coords) >= 2:
            rows.append(
                {
                    "osm_id": way.get("id"),
                    "name": tags.get("name", ""),
                    "ref": tags.get("ref", ""),
                    "geometry": shapely.LineString(coords),
                }
            )
    return gpd.GeoDataFrame(rows, columns=["osm_id", "name", "ref", "geometry"], crs=4326)


def read_ferry_ways(path):
    """Read ferry lines: the ``route=ferry`` ways of an OSM extract, or every line of a layer.

    Parameters
    ----------
    path
        An ``.osm`` / ``.osm.pbf`` extract (needs osmium-tool for .pbf), or a vector file of
        lines (GeoPackage, GeoJSON...) with optional ``name`` and ``ref`` fields, e.g. lines
        drawn by hand where OSM has none.

    Returns
    -------
    GeoDataFrame
        ``osm_id`` (or the row number), ``name``, ``ref`` and a LineString per way, WGS84.
    """
    from capacitymetro_plugin.core.gio import read_vector

    path = Path(path)
    if not path.exists():
        raise InputError(
            f"Ferry file {path} does not exist.",
            fix="Check the path of the OSM extract or of the layer of ferry lines.",
            it=f"Il file dei traghetti {path} non esiste.",
            fix_it="Controlla il percorso dell'estratto OSM o del layer delle linee.",
        )
    if path.suffix.lower() in OSM_SUFFIXES:
        ways = _osm_ferry_ways(path)
    else:
        ways = read_vector(path).explode(index_parts=False).reset_index(drop=True)
        ways = ways[ways.geometry.geom_type == "LineString"].to_crs(4326)
        for col in ("name", "ref"):
            ways[col] = ways[col].fillna("").astype(str) if col in ways.columns else ""
        ways["osm_id"] = [str(i) for i in range(len(ways))]
        ways = ways[["osm_id", "name", "ref", "geometry"]]
    if not len(ways):
        raise InputError(
            f"{path.name} has no ferry line (OSM: no way with route=ferry).",
            fix="Give an extract that covers the water buses, or a layer of lines.",
            it=f"{path.name} non ha linee di traghetto (OSM: nessuna way con route=ferry).",
            fix_it="Indica un estratto che copra i vaporetti, o un layer di linee.",
        )
    return ways.reset_index(drop=True)


def _headway_for(way, headways: Mapping[str, float], default_min: float) -> float:
    """Minutes between departures: by OSM ref, name or way id in ``headways``, else default."""
    for key in (way.ref, way.name, way.osm_id):
        if key and str(key) in headways:
            return float(headways[str(key)])
    return default_min


def _pier_calls(near: np.ndarray, pos: np.ndarray, dist: np.ndarray, merge_m: float):
    """Return ``[(position, "pier<i>")]``: one call per cluster of piers along the way (piers
    closer than ``merge_m`` to the first of the cluster), at the pier nearest the way."""
    order = near[np.argsort(pos, kind="stable")]
    pos = np.sort(pos, kind="stable")
    calls: list[tuple[float, str]] = []
    start = 0
    while start < len(order):
        stop = start
        while stop + 1 < len(order) and pos[stop + 1] - pos[start] < merge_m:
            stop += 1
        best = min(range(start, stop + 1), key=lambda k: dist[order[k]])
        calls.append((float(pos[best]), f"pier{order[best]}"))
        start = stop + 1
    return calls


def ferry_lines(
    ways,
    piers,
    *,
    headway_min: float = defaults.FERRY_HEADWAY_MIN,
    crossing_headway_min: float = defaults.FERRY_CROSSING_HEADWAY_MIN,
    crossing_max_m: float = defaults.FERRY_CROSSING_MAX_M,
    headways: Mapping[str, float] | None = None,
    speed_kmh: float = defaults.FERRY_SPEED_KMH,
    snap_m: float = defaults.FERRY_SNAP_M,
    merge_m: float = defaults.FERRY_MERGE_M,
    name_field: str = "name",
) -> FerryNetwork:
    """Make a line of every ferry way, calling at the piers along it.

    Parameters
    ----------
    ways
        Ferry lines (:func:`read_ferry_ways`).
    piers
        Points of the piers (GeoDataFrame, any CRS), named by ``name_field``.
    headway_min, crossing_headway_min, crossing_max_m
        Minutes between departures of a line, each direction; ways shorter than
        ``crossing_max_m`` are crossings (a traghetto) with ``crossing_headway_min``.
    headways
        Per line, by OSM ``ref``, ``name`` or way id: ``{"52": 20, "Fusina-Venice": 30}``.
    speed_kmh
        Sailing speed along the way (the stop at each pier is added by the feed).
    snap_m, merge_m
        A pier within ``snap_m`` of a way is on its line; piers closer than ``merge_m`` along
        the way are one call, at the one nearest the way (the others are a walk away). An end of
        a way without a pier gets a pier of its own, shared by the ways that meet there.

    Returns
    -------
    FerryNetwork
    """
    import geopandas as gpd

    headways = {str(k): v for k, v in (headways or {}).items()}
    checks = [(f"headways[{k!r}]", v, 1.0) for k, v in headways.items()] + [
        ("headway_min", headway_min, 1.0),
        ("crossing_headway_min", crossing_headway_min, 1.0),
        ("speed_kmh", speed_kmh, 1e-9),
    ]
    for key, value, least in checks:
        # a headway under a minute would expand into tens of thousands of boats a day
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= least):
            raise InputError(
                f"Ferry {key} = {value!r} is out of range.",
                fix="Give at least 1 minute between departures (headway) and a speed above "
                "0 km/h.",
                it=f"Traghetti: {key} = {value!r} fuori intervallo.",
                fix_it="Indica almeno 1 minuto tra le partenze (frequenza) e una velocità "
                "sopra 0 km/h.",
            )
    piers = gpd.GeoDataFrame(piers).reset_index(drop=True)
    if not len(piers) or not (piers.geometry.geom_type == "Point").all():
        raise InputError(
            "The ferry piers must be a non-empty layer of points.",
            fix="Give the piers (e.g. venezia_fermate_vaporetto_2018.geojson).",
            it="Gli approdi dei traghetti devono essere un layer di punti non vuoto.",
            fix_it="Indica gli approdi (es. venezia_fermate_vaporetto_2018.geojson).",
        )
    crs = gpd.GeoSeries(ways.geometry, crs=ways.crs).estimate_utm_crs()
    ways_m = ways.to_crs(crs).reset_index(drop=True)
    piers_m = piers.to_crs(crs)
    piers_ll = piers.to_crs(4326)
    names = (
        piers[name_field].fillna("").astype(str).tolist()
        if name_field in piers.columns
        else [""] * len(piers)
    )
    stops: dict[str, tuple[str, float, float]] = {}
    ends: dict[tuple[int, int], str] = {}  # way ends without a pier, shared where ways meet
    lines, notes, called = [], [], set()
    far = np.ones(len(piers), dtype=bool)  # farther than snap_m from every way
    speed = speed_kmh / 3.6
    for way in ways_m.itertuples():
        line = way.geometry
        length = float(line.length)
        dist = piers_m.distance(line).to_numpy()
        near = np.flatnonzero(dist <= snap_m)
        far[near] = False
        pos = np.array([line.project(piers_m.geometry.iloc[i]) for i in near])
        crossing = length < crossing_max_m
        calls = [] if crossing else _pier_calls(near, pos, dist, merge_m)
        for end_pos in (0.0, length):
            # a crossing (traghetto) sails from one end to the other, whatever piers are near
            if crossing or not any(abs(p - end_pos) < merge_m for p, _ in calls):
                pt = line.interpolate(end_pos)
                key = (round(pt.x), round(pt.y))
                if key not in ends:
                    ends[key] = f"end{len(ends)}"
                    ll = gpd.GeoSeries([pt], crs=crs).to_crs(4326).iloc[0]
                    label = way.name or way.ref or f"ferry {way.osm_id}"
                    side = ("A" if end_pos == 0.0 else "B") if crossing else "end of line"
                    stops[ends[key]] = (f"{label} ({side})", ll.x, ll.y)
                calls.append((end_pos, ends[key]))
        calls.sort()
        for _, sid in calls:
            if sid.startswith("pier"):
                i = int(sid[4:])
                called.add(i)
                pt = piers_ll.geometry.iloc[i]
                stops[sid] = (names[i] or sid, pt.x, pt.y)
        if len(calls) < 2:
            continue
        hops = np.diff([p for p, _ in calls])
        minutes = _headway_for(way, headways, crossing_headway_min if crossing else headway_min)
        label = way.ref or way.name or f"ferry {way.osm_id}"
        lines.append(
            FerryLine(
                route_id=f"w{way.osm_id}",
                name=label,
                stop_ids=[sid for _, sid in calls],
                ride_s=[max(1, math.ceil(h / speed)) for h in hops],
                headway_s=int(round(minutes * 60)),
                length_m=length,
            )
        )
    unused = np.flatnonzero(far)
    if unused.size:
        listed = ", ".join(names[i] or str(i) for i in unused[:10])
        notes.append(
            f"{unused.size} of {len(piers)} piers are farther than {snap_m:g} m from every "
            f"ferry line and are not served (e.g. {listed}) / {unused.size} approdi su "
            f"{len(piers)} distano più di {snap_m:g} m da ogni linea e non sono serviti "
            f"(es. {listed})"
        )
    merged = len(piers) - unused.size - len(called)
    if merged:
        notes.append(
            f"{merged} piers near a line are within {merge_m:g} m of another pier of it (the one nearest the way): "
            f"boats call at that one, these are reached on foot / {merged} approdi vicini a "
            f"una linea distano meno di {merge_m:g} m da un altro approdo della linea: le "
            "barche fermano a quello, questi si raggiungono a piedi"
        )
    return FerryNetwork(lines=lines, stops=stops, notes=notes)


def _csv(header: str, rows) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return buf.getvalue()


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def write_ferry_gtfs(
    network: FerryNetwork,
    folder,
    *,
    service: tuple[str | float, str | float] = defaults.FERRY_SERVICE,
    dwell_s: int = defaults.FERRY_DWELL_S,
) -> Path:
    """Write ``network`` as a GTFS folder: every line both ways, every day, by frequency.

    Each direction is a template trip leaving its first pier at ``service[0]``; in
    ``frequencies.txt`` (``exact_times=1``) it leaves every headway up to ``service[1]``. At
    each intermediate pier the boat stops ``dwell_s`` seconds.
    """
    start = parse_clock(service[0], what="ferry service start")
    end = parse_clock(service[1], what="ferry service end")
    if end <= start:
        raise InputError(
            f"Ferry service end {service[1]!r} is not after its start {service[0]!r}.",
            fix='Give the hours of the water buses, e.g. ("06:00", "23:00").',
            it=f"La fine del servizio dei traghetti {service[1]!r} non è dopo l'inizio "
            f"{service[0]!r}.",
            fix_it='Indica l\'orario dei vaporetti, es. ("06:00", "23:00").',
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    routes, trips, stop_times, freqs = [], [], [], []
    for line in network.lines:
        routes.append((line.route_id, "ferry", line.name, "4"))
        for direction, (seq, rides) in enumerate(
            [(line.stop_ids, line.ride_s), (line.stop_ids[::-1], line.ride_s[::-1])]
        ):
            trip = f"{line.route_id}_{direction}"
            trips.append((line.route_id, "daily", trip, str(direction)))
            t = start
            for k, sid in enumerate(seq):
                if k:
                    t += rides[k - 1]
                dep = t + (dwell_s if 0 < k < len(seq) - 1 else 0)
                stop_times.append((trip, _hms(t), _hms(dep), sid, str(k + 1)))
                t = dep
            freqs.append((trip, _hms(start), _hms(end), str(line.headway_s), "1"))
    files = {
        "agency.txt": _csv(
            "agency_id,agency_name,agency_url,agency_timezone",
            [
                (
                    "ferry",
                    "Ferries by headway (synthetic)",
                    "https://www.openstreetmap.org",
                    "Europe/Rome",
                )
            ],
        ),
        "stops.txt": _csv(
            "stop_id,stop_name,stop_lat,stop_lon",
            [(sid, n, f"{lat:.7f}", f"{lon:.7f}") for sid, (n, lon, lat) in network.stops.items()],
        ),
        "routes.txt": _csv("route_id,agency_id,route_short_name,route_type", routes),
        "trips.txt": _csv("route_id,service_id,trip_id,direction_id", trips),
        "stop_times.txt": _csv(
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence", stop_times
        ),
        "frequencies.txt": _csv("trip_id,start_time,end_time,headway_secs,exact_times", freqs),
        "calendar.txt": _csv(
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date",
            [("daily", *["1"] * 7, "20000101", "20991231")],
        ),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ferry_feed(
    ways_path,
    piers_path,
    *,
    feed_id: str = "ferry",
    service: tuple[str | float, str | float] = defaults.FERRY_SERVICE,
    progress=None,
    **options,
) -> tuple[GtfsFeed, FerryNetwork]:
    """Read ferry ways and piers and return the synthetic feed (checked by :func:`read_gtfs`).

    ``options`` go to :func:`ferry_lines` (``headway_min``, ``headways``, ``speed_kmh``...),
    except ``dwell_s`` (to :func:`write_ferry_gtfs`).
    """
    from capacitymetro_plugin.core.gio import read_vector

    ways = read_ferry_ways(ways_path)
    piers = read_vector(piers_path)
    dwell_s = options.pop("dwell_s", defaults.FERRY_DWELL_S)
    network = ferry_lines(ways, piers, **options)
    with tempfile.TemporaryDirectory(prefix="capacitymetro-ferry-gtfs-") as tmp:
        write_ferry_gtfs(network, tmp, service=service, dwell_s=dwell_s)
        feed = read_gtfs(tmp, feed_id=feed_id, progress=progress)
    feed.source = f"{Path(ways_path).name} + {Path(piers_path).name}"
    return feed, network


def ferry_layers(ways_path, piers_path, **options):
    """Return the ferry ways that became lines and the piers they call at, for a map.

    The same reading and snapping as :func:`ferry_feed` (``options`` go to :func:`ferry_lines`),
    so the map draws exactly the water buses the routing used.

    Returns
    -------
    tuple of GeoDataFrame
        ``lines``: ``route_id``, ``osm_id``, ``name``, ``ref``, ``headway_min``, ``crossing``
        (a traghetto, shorter than ``crossing_max_m``), ``piers`` (calls), ``length_m``;
        ``piers``: ``stop_id``, ``name``, ``kind`` (``pier`` from the layer of piers, or
        ``end`` for the end of a way without one), ``lines`` (how many call there). WGS84.
    """
    import geopandas as gpd
    import shapely

    from capacitymetro_plugin.core.gio import read_vector

    ways = read_ferry_ways(ways_path)
    options.pop("dwell_s", None)
    crossing_max_m = options.get("crossing_max_m", defaults.FERRY_CROSSING_MAX_M)
    network = ferry_lines(ways, read_vector(piers_path), **options)
    by_id = {f"w{w.osm_id}": w for w in ways.itertuples()}
    lines = gpd.GeoDataFrame(
        [
            {
                "route_id": line.route_id,
                "osm_id": by_id[line.route_id].osm_id,
                "name": by_id[line.route_id].name,
                "ref": by_id[line.route_id].ref,
                "headway_min": line.headway_s / 60.0,
                "crossing": line.length_m < crossing_max_m,
                "piers": len(line.stop_ids),
                "length_m": round(line.length_m, 1),
                "geometry": by_id[line.route_id].geometry,
            }
            for line in network.lines
        ],
        columns=["route_id", "osm_id", "name", "ref", "headway_min", "crossing", "piers",
                 "length_m", "geometry"],
        crs=4326,
    )  # fmt: skip
    calls: dict[str, int] = {}
    for line in network.lines:
        for sid in dict.fromkeys(line.stop_ids):  # in calling order: the same rows every run
            calls[sid] = calls.get(sid, 0) + 1
    piers = gpd.GeoDataFrame(
        [
            {
                "stop_id": sid,
                "name": name,
                "kind": "pier" if sid.startswith("pier") else "end",
                "lines": n,
                "geometry": shapely.Point(*network.stops[sid][1:]),
            }
            for sid, n in calls.items()
            for name in [network.stops[sid][0]]
        ],
        columns=["stop_id", "name", "kind", "lines", "geometry"],
        crs=4326,
    )
    return lines, piers
