"""Place registry services that have an address but no point: offline from OSM, online from Nominatim.

Offline, an :class:`AddressIndex` holds the OpenStreetMap addresses (``addr:street`` +
``addr:housenumber``, ``addr:city``) and the named streets of a local extract (``.osm.pbf`` read
with GDAL's OSM driver, no osmium needed). :func:`geocode_address` matches one address against it
and says how well: a score 0..1 (street-name similarity, see ``addresses.py``) and a level,
``housenumber`` (that house in OSM), ``street`` (a point on the street) or ``none`` (with the
reason). Online, :mod:`.nominatim` asks Nominatim (cached, 1 request/s).

:func:`geocode_registry` applies it to a registry in ONE transaction: a service that has a point
is left alone; with ``regeocode`` a point placed by geocoding before may be replaced, a point
placed by hand never (``location_source``: empty or ``manual`` = by hand).
"""

from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .addresses import (
    ParsedAddress,
    StreetName,
    fold,
    housenumber_key,
    parse_address,
    split_street,
    street_similarity,
)
from .model import Service, now_iso
from .registry import MANUAL_SOURCE

if TYPE_CHECKING:
    from .nominatim import Nominatim
    from .registry import Registry

LEVELS = ("housenumber", "street", "none")
SOURCE_OSM = "geocoded:osm"
SOURCE_NOMINATIM = "geocoded:nominatim"
MANUAL = MANUAL_SOURCE  # what the dock and Registry.update_service write for a moved point
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def _tags(other_tags: str | None) -> dict[str, str]:
    """Parse GDAL's OSM ``other_tags`` (``"k"=>"v","k2"=>"v2"``)."""
    return {k: v.replace('\\"', '"') for k, v in _TAG.findall(other_tags or "")}


@dataclass
class _Street:
    name: StreetName
    label: str
    points: list[tuple[float, float]] = field(default_factory=list)  # way vertices or addresses
    from_houses: bool = True  # only address points so far (no named way in the extract)


@dataclass
class AddressIndex:
    """The addresses and named streets of an OSM extract, keyed for matching.

    ``houses[street key][house number key]`` lists ``(lon, lat, city key)``; ``streets[street
    key]`` holds the street's way vertices, or its address points where no way has its name.
    """

    source: str
    houses: dict[str, dict[str, list[tuple[float, float, str]]]] = field(default_factory=dict)
    streets: dict[str, _Street] = field(default_factory=dict)
    cities: set[str] = field(default_factory=set)

    @property
    def n_addresses(self) -> int:
        """Number of OSM address points."""
        return sum(len(v) for per in self.houses.values() for v in per.values())

    def add_house(self, street: str, number: str, lon: float, lat: float, city: str) -> None:
        """Add one ``addr:street`` + ``addr:housenumber`` point."""
        name = split_street(street)
        hn = housenumber_key(number)
        if not name.key or not hn:
            return
        self.houses.setdefault(name.key, {}).setdefault(hn, []).append((lon, lat, fold(city)))
        if city:
            self.cities.add(fold(city))
        s = self.streets.setdefault(name.key, _Street(name, street))
        if s.from_houses:
            s.points.append((lon, lat))

    def add_street(self, label: str, coords: list[tuple[float, float]]) -> None:
        """Add the vertices of one named way."""
        name = split_street(label)
        if not name.key or not coords:
            return
        s = self.streets.get(name.key)
        if s is None or s.from_houses:
            s = self.streets[name.key] = _Street(name, label, [], from_houses=False)
        s.points.extend(coords)


def _bad_extract(path: Path, detail: str) -> InputError:
    return InputError(
        f"The OSM extract {path} cannot be read ({detail}); nothing was changed.",
        fix="Give a valid .osm.pbf or .osm file (check it with `osmium fileinfo`, re-download it).",
        it=f"Impossibile leggere l'estratto OSM {path} ({detail}); non è stato modificato nulla.",
        fix_it="Indica un file .osm.pbf o .osm valido (controllalo con `osmium fileinfo`, "
        "scaricalo di nuovo).",
    )


