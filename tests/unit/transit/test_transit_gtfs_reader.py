"""The GTFS reader's fast path (pyarrow, distinct values once) against a plain text read.

The oracle is the reader as it was before: ``pandas.read_csv(dtype=str)`` of every file, each
value stripped, ids prefixed, stop times sorted by trip and sequence. The fast path must give
the same tables, the same problems and the same timetable, with pyarrow and without it (the
pandas path users without pyarrow get), on the real feeds and on random CSV text.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from transit_oracle import random_feed, write_feed

from capacitymetro_plugin.core.transit import build_timetable, read_gtfs
from capacitymetro_plugin.core.transit import gtfs as gtfs_mod

DATA = Path(os.environ.get("CAPACITYMETRO_DATA", Path(__file__).parents[4] / "shared" / "data"))
ACTV = DATA / "gtfs_actv_automobilistico_20251117-20251223.zip"
TRENORD = DATA / "gtfs_trenord_20220111-20220612.zip"


@pytest.fixture
def no_pyarrow(monkeypatch):
    """Python as on a QGIS without pyarrow: ``import pyarrow`` fails."""
    for name in ("pyarrow", "pyarrow.csv", "pyarrow.compute"):
        monkeypatch.setitem(sys.modules, name, None)


def plain_read(data: bytes, id_cols=(), feed_id="") -> pd.DataFrame:
    """The oracle: every value as text, stripped; ids prefixed where not empty."""
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names = [c.strip() for c in df.columns]
    cols = {}
    for i, col in enumerate(names):
        values = df.iloc[:, i].astype(object).str.strip()  # NaN (a missing field) stays NaN
        if feed_id and col in id_cols:
            values = values.where(values.isna() | (values == ""), feed_id + ":" + values)
        cols[i] = values.astype(object).to_numpy()
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(df)))  # (a row index pandas infers: dropped)
    out.columns = names
    out["line"] = np.arange(2, len(out) + 2)
    return out


def _assert_same_frame(got: pd.DataFrame, want: pd.DataFrame, name: str) -> None:
    """Equal columns and values, NaN where NaN (pandas' own check is slow on text columns)."""
    assert list(got.columns) == list(want.columns), name
    assert len(got) == len(want), name
    for col in want.columns:
        a, b = got[col].to_numpy(), want[col].to_numpy()
        assert a.dtype.kind == b.dtype.kind, (name, col)
        if a.dtype.kind == "O":
            a, b = pd.Series(a).fillna("<NaN>").to_numpy(), pd.Series(b).fillna("<NaN>").to_numpy()
        bad = np.flatnonzero(a != b)
        assert bad.size == 0, (name, col, bad[:3], a[bad[:3]], b[bad[:3]])


def _timetable_arrays(tt) -> dict:
    return {k: v for k, v in vars(tt).items() if isinstance(v, np.ndarray)}


def _assert_same_timetable(a, b) -> None:
    arrays_a, arrays_b = _timetable_arrays(a), _timetable_arrays(b)
    assert arrays_a.keys() == arrays_b.keys()
    for key in arrays_a:
        np.testing.assert_array_equal(arrays_a[key], arrays_b[key], err_msg=key)
    assert [str(w) for w in a.warnings] == [str(w) for w in b.warnings]


def test_pyarrow_is_the_path_taken_on_the_real_feed():
    import zipfile

    with zipfile.ZipFile(ACTV) as zf:
        data = zf.read("stop_times.txt")
    columns = gtfs_mod._columns_arrow(data)
    assert columns is not None, "pyarrow is a test requirement: the fast path must be tested"
    assert [c[0] for c in columns] == list(plain_read(data).columns[:-1])


@pytest.mark.parametrize(
    "path,feed_id,date", [(ACTV, "actv", "2025-11-19"), (TRENORD, "", "2022-02-16")]
)
def test_real_feed_read_equals_the_plain_text_read_with_and_without_pyarrow(
    path, feed_id, date, monkeypatch
):
    import zipfile

    fast = read_gtfs(path, feed_id=feed_id)
    with monkeypatch.context() as m:
        for name in ("pyarrow", "pyarrow.csv", "pyarrow.compute"):
            m.setitem(sys.modules, name, None)
        slow = read_gtfs(path, feed_id=feed_id)
    assert [str(p) for p in fast.report.problems] == [str(p) for p in slow.report.problems]
    assert fast.tables.keys() == slow.tables.keys()
    with zipfile.ZipFile(path) as zf:
        for name, df in fast.tables.items():
            _assert_same_frame(df, slow.tables[name], name)
            want = plain_read(zf.read(name), gtfs_mod._ID_COLUMNS[name], feed_id)
            if name == "stop_times.txt":  # the reader sorts them by trip and sequence
                seq = pd.to_numeric(want["stop_sequence"])
                want = want.assign(_s=seq).sort_values(["trip_id", "_s"], kind="stable")
                want = want.drop(columns="_s").reset_index(drop=True)
            _assert_same_frame(df[list(want.columns)], want, name)
    _assert_same_timetable(build_timetable(fast, date=date), build_timetable(slow, date=date))


# --- random CSV text: both paths and the oracle agree, or all refuse ------------------------
_VALUE = st.one_of(
    st.text(alphabet="ab1 :.-", max_size=6),
    st.sampled_from(["", " ", "NA", "null", "N/A", "nan", "08:00:00", " 7 ", "ü", "é è"]),
    st.text(alphabet='a,"\n ', max_size=5).map(lambda t: '"' + t.replace('"', '""') + '"'),
)


@st.composite
def csv_bytes(draw):
    n_cols = draw(st.integers(1, 4))
    header = [
        draw(st.sampled_from(["trip_id", " stop_id", "x", "y ", "stop_id"])) for _ in range(n_cols)
    ]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        width = n_cols if draw(st.integers(0, 9)) else draw(st.integers(1, n_cols + 1))
        rows.append(",".join(draw(_VALUE) for _ in range(width)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join([",".join(header), *rows]) + draw(st.sampled_from(["", newline]))
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        data = data.replace(b"a", b"\xff", 1)  # not UTF-8
    return data


def _read_both(data: bytes, monkeypatch):
    from capacitymetro_plugin.core.transit.gtfs import GtfsReport

    got = []
    for without in (False, True):
        with monkeypatch.context() as m:
            if without:
                for name in ("pyarrow", "pyarrow.csv", "pyarrow.compute"):
                    m.setitem(sys.modules, name, None)
            report = GtfsReport()
            df, _ = gtfs_mod._read_csv(data, "stops.txt", report, ("stop_id", "trip_id"), "f")
            got.append((df, [str(p) for p in report.problems]))
    return got


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=csv_bytes())
@example(data=b" stop_id,stop_id\n1,2\n")  # found by Hypothesis: names equal once stripped
@example(data=b"trip_id\n ")  # pandas skips a line of blanks in a file of one column
@example(data=b"trip_id\n\n,")  # a row with one more field: pandas takes it as the row index
@example(data=b'\xef\xbb\xbfstop_id,x\r\n" a\n,b",\r\n')  # BOM, CRLF, quoted comma and newline
def test_random_csv_reads_as_the_plain_text_read(data, monkeypatch):
    (fast, fast_problems), (slow, slow_problems) = _read_both(data, monkeypatch)
    assert fast_problems == slow_problems
    try:
        want = plain_read(data, ("stop_id", "trip_id"), "f")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        assert fast is None and slow is None and len(fast_problems) == 1
        return
    if len(set(want.columns)) < len(want.columns):  # " stop_id,stop_id": refused, named
        assert fast is None and slow is None
        assert "appears more than once" in fast_problems[0]
        return
    pd.testing.assert_frame_equal(fast, want, check_index_type=False)
    pd.testing.assert_frame_equal(slow, want, check_index_type=False)


# --- the day build: order of the file, tables changed after reading -------------------------
@pytest.mark.parametrize("seed", [1, 7, 16])
def test_stop_times_in_any_order_give_the_same_timetable(tmp_path, seed):
    tables = random_feed(seed)
    lines = tables["stop_times.txt"].strip("\n").split("\n")
    rows = lines[1:]
    np.random.default_rng(seed).shuffle(rows)
    shuffled = dict(tables, **{"stop_times.txt": "\n".join([lines[0], *rows]) + "\n"})
    a = build_timetable(read_gtfs(write_feed(tmp_path / "a", tables)), date="2025-11-19")
    b = build_timetable(read_gtfs(write_feed(tmp_path / "b", shuffled)), date="2025-11-19")
    _assert_same_timetable(a, b)
    assert a.n_trips > 0


def test_a_stop_times_table_replaced_after_reading_is_still_used(tmp_path):
    feed = read_gtfs(write_feed(tmp_path, random_feed(3)))
    before = build_timetable(feed, date="2025-11-19")
    st_ = feed.tables["stop_times.txt"]
    feed.tables["stop_times.txt"] = st_.copy()  # same rows: the slow path gives the same day
    _assert_same_timetable(before, build_timetable(feed, date="2025-11-19"))
    gone = sorted(set(before.trip_id) & set(st_["trip_id"]))[0]  # a plain trip of the day
    feed.tables["stop_times.txt"] = st_[st_["trip_id"] != gone].copy()
    after = build_timetable(feed, date="2025-11-19")
    derived = {t for t in before.trip_id if t == gone or t.startswith((gone + "~", gone + "@"))}
    assert not derived & set(after.trip_id)
    assert after.n_trips == before.n_trips - len(derived)
