"""Coverage of the (foreign) population by services on a street network, gaps and what-if.

Flow: choose services (a sector, or any filter) → :func:`service_times` computes the travel time
from every service to every origin (populated cell centre or zone centroid) once, on the network
of :mod:`capacitymetro_plugin.core.network` → :func:`coverage_by_area` summarises per comune and
per metropolitan area → :func:`gap_polygons` dissolves unserved cells → :func:`what_if` adds or
closes services, reusing the times already computed (only a new service costs a new search).

Travel time of an origin to a service = walk from the origin to its nearest network node
+ network time + walk from the service's node to the service, the two connectors at
``connector_kmh`` (4.5 km/h by default). Points farther than ``max_snap_m`` from the network are
unreachable (inf). Times are computed *towards* the service (reverse search) so one-way streets are
honoured for cars.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure
from capacitymetro_plugin.core.registry.vocabularies import split_codes

DEFAULT_THRESHOLDS = (10.0, 15.0, 20.0, 30.0)
CONNECTOR_KMH = 4.5
MAX_MATRIX_VALUES = 60_000_000  # float32: 240 MB


def select_services(
    services: gpd.GeoDataFrame,
    *,
    sector: str | None = None,
    sector_field: str = "sectors",
    language: str | None = None,
    language_field: str = "languages",
    only_active: bool = True,
    status_field: str = "status",
) -> gpd.GeoDataFrame:
    """Return the located services of ``sector`` (and ``language``), active ones only by default.

    The status, location and sector rule is :func:`capacitymetro_plugin.core.registry.selection.
    select_services`, the one every door uses; this adds the language filter and fails when no
    service is left.

    Raises
    ------
    InputError
        When no service is left, saying how many there were and which sectors exist.
    """
    from capacitymetro_plugin.core.registry.selection import select_services as select
    from capacitymetro_plugin.core.registry.vocabularies import STATUS_CODES

    if services is None or len(services) == 0:
        raise InputError(
            "The services layer is empty.",
            fix="Choose a layer with services (e.g. the registry's 'services').",
            it="Il layer dei servizi è vuoto.",
            fix_it="Scegli un layer con servizi (es. 'services' del registro).",
        )
    if sector and sector_field not in services.columns:
        raise InputError(
            f"The services layer has no field {sector_field!r}.",
            fix="Choose the field holding the ';'-separated sector codes.",
            it=f"Il layer dei servizi non ha il campo {sector_field!r}.",
            fix_it="Scegli il campo con i codici dei settori separati da ';'.",
        )
    if language and language_field not in services.columns:
        raise InputError(
            f"The services layer has no field {language_field!r}.",
            fix="Choose the field holding the ';'-separated ISO 639-1 language codes.",
            it=f"Il layer dei servizi non ha il campo {language_field!r}.",
            fix_it="Scegli il campo con i codici lingua ISO 639-1 separati da ';'.",
        )
    names = {sector_field: "sectors", status_field: "status"}
    names = {k: v for k, v in names.items() if k != v and k in services.columns}
    renamed = services.drop(columns=[v for v in names.values() if v in services.columns])
    renamed = renamed.rename(columns=names)
    if not only_active and "status" in renamed.columns:
        renamed = renamed.drop(columns="status")  # every status counts
    statuses = ("active",) if only_active else tuple(sorted(STATUS_CODES))
    out = select(renamed, statuses=statuses, sectors=[sector] if sector else None).services
    out = services.loc[out.index]
    if sector and len(out) == 0:
        present = sorted({c for v in services[sector_field] for c in split_codes(v)})
        raise InputError(
            f"No active service of sector {sector!r} among {len(services)} services "
            f"(sectors present: {', '.join(present) or 'none'}).",
            fix="Choose another sector or add services of this sector to the registry.",
            it=f"Nessun servizio attivo del settore {sector!r} tra {len(services)} servizi "
            f"(settori presenti: {', '.join(present) or 'nessuno'}).",
            fix_it="Scegli un altro settore o aggiungi al registro servizi di questo settore.",
        )
    if language:
        out = out[out[language_field].map(lambda v: language in split_codes(v))]
    if len(out) == 0:
        raise InputError(
            f"No active service left after the filters ({len(services)} services in the layer).",
            fix="Relax the filters or check the services' status.",
            it=f"Nessun servizio attivo dopo i filtri ({len(services)} servizi nel layer).",
            fix_it="Allenta i filtri o controlla lo stato dei servizi.",
        )
    return out


@dataclass
class ServiceTimes:
    """Travel times (minutes) from every origin to every service, kept for cheap what-if runs.

    Attributes
    ----------
    minutes
        (n_services, n_origins) float32; inf where unreachable or beyond the cut-off.
    service_ids
        Identifier of each row (the ``id_field`` of the services, or their position).
    origin_node, origin_connector_min
        Network node and walking connector time of each origin (inf when off the network).
    """

    minutes: np.ndarray
    service_ids: list
    origin_node: np.ndarray
    origin_connector_min: np.ndarray
    cutoff_min: float | None
    connector_kmh: float = CONNECTOR_KMH
    max_snap_m: float = 250.0
    notes: list[str] = field(default_factory=list)

    def nearest(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (minutes to the nearest service, its row; -1 when none) per origin."""
        if self.minutes.shape[0] == 0:
            n = self.minutes.shape[1]
            return np.full(n, np.inf), np.full(n, -1)
        row = np.argmin(self.minutes, axis=0)
        t = self.minutes[row, np.arange(self.minutes.shape[1])].astype(float)
        return t, np.where(np.isfinite(t), row, -1)

    def nearest_minutes(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Return per origin the minutes to the nearest of the services ``rows`` (inf: none).

        Transit times override this: there the nearest service is taken per departure.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.full(self.minutes.shape[1], np.inf)
        return self.minutes[rows].min(axis=0).astype(float)


def _reverse_times(network, nodes: np.ndarray, cutoff_s: float | None) -> np.ndarray:
    """Seconds from every node to each of ``nodes`` (Dijkstra on the reversed graph)."""
    from scipy.sparse.csgraph import dijkstra

    rev = network.csr.T.tocsr()
    limit = np.inf if cutoff_s is None else float(cutoff_s)
    return np.atleast_2d(dijkstra(rev, directed=True, indices=nodes, limit=limit))


def service_times(
    network,
    origins: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    id_field: str | None = None,
    cutoff_min: float | None = 60.0,
    max_snap_m: float = 250.0,
    connector_kmh: float = CONNECTOR_KMH,
    progress: Progress | None = None,
) -> ServiceTimes:
    """Compute travel times from every origin to every service on ``network``.

    Parameters
    ----------
    network
        A :class:`capacitymetro_plugin.core.network.Network`.
    origins
        Points (cell centres, zone centroids; other geometries use a point on the surface).
    services
        The services (e.g. from :func:`select_services`).
    id_field
        Field naming each service (default: its row position).
    cutoff_min
        Stop searching beyond this many minutes (None: no limit).
    """
    from capacitymetro_plugin.core.network import snap

    progress = ensure(progress)
    n_s, n_o = len(services), len(origins)
    if n_s * n_o > MAX_MATRIX_VALUES:
        raise InputError(
            f"{n_s} services × {n_o} origins is too large a travel-time table.",
            fix="Use larger cells, a smaller area, or filter the services by sector.",
            it=f"{n_s} servizi × {n_o} origini: tabella dei tempi troppo grande.",
            fix_it="Usa celle più grandi, un'area più piccola o filtra i servizi per settore.",
        )
    speed = connector_kmh / 3.6
    o = snap(network, origins, max_distance_m=max_snap_m, what="population", progress=progress)
    s = snap(network, services, max_distance_m=max_snap_m, what="services", progress=progress)
    o_conn = np.where(o.off_network, np.inf, o.distance_m / speed / 60.0)
    s_conn = np.where(s.off_network, np.inf, s.distance_m / speed / 60.0)
    notes = []
    if s.off_network.any():
        notes.append(
            f"{int(s.off_network.sum())} services are farther than {max_snap_m:g} m "
            "from the network and reach nobody."
        )
    if o.off_network.any():
        notes.append(
            f"{int(o.off_network.sum())} origins are farther than {max_snap_m:g} m "
            "from the network and count as unserved."
        )
    for note in notes:
        progress.info(note)
    minutes = np.full((n_s, n_o), np.inf, dtype=np.float32)
    cutoff_s = None if cutoff_min is None else cutoff_min * 60.0
    chunk = max(1, 20_000_000 // max(network.n_nodes, 1))
    for start in range(0, n_s, chunk):
        progress.report(start / max(n_s, 1), "travel times")
        rows = np.arange(start, min(start + chunk, n_s))
        secs = _reverse_times(network, s.node[rows], cutoff_s)[:, o.node]
        total = secs / 60.0 + o_conn[None, :] + s_conn[rows, None]
        if cutoff_min is not None:
            total = np.where(total <= cutoff_min, total, np.inf)
        minutes[rows] = total
    progress.report(1.0, "travel times")
    ids = list(services[id_field]) if id_field else list(range(n_s))
    return ServiceTimes(minutes, ids, o.node, o_conn, cutoff_min, connector_kmh, max_snap_m, notes)


def what_if(
    network,
    origins: gpd.GeoDataFrame,
    base: ServiceTimes,
    *,
    close: Iterable = (),
    add: gpd.GeoDataFrame | None = None,
    id_field: str | None = None,
    progress: Progress | None = None,
) -> ServiceTimes:
    """Return ``base`` with services closed and/or added; only added services are searched.

    Parameters
    ----------
    close
        Identifiers (as in ``base.service_ids``) of services to remove.
    add
        New services (points); their ids come from ``id_field`` or ``"new-<n>"``.
    """
    close = set(close)
    unknown = close - set(base.service_ids)
    if unknown:
        raise InputError(
            f"Services to close not found: {sorted(map(str, unknown))}.",
            fix="Use identifiers of the services in the analysis.",
            it=f"Servizi da chiudere non trovati: {sorted(map(str, unknown))}.",
            fix_it="Usa identificativi dei servizi presenti nell'analisi.",
        )
    keep = [i for i, sid in enumerate(base.service_ids) if sid not in close]
    minutes = base.minutes[keep]
    ids = [base.service_ids[i] for i in keep]
    if add is not None and len(add):
        extra = service_times(
            network,
            origins,
            add,
            id_field=id_field,
            cutoff_min=base.cutoff_min,
            max_snap_m=base.max_snap_m,
            connector_kmh=base.connector_kmh,
            progress=progress,
        )
        minutes = np.vstack([minutes, extra.minutes])
        ids += extra.service_ids if id_field else [f"new-{i + 1}" for i in range(len(add))]
    return ServiceTimes(
        minutes,
        ids,
        base.origin_node,
        base.origin_connector_min,
        base.cutoff_min,
        base.connector_kmh,
        base.max_snap_m,
        list(base.notes),
    )


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Return the weighted median (lower median; inf allowed; NaN with no weight)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    ok = w > 0
    if not ok.any():
        return float("nan")
    v, w = v[ok], w[ok]
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, cum[-1] / 2.0)])