def index_from_osm(path: str | os.PathLike) -> AddressIndex:
    """Read the addresses and named streets of an OSM extract (``.osm.pbf`` or ``.osm``).

    Address points are nodes with ``addr:housenumber`` and buildings (their centroid); streets
    are the named ``highway`` ways. GDAL's OSM driver reads the file, so no osmium is needed.

    Raises
    ------
    InputError
        When the file is missing, unreadable, or holds neither addresses nor named streets.
    """
    from osgeo import gdal, ogr

    path = Path(path)
    if not path.is_file():
        raise _bad_extract(path, "file not found / file non trovato")
    gdal.UseExceptions()
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR, allowed_drivers=["OSM"])
    except RuntimeError as exc:
        raise _bad_extract(path, str(exc).strip()) from None
    if ds is None:
        raise _bad_extract(path, "not an OSM file / non è un file OSM")
    index = AddressIndex(source=f"osm:{path.name}")
    try:
        for layer_name in ("points", "multipolygons"):
            layer = ds.GetLayerByName(layer_name)
            layer.SetAttributeFilter("other_tags LIKE '%addr:housenumber%'")
            for feat in layer:
                tags = _tags(feat.GetField("other_tags"))
                street = tags.get("addr:street") or tags.get("addr:place")
                geom = feat.GetGeometryRef()
                if not street or geom is None:
                    continue
                if geom.GetGeometryType() != ogr.wkbPoint:
                    geom = geom.Centroid()
                index.add_house(
                    street,
                    tags["addr:housenumber"],
                    geom.GetX(),
                    geom.GetY(),
                    tags.get("addr:city", ""),
                )
        layer = ds.GetLayerByName("lines")
        layer.SetAttributeFilter("highway IS NOT NULL AND name IS NOT NULL")
        for feat in layer:
            geom = feat.GetGeometryRef()
            if geom is not None:
                index.add_street(feat.GetField("name"), [p[:2] for p in geom.GetPoints() or []])
    except RuntimeError as exc:
        raise _bad_extract(path, str(exc).strip()) from None
    finally:
        ds = None
    if not index.streets:
        raise _bad_extract(path, "no named streets and no addresses / nessuna via con nome")
    return index


# name columns of street layers published by comuni and regions, tried in this order
STREET_NAME_FIELDS = (
    "name",
    "nome",
    "denominazione",
    "toponimo",
    "nome_via",
    "via",
    "strada",
    "odonimo",
)


def index_from_street_layer(
    path: str | os.PathLike, *, layer: str | None = None, name_field: str | None = None
) -> AddressIndex:
    """Read the named streets of a line layer (a comune's street graph) as an index.

    Such a layer has street names but no house numbers, so matches are at street level.

    Raises
    ------
    InputError
        When the layer has no street-name field (``name_field`` or one of
        :data:`STREET_NAME_FIELDS`): offline geocoding cannot match anything there.
    """
    from capacitymetro_plugin.core import gio

    path = Path(path)
    frame = gio.read_vector(path, layer=layer)
    columns = {c.lower(): c for c in frame.columns if c != "geometry"}
    field_ = name_field or next((columns[f] for f in STREET_NAME_FIELDS if f in columns), None)
    if field_ is None or field_ not in frame.columns or frame[field_].isna().all():
        raise InputError(
            f"The street layer {path.name} has no street names (fields: "
            f"{', '.join(columns.values()) or 'none'}), so no address can be matched offline.",
            fix="Use an OSM extract of the area, allow Nominatim, or place the services on the "
            "map by hand.",
            it=f"Il layer stradale {path.name} non ha i nomi delle vie (campi: "
            f"{', '.join(columns.values()) or 'nessuno'}), quindi nessun indirizzo si può "
            "abbinare offline.",
            fix_it="Usa un estratto OSM dell'area, consenti Nominatim, o posiziona i servizi a mano "
            "sulla mappa.",
        )
    if frame.crs is None:
        from capacitymetro_plugin.core.errors import CrsError

        raise CrsError(
            f"The street layer {path.name} has no CRS.",
            fix="Set its CRS (e.g. in QGIS: Layer properties > Source) and save it again.",
            it=f"Il layer stradale {path.name} non ha un sistema di riferimento.",
            fix_it="Imposta il suo SR (in QGIS: Proprietà del layer > Sorgente) e salvalo di nuovo.",
        )
    frame = frame.to_crs(4326)
    index = AddressIndex(source=f"streets:{path.name}")
    for name, geom in zip(frame[field_], frame.geometry):
        if isinstance(name, str) and geom is not None and not geom.is_empty:
            parts = getattr(geom, "geoms", [geom])
            index.add_street(name, [c[:2] for g in parts for c in g.coords])
    return index


