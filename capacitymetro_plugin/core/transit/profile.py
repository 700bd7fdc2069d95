"""Backward profile search: the earliest arrival at each target, from every stop, at every time.

The forward search (:func:`~.raptor.range_arrivals`) answers "from this origin, when do I
reach every stop" and costs one range search per origin. To reach a few targets (the services
of a sector) from many origins, this module searches once *from the targets backwards*: for
every stop ``s`` and every moment ``τ`` it gives ``B(s, τ)``, the earliest arrival at each
target for someone ready to board at ``s`` at ``τ`` (a step function of ``τ``, one step per
departure from ``s``). An origin then reads ``B`` at its access stops for every departure:
``arrival(o, dep) = min over access links (s, a) of B(s, dep + a)``.

The walking and riding model is the forward search's, exactly (see :mod:`.raptor`):

- one boards at a stop at or after the moment one is there, by access, by the change time
  after a ride at the same stop (``Footpaths.change_s``), or by *one* footpath after a ride
  (footpaths are not chained, and there is no walk before the first ride but the access);
- the egress walk to a target starts from a ride's arrival;
- round ``k`` allows ``k`` rides, so ``max_rides`` is met exactly (round ``k`` reads the
  boarding values of round ``k - 1``); without a limit the rounds run until nothing changes.

Everything is on stop-time *events* in flat arrays, one vectorised step per round: the value
of alighting at an event (egress, or the best boarding after a change or one footpath, read by
precomputed ``searchsorted`` positions), a segmented running minimum backwards along each trip
(staying on board), and a segmented running minimum backwards over each stop's departures
sorted by time (waiting), which is ``B``. Several targets are columns of the same arrays.
Times are whole seconds, so the results equal the forward search's to the second; the tests
compare the two on the real ACTV feed and against the time-expanded graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capacitymetro_plugin.core.errors import InputError

from .gtfs import DAY_S, Timetable
from .raptor import _SHIFT, _SPAN, Footpaths

_BIG = np.int64(1) << 21  # > every shifted time: offsets that keep segments apart
_INF = _BIG - 1  # "unreached", shifted
_CLIP = 3 * DAY_S - 1  # the forward search clips the moment one is ready at this
_CHUNK_VALUES = 8_000_000  # boardings read per round × targets searched together


@dataclass(eq=False)
class _Events:
    """The stop-time events of a timetable from ``t_min`` on, for one set of footpaths."""

    n_rows: int
    t_min: int
    row_rank: np.ndarray  # per row: (n_trips - 1 - trip) * _BIG, for the trip running minimum
    board_key: np.ndarray  # sorted stop * _SPAN + dep + _SHIFT of boardings, + 1 sentinel/stop
    board_rank: np.ndarray  # per sorted position: (n_stops - 1 - stop) * _BIG
    board_pos: np.ndarray  # sorted positions that are boardings (the rest are sentinels)
    board_next: np.ndarray  # their rows + 1: the first row one can alight at
    alight_rows: np.ndarray  # rows one can alight at (ride arrivals)
    alight_arr: np.ndarray  # their arrival, shifted
    flat_pos: np.ndarray  # per alighting, boarding positions: same stop, then each footpath
    flat_starts: np.ndarray  # the segment of each alighting in flat_pos


def _events(tt: Timetable, fp: Footpaths, t_min: int, t_max: int | None = None) -> _Events:
    cache = tt.__dict__.setdefault("_profile_events", {})
    key = (id(fp), int(t_min), None if t_max is None else int(t_max))
    found = cache.get(key)
    if found is not None and found[0] is fp:
        return found[1]
    off = tt.trip_offsets
    n_rows = int(tt.st_stop.size)
    trip = np.repeat(np.arange(tt.n_trips, dtype=np.int64), np.diff(off))
    first = np.zeros(n_rows, dtype=bool)
    last = np.zeros(n_rows, dtype=bool)
    lengths = np.diff(off)
    first[off[:-1][lengths > 0]] = True
    last[off[1:][lengths > 0] - 1] = True
    stop = tt.st_stop.astype(np.int64)
    dep = tt.st_dep.astype(np.int64)
    arr = tt.st_arr.astype(np.int64)
    # times never decrease along a trip (the reader refuses it), and no one is anywhere before
    # t_min: earlier boardings and arrivals cannot be part of a journey; nor, with a horizon
    # t_max (the last departure + a cut-off), later ones of a journey one keeps
    board = tt.st_board & ~last & (dep >= t_min)
    alight = tt.st_alight & ~first & (arr >= t_min)
    if t_max is not None:
        board &= dep <= t_max
        alight &= arr <= t_max
    board, alight = np.flatnonzero(board), np.flatnonzero(alight)
    n = tt.n_stops
    keys = np.r_[stop[board] * _SPAN + dep[board] + _SHIFT, np.arange(n) * _SPAN + _SPAN - 1]
    src = np.r_[board, np.full(n, -1, dtype=np.int64)]
    order = np.argsort(keys, kind="stable")
    keys, src = keys[order], src[order]
    real = np.flatnonzero(src >= 0)
    ev_stop = keys // _SPAN

    def query(s: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, s * _SPAN + np.minimum(t, _CLIP) + _SHIFT, side="left")

    a_stop, a_arr = stop[alight], arr[alight]
    same = query(a_stop, a_arr + fp.change_s[a_stop])
    # footpaths by origin stop: the walks after each alighting
    f_order = np.argsort(fp.frm, kind="stable")
    f_frm, f_to, f_s = fp.frm[f_order], fp.to[f_order], fp.walk_s[f_order].astype(np.int64)
    f_lo = np.searchsorted(f_frm, np.arange(n + 1))
    deg = f_lo[a_stop + 1] - f_lo[a_stop]
    starts = (np.cumsum(1 + deg) - (1 + deg)).astype(np.int64)
    total = int((1 + deg).sum())
    flat = np.empty(total, dtype=np.int64)
    flat[starts] = same
    if deg.sum():
        who = np.repeat(np.arange(alight.size), deg)
        k = np.arange(who.size) - np.repeat(np.cumsum(deg) - deg, deg)
        link = f_lo[a_stop[who]] + k
        slot = np.repeat(starts + 1, deg) + k
        flat[slot] = query(f_to[link], a_arr[who] + f_s[link])
    ev = _Events(
        n_rows=n_rows,
        t_min=int(t_min),
        row_rank=(tt.n_trips - 1 - trip) * _BIG,
        board_key=keys,
        board_rank=(n - 1 - ev_stop) * _BIG,
        board_pos=real,
        board_next=src[real] + 1,
        alight_rows=alight,
        alight_arr=a_arr + _SHIFT,
        flat_pos=flat,
        flat_starts=starts,
    )
    cache[key] = (fp, ev)
    return ev


def _suffix_min(u: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Running minimum from the end within segments; ``rank`` is ``(n_seg - 1 - seg) * _BIG``
    (segments contiguous, numbered in order), values below ``_BIG``."""
    w = u[::-1] - rank[::-1, None]
    np.minimum.accumulate(w, axis=0, out=w)
    w += rank[::-1, None]
    return w[::-1]


