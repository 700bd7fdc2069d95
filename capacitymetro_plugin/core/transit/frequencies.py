"""Frequency-based trips with an unknown phase: R5-style random draws of a timetable.

A ``frequencies.txt`` row with ``exact_times=0`` (or empty, the GTFS default) says "a vehicle
every ``headway_secs`` from ``start_time`` to ``end_time``" without saying when the first one
leaves. :func:`~.gtfs.build_timetable` expands it as if it were exact (the first trip at
``start_time``) and keeps, in :class:`FrequencyEntries`, which trips came from which such
entry. :func:`draw_timetable` gives one *draw*: every entry gets its own random phase
``offset`` in ``[0, headway)`` whole seconds, as R5's ``FrequencyRandomOffsets`` draws it, and
its trips leave at ``start_time + offset + k × headway`` while before ``end_time``. Rows with
``exact_times=1`` (the ferries' feed) and timetabled trips are never moved.

R5 draws new phases for every departure minute; a draw here is a whole timetable on which the
whole window runs (so range RAPTOR and the backward profiles still apply). Each (minute, draw)
pair then sees phases drawn uniformly, as in R5; only the minutes of one draw share them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .gtfs import Timetable

DAY_S = 86_400
FREQ_COLUMNS = ("freq_trip", "freq_start", "freq_end", "freq_headway")


@dataclass(eq=False)
class FrequencyEntries:
    """The ``exact_times=0`` frequency entries of a timetable and the trips expanded from them.

    Attributes
    ----------
    trip
        Per entry: the template trip id (prefixed), as in ``frequencies.txt``.
    start_s, end_s, headway_s
        Per entry: its window and headway in seconds, in the timetable's clock (an entry of the
        previous service day is shifted by -86 400 s).
    previous_day
        Per entry: whether it is the previous day's (its trips run past midnight).
    trip_entry
        Per trip of the timetable: its entry, or -1 (timetabled, or an ``exact_times=1`` entry).
    """

    trip: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    headway_s: np.ndarray
    previous_day: np.ndarray
    trip_entry: np.ndarray

    @property
    def n_entries(self) -> int:
        """Number of entries whose phase is unknown."""
        return int(self.trip.shape[0])


def frequency_columns(row: pd.Series) -> dict | None:
    """Return the columns that mark the trips of one ``frequencies.txt`` row as re-phasable
    (``exact_times`` 0 or empty), or None for an exact row (times as written)."""
    if str(row.get("exact_times", "") or "").strip() == "1":
        return None
    return {
        "freq_trip": row["trip_id"],
        "freq_start": int(row["start_time_s"]),
        "freq_end": int(row["end_time_s"]),
        "freq_headway": int(row["headway_s"]),
    }


def frequency_entries(trip_ids: np.ndarray, first_rows: pd.DataFrame) -> FrequencyEntries | None:
    """Collect the entries from each trip's first stop-time row (``FREQ_COLUMNS``; absent or
    NaN for the other trips); None when no trip is re-phasable."""
    if not all(c in first_rows.columns for c in FREQ_COLUMNS):
        return None
    templ = first_rows["freq_trip"].to_numpy(dtype=object)
    mine = np.array([isinstance(t, str) for t in templ], dtype=bool)
    if not mine.any():
        return None
    prev = np.array([str(t).endswith("~prev") for t in trip_ids], dtype=bool)
    keys = pd.DataFrame(
        {
            "trip": templ[mine],
            "start": first_rows["freq_start"].to_numpy()[mine].astype(np.int64),
            "prev": prev[mine],
        }
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
    trip_entry = np.full(len(trip_ids), -1, dtype=np.int64)
    trip_entry[mine] = codes
    first = np.flatnonzero(mine)[np.unique(codes, return_index=True)[1]]
    shift = np.where(prev[first], -DAY_S, 0)
    return FrequencyEntries(
        trip=templ[first],
        start_s=first_rows["freq_start"].to_numpy()[first].astype(np.int64) + shift,
        end_s=first_rows["freq_end"].to_numpy()[first].astype(np.int64) + shift,
        headway_s=first_rows["freq_headway"].to_numpy()[first].astype(np.int64),
        previous_day=prev[first],
        trip_entry=trip_entry,
    )


def draw_offsets(entries: FrequencyEntries, rng: np.random.Generator) -> np.ndarray:
    """Draw one phase per entry: whole seconds, uniform in ``[0, headway)`` (as R5)."""
    return rng.integers(0, entries.headway_s, dtype=np.int64)


def phased_timetable(tt: Timetable, offsets: np.ndarray) -> Timetable:
    """Return ``tt`` with each entry's trips ``offsets[entry]`` seconds later, without those
    then leaving at or after the entry's ``end_time``.

    The result has ``frequency_offsets = offsets`` and no entries of its own (it is one draw,
    not to be drawn again); trip ids name the drawn start (``"<trip>@HH:MM:SS"``).
    """
    fe = tt.frequency_entries
    if fe is None or fe.n_entries == 0:
        return tt
    offsets = np.asarray(offsets, dtype=np.int64)
    ent = fe.trip_entry
    has = ent >= 0
    shift = np.where(has, offsets[np.maximum(ent, 0)], 0)
    first_dep = tt.st_dep[tt.trip_offsets[:-1]]
    keep = ~has | (first_dep + shift < fe.end_s[np.maximum(ent, 0)])
    lengths = np.diff(tt.trip_offsets)
    rows = np.repeat(keep, lengths)
    row_shift = np.repeat(shift, lengths)[rows]
    ids = tt.trip_id.copy()
    for t in np.flatnonzero(has & keep):
        e = ent[t]
        start = int(first_dep[t] + shift[t]) + (DAY_S if fe.previous_day[e] else 0)
        h, rem = divmod(start, 3600)
        tail = "~prev" if fe.previous_day[e] else ""
        ids[t] = f"{fe.trip[e]}@{h:02d}:{rem // 60:02d}:{rem % 60:02d}{tail}"
    return replace(
        tt,
        trip_id=ids[keep],
        trip_route=tt.trip_route[keep],
        trip_offsets=np.r_[0, np.cumsum(lengths[keep])].astype(np.int64),
        st_stop=tt.st_stop[rows],
        st_arr=tt.st_arr[rows] + row_shift,
        st_dep=tt.st_dep[rows] + row_shift,
        st_board=tt.st_board[rows],
        st_alight=tt.st_alight[rows],
        frequency_entries=None,
        frequency_offsets=offsets,
    )


def draw_timetable(tt: Timetable, rng: np.random.Generator) -> Timetable:
    """Return one random draw of ``tt``: every ``exact_times=0`` entry with its own phase.

    Parameters
    ----------
    tt
        A timetable from :func:`~.gtfs.build_timetable`.
    rng
        A numpy Generator (``np.random.default_rng(seed)``): the same seed, the same draws.

    Returns
    -------
    Timetable
        ``tt`` itself when nothing is re-phasable, else a new timetable (see
        :func:`phased_timetable`).
    """
    fe = tt.frequency_entries
    if fe is None or fe.n_entries == 0:
        return tt
    return phased_timetable(tt, draw_offsets(fe, rng))


def frequency_draws_note(tt: Timetable, draws: int, seed) -> str | None:
    """The bilingual note an output carries about frequency-based trips (None if none)."""
    fe = tt.frequency_entries
    n = 0 if fe is None else fe.n_entries
    if n == 0:
        return None
    if draws <= 0:
        return (
            f"{n} frequency-based entries (exact_times=0) run as if exact, from their "
            "start_time; set frequency_draws for random phases / "
            f"{n} servizi a frequenza (exact_times=0) trattati come esatti, dal loro "
            "start_time; imposta frequency_draws per fasi casuali"
        )
    return (
        f"ESTIMATE: percentiles pooled over {draws} random draws of the phase of {n} "
        f"frequency-based entries (exact_times=0), seed {seed} / STIMA: percentili su "
        f"{draws} estrazioni casuali della fase di {n} servizi a frequenza (exact_times=0), "
        f"seme {seed}"
    )
