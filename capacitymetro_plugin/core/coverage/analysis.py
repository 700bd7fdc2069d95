"""Coverage per zone and sector with gap areas and what-if: the one core call of every door.

Processing ("Coverage per comune and gap areas"), the CLI pipeline and the dock call
:func:`coverage_analysis`; they only read inputs and write its outputs, so a result does not
depend on the door (``tests/qgis/test_doors.py`` checks it on Trento and Bari).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .coverage import ServiceTimes, coverage_by_area, gap_polygons, service_times, what_if

#: Columns of the zones layer carried into the coverage layer (besides the zone code).
NAME_FIELDS = ("name", "comune_name")
#: Columns compared before and after a what-if change.
WHAT_IF_FIELDS = ("foreign_served_pct", "foreign_unserved", "pop_total_served_pct")


def assign_zones(
    cells: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, zone_field: str, *, outside: str = "outside"
) -> np.ndarray:
    """Return the zone code (text) holding each cell's centre; ``outside`` for none."""
    if zone_field not in zones.columns:
        raise InputError(
            f"The zones layer has no field {zone_field!r}.",
            fix="Choose the field holding the zone (comune) code.",
            it=f"Il layer delle zone non ha il campo {zone_field!r}.",
            fix_it="Scegli il campo con il codice della zona (comune).",
        )
    centres = gpd.GeoDataFrame(geometry=cells.geometry.centroid, crs=cells.crs)
    joined = gpd.sjoin(
        centres, zones.to_crs(cells.crs)[[zone_field, "geometry"]], how="left", predicate="within"
    )
    joined = joined[~joined.index.duplicated()]
    codes = joined[zone_field]
    return codes.astype(str).where(codes.notna(), outside).to_numpy()


@dataclass
class CoverageResult:
    """Coverage tables, zone and gap layers per sector, and the times they came from."""

    table: pd.DataFrame  # coverage_by_area rows with leading ``sector`` and ``services``
    zones: gpd.GeoDataFrame  # the zones with their table row, one set per sector
    gaps: gpd.GeoDataFrame  # ranked gap areas with a leading ``sector``
    times: ServiceTimes  # every service given, for E2SFCA and language access
    cell_zones: np.ndarray  # the zone of each cell
    notes: list[str] = field(default_factory=list)
    notes_it: list[str] = field(default_factory=list)
    #: with ``open_at``: services kept for want of readable opening hours (None: no ``open_at``)
    services_without_hours: int | None = None

    def total(self, sector: str) -> pd.Series:
        """Return the whole-area row (``ALL``) of ``sector``."""
        rows = self.table[(self.table["sector"] == sector) & (self.table["area"] == "ALL")]
        return rows.iloc[0]


def _rows_of(services: gpd.GeoDataFrame, sector: str) -> np.ndarray:
    from capacitymetro_plugin.core.registry.selection import select_services
    from capacitymetro_plugin.core.registry.vocabularies import STATUS_CODES

    # the services given are the analysed ones: their statuses were the caller's choice
    # (a run's include_to_verify, Processing's selection); here only the sector is chosen
    chosen = select_services(
        services, sectors=[sector], statuses=sorted(STATUS_CODES), require_location=False
    ).services
    return np.flatnonzero(services.index.isin(chosen.index))


def _subset(times: ServiceTimes, rows: np.ndarray) -> ServiceTimes:
    return ServiceTimes(
        times.minutes[rows],
        [times.service_ids[i] for i in rows],
        times.origin_node,
        times.origin_connector_min,
        times.cutoff_min,
        times.connector_kmh,
        times.max_snap_m,
        list(times.notes),
    )


