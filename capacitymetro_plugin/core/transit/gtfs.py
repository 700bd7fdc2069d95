"""Read GTFS feeds (zip or folder) and build one service day's timetable on numpy arrays.

:func:`read_gtfs` reads the tables as text, checks them and collects every problem by file,
row (the line of the CSV file, header = line 1) and field in a :class:`GtfsReport`; errors
raise :class:`~capacitymetro_plugin.core.errors.ValidationError` carrying that report.
:func:`build_timetable` takes one or more feeds and a date and keeps the trips that run on it:
``calendar.txt`` weekdays within their dates, ``calendar_dates.txt`` additions and removals,
``frequencies.txt`` windows expanded into concrete trips, and the previous day's trips that run
past midnight (a "25:10:00" of yesterday is 01:10 today). Times are int seconds since midnight
of the chosen service day. Ids are prefixed per feed (``"actv:1234"``) so feeds load together.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from capacitymetro_plugin.core.errors import InputError, ValidationError
from capacitymetro_plugin.core.progress import Progress, ensure

from .frequencies import FrequencyEntries, frequency_columns, frequency_entries

DAY_S = 86_400
MAX_TIME_S = 48 * 3600  # GTFS times beyond 48:00:00 are errors (a trip of more than a day)

REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
REQUIRED_COLUMNS = {
    "agency.txt": ("agency_name",),
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id",),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence"),
    "calendar.txt": (
        "service_id",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "start_date",
        "end_date",
    ),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
    "transfers.txt": ("from_stop_id", "to_stop_id", "transfer_type"),
}
OPTIONAL_FILES = ("calendar.txt", "calendar_dates.txt", "frequencies.txt", "transfers.txt")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_RE = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
MAX_LISTED = 8  # problems quoted in an error message; the report keeps all of them


@dataclass(frozen=True)
class GtfsProblem:
    """One problem in a feed: where it is and what is wrong.

    Attributes
    ----------
    severity
        ``"error"`` (the feed cannot be used as is) or ``"warning"``.
    file, row, field
        The GTFS file, the line in it (header = 1; 0 when the whole file) and the column.
    message
        What is wrong, in English.
    message_it
        The same in Italian.
    """

    severity: str
    file: str
    row: int
    field: str
    message: str
    message_it: str = ""

    def __str__(self) -> str:
        where = self.file + (f" line {self.row}" if self.row else "")
        where += f" [{self.field}]" if self.field else ""
        return f"{where}: {self.message}"

    def italian(self) -> str:
        """Return the problem in Italian."""
        where = self.file + (f" riga {self.row}" if self.row else "")
        where += f" [{self.field}]" if self.field else ""
        return f"{where}: {self.message_it or self.message}"


@dataclass
class GtfsReport:
    """The problems of one or more feeds, errors and warnings."""

    problems: list[GtfsProblem] = field(default_factory=list)

    def add(self, severity: str, file: str, row: int, fld: str, msg: str, msg_it: str) -> None:
        """Record one problem."""
        self.problems.append(GtfsProblem(severity, file, int(row), fld, msg, msg_it))

    @property
    def errors(self) -> list[GtfsProblem]:
        """The problems that make the feed unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[GtfsProblem]:
        """The problems that leave the feed usable but the user should know."""
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, source: str) -> None:
        """Raise :class:`ValidationError` naming the first errors, if there are any."""
        errs = self.errors
        if not errs:
            return
        more = f" (and {len(errs) - MAX_LISTED} more)" if len(errs) > MAX_LISTED else ""
        more_it = f" (e altri {len(errs) - MAX_LISTED})" if len(errs) > MAX_LISTED else ""
        raise ValidationError(
            f"GTFS feed {source} has {len(errs)} error(s): "
            + "; ".join(str(p) for p in errs[:MAX_LISTED])
            + more
            + ".",
            report=self,
            fix="Correct those rows in the feed (or ask its publisher for a valid one).",
            it=f"Il feed GTFS {source} ha {len(errs)} errori: "
            + "; ".join(p.italian() for p in errs[:MAX_LISTED])
            + more_it
            + ".",
            fix_it="Correggi quelle righe del feed (o chiedi a chi lo pubblica un feed valido).",
        )


@dataclass(eq=False)
class GtfsFeed:
    """The tables of one GTFS feed as text columns, ids already prefixed with ``feed_id``.

    ``stop_times`` has int columns ``arr_s``/``dep_s`` (seconds; -1 where the feed leaves a
    non-timepoint empty, filled by interpolation) and the CSV line in ``line``.
    """

    feed_id: str
    source: str
    tables: dict[str, pd.DataFrame]
    report: GtfsReport
    # (the stop_times table, (trip ids, first rows)) of the sorted table, for the day build
    _trip_blocks: tuple | None = field(default=None, repr=False)

    def table(self, name: str) -> pd.DataFrame | None:
        """Return ``name`` (e.g. ``"calendar.txt"``) or None when the feed has no such file."""
        return self.tables.get(name)

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """Return the first and last date any service runs (calendar and additions)."""
        dates: list[dt.date] = []
        cal = self.table("calendar.txt")
        if cal is not None and len(cal):
            dates += [_date(cal["start_date"].min()), _date(cal["end_date"].max())]
        cdates = self.table("calendar_dates.txt")
        if cdates is not None and len(cdates):
            added = cdates.loc[cdates["exception_type"] == "1", "date"]
            if len(added):
                dates += [_date(added.min()), _date(added.max())]
        return (min(dates), max(dates)) if dates else None