def coverage_by_area(
    origins: pd.DataFrame,
    minutes: np.ndarray,
    *,
    fields: Sequence[str] = ("pop_total", "foreign"),
    area_field: str | None = "com_istat_code",
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    threshold: float | None = None,
    total_label: str = "ALL",
) -> pd.DataFrame:
    """Summarise coverage per area (e.g. comune) plus one row for all areas together.

    Parameters
    ----------
    origins
        One row per origin with the count ``fields`` and ``area_field``.
    minutes
        Minutes from each origin to the nearest service (inf: none reachable).
    thresholds
        For each threshold ``t`` and field ``f``: column ``f_within_t`` (people within t minutes).
    threshold
        The service standard for ``served_pct``/``unserved`` columns (default: second threshold).

    Returns
    -------
    pandas.DataFrame
        ``area``, per field: total, ``<f>_within_<t>``, ``<f>_served_pct``, ``<f>_unserved``,
        ``<f>_median_min`` (median minutes of that population; inf when most cannot reach one).
    """
    minutes = np.asarray(minutes, dtype=float)
    if len(minutes) != len(origins):
        raise InputError(
            f"{len(minutes)} travel times for {len(origins)} origins.",
            fix="Compute the times for the same origins.",
            it=f"{len(minutes)} tempi di viaggio per {len(origins)} origini.",
            fix_it="Calcola i tempi per le stesse origini.",
        )
    for f in fields:
        if f not in origins.columns:
            raise InputError(
                f"The population points have no field {f!r}.",
                fix="Choose the fields holding the numbers of people.",
                it=f"I punti della popolazione non hanno il campo {f!r}.",
                fix_it="Scegli i campi con il numero di persone.",
            )
    thresholds = sorted(float(t) for t in thresholds)
    std = float(threshold) if threshold is not None else thresholds[min(1, len(thresholds) - 1)]
    df = pd.DataFrame({f: origins[f].to_numpy(dtype=float) for f in fields})
    df["area"] = origins[area_field].astype(str).to_numpy() if area_field else total_label
    df["minutes"] = minutes

    def summarise(g: pd.DataFrame) -> dict:
        row: dict = {}
        for f in fields:
            tot = g[f].sum()
            row[f] = tot
            for t in thresholds:
                row[f"{f}_within_{t:g}"] = g.loc[g["minutes"] <= t, f].sum()
            served = g.loc[g["minutes"] <= std, f].sum()
            row[f"{f}_served_pct"] = 100.0 * served / tot if tot > 0 else np.nan
            row[f"{f}_unserved"] = tot - served
            row[f"{f}_median_min"] = weighted_median(g["minutes"].to_numpy(), g[f].to_numpy())
        return row

    rows = [{"area": a, **summarise(g)} for a, g in df.groupby("area", sort=True)]
    if area_field:
        rows.append({"area": total_label, **summarise(df)})
    out = pd.DataFrame(rows)
    out["threshold_min"] = std
    return out