def index_from_overpass_json(path: str | os.PathLike) -> AddressIndex:
    """Read an Overpass API JSON answer (``out body; >; out skel;``): its addressed nodes and its
    named highway ways (their node coordinates must be in the answer)."""
    import json

    path = Path(path)
    try:
        elements = json.loads(path.read_text(encoding="utf-8"))["elements"]
        nodes = {e["id"]: (e["lon"], e["lat"]) for e in elements if e.get("type") == "node"}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad_extract(path, f"not an Overpass JSON answer: {exc}") from None
    index = AddressIndex(source=f"overpass:{path.name}")
    for e in elements:
        tags = e.get("tags") or {}
        if e.get("type") == "node" and "addr:housenumber" in tags and "addr:street" in tags:
            lon, lat = nodes[e["id"]]
            index.add_house(
                tags["addr:street"], tags["addr:housenumber"], lon, lat, tags.get("addr:city", "")
            )
        elif e.get("type") == "way" and "highway" in tags and tags.get("name"):
            index.add_street(tags["name"], [nodes[n] for n in e.get("nodes", []) if n in nodes])
    if not index.streets:
        raise _bad_extract(path, "no named streets and no addresses / nessuna via con nome")
    return index


def load_index(path: str | os.PathLike) -> AddressIndex:
    """Return the index of an OSM extract (``.osm.pbf``/``.osm``), an Overpass JSON answer
    (``.json``) or a street line layer (GeoPackage, shapefile... with a name field)."""
    name = Path(path).name.lower()
    if name.endswith((".pbf", ".osm", ".osm.bz2")):
        return index_from_osm(path)
    if name.endswith(".json") and not name.endswith(".geojson"):
        return index_from_overpass_json(path)
    return index_from_street_layer(path)


@dataclass
class GeocodeResult:
    """Where one address was placed and how sure that is (``level`` in :data:`LEVELS`)."""

    address: str
    level: str = "none"
    score: float = 0.0
    lon: float | None = None
    lat: float | None = None
    source: str | None = None
    matched: str | None = None  # what it matched: "Via Renato Lunelli 4" or the Nominatim name
    reason: str = ""
    reason_it: str = ""

    @property
    def found(self) -> bool:
        return self.level != "none"


def _none(address: str, reason: str, reason_it: str) -> GeocodeResult:
    return GeocodeResult(address=address, reason=reason, reason_it=reason_it)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two lon/lat points (equirectangular, fine below 50 km)."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return 111_320.0 * math.hypot((a[0] - b[0]) * k, a[1] - b[1])


