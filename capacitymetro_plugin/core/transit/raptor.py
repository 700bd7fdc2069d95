"""RAPTOR transit routing (Delling, Pajor, Werneck 2012) on a :class:`Timetable`'s arrays.

Trips with the same stop sequence (and the same boarding/alighting rules) form a *route
pattern*; its trips are sorted by departure and split so that no trip overtakes another, so at
every stop of a pattern the departures are sorted and the earliest catchable trip is a binary
search. All stop-times of all patterns sit in one flat column-major array keyed by
``(pattern stop, time)``: one ``np.searchsorted`` finds the earliest catchable trip at every
stop of every scanned pattern at once, a segmented running minimum carries the trip along the
pattern, and a gather reads the arrivals. Round ``k`` allows ``k`` rides; after each round the
stops improved by a ride are relaxed along footpaths (one walk between two rides, not chains).

The model, which the brute-force oracle in the tests reproduces exactly:

- an origin reaches stops by its access times; a ride can be boarded at a stop at or after
  the moment one is there (arrival by a ride + the stop's change time from ``transfers.txt``,
  by a footpath, or by access);
- after a ride one may walk one footpath to another stop; arrivals at a stop count whether by
  ride, footpath or access; egress to a destination point is walked from a ride's arrival;
- times are whole seconds, so results are exact (no float ties).

:func:`range_arrivals` runs every departure minute of a window, latest first, reusing the
labels of each round (rRAPTOR): a journey that leaves later is also available to whoever is
ready earlier (they wait at the origin), so each run starts from the previous run's labels and
only improvements are propagated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .gtfs import DAY_S, Timetable

EARTH_RADIUS_M = 6_371_008.8
WALK_SPEED_KMH = 4.5
DETOUR_FACTOR = 1.3
UNREACHED = np.iinfo(np.int64).max // 4  # "infinity" that survives additions
_SHIFT = DAY_S  # times run from -1 day (yesterday's trips) ...
_SPAN = 4 * DAY_S  # ... to under 3 days after shifting: a key span per pattern stop


# --- footpaths --------------------------------------------------------------------------------
@dataclass(eq=False)
class Footpaths:
    """Walking links between stops, used between two rides.

    Attributes
    ----------
    frm, to, walk_s
        Directed links (stop indices) and their walking time in whole seconds, sorted by ``to``.
    change_s
        Per stop, the time needed to change between two rides at that same stop (0 unless
        ``transfers.txt`` gives a ``min_transfer_time``).
    source
        ``"straight_line"`` or ``"matrix"`` (given walking times, e.g. from a street network).
    params
        The parameters the links were made with.
    """

    frm: np.ndarray
    to: np.ndarray
    walk_s: np.ndarray
    change_s: np.ndarray
    source: str
    params: dict = field(default_factory=dict)


_FOOTPATH_CACHE: dict[tuple, Footpaths] = {}


def _unit_xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord_to_m(chord: np.ndarray) -> np.ndarray:
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def _radius_chord(radius_m: float) -> float:
    return 2.0 * math.sin(min(radius_m / (2.0 * EARTH_RADIUS_M), math.pi / 2))


def _walk_params(max_walk_s: float, walk_speed_kmh: float, detour: float) -> tuple[float, float]:
    """Return (metres per second of straight line, radius in metres), checking the inputs."""
    for name, value in (
        ("max_walk_s", max_walk_s),
        ("walk_speed_kmh", walk_speed_kmh),
        ("detour", detour),
    ):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise InputError(
                f"Walking parameter {name}={value!r} must be a positive number.",
                fix="Give a positive value (defaults: 600 s, 4.5 km/h, detour 1.3).",
                it=f"Il parametro di cammino {name}={value!r} deve essere un numero positivo.",
                fix_it="Indica un valore positivo (predefiniti: 600 s, 4,5 km/h, deviazione 1,3).",
            )
    speed = walk_speed_kmh / 3.6 / detour
    return speed, max_walk_s * speed


def footpaths_straight_line(
    timetable: Timetable,
    *,
    max_walk_s: float = 600.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
) -> Footpaths:
    """Link stops within walking time along the straight line times a detour factor.

    Cached in memory per timetable and parameters. ``transfers.txt`` minimum transfer times
    replace the straight-line time of their pair (and add pairs farther apart); transfer type 3
    removes a pair.

    Parameters
    ----------
    timetable
        The timetable whose stops to link.
    max_walk_s
        Longest walk between two rides, seconds.
    walk_speed_kmh, detour
        Walking speed and the ratio of walked to straight-line distance.

    Returns
    -------
    Footpaths
        Links between distinct stops (``source="straight_line"``).
    """
    key = (
        timetable.stops_key,
        "straight_line",
        float(max_walk_s),
        float(walk_speed_kmh),
        float(detour),
    )
    if key in _FOOTPATH_CACHE:
        return _FOOTPATH_CACHE[key]
    from scipy.spatial import cKDTree

    speed, radius = _walk_params(max_walk_s, walk_speed_kmh, detour)
    ok = np.isfinite(timetable.stop_lon) & np.isfinite(timetable.stop_lat)
    idx = np.flatnonzero(ok)
    xyz = _unit_xyz(timetable.stop_lon[idx], timetable.stop_lat[idx])
    pairs = cKDTree(xyz).query_pairs(_radius_chord(radius), output_type="ndarray")
    a, b = idx[pairs[:, 0]], idx[pairs[:, 1]]
    metres = _chord_to_m(np.linalg.norm(xyz[pairs[:, 0]] - xyz[pairs[:, 1]], axis=1))
    secs = np.ceil(metres / speed).astype(np.int64)
    frm, to, walk = np.r_[a, b], np.r_[b, a], np.r_[secs, secs]
    keep = walk <= max_walk_s
    fp = _with_transfers(timetable, frm[keep], to[keep], walk[keep])
    fp.source = "straight_line"
    fp.params = {"max_walk_s": max_walk_s, "walk_speed_kmh": walk_speed_kmh, "detour": detour}
    _FOOTPATH_CACHE[key] = fp
    return fp


def footpaths_from_matrix(timetable: Timetable, matrix, *, max_walk_s: float = 600.0) -> Footpaths:
    """Link stops by precomputed walking times, e.g. shortest paths on the street network.

    Parameters
    ----------
    timetable
        The timetable whose stops to link.
    matrix
        A ``n_stops × n_stops`` scipy sparse matrix (or dense array) of walking seconds from
        row stop to column stop; absent entries are no link, the diagonal is ignored.
    max_walk_s
        Longest walk kept, seconds.

    Returns
    -------
    Footpaths
        The links (``source="matrix"``), with ``transfers.txt`` applied as for straight lines.
    """
    import scipy.sparse as sp

    n = timetable.n_stops
    m = sp.coo_matrix(matrix)
    if m.shape != (n, n):
        raise InputError(
            f"Walking-time matrix is {m.shape[0]}×{m.shape[1]}, the timetable has {n} stops.",
            fix="Give one row and one column per stop, in the timetable's stop order.",
            it=f"La matrice dei tempi a piedi è {m.shape[0]}×{m.shape[1]}, le fermate sono {n}.",
            fix_it="Indica una riga e una colonna per fermata, nell'ordine delle fermate.",
        )
    keep = (m.row != m.col) & np.isfinite(m.data) & (m.data <= max_walk_s) & (m.data >= 0)
    secs = np.ceil(m.data[keep]).astype(np.int64)
    fp = _with_transfers(
        timetable, m.row[keep].astype(np.int64), m.col[keep].astype(np.int64), secs
    )
    fp.source = "matrix"
    fp.params = {"max_walk_s": max_walk_s}
    return fp


def _with_transfers(tt: Timetable, frm: np.ndarray, to: np.ndarray, walk: np.ndarray) -> Footpaths:
    change = np.zeros(tt.n_stops, dtype=np.int64)
    links: dict[tuple[int, int], int] = dict(
        zip_strict(zip_strict(frm.tolist(), to.tolist()), walk.tolist())
    )
    for a, b, s in zip_strict(tt.transfer_from, tt.transfer_to, tt.transfer_s):
        if a == b:
            change[a] = max(change[a], s)
        else:
            links[(int(a), int(b))] = int(s)
    for a, b in tt.transfer_forbidden:
        links.pop((int(a), int(b)), None)
    if links:
        arr = np.array([(a, b, s) for (a, b), s in links.items()], dtype=np.int64)
    else:
        arr = np.zeros((0, 3), dtype=np.int64)
    order = np.lexsort((arr[:, 0], arr[:, 1]))
    arr = arr[order]
    return Footpaths(arr[:, 0], arr[:, 1], arr[:, 2], change, source="")


# --- route patterns ---------------------------------------------------------------------------
@dataclass(eq=False)
class _Patterns:
    """Route patterns in flat arrays (see the module's notes); ``e`` indexes pattern stops."""

    e_stop: np.ndarray  # stop of each pattern stop
    e_pat: np.ndarray  # its pattern
    e_first: np.ndarray  # True at a pattern's first stop
    e_board: np.ndarray  # boarding allowed (and not the last stop)
    e_alight: np.ndarray  # alighting allowed (and not the first stop)
    e_col: np.ndarray  # start of its column in col_dep / col_arr
    e_ntrip: np.ndarray  # trips in its pattern
    col_key: np.ndarray  # e * _SPAN + dep + _SHIFT, sorted
    col_arr: np.ndarray  # arrivals, same layout
    pat_entries: np.ndarray  # pattern p has pattern stops pat_entries[p]:pat_entries[p+1]
    stop_order: np.ndarray  # pattern stops sorted by stop
    stop_starts: np.ndarray  # segment starts in stop_order
    stop_of_seg: np.ndarray  # the stop of each segment


def _fifo_groups(dep: np.ndarray, arr: np.ndarray) -> list[list[int]]:
    """Split trips (rows, sorted by first departure) so none overtakes another in a group."""
    groups: list[list[int]] = []
    lasts: list[int] = []
    for t in range(dep.shape[0]):
        for g, last in enumerate(lasts):
            if (dep[last] <= dep[t]).all() and (arr[last] <= arr[t]).all():
                groups[g].append(t)
                lasts[g] = t
                break
        else:
            groups.append([t])
            lasts.append(t)
    return groups


def _build_patterns(tt: Timetable) -> _Patterns:
    found = tt.__dict__.get("_patterns")
    if found is not None:  # built at the first search and kept with the timetable
        return found
    off = tt.trip_offsets
    by_key: dict[bytes, list[int]] = {}
    for t in range(tt.n_trips):
        a, b = off[t], off[t + 1]
        if b - a < 2:
            continue
        k = tt.st_stop[a:b].tobytes() + tt.st_board[a:b].tobytes() + tt.st_alight[a:b].tobytes()
        by_key.setdefault(k, []).append(t)
    e_stop, e_pat, e_board, e_alight, e_ntrip, e_first = [], [], [], [], [], []
    cols_dep, cols_arr, pat_entries = [], [], [0]
    n_pat = 0
    for trips in by_key.values():
        a0 = off[trips[0]]
        n = off[trips[0] + 1] - a0
        rows = np.concatenate([np.arange(off[t], off[t] + n) for t in trips]).reshape(-1, n)
        dep, arr = tt.st_dep[rows], tt.st_arr[rows]
        order = np.lexsort(dep.T[::-1])
        dep, arr = dep[order], arr[order]
        for group in _fifo_groups(dep, arr):
            d, r = dep[group], arr[group]
            board = tt.st_board[a0 : a0 + n].copy()
            board[-1] = False
            alight = tt.st_alight[a0 : a0 + n].copy()
            alight[0] = False
            e_stop.append(tt.st_stop[a0 : a0 + n])
            e_pat.append(np.full(n, n_pat))
            e_board.append(board)
            e_alight.append(alight)
            e_ntrip.append(np.full(n, len(group)))
            e_first.append(np.r_[True, np.zeros(n - 1, dtype=bool)])
            cols_dep.append(d.T.ravel())
            cols_arr.append(r.T.ravel())
            pat_entries.append(pat_entries[-1] + n)
            n_pat += 1
    if n_pat == 0:
        pats = _empty_patterns(tt)
    else:
        ntrip = np.concatenate(e_ntrip).astype(np.int64)
        col_start = np.r_[0, np.cumsum(ntrip)[:-1]].astype(np.int64)
        ent = np.repeat(np.arange(ntrip.size, dtype=np.int64), ntrip)
        col_dep = np.concatenate(cols_dep).astype(np.int64)
        stop = np.concatenate(e_stop).astype(np.int64)
        order = np.argsort(stop, kind="stable")
        starts = np.flatnonzero(np.r_[True, stop[order][1:] != stop[order][:-1]])
        pats = _Patterns(
            e_stop=stop,
            e_pat=np.concatenate(e_pat).astype(np.int64),
            e_first=np.concatenate(e_first),
            e_board=np.concatenate(e_board),
            e_alight=np.concatenate(e_alight),
            e_col=col_start,
            e_ntrip=ntrip,
            col_key=ent * _SPAN + col_dep + _SHIFT,
            col_arr=np.concatenate(cols_arr).astype(np.int64),
            pat_entries=np.asarray(pat_entries, dtype=np.int64),
            stop_order=order,
            stop_starts=starts,
            stop_of_seg=stop[order][starts],
        )
        assert np.all(np.diff(pats.col_key) >= 0), "pattern columns must be sorted (FIFO)"
    tt.__dict__["_patterns"] = pats
    return pats


def _empty_patterns(tt: Timetable) -> _Patterns:
    z = np.zeros(0, dtype=np.int64)
    b = np.zeros(0, dtype=bool)
    return _Patterns(z, z, b, b, b, z, z, z, z, np.zeros(1, dtype=np.int64), z, z, z)


def _scan(pats: _Patterns, board_prev: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """Return per stop the earliest arrival by one more ride (UNREACHED where none).

    Scans every pattern through a marked stop; boards at each of its stops at ``board_prev``.
    """
    n_stops = board_prev.shape[0]
    out = np.full(n_stops, UNREACHED, dtype=np.int64)
    if pats.e_stop.size == 0 or not marked.any():
        return out
    pat_on = np.zeros(pats.pat_entries.size - 1, dtype=bool)
    pat_on[pats.e_pat[marked[pats.e_stop]]] = True
    e = np.flatnonzero(pat_on[pats.e_pat])
    if e.size == 0:
        return out
    stop = pats.e_stop[e]
    ready = board_prev[stop]
    can = pats.e_board[e] & (ready < UNREACHED)
    ntrip = pats.e_ntrip[e]
    q = e * _SPAN + np.minimum(ready, 3 * DAY_S - 1) + _SHIFT
    trip = np.searchsorted(pats.col_key, q, side="left") - pats.e_col[e]
    trip = np.where(can, trip, ntrip)  # ntrip = no trip
    # carry the earliest trip along the pattern: segmented running minimum
    pat = pats.e_pat[e]
    big = np.int64(1) << 40
    carried = np.minimum.accumulate(trip - pat * big) + pat * big
    # one alights from a trip boarded at an earlier stop of the pattern
    ride = np.r_[ntrip[:1], carried[:-1]]
    ride = np.where(pats.e_first[e], ntrip, ride)
    ok = pats.e_alight[e] & (ride < ntrip)
    arr = np.full(e.size, UNREACHED, dtype=np.int64)
    arr[ok] = pats.col_arr[pats.e_col[e[ok]] + ride[ok]]
    order = np.argsort(stop, kind="stable")
    s_sorted = stop[order]
    starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
    out[s_sorted[starts]] = np.minimum.reduceat(arr[order], starts)
    return out


def _walk(fp: Footpaths, ride_arr: np.ndarray, improved: np.ndarray, n: int) -> np.ndarray:
    """Return per stop the earliest arrival by one footpath from the improved ride arrivals."""
    out = np.full(n, UNREACHED, dtype=np.int64)
    if fp.frm.size == 0 or not improved.any():
        return out
    use = improved[fp.frm]
    if not use.any():
        return out
    to = fp.to[use]
    cand = ride_arr[fp.frm[use]] + fp.walk_s[use]
    starts = np.flatnonzero(np.r_[True, to[1:] != to[:-1]])
    out[to[starts]] = np.minimum.reduceat(cand, starts)
    return out


# --- the search -------------------------------------------------------------------------------
@dataclass
class RangeResult:
    """Earliest arrivals at every stop for each departure of a window.

    Attributes
    ----------
    departures_s
        Departure times (s since midnight), ascending, shape ``(n_dep,)``.
    arrival_s
        Earliest arrival at each stop by any means (ride, footpath, access), shape
        ``(n_dep, n_stops)``; ``UNREACHED`` where not reached.
    ride_arrival_s
        Earliest arrival at each stop by a ride (the ones egress walks start from).
    """

    departures_s: np.ndarray
    arrival_s: np.ndarray
    ride_arrival_s: np.ndarray

    def travel_time_s(self) -> np.ndarray:
        """Return arrival minus departure (waiting at the origin included), float, inf unreached."""
        t = (self.arrival_s - self.departures_s[:, None]).astype(float)
        t[self.arrival_s >= UNREACHED] = np.inf
        return t


class _Labels:
    """Per-round labels kept across the departures of a range (rRAPTOR)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.board: list[np.ndarray] = []
        self.ride: list[np.ndarray] = []
        self.any: list[np.ndarray] = []

    def round(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        while len(self.board) <= k:
            for lst in (self.board, self.ride, self.any):
                prev = lst[-1] if lst else None
                lst.append(
                    prev.copy() if prev is not None else np.full(self.n, UNREACHED, np.int64)
                )
        return self.board[k], self.ride[k], self.any[k]

    def carry_down(self, k: int) -> None:
        """Make round ``k``'s labels "at most k rides": no worse than round ``k - 1``'s."""
        for lst in (self.board, self.ride, self.any):
            np.minimum(lst[k], lst[k - 1], out=lst[k])


def _check_origins(tt: Timetable, stops, access_s) -> tuple[np.ndarray, np.ndarray]:
    stops = np.asarray(stops, dtype=np.int64).ravel()
    access = np.zeros(stops.size) if access_s is None else np.asarray(access_s, float).ravel()
    if stops.size != access.size:
        raise InputError(
            f"{stops.size} origin stops but {access.size} access times.",
            fix="Give one access time (s) per origin stop.",
            it=f"{stops.size} fermate di origine ma {access.size} tempi di accesso.",
            fix_it="Indica un tempo di accesso (s) per ogni fermata di origine.",
        )
    if stops.size and (stops.min() < 0 or stops.max() >= tt.n_stops):
        raise InputError(
            f"Origin stop indices must lie in 0–{tt.n_stops - 1}.",
            fix="Use Timetable.stop_index() to turn stop ids into indices.",
            it=f"Gli indici delle fermate di origine devono stare in 0–{tt.n_stops - 1}.",
            fix_it="Usa Timetable.stop_index() per convertire gli id in indici.",
        )
    ok = np.isfinite(access) & (access >= 0)
    return stops[ok], np.ceil(access[ok]).astype(np.int64)


def _check_window(start_s: float, end_s: float, step_s: float) -> np.ndarray:
    if not (step_s > 0 and end_s > start_s and -DAY_S <= start_s and end_s <= 2 * DAY_S):
        raise InputError(
            f"Departure window {start_s}–{end_s} s (step {step_s} s) is not a window of the day.",
            fix="Give start < end in seconds since midnight (e.g. 28800–32400 for 08:00–09:00) "
            "and a positive step.",
            it=f"La finestra di partenza {start_s}–{end_s} s (passo {step_s} s) non è valida.",
            fix_it="Indica inizio < fine in secondi dalla mezzanotte (es. 28800–32400 per "
            "08:00–09:00) e un passo positivo.",
        )
    return np.arange(int(start_s), int(end_s), int(step_s), dtype=np.int64)


def range_arrivals(
    timetable: Timetable,
    *,
    origin_stops: Sequence[int] | np.ndarray,
    access_s: Sequence[float] | np.ndarray | None = None,
    departure_start_s: float,
    departure_end_s: float,
    step_s: float = 60.0,
    max_rides: int | None = 8,
    footpaths: Footpaths | None = None,
    progress: Progress | None = None,
) -> RangeResult:
    """Earliest arrival at every stop for every departure of a window (range RAPTOR).

    Parameters
    ----------
    timetable
        The service day.
    origin_stops, access_s
        Stops the origin reaches and the seconds it takes (0 when None).
    departure_start_s, departure_end_s, step_s
        Departures from start (included) to end (excluded) every ``step_s`` seconds.
    max_rides
        Most rides (vehicles boarded) in a journey; None for no limit.
    footpaths
        Walking links between rides; default :func:`footpaths_straight_line` with defaults.
    progress
        Progress and cancel.

    Returns
    -------
    RangeResult
        Arrivals per departure and stop.
    """
    progress = ensure(progress)
    deps = _check_window(departure_start_s, departure_end_s, step_s)
    stops, access = _check_origins(timetable, origin_stops, access_s)
    if max_rides is not None and (int(max_rides) != max_rides or max_rides < 0):
        raise InputError(
            f"max_rides={max_rides!r} must be a whole number ≥ 0 (or None for no limit).",
            fix="Give e.g. 4 or 8.",
            it=f"max_rides={max_rides!r} deve essere un intero ≥ 0 (o None per nessun limite).",
            fix_it="Indica ad es. 4 o 8.",
        )
    fp = footpaths if footpaths is not None else footpaths_straight_line(timetable)
    pats = _build_patterns(timetable)
    n = timetable.n_stops
    labels = _Labels(n)
    out_any = np.empty((deps.size, n), dtype=np.int64)
    out_ride = np.empty((deps.size, n), dtype=np.int64)
    k_max = math.inf if max_rides is None else int(max_rides)
    last = 0
    for j in range(deps.size - 1, -1, -1):
        if j % 8 == 0:
            progress.report((deps.size - j) / deps.size, "transit departures")
        last = max(last, _one_departure(pats, fp, labels, stops, access, int(deps[j]), k_max))
        for k in range(1, len(labels.board)):
            labels.carry_down(k)
        _, ride, anyl = labels.round(len(labels.board) - 1)
        out_any[j] = anyl
        out_ride[j] = ride
    return RangeResult(departures_s=deps, arrival_s=out_any, ride_arrival_s=out_ride)


def _one_departure(pats, fp, labels, stops, access, dep: int, k_max: float) -> int:
    """Run the rounds of one departure on the kept labels; return the last round used."""
    board0, _, any0 = labels.round(0)
    t0 = dep + access
    marked = np.zeros(labels.n, dtype=bool)
    better = t0 < board0[stops]
    np.minimum.at(board0, stops, t0)
    np.minimum.at(any0, stops, t0)
    marked[stops[better]] = True
    k = 0
    while marked.any() and k < k_max:
        k += 1
        board_prev = labels.board[k - 1]
        board, ride, anyl = labels.round(k)
        labels.carry_down(k)
        cand = _scan(pats, board_prev, marked)
        improved = cand < ride
        np.minimum(ride, cand, out=ride)
        walked = _walk(fp, cand, improved, labels.n)
        np.minimum(anyl, np.minimum(cand, walked), out=anyl)
        ready = np.minimum(np.where(improved, cand + fp.change_s, UNREACHED), walked)
        marked = ready < board
        np.minimum(board, ready, out=board)
    return k


def earliest_arrival(
    timetable: Timetable,
    *,
    origin_stops: Sequence[int] | np.ndarray,
    access_s: Sequence[float] | np.ndarray | None = None,
    departure_s: float,
    max_rides: int | None = 8,
    footpaths: Footpaths | None = None,
) -> np.ndarray:
    """Return the earliest arrival (s) at every stop for one departure (``UNREACHED`` if none).

    Parameters are those of :func:`range_arrivals` with a single departure.
    """
    res = range_arrivals(
        timetable,
        origin_stops=origin_stops,
        access_s=access_s,
        departure_start_s=departure_s,
        departure_end_s=departure_s + 1,
        max_rides=max_rides,
        footpaths=footpaths,
    )
    return res.arrival_s[0]


# --- points: access, egress, matrix -----------------------------------------------------------
def access_times(
    timetable: Timetable,
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    max_walk_s: float = 600.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return walking links from points (WGS84) to stops within ``max_walk_s``.

    Returns
    -------
    point, stop, seconds
        One row per link, sorted by point then stop; seconds along the straight line times
        ``detour`` at ``walk_speed_kmh``, rounded up to whole seconds. The same links serve as
        egress (stop to point).
    """
    from scipy.spatial import cKDTree

    speed, radius = _walk_params(max_walk_s, walk_speed_kmh, detour)
    pts = _unit_xyz(np.asarray(lon, float), np.asarray(lat, float))
    ok = np.isfinite(timetable.stop_lon) & np.isfinite(timetable.stop_lat)
    sidx = np.flatnonzero(ok)
    sxyz = _unit_xyz(timetable.stop_lon[sidx], timetable.stop_lat[sidx])
    lists = cKDTree(sxyz).query_ball_point(pts, _radius_chord(radius))
    point = np.repeat(np.arange(len(lists)), [len(x) for x in lists]).astype(np.int64)
    local = np.fromiter((s for x in lists for s in sorted(x)), dtype=np.int64, count=point.size)
    metres = _chord_to_m(np.linalg.norm(pts[point] - sxyz[local], axis=1))
    secs = np.ceil(metres / speed).astype(np.int64)
    keep = secs <= max_walk_s
    return point[keep], sidx[local[keep]], secs[keep]


def _direct_walk_s(olon, olat, dlon, dlat, speed: float, limit_s: float) -> np.ndarray:
    o = _unit_xyz(np.asarray(olon, float), np.asarray(olat, float))
    d = _unit_xyz(np.asarray(dlon, float), np.asarray(dlat, float))
    chord = np.linalg.norm(o[:, None, :] - d[None, :, :], axis=2)
    secs = np.ceil(_chord_to_m(chord) / speed)
    return np.where(secs <= limit_s, secs, np.inf)


@dataclass
class TravelTimeMatrix:
    """Travel-time percentiles from origins to destinations over a departure window.

    Attributes
    ----------
    percentiles
        The percentiles, e.g. ``(5, 25, 50, 75, 95)``.
    minutes
        Shape ``(n_percentiles, n_origins, n_destinations)`` (one destination column when
        ``nearest``); NaN where unreached or beyond the cut-off.
    departures_s
        The departures of the window.
    warnings
        The timetable's warnings (no service, date outside the feed...).
    """

    percentiles: tuple[float, ...]
    minutes: np.ndarray
    departures_s: np.ndarray
    warnings: list = field(default_factory=list)


def nearest_rank_percentiles(times_s: np.ndarray, percentiles: Sequence[float]) -> np.ndarray:
    """Return percentiles along axis 0 by nearest rank (R5's definition: a value some
    departure actually gives, index ``ceil(p / 100 * n) - 1`` of the sorted times)."""
    srt = np.sort(times_s, axis=0)
    n = srt.shape[0]
    idx = [min(max(math.ceil(p / 100.0 * n) - 1, 0), n - 1) for p in percentiles]
    return srt[idx]


def travel_time_matrix(
    timetable: Timetable,
    *,
    origins_lonlat: np.ndarray,
    destinations_lonlat: np.ndarray,
    departure_start_s: float,
    departure_end_s: float,
    step_s: float = 60.0,
    percentiles: Sequence[float] = (5, 25, 50, 75, 95),
    max_rides: int | None = 8,
    max_access_s: float = 600.0,
    max_direct_walk_s: float = 1800.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
    cutoff_min: float | None = None,
    nearest: bool = False,
    access: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    egress: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    footpaths: Footpaths | None = None,
    progress: Progress | None = None,
) -> TravelTimeMatrix:
    """Compute transit travel-time percentiles between points over a departure window.

    Parameters
    ----------
    timetable
        The service day.
    origins_lonlat, destinations_lonlat
        Points as ``(n, 2)`` arrays of WGS84 longitude, latitude.
    departure_start_s, departure_end_s, step_s
        The departure window (e.g. 28800, 32400, 60 for every minute of 08:00–09:00).
    percentiles
        Travel-time percentiles over the window's departures (nearest rank, as R5 does).
    max_rides
        Most rides per journey (None: no limit).
    max_access_s, walk_speed_kmh, detour
        Walk to and from stops along the straight line × detour (unless ``access``/``egress``).
    max_direct_walk_s
        Walking all the way (no transit) counts up to this time.
    cutoff_min
        Times above this many minutes become NaN.
    nearest
        Report the time to the nearest destination of the set (one column).
    access, egress
        Given ``(point, stop, seconds)`` links instead of straight lines (e.g. from the
        street network): access from origin points to stops, egress from stops to destinations.
    footpaths
        Links between rides (default :func:`footpaths_straight_line`).
    progress
        Progress and cancel; the timetable's warnings are repeated to ``progress.info``.

    Returns
    -------
    TravelTimeMatrix
        Minutes per percentile, origin and destination.
    """
    progress = ensure(progress)
    olonlat = np.asarray(origins_lonlat, float).reshape(-1, 2)
    dlonlat = np.asarray(destinations_lonlat, float).reshape(-1, 2)
    for w in timetable.warnings:
        progress.info(f"GTFS: {w}")
    speed, _ = _walk_params(max_access_s, walk_speed_kmh, detour)
    if access is None:
        access = access_times(
            timetable, olonlat[:, 0], olonlat[:, 1], max_walk_s=max_access_s,
            walk_speed_kmh=walk_speed_kmh, detour=detour,
        )  # fmt: skip
    if egress is None:
        egress = access_times(
            timetable, dlonlat[:, 0], dlonlat[:, 1], max_walk_s=max_access_s,
            walk_speed_kmh=walk_speed_kmh, detour=detour,
        )  # fmt: skip
    direct = _direct_walk_s(
        olonlat[:, 0], olonlat[:, 1], dlonlat[:, 0], dlonlat[:, 1], speed, max_direct_walk_s
    )
    e_pt, e_stop, e_s = (np.asarray(a) for a in egress)
    order = np.argsort(e_pt, kind="stable")
    e_pt, e_stop, e_s = e_pt[order], e_stop[order], e_s[order]
    seg = np.flatnonzero(np.r_[True, e_pt[1:] != e_pt[:-1]]) if e_pt.size else e_pt
    fp = footpaths if footpaths is not None else footpaths_straight_line(timetable)
    n_o, n_d = olonlat.shape[0], dlonlat.shape[0]
    deps = _check_window(departure_start_s, departure_end_s, step_s)
    pct = tuple(float(p) for p in percentiles)
    out = np.full((len(pct), n_o, 1 if nearest else n_d), np.nan)
    a_pt, a_stop, a_s = (np.asarray(a) for a in access)
    for o in range(n_o):
        progress.report(o / max(n_o, 1), "transit travel times")
        sel = a_pt == o
        times = np.broadcast_to(direct[o], (deps.size, n_d)).copy()
        if sel.any():
            res = range_arrivals(
                timetable,
                origin_stops=a_stop[sel],
                access_s=a_s[sel],
                departure_start_s=departure_start_s,
                departure_end_s=departure_end_s,
                step_s=step_s,
                max_rides=max_rides,
                footpaths=fp,
            )
            if e_pt.size:
                ride = res.ride_arrival_s[:, e_stop].astype(float)
                ride[ride >= UNREACHED] = np.inf
                cand = np.minimum.reduceat(ride + e_s[None, :], seg, axis=1)
                via = np.full((deps.size, n_d), np.inf)
                via[:, e_pt[seg]] = cand - deps[:, None]
                times = np.minimum(times, via)
        if nearest:
            times = times.min(axis=1, keepdims=True)
        out[:, o, :] = nearest_rank_percentiles(times, pct) / 60.0
    out[~np.isfinite(out)] = np.nan
    if cutoff_min is not None:
        out[out > cutoff_min] = np.nan
    progress.report(1.0, "transit travel times")
    return TravelTimeMatrix(pct, out, deps, list(timetable.warnings))
