"""Vector file reading and writing shared by the whole engine.

Every read and write goes through one geopandas I/O engine, :data:`ENGINE`:

- fiona when it is importable. Where QGIS comes from a distribution (Debian, OSGeo4W) fiona is
  that distribution's build against QGIS's own GDAL, so GeoPackages written here are what that
  QGIS writes itself (QGIS 3.22 warns about the GeoPackage 1.4 a newer GDAL writes).
- otherwise pyogrio (a QGIS whose Python has no fiona). Its wheels may bundle a newer GDAL, so
  new GeoPackages are created as version 1.2, which every QGIS 3 reads without warnings.

``CAPACITYMETRO_IO_ENGINE=fiona|pyogrio`` forces one (tests run both). Writes go to a temporary
file that replaces the target only when complete: a failed write leaves the user's file as it was.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np

from .errors import InputError

ENGINES = ("fiona", "pyogrio")


def choose_engine() -> str:
    """Return the I/O engine to use: forced by CAPACITYMETRO_IO_ENGINE, else fiona, else pyogrio."""
    forced = os.environ.get("CAPACITYMETRO_IO_ENGINE", "").strip().lower()
    if forced:
        if forced not in ENGINES:
            raise InputError(
                f"CAPACITYMETRO_IO_ENGINE={forced!r} is not an I/O engine.",
                fix="Set it to fiona or pyogrio, or unset it.",
                it=f"CAPACITYMETRO_IO_ENGINE={forced!r} non è un motore di I/O.",
                fix_it="Impostalo a fiona o pyogrio, oppure toglilo.",
            )
        return forced
    for name in ENGINES:
        if importlib.util.find_spec(name) is not None:
            return name
    return "fiona"  # neither: the import at the first read names the missing package


ENGINE = choose_engine()


def read_vector(path: str | os.PathLike, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector layer (GeoPackage, shapefile, GeoJSON, ...) into a GeoDataFrame."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"Vector file {path} does not exist.",
            fix="Check the path.",
            it=f"Il file vettoriale {path} non esiste.",
            fix_it="Controlla il percorso.",
        )
    kwargs = {"engine": ENGINE}
    if layer:
        kwargs["layer"] = layer
    try:
        gdf = gpd.read_file(path, **kwargs)
    except ValueError as exc:  # e.g. unknown layer
        raise InputError(
            f"Cannot read layer {layer!r} of {path}: {exc}.",
            fix="Name an existing layer.",
            it=f"Impossibile leggere il layer {layer!r} di {path}: {exc}.",
            fix_it="Indica un layer esistente.",
        ) from exc
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL/GEOS errors of a malformed file have many types
        # e.g. shapely's GEOSException for a LineString of one point, fiona/pyogrio DriverError
        raise InputError(
            f"Cannot read {path}: {type(exc).__name__}: {exc}.",
            fix="Check that the file is a valid vector file (e.g. a LineString needs two points) and import again; nothing was written.",
            it=f"Impossibile leggere {path}: {type(exc).__name__}: {exc}.",
            fix_it="Controlla che il file sia un file vettoriale valido (es. una LineString ha almeno due punti) e importa di nuovo; non è stato scritto nulla.",
        ) from exc
    check_crs_label(gdf, f"{path.name}" + (f" (layer {layer})" if layer else ""))
    return gdf


def check_crs_label(gdf: gpd.GeoDataFrame, name: str) -> None:
    """Raise :class:`CrsError` when the coordinates cannot be in the CRS the layer declares.

    Metres labelled EPSG:4326 (a UTM layer saved without its CRS, then "fixed" to WGS84) would
    otherwise be reprojected from "degrees" such as 660000 and fail deep inside a step with a
    traceback; degrees labelled with a projected CRS put the whole city within 180 m of the
    projection's origin, at sea off Africa. Both are named here, with the likely fix.
    """
    from .errors import CrsError

    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None or len(gdf) == 0:
        return  # a table without geometry, a layer without a CRS (named where it matters)
    xmin, ymin, xmax, ymax = (float(v) for v in gdf.geometry.total_bounds)  # NaN: no geometry
    if not np.isfinite([xmin, ymin, xmax, ymax]).all():
        return
    crs = gdf.crs.to_string()
    if gdf.crs.is_geographic and not (
        -180.0 <= xmin and xmax <= 180.0 and -90.0 <= ymin and ymax <= 90.0
    ):
        raise CrsError(
            f"{name}: the layer says {crs} (degrees), but its coordinates reach "
            f"({xmax:,.0f}, {ymax:,.0f}): they are metres in another CRS, labelled wrongly.",
            fix="Assign the CRS the coordinates are in (for Italy usually UTM: EPSG:32632 "
            "or EPSG:32633, or EPSG:3003/3004 Monte Mario) without reprojecting: in QGIS "
            "Layer Properties > Source > Assigned CRS, or `ogr2ogr -a_srs EPSG:32632`.",
            it=f"{name}: il layer dichiara {crs} (gradi), ma le sue coordinate arrivano a "
            f"({xmax:,.0f}, {ymax:,.0f}): sono metri in un altro SR, etichettati male.",
            fix_it="Assegna il SR in cui sono le coordinate (per l'Italia di solito UTM: "
            "EPSG:32632 o EPSG:32633, o EPSG:3003/3004 Monte Mario) senza riproiettare: in "
            "QGIS Proprietà layer > Sorgente > SR assegnato, o `ogr2ogr -a_srs EPSG:32632`.",
        )
    if (
        gdf.crs.is_projected
        and max(abs(xmin), abs(xmax)) <= 180.0
        and (max(abs(ymin), abs(ymax)) <= 90.0)
    ):
        raise CrsError(
            f"{name}: the layer says {crs} (metres), but all its coordinates lie within "
            f"180 m of the projection's origin ({xmin:.4f}, {ymin:.4f} …): they look like "
            "longitude and latitude in degrees, labelled wrongly.",
            fix="Assign EPSG:4326 (WGS84 degrees) without reprojecting: in QGIS Layer "
            "Properties > Source > Assigned CRS, or `ogr2ogr -a_srs EPSG:4326`.",
            it=f"{name}: il layer dichiara {crs} (metri), ma tutte le coordinate sono entro "
            f"180 m dall'origine della proiezione ({xmin:.4f}, {ymin:.4f} …): sembrano "
            "longitudine e latitudine in gradi, etichettate male.",
            fix_it="Assegna EPSG:4326 (gradi WGS84) senza riproiettare: in QGIS Proprietà layer "
            "> Sorgente > SR assegnato, o `ogr2ogr -a_srs EPSG:4326`.",
        )


def list_layers(path: str | os.PathLike) -> list[str]:
    """Return the layer names of a vector file."""
    if ENGINE == "pyogrio":
        import pyogrio

        return [str(name) for name in pyogrio.list_layers(str(path))[:, 0]]
    import fiona

    return list(fiona.listlayers(str(path)))


def write_vector(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    layer: str,
    replace_file: bool = False,
    geometry_type: str | None = None,
) -> Path:
    """Write ``gdf`` as layer ``layer`` of GeoPackage ``path``, atomically.

    Other layers of an existing GeoPackage are kept (the layer itself is replaced) unless
    ``replace_file`` is True. The write happens on a copy that is moved into place at the end.
    Infinite numbers (a time with no service in reach) are written as NULL.
    ``geometry_type`` (e.g. ``"MultiPolygon"``) is the layer's type when ``gdf`` is empty:
    without it an empty layer has no geometry type and QGIS opens it as a table.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", dir=path.parent, prefix=f".{path.stem}-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        options = {}
        if path.exists() and not replace_file:
            shutil.copy2(path, tmp)
            # pyogrio overwrites an existing layer itself; fiona would append to it
            if ENGINE == "fiona" and layer in list_layers(tmp):
                import fiona

                fiona.remove(str(tmp), layer=layer, driver="GPKG")
        else:  # a new file: see the module docstring (GDAL 3.11+ would write 1.4 by default)
            options["VERSION"] = "1.2"
        # A GeoPackage field holds no infinity QGIS can show: "none in reach" is NULL in a file
        numeric = gdf.select_dtypes(include="number").columns
        if len(numeric) and np.isinf(gdf[numeric].to_numpy(dtype=float)).any():
            gdf = gdf.replace({c: {np.inf: np.nan, -np.inf: np.nan} for c in numeric})
        with warnings.catch_warnings():  # an empty layer is meant: no "empty DataFrame" warning
            warnings.filterwarnings("ignore", "You are attempting to write an empty DataFrame")
            if geometry_type and len(gdf) == 0:
                if ENGINE == "pyogrio":
                    options["geometry_type"] = geometry_type
                else:
                    from geopandas.io.file import infer_schema

                    options["schema"] = {**infer_schema(gdf), "geometry": geometry_type}
            gdf.to_file(tmp, layer=layer, driver="GPKG", engine=ENGINE, **options)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
