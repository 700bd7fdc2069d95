"""Transit minutes for the bussola's "near me", precomputed with the transit engine (issue 16).

On the very grid of :mod:`.walk` (:func:`~.walk.placed_services`: same cells, same placed
services, approximate ones at their hexagon's centre, hidden ones never), the engine's
door-to-door time by public transport (:func:`~capacitymetro_plugin.core.transit.load_timetable`
and :func:`~capacitymetro_plugin.core.transit.transit_service_times`: walk to a stop, wait,
rides, walk to the service) from each cell centre to each service, for departures every
``step_min`` minutes of a window on one service date, and the **median over those departures**
(nearest rank, as the engine's percentiles). Only journeys with at least one ride count: the
site shows walking beside it and ranks by the faster of the two, so "by bus/tram" never hides a
walk. Stored in tenths of a minute, ``-1`` unreached within :data:`CUTOFF_MIN` (at the median).

Walking to, from and between stops uses the site's walking network when publish has one, else
straight lines × the engine's detour factor (said in ``walk_source``).

Cost: one range-RAPTOR search per cell that has a stop within walking distance, over the
window's departures. With :data:`STEP_MIN` = 10 (6 departures in an hour) a Mestre site
publishes in about 20-30 s on a 2-CPU machine (1,000-1,400 cells; docs/bussola.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .walk import CELL_M, CUTOFF_MIN, placed_services, tenths

# a departure every 10 minutes: 6 searches per cell for an hour's window. The engine's default,
# every minute, costs 10 times as much; on Mestre, step 5 instead of 10 moves the median by
# 1 minute typically, 4 at the 90th percentile (docs/bussola.md)
STEP_MIN = 10.0
WINDOW = defaults.TRANSIT_WINDOW  # 08:00-09:00, the engine's
# "by bus/tram" means at least one ride: walking all the way is what walk.js says. The engine
# counts a direct walk up to max_direct_walk_min; one second leaves only rides (a positive
# value is what the engine accepts).
_NO_DIRECT_WALK_MIN = 1 / 60
_KEYS = {"feeds", "date", "window", "step_min", "ferries", "cutoff_min"}


def parse_window(text: str) -> tuple[str, str]:
    """Return ``("08:00", "09:00")`` from ``"08:00-09:00"`` (the doors' text form)."""
    parts = [p.strip() for p in str(text).replace("–", "-").split("-")]
    if len(parts) != 2 or not all(parts):
        raise InputError(
            f"Departure window {text!r} is not 'HH:MM-HH:MM'.",
            fix="Write the window as start-end, e.g. 08:00-09:00.",
            it=f"La finestra di partenza {text!r} non è 'HH:MM-HH:MM'.",
            fix_it="Scrivi la finestra come inizio-fine, es. 08:00-09:00.",
        )
    return parts[0], parts[1]


def transit_request(
    feeds,
    date: str | None,
    window: str | None = None,
    step_min: float | None = None,
    ferries: dict | None = None,
) -> dict | None:
    """Return publish's ``transit`` from what a door asks (the CLI's ``--gtfs``, ``--date``,
    ``--window 08:00-09:00``, ``--ferry-piers``; Processing's parameters): None without feeds
    or ferries. ``ferries`` is :func:`ferry_request`'s (water buses by headway).

    Raises
    ------
    InputError
        A date or window without a feed, or feeds without a date.
    """
    feeds = [str(f) for f in (feeds or []) if str(f).strip()]
    if not feeds and not ferries:
        if date or window:
            raise InputError(
                "A service date or departure window was given without a GTFS feed.",
                fix="Give the GTFS feed(s) too (--gtfs FEED), or leave the date and window out.",
                it="Data di servizio o finestra di partenza indicate senza un feed GTFS.",
                fix_it="Indica anche il feed GTFS (--gtfs FEED), oppure ometti data e finestra.",
            )
        return None
    if not date:
        raise InputError(
            "Transit times need a service date within the feed's calendar.",
            fix="Give the day, e.g. --date 2025-11-19 (a weekday the feed runs).",
            it="I tempi in mezzo pubblico richiedono una data di servizio nel calendario del feed.",
            fix_it="Indica il giorno, es. --date 2025-11-19 (un feriale in cui il feed è valido).",
        )
    request = {
        "feeds": feeds,
        "date": str(date),
        "window": parse_window(window or "-".join(WINDOW)),
    }
    if ferries:
        request["ferries"] = ferries
    if step_min:
        request["step_min"] = float(step_min)
    return request


def ferry_request(osm_file, piers, headway_min: float | None = None) -> dict | None:
    """Return the water buses by headway a door asks for: the ferry ways of the OpenStreetMap
    extract ``osm_file``, calling at the stop places ``piers`` (GeoJSON or GeoPackage), a boat
    every ``headway_min`` minutes (default 20; the ferry engine checks it); None without
    ``piers``.

    Raises
    ------
    InputError
        Piers without an extract (the ways come from it).
    """
    if not piers or not str(piers).strip():
        return None
    if not osm_file or not str(osm_file).strip():
        raise InputError(
            "Water-bus stops were given without the OpenStreetMap extract whose ferry routes "
            "join them.",
            fix="Give the area's OpenStreetMap extract (.osm.pbf) too, or leave the stops out.",
            it="Fermate del vaporetto indicate senza l'estratto OpenStreetMap con le rotte dei "
            "traghetti che le collegano.",
            fix_it="Indica anche l'estratto OpenStreetMap dell'area (.osm.pbf), o ometti le "
            "fermate.",
        )
    headway = defaults.FERRY_HEADWAY_MIN if headway_min is None else float(headway_min)
    return {"ways": str(osm_file), "piers": str(piers), "headway_min": headway}


def _options(transit: Mapping) -> dict:
    unknown = set(transit) - _KEYS
    if unknown or not (transit.get("feeds") or transit.get("ferries")) or not transit.get("date"):
        raise InputError(
            f"Transit for the bussola needs 'feeds' and 'date' (got {sorted(transit)}).",
            fix="Give {'feeds': [GTFS zips], 'date': 'YYYY-MM-DD', 'window': ('08:00', "
            "'09:00'), 'step_min': 10} (window and step optional; also 'ferries', "
            "'cutoff_min').",
            it=f"Il trasporto pubblico della bussola richiede 'feeds' e 'date' (ricevuti "
            f"{sorted(transit)}).",
            fix_it="Indica {'feeds': [zip GTFS], 'date': 'AAAA-MM-GG', 'window': ('08:00', "
            "'09:00'), 'step_min': 10} (finestra e passo facoltativi; anche 'ferries', "
            "'cutoff_min').",
        )
    window = transit.get("window") or WINDOW
    if isinstance(window, str):
        window = parse_window(window)
    feeds = transit.get("feeds") or []  # none: water buses by headway only (Venice)
    feeds = [feeds] if isinstance(feeds, (str, Path)) else list(feeds)
    return {
        "feeds": [str(f) for f in feeds],
        "date": str(transit["date"]),
        "window": (str(window[0]), str(window[1])),
        "step_min": float(transit.get("step_min") or STEP_MIN),
        "ferries": transit.get("ferries"),
        "cutoff_min": float(transit.get("cutoff_min") or CUTOFF_MIN),
    }


def route_mode(route_type) -> str:
    """Return "bus", "tram", "metro", "rail", "ferry" or "other" for a GTFS ``route_type``
    (basic or extended: 700s bus, 900s tram, 1200 ferry...)."""
    try:
        t = int(str(route_type).strip())
    except ValueError:
        return "other"
    if t in (0, 5) or 900 <= t < 1000:
        return "tram"
    if t == 1 or 400 <= t < 500:
        return "metro"
    if t == 2 or 100 <= t < 200:
        return "rail"
    if t in (3, 11) or 200 <= t < 300 or 700 <= t < 900:
        return "bus"  # coaches, trolleybuses
    if t == 4 or 1000 <= t < 1300:
        return "ferry"
    return "other"


def feed_modes(path) -> list[str]:
    """The modes of a GTFS feed's routes (``routes.txt``), sorted; [] if it has none."""
    import io
    import zipfile

    import pandas as pd

    path = Path(path)
    try:  # the engine has read the feed already: a file it took is one pandas reads
        if path.is_dir():
            data = (path / "routes.txt").read_bytes() if (path / "routes.txt").exists() else b""
        else:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if Path(n).name == "routes.txt"]
                data = zf.read(names[0]) if names else b""
        if not data:
            return []
        routes = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (OSError, zipfile.BadZipFile, ValueError, pd.errors.ParserError):
        return []  # unknown modes: the site says "public transport"
    routes.columns = [c.strip() for c in routes.columns]
    if "route_type" not in routes.columns:
        return []
    return sorted({route_mode(t) for t in routes["route_type"]})


