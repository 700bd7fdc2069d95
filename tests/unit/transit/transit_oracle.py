"""Test-only helpers: synthetic GTFS feeds and a brute-force oracle on a time-expanded graph.

The oracle knows nothing of route patterns, rounds or labels: it builds a networkx graph whose
nodes are events (a trip departing from / arriving at a stop), with waiting arcs chaining the
departures at each stop in time order, ride arcs along each trip, and transfer arcs from each
arrival to the first departure at the same stop (after its change time) and at every footpath
neighbour (after the walk); then Dijkstra from the origin. The model is RAPTOR's (see
core/transit/raptor.py): one walk between two rides, boarding at or after the moment one is
there.
"""

from __future__ import annotations

import bisect
import datetime as dt
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np

from capacitymetro_plugin.core._pycompat import zip_strict

INF = float("inf")


# --- synthetic feeds --------------------------------------------------------------------------
def hms(seconds: int) -> str:
    h, rem = divmod(int(seconds), 3600)
    return f"{h:02d}:{rem // 60:02d}:{rem % 60:02d}"


def csv(header: str, rows: list) -> str:
    return header + "\n" + "".join(",".join(str(v) for v in row) + "\n" for row in rows)


def write_feed(folder: Path, tables: dict[str, str], *, as_zip: bool = True) -> Path:
    """Write ``{file name: CSV text}`` as a GTFS zip (or a folder) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    if not as_zip:
        for name, text in tables.items():
            (folder / name).write_text(text)
        return folder
    path = folder / "feed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in tables.items():
            zf.writestr(name, text)
    return path


DAY = dt.date(2025, 11, 19)  # a Wednesday


def random_feed(seed: int, *, n_stops: int = 14, n_routes: int = 6) -> dict[str, str]:
    """A random small feed over ~1.5 km: routes with random stop sequences, timetabled and
    frequency-based trips, times past 24:00, a service removed and one added by
    calendar_dates, a parent station with two platforms, and transfers.txt rows."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = 45.49, 12.24
    stops = []
    for i in range(n_stops):
        lat = lat0 + rng.uniform(0, 0.012)
        lon = lon0 + rng.uniform(0, 0.016)
        parent = "ST" if i in (0, 1) else ""
        stops.append((f"S{i}", f"Stop {i}", f"{lat:.6f}", f"{lon:.6f}", 0, parent))
    stops.append(("ST", "Station", f"{lat0:.6f}", f"{lon0:.6f}", 1, ""))
    routes, trips, stop_times, freqs = [], [], [], []
    services = ["WK", "GONE", "EXTRA", "SAT"]
    for r in range(n_routes):
        routes.append((f"R{r}", "A", f"L{r}", 3))
        seq = rng.choice(n_stops, size=int(rng.integers(3, 7)), replace=False)
        hops = rng.integers(60, 300, size=seq.size - 1)
        dwell = rng.integers(0, 40, size=seq.size)
        n_trips = int(rng.integers(3, 9))
        starts = np.sort(rng.integers(6 * 3600, 26 * 3600, size=n_trips))
        for k, start in enumerate(starts):
            tid = f"T{r}_{k}"
            service = services[int(rng.integers(0, 4))] if k else "WK"
            trips.append((f"R{r}", service, tid))
            t = int(start)
            for pos, s in enumerate(seq):
                arr = t
                dep = t + int(dwell[pos])
                stop_times.append((tid, hms(arr), hms(dep), f"S{s}", pos + 1))
                if pos + 1 < seq.size:
                    t = dep + int(hops[pos])
        if r % 3 == 0:  # a frequency-based template trip on the same pattern
            tid = f"F{r}"
            trips.append((f"R{r}", "WK", tid))
            t = 0
            for pos, s in enumerate(seq):
                stop_times.append((tid, hms(t), hms(t + int(dwell[pos])), f"S{s}", pos + 1))
                t += int(dwell[pos]) + int(hops[pos]) if pos + 1 < seq.size else 0
            a = int(rng.integers(7, 9)) * 3600
            freqs.append((tid, hms(a), hms(a + 3600), int(rng.integers(5, 15)) * 60, r % 2))
    cal = [(sv, 1, 1, 1, 1, 1, 0, 0, "20251101", "20251231") for sv in ("WK", "GONE")] + [
        ("SAT", 0, 0, 0, 0, 0, 1, 0, "20251101", "20251231")
    ]
    cdates = [("GONE", "20251119", 2), ("EXTRA", "20251119", 1), ("EXTRA", "20251118", 1)]
    a, b = int(rng.integers(2, n_stops)), int(rng.integers(2, n_stops))
    transfers = [("S2", "S2", 2, 120), (f"S{a}", f"S{b}", 2, 90), ("ST", "S3", 2, 200)]
    transfers.append(("S4", "S5", 3, ""))
    return {
        "agency.txt": csv("agency_id,agency_name,agency_url,agency_timezone", [("A", "Agency", "http://x", "Europe/Rome")]),
        "stops.txt": csv("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station", stops),
        "routes.txt": csv("route_id,agency_id,route_short_name,route_type", routes),
        "trips.txt": csv("route_id,service_id,trip_id", trips),
        "stop_times.txt": csv("trip_id,arrival_time,departure_time,stop_id,stop_sequence", stop_times),
        "calendar.txt": csv("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date", cal),
        "calendar_dates.txt": csv("service_id,date,exception_type", cdates),
        "frequencies.txt": csv("trip_id,start_time,end_time,headway_secs,exact_times", freqs),
        "transfers.txt": csv("from_stop_id,to_stop_id,transfer_type,min_transfer_time", transfers),
    }  # fmt: skip