def gap_polygons(
    cells: gpd.GeoDataFrame,
    minutes: np.ndarray,
    *,
    threshold: float,
    count_field: str = "foreign",
    min_count: float = 0.0,
    min_gap_count: float = 0.0,
    extra_fields: Sequence[str] = ("pop_total",),
) -> gpd.GeoDataFrame:
    """Dissolve the cells beyond ``threshold`` that hold more than ``min_count`` people.

    Touching cells form one gap. Gaps are ranked by the unserved people of ``count_field``
    (rank 1 = most unserved); gaps with at most ``min_gap_count`` are dropped.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gap_id``, ``rank``, ``<count_field>_unserved``, the sums of ``extra_fields``,
        ``cells``, ``min_minutes`` (nearest service time within the gap; inf = none in reach),
        ``area_km2``, geometry.
    """
    minutes = np.asarray(minutes, dtype=float)
    if count_field not in cells.columns:
        raise InputError(
            f"The population cells have no field {count_field!r}.",
            fix="Choose the field of foreign residents.",
            it=f"Le celle della popolazione non hanno il campo {count_field!r}.",
            fix_it="Scegli il campo degli stranieri residenti.",
        )
    mask = (minutes > threshold) & (cells[count_field].to_numpy(dtype=float) > min_count)
    sel = cells[mask].copy()
    sel["minutes"] = minutes[mask]
    cols = [c for c in extra_fields if c in cells.columns]
    empty = gpd.GeoDataFrame(
        {
            "gap_id": [],
            "rank": [],
            f"{count_field}_unserved": [],
            **{c: [] for c in cols},
            "cells": [],
            "min_minutes": [],
            "area_km2": [],
        },
        geometry=[],
        crs=cells.crs,
    )
    if len(sel) == 0:
        return empty
    # connected groups of touching cells (shared edge or corner)
    left, right = sel.sindex.query(sel.geometry, predicate="intersects")
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(sel)
    _, label = connected_components(
        coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)), directed=False
    )
    sel["gap"] = label
    agg = {count_field: "sum", "minutes": "min", **{c: "sum" for c in cols}}
    dissolved = sel.dissolve(by="gap", aggfunc=agg)
    dissolved["cells"] = sel.groupby("gap").size()
    dissolved = dissolved.rename(
        columns={count_field: f"{count_field}_unserved", "minutes": "min_minutes"}
    )
    dissolved = dissolved[dissolved[f"{count_field}_unserved"] > min_gap_count]
    if len(dissolved) == 0:
        return empty
    dissolved = dissolved.sort_values(f"{count_field}_unserved", ascending=False, kind="stable")
    dissolved["rank"] = np.arange(1, len(dissolved) + 1)
    dissolved["gap_id"] = dissolved["rank"]
    dissolved["area_km2"] = (
        dissolved.geometry.area / 1e6 if dissolved.crs and dissolved.crs.is_projected else np.nan
    )
    order = [
        "gap_id",
        "rank",
        f"{count_field}_unserved",
        *cols,
        "cells",
        "min_minutes",
        "area_km2",
        "geometry",
    ]
    return dissolved.reset_index(drop=True)[order]


