"""Door-to-door transit travel times to services, as the cost table coverage takes.

:func:`transit_service_times` returns a :class:`TransitServiceTimes`, which *is* a
:class:`capacitymetro_plugin.core.coverage.ServiceTimes` (minutes per service × origin, at one
chosen percentile over the departure window), so coverage, gaps, E2SFCA and language access run
on transit costs unchanged. It also keeps every percentile, and for named groups of services
(a sector) the percentiles of the time to the *nearest* of the group, taken per departure
before the percentile: the nearest service may differ from one departure to the next, so the
median of the minimum is not the minimum of the medians.

Travel time = walk to a stop + wait + rides + walks between rides + walk to the service, from
the departure minute (waiting at the origin included); or walking all the way, whichever is
shorter. Walks come from :func:`capacitymetro_plugin.core.transit.street.walks`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.coverage.coverage import MAX_MATRIX_VALUES, ServiceTimes
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure
from capacitymetro_plugin.core.registry.schedule import stay_minutes

from .frequencies import draw_offsets, frequency_draws_note, phased_timetable
from .gtfs import Timetable
from .profile import TargetProfiles
from .raptor import (
    DETOUR_FACTOR,
    UNREACHED,
    WALK_SPEED_KMH,
    _check_window,
    nearest_rank_percentiles,
    range_arrivals,
)
from .street import walks

DEFAULT_PERCENTILES = defaults.TRANSIT_PERCENTILES


@dataclass
class TransitServiceTimes(ServiceTimes):
    """:class:`ServiceTimes` by transit, with every percentile and the nearest of each group.

    Attributes
    ----------
    minutes
        (n_services, n_origins) float32 minutes at ``percentile`` (inf where unreached).
    percentiles, by_percentile
        The percentiles and the minutes at each, (n_percentiles, n_services, n_origins).
    group_minutes
        Per group name, (n_percentiles, n_origins): the time to the nearest service of the
        group, per departure, then the percentiles.
    walk_source
        ``"street"`` or ``"straight_line"`` (no network: line × detour factor).
    departures_s, warnings
        The window's departures; GTFS and walking warnings (also in ``notes``).
    frequency_draws, frequency_offsets
        The random draws pooled (0: none, the timetable as expanded) and, per draw, the phase
        (s) of each ``exact_times=0`` entry (``Timetable.frequency_entries``), (draws, entries).
    """

    percentile: float = 50.0
    percentiles: tuple = DEFAULT_PERCENTILES
    by_percentile: np.ndarray = None  # type: ignore[assignment]
    group_rows: dict = field(default_factory=dict)
    group_minutes: dict = field(default_factory=dict)
    walk_source: str = "street"
    departures_s: np.ndarray = None  # type: ignore[assignment]
    warnings: list = field(default_factory=list)
    frequency_draws: int = 0
    frequency_offsets: np.ndarray = None  # type: ignore[assignment]

    def nearest_minutes(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Minutes to the nearest of ``rows`` at ``percentile``: per departure when ``rows``
        is one of the groups computed, else the least of the services' percentiles."""
        key = tuple(sorted(int(r) for r in rows))
        for name, grows in self.group_rows.items():
            if grows == key:
                return self.group_minutes[name][self.percentiles.index(self.percentile)]
        return super().nearest_minutes(rows)


def _lonlat(gdf, *, what: str) -> np.ndarray:
    from capacitymetro_plugin.core.network.snapping import point_xy

    if gdf is None or len(gdf) == 0:
        point_xy(gdf, what=what)  # the named empty-layer error
    if gdf.crs is None:
        from capacitymetro_plugin.core.network.snapping import to_network_crs

        to_network_crs(gdf, None, what=what)  # the named no-CRS error
    return point_xy(gdf.to_crs(4326), what=what)


def _check_percentiles(percentiles, percentile) -> tuple[tuple[float, ...], float]:
    pct = tuple(float(p) for p in percentiles)
    if not pct or any(not (0 < p <= 100) for p in pct) or float(percentile) not in pct:
        raise InputError(
            f"Percentiles {list(percentiles)} (coverage at {percentile}) are not valid.",
            fix="Give percentiles between 1 and 100, e.g. 5, 25, 50, 75, 95, including the one "
            "coverage uses (50 by default).",
            it=f"I percentili {list(percentiles)} (copertura al {percentile}) non sono validi.",
            fix_it="Indica percentili tra 1 e 100, es. 5, 25, 50, 75, 95, compreso quello "
            "usato per la copertura (50 di norma).",
        )
    return pct, float(percentile)


