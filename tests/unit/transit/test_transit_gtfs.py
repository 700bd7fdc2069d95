"""The GTFS reader: a hand-made feed with known answers, and bad inputs named by file/row."""

import datetime as dt
import zipfile

import numpy as np
import pytest
from transit_oracle import TimeExpandedGraph, csv, random_feed, write_feed

from capacitymetro_plugin.core.errors import InputError, ValidationError
from capacitymetro_plugin.core.transit import (
    build_timetable,
    earliest_arrival,
    footpaths_straight_line,
    parse_gtfs_time,
    read_gtfs,
)

STOPS = [("S0", "a", "45.4900", "12.2400", 0, ""), ("S1", "b", "45.4950", "12.2400", 0, "P"),
         ("S2", "c", "45.5000", "12.2400", 0, ""), ("S9", "far", "45.6000", "12.4000", 0, "P"),
         ("P", "station", "45.4950", "12.2400", 1, "")]  # fmt: skip


def hand_feed(transfers=None, extra_st=()):
    st = [("A1", "08:00:00", "08:00:00", "S0", 1), ("A1", "08:10:00", "08:10:00", "S1", 2),
          ("B1", "08:10:00", "08:10:00", "S1", 1), ("B1", "08:20:00", "08:20:00", "S2", 2),
          ("B2", "08:20:00", "08:20:00", "S1", 1), ("B2", "08:30:00", "08:30:00", "S2", 2),
          ("N1", "25:10:00", "25:10:00", "S0", 1), ("N1", "25:30:00", "25:30:00", "S2", 2),
          ("X1", "08:00:00", "08:00:00", "S0", 1), ("X1", "08:05:00", "08:05:00", "S2", 2),
          *extra_st]  # fmt: skip
    tables = {
        "agency.txt": csv("agency_name,agency_url,agency_timezone", [("A", "http://x", "Europe/Rome")]),
        "stops.txt": csv("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station", STOPS),
        "routes.txt": csv("route_id,route_type", [("R", 3)]),
        "trips.txt": csv("route_id,service_id,trip_id", [("R", "WK", "A1"), ("R", "WK", "B1"),
                         ("R", "WK", "B2"), ("R", "WK", "N1"), ("R", "OFF", "X1")]),
        "stop_times.txt": csv("trip_id,arrival_time,departure_time,stop_id,stop_sequence", st),
        "calendar.txt": csv("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                            "start_date,end_date", [("WK", 1, 1, 1, 1, 1, 0, 0, "20251101", "20251130"),
                                                    ("OFF", 1, 1, 1, 1, 1, 1, 1, "20251101", "20251130")]),
        "calendar_dates.txt": csv("service_id,date,exception_type", [("OFF", "20251119", 2)]),
    }  # fmt: skip
    if transfers is not None:
        tables["transfers.txt"] = csv(
            "from_stop_id,to_stop_id,transfer_type,min_transfer_time", transfers
        )
    return tables


def _run(tmp_path, tables, date="2025-11-19", dep=8 * 3600):
    tt = build_timetable(read_gtfs(write_feed(tmp_path, tables)), date=date)
    fp = footpaths_straight_line(tt, max_walk_s=60)
    arr = earliest_arrival(tt, origin_stops=[0], departure_s=dep, max_rides=None, footpaths=fp)
    want, _ = TimeExpandedGraph(tt, fp).arrivals([0], [0], dep)
    np.testing.assert_array_equal(np.where(arr > 10**12, np.inf, arr), want)
    return tt, arr


def test_transfer_at_the_same_second_and_min_transfer_time(tmp_path):
    tt, arr = _run(tmp_path / "a", hand_feed())
    assert arr[tt.stop_index("S2")[0]] == 8 * 3600 + 20 * 60  # A1 then B1 (same-second change)
    tt, arr = _run(tmp_path / "b", hand_feed([("S1", "S1", 2, 120)]))
    assert arr[tt.stop_index("S2")[0]] == 8 * 3600 + 30 * 60  # 2 min to change: B2
    tt, arr = _run(tmp_path / "c", hand_feed([("P", "P", 2, 60)]))  # station stands for S1
    assert arr[tt.stop_index("S2")[0]] == 8 * 3600 + 30 * 60


def test_calendar_dates_remove_and_past_midnight(tmp_path):
    tt, _ = _run(tmp_path / "a", hand_feed())
    assert "X1" not in set(tt.trip_id)  # removed on 2025-11-19 by calendar_dates
    tt2 = build_timetable(read_gtfs(write_feed(tmp_path / "b", hand_feed())), date="2025-11-18")
    assert "X1" in set(tt2.trip_id)
    # yesterday's 25:10 trip runs at 01:10 today; today's at 25:10
    tt, arr = _run(tmp_path / "c", hand_feed(), dep=3600)
    assert "N1~prev" in set(tt.trip_id)
    assert arr[tt.stop_index("S2")[0]] == 3600 + 30 * 60
    assert set(tt.stop_index("P")) == {1, 3}  # a parent station gives its stops