# --- the oracle -------------------------------------------------------------------------------
class TimeExpandedGraph:
    """The time-expanded graph of a timetable's trips (optionally only those touching a time
    slice), with RAPTOR's transfer model. ``max_rides`` layers the graph by rides taken."""

    def __init__(self, tt, footpaths, *, t_min=-(10**9), t_max=10**9, max_rides=None):
        self.tt = tt
        self.fp = footpaths
        self.max_rides = max_rides
        self.layers = 1 if max_rides is None else max_rides + 1
        self.neigh: dict[int, list[tuple[int, int]]] = {}
        for a, b, w in zip_strict(footpaths.frm, footpaths.to, footpaths.walk_s):
            self.neigh.setdefault(int(a), []).append((int(b), int(w)))
        self.G = nx.DiGraph()
        self.time: dict = {}
        self.stop_of: dict = {}
        self.deps: dict[int, list[tuple[int, tuple]]] = {}
        off = tt.trip_offsets
        for t in range(tt.n_trips):
            a, b = int(off[t]), int(off[t + 1])
            if tt.st_arr[a:b].max() < t_min or tt.st_dep[a:b].min() > t_max:
                continue
            for i in range(a, b - 1):
                if tt.st_board[i]:
                    self.deps.setdefault(int(tt.st_stop[i]), []).append(
                        (int(tt.st_dep[i]), ("d", i))
                    )
                    self.time[("d", i)] = int(tt.st_dep[i])
        for s in self.deps:
            self.deps[s].sort()
        for t in range(tt.n_trips):
            a, b = int(off[t]), int(off[t + 1])
            if tt.st_arr[a:b].max() < t_min or tt.st_dep[a:b].min() > t_max:
                continue
            self._add_trip(a, b)
        self._add_waiting()

    def _n(self, node, k):
        return node if self.max_rides is None else (node, k)

    def _first_dep(self, stop: int, at: int):
        lst = self.deps.get(stop, [])
        j = bisect.bisect_left(lst, (at, ("",)))
        return lst[j] if j < len(lst) else None

    def _add_trip(self, a: int, b: int) -> None:
        tt = self.tt
        for k in range(self.layers):
            for i in range(a, b):
                v = ("v", i)
                self.time[v] = int(tt.st_arr[i])
                if i + 1 < b:  # stay on board
                    self.G.add_edge(
                        self._n(v, k),
                        self._n(("v", i + 1), k),
                        weight=int(tt.st_arr[i + 1] - tt.st_arr[i]),
                    )
                if i > a and tt.st_alight[i]:
                    self._add_alight(i, k)
            for i in range(a, b - 1):
                if not tt.st_board[i]:
                    continue
                w = int(tt.st_arr[i + 1] - tt.st_dep[i])
                if self.max_rides is None:
                    self.G.add_edge(("d", i), ("v", i + 1), weight=w)
                elif k + 1 < self.layers:  # boarding is a ride: to the next layer
                    self.G.add_edge((("d", i), k), (("v", i + 1), k + 1), weight=w)

    def _add_alight(self, i: int, k: int) -> None:
        tt = self.tt
        v, al = ("v", i), ("a", i)
        s, t = int(tt.st_stop[i]), int(tt.st_arr[i])
        self.time[al] = t
        self.stop_of[al] = s
        self.G.add_edge(self._n(v, k), self._n(al, k), weight=0)
        nxt = self._first_dep(s, t + int(self.fp.change_s[s]))
        if nxt is not None:
            self.G.add_edge(self._n(al, k), self._n(nxt[1], k), weight=nxt[0] - t)
        for s2, w in self.neigh.get(s, []):
            nxt = self._first_dep(s2, t + w)
            if nxt is not None:
                self.G.add_edge(self._n(al, k), self._n(nxt[1], k), weight=nxt[0] - t)

    def _add_waiting(self) -> None:
        for lst in self.deps.values():
            for k in range(self.layers):
                for (t1, n1), (t2, n2) in zip(lst, lst[1:]):
                    self.G.add_edge(self._n(n1, k), self._n(n2, k), weight=t2 - t1)

    def arrivals(self, origin_stops, access_s, departure: int):
        """Return (any arrival, ride arrival) per stop, as float arrays (inf unreached)."""
        tt = self.tt
        src = ("src",)
        G = self.G
        anyarr = np.full(tt.n_stops, INF)
        for s, acc in zip_strict(origin_stops, access_s):
            at = departure + int(np.ceil(acc))
            anyarr[int(s)] = min(anyarr[int(s)], at)
            nxt = self._first_dep(int(s), at)
            if nxt is not None:
                G.add_edge(src, self._n(nxt[1], 0), weight=nxt[0] - departure)
        dist = nx.single_source_dijkstra_path_length(G, src) if src in G else {}
        if src in G:
            G.remove_node(src)
        ride = np.full(tt.n_stops, INF)
        for node, d in dist.items():
            if node == src:
                continue
            base = node if self.max_rides is None else node[0]
            assert departure + d == self.time[base], "graph times must be consistent"
            if base[0] == "a":
                s = self.stop_of[base]
                t = self.time[base]
                ride[s] = min(ride[s], t)
        anyarr = np.minimum(anyarr, ride)
        for s in np.flatnonzero(np.isfinite(ride)):
            for s2, w in self.neigh.get(int(s), []):
                anyarr[s2] = min(anyarr[s2], ride[s] + w)
        return anyarr, ride
