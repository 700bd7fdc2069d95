"""Population zones: any polygon layer with a count field (census sections, islands, comuni).

:func:`validate_zones` checks what the grid and coverage steps rely on, and says what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

OVERLAP_TOLERANCE = 0.001  # overlapping area allowed, as a share of the total zone area


def metric_crs(gdf: gpd.GeoDataFrame) -> str:
    """Return the CRS to measure ``gdf`` in: its own if projected, else its WGS84/UTM zone."""
    if gdf.crs is None:
        raise CrsError(
            "The population layer has no CRS.",
            fix="Set the layer's CRS (e.g. EPSG:4326) and try again.",
            it="Il layer della popolazione non ha un sistema di riferimento.",
            fix_it="Imposta il sistema di riferimento del layer (es. EPSG:4326) e riprova.",
        )
    if gdf.crs.is_projected:
        return gdf.crs.to_string()
    lon = gdf.to_crs(4326).total_bounds[[0, 2]].mean()
    from capacitymetro_plugin.core.areas import utm_epsg_for_lon

    return f"EPSG:{utm_epsg_for_lon(float(lon))}"


def validate_zones(
    zones: gpd.GeoDataFrame,
    count_fields: str | Sequence[str],
    *,
    layer_name: str = "population layer",
    allow_overlaps: bool = False,
    progress: Progress | None = None,
) -> gpd.GeoDataFrame:
    """Check a zone layer and return a clean copy (polygons only, counts as floats).

    Parameters
    ----------
    zones
        Polygon layer with one or more count fields.
    count_fields
        Name(s) of the count field(s), e.g. ``"pop"`` or ``["pop", "foreign"]``.
    layer_name
        How to name the layer in messages.
    allow_overlaps
        Accept overlapping zones (their people would be counted twice: off by default).

    Raises
    ------
    InputError
        Missing or non-numeric count field, negative counts, no polygons, overlapping zones.
    """
    progress = ensure(progress)
    fields = [count_fields] if isinstance(count_fields, str) else list(count_fields)
    if zones is None or len(zones) == 0:
        raise InputError(
            f"The {layer_name} is empty.",
            fix="Choose a layer with at least one zone.",
            it=f"Il {layer_name} è vuoto.",
            fix_it="Scegli un layer con almeno una zona.",
        )
    metric_crs(zones)  # raises when there is no CRS
    for field in fields:
        if field not in zones.columns:
            avail = ", ".join(c for c in zones.columns if c != zones.geometry.name)
            raise InputError(
                f"The {layer_name} has no field {field!r} (fields: {avail}).",
                fix="Choose the field holding the number of people.",
                it=f"Il {layer_name} non ha il campo {field!r} (campi: {avail}).",
                fix_it="Scegli il campo con il numero di persone.",
            )
    out = zones[zones.geometry.notna() & ~zones.geometry.is_empty].copy()
    out = out[out.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(out) == 0:
        raise InputError(
            f"The {layer_name} has no polygons.",
            fix="Use a polygon layer (zones, sections, comuni).",
            it=f"Il {layer_name} non contiene poligoni.",
            fix_it="Usa un layer di poligoni (zone, sezioni, comuni).",
        )
    if len(out) < len(zones):
        progress.info(f"Warning: {len(zones) - len(out)} features without a polygon were ignored.")
    for field in fields:
        values = pd.to_numeric(out[field], errors="coerce")
        if values.isna().any() and out[field].notna().sum() > values.notna().sum():
            raise InputError(
                f"The field {field!r} of the {layer_name} is not numeric.",
                fix="Choose a numeric field with the number of people.",
                it=f"Il campo {field!r} del {layer_name} non è numerico.",
                fix_it="Scegli un campo numerico con il numero di persone.",
            )
        if (values < 0).any():
            n = int((values < 0).sum())
            raise InputError(
                f"The field {field!r} of the {layer_name} has {n} negative counts.",
                fix="Counts of people must be ≥ 0: correct those zones.",
                it=f"Il campo {field!r} del {layer_name} ha {n} conteggi negativi.",
                fix_it="I conteggi di persone devono essere ≥ 0: correggi quelle zone.",
            )
        if values.isna().any():
            progress.info(
                f"Warning: {int(values.isna().sum())} zones have no value in {field!r}; counted as 0."
            )
        out[field] = values.fillna(0.0).astype(float)
    out["geometry"] = out.geometry.make_valid()
    if not allow_overlaps and len(out) > 1:
        metric = out.to_crs(metric_crs(out))
        total = float(metric.area.sum())
        left, right = metric.sindex.query(metric.geometry, predicate="intersects")
        pairs = left < right
        overlap = 0.0
        if pairs.any():
            geoms = metric.geometry.to_numpy()
            inter = gpd.GeoSeries(geoms[left[pairs]]).intersection(
                gpd.GeoSeries(geoms[right[pairs]]), align=False
            )
            overlap = float(inter.area.sum())
        if total > 0 and overlap / total > OVERLAP_TOLERANCE:
            raise InputError(
                f"Zones of the {layer_name} overlap ({overlap / total:.1%} of their area): "
                "people would be counted twice.",
                fix="Use non-overlapping zones (e.g. dissolve or clean the layer).",
                it=f"Le zone del {layer_name} si sovrappongono ({overlap / total:.1%} della loro "
                "area): le persone sarebbero contate due volte.",
                fix_it="Usa zone che non si sovrappongono (es. dissolvi o pulisci il layer).",
            )
    return out.reset_index(drop=True)


def zone_totals(zones: gpd.GeoDataFrame, fields: Sequence[str]) -> np.ndarray:
    """Return the per-field sums of ``zones`` as an array."""
    return np.array([float(zones[f].sum()) for f in fields])