def test_frequencies_are_expanded_within_their_window(tmp_path):
    feed = random_feed(0)
    tt = build_timetable(read_gtfs(write_feed(tmp_path, feed)), date="2025-11-19")
    runs = sorted(t for t in tt.trip_id if t.startswith("F0@"))
    row = feed["frequencies.txt"].splitlines()[1].split(",")
    start, headway = parse_gtfs_time([row[1]])[0][0], int(row[3])
    assert len(runs) == int(np.ceil(3600 / headway))
    assert runs[0] == "F0@" + row[1] and "F0" not in set(tt.trip_id)
    first = tt.trip_offsets[list(tt.trip_id).index(runs[1])]
    assert tt.st_dep[first] == start + headway


def test_times_parse_past_24_and_refuse_bad_ones():
    secs, ok = parse_gtfs_time(["25:10:00", "8:07:00", "", "8:7", "08:60:00"])
    assert secs.tolist()[:3] == [90600, 29220, -1] and ok.tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]


def _error(tmp_path, tables):
    with pytest.raises(ValidationError) as exc:
        read_gtfs(write_feed(tmp_path, tables))
    return exc.value


def test_bad_inputs_are_named_by_file_row_field(tmp_path):
    t = hand_feed()
    t["stop_times.txt"] = t["stop_times.txt"].replace("08:10:00,08:10:00,S1,2", "8:7,8:7,S1,2")
    err = _error(tmp_path / "a", t)
    assert "stop_times.txt line 3 [arrival_time]" in str(err) and "'8:7'" in str(err)
    assert "riga 3" in err.localized("it")
    t = hand_feed(extra_st=[("B2", "49:00:00", "49:00:00", "S0", 3)])
    assert "past 48:00:00" in str(_error(tmp_path / "b", t))
    t = hand_feed(extra_st=[("B2", "08:40:00", "08:40:00", "NOPE", 3)])
    err = _error(tmp_path / "c", t)
    assert "stop_times.txt line 12 [stop_id]" in str(err) and "'NOPE' is not in stops.txt" in str(
        err
    )
    t = hand_feed(extra_st=[("B2", "08:25:00", "08:25:00", "S0", 3)])
    assert "times must not decrease" in str(_error(tmp_path / "d", t))
    t = hand_feed()
    del t["stop_times.txt"]
    assert "stop_times.txt: required file is missing" in str(_error(tmp_path / "e", t))
    t = hand_feed()
    t["trips.txt"] = t["trips.txt"].replace("service_id", "service")
    assert "trips.txt line 1 [service_id]: required column is missing" in str(
        _error(tmp_path / "f", t)
    )


def test_broken_zip_is_an_input_error(tmp_path):
    path = write_feed(tmp_path, hand_feed())
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(InputError, match="not a readable zip"):
        read_gtfs(path)
    assert zipfile.is_zipfile(path) is False


def test_date_outside_feed_and_no_service_warn(tmp_path):
    feed = read_gtfs(write_feed(tmp_path, hand_feed()))
    notes = []
    from capacitymetro_plugin.core.progress import Progress

    tt = build_timetable(feed, date=dt.date(2026, 1, 10), progress=Progress(log=notes.append))
    text = " ".join(str(w) for w in tt.warnings)
    assert "expired on 2025-11-30 (it runs 2025-11-01 to 2025-11-30)" in text
    assert "no service on 2026-01-10" in text and tt.n_trips == 0 and len(notes) == 2
    sunday = build_timetable(feed, date="2025-11-23")  # only OFF runs on Sundays
    assert sunday.warnings == [] and set(sunday.trip_id) == {"X1"}


def test_two_feeds_load_together_with_prefixed_ids(tmp_path):
    a = read_gtfs(write_feed(tmp_path / "a", hand_feed()), feed_id="bus")
    b = read_gtfs(write_feed(tmp_path / "b", hand_feed()), feed_id="rail")
    tt = build_timetable([a, b], date="2025-11-19")
    assert tt.n_stops == 8 and "bus:S0" in set(tt.stop_id) and "rail:S0" in set(tt.stop_id)
    assert tt.n_trips == 2 * build_timetable(a, date="2025-11-19").n_trips
    assert set(tt.stop_index("rail:P")) == {5, 7}
    with pytest.raises(InputError, match="different feed ids"):
        build_timetable([a, a], date="2025-11-19")


def test_padded_fields_read_as_the_trimmed_feed(tmp_path):
    """Spaces around every field and header are stripped: the
    day's timetable equals the one of the same feed written without them."""
    from transit_oracle import DAY

    tables = random_feed(3)
    padded = {}
    for name, text in tables.items():
        rows = [",".join(f"  {v} " for v in line.split(",")) for line in text.splitlines()]
        padded[name] = "\n".join(rows) + "\n"
    tt0 = build_timetable(read_gtfs(write_feed(tmp_path / "a", tables), feed_id="x"), date=DAY)
    tt1 = build_timetable(read_gtfs(write_feed(tmp_path / "b", padded), feed_id="x"), date=DAY)
    for field in ("stop_id", "trip_id", "trip_route", "st_stop", "st_arr", "st_dep", "st_board"):
        np.testing.assert_array_equal(getattr(tt1, field), getattr(tt0, field))
    assert tt1.n_trips == tt0.n_trips > 5
