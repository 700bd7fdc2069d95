"""Reading OpenStreetMap data for the candidate services: a local extract or an Overpass response.

``.osm.pbf`` / ``.osm`` files are read with GDAL's OSM driver through the geopandas I/O engine
(:mod:`capacitymetro_plugin.core.gio`; every QGIS has that driver), with
``core/data/osmconf_services.ini`` so every tag of every object arrives; Overpass API JSON
responses (``[out:json]``) with the standard library. Both give :class:`OsmObject` lists.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capacitymetro_plugin.core.errors import InputError

OSMCONF = Path(__file__).resolve().parent.parent / "data" / "osmconf_services.ini"
_HSTORE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


@dataclass
class OsmObject:
    """An OSM object reduced to what the candidates need: ``way/123``, tags, one point."""

    ref: str
    tags: dict[str, str]
    lon: float | None
    lat: float | None


def _bad_source(path: Path, what: str, what_it: str) -> InputError:
    return InputError(
        f"OSM source {path}: {what}.",
        fix="Give an OpenStreetMap extract (.osm.pbf, e.g. from download.geofabrik.de clipped "
        "with `osmium extract`) or an Overpass API JSON response ([out:json]); nothing was "
        "written.",
        it=f"Sorgente OSM {path}: {what_it}.",
        fix_it="Indica un estratto OpenStreetMap (.osm.pbf, es. da download.geofabrik.de "
        "ritagliato con `osmium extract`) o una risposta JSON dell'API Overpass ([out:json]); "
        "non è stato scritto nulla.",
    )


def parse_hstore(text: Any) -> dict[str, str]:
    """Return the tags of GDAL's hstore text (``"amenity"=>"school","name"=>"A \\"B\\""``)."""
    if not isinstance(text, str) or not text:
        return {}
    return {_unescape(k): _unescape(v) for k, v in _HSTORE.findall(text)}


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def _point_of(geom) -> tuple[float, float] | None:
    """One point of a geometry: itself, the area's centroid (or a point on it), a line's middle."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return geom.x, geom.y
    if geom.geom_type in ("LineString", "MultiLineString"):
        p = geom.interpolate(0.5, normalized=True)
        return p.x, p.y
    # a centroid in degrees: objects are a few hundred metres at most, the error is centimetres
    c = geom.centroid
    if not geom.contains(c):
        c = geom.representative_point()
    return c.x, c.y


class _GdalErrors(logging.Handler):
    """Collect the GDAL errors fiona logs while reading."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def read_osm_file(path: Path) -> tuple[list[OsmObject], list[tuple[float, float]]]:
    """Read every tagged object of an ``.osm.pbf``/``.osm`` file with GDAL's OSM driver.

    Returns the objects and the corners of the extent of the data: the bounds of the tagged
    nodes (a clipped extract keeps whole ways and relations, which reach far beyond it), or of
    the other layers when there are no tagged nodes.
    """
    import geopandas as gpd

    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.core.osm_pbf import check_osm_pbf

    if Path(path).suffix.lower() == ".pbf":
        check_osm_pbf(path)  # pyogrio reads a truncated .pbf in part without a word
    if gio.ENGINE == "fiona":  # fiona lists GDAL's OSM driver as unsupported unless told
        import fiona

        fiona.drvsupport.supported_drivers["OSM"] = "r"
    objects: list[OsmObject] = []
    corners: list[tuple[float, float]] = []
    for layer in ("points", "lines", "multipolygons"):
        # fiona only logs GDAL's errors (a truncated .pbf reads as a part of the file): catch them
        errors = _GdalErrors()
        logging.getLogger("fiona._env").addHandler(errors)
        try:
            gdf = gpd.read_file(path, layer=layer, engine=gio.ENGINE, CONFIG_FILE=str(OSMCONF))
            if errors.messages:
                raise RuntimeError(errors.messages[0])
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - GDAL errors of a broken file have many types
            raise _bad_source(
                path,
                f"GDAL cannot read it as OpenStreetMap ({type(exc).__name__}: {exc})",
                f"GDAL non riesce a leggerlo come OpenStreetMap ({type(exc).__name__}: {exc})",
            ) from exc
        finally:
            logging.getLogger("fiona._env").removeHandler(errors)
        if len(gdf) and gdf.geometry.notna().any() and (layer == "points" or not corners):
            x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
            corners += [(x0, y0), (x1, y1)]
        for row in gdf.itertuples(index=False):
            tags = parse_hstore(getattr(row, "all_tags", None))
            if not tags:
                continue
            if layer == "points":
                ref = f"node/{row.osm_id}"
            elif layer == "lines":
                ref = f"way/{row.osm_id}"
            else:
                way = getattr(row, "osm_way_id", None)  # text, or NaN for a relation
                way = None if way is None or way != way or way == "" else way
                ref = f"way/{int(float(way))}" if way is not None else f"relation/{row.osm_id}"
                if tags.get("type") == "multipolygon":  # how the area is drawn, not what it is
                    tags.pop("type")
            point = _point_of(row.geometry)
            objects.append(OsmObject(ref, tags, *(point or (None, None))))
    return objects, corners