def boarding_profiles(
    timetable: Timetable,
    *,
    egress: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_targets: int,
    footpaths: Footpaths,
    max_rides: int | None,
    t_min: int,
    t_max: int | None = None,
) -> tuple[_Events, np.ndarray]:
    """Return the events and ``B``: per sorted boarding position (and a sentinel per stop),
    the earliest shifted arrival at each target, shape ``(positions, n_targets)``.

    ``egress`` is ``(target, stop, whole seconds)``: the walks from a stop to a target.
    """
    ev = _events(timetable, footpaths, t_min, t_max)
    e_tgt, e_stop, e_s = (np.asarray(a, dtype=np.int64) for a in egress)
    walk = np.full((timetable.n_stops, n_targets), _INF, dtype=np.int64)
    np.minimum.at(walk, (e_stop, e_tgt), e_s)
    reach = walk[timetable.st_stop[ev.alight_rows]]
    out_walk = np.where(reach < _INF, ev.alight_arr[:, None] + reach, _INF)
    out_walk = np.minimum(out_walk, _INF)
    n_pos = ev.board_key.size
    b = np.full((n_pos, n_targets), _INF, dtype=np.int64)
    flat_len = np.diff(np.r_[ev.flat_starts, ev.flat_pos.size])
    x = out_walk
    changed = None
    k_max = math.inf if max_rides is None else int(max_rides)
    k = 0
    while k < k_max:
        k += 1
        if changed is not None and ev.alight_rows.size:
            # alight, then board at the same stop after its change time, or after one walk:
            # only the alightings whose boardings changed in the last round are read again
            hit = np.logical_or.reduceat(changed[ev.flat_pos], ev.flat_starts)
            idx = np.flatnonzero(hit)
            lens = flat_len[idx]
            sub = np.cumsum(lens) - lens
            fl = np.repeat(ev.flat_starts[idx] - sub, lens) + np.arange(int(lens.sum()))
            x = x.copy()
            x[idx] = np.minimum(
                np.take(out_walk, idx, axis=0),
                np.minimum.reduceat(np.take(b, ev.flat_pos[fl], axis=0), sub, axis=0),
            )
        on = np.full((ev.n_rows, n_targets), _INF, dtype=np.int64)
        on[ev.alight_rows] = x
        on = _suffix_min(on, ev.row_rank)  # stay on board to a later stop
        nb = np.full((n_pos, n_targets), _INF, dtype=np.int64)
        nb[ev.board_pos] = np.take(on, ev.board_next, axis=0)
        nb = _suffix_min(nb, ev.board_rank)  # wait for a later departure
        changed = (nb != b).any(axis=1)
        b = nb
        if not changed.any():
            break
    return ev, b