def coverage_by_sector(
    times: ServiceTimes,
    services: pd.DataFrame,
    origins: pd.DataFrame,
    *,
    sectors: Sequence[str] | None = None,
    sector_field: str = "sectors",
    **table_options,
) -> pd.DataFrame:
    """Coverage tables for several sectors from one travel-time computation.

    Parameters
    ----------
    times
        :func:`service_times` for ``services`` (same rows, same order) and ``origins``.
    services
        The services with ``sector_field`` (``;``-separated codes).
    sectors
        Sectors to report (default: every sector present). ``"*"`` means all services.
    table_options
        Passed to :func:`coverage_by_area` (``fields``, ``area_field``, ``thresholds``, ...).

    Returns
    -------
    pandas.DataFrame
        The :func:`coverage_by_area` rows with a leading ``sector`` column; sectors without any
        service are left out.
    """
    if len(services) != times.minutes.shape[0]:
        raise InputError(
            f"{len(services)} services but travel times for {times.minutes.shape[0]}.",
            fix="Pass the same services used to compute the times.",
            it=f"{len(services)} servizi ma tempi di viaggio per {times.minutes.shape[0]}.",
            fix_it="Passa gli stessi servizi usati per calcolare i tempi.",
        )
    codes = [split_codes(v) for v in services[sector_field]] if sector_field in services else []
    if sectors is None:
        sectors = ["*", *sorted({c for cs in codes for c in cs})]
    tables = []
    for sector in sectors:
        rows = (
            np.arange(len(services))
            if sector == "*"
            else np.array([i for i, cs in enumerate(codes) if sector in cs], dtype=int)
        )
        if rows.size == 0:
            continue
        minutes = times.minutes[rows].min(axis=0).astype(float)
        table = coverage_by_area(origins, minutes, **table_options)
        table.insert(0, "sector", sector)
        tables.append(table)
    if not tables:
        raise InputError(
            f"No service of sectors {list(sectors)}.",
            fix="Choose sectors present in the services layer.",
            it=f"Nessun servizio dei settori {list(sectors)}.",
            fix_it="Scegli settori presenti nel layer dei servizi.",
        )
    return pd.concat(tables, ignore_index=True)