def _no_service_error(timetable: Timetable, deps: np.ndarray) -> None:
    """Refuse a window in which no trip of the day departs (a silent 'walk only' otherwise)."""
    a, b = int(deps.min()), int(deps.max()) + 3 * 3600
    running = timetable.st_dep.size and bool(
        ((timetable.st_dep >= a) & (timetable.st_dep <= b)).any()
    )
    if running:
        return
    told = "; ".join(str(w) for w in timetable.warnings) or "no trip departs in that window"
    told_it = (
        "; ".join(w.italian() if hasattr(w, "italian") else str(w) for w in timetable.warnings)
        or "nessuna corsa parte in quella finestra"
    )
    raise InputError(
        f"No transit runs on {timetable.date} between {_hhmm(a)} and {_hhmm(b)} "
        f"(feeds {', '.join(timetable.feed_ids)}): {told}.",
        fix="Choose a date within the feed's calendar and a window with service, or a newer feed.",
        it=f"Nessun mezzo pubblico il {timetable.date} tra le {_hhmm(a)} e le {_hhmm(b)} "
        f"(feed {', '.join(timetable.feed_ids)}): {told_it}.",
        fix_it="Scegli una data del calendario del feed e una finestra con corse, o un feed "
        "più recente.",
    )


def _hhmm(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


_BLOCK_VALUES = 2_000_000  # departures × origins × services per block of origins


def _use_backward(method: str, egress_s: np.ndarray, n_services: int, n_origins: int) -> bool:
    """Choose the search: one backward profile search for all the services, or one forward
    range search per origin. The backward one is exact only for whole-second egress walks
    (which :func:`~.street.walks` gives); ``"auto"`` takes it when it is exact and cheaper
    (on ACTV each service costs about what one origin costs forward, 40–70 ms, so twice as
    many origins as services leaves a margin)."""
    if method not in ("auto", "backward", "forward"):
        raise InputError(
            f"Transit search method {method!r} is not one of auto, backward, forward.",
            fix='Use "auto" (the default), "backward" or "forward".',
            it=f"Il metodo di ricerca {method!r} non è auto, backward o forward.",
            fix_it='Usa "auto" (predefinito), "backward" o "forward".',
        )
    whole = bool(np.all(egress_s == np.round(egress_s)))
    if method == "backward" and not whole:
        raise InputError(
            "The backward search needs egress walks in whole seconds.",
            fix='Use method="auto" or "forward", or round the egress walks up to seconds.',
            it="La ricerca all'indietro richiede tempi di uscita in secondi interi.",
            fix_it='Usa method="auto" o "forward", o arrotonda i tempi di uscita ai secondi.',
        )
    if method == "auto":
        return whole and 2 * n_services <= n_origins
    return method == "backward"


@dataclass(eq=False)
class _WindowSearch:
    """The rides of one block of origins over the window, on one timetable (or draw): the
    walk all the way, then the backward profiles read at the access stops, or one forward
    range search per origin; shape ``(departures, origins of the block, services)``."""

    access: tuple  # (point, stop, seconds) sorted by point, and each point's start in them
    egress: tuple  # (point, stop, seconds) sorted by point, and each point's first link
    direct_s: np.ndarray
    deps: np.ndarray
    backward: bool
    range_kw: dict

    def times(self, tt: Timetable, profiles, o0: int, o1: int, progress) -> np.ndarray:
        a_pt, a_stop, a_s, starts = self.access
        e_pt, e_stop, e_s, seg = self.egress
        deps = self.deps
        times = np.broadcast_to(
            self.direct_s[None, o0:o1], (deps.size, o1 - o0, self.direct_s.shape[1])
        ).copy()
        if profiles is not None:
            lo, hi = starts[o0], starts[o1]
            links = (a_pt[lo:hi] - o0, a_stop[lo:hi], a_s[lo:hi])
            via = profiles.arrivals(links, deps, o1 - o0).transpose(1, 0, 2)
            np.minimum(times, via - deps[:, None, None], out=times)
        elif not self.backward:
            for o in range(o0, o1):
                progress.check()  # cancel between origins
                lo, hi = starts[o], starts[o + 1]
                if hi > lo and e_pt.size:
                    res = range_arrivals(
                        tt, origin_stops=a_stop[lo:hi], access_s=a_s[lo:hi], **self.range_kw
                    )
                    ride = res.ride_arrival_s[:, e_stop].astype(float)
                    ride[ride >= UNREACHED] = np.inf
                    cand = np.minimum.reduceat(ride + e_s[None, :], seg, axis=1)
                    i = o - o0
                    times[:, i, e_pt[seg]] = np.minimum(
                        times[:, i, e_pt[seg]], cand - deps[:, None]
                    )
        return times


def _draw_offsets(timetable: Timetable, draws, seed) -> np.ndarray | None:
    """The phases of ``draws`` random draws of the ``exact_times=0`` frequency entries,
    (draws, entries) seconds (seeded: reproducible), or None: the window runs once, on
    ``timetable`` as expanded (no draws asked, or no such entry)."""
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 0:
        raise InputError(
            f"frequency_draws = {draws!r} is not a whole number ≥ 0.",
            fix="Give the number of random draws of the frequency-based trips' phase, e.g. "
            "10 (0: run them as if exact).",
            it=f"frequency_draws = {draws!r} non è un numero intero ≥ 0.",
            fix_it="Indica quante estrazioni casuali della fase delle corse a frequenza, es. "
            "10 (0: trattale come esatte).",
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(
            f"seed = {seed!r} is not a whole number ≥ 0.",
            fix="Give a whole number, e.g. 0: the same seed gives the same draws.",
            it=f"seed = {seed!r} non è un numero intero ≥ 0.",
            fix_it="Indica un numero intero, es. 0: lo stesso seme dà le stesse estrazioni.",
        )
    fe = timetable.frequency_entries
    if draws == 0 or fe is None or fe.n_entries == 0:
        return None
    rng = np.random.default_rng(int(seed))  # one draw after the other, as draw_timetable
    return np.array([draw_offsets(fe, rng) for _ in range(int(draws))], dtype=np.int64)


def transit_service_times(
    timetable: Timetable,
    origins,
    services,
    *,
    network=None,
    id_field: str | None = None,
    departure_start_s: float,
    departure_end_s: float,
    step_s: float = defaults.TRANSIT_STEP_MIN * 60.0,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    percentile: float = defaults.TRANSIT_PERCENTILE,
    groups: Mapping[str, Sequence[int]] | None = None,
    max_rides: int | None = defaults.TRANSIT_MAX_RIDES,
    max_walk_min: float = defaults.TRANSIT_MAX_WALK_MIN,
    max_direct_walk_min: float | None = None,
    cutoff_min: float | None = None,
    max_snap_m: float = 250.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
    open_on_arrival: bool = False,
    open_stay_min: int = 0,
    method: str = "auto",
    frequency_draws: int = defaults.TRANSIT_FREQUENCY_DRAWS,
    seed: int = defaults.TRANSIT_FREQUENCY_SEED,
    progress: Progress | None = None,
) -> TransitServiceTimes:
    """Compute door-to-door transit times from every origin to every service over a window.

    Parameters
    ----------
    timetable
        The service day (:func:`build_timetable`).
    origins, services
        GeoDataFrames of points (cell centres, zone centroids; services), any CRS.
    network
        A walking network for access, egress and footpaths; None for straight lines × ``detour``
        (the result's ``walk_source`` is then ``"straight_line"``).
    id_field
        Field naming each service (default: its position).
    departure_start_s, departure_end_s, step_s
        Departures from start (included) to end (excluded), seconds since midnight.
    percentiles, percentile
        Percentiles over the departures (nearest rank, as R5); ``minutes`` holds ``percentile``.
    groups
        Named lists of service rows (e.g. a sector's), for the time to the nearest of each.
    max_rides, max_walk_min, max_direct_walk_min
        Most vehicles boarded; longest walk to, from or between stops; longest walk all the way
        (default: ``cutoff_min``, so walking counts as far as any trip and no time by transit
        is longer than on foot; without a cutoff 30 min, ``TRANSIT_MAX_DIRECT_WALK_MIN``).
    open_on_arrival
        Count a service for a departure only if it is open on arrival (its ``opening_hours``
        on the timetable's date, at the departure + the door-to-door time, floored to the
        minute); services without readable hours are kept and counted in a note, as on foot.
    open_stay_min
        With ``open_on_arrival``: the service must also stay open that many minutes from the
        arrival (time to be received: an office closing at 15:00 does not count for an
        arrival at 14:55 with 10 minutes); 0 checks the minute of arrival alone.
    cutoff_min
        Times above it become inf.
    method
        ``"backward"``: one backward profile search from all the services
        (:class:`~.profile.TargetProfiles`), read at every origin's access stops;
        ``"forward"``: one range RAPTOR per origin. Both give the same times to the second;
        ``"auto"`` (default) takes the backward one when there are at least twice as many
        origins as services (and the egress walks are whole seconds, as :func:`walks` gives).
    frequency_draws, seed
        ``frequency_draws`` random draws of the phase of the ``exact_times=0`` frequency
        entries (:func:`~.frequencies.draw_timetable`, a numpy Generator seeded with
        ``seed``); the window runs on each draw and the percentiles are taken over every
        departure of every draw (as R5's Monte Carlo draws: 5 draws of a 60-minute window are
        300 samples). 0 (default), or a timetable without such entries: the timetable as
        expanded (first trip at ``start_time``), one run.

    Returns
    -------
    TransitServiceTimes
        A :class:`ServiceTimes` for coverage, with every percentile and group kept.

    Raises
    ------
    InputError
        No transit at all in the window (e.g. a date outside the feed), bad percentiles.
    """
    progress = ensure(progress)
    if max_direct_walk_min is None:
        max_direct_walk_min = cutoff_min or defaults.TRANSIT_MAX_DIRECT_WALK_MIN
    deps = _check_window(departure_start_s, departure_end_s, step_s)
    pct, chosen = _check_percentiles(percentiles, percentile)
    _no_service_error(timetable, deps)
    offsets = _draw_offsets(timetable, frequency_draws, seed)
    n_runs = 1 if offsets is None else len(offsets)
    o_ll = _lonlat(origins, what="origins")
    s_ll = _lonlat(services, what="services")
    n_o, n_s = o_ll.shape[0], s_ll.shape[0]
    if n_s * n_o * deps.size * n_runs > 4 * MAX_MATRIX_VALUES:
        many = f" × {n_runs} draws" if offsets is not None else ""
        many_it = f" × {n_runs} estrazioni" if offsets is not None else ""
        raise InputError(
            f"{n_s} services × {n_o} origins × {deps.size} departures{many} is too large.",
            fix="Use larger cells, fewer services (a sector), a longer step or fewer draws.",
            it=f"{n_s} servizi × {n_o} origini × {deps.size} partenze{many_it}: troppo grande.",
            fix_it="Usa celle più grandi, meno servizi (un settore), un passo più lungo o meno "
            "estrazioni.",
        )
    w = walks(
        timetable, o_ll, s_ll, network=network, max_walk_s=max_walk_min * 60.0,
        max_direct_walk_s=max_direct_walk_min * 60.0, max_snap_m=max_snap_m,
        walk_speed_kmh=walk_speed_kmh, detour=detour, progress=progress.step(0.0, 0.1),
    )  # fmt: skip
    groups = {str(k): tuple(sorted(int(r) for r in v)) for k, v in (groups or {}).items()}
    by_pct = np.full((len(pct), n_s, n_o), np.inf, dtype=np.float32)
    g_min = {g: np.full((len(pct), n_o), np.inf) for g in groups}
    e_pt, e_stop, e_s = (np.asarray(a) for a in w.egress)
    order = np.argsort(e_pt, kind="stable")
    e_pt, e_stop, e_s = e_pt[order], e_stop[order], e_s[order].astype(float)
    seg = np.flatnonzero(np.r_[True, e_pt[1:] != e_pt[:-1]]) if e_pt.size else e_pt
    a_pt, a_stop, a_s = (np.asarray(a) for a in w.access)
    starts = np.searchsorted(a_pt, np.arange(n_o + 1))
    open_mask, no_hours = None, 0
    if open_on_arrival:
        open_mask, no_hours = _open_minutes(services, timetable.date, stay_minutes(open_stay_min))
    backward = _use_backward(method, e_s, n_s, n_o)
    deps_all = np.tile(deps, n_runs)  # every draw's departures, pooled before percentiles
    block = max(1, min(n_o, _BLOCK_VALUES // max(deps_all.size * n_s, 1)))
    # several blocks read the same draws (their profiles, or timetables for the forward
    # search); with one block each draw is built, used and dropped
    keep = block < n_o
    drawn: dict[int, Timetable] = {}
    prof_kw = dict(
        egress=(e_pt, e_stop, e_s.astype(np.int64)), n_targets=n_s, footpaths=w.footpaths,
        max_rides=max_rides, t_min=int(deps.min()),
        # with a cut-off, no trip after the last departure + the cut-off can give a time kept
        t_max=None if cutoff_min is None else int(deps.max() + math.ceil(cutoff_min * 60.0)),
    )  # fmt: skip
    profiles: dict[int, TargetProfiles] = {}
    search = _WindowSearch(
        access=(a_pt, a_stop, a_s, starts), egress=(e_pt, e_stop, e_s, seg), direct_s=w.direct_s,
        deps=deps, backward=backward, range_kw=dict(
            departure_start_s=departure_start_s, departure_end_s=departure_end_s,
            step_s=step_s, max_rides=max_rides, footpaths=w.footpaths,
        ),
    )  # fmt: skip
    for o0 in range(0, n_o, block):
        progress.check()  # cancel between blocks of origins
        progress.report(0.1 + 0.9 * o0 / max(n_o, 1), "transit travel times")
        o1 = min(n_o, o0 + block)
        parts = []
        for d in range(n_runs):
            prof = profiles.get(d)
            tt_d = drawn.get(d)
            if tt_d is None and prof is None:
                tt_d = timetable if offsets is None else phased_timetable(timetable, offsets[d])
            if prof is None and backward and e_pt.size and a_pt.size:
                progress.report(0.1 + 0.9 * o0 / max(n_o, 1), "transit profiles")
                prof = TargetProfiles(tt_d, **prof_kw)
                if keep:
                    profiles[d] = prof
            elif keep and not backward:
                drawn[d] = tt_d  # with its route patterns, for the next block's origins
            parts.append(search.times(tt_d, prof, o0, o1, progress))
        times = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)
        if open_mask is not None:
            minute = (deps_all[:, None, None] + np.where(np.isfinite(times), times, 0)) // 60
            minute = np.clip(minute, 0, open_mask.shape[1] - 1).astype(np.int64)
            shut = ~open_mask[np.arange(n_s)[None, None, :], minute]
            times[shut & np.isfinite(times)] = np.inf
        by_pct[:, :, o0:o1] = nearest_rank_percentiles(times, pct).transpose(0, 2, 1) / 60.0
        for g, rows in groups.items():
            if rows:
                g_min[g][:, o0:o1] = (
                    nearest_rank_percentiles(times[:, :, list(rows)].min(axis=2), pct) / 60.0
                )
    if cutoff_min is not None:
        by_pct[by_pct > cutoff_min] = np.inf
        for g in g_min.values():
            g[g > cutoff_min] = np.inf
    warnings = [f"GTFS: {x}" for x in timetable.warnings] + list(w.warnings)
    if open_on_arrival:
        warnings.append(
            f"Open on arrival on {timetable.date}{_stay_en(open_stay_min)}: {no_hours} services "
            f"without readable hours kept / Aperti all'arrivo il {timetable.date}"
            f"{_stay_it(open_stay_min)}: {no_hours} servizi senza orari leggibili tenuti"
        )
    for x in timetable.warnings:
        progress.info(f"GTFS: {x}")
    progress.report(1.0, "transit travel times")
    freq_note = frequency_draws_note(timetable, frequency_draws, seed)
    if freq_note:
        warnings.append(freq_note)
        progress.info(freq_note)
    ids = list(services[id_field]) if id_field else list(range(n_s))
    return TransitServiceTimes(
        minutes=by_pct[pct.index(chosen)].copy(),
        service_ids=ids,
        origin_node=w.origin_node,
        origin_connector_min=w.origin_connector_min,
        cutoff_min=cutoff_min,
        connector_kmh=walk_speed_kmh,
        max_snap_m=max_snap_m,
        notes=list(warnings),
        percentile=chosen,
        percentiles=pct,
        by_percentile=by_pct,
        group_rows=groups,
        group_minutes=g_min,
        walk_source=w.source,
        departures_s=deps,
        warnings=warnings,
        frequency_draws=0 if offsets is None else n_runs,
        frequency_offsets=np.zeros((0, 0), dtype=np.int64) if offsets is None else offsets,
    )


def _stay_en(stay_min) -> str:
    return f", open for {int(stay_min)} min after arrival" if stay_min else ""


def _stay_it(stay_min) -> str:
    return f", aperti per {int(stay_min)} min dopo l'arrivo" if stay_min else ""


def _open_minutes(services, date, stay_min: int = 0) -> tuple[np.ndarray, int]:
    """Return (n_services, 3 days of minutes) open flags from ``date`` 00:00 (open on arrival
    and for ``stay_min`` minutes, :func:`~capacitymetro_plugin.core.registry.schedule.
    open_minutes`) and how many services have no readable hours (all True: kept, as coverage
    on foot keeps them)."""
    import datetime as dt

    from capacitymetro_plugin.core.registry import schedule

    hours = (
        list(services["opening_hours"])
        if "opening_hours" in services.columns
        else [None] * len(services)
    )
    start = dt.datetime(date.year, date.month, date.day)
    # times reach past 48:00 at most; hours change on whole minutes: one check per minute
    return schedule.open_minutes(hours, start, 3 * 1440, stay_min=stay_min)


def parse_clock(value, *, what: str) -> float:
    """Return seconds since midnight from ``"HH:MM"`` / ``"HH:MM:SS"`` (or a number of seconds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    parts = str(value).strip().split(":")
    try:
        nums = [int(p) for p in parts]
        if len(nums) not in (2, 3) or any(n < 0 for n in nums) or nums[1] > 59:
            raise ValueError
    except ValueError:
        raise InputError(
            f"{what} = {value!r} is not a time of day.",
            fix=f'Write {what} as "HH:MM", e.g. "08:00".',
            it=f"{what} = {value!r} non è un orario.",
            fix_it=f'Scrivi {what} come "HH:MM", es. "08:00".',
        ) from None
    return float(nums[0] * 3600 + nums[1] * 60 + (nums[2] if len(nums) == 3 else 0))


def sector_groups(services, sectors: Sequence[str], *, sector_field: str = "sectors"):
    """Return ``({sector: rows}, notes)``: the active services of each sector (``"all"``: every
    active service); a sector without services gives a note instead of rows."""
    from capacitymetro_plugin.core.coverage import select_services

    services = services.reset_index(drop=True)
    groups, notes = {}, []
    for sector in sectors:
        try:
            chosen = select_services(
                services, sector=None if sector == "all" else sector, sector_field=sector_field
            )
        except InputError as exc:
            notes.append(f"Sector {sector!r}: {exc.message} / Settore {sector!r}: {exc.message_it}")
            continue
        groups[str(sector)] = np.flatnonzero(services.index.isin(chosen.index))
    return groups, notes


def load_timetable(
    feeds: Sequence[str],
    *,
    date: str,
    ferries: Mapping | None = None,
    progress: Progress | None = None,
) -> tuple[Timetable, list[str]]:
    """Read GTFS feeds (ids prefixed per feed) and ferries by headway; keep one service day.

    ``ferries`` is ``{"ways": ..., "piers": ..., **options of ferry_feed}`` or None. Returns
    the timetable and the notes about the ferries (none without them).
    """
    import datetime as dt
    from pathlib import Path

    from .gtfs import build_timetable, read_gtfs

    progress = ensure(progress)
    try:
        day = dt.date.fromisoformat(str(date))
    except ValueError:
        raise InputError(
            f"Service date {date!r} is not a date (YYYY-MM-DD).",
            fix="Give the day to analyse, e.g. 2025-11-19, within the feed's calendar.",
            it=f"La data di servizio {date!r} non è una data (AAAA-MM-GG).",
            fix_it="Indica il giorno da analizzare, es. 2025-11-19, nel calendario del feed.",
        ) from None
    if not feeds and not ferries:
        raise InputError(
            "No GTFS feed given.",
            fix="Give at least one GTFS zip (e.g. the ACTV feed).",
            it="Nessun feed GTFS indicato.",
            fix_it="Indica almeno uno zip GTFS (es. il feed ACTV).",
        )
    progress.report(0.0, "reading GTFS")
    stems = [Path(f).stem for f in feeds]  # the ids' prefix; numbered when two names clash
    ids = stems if len(set(stems)) == len(stems) else [f"{i + 1}-{n}" for i, n in enumerate(stems)]
    loaded = [read_gtfs(f, feed_id=i) for f, i in zip(feeds, ids)]
    ferry_notes: list[str] = []
    if ferries:
        from .ferries import ferry_feed

        opts = dict(ferries)
        ways, piers = opts.pop("ways", None), opts.pop("piers", None)
        if not ways or not piers:
            raise InputError(
                "Ferries need both 'ways' (OSM extract or lines) and 'piers' (points).",
                fix="Give the ferry lines and the layer of piers, or no ferries at all.",
                it="I traghetti richiedono sia 'ways' (estratto OSM o linee) sia 'piers' "
                "(punti).",
                fix_it="Indica le linee dei traghetti e il layer degli approdi, o nessun "
                "traghetto.",
            )
        feed, network = ferry_feed(ways, piers, feed_id="ferry", progress=progress, **opts)
        loaded.append(feed)
        ferry_notes = [
            f"Ferries by headway: {len(network.lines)} lines, {len(network.stops)} piers "
            f"({feed.source}) / Traghetti a frequenza: {len(network.lines)} linee, "
            f"{len(network.stops)} approdi",
            *network.notes,
        ]
    timetable = build_timetable(loaded, date=day)
    return timetable, ferry_notes


def transit_times_from_feeds(
    feeds: Sequence[str],
    *,
    date: str,
    origins,
    services,
    sectors: Sequence[str] = ("all",),
    sector_field: str = "sectors",
    window: tuple[str | float, str | float] = defaults.TRANSIT_WINDOW,
    step_min: float = defaults.TRANSIT_STEP_MIN,
    ferries: Mapping | None = None,
    progress: Progress | None = None,
    **options,
) -> TransitServiceTimes:
    """Read GTFS feeds, keep one service day and compute :func:`transit_service_times`, with
    the nearest service of each of ``sectors`` as a group: the one call the doors make.

    Parameters
    ----------
    feeds
        GTFS zips or folders (several load together; ids get a per-feed prefix).
    date
        The service day, ``YYYY-MM-DD``.
    window, step_min
        Departures from ``window[0]`` to ``window[1]`` (``"HH:MM"`` or seconds) every
        ``step_min`` minutes.
    ferries
        Water buses by headway where no feed has them: ``{"ways": OSM extract or layer of
        lines, "piers": layer of piers, ...}``, the other keys go to
        :func:`~.ferries.ferry_feed` (``headway_min``, ``headways``, ``service``...). The
        synthetic feed (id ``ferry``) loads with the others.
    options
        Passed to :func:`transit_service_times` (``network``, ``percentiles``, ``max_rides``...).
    """
    progress = ensure(progress)
    timetable, ferry_notes = load_timetable(feeds, date=date, ferries=ferries, progress=progress)
    groups, notes = sector_groups(services, sectors, sector_field=sector_field)
    if not groups:
        raise InputError(
            "No sector has active services: " + " ".join(n.split(" / ")[0] for n in notes),
            fix="Choose another sector or add services of this sector to the registry.",
            it="Nessun settore ha servizi attivi: " + " ".join(n.split(" / ")[-1] for n in notes),
            fix_it="Scegli un altro settore o aggiungi al registro servizi di questo settore.",
        )
    for note in notes:
        progress.info(note)
    result = transit_service_times(
        timetable, origins, services,
        departure_start_s=parse_clock(window[0], what="window start"),
        departure_end_s=parse_clock(window[1], what="window end"),
        step_s=float(step_min) * 60.0, groups=groups, progress=progress.step(0.1, 1.0),
        **options,
    )  # fmt: skip
    result.notes.extend(ferry_notes + notes)
    result.warnings.extend(ferry_notes[1:] + notes)
    return result