# --- reading ---------------------------------------------------------------------------------
def _open_source(path: Path) -> dict[str, bytes]:
    """Return the bytes of every ``.txt`` of a GTFS zip or folder, by file name."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.glob("*.txt")}
    if not path.exists():
        raise InputError(
            f"GTFS feed {path} does not exist.",
            fix="Give the path of a GTFS .zip or of a folder holding its .txt files.",
            it=f"Il feed GTFS {path} non esiste.",
            fix_it="Indica il percorso di un file GTFS .zip o di una cartella con i suoi .txt.",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            out = {}
            for info in zf.infolist():
                name = Path(info.filename).name
                if name.endswith(".txt") and not info.is_dir():
                    out[name] = zf.read(info)
            return out
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(
            f"GTFS feed {path} is not a readable zip file ({exc}).",
            fix="Download the feed again, or unzip it and give the folder.",
            it=f"Il feed GTFS {path} non è un file zip leggibile ({exc}).",
            fix_it="Scarica di nuovo il feed, o decomprimilo e indica la cartella.",
        ) from exc


@dataclass(frozen=True)
class _Coded:
    """A column as ``values[codes]``: its distinct values once (stripped, prefixed; the last one
    NaN for a missing field) and one code per row, so that checks and parsing run once per
    distinct value (a feed repeats its trip ids, stops and times a lot)."""

    codes: np.ndarray
    values: np.ndarray

    def take(self, per_value: np.ndarray) -> np.ndarray:
        """Spread a result computed per distinct value (same length as ``values``) to rows."""
        return per_value[self.codes]


def _read_csv(
    data: bytes, name: str, report: GtfsReport, id_cols: Sequence[str] = (), feed_id: str = ""
) -> tuple[pd.DataFrame | None, dict[str, _Coded]]:
    """Read one GTFS file as text columns, values stripped and ids prefixed with ``feed_id``.

    Each column is parsed as its distinct values and one code per row (pyarrow's CSV reader
    when it is installed and the file is regular, else pandas' into categories); the distinct
    values are stripped and prefixed once, then spread to rows. The codes are returned too.
    """
    columns = _columns_arrow(data)
    if columns is None:  # no pyarrow, or a file it refuses: pandas reads it or says what is wrong
        try:
            df = pd.read_csv(
                io.BytesIO(data), dtype="category", keep_default_na=False, encoding="utf-8-sig"
            )
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            report.add(
                "error",
                name,
                0,
                "",
                f"cannot be read as CSV ({exc})",
                f"non si legge come CSV ({exc})",
            )
            return None, {}
        columns = [
            (col, df.iloc[:, i].array.codes, df.iloc[:, i].array.categories)
            for i, col in enumerate(df.columns)
        ]
    stripped = [col.strip() for col, _, _ in columns]
    twice = sorted({c for c in stripped if stripped.count(c) > 1})
    if twice:
        report.add(
            "error",
            name,
            1,
            twice[0],
            f"column {twice[0]!r} appears more than once in the header",
            f"la colonna {twice[0]!r} compare più di una volta nell'intestazione",
        )
        return None, {}
    coded: dict[str, _Coded] = {}
    names, arrays = [], []
    for col, codes, categories in columns:
        col = col.strip()
        uniques = [str(u).strip() for u in categories]
        if feed_id and col in id_cols:
            uniques = [feed_id + ":" + u if u else u for u in uniques]
        # code -1 (a row without that field) is NaN, as a plain text read leaves it
        values = np.array(uniques + [np.nan], dtype=object)
        codes = np.asarray(codes, dtype=np.int32)
        coded.setdefault(col, _Coded(codes, values))
        names.append(col)
        arrays.append(values[codes])
    out = pd.DataFrame(dict(enumerate(arrays)))
    out.columns = names
    out["line"] = np.arange(2, len(out) + 2)
    return out, coded


def _columns_arrow(data: bytes) -> list[tuple[str, np.ndarray, list]] | None:
    """The columns of a CSV as (name, codes, distinct values) with pyarrow, or None.

    None when pyarrow is not installed or the file is not regular CSV for it (a row with fewer
    or more fields, text that is not UTF-8, repeated column names, no header...): then pandas
    reads it, as before pyarrow was used, and reports what is wrong. A file of one column is
    left to pandas too.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    try:
        end = data.find(b"\n")
        header = data if end < 0 else data[: end + 1]
        names = pcsv.read_csv(pa.BufferReader(header)).column_names
        if len(set(names)) < len(names) or len(names) < 2:
            # pandas renames repeated columns ("a", "a.1"), and in a file of one column it skips
            # lines of blanks, which are values for pyarrow
            return None
        table = pcsv.read_csv(
            pa.BufferReader(data),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                # read as distinct values and codes: no text column is built
                column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        ).unify_dictionaries()
    except (pa.ArrowException, ValueError):
        return None
    out = []
    for i, col in enumerate(table.column_names):
        chunks = table.column(i).chunks
        if not chunks:  # a header without rows
            out.append((col, np.zeros(0, dtype=np.int32), []))
            continue
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
        out.append((col, codes, chunks[0].dictionary.to_pylist()))
    return out


def parse_gtfs_time(values: Sequence[str] | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse GTFS times ("H:MM:SS", hours may pass 24) into seconds.

    Parameters
    ----------
    values
        Time strings; empty strings are allowed (non-timepoints).

    Returns
    -------
    seconds, ok
        Seconds since midnight (-1 where empty or malformed) and True where the value is empty
        or well formed.
    """
    ser = pd.Series(values, dtype=object).fillna("").astype(str)
    codes, uniques = pd.factorize(ser)
    secs, ok = _parse_times(np.asarray(uniques, dtype=object))
    return secs[codes], ok[codes]


def _parse_times(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_gtfs_time` of distinct values, plus one last slot for code -1 (empty)."""
    secs = np.full(len(uniques) + 1, -1, dtype=np.int64)
    ok = np.ones(len(uniques) + 1, dtype=bool)
    for i, text in enumerate(uniques):
        if not isinstance(text, str) or text.strip() == "":
            continue
        m = _TIME_RE.match(text)
        if m is None:
            ok[i] = False
            continue
        secs[i] = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    return secs, ok


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(str(text), "%Y%m%d").date()


_ID_COLUMNS = {
    "agency.txt": ("agency_id",),
    "stops.txt": ("stop_id", "parent_station"),
    "routes.txt": ("route_id", "agency_id"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id"),
    "calendar.txt": ("service_id",),
    "calendar_dates.txt": ("service_id",),
    "frequencies.txt": ("trip_id",),
    "transfers.txt": ("from_stop_id", "to_stop_id"),
}


def read_gtfs(
    path: str | Path,
    *,
    feed_id: str = "",
    strict: bool = True,
    progress: Progress | None = None,
) -> GtfsFeed:
    """Read and check a GTFS feed from a zip file or a folder.

    Parameters
    ----------
    path
        A GTFS ``.zip`` or a folder with its ``.txt`` files.
    feed_id
        Prefix for every id (``"actv"`` makes stop ``1234`` into ``"actv:1234"``), so that
        several feeds can be loaded together; empty keeps the ids as they are.
    strict
        Raise :class:`ValidationError` when the report has errors (else only report them).
    progress
        Progress and cancel; warnings go to ``progress.info``.

    Returns
    -------
    GtfsFeed
        The tables and the report of problems (``feed.report``).
    """
    progress = ensure(progress)
    path = Path(path)
    files = _open_source(path)
    report = GtfsReport()
    tables: dict[str, pd.DataFrame] = {}
    st_coded: dict[str, _Coded] = {}
    for name in REQUIRED_FILES:
        if name not in files:
            report.add(
                "error",
                name,
                0,
                "",
                "required file is missing",
                "manca questo file obbligatorio",
            )
    if "calendar.txt" not in files and "calendar_dates.txt" not in files:
        report.add(
            "error",
            "calendar.txt",
            0,
            "",
            "neither calendar.txt nor calendar_dates.txt is present: no service dates",
            "mancano sia calendar.txt sia calendar_dates.txt: nessuna data di servizio",
        )
    for i, name in enumerate(REQUIRED_FILES + OPTIONAL_FILES):
        progress.report(i / 10, f"reading {name}")
        if name not in files:
            continue
        df, coded = _read_csv(files[name], name, report, _ID_COLUMNS[name], feed_id)
        if df is None:
            continue
        missing = [c for c in REQUIRED_COLUMNS[name] if c not in df.columns]
        for col in missing:
            report.add(
                "error",
                name,
                1,
                col,
                "required column is missing",
                "manca questa colonna obbligatoria",
            )
        if missing:
            continue
        tables[name] = df
        if name == "stop_times.txt":
            st_coded = coded
    feed = GtfsFeed(feed_id=feed_id, source=str(path), tables=tables, report=report)
    if "stop_times.txt" in tables:
        _check_stop_times(feed, st_coded)
    _check_calendar(feed)
    _check_frequencies(feed)
    for p in report.warnings:
        progress.info(f"GTFS {path.name}: {p}")
    if strict:
        report.raise_if_errors(str(path))
    progress.report(1.0, "GTFS read")
    return feed


def _check_stop_times(feed: GtfsFeed, coded: dict[str, _Coded] | None = None) -> None:
    st = feed.tables["stop_times.txt"]
    report = feed.report
    name = "stop_times.txt"
    coded = dict(coded or {})
    for col in ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"):
        if col not in coded:  # a column the file lacks (times), or a table made by hand
            ser = st[col] if col in st.columns else pd.Series("", index=st.index, dtype=object)
            st[col] = ser
            codes, uniques = pd.factorize(ser)
            values = np.append(np.asarray(uniques, dtype=object), np.nan)
            coded[col] = _Coded(np.where(codes < 0, len(values) - 1, codes), values)
    times = {}
    for col in ("arrival_time", "departure_time"):
        secs_u, ok_u = _parse_times(coded[col].values[:-1])
        secs, ok = coded[col].take(secs_u), coded[col].take(ok_u)
        times[col] = secs
        for i in np.flatnonzero(~ok)[:100]:
            report.add(
                "error",
                name,
                st["line"].iat[i],
                col,
                f"bad time {st[col].iat[i]!r} (expected HH:MM:SS, e.g. 08:07:00 or 25:10:00)",
                f"orario non valido {st[col].iat[i]!r} (atteso HH:MM:SS, es. 08:07:00 o 25:10:00)",
            )
        for i in np.flatnonzero(secs > MAX_TIME_S)[:100]:
            report.add(
                "error",
                name,
                st["line"].iat[i],
                col,
                f"time {st[col].iat[i]} is past 48:00:00 (more than two service days)",
                f"l'orario {st[col].iat[i]} supera 48:00:00 (oltre due giorni di servizio)",
            )
    arr, dep = times["arrival_time"], times["departure_time"]
    # one of the two given: the other is the same moment
    arr = np.where(arr < 0, dep, arr)
    dep = np.where(dep < 0, arr, dep)
    seq_c = coded["stop_sequence"]
    seq = seq_c.take(pd.to_numeric(pd.Series(seq_c.values), errors="coerce").to_numpy(float))
    for i in np.flatnonzero(np.isnan(seq))[:100]:
        report.add(
            "error",
            name,
            st["line"].iat[i],
            "stop_sequence",
            f"stop_sequence {st['stop_sequence'].iat[i]!r} is not a whole number",
            f"stop_sequence {st['stop_sequence'].iat[i]!r} non è un numero intero",
        )
    st["seq"] = np.where(np.isnan(seq), -1, seq).astype(np.int64)
    st["arr_s"] = arr
    st["dep_s"] = dep
    for col in ("pickup_type", "drop_off_type"):
        st[col] = st[col] if col in st.columns else ""
    _check_references(feed, st, coded)
    # sort by trip and sequence (stable): trips by the rank of their id among the distinct ids
    trip_c = coded["trip_id"]
    rank_u, _ = pd.factorize(pd.Series(trip_c.values), sort=True)
    rank_u = np.where(rank_u < 0, rank_u.max(initial=-1) + 1, rank_u)  # a missing id last
    trip_rank = trip_c.take(rank_u)
    order = np.lexsort((st["seq"].to_numpy(), trip_rank))
    if np.any(order != np.arange(len(order))):  # most feeds come sorted: no copy of the table
        st = st.take(order).reset_index(drop=True)
        trip_rank = trip_rank[order]
    elif not (isinstance(st.index, pd.RangeIndex) and st.index.start == 0 and st.index.step == 1):
        st = st.reset_index(drop=True)
    feed.tables[name] = st
    _interpolate(st, report)
    _check_increasing(st, report, trip_rank)
    feed._trip_blocks = (st, _blocks(trip_rank, st["trip_id"].to_numpy()))


def _blocks(rank: np.ndarray, trip_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The trips of stop times sorted by trip: each trip's id and its first row (+ the end)."""
    starts = np.flatnonzero(np.r_[True, rank[1:] != rank[:-1]]) if len(rank) else np.zeros(0, int)
    return trip_ids[starts], np.r_[starts, len(rank)].astype(np.int64)


def _check_references(feed: GtfsFeed, st: pd.DataFrame, coded: dict[str, _Coded]) -> None:
    report = feed.report
    trips = feed.table("trips.txt")
    stops = feed.table("stops.txt")
    checks = [("trip_id", trips, "trip_id", "trips.txt")]
    checks.append(("stop_id", stops, "stop_id", "stops.txt"))
    for col, ref, ref_col, ref_name in checks:
        if ref is None:
            continue
        known = pd.Series(coded[col].values).isin(ref[ref_col]).to_numpy()
        for i in np.flatnonzero(~coded[col].take(known))[:100]:
            report.add(
                "error",
                "stop_times.txt",
                st["line"].iat[i],
                col,
                f"{col} {st[col].iat[i]!r} is not in {ref_name}",
                f"{col} {st[col].iat[i]!r} non è in {ref_name}",
            )
    if stops is not None and "location_type" in stops.columns:
        stations = stops.loc[stops["location_type"].isin(["1", "2", "3", "4"]), "stop_id"]
        station = pd.Series(coded["stop_id"].values).isin(stations).to_numpy()
        for i in np.flatnonzero(coded["stop_id"].take(station))[:100]:
            report.add(
                "error",
                "stop_times.txt",
                st["line"].iat[i],
                "stop_id",
                f"stop_id {st['stop_id'].iat[i]!r} is a station or entrance, not a stop",
                f"stop_id {st['stop_id'].iat[i]!r} è una stazione o un ingresso, non una fermata",
            )


def _interpolate(st: pd.DataFrame, report: GtfsReport) -> None:
    """Fill empty times of non-timepoints linearly between the timepoints of their trip."""
    missing = st["arr_s"].to_numpy() < 0
    if not missing.any():
        return
    times = st["arr_s"].where(~missing).astype(float)
    filled = times.groupby(st["trip_id"]).transform(lambda s: s.interpolate(limit_area="inside"))
    still = filled.isna().to_numpy()
    for i in np.flatnonzero(still)[:100]:
        report.add(
            "error",
            "stop_times.txt",
            st["line"].iat[i],
            "arrival_time",
            "no time, and no timed stop before and after it in the trip to interpolate from",
            "orario assente e nessuna fermata con orario prima e dopo nella corsa da cui interpolarlo",
        )
    values = np.round(filled.fillna(-1).to_numpy()).astype(np.int64)
    st.loc[missing, "arr_s"] = values[missing]
    st.loc[missing, "dep_s"] = values[missing]
    report.add(
        "warning",
        "stop_times.txt",
        0,
        "arrival_time",
        f"{int(missing.sum())} stop times without a time were interpolated between timepoints",
        f"{int(missing.sum())} orari mancanti sono stati interpolati tra le fermate con orario",
    )


def _check_increasing(st: pd.DataFrame, report: GtfsReport, trip_rank: np.ndarray) -> None:
    arr = st["arr_s"].to_numpy()
    dep = st["dep_s"].to_numpy()
    trip = st["trip_id"].to_numpy()
    same_trip = np.r_[False, trip_rank[1:] == trip_rank[:-1]]
    back = same_trip & (arr < np.r_[0, dep[:-1]])
    for i in np.flatnonzero(back)[:100]:
        report.add(
            "error",
            "stop_times.txt",
            st["line"].iat[i],
            "arrival_time",
            f"trip {trip[i]!r} arrives at {st['arrival_time'].iat[i]} before it left the "
            f"previous stop at {st['departure_time'].iat[i - 1]} (times must not decrease)",
            f"la corsa {trip[i]!r} arriva alle {st['arrival_time'].iat[i]} prima di partire "
            f"dalla fermata precedente alle {st['departure_time'].iat[i - 1]}",
        )
    for i in np.flatnonzero(dep < arr)[:100]:
        report.add(
            "error",
            "stop_times.txt",
            st["line"].iat[i],
            "departure_time",
            f"departure {st['departure_time'].iat[i]} is before arrival {st['arrival_time'].iat[i]}",
            f"la partenza {st['departure_time'].iat[i]} precede l'arrivo {st['arrival_time'].iat[i]}",
        )


def _check_calendar(feed: GtfsFeed) -> None:
    report = feed.report
    for name, cols in (
        ("calendar.txt", ("start_date", "end_date")),
        ("calendar_dates.txt", ("date",)),
    ):
        df = feed.table(name)
        if df is None:
            continue
        for col in cols:
            bad = pd.to_datetime(df[col], format="%Y%m%d", errors="coerce").isna().to_numpy()
            for i in np.flatnonzero(bad)[:100]:
                report.add(
                    "error",
                    name,
                    df["line"].iat[i],
                    col,
                    f"bad date {df[col].iat[i]!r} (expected YYYYMMDD)",
                    f"data non valida {df[col].iat[i]!r} (attesa AAAAMMGG)",
                )
            if bad.any():
                feed.tables.pop(name)
                break


def _check_frequencies(feed: GtfsFeed) -> None:
    freq = feed.table("frequencies.txt")
    if freq is None:
        return
    for col in ("start_time", "end_time"):
        secs, ok = parse_gtfs_time(freq[col])
        for i in np.flatnonzero(~ok | (secs < 0))[:100]:
            feed.report.add(
                "error",
                "frequencies.txt",
                freq["line"].iat[i],
                col,
                f"bad time {freq[col].iat[i]!r} (expected HH:MM:SS)",
                f"orario non valido {freq[col].iat[i]!r} (atteso HH:MM:SS)",
            )
        freq[col + "_s"] = secs
    headway = pd.to_numeric(freq["headway_secs"], errors="coerce")
    for i in np.flatnonzero((headway.isna() | (headway <= 0)).to_numpy())[:100]:
        feed.report.add(
            "error",
            "frequencies.txt",
            freq["line"].iat[i],
            "headway_secs",
            f"headway {freq['headway_secs'].iat[i]!r} must be a positive number of seconds",
            f"l'intervallo {freq['headway_secs'].iat[i]!r} deve essere un numero positivo di secondi",
        )
    freq["headway_s"] = headway.fillna(0).astype(np.int64)


# --- one service day --------------------------------------------------------------------------
@dataclass(eq=False)
class Timetable:
    """The trips of one service day of one or more feeds, as numpy arrays.

    Attributes
    ----------
    date
        The service day; times are seconds since its midnight (previous-day trips that run past
        midnight are included, shifted by -86 400 s).
    feed_ids
        The feeds, in order.
    stop_id, stop_name, stop_lat, stop_lon, stop_parent
        Per stop (``location_type`` 0 or empty): prefixed id, name, WGS84 position and the
        prefixed id of its parent station ("" if none).
    trip_id, trip_route
        Per trip of the day (frequency-based trips expanded, named ``"<trip_id>@HH:MM:SS"``).
    trip_offsets
        Trip ``t`` has stop times ``trip_offsets[t]:trip_offsets[t+1]``.
    st_stop, st_arr, st_dep, st_board, st_alight
        Per stop time: stop index, arrival and departure (s), and whether boarding / alighting
        is allowed (``pickup_type`` / ``drop_off_type`` other than 1).
    transfer_from, transfer_to, transfer_s
        ``transfers.txt`` minimum transfer times (type 2; type 0/1 with a time) between stop
        indices (parent stations expanded to their stops); ``transfer_forbidden`` pairs are type 3.
    warnings
        Warnings about the date (expired calendar, no service...).
    feed_dates
        Per feed id, ``(first, last)`` date any of its services runs (None when unknown), for
        outputs that must say which days the timetable holds.
    frequency_entries
        The ``frequencies.txt`` entries with ``exact_times=0`` (phase unknown) and their
        trips, for :func:`~.frequencies.draw_timetable`; None when there are none.
    frequency_offsets
        On a drawn timetable, the phase (s) drawn for each entry; None otherwise.
    """

    date: dt.date
    feed_ids: tuple[str, ...]
    stop_id: np.ndarray
    stop_name: np.ndarray
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    stop_parent: np.ndarray
    trip_id: np.ndarray
    trip_route: np.ndarray
    trip_offsets: np.ndarray
    st_stop: np.ndarray
    st_arr: np.ndarray
    st_dep: np.ndarray
    st_board: np.ndarray
    st_alight: np.ndarray
    transfer_from: np.ndarray
    transfer_to: np.ndarray
    transfer_s: np.ndarray
    transfer_forbidden: np.ndarray
    warnings: list[GtfsProblem] = field(default_factory=list)
    feed_dates: dict = field(default_factory=dict)
    frequency_entries: FrequencyEntries | None = None
    frequency_offsets: np.ndarray | None = None

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return int(self.stop_id.shape[0])

    @property
    def n_trips(self) -> int:
        """Number of trips running on the day."""
        return int(self.trip_id.shape[0])

    @property
    def stops_key(self) -> tuple:
        """An identity of the feeds' stops and transfers (not of the date), for caches."""
        import hashlib

        digest = hashlib.sha1()
        for arr in (self.stop_lon, self.stop_lat, self.transfer_from, self.transfer_to):
            digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(self.transfer_s.tobytes() + self.transfer_forbidden.tobytes())
        digest.update("\x00".join(self.stop_id.tolist()).encode())
        return (self.feed_ids, self.n_stops, digest.hexdigest())

    def stop_index(self, ids: str | Sequence[str]) -> np.ndarray:
        """Return the stop indices of ``ids``; a parent station gives all of its stops.

        Raises
        ------
        InputError
            When an id is neither a stop nor a station of the timetable.
        """
        ids = [ids] if isinstance(ids, str) else list(ids)
        lookup = {s: i for i, s in enumerate(self.stop_id)}
        out: list[int] = []
        for sid in ids:
            if sid in lookup:
                out.append(lookup[sid])
                continue
            children = np.flatnonzero(self.stop_parent == sid)
            if children.size == 0:
                raise InputError(
                    f"Stop {sid!r} is neither a stop nor a station of the feeds {self.feed_ids}.",
                    fix="Use a stop_id of stops.txt, prefixed with its feed id (e.g. 'actv:1234').",
                    it=f"La fermata {sid!r} non è una fermata né una stazione dei feed {self.feed_ids}.",
                    fix_it="Usa uno stop_id di stops.txt, con il prefisso del feed (es. 'actv:1234').",
                )
            out.extend(children.tolist())
        return np.asarray(out, dtype=np.int64)

    def departures(self, stop: int) -> np.ndarray:
        """Return the sorted departure times (s) of the trips that board at stop index ``stop``."""
        mask = (self.st_stop == stop) & self.st_board
        last = np.zeros(self.st_stop.shape[0], dtype=bool)
        last[self.trip_offsets[1:] - 1] = True  # no one boards at a trip's last stop
        return np.sort(self.st_dep[mask & ~last])


def _as_date(date: str | dt.date) -> dt.date:
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError as exc:
        raise InputError(
            f"Date {date!r} is not a date.",
            fix="Give it as YYYY-MM-DD, e.g. 2025-11-19.",
            it=f"La data {date!r} non è una data.",
            fix_it="Indicala come AAAA-MM-GG, es. 2025-11-19.",
        ) from exc


def active_services(feed: GtfsFeed, date: dt.date) -> set[str]:
    """Return the service ids of ``feed`` that run on ``date``."""
    active: set[str] = set()
    cal = feed.table("calendar.txt")
    if cal is not None and len(cal):
        ymd = date.strftime("%Y%m%d")
        on = (cal[WEEKDAYS[date.weekday()]] == "1") & (cal["start_date"] <= ymd)
        on &= cal["end_date"] >= ymd
        active |= set(cal.loc[on, "service_id"])
    cdates = feed.table("calendar_dates.txt")
    if cdates is not None and len(cdates):
        today = cdates[cdates["date"] == date.strftime("%Y%m%d")]
        active |= set(today.loc[today["exception_type"] == "1", "service_id"])
        active -= set(today.loc[today["exception_type"] == "2", "service_id"])
    return active


def _date_warnings(feed: GtfsFeed, date: dt.date, n_today: int) -> list[GtfsProblem]:
    out: list[GtfsProblem] = []
    span = feed.date_range()
    name = feed.feed_id or Path(feed.source).name
    if span is not None and not (span[0] <= date <= span[1]):
        first, last = span[0].isoformat(), span[1].isoformat()
        if date > span[1]:
            msg = (
                f"the calendar of feed {name!r} expired on {last} (it runs {first} to {last}); "
                f"{date.isoformat()} is outside the feed's dates"
            )
            msg_it = (
                f"il calendario del feed {name!r} è scaduto il {last} (va dal {first} al "
                f"{last}); il {date.isoformat()} è fuori dalle date del feed"
            )
        else:
            msg = (
                f"the calendar of feed {name!r} starts on {first} (it runs {first} to {last}); "
                f"{date.isoformat()} is outside the feed's dates"
            )
            msg_it = (
                f"il calendario del feed {name!r} inizia il {first} (va dal {first} al "
                f"{last}); il {date.isoformat()} è fuori dalle date del feed"
            )
        out.append(GtfsProblem("warning", "calendar.txt", 0, "end_date", msg, msg_it))
    if n_today == 0:
        out.append(
            GtfsProblem(
                "warning",
                "calendar.txt",
                0,
                "",
                f"feed {name!r} has no service on {date.isoformat()} ({date:%A}): "
                "every transit time will be missing (walking only)",
                f"il feed {name!r} non ha servizio il {date.isoformat()}: "
                "tutti i tempi col trasporto pubblico mancheranno (solo a piedi)",
            )
        )
    return out


def _expand_frequencies(feed: GtfsFeed, st: pd.DataFrame, trips: set[str]) -> pd.DataFrame:
    """Replace each frequency-based template trip by one concrete trip per headway."""
    freq = feed.table("frequencies.txt")
    if freq is None or not len(freq):
        return st
    freq = freq[freq["trip_id"].isin(trips) & (freq["headway_s"] > 0)]
    if not len(freq):
        return st
    templ = st[st["trip_id"].isin(set(freq["trip_id"]))]
    rest = st[~st["trip_id"].isin(set(freq["trip_id"]))]
    parts = [rest]
    for trip_id, group in templ.groupby("trip_id", sort=False):
        first = int(group["dep_s"].iloc[0])
        for _, row in freq[freq["trip_id"] == trip_id].iterrows():
            # GTFS: start_time <= first departure < end_time, one trip every headway_secs
            starts = np.arange(row["start_time_s"], row["end_time_s"], row["headway_s"])
            # exact_times=0: the phase is unknown; mark the trips so draws can re-phase them
            unknown_phase = frequency_columns(row)
            for start in starts:
                run = group.copy() if unknown_phase is None else group.assign(**unknown_phase)
                run["arr_s"] = group["arr_s"] - first + start
                run["dep_s"] = group["dep_s"] - first + start
                h, rem = divmod(int(start), 3600)
                run["trip_id"] = f"{trip_id}@{h:02d}:{rem // 60:02d}:{rem % 60:02d}"
                parts.append(run)
    return pd.concat(parts, ignore_index=True)


def _day_stop_times(feed: GtfsFeed, date: dt.date, shift: int) -> pd.DataFrame:
    trips = feed.tables["trips.txt"]
    services = active_services(feed, date)
    day_trips = trips.loc[trips["service_id"].isin(services), ["trip_id", "route_id"]]
    st = feed.tables["stop_times.txt"]
    cols = ["trip_id", "stop_id", "seq", "arr_s", "dep_s", "pickup_type", "drop_off_type"]
    wanted = set(day_trips["trip_id"])
    if feed._trip_blocks is not None and feed._trip_blocks[0] is st:
        # the table is sorted by trip: take the rows of the day's trips, block by block
        ids, bounds = feed._trip_blocks[1]
        keep = np.fromiter((t in wanted for t in ids), dtype=bool, count=len(ids))
        first, last = bounds[:-1][keep], bounds[1:][keep]
        lengths = last - first
        rows = np.arange(lengths.sum()) + np.repeat(
            first - np.r_[0, np.cumsum(lengths)[:-1]], lengths
        )
        # column by column: taking the frame would first merge its many blocks
        st = pd.DataFrame({c: st[c].to_numpy()[rows] for c in cols}, index=st.index[rows])
    else:  # a table changed after reading
        st = st.loc[st["trip_id"].isin(wanted), cols]
    st = _expand_frequencies(feed, st, set(day_trips["trip_id"]))
    if shift:
        st = st.assign(arr_s=st["arr_s"] + shift, dep_s=st["dep_s"] + shift)
        # yesterday's trips matter only if they still run after midnight
        runs_late = st.groupby("trip_id")["arr_s"].transform("max") >= 0
        st = st[runs_late]
        st = st.assign(trip_id=st["trip_id"] + "~prev")
    route = dict(zip(day_trips["trip_id"], day_trips["route_id"]))
    codes, uniques = pd.factorize(st["trip_id"])  # each distinct trip id once
    suffix = re.compile(r"(@\d\d:\d\d:\d\d)?(~prev)?$")
    routes = np.array(
        [route.get(suffix.sub("", t), np.nan) for t in uniques] + [np.nan], dtype=object
    )
    return st.assign(route_id=routes[codes])


def build_timetable(
    feeds: Sequence[GtfsFeed] | GtfsFeed,
    *,
    date: str | dt.date,
    include_previous_day: bool = True,
    progress: Progress | None = None,
) -> Timetable:
    """Build the timetable of one service day from one or more feeds.

    Parameters
    ----------
    feeds
        Feeds from :func:`read_gtfs`, each with its own ``feed_id`` when there are several.
    date
        The service day (``"2025-11-19"`` or a :class:`datetime.date`).
    include_previous_day
        Also keep the previous day's trips that run past midnight (times shifted by a day).
    progress
        Progress and cancel; warnings (date outside the feed, no service) go to
        ``progress.info`` and to ``Timetable.warnings``.

    Returns
    -------
    Timetable
        Trips sorted by id, stop times by trip and sequence, times in seconds.
    """
    progress = ensure(progress)
    feeds = [feeds] if isinstance(feeds, GtfsFeed) else list(feeds)
    day = _as_date(date)
    ids = [f.feed_id for f in feeds]
    if len(feeds) > 1 and len(set(ids)) < len(ids):
        raise InputError(
            f"Feeds loaded together need different feed ids, got {ids}.",
            fix="Read each feed with its own feed_id (e.g. 'actv', 'trenord').",
            it=f"I feed caricati insieme devono avere id diversi, ricevuti {ids}.",
            fix_it="Leggi ogni feed con un proprio feed_id (es. 'actv', 'trenord').",
        )
    warnings: list[GtfsProblem] = []
    stops_parts, st_parts, transfer_parts = [], [], []
    for i, feed in enumerate(feeds):
        progress.report(i / max(len(feeds), 1), f"service of {day} in {feed.feed_id or 'feed'}")
        stops = feed.tables["stops.txt"]
        ltype = stops["location_type"] if "location_type" in stops.columns else ""
        keep = pd.Series(ltype, index=stops.index).isin(["", "0"])
        stops_parts.append(stops[keep])
        today = _day_stop_times(feed, day, 0)
        warnings += _date_warnings(feed, day, today["trip_id"].nunique())
        st_parts.append(today)
        if include_previous_day:
            st_parts.append(_day_stop_times(feed, day - dt.timedelta(days=1), -DAY_S))
        if feed.table("transfers.txt") is not None:
            transfer_parts.append((feed.tables["transfers.txt"], stops))
    stops = pd.concat(stops_parts, ignore_index=True)
    for col in ("stop_name", "parent_station", "stop_lat", "stop_lon"):
        if col not in stops.columns:
            stops[col] = ""
    st = pd.concat(st_parts, ignore_index=True)
    # each part holds whole trips in sequence order: a stable sort by trip id is by (trip, seq)
    trip_codes, trip_ids = pd.factorize(st["trip_id"], sort=True)
    order = np.argsort(trip_codes, kind="stable")
    st, trip_codes = st.take(order), trip_codes[order]
    stop_pos = pd.Series(np.arange(len(stops)), index=stops["stop_id"].to_numpy())
    st_stop = stop_pos.reindex(st["stop_id"].to_numpy()).to_numpy()
    counts = np.bincount(trip_codes, minlength=len(trip_ids))
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    first_rows = offsets[:-1]
    tt = Timetable(
        date=day,
        feed_ids=tuple(ids),
        stop_id=stops["stop_id"].to_numpy(dtype=object),
        stop_name=stops["stop_name"].to_numpy(dtype=object),
        stop_lat=pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy(dtype=float),
        stop_lon=pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy(dtype=float),
        stop_parent=stops["parent_station"].to_numpy(dtype=object),
        trip_id=np.asarray(trip_ids, dtype=object),
        trip_route=st["route_id"].to_numpy(dtype=object)[first_rows],
        trip_offsets=offsets,
        st_stop=st_stop.astype(np.int64),
        st_arr=st["arr_s"].to_numpy(dtype=np.int64),
        st_dep=st["dep_s"].to_numpy(dtype=np.int64),
        st_board=(st["pickup_type"] != "1").to_numpy(),
        st_alight=(st["drop_off_type"] != "1").to_numpy(),
        transfer_from=np.zeros(0, dtype=np.int64),
        transfer_to=np.zeros(0, dtype=np.int64),
        transfer_s=np.zeros(0, dtype=np.int64),
        transfer_forbidden=np.zeros((0, 2), dtype=np.int64),
        warnings=warnings,
        feed_dates={f.feed_id: f.date_range() for f in feeds},
    )
    _add_transfers(tt, transfer_parts)
    tt.frequency_entries = frequency_entries(tt.trip_id, st.iloc[first_rows])
    for w in warnings:
        progress.info(f"GTFS: {w}")
    progress.report(1.0, f"{tt.n_trips} trips on {day}")
    return tt


def _add_transfers(tt: Timetable, parts: list) -> None:
    """Read ``transfers.txt`` into stop-index pairs; stations stand for all their stops."""
    index = {s: i for i, s in enumerate(tt.stop_id)}
    children: dict[str, list[int]] = {}
    for i, parent in enumerate(tt.stop_parent):
        if parent:
            children.setdefault(parent, []).append(i)

    def expand(sid: str) -> list[int]:
        return [index[sid]] if sid in index else children.get(sid, [])

    frm, to, secs, forbidden = [], [], [], []
    for df, _stops in parts:
        mtt = df["min_transfer_time"] if "min_transfer_time" in df.columns else ""
        mtt = pd.to_numeric(pd.Series(mtt, index=df.index), errors="coerce")
        for a, b, ttype, m in zip(df["from_stop_id"], df["to_stop_id"], df["transfer_type"], mtt):
            for i in expand(a):
                for j in expand(b):
                    if ttype == "3":
                        forbidden.append((i, j))
                    elif ttype in ("", "0", "1", "2") and not np.isnan(m):
                        frm.append(i)
                        to.append(j)
                        secs.append(int(m))
    tt.transfer_from = np.asarray(frm, dtype=np.int64)
    tt.transfer_to = np.asarray(to, dtype=np.int64)
    tt.transfer_s = np.asarray(secs, dtype=np.int64)
    tt.transfer_forbidden = np.asarray(forbidden, dtype=np.int64).reshape(-1, 2)
