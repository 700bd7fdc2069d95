"""Vector file reading and writing shared by the whole engine.

Every read and write goes through GDAL from Debian (the fiona engine), the same GDAL that QGIS
3.22 uses, so GeoPackages written here open in QGIS without version warnings. Writes go to a
temporary file that replaces the target only when complete: a failed write leaves the user's
file as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd

from .errors import InputError

ENGINE = "fiona"


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
        return gpd.read_file(path, **kwargs)
    except ValueError as exc:  # e.g. unknown layer
        raise InputError(
            f"Cannot read layer {layer!r} of {path}: {exc}.",
            fix="Name an existing layer.",
            it=f"Impossibile leggere il layer {layer!r} di {path}: {exc}.",
            fix_it="Indica un layer esistente.",
        ) from exc


def list_layers(path: str | os.PathLike) -> list[str]:
    """Return the layer names of a vector file."""
    import fiona

    return list(fiona.listlayers(str(path)))


def write_vector(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    layer: str,
    replace_file: bool = False,
) -> Path:
    """Write ``gdf`` as layer ``layer`` of GeoPackage ``path``, atomically.

    Other layers of an existing GeoPackage are kept (the layer itself is replaced) unless
    ``replace_file`` is True. The write happens on a copy that is moved into place at the end.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", dir=path.parent, prefix=f".{path.stem}-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        if path.exists() and not replace_file:
            shutil.copy2(path, tmp)
            if layer in list_layers(tmp):
                import fiona

                fiona.remove(str(tmp), layer=layer, driver="GPKG")
        gdf.to_file(tmp, layer=layer, driver="GPKG", engine=ENGINE)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
