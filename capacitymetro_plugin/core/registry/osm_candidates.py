"""Candidate services from OpenStreetMap: a local extract or an Overpass response, for one area.

OSM knows where the Questura, the Centro per l'impiego or a Caritas centre is, but not whether it
serves migrants today. So every candidate enters the registry with ``status=to_verify`` and
``source_url=osm:node/123`` (``way/``, ``relation/``); analyses leave such services out until
someone checks them and sets them active (:mod:`.selection`).

Flow of :func:`registry_from_osm` (the one function every door calls):

1. read the objects and their tags (:mod:`.osm_read`): ``.osm.pbf`` / ``.osm`` with GDAL's OSM
   driver, or an Overpass API JSON response (``out center`` or ``out geom``, or ways with their
   nodes);
2. keep the objects the tag table (:mod:`.osm_tags`, ``docs/osm_registry.md``) maps to sectors,
   inside the area; places of worship and tourism are explicitly left out;
3. one point per object: nodes as they are, areas at their centroid (a point on the surface when
   the centroid falls outside), open ways at their midpoint;
4. dedupe: against the registry (same OSM object, or the same normalised name within
   ``dedupe_m`` metres) and among the candidates (a node and its building with one name);
5. add the new ones to the registry in one transaction (nothing is written on error).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capacitymetro_plugin.core.areas import normalize_name, utm_epsg_for_lon
from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .model import Service
from .osm_read import OsmObject, read_osm_objects
from .osm_tags import EXCLUSIONS, Match, match_tags
from .vocabularies import SECTORS

if TYPE_CHECKING:
    import geopandas as gpd

#: Status of every candidate (a registry status, see :mod:`.vocabularies`).
CANDIDATE_STATUS = "to_verify"
#: Two services with the same normalised name closer than this (metres) are one.
DEDUPE_M = 50.0
_OSM_REF = re.compile(
    r"osm:(node|way|relation)/(\d+)|openstreetmap\.org/(node|way|relation)/(\d+)"
    r"|\bOSM\b[^;\n]{0,16}?\b([nwr])(\d{2,})\b",
    re.IGNORECASE,
)
_LETTER = {"n": "node", "w": "way", "r": "relation"}
CANDIDATE_COLUMNS = [
    "osm_ref",
    "name",
    "named",
    "sectors",
    "rules",
    "address",
    "postcode",
    "phone",
    "email",
    "website",
    "opening_hours",
    "operator",
    "comune_istat",
    "comune_name",
]


@dataclass
class OsmCandidates:
    """Candidates of one source and area, and what was left out.

    Attributes
    ----------
    candidates
        One row per candidate (EPSG:4326 points): :data:`CANDIDATE_COLUMNS`.
    objects_read
        Tagged objects read from the source (any tags).
    excluded
        ``{reason: count}`` for the objects an exclusion rule left out (places of worship...),
        keyed by the rule's English label (:meth:`excluded_in` gives Italian ones).
    outside_area
        Candidates that lie outside the area.
    no_location
        Objects the table matched that have no point in the source (e.g. an Overpass relation
        without ``center`` whose members are not in the response).
    extent
        ``(min lon, min lat, max lon, max lat)`` of the data (see :func:`.osm_read.read_osm_objects`).
    covered_share
        Share of the area's surface within ``extent`` (1.0 without an area).
    """

    candidates: gpd.GeoDataFrame
    objects_read: int
    excluded: dict[str, int] = field(default_factory=dict)
    outside_area: int = 0
    no_location: int = 0
    extent: tuple[float, float, float, float] | None = None
    covered_share: float = 1.0

    def excluded_in(self, language: str = "en") -> dict[str, int]:
        """Return :attr:`excluded` with the labels in ``language`` ("it" or "en")."""
        if not language.lower().startswith("it"):
            return dict(self.excluded)
        italian = {r.en: r.it for r in EXCLUSIONS}
        return {italian.get(k, k): n for k, n in self.excluded.items()}

    def per_sector(self) -> dict[str, int]:
        """Return ``{sector: candidates offering it}`` in vocabulary order (zeros left out)."""
        counts: Counter = Counter()
        for value in self.candidates["sectors"]:
            counts.update(value.split(";"))
        return {t.code: counts[t.code] for t in SECTORS if counts[t.code]}


@dataclass
class OsmImport:
    """What :func:`registry_from_osm` did: candidates, new services, duplicates."""

    source: Path
    registry: Path | None
    found: OsmCandidates
    added: list[Service] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (osm_ref, of, why)
    written: bool = False

    def describe(self, language: str = "en") -> str:
        """Return a few lines for the user: found, new, duplicate, left out, per sector."""
        it = language.lower().startswith("it")
        f = self.found
        n = len(f.candidates)
        lines = []
        if f.covered_share < 0.999:
            share = f"{f.covered_share:.0%}" if f.covered_share >= 0.01 else "<1%"
            lines.append(
                f"Attenzione: l'estratto copre solo il {share} dell'area."
                if it
                else f"Warning: the extract covers only {share} of the area."
            )
        if n == 0:
            lines.append(
                (
                    f"Nessun servizio candidato in {self.source.name}: {f.objects_read} oggetti "
                    "con tag letti, nessuno corrisponde alla tabella dei tag "
                    "(docs/osm_registry.md). Il registro non è stato modificato."
                )
                if it
                else (
                    f"No candidate services in {self.source.name}: {f.objects_read} tagged "
                    "objects read, none fits the tag table (docs/osm_registry.md). The registry "
                    "was not changed."
                )
            )
        else:
            sectors = ", ".join(f"{k} {v}" for k, v in f.per_sector().items())
            status = "da verificare" if it else "to verify"
            lines.append(
                (
                    f"{n} servizi candidati da {self.source.name} ({f.objects_read} oggetti "
                    f"letti): {len(self.added)} nuovi, {len(self.duplicates)} duplicati."
                )
                if it
                else (
                    f"{n} candidate services from {self.source.name} ({f.objects_read} objects "
                    f"read): {len(self.added)} new, {len(self.duplicates)} duplicates."
                )
            )
            lines.append(("Per settore: " if it else "Per sector: ") + sectors + ".")
            if self.registry is not None:
                if self.written:
                    lines.append(
                        f"Aggiunti a {self.registry} con stato '{status}' (le analisi li "
                        "escludono finché non sono verificati)."
                        if it
                        else f"Added to {self.registry} with status '{status}' (analyses "
                        "leave them out until they are verified)."
                    )
                else:
                    lines.append("Nulla scritto (prova)." if it else "Nothing written (dry run).")
        left = [f"{c} × {r}" for r, c in f.excluded_in(language).items()]
        if f.outside_area:
            left.append(
                f"{f.outside_area} fuori dall'area" if it else f"{f.outside_area} outside the area"
            )
        if f.no_location:
            left.append(
                f"{f.no_location} senza posizione nella sorgente"
                if it
                else f"{f.no_location} without a location in the source"
            )
        if left:
            lines.append(("Esclusi: " if it else "Left out: ") + "; ".join(left) + ".")
        return "\n".join(lines)


# --- the area --------------------------------------------------------------------------------
def _area_geometry(area: Any):
    """Return ``(polygon in EPSG:4326 or None, label)`` of an area name, layer or geometry."""
    import shapely

    if area is None:
        return None, ""
    if isinstance(area, str):
        from capacitymetro_plugin.core.areas import resolve_area

        from .boundaries import load_comuni

        resolved = resolve_area(area)
        comuni = load_comuni()
        rows = comuni[comuni["comune_istat"].isin(resolved.comuni)]
        return shapely.union_all(rows.geometry.values), resolved.name
    if hasattr(area, "crs") and hasattr(area, "geometry"):
        if area.crs is None:
            raise CrsError(
                "The area layer has no coordinate reference system.",
                fix="Set its CRS (e.g. EPSG:4326 or the UTM zone it was drawn in) and run again.",
                it="Il layer dell'area non ha un sistema di riferimento.",
                fix_it="Imposta il suo SR (es. EPSG:4326 o la zona UTM in cui è disegnato) e "
                "riprova.",
            )
        geoms = area.to_crs(4326)
        geoms = geoms.geometry if hasattr(geoms, "geometry") else geoms
        if len(geoms) == 0:
            raise InputError(
                "The area layer has no features.",
                fix="Give a layer with the area's polygon(s).",
                it="Il layer dell'area non ha elementi.",
                fix_it="Indica un layer con i poligoni dell'area.",
            )
        return shapely.union_all(list(geoms.values)), "area"
    return area, "area"


def _utm(lon: float):
    from pyproj import Transformer

    return Transformer.from_crs(4326, utm_epsg_for_lon(lon), always_xy=True)


def _covered_share(polygon, extent) -> float:
    from shapely.geometry import box
    from shapely.ops import transform

    to_m = _utm(polygon.centroid.x).transform
    whole = transform(to_m, polygon)
    if whole.area == 0:
        return 1.0 if polygon.intersects(box(*extent)) else 0.0
    return float(whole.intersection(transform(to_m, box(*extent))).area / whole.area)


def _not_covered(source: Path, extent, label: str) -> InputError:
    lo = f"lon {extent[0]:.3f}–{extent[2]:.3f}, lat {extent[1]:.3f}–{extent[3]:.3f}"
    return InputError(
        f"The OSM source {source.name} covers {lo}, which does not reach {label}.",
        fix="Give an extract of the area (e.g. the regional extract from download.geofabrik.de "
        "clipped with `osmium extract`); nothing was written.",
        it=f"La sorgente OSM {source.name} copre {lo} e non raggiunge {label}.",
        fix_it="Indica un estratto dell'area (es. quello regionale da download.geofabrik.de "
        "ritagliato con `osmium extract`); non è stato scritto nulla.",
    )


# --- candidates ------------------------------------------------------------------------------
def _first(tags: dict[str, str], *keys: str) -> str | None:
    for k in keys:
        if tags.get(k, "").strip():
            return tags[k].strip()
    return None


def _row(obj: OsmObject, match: Match, language: str) -> dict:
    it = language.lower().startswith("it")
    name = _first(obj.tags, "name", "official_name", "name:it", "short_name", "alt_name")
    label = match.rules[0].it if it else match.rules[0].en
    street = _first(obj.tags, "addr:street", "addr:place")
    number = _first(obj.tags, "addr:housenumber")
    city = _first(obj.tags, "addr:city")
    address = ", ".join(p for p in (" ".join(p for p in (street, number) if p), city) if p)
    return {
        "osm_ref": obj.ref,
        "name": name or f"{label} ({obj.ref})",
        "named": bool(name),
        "sectors": ";".join(match.sectors),
        "rules": "; ".join(r.tag_text() if r.tags else f"name~{r.en}" for r in match.rules),
        "address": address or None,
        "postcode": _first(obj.tags, "addr:postcode"),
        "phone": _first(obj.tags, "phone", "contact:phone"),
        "email": _first(obj.tags, "email", "contact:email"),
        "website": _first(obj.tags, "website", "contact:website", "url"),
        "opening_hours": _first(obj.tags, "opening_hours"),
        "operator": _first(obj.tags, "operator"),
        "lon": obj.lon,
        "lat": obj.lat,
    }


def _with_comuni(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill ``comune_istat``/``comune_name`` from the ISTAT boundaries (when installed)."""
    import geopandas as gpd

    from capacitymetro_plugin.core.errors import DataUnavailableError

    from .boundaries import load_comuni

    gdf["comune_istat"] = None
    gdf["comune_name"] = None
    if gdf.empty:
        return gdf
    try:
        comuni = load_comuni()
    except DataUnavailableError:
        return gdf
    joined = gpd.sjoin(gdf[["geometry"]], comuni, how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    gdf["comune_istat"] = joined["comune_istat"].where(joined["comune_istat"].notna(), None)
    gdf["comune_name"] = joined["comune_name"].where(joined["comune_name"].notna(), None)
    return gdf


def osm_candidates(
    source: str | os.PathLike,
    *,
    area: Any = None,
    language: str = "it",
    progress: Progress | None = None,
) -> OsmCandidates:
    """Return the candidate services of an OSM source inside an area (nothing is written).

    Parameters
    ----------
    source
        An ``.osm.pbf``/``.osm`` extract or an Overpass API ``.json`` response.
    area
        ``None`` (the whole source), an area name or ISTAT code as the CLI's ``--area``
        (:func:`~capacitymetro_plugin.core.areas.resolve_area`), a GeoDataFrame/GeoSeries of
        polygons (any CRS), or a shapely polygon in EPSG:4326.
    language
        Of the fallback names of unnamed objects ("it" or "en").

    Raises
    ------
    InputError
        Unreadable source, or a source that does not reach the area.
    """
    import geopandas as gpd
    import pandas as pd

    progress = ensure(progress)
    path = Path(source)
    progress.report(0, "reading OSM data")
    polygon, label = _area_geometry(area)
    objects, extent = read_osm_objects(path)
    share = 1.0
    if polygon is not None:
        share = _covered_share(polygon, extent)
        if share <= 0.0:
            raise _not_covered(path, extent, label)
    progress.report(0.5, "matching tags")
    excluded: Counter = Counter()
    rows = []
    no_location = 0
    for obj in objects:
        match = match_tags(obj.tags)
        if match.excluded_by is not None:
            excluded[match.excluded_by.en] += 1
        elif match.is_candidate and obj.lon is None:
            no_location += 1
        elif match.is_candidate:
            rows.append(_row(obj, match, language))
    table = pd.DataFrame(rows, columns=[*CANDIDATE_COLUMNS[:12], "lon", "lat"])
    gdf = gpd.GeoDataFrame(
        table.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(table["lon"], table["lat"]),
        crs=4326,
    )
    outside = 0
    if polygon is not None and len(gdf):
        inside = gdf.geometry.within(polygon)
        outside = int((~inside).sum())
        gdf = gdf[inside.to_numpy()]
    gdf = _with_comuni(gdf.reset_index(drop=True))
    progress.report(1.0, f"{len(gdf)} candidates")
    return OsmCandidates(
        candidates=gdf[[*CANDIDATE_COLUMNS, "geometry"]],
        objects_read=sum(1 for o in objects if o.tags),
        excluded=dict(excluded.most_common()),
        outside_area=outside,
        no_location=no_location,
        extent=extent,
        covered_share=share,
    )


# --- dedupe and write ------------------------------------------------------------------------
def osm_refs_in(*texts: str | None) -> set[str]:
    """Return the OSM objects (``node/123``...) named in texts: ``osm:node/123``, an
    openstreetmap.org link, or "OSM POI n123" (as the sample registry's notes write)."""
    refs = set()
    for text in texts:
        for m in _OSM_REF.finditer(text or ""):
            if m.group(1):
                refs.add(f"{m.group(1).lower()}/{m.group(2)}")
            elif m.group(3):
                refs.add(f"{m.group(3).lower()}/{m.group(4)}")
            else:
                refs.add(f"{_LETTER[m.group(5).lower()]}/{m.group(6)}")
    return refs


def _service(row, source: Path, language: str) -> Service:
    it = language.lower().startswith("it")
    note = (
        f"Candidato da OpenStreetMap ({source.name}, {row['osm_ref']}; regole: {row['rules']}). "
        "Verificare che il servizio esista e serva i migranti, poi impostare lo stato 'active'."
        if it
        else f"Candidate from OpenStreetMap ({source.name}, {row['osm_ref']}; rules: "
        f"{row['rules']}). Check that the service exists and serves migrants, then set its "
        "status to 'active'."
    )
    operator = row["operator"]
    code = row["comune_istat"]
    return Service(
        name=str(row["name"]),
        description=(f"Gestore: {operator}" if it else f"Operator: {operator}")
        if operator
        else None,
        sectors=str(row["sectors"]).split(";"),
        opening_hours=row["opening_hours"],
        phone=row["phone"],
        email=row["email"],
        website=row["website"],
        address=row["address"],
        postcode=row["postcode"],
        comune_istat=code,
        comune_name=row["comune_name"],
        metro_area=code[:3] if code else None,
        status=CANDIDATE_STATUS,
        internal_notes=note,
        source_url=f"osm:{row['osm_ref']}",
        lon=float(row.geometry.x),
        lat=float(row.geometry.y),
    )


def dedupe_candidates(
    candidates: gpd.GeoDataFrame, existing: list[Service], *, dedupe_m: float = DEDUPE_M
) -> tuple[list[int], list[tuple[str, str, str]]]:
    """Split candidates into new ones and duplicates of ``existing`` services or of each other.

    A candidate is a duplicate when an existing service names its OSM object (``source_url``,
    notes or description), or has the same normalised name within ``dedupe_m`` metres; or when
    an earlier candidate has the same normalised name within ``dedupe_m`` (e.g. a node inside
    its building). Named candidates come first, so the named one is kept.

    Returns
    -------
    (list of row positions of the new candidates, list of (osm_ref, duplicate of, reason))
    """
    import numpy as np

    if candidates.empty:
        return [], []
    to_m = _utm(float(candidates.geometry.x.mean()))
    by_ref: dict[str, str] = {}
    named: dict[str, list[tuple[float, float, str]]] = {}
    for s in existing:
        for ref in osm_refs_in(s.source_url, s.internal_notes, s.description):
            by_ref.setdefault(ref, s.name)
        if s.lon is not None and s.lat is not None and s.name:
            x, y = to_m.transform(s.lon, s.lat)
            named.setdefault(normalize_name(s.name), []).append((x, y, s.name))
    xs, ys = to_m.transform(candidates.geometry.x.to_numpy(), candidates.geometry.y.to_numpy())
    order = np.argsort(~candidates["named"].to_numpy(bool), kind="stable")
    new: list[int] = []
    dups: list[tuple[str, str, str]] = []
    for i in order:
        row = candidates.iloc[i]
        ref = row["osm_ref"]
        if ref in by_ref:
            dups.append((ref, by_ref[ref], "same OSM object"))
            continue
        key = normalize_name(row["name"])
        near = [
            n
            for x, y, n in named.get(key, [])
            if row["named"] and (x - xs[i]) ** 2 + (y - ys[i]) ** 2 <= dedupe_m**2
        ]
        if near:
            dups.append((ref, near[0], f"same name within {dedupe_m:g} m"))
            continue
        new.append(int(i))
        by_ref[ref] = row["name"]
        if row["named"]:
            named.setdefault(key, []).append((xs[i], ys[i], f"{row['name']} ({ref})"))
    return sorted(new), dups


def registry_from_osm(
    source: str | os.PathLike,
    registry: str | os.PathLike | None,
    *,
    area: Any = None,
    dedupe_m: float = DEDUPE_M,
    write: bool = True,
    language: str = "it",
    progress: Progress | None = None,
) -> OsmImport:
    """Add the candidate services of an OSM source to a registry, deduplicated, to verify.

    Parameters
    ----------
    source
        An ``.osm.pbf``/``.osm`` extract or an Overpass API ``.json`` response.
    registry
        The registry GeoPackage (created when it does not exist); ``None`` only reports.
    area
        As in :func:`osm_candidates`.
    dedupe_m
        Same-name services closer than this many metres are one.
    write
        False: report what would be added, write nothing.
    language
        Of the notes written on the candidates and of fallback names ("it" or "en").

    Returns
    -------
    OsmImport
        ``describe(language)`` gives the report (found, new, duplicates, left out, per sector).
    """
    from .registry import Registry

    progress = ensure(progress)
    found = osm_candidates(source, area=area, language=language, progress=progress.step(0, 0.8))
    reg_path = Path(registry) if registry is not None else None
    existing: list[Service] = []
    if reg_path is not None and reg_path.exists():
        existing = Registry.open(reg_path).services()
    keep, dups = dedupe_candidates(found.candidates, existing, dedupe_m=dedupe_m)
    services = [_service(found.candidates.iloc[i], Path(source), language) for i in keep]
    result = OsmImport(Path(source), reg_path, found, services, dups)
    if write and reg_path is not None and services:
        reg = Registry.open(reg_path) if reg_path.exists() else Registry.create(reg_path)
        result.added = reg.add_services(services)
        result.written = True
    progress.report(1.0, f"{len(services)} new candidates")
    return result