def open_on_arrival(
    times: ServiceTimes,
    hours: Sequence[str | None],
    departure,
    *,
    stay_min: int = 0,
) -> tuple[ServiceTimes, int]:
    """Return ``times`` with a service counted only where it is open on arrival, and the number kept without hours.

    A service reached from an origin in ``t`` minutes after ``departure`` (a naive local
    datetime) counts for that origin only if it is open at ``departure + t`` (floored to the
    minute) and, with ``stay_min``, for that many minutes from then
    (:func:`schedule.open_minutes`); otherwise its time becomes inf. Services whose hours are
    missing or unreadable are kept unchanged (documented choice: a missing tag is not a
    closed door) and counted in the second value.
    """
    from capacitymetro_plugin.core.registry import schedule

    if len(hours) != times.minutes.shape[0]:
        raise ValueError("hours must give one opening_hours text per service row")
    out = times.minutes.copy()
    finite = np.isfinite(out)
    n_minutes = int(np.floor(out[finite]).max()) + 1 if finite.any() else 1
    mask, no_hours = schedule.open_minutes(list(hours), departure, n_minutes, stay_min=stay_min)
    rows, cols = np.nonzero(finite)
    shut = ~mask[rows, np.floor(out[rows, cols]).astype(np.int64)]
    out[rows[shut], cols[shut]] = np.inf
    stay = f", open for {int(stay_min)} min" if stay_min and stay_min > 1 else ""
    notes = [
        *times.notes,
        f"open on arrival after {departure:%a %H:%M}{stay}: {no_hours} services without "
        "readable hours kept",
    ]
    return replace(times, minutes=out, notes=notes), no_hours
