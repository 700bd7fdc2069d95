"""Dasymetric population grid: spread each zone's count over raster cells by a weight.

Each cell belongs to the zone holding its centre. Within a zone, people go to cells in proportion
to a weight — the length of residential streets in the cell (a line layer), or a user weight
raster — and evenly when a zone has no weight at all. A zone too small to hold any cell centre
puts its people in the cell under its representative point. So every zone's total is preserved
exactly (up to floating point), whatever the weights.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .zones import metric_crs, validate_zones

DEFAULT_CELL_SIZE = 100.0
RESIDENTIAL_HIGHWAYS = (
    "residential",
    "living_street",
    "unclassified",
    "tertiary",
    "service",
    "pedestrian",
    "footway",
)


@dataclass
class PopulationGrid:
    """A population raster: one band per count field, in a metric CRS.

    Attributes
    ----------
    values
        Array (bands, rows, cols) of people per cell (float; 0 outside zones).
    transform
        The rasterio affine transform (north-up).
    crs
        The metric CRS (e.g. ``"EPSG:32633"``).
    fields
        Band names (the count fields).
    zone_index
        (rows, cols) index of the zone holding each cell centre (-1: none).
    is_estimate
        True when the counts themselves are estimates (e.g. province → comune).
    """

    values: np.ndarray
    transform: object
    crs: str
    fields: list[str]
    zone_index: np.ndarray
    is_estimate: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def cell_size(self) -> float:
        return float(self.transform.a)

    def band(self, name: str) -> np.ndarray:
        """Return the (rows, cols) array of count field ``name``."""
        return self.values[self.fields.index(name)]

    def totals(self) -> dict[str, float]:
        """Return the total of each band."""
        return {f: float(self.values[i].sum()) for i, f in enumerate(self.fields)}

    def to_points(self, *, min_value: float = 0.0) -> gpd.GeoDataFrame:
        """Return populated cells as centre points with one column per band (and row/col)."""
        populated = (self.values > min_value).any(axis=0)
        rows, cols = np.nonzero(populated)
        xs, ys = self._centres(rows, cols)
        data = {"row": rows, "col": cols}
        for i, f in enumerate(self.fields):
            data[f] = self.values[i][rows, cols]
        return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xs, ys), crs=self.crs)

    def to_polygons(self, *, min_value: float = 0.0) -> gpd.GeoDataFrame:
        """Return populated cells as square polygons with one column per band."""
        pts = self.to_points(min_value=min_value)
        half = self.cell_size / 2
        x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
        polys = shapely.box(x - half, y - half, x + half, y + half)
        return gpd.GeoDataFrame(pts.drop(columns="geometry"), geometry=polys, crs=self.crs)

    def _centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = self.transform
        return t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e

    def write_geotiff(self, path: str | os.PathLike) -> Path:
        """Write the grid as a tiled, compressed float32 GeoTIFF (one band per field)."""
        import rasterio

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        profile = dict(
            driver="GTiff",
            height=self.values.shape[1],
            width=self.values.shape[2],
            count=len(self.fields),
            dtype="float32",
            crs=self.crs,
            transform=self.transform,
            nodata=None,
            compress="deflate",
        )
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(self.values.astype("float32"))
            for i, f in enumerate(self.fields, start=1):
                dst.set_band_description(i, f)
            dst.update_tags(
                is_estimate=str(self.is_estimate), source="CapaCityMetro dasymetric grid"
            )
        os.replace(tmp, path)
        return path


def _line_weights(lines: gpd.GeoDataFrame, transform, shape, crs: str) -> np.ndarray:
    """Length of ``lines`` (metres) falling in each cell, from densified segment midpoints."""
    size = float(transform.a)
    geoms = lines.to_crs(crs).geometry
    geoms = geoms[geoms.notna() & ~geoms.is_empty]
    weights = np.zeros(shape, dtype=float)
    if len(geoms) == 0:
        return weights
    dense = shapely.segmentize(geoms.to_numpy(), size / 5)
    # consecutive vertices of the same part form segments; parts split at index changes
    parts = shapely.get_parts(dense)
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    same = idx[1:] == idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    # segments are shorter than a cell, so each crosses at most one column and one row line:
    # split them there, so every piece lies in one cell and lengths per cell are exact
    gx = (a[:, 0] - transform.c) / size
    gy = (a[:, 1] - transform.f) / transform.e
    hx = (b[:, 0] - transform.c) / size
    hy = (b[:, 1] - transform.f) / transform.e
    with np.errstate(invalid="ignore", divide="ignore"):
        lx = np.maximum(np.floor(gx), np.floor(hx))
        tx = np.where(np.floor(gx) != np.floor(hx), (lx - gx) / (hx - gx), np.nan)
        ly = np.maximum(np.floor(gy), np.floor(hy))
        ty = np.where(np.floor(gy) != np.floor(hy), (ly - gy) / (hy - gy), np.nan)
    ts = np.sort(np.column_stack([np.zeros(len(a)), tx, ty, np.ones(len(a))]), axis=1)
    ts = np.where(np.isnan(ts), 1.0, ts)  # NaN sorts last: turn into empty pieces
    ts = np.sort(ts, axis=1)
    t0, t1 = ts[:, :-1], ts[:, 1:]
    d = (b - a)[:, None, :]
    mid = a[:, None, :] + d * ((t0 + t1) / 2)[:, :, None]
    length = (np.hypot(d[..., 0], d[..., 1]) * (t1 - t0)).ravel()
    mid = mid.reshape(-1, 2)
    col = np.floor((mid[:, 0] - transform.c) / size).astype(int)
    row = np.floor((mid[:, 1] - transform.f) / transform.e).astype(int)
    ok = (row >= 0) & (row < shape[0]) & (col >= 0) & (col < shape[1])
    np.add.at(weights, (row[ok], col[ok]), length[ok])
    return weights


def _raster_weights(path: str | os.PathLike, transform, shape, crs: str) -> np.ndarray:
    import rasterio
    from rasterio.warp import Resampling, reproject

    with rasterio.open(path) as src:
        if src.crs is None:
            raise InputError(
                f"The weight raster {path} has no CRS.",
                fix="Assign its CRS (e.g. with GDAL or QGIS) and try again.",
                it=f"Il raster dei pesi {path} non ha un sistema di riferimento.",
                fix_it="Assegnagli il sistema di riferimento (es. con GDAL o QGIS) e riprova.",
            )
        out = np.zeros(shape, dtype="float64")
        reproject(
            source=rasterio.band(src, 1),
            destination=out,
            dst_transform=transform,
            dst_crs=crs,
            resampling=Resampling.average,
            dst_nodata=0.0,
        )
    out[~np.isfinite(out)] = 0
    if (out < 0).any():
        raise InputError(
            f"The weight raster {path} has negative values.",
            fix="Weights must be ≥ 0 (e.g. built-up share, dwellings).",
            it=f"Il raster dei pesi {path} ha valori negativi.",
            fix_it="I pesi devono essere ≥ 0 (es. quota edificata, abitazioni).",
        )
    return out


def dasymetric_grid(
    zones: gpd.GeoDataFrame,
    count_fields: str | Sequence[str],
    *,
    cell_size: float = DEFAULT_CELL_SIZE,
    weight_lines: gpd.GeoDataFrame | None = None,
    weight_raster: str | os.PathLike | None = None,
    crs: str | None = None,
    is_estimate: bool = False,
    allow_overlaps: bool = False,
    progress: Progress | None = None,
) -> PopulationGrid:
    """Spread the counts of ``zones`` onto a grid, preserving every zone's total.

    Parameters
    ----------
    zones
        Polygon layer with count field(s); validated with :func:`validate_zones`.
    count_fields
        The field(s) to spread (one band each), e.g. ``["pop_total", "foreign"]``.
    cell_size
        Cell side in metres (default 100).
    weight_lines
        Lines (e.g. residential streets) whose length per cell is the weight.
    weight_raster
        Path of a raster whose (resampled) value per cell is the weight. Used when no lines.
    crs
        Metric CRS of the grid (default: the zones' UTM zone).
    is_estimate
        Mark the grid as an estimate (kept in the GeoTIFF tags).

    Returns
    -------
    PopulationGrid
    """
    from affine import Affine
    from rasterio.features import rasterize

    progress = ensure(progress)
    fields = [count_fields] if isinstance(count_fields, str) else list(count_fields)
    if cell_size <= 0:
        raise InputError(
            f"Cell size {cell_size} m is not positive.",
            fix="Use a cell size such as 100 m.",
            it=f"La dimensione della cella {cell_size} m non è positiva.",
            fix_it="Usa una dimensione come 100 m.",
        )
    zones = validate_zones(zones, fields, allow_overlaps=allow_overlaps, progress=progress)
    crs = crs or metric_crs(zones)
    zones = zones.to_crs(crs)
    progress.report(0.05, "grid")
    xmin, ymin, xmax, ymax = zones.total_bounds
    xmin = np.floor(xmin / cell_size) * cell_size
    ymax = np.ceil(ymax / cell_size) * cell_size
    width = max(1, int(np.ceil((xmax - xmin) / cell_size)))
    height = max(1, int(np.ceil((ymax - ymin) / cell_size)))
    if width * height > 50_000_000:
        raise InputError(
            f"The grid would have {width * height:,} cells.",
            fix="Use a larger cell size or a smaller area.",
            it=f"La griglia avrebbe {width * height:,} celle.",
            fix_it="Usa celle più grandi o un'area più piccola.",
        )
    transform = Affine(cell_size, 0, xmin, 0, -cell_size, ymax)
    shape = (height, width)
    zone_index = rasterize(
        ((g, i) for i, g in enumerate(zones.geometry)),
        out_shape=shape,
        transform=transform,
        fill=-1,
        dtype="int32",
    )
    progress.report(0.3, "weights")
    if weight_lines is not None and len(weight_lines):
        weights = _line_weights(weight_lines, transform, shape, crs)
    elif weight_raster is not None:
        weights = _raster_weights(weight_raster, transform, shape, crs)
    else:
        weights = np.ones(shape)
    progress.report(0.6, "spread")
    n = len(zones)
    inside = zone_index >= 0
    zid = zone_index[inside]
    w = weights[inside]
    wsum = np.bincount(zid, weights=w, minlength=n)
    ncell = np.bincount(zid, minlength=n)
    # zones with no weighted cell are spread evenly over their cells
    even = (wsum <= 0) & (ncell > 0)
    w = np.where(even[zid], 1.0, w)
    wsum = np.where(even, ncell, wsum)
    values = np.zeros((len(fields), *shape))
    counts = np.vstack([zones[f].to_numpy(dtype=float) for f in fields])  # (bands, zones)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(wsum[zid] > 0, w / wsum[zid], 0.0)
    for b in range(len(fields)):
        values[b][inside] = counts[b][zid] * share
    notes: list[str] = []
    if even.any():
        notes.append(f"{int(even.sum())} zones had no weight and were spread evenly.")
    # zones holding no cell centre: all their people in the cell under a point on the zone
    orphan = np.nonzero(ncell == 0)[0]
    if len(orphan):
        pts = zones.geometry.iloc[orphan].representative_point()
        cols = np.clip(((pts.x - transform.c) / cell_size).astype(int), 0, width - 1)
        rows = np.clip(((pts.y - transform.f) / transform.e).astype(int), 0, height - 1)
        for b in range(len(fields)):
            np.add.at(values[b], (rows.to_numpy(), cols.to_numpy()), counts[b][orphan])
        notes.append(f"{len(orphan)} zones smaller than a cell were put in one cell each.")
    for note in notes:
        progress.info(note)
    progress.report(1.0, "done")
    return PopulationGrid(values, transform, crs, fields, zone_index, is_estimate, notes)


def residential_streets(
    lines: gpd.GeoDataFrame, *, highway_field: str = "highway"
) -> gpd.GeoDataFrame:
    """Keep the streets where people live (residential classes) from an OSM-like line layer."""
    if highway_field not in lines.columns:
        return lines
    return lines[lines[highway_field].astype(str).isin(RESIDENTIAL_HIGHWAYS)]