def coverage_analysis(
    network,
    cells: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    zone_field: str,
    sectors: Sequence[str] = ("all",),
    thresholds: Sequence[float] = defaults.THRESHOLDS_MIN,
    standard: float = defaults.STANDARD_MIN,
    min_foreign: float = defaults.GAP_MIN_FOREIGN,
    id_field: str | None = None,
    add: gpd.GeoDataFrame | None = None,
    close: Iterable = (),
    max_snap_m: float = 250.0,
    times: ServiceTimes | None = None,
    times_fn: Callable[..., ServiceTimes] | None = None,
    open_at=None,
    open_stay_min: int = 0,
    progress: Progress | None = None,
) -> CoverageResult:
    """Compute coverage per zone and sector, gap areas and (optionally) a what-if change.

    Parameters
    ----------
    network
        The prepared :class:`~capacitymetro_plugin.core.network.Network`.
    cells
        Population cells (polygons, metric CRS) with ``pop_total`` and ``foreign``.
    services
        The services analysed (:func:`~capacitymetro_plugin.core.registry.selection.
        select_services`), one travel-time row each.
    zones
        Polygons to summarise by (comuni...), with ``zone_field`` and optional names.
    sectors
        Sector codes; ``"all"`` is every service. A sector without services is left out and
        said in ``notes``.
    thresholds, standard
        Minutes reported (``<field>_within_<t>``) and the service standard (served %).
    min_foreign
        A cell joins a gap area when it holds more than this many foreign residents.
    id_field, add, close
        What-if: services to add (points) and identifiers (in ``id_field``) to close; the
        table then has ``<field>_after`` columns and ``foreign_served_pct_change``.
    times
        Travel times already computed, one row per service (e.g. door-to-door transit times,
        :func:`~capacitymetro_plugin.core.transit.transit_service_times`): no search is made and
        ``network`` may be None (no what-if then). The nearest service of a sector is taken by
        ``times.nearest_minutes`` (for transit, per departure before the percentile).
    times_fn
        What computes the walking (cycling, car) times when ``times`` is not given: a function
        with the arguments of :func:`~.coverage.service_times` (the default) returning the same
        table, e.g. tile by tile on a Dask cluster
        (:class:`capacitymetro_plugin.batch.national.TiledTimes`). Everything after the times
        (open on arrival, what-if, tables, gaps) is unchanged.
    open_at
        A departure (naive local ``datetime``, e.g. from
        :func:`~capacitymetro_plugin.core.registry.schedule.parse_open_at`): a service counts for
        a cell only if it is open on arrival (:func:`~.coverage.open_on_arrival`, from the
        ``opening_hours`` column); services without readable hours are kept and counted in
        ``services_without_hours``. The filtered times are the ones returned.
    open_stay_min
        With ``open_at``: the service must also stay open that many minutes from the arrival
        (0: the minute of arrival alone).

    Returns
    -------
    CoverageResult
    """
    progress = ensure(progress)
    close = [c for c in close]
    cell_zones = assign_zones(cells, zones, zone_field)
    centres = cells.assign(geometry=cells.geometry.centroid)
    centres["area"] = cell_zones
    given_times = times is not None
    if times is None:
        times = (times_fn or service_times)(
            network,
            centres,
            services,
            id_field=id_field if id_field and id_field in services.columns else None,
            cutoff_min=max([*thresholds, standard]) * 2,
            max_snap_m=max_snap_m,
            progress=progress.step(0, 0.8),
        )
        if id_field and id_field in services.columns:
            times.service_ids = [str(v) for v in services[id_field]]
    services_without_hours = None
    if open_at is not None:
        if given_times:
            raise InputError(
                "Opening hours on arrival apply to walking, cycling and car times only.",
                fix="Leave open_at out for public-transport coverage.",
                it="Gli orari all'arrivo valgono solo per tempi a piedi, in bici o in auto.",
                fix_it="Togli open_at per la copertura con il trasporto pubblico.",
            )
        from .coverage import open_on_arrival

        hours = (
            services["opening_hours"].tolist()
            if "opening_hours" in services.columns
            else [None] * len(services)
        )
        from capacitymetro_plugin.core.registry.schedule import stay_minutes

        times, services_without_hours = open_on_arrival(
            times, hours, open_at, stay_min=stay_minutes(open_stay_min)
        )
    changing = (add is not None and len(add) > 0) or bool(close)
    if changing and network is None:
        raise InputError(
            "A what-if (services added or closed) needs the network to search.",
            fix="Give the network, or run the what-if on foot.",
            it="Un'ipotesi (servizi aggiunti o chiusi) richiede la rete su cui cercare.",
            fix_it="Indica la rete, oppure esegui l'ipotesi a piedi.",
        )
    if close and not (id_field and id_field in services.columns):
        raise InputError(
            "Services to close are given but no identifier field.",
            fix="Choose the service identifier field (e.g. service_id).",
            it="Servizi da chiudere indicati ma nessun campo identificativo.",
            fix_it="Scegli il campo identificativo dei servizi (es. service_id).",
        )
    if close:  # every identifier must exist (a closing-only what-if searches nothing)
        what_if(network, centres, times, close=close)
    names = [c for c in NAME_FIELDS if c in zones.columns and c != zone_field]
    zones_out = zones.to_crs(cells.crs)[[zone_field, *names, "geometry"]]
    zones_out = zones_out.assign(**{zone_field: zones_out[zone_field].astype(str)})
    table_options = {"area_field": "area", "thresholds": thresholds, "threshold": standard}
    tables, zone_layers, gap_layers = [], [], []
    notes, notes_it = [], []
    for sector in sectors:
        rows = _rows_of(services, sector)
        if rows.size == 0:
            notes.append(f"Coverage for sector {sector!r} skipped: no service of it.")
            notes_it.append(f"Copertura del settore {sector!r} saltata: nessun suo servizio.")
            continue
        minutes = times.nearest_minutes(rows)
        table = coverage_by_area(centres, minutes, **table_options)
        if changing:
            # the times already computed are reused; only added services are searched
            sub = _subset(times, rows)
            closing = [c for c in close if c in set(sub.service_ids)]
            after_times = what_if(network, centres, sub, close=closing, add=add, progress=progress)
            after = coverage_by_area(centres, after_times.nearest()[0], **table_options)
            after = after.set_index("area")
            for col in WHAT_IF_FIELDS:
                table[f"{col}_after"] = table["area"].map(after[col])
            table["foreign_served_pct_change"] = (
                table["foreign_served_pct_after"] - table["foreign_served_pct"]
            )
        table.insert(0, "sector", sector)
        table.insert(1, "services", int(rows.size))
        tables.append(table)
        zone_layers.append(
            zones_out.merge(table.rename(columns={"area": zone_field}), on=zone_field, how="inner")
        )
        gaps = gap_polygons(cells, minutes, threshold=standard, min_count=min_foreign)
        gaps.insert(0, "sector", sector)
        gap_layers.append(gaps)
    if not tables:
        raise InputError(
            f"No service of the sectors {list(sectors)} to analyse.",
            fix="Choose sectors the services offer, or add services of these sectors.",
            it=f"Nessun servizio dei settori {list(sectors)} da analizzare.",
            fix_it="Scegli settori offerti dai servizi o aggiungi servizi di questi settori.",
        )
    progress.report(1.0, "")
    crs = cells.crs
    return CoverageResult(
        table=pd.concat(tables, ignore_index=True),
        zones=gpd.GeoDataFrame(
            pd.concat(zone_layers, ignore_index=True), geometry="geometry", crs=crs
        ),
        gaps=gpd.GeoDataFrame(
            pd.concat(gap_layers, ignore_index=True), geometry="geometry", crs=crs
        ),
        times=times,
        cell_zones=cell_zones,
        notes=notes,
        notes_it=notes_it,
        services_without_hours=services_without_hours,
    )