def transit_minutes(
    services: list[dict],
    transit: Mapping,
    *,
    network=None,
    cell_m: float = CELL_M,
    progress: Progress | None = None,
) -> dict | None:
    """Return what ``data/transit.js`` holds for the site's ``services``, or None if none is
    placed.

    Parameters
    ----------
    services
        The site's services as published (``site_data()["services"]``).
    transit
        ``{"feeds": [GTFS zips or folders], "date": "YYYY-MM-DD", "window": ("08:00",
        "09:00") or "08:00-09:00", "step_min": 10}``; optional ``"ferries"`` (as
        :func:`~capacitymetro_plugin.core.transit.load_timetable` takes them) and
        ``"cutoff_min"`` (60).
    network
        The site's walking network (walks to and from stops), or None for straight lines.

    Returns
    -------
    dict
        ``grid``, ``ids``, ``tenths_min`` as walk.js, plus what a reader must be told:
        ``date``, ``window``, ``step_min``, ``departures``, ``statistic`` ("median"),
        ``feeds`` (name, first and last day), ``walk_source`` and the walking speed and
        detour factor of straight-line walks.

    Raises
    ------
    InputError
        The engine's: a broken feed, a date outside it or a window without service...
    """
    from capacitymetro_plugin.core.transit import load_timetable, parse_clock
    from capacitymetro_plugin.core.transit import transit_service_times as service_times
    from capacitymetro_plugin.core.transit.raptor import DETOUR_FACTOR, WALK_SPEED_KMH

    progress = ensure(progress)
    opts = _options(transit)
    placed = placed_services(services, network=network, cell_m=cell_m)
    if placed is None:
        return None
    grid, origins, dest = placed
    timetable, notes = load_timetable(
        opts["feeds"], date=opts["date"], ferries=opts["ferries"], progress=progress.step(0, 0.2)
    )
    for note in notes:
        progress.info(note)
    times = service_times(
        timetable, origins, dest, network=network, id_field="id",
        departure_start_s=parse_clock(opts["window"][0], what="window start"),
        departure_end_s=parse_clock(opts["window"][1], what="window end"),
        step_s=opts["step_min"] * 60.0, percentiles=(50.0,), percentile=50.0,
        cutoff_min=opts["cutoff_min"], max_direct_walk_min=_NO_DIRECT_WALK_MIN,
        progress=progress.step(0.2, 1.0),
    )  # fmt: skip
    feeds = []
    for path, fid in zip(opts["feeds"], timetable.feed_ids):
        span = timetable.feed_dates.get(fid)
        entry = {"name": Path(path).name, "modes": feed_modes(path)}
        if span:
            entry.update({"from": span[0].isoformat(), "to": span[1].isoformat()})
        feeds.append(entry)
    if notes:
        # the water buses by headway: OpenStreetMap's ferry ways, no timetable and no dates (the
        # synthetic feed runs "every day"); the site says their times are an estimate
        feeds.append({"name": "OpenStreetMap", "modes": ["ferry"], "headway": True})
    return {
        "grid": grid,
        "ids": [str(x) for x in times.service_ids],
        "tenths_min": tenths(times.minutes),  # per service, per cell; -1 unreached
        "cutoff_min": opts["cutoff_min"],
        "date": timetable.date.isoformat(),
        "window": list(opts["window"]),
        "step_min": opts["step_min"],
        "departures": int(times.departures_s.size),
        "statistic": "median",  # over the window's departures, nearest rank
        "feeds": feeds,
        # what the site may call the vehicles: "bus/tram" only when those are all there is
        "modes": sorted({m for f in feeds for m in f["modes"]}),
        "headway": bool(notes),  # some times rest on headways, not on a timetable: estimates
        "walk_source": times.walk_source,
        "walk_kmh": WALK_SPEED_KMH,
        "detour": DETOUR_FACTOR,
    }