class TargetProfiles:
    """The backward profiles of a set of targets, read by any number of origins.

    Parameters
    ----------
    timetable, footpaths, max_rides
        As for :func:`~.raptor.range_arrivals`.
    egress
        ``(target, stop, whole seconds)``: the walks from stops to the targets.
    n_targets
        Number of targets (columns of the result).
    t_min
        The earliest departure that will be asked (earlier trips are left out).
    t_max
        A horizon: arrivals after it are not wanted (boardings and alightings after it are left
        out, so those arrivals come out later than it or unreached). With a cut-off, the last
        departure + the cut-off gives every time within the cut-off exactly, faster.
    """

    def __init__(
        self, timetable, *, egress, n_targets, footpaths, max_rides, t_min, t_max=None
    ) -> None:
        self.n_targets = int(n_targets)
        t_max = None if t_max is None else int(t_max)
        self.events = _events(timetable, footpaths, int(t_min), t_max)
        e_tgt, e_stop, e_s = (np.asarray(a, dtype=np.int64) for a in egress)
        # targets in groups, so that one round's gather stays near _CHUNK_VALUES values
        per = max(1, _CHUNK_VALUES // max(self.events.flat_pos.size, 1))
        parts = []
        for lo in range(0, self.n_targets, per):
            hi = min(self.n_targets, lo + per)
            sel = (e_tgt >= lo) & (e_tgt < hi)
            parts.append(
                boarding_profiles(
                    timetable, egress=(e_tgt[sel] - lo, e_stop[sel], e_s[sel]),
                    n_targets=hi - lo, footpaths=footpaths, max_rides=max_rides,
                    t_min=int(t_min), t_max=t_max,
                )[1]
            )  # fmt: skip
        n_pos = self.events.board_key.size
        self.best = np.concatenate(parts, axis=1) if parts else np.zeros((n_pos, 0), dtype=np.int64)

    def arrivals(self, access, departures_s, n_origins: int, *, chunk_values: int = 4_000_000):
        """Earliest arrival (s, float; inf unreached) at each target by transit, for every
        origin and departure, shape ``(n_origins, n_departures, n_targets)``.

        ``access`` is ``(origin, stop, seconds)``, rounded up as the forward search does.
        """
        deps = np.asarray(departures_s, dtype=np.int64)
        m = self.n_targets
        out = np.full((n_origins, deps.size, m), np.inf)
        a_pt, a_stop, a_s = (np.asarray(a) for a in access)
        ok = np.isfinite(a_s) & (a_s >= 0)
        a_pt, a_stop = a_pt[ok].astype(np.int64), a_stop[ok].astype(np.int64)
        a_s = np.ceil(a_s[ok]).astype(np.int64)
        order = np.argsort(a_pt, kind="stable")
        a_pt, a_stop, a_s = a_pt[order], a_stop[order], a_s[order]
        if a_pt.size == 0 or m == 0 or deps.size == 0:
            return out
        if deps.min() < self.events.t_min:
            raise InputError(
                f"Departures from {int(deps.min())} s, but these profiles start at "
                f"{self.events.t_min} s.",
                fix="Build TargetProfiles with t_min at or before the first departure.",
                it=f"Partenze dai {int(deps.min())} s, ma questi profili iniziano ai "
                f"{self.events.t_min} s.",
                fix_it="Crea TargetProfiles con t_min non dopo la prima partenza.",
            )
        starts = np.searchsorted(a_pt, np.arange(n_origins + 1))
        per = max(1, chunk_values // (deps.size * m))
        o_lo = 0
        while o_lo < n_origins:
            o_hi = int(np.searchsorted(starts, starts[o_lo] + per, side="right")) - 1
            o_hi = min(max(o_hi, o_lo + 1), n_origins)
            lo, hi = int(starts[o_lo]), int(starts[o_hi])
            o_lo = o_hi
            if hi == lo:
                continue
            s, t = a_stop[lo:hi], deps[None, :] + a_s[lo:hi, None]
            pos = np.searchsorted(
                self.events.board_key,
                s[:, None] * _SPAN + np.minimum(t, _CLIP) + _SHIFT,
                side="left",
            )
            vals = np.take(self.best, pos, axis=0)  # (links, departures, targets)
            seg = np.flatnonzero(np.r_[True, a_pt[lo + 1 : hi] != a_pt[lo : hi - 1]])
            best = np.minimum.reduceat(vals, seg, axis=0).astype(float)
            best[best >= _INF] = np.inf
            out[a_pt[lo:hi][seg]] = best - _SHIFT
        return out


def target_arrivals(
    timetable: Timetable,
    *,
    access: tuple[np.ndarray, np.ndarray, np.ndarray],
    egress: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_origins: int,
    n_targets: int,
    departures_s: np.ndarray,
    footpaths: Footpaths,
    max_rides: int | None,
    t_max: int | None = None,
) -> np.ndarray:
    """Earliest arrival (s, float; inf unreached) at each target by transit, for every origin
    and departure, shape ``(n_origins, n_departures, n_targets)``: one backward search for
    all the targets (:class:`TargetProfiles`), read at the origins' access stops.

    ``access`` is ``(origin, stop, seconds)`` (rounded up, as the forward search does),
    ``egress`` ``(target, stop, whole seconds)``. Equal to the forward search's ride arrivals
    at the egress stops plus the egress walk, minimised over the links, plus nothing else
    (the walk all the way is the caller's).
    """
    deps = np.asarray(departures_s, dtype=np.int64)
    if deps.size == 0:
        return np.full((n_origins, 0, n_targets), np.inf)
    prof = TargetProfiles(
        timetable, egress=egress, n_targets=n_targets, footpaths=footpaths,
        max_rides=max_rides, t_min=int(deps.min()), t_max=t_max,
    )  # fmt: skip
    return prof.arrivals(access, deps, n_origins)