def _street_point(points: list[tuple[float, float]]) -> tuple[tuple[float, float], float]:
    """Return the street vertex nearest the centre of its points, and the street's extent (m)."""
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    best = min(points, key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    extent = _metres((min(xs), min(ys)), (max(xs), max(ys)))
    return best, extent


def _candidates(name: StreetName, index: AddressIndex) -> list[tuple[float, str]]:
    scored = []
    for key, street in index.streets.items():
        score = street_similarity(name, street.name)
        if score >= 0.6:
            scored.append((score, key))
    scored.sort(reverse=True)
    return scored


def _house(
    index: AddressIndex, key: str, number: str | None, city: str
) -> tuple[tuple[float, float] | None, str | None, bool]:
    """Return (point, number found, exact) for a house number on street ``key``."""
    houses = index.houses.get(key, {})
    if not number or not houses:
        return None, None, False

    def pick(hn: str):
        # the comune's own address first; OSM often writes the frazione (Gardolo, Povo) as
        # addr:city, so an address of another "city" still counts when it is the only one
        every = houses.get(hn, [])
        places = [p for p in every if not city or not p[2] or p[2] == city]
        places = places or (every if len(every) == 1 else [])
        return (places[0][0], places[0][1]) if places else None

    if pick(number):
        return pick(number), number, True
    base = re.match(r"\d+", number).group(0)  # "12a" not in OSM: "12" is the same building
    if base != number and pick(base):
        return pick(base), base, True
    # the nearest number on the same side of the street (same parity), within 10
    n = int(base)
    near = [
        (abs(int(m.group(0)) - n), hn)
        for hn in houses
        if (m := re.match(r"\d+", hn))
        and int(m.group(0)) % 2 == n % 2
        and abs(int(m.group(0)) - n) <= 10
    ]
    if near:
        hn = min(near)[1]
        point = pick(hn)
        if point:
            return point, hn, False
    return None, None, False


def geocode_address(
    parsed: ParsedAddress,
    index: AddressIndex,
    *,
    min_score: float = defaults.GEOCODE_MIN_SCORE,
    max_street_extent_m: float = defaults.GEOCODE_MAX_STREET_EXTENT_M,
) -> GeocodeResult:
    """Match one parsed address against an OSM :class:`AddressIndex`.

    Parameters
    ----------
    parsed
        From :func:`~.addresses.parse_address`.
    index
        From :func:`index_from_osm`.
    min_score
        Street-name similarity below which nothing is matched.
    max_street_extent_m
        A street-level match of a street (or several same-named ones) spread wider than this is
        refused as ambiguous: its middle would be far from the house.
    """
    raw = parsed.raw
    if not parsed.street:
        return _none(raw, "no street in the address", "nessuna via nell'indirizzo")
    city = fold(parsed.comune or "")
    if city and index.cities and city not in index.cities:
        return _none(
            raw,
            f"comune {parsed.comune} is not in the extract {index.source}",
            f"il comune {parsed.comune} non è nell'estratto {index.source}",
        )
    name = split_street(parsed.street)
    cands = _candidates(name, index)
    if not cands or cands[0][0] < min_score:
        best = f" (best: {index.streets[cands[0][1]].label}, {cands[0][0]:.2f})" if cands else ""
        return _none(
            raw,
            f"street '{parsed.street}' not found in {index.source}{best}",
            f"via '{parsed.street}' non trovata in {index.source}{best}",
        )
    score, key = cands[0]
    rivals = [k for s, k in cands[1:] if s >= score - 0.02 and k != key]
    street = index.streets[key]
    if rivals:
        far = [
            k for k in rivals
            if _metres(_street_point(street.points)[0], _street_point(index.streets[k].points)[0]) > 300
        ]  # fmt: skip
        if far:
            names = ", ".join(index.streets[k].label for k in [key, *far[:3]])
            return _none(
                raw,
                f"street '{parsed.street}' is ambiguous: {names}",
                f"via '{parsed.street}' ambigua: {names}",
            )
    point, hn, exact = _house(index, key, parsed.housenumber, city)
    if point is not None and exact:
        factor = 1.0 if hn == parsed.housenumber else 0.95
        return GeocodeResult(
            raw, "housenumber", round(score * factor, 3), point[0], point[1], SOURCE_OSM,
            f"{street.label} {hn}",
        )  # fmt: skip
    if point is not None:  # a neighbour on the same side of the street
        return GeocodeResult(
            raw, "street", round(score, 3), point[0], point[1], SOURCE_OSM,
            f"{street.label} (near no. {hn}, {parsed.housenumber} not in OSM)",
        )  # fmt: skip
    middle, extent = _street_point(street.points)
    if extent > max_street_extent_m:
        return _none(
            raw,
            f"street '{street.label}' spreads over {extent / 1000:.1f} km and the house number is "
            "not in OSM",
            f"la via '{street.label}' si estende per {extent / 1000:.1f} km e il civico non è in OSM",
        )
    note = f", no. {parsed.housenumber} not in OSM" if parsed.housenumber else ""
    return GeocodeResult(
        raw, "street", round(score, 3), middle[0], middle[1], SOURCE_OSM,
        f"{street.label} (middle{note})",
    )  # fmt: skip


@functools.lru_cache(maxsize=4)
def _cached_index(path: str, mtime_ns: int, size: int) -> AddressIndex:
    return load_index(path)


def locate_address(
    address: str | None,
    *,
    comune: str | None = None,
    extract: str | os.PathLike,
    min_score: float = defaults.GEOCODE_MIN_SCORE,
) -> GeocodeResult:
    """Place one address from a local extract (the dock's "Locate from address").

    The extract's index is kept in memory (re-read when the file changes), so locating service
    after service reads the file once.
    """
    path = Path(extract)
    if not path.is_file():
        raise _bad_extract(path, "file not found / file non trovato")
    stat = path.stat()
    index = _cached_index(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if not (address or "").strip():
        return _none("", "no address", "nessun indirizzo")
    return geocode_address(parse_address(address, comune=comune), index, min_score=min_score)


# --- the registry ----------------------------------------------------------------------------
@dataclass
class GeocodeRow:
    """One service in a geocoding report; ``status`` is matched / unmatched / skipped."""

    service_id: str
    name: str
    address: str
    comune: str
    status: str
    result: GeocodeResult

    def as_dict(self) -> dict:
        r = self.result
        return {
            "service_id": self.service_id,
            "name": self.name,
            "address": self.address,
            "comune": self.comune,
            "status": self.status,
            "level": r.level,
            "score": r.score,
            "lon": r.lon,
            "lat": r.lat,
            "source": r.source,
            "matched": r.matched,
            "reason": r.reason,
            "reason_it": r.reason_it,
        }


@dataclass
class GeocodeReport:
    """What :func:`geocode_registry` did, row by row."""

    rows: list[GeocodeRow] = field(default_factory=list)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    def levels(self) -> dict[str, int]:
        out = {lv: 0 for lv in LEVELS}
        for r in self.rows:
            if r.status == "matched":
                out[r.result.level] += 1
        return out

    def needs_a_click(self) -> list[GeocodeRow]:
        """The services still without a point: place them on the map by hand."""
        return [r for r in self.rows if r.status == "unmatched"]

    def summary(self, language: str = "en") -> str:
        lv = self.levels()
        if language.lower().startswith("it"):
            return (
                f"{self.count('matched')} servizi geocodificati ({lv['housenumber']} al civico, "
                f"{lv['street']} alla via), {self.count('unmatched')} da posizionare a mano, "
                f"{self.count('skipped')} già posizionati."
            )
        return (
            f"{self.count('matched')} services geocoded ({lv['housenumber']} at the house number, "
            f"{lv['street']} at the street), {self.count('unmatched')} need a click on the map, "
            f"{self.count('skipped')} already placed."
        )

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([r.as_dict() for r in self.rows], columns=list(_REPORT_COLUMNS))


_REPORT_COLUMNS = tuple(
    GeocodeRow("", "", "", "", "", GeocodeResult("")).as_dict()
)  # the report's columns, in order


def is_hand_placed(service: Service) -> bool:
    """True when ``service`` has a point that no geocoder placed (empty source = by hand)."""
    has_point = service.lon is not None and service.lat is not None
    return has_point and not (service.location_source or "").startswith("geocoded:")


def _skip(service: Service, regeocode: bool) -> GeocodeResult | None:
    if service.lon is None or service.lat is None:
        return None
    if is_hand_placed(service):
        return _none(
            service.address or "",
            "placed by hand: kept",
            "posizionato a mano: mantenuto",
        )
    if not regeocode:
        return _none(
            service.address or "",
            f"already placed ({service.location_source}): kept",
            f"già posizionato ({service.location_source}): mantenuto",
        )
    return None


def geocode_services(
    services: list[Service],
    *,
    index: AddressIndex | None = None,
    nominatim: Nominatim | None = None,
    min_score: float = defaults.GEOCODE_MIN_SCORE,
    regeocode: bool = False,
    include_placed: bool = False,
    progress: Progress | None = None,
    stops=None,
) -> GeocodeReport:
    """Geocode ``services`` in memory (nothing is written); see :func:`geocode_registry`.

    ``include_placed`` geocodes services that have a point too (to measure the geocoder against
    points known to be right); the report then says where each would go.
    """
    progress = ensure(progress)
    report = GeocodeReport()
    for i, s in enumerate(services):
        progress.report(i / max(len(services), 1), s.name[:40])
        address = (s.address or "").strip()
        comune = s.comune_name or ""
        skipped = None if include_placed else _skip(s, regeocode)
        if skipped is not None:
            report.rows.append(
                GeocodeRow(s.service_id, s.name, address, comune, "skipped", skipped)
            )
            continue
        if not address:
            res = _none("", "no address", "nessun indirizzo")
        else:
            parsed = parse_address(address, comune=s.comune_name)
            res = _none(address, "no geocoder given", "nessun geocodificatore indicato")
            if not parsed.street:
                res = _none(address, "no street in the address", "nessuna via nell'indirizzo")
            elif index is not None:
                res = geocode_address(parsed, index, min_score=min_score)
            if not res.found and stops is not None:  # approximate: the stops of the street
                from .stops_gazetteer import geocode_with_stops, outside_comune

                by_stops = geocode_with_stops(parsed, stops, min_score=min_score)
                if by_stops.found:  # a feed's street names recur in other comuni
                    by_stops = outside_comune(by_stops, s.comune_istat, s.comune_name)
                if by_stops.found or index is None:
                    res = by_stops
            if not res.found and nominatim is not None and parsed.street:
                online = nominatim.geocode(parsed, min_score=min_score)
                if online.found or index is None:
                    res = online
                else:
                    res = replace(
                        res,
                        reason=f"{res.reason}; Nominatim: {online.reason}",
                        reason_it=f"{res.reason_it}; Nominatim: {online.reason_it}",
                    )
        status = "matched" if res.found else "unmatched"
        report.rows.append(GeocodeRow(s.service_id, s.name, address, comune, status, res))
    progress.report(1.0, "")
    return report


def _check_addresses(services: list[Service]) -> None:
    """Refuse a registry whose services to place have no address at all (nothing to match)."""
    unplaced = [s for s in services if s.lon is None or s.lat is None]
    if unplaced and not any((s.address or "").strip() for s in unplaced):
        raise InputError(
            f"None of the {len(unplaced)} services without a point has an address (field "
            "'address'); nothing can be geocoded and nothing was changed.",
            fix="Fill in the address field (street and house number), or place the services on "
            "the map by hand.",
            it=f"Nessuno dei {len(unplaced)} servizi senza posizione ha un indirizzo (campo "
            "'address'); non si può geocodificare nulla e non è stato modificato nulla.",
            fix_it="Compila il campo address (via e numero civico), o posiziona i servizi a mano "
            "sulla mappa.",
        )


def geocode_registry(
    registry: Registry,
    *,
    osm_extract: str | os.PathLike | None = None,
    nominatim: Nominatim | None = None,
    min_score: float = defaults.GEOCODE_MIN_SCORE,
    regeocode: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    stops: str | os.PathLike | None = None,
    stops_within=None,
    comuni: list[str] | None = None,
) -> GeocodeReport:
    """Give a point to the registry's services that have an address but no point.

    Parameters
    ----------
    registry
        The registry to change (one transaction; nothing is written on any error).
    osm_extract
        A local OSM extract (``.osm.pbf``/``.osm``) for offline matching, or a street line layer
        with a name field (see :func:`load_index`).
    nominatim
        A :class:`~.nominatim.Nominatim` client, asked for what the extract does not match
        (None: offline only).
    min_score
        Street-name similarity 0..1 below which an address stays unmatched.
    regeocode
        Also redo services placed by a geocoder before. Points placed by hand are never moved.
    dry_run
        Report only; write nothing.
    stops
        A GTFS feed (or stops layer) whose stop names serve as an approximate gazetteer for
        what the extract does not match (:mod:`.stops_gazetteer`; ``geocoded:stops``);
        ``stops_within`` (a shapely geometry, EPSG:4326) keeps only the area's stops.
    comuni
        Only the services of these comuni (ISTAT codes); None: every service.

    Returns
    -------
    GeocodeReport
        One row per service: matched (level, score, source), unmatched (reason) or skipped.
    """
    progress = ensure(progress)
    if osm_extract is None and nominatim is None and stops is None:
        raise InputError(
            "Geocoding needs an OSM extract, a GTFS feed's stops or Nominatim; none was given.",
            fix="Give a local .osm.pbf of the area, a GTFS feed (--stops), or allow Nominatim "
            "(online).",
            it="La geocodifica richiede un estratto OSM, le fermate di un feed GTFS o Nominatim; "
            "non è stato indicato nessuno.",
            fix_it="Indica un .osm.pbf locale dell'area, un feed GTFS (--stops), o consenti "
            "Nominatim (online).",
        )
    services = registry.services()
    if comuni is not None:
        wanted = {str(c).zfill(6) for c in comuni}
        services = [s for s in services if str(s.comune_istat or "").zfill(6) in wanted]
    _check_addresses(services)
    progress.report(0.0, "Reading the OSM extract")
    index = load_index(osm_extract) if osm_extract is not None else None
    stop_index = None
    if stops is not None:
        from .stops_gazetteer import index_from_stops

        stop_index = index_from_stops(stops, within=stops_within)
    report = geocode_services(
        services, index=index, nominatim=nominatim, min_score=min_score, regeocode=regeocode,
        progress=progress.step(0.2, 0.95), stops=stop_index,
    )  # fmt: skip
    matched = [r for r in report.rows if r.status == "matched"]
    if dry_run or not matched:
        return report
    stamp = now_iso()
    with registry.transaction() as state:
        for row in matched:
            current = state.services.get(row.service_id)
            if current is None or _skip(current, regeocode) is not None:
                row.status = "skipped"  # deleted or placed by someone since it was read
                row.result = _none(
                    row.address, "changed meanwhile: kept", "modificato nel frattempo: mantenuto"
                )
                continue
            state.services[row.service_id] = replace(
                current,
                lon=row.result.lon,
                lat=row.result.lat,
                location_source=row.result.source,
                updated_at=stamp,
            )
    report.written = True
    return report