def read_overpass_json(path: Path) -> tuple[list[OsmObject], list[tuple[float, float]]]:
    """Read the tagged elements of an Overpass API JSON response (``[out:json]``).

    Returns the tagged objects and the points of every node (the extent of the response).

    Ways take their ``center``, their ``geometry`` or their nodes (when the response holds
    them); relations their ``center`` or their members' points. Untagged elements are only
    used as the nodes of ways.
    """
    from shapely.geometry import LineString, Polygon

    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_source(path, f"not valid JSON ({exc})", f"non è JSON valido ({exc})") from exc
    elements = doc.get("elements") if isinstance(doc, dict) else None
    if not isinstance(elements, list):
        raise _bad_source(
            path,
            "not an Overpass response (no 'elements' list)",
            "non è una risposta Overpass (manca la lista 'elements')",
        )
    nodes: dict[int, tuple[float, float]] = {}
    for el in elements:
        if isinstance(el, dict) and el.get("type") == "node" and "lat" in el and "lon" in el:
            nodes[el.get("id")] = (float(el["lon"]), float(el["lat"]))
    points: dict[str, tuple[float, float] | None] = {}

    def way_point(el: dict) -> tuple[float, float] | None:
        if "center" in el:
            return float(el["center"]["lon"]), float(el["center"]["lat"])
        if el.get("geometry"):
            coords = [(float(g["lon"]), float(g["lat"])) for g in el["geometry"] if g]
        else:
            coords = [nodes[n] for n in el.get("nodes", []) if n in nodes]
        if len(coords) >= 4 and coords[0] == coords[-1]:
            return _point_of(Polygon(coords))
        if len(coords) >= 2:
            return _point_of(LineString(coords))
        return coords[0] if coords else None

    for el in elements:
        if isinstance(el, dict) and el.get("type") == "way":
            points[f"way/{el.get('id')}"] = way_point(el)
    objects = []
    for el in elements:
        if not isinstance(el, dict) or not isinstance(el.get("tags"), dict) or not el["tags"]:
            continue
        kind, key = el.get("type"), el.get("id")
        if kind not in ("node", "way", "relation") or key is None:
            continue
        ref = f"{kind}/{key}"
        if kind == "node":
            point = nodes.get(key)
        elif kind == "way":
            point = points.get(ref)
        elif "center" in el:
            point = float(el["center"]["lon"]), float(el["center"]["lat"])
        else:  # the mean of the members' points found in the response
            found = [
                nodes.get(m.get("ref"))
                if m.get("type") == "node"
                else points.get(f"way/{m.get('ref')}")
                for m in el.get("members", [])
                if isinstance(m, dict)
            ]
            found = [p for p in found if p]
            point = (
                (sum(p[0] for p in found) / len(found), sum(p[1] for p in found) / len(found))
                if found
                else None
            )
        tags = {str(k): str(v) for k, v in el["tags"].items()}
        objects.append(OsmObject(ref, tags, *(point or (None, None))))
    return objects, list(nodes.values())


def read_osm_objects(source: str | os.PathLike) -> tuple[list[OsmObject], tuple | None]:
    """Return the tagged objects of ``source`` and the extent of all its data.

    Raises
    ------
    InputError
        A missing file, a file GDAL cannot read, malformed JSON, or a source without any data.
    """
    path = Path(source)
    if not path.is_file():
        raise InputError(
            f"OSM source {path} does not exist.",
            fix="Check the path of the .osm.pbf extract or the Overpass .json response.",
            it=f"La sorgente OSM {path} non esiste.",
            fix_it="Controlla il percorso dell'estratto .osm.pbf o della risposta Overpass .json.",
        )
    if path.suffix.lower() == ".json":
        objects, coords = read_overpass_json(path)
    else:
        objects, coords = read_osm_file(path)
    coords = coords + [(o.lon, o.lat) for o in objects if o.lon is not None and o.lat is not None]
    if not coords:
        raise _bad_source(
            path,
            "it holds no OpenStreetMap data (empty, truncated or not an OSM file)",
            "non contiene dati OpenStreetMap (vuoto, troncato o non è un file OSM)",
        )
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return objects, (min(lons), min(lats), max(lons), max(lats))
