"""The whole analysis of one area, from data files to outputs, without QGIS.

Steps (each reported through ``progress`` and recorded in the :class:`Summary`):

1. registry — build the sample registry (or open the given one), add the candidate services of
   ``[registry] osm_candidates`` with status to_verify; keep the area's active services with
   coordinates (the others are listed "to place on the map"; to_verify ones only with
   ``[analysis] include_to_verify``);
2. network — build the walking (bike/car) network from an OSM extract, a street layer, or a
   download; saved as ``network_<mode>.npz``;
3. isochrones and nearest-service territories of all services;
4. population — ISTAT residents per comune (or the given zones), foreign residents estimated
   from the province total, spread on a grid (GeoTIFF) along residential streets;
5. coverage per sector — people within each threshold, served %, unserved, median minutes per
   zone, ranked gap areas, and the network parts (islands) with residents but no reachable
   service of the sector; with a ``[transit]`` section the same coverage by public transport
   (GTFS, door-to-door times at a percentile of a departure window), step "transit";
6. E2SFCA accessibility (capacity per foreign resident; see core.indices.e2sfca for missing capacity),
   by transit too (``e2sfca_transit``) with a ``[transit]`` section;
7. language access (when a citizenship table is configured): share of foreign residents who can
   reach a service in one of their languages;
8. summary — CSV and HTML; PDF maps (QGIS, only when asked) come from :mod:`capacitymetro_plugin.maps.batch_maps`.

A step whose inputs are missing is skipped with the reason written in the summary, never faked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .config import Config
from .data import resolve

OUTPUT_GPKG = "capacitymetro.gpkg"

# OSM service_category (osm_servizi_*.gpkg) -> registry sector, for POIs used as services
POI_SECTORS = {
    "health": "health",
    "school": "school",
    "public_office": "documents_legal",
    "registry_office": "documents_legal",
    "police_immigration_office": "documents_legal",
    "migrant_services": "information",
    "work": "work_training",
    "third_sector": "community",
    "social": "reception",
    "community": "community",
    # "community_worship" (places of worship) is not a service: left out
}


@dataclass
class Step:
    """What one step did: ``done`` or ``skipped`` with a reason, and numbers worth reporting."""

    name: str
    status: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Summary:
    """The record of a run: steps, key numbers, coverage table, written files."""

    config: Config
    out_dir: Path
    steps: list[Step] = field(default_factory=list)
    numbers: dict[str, object] = field(default_factory=dict)
    coverage: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)  # layers of OUTPUT_GPKG, for maps
    notes: list[str] = field(default_factory=list)
    # network parts with residents but no reachable service of a sector (core.coverage.islands)
    parts_without_service: pd.DataFrame | None = None

    @property
    def gpkg(self) -> Path:
        return self.out_dir / OUTPUT_GPKG

    def step(self, name: str, status: str, detail: str = "", seconds: float = 0.0) -> None:
        self.steps.append(Step(name, status, detail, round(seconds, 1)))

    def done(self, name: str) -> bool:
        return any(s.name == name and s.status == "done" for s in self.steps)


def _write(summary: Summary, gdf, layer: str) -> None:
    gio.write_vector(gdf, summary.gpkg, layer=layer)
    if layer not in summary.layers:
        summary.layers.append(layer)
    if summary.gpkg not in summary.files:
        summary.files.append(summary.gpkg)


def _read_osm_lines(path: Path):
    import geopandas as gpd

    from capacitymetro_plugin.core.osm_pbf import check_osm_pbf

    if path.suffix.lower() == ".pbf":
        check_osm_pbf(path)  # GDAL reads a truncated .pbf in part, silently
    if gio.ENGINE == "fiona":  # fiona lists GDAL's OSM driver as unsupported unless told
        import fiona

        fiona.drvsupport.supported_drivers["OSM"] = "r"
    lines = gpd.read_file(path, layer="lines", engine=gio.ENGINE)
    return lines[lines["highway"].notna()] if "highway" in lines.columns else lines


def _read_lines(path: Path, layer: str | None):
    if path.suffix.lower() in (".pbf", ".osm"):
        return _read_osm_lines(path)
    return gio.read_vector(path, layer=layer)


# --- steps -----------------------------------------------------------------------------------
def _registry_path(config: Config, folder: Path | None, summary: Summary) -> Path:
    """Return the registry GeoPackage of the run: the user's, else the sample built in out/."""
    if config.registry:
        return resolve(config, folder, config.registry)
    return summary.out_dir / "registry.gpkg"


def step_hsds(config: Config, folder: Path | None, summary: Summary, progress: Progress) -> None:
    """Export the registry's public fields as HSDS 3.0 JSON and datapackage, both validated."""
    from capacitymetro_plugin.core.registry import hsds
    from capacitymetro_plugin.core.registry.registry import Registry

    reg = Registry.open(_registry_path(config, folder, summary))
    json_path = hsds.export_hsds_json(reg, summary.out_dir / "hsds.json", public=True)
    package = hsds.export_hsds_datapackage(reg, summary.out_dir / "hsds_datapackage", public=True)
    errors = hsds.validate_hsds_path(json_path) + hsds.validate_hsds_path(package)
    summary.files.extend([json_path, package / "datapackage.json"])
    summary.numbers["hsds_services"] = len(reg.services())
    summary.numbers["hsds_schema_errors"] = len(errors)
    summary.notes.append(
        f"HSDS 3.0 (public fields only): hsds.json and hsds_datapackage/, "
        f"{len(reg.services())} services, {len(errors)} schema errors"
        + (f" (first: {errors[0]})" if errors else "")
        + "."
    )


def step_bussola(config: Config, folder: Path | None, net, summary: Summary, progress: Progress):
    """Write the public bussola web site of the area's services (bussola/ and bussola.zip):
    "near me" by walking time on ``net`` when it is a walking network (else by distance), and
    by public transport with a ``[transit]`` section (:mod:`.publish`, as ``capacitymetro
    publish --config``)."""
    from capacitymetro_plugin.core.registry.registry import Registry

    from .publish import bussola_transit, describe_transit, publish_area

    reg = Registry.open(_registry_path(config, folder, summary))
    transit = bussola_transit(config, folder)
    site = publish_area(
        config,
        folder,
        summary.out_dir / "bussola",
        registry=reg,
        network=net,
        transit=transit,
        progress=progress,
    )
    res = site.result
    summary.files.append(res.folder / "index.html")
    summary.numbers["bussola_services"] = res.n_services
    summary.numbers["bussola_bytes"] = res.total_bytes
    summary.numbers["bussola_transit"] = bool(res.transit_times)
    near = "walking time" if res.walking_times else "straight-line distance"
    if res.transit_times:
        near += f" and by public transport ({describe_transit(transit)})"
    summary.notes.append(
        f"Bussola web site (public fields, protected places): bussola/ and bussola.zip, "
        f"{res.n_services} services, {res.total_bytes / 1000:.0f} kB "
        f"(budget {res.byte_budget / 1000:.0f} kB; offline map background "
        f"{res.background_bytes / 1000:.0f} kB, {res.n_street_names} street names), 'near me' by "
        f"{near}."
    )
    if site.transit_skipped:
        en, it = site.transit_skipped
        summary.notes.append(
            f"The bussola was published WITHOUT transit times: {en} / La bussola è stata "
            f"pubblicata SENZA i tempi in mezzo pubblico: {it}"
        )


def step_registry(config: Config, folder: Path | None, summary: Summary, progress: Progress):
    """Build/open the registry; return the area's services with coordinates (GeoDataFrame)."""
    import geopandas as gpd

    from capacitymetro_plugin.core.registry.sample import build_sample_registry
    from capacitymetro_plugin.core.registry.selection import select_services

    reg_path = _registry_path(config, folder, summary)
    if not config.registry:
        csv = resolve(config, folder, config.services_csv)
        build_sample_registry(csv, reg_path, progress=progress)  # the configured file name
        summary.files.append(reg_path)
    if config.osm_candidates:
        _osm_candidates(config, folder, reg_path, summary, progress)
    if config.gazetteer:
        _geocode_from_stops(config, folder, reg_path, summary, progress)
    services = gio.read_vector(reg_path, layer="services")
    codes = set(config.comuni)
    in_area = services[services["comune_istat"].astype(str).isin(codes)]
    # the one rule of every door: active services of the area with a location
    statuses = ("active", "to_verify") if config.include_to_verify else ("active",)
    selection = select_services(services, comuni=config.comuni, statuses=statuses)
    placed = selection.services
    summary.numbers["registry_services_total"] = len(services)
    summary.numbers["services_in_area"] = len(in_area)
    summary.numbers["services_with_coordinates"] = int(
        (in_area.geometry.notna() & ~in_area.geometry.is_empty).sum()
    )
    summary.numbers["services_analysed"] = len(placed)
    to_verify = selection.left_out.pop("status to_verify", 0)
    summary.numbers["services_to_verify_left_out"] = to_verify
    if to_verify:
        summary.notes.append(
            f"{to_verify} services with status to_verify (unchecked candidates, e.g. from "
            "OpenStreetMap) are not analysed; [analysis] include_to_verify = true counts them."
        )
    elif config.include_to_verify:
        n = int((services["status"] == "to_verify").sum()) if "status" in services else 0
        summary.notes.append(
            f"Services with status to_verify (unchecked candidates) are analysed as if active "
            f"([analysis] include_to_verify = true): {n} in the registry."
        )
    left = {k: v for k, v in selection.left_out.items() if k.startswith("status") and v}
    if left:
        summary.notes.append(
            "Services not analysed because of their status (they reach nobody): "
            + ", ".join(f"{n} {k.removeprefix('status ')}" for k, n in left.items())
            + "."
        )
    to_place = in_area[in_area.geometry.isna() | in_area.geometry.is_empty]
    if len(to_place):
        summary.notes.append(
            f"{len(to_place)} services of the area have no coordinates yet (to place on the map "
            "in the registry dock): " + "; ".join(to_place["name"].astype(str).head(20))
        )
    placed["origin"] = "registry"
    # personal and internal fields stay in the registry, never in analysis outputs
    placed = placed.drop(columns=[c for c in ("contact_name", "internal_notes") if c in placed])
    if config.extra_services:
        pois = gio.read_vector(resolve(config, folder, config.extra_services))
        pois = pois[pois.geometry.notna()].to_crs(4326)
        if "amenity" in pois.columns:  # places of worship are not services
            pois = pois[pois["amenity"].fillna("") != "place_of_worship"]
        extra = gpd.GeoDataFrame(
            {
                "service_id": "osm:" + pois["osm_ref"].astype(str),
                "name": pois["name"].fillna(pois["osm_ref"]).astype(str),
                "sectors": pois["service_category"].map(POI_SECTORS).fillna(""),
                "origin": "osm",
            },
            geometry=pois.geometry.values,
            crs=4326,
        )
        extra = extra[extra["sectors"] != ""]
        summary.numbers["osm_pois_as_services"] = len(extra)
        placed = pd.concat([placed, extra], ignore_index=True)
        placed = gpd.GeoDataFrame(placed, geometry="geometry", crs=4326)
    if "sectors" in placed.columns:
        placed["sectors"] = placed["sectors"].fillna("").astype(str).str.replace(" ", "")
    placed = placed.reset_index(drop=True)
    if len(placed):
        _write(summary, placed, "services")
    return placed


def _osm_candidates(config: Config, folder, reg_path: Path, summary: Summary, progress) -> None:
    """Add the candidate services of ``[registry] osm_candidates`` (status to_verify) to the
    run's own registry; a user's registry is never changed by a run (report only)."""
    from capacitymetro_plugin.core.registry.osm_candidates import registry_from_osm

    result = registry_from_osm(
        resolve(config, folder, config.osm_candidates),
        reg_path,
        area=",".join(config.comuni),
        write=not config.registry,
        language="it",
        progress=progress,
    )
    summary.numbers["osm_candidates_found"] = len(result.found.candidates)
    summary.numbers["osm_candidates_added"] = len(result.added) if result.written else 0
    summary.numbers["osm_candidates_duplicates"] = len(result.duplicates)
    summary.numbers["osm_candidates_excluded"] = sum(result.found.excluded.values())
    text = result.describe("en").replace("\n", " ")
    if config.registry:
        text += (
            " The run does not change your registry: add them with `capacitymetro registry "
            f"from-osm --pbf {config.osm_candidates} --registry {config.registry}`."
        )
    summary.notes.append("Candidate services from OpenStreetMap: " + text)


def _geocode_from_stops(config: Config, folder, reg_path: Path, summary: Summary, progress):
    """Place the run's services that have an address but no point from the stop names of
    ``[registry] gazetteer`` (approximate: ``geocoded:stops``); a user's registry is never
    changed by a run (report only). Writes geocode_report.csv."""
    from capacitymetro_plugin.core.population import comuni_boundaries
    from capacitymetro_plugin.core.registry.geocode import geocode_registry
    from capacitymetro_plugin.core.registry.registry import Registry

    area = comuni_boundaries(year=config.year, comuni=config.comuni).to_crs(4326)
    within = area.geometry.union_all() if hasattr(area.geometry, "union_all") else area.unary_union
    reg = Registry.open(reg_path)
    codes = set(config.comuni)
    if not any(
        s.lon is None and (s.address or "").strip() and s.comune_istat in codes
        for s in reg.services()
    ):
        return
    reports = []
    for i, stops in enumerate(config.gazetteer):
        reports.append(
            geocode_registry(
                reg,
                stops=resolve(config, folder, stops),
                stops_within=within,
                comuni=config.comuni,
                dry_run=bool(config.registry),
                progress=progress.step(i / len(config.gazetteer), (i + 1) / len(config.gazetteer)),
            )
        )
    import pandas as pd

    frame = pd.concat(
        [r.to_frame().assign(gazetteer=g) for r, g in zip(reports, config.gazetteer)],
        ignore_index=True,
    )
    out = summary.out_dir / "geocode_report.csv"
    frame.to_csv(out, index=False)
    summary.files.append(out)
    matched = sum(r.count("matched") for r in reports)
    unmatched = reports[-1].count("unmatched")
    summary.numbers["services_geocoded_from_stops"] = matched
    summary.numbers["services_to_place_by_hand"] = unmatched
    spread = [
        float(m.rsplit("within ", 1)[1].split(" m")[0])
        for m in frame.loc[frame["status"] == "matched", "matched"].dropna()
        if "within " in m
    ]
    text = (
        f"{matched} services placed from bus-stop names (approximate: at the stops of their "
        f"street, up to {max(spread, default=0):.0f} m apart; location_source geocoded:stops), "
        f"{unmatched} still without a point (geocode_report.csv says why)."
    )
    if config.registry:
        text += (
            " The run does not change your registry: place them with `capacitymetro geocode "
            f"{config.registry} --stops {config.gazetteer[0]}`."
        )
    summary.notes.append("Geocoding: " + text)


def build_network(config: Config, folder: Path | None, progress: Progress | None = None):
    """Return the area's network as ``[network]`` gives it (an OSM extract, lines, a place),
    or None with ``source = "none"`` (straight lines)."""
    from capacitymetro_plugin.core.network import (
        network_from_lines,
        network_from_osm,
        network_from_place,
    )

    from .data import cache_dir

    if config.network_source == "none":
        return None
    if config.network_source == "osm":
        return network_from_osm(
            resolve(config, folder, config.network_file), mode=config.mode, progress=progress
        )
    if config.network_source == "lines":
        lines = gio.read_vector(
            resolve(config, folder, config.network_file), layer=config.network_layer
        )
        return network_from_lines(lines, mode=config.mode, progress=progress)
    return network_from_place(
        config.place, mode=config.mode, cache_dir=cache_dir(config.key), progress=progress
    )


def step_network(config: Config, folder: Path | None, summary: Summary, progress: Progress):
    from capacitymetro_plugin.core.transit.raptor import DETOUR_FACTOR, WALK_SPEED_KMH

    if config.network_source == "none":
        raise InputError(
            'No street network ([network] source = "none"): walking is a straight line × '
            f"{DETOUR_FACTOR:g} at {WALK_SPEED_KMH:g} km/h, so coverage runs by straight lines "
            "and the steps that need streets (network, isochrones) do not run.",
            fix='Give [network] source = "osm" and an extract of the area for street walks.',
            it='Nessuna rete stradale ([network] source = "none"): a piedi si va in linea '
            f"retta × {DETOUR_FACTOR:g} a {WALK_SPEED_KMH:g} km/h, quindi la copertura usa "
            "linee rette e i passi che richiedono le strade (rete, isocrone) non vengono eseguiti.",
            fix_it='Indica [network] source = "osm" e un estratto dell\'area per i percorsi '
            "sulle strade.",
        )
    net = build_network(config, folder, progress)
    path = net.save(summary.out_dir / f"network_{config.mode}.npz")
    summary.files.append(Path(path))
    summary.numbers["network_nodes"] = net.n_nodes
    summary.numbers["network_edges"] = net.n_edges
    summary.numbers["network_crs"] = f"EPSG:{net.crs}"
    return net


def step_isochrones(config: Config, net, services, summary: Summary, progress: Progress) -> None:
    from capacitymetro_plugin.core.access import isochrones, territories

    iso = isochrones(
        net,
        services,
        thresholds_min=config.thresholds_min,
        bands="disjoint",
        per_service=False,
        progress=progress.step(0, 0.6),
    )
    _write(summary, iso, "isochrones")
    # the layer holds disjoint bands (10-15 min, …): report both the band and the cumulative area
    bands = iso.sort_values("threshold_min")
    cumulative = 0.0
    for _, row in bands.iterrows():
        lo, hi, km2 = float(row["from_min"]), float(row["threshold_min"]), float(row["area_km2"])
        cumulative += km2
        summary.numbers[f"isochrone_band_{lo:g}_{hi:g}min_km2"] = round(km2, 2)
        summary.numbers[f"isochrone_within_{hi:g}min_km2"] = round(cumulative, 2)
    # Street pieces (drawn under the maps) and areas (one polygon per service); both take
    # well under a second on a city network.
    for output, layer, (a, b) in (
        ("edges", "territories", (0.6, 0.8)),
        ("polygons", "territory_areas", (0.8, 1.0)),
    ):
        terr = territories(
            net,
            services,
            cutoff_s=max(config.thresholds_min) * 60,
            output=output,
            progress=progress.step(a, b),
        )
        _write(summary, terr, layer)


def _foreign_by_comune(config: Config, folder: Path | None, summary: Summary, progress: Progress):
    """Residents and foreign residents of every comune of the province (core.population.area:
    the comune's own figure where ``[population] foreign_comuni`` has it, else the estimate)."""
    from capacitymetro_plugin.core.population.area import foreign_by_comune

    table = resolve(config, folder, config.foreign_comuni) if config.foreign_comuni else None
    est, facts = foreign_by_comune(
        [config.province],
        year=config.year,
        strasa=resolve(config, folder, config.foreign_province_totals),
        comune_table=table,
        code_field=config.foreign_comuni_code_field,
        count_field=config.foreign_comuni_count_field or None,
        pct_field=config.foreign_comuni_pct_field or None,
        progress=progress,
    )
    summary.numbers["foreign_residents_province"] = facts["province_total"]
    summary.numbers["foreign_totals_year"] = str(facts["totals_year"])
    if table is not None:
        n = len(set(facts["with_figure"]) & set(config.comuni))
        summary.numbers["foreign_comuni_with_figure"] = n
        summary.notes.append(
            f"Foreign residents: the comune's own figure for {n} of {len(config.comuni)} comuni "
            f"({Path(str(table)).name}), the ISTAT province estimate for the rest. / Stranieri "
            f"residenti: dato del comune per {n} comuni su {len(config.comuni)}, stima "
            "provinciale ISTAT per gli altri."
        )
    area = est[est["com_istat_code"].isin(config.comuni)]
    kinds = sorted(set(area["foreign_source"]))
    summary.numbers["foreign_source"] = kinds[0] if len(kinds) == 1 else "mixed"
    return est


def _section_zones(config: Config, folder: Path | None, summary: Summary, progress: Progress):
    """The area's ISTAT census sections as population zones: residents and foreign residents
    of each section (``foreign_source = "section"``), spread on the grid within the section."""
    from capacitymetro_plugin.core.population.sections import SECTION, section_zones

    zones = section_zones(
        resolve(config, folder, config.census_sections),
        resolve(config, folder, config.census_section_variables),
        comuni=config.comuni,
        residents_field=config.census_section_residents_field,
        foreign_field=config.census_section_foreign_field,
        layer=config.census_sections_layer,
        progress=progress,
    )
    facts = zones.attrs["facts"]
    summary.numbers["foreign_source"] = SECTION
    summary.numbers["census_sections"] = facts["sections"]
    summary.numbers["foreign_totals_year"] = config.census_sections_credit or "census sections"
    summary.notes.append(
        f"Foreign residents per census section ({facts['sections']:,} sections, "
        f"{facts['foreign']:,.0f} foreign residents of {facts['residents']:,.0f} residents; "
        f"{facts['without_variables']} sections without a row taken as empty), spread within "
        "each section by the same weights as its residents. / Stranieri residenti per sezione "
        "di censimento, ripartiti nella sezione con gli stessi pesi dei residenti."
    )
    return zones


def step_population(config: Config, folder: Path | None, summary: Summary, progress: Progress):
    """Return grid cells (polygons, metric CRS) with ``pop_total``, ``foreign`` and ``zone``."""
    import geopandas as gpd

    from capacitymetro_plugin.core.population import (
        comuni_boundaries,
        dasymetric_grid,
        residential_streets,
    )

    def area_estimate():
        est = _foreign_by_comune(config, folder, summary, progress.step(0, 0.2))
        return est[est["com_istat_code"].isin(config.comuni)]

    if config.census_sections:
        zones = _section_zones(config, folder, summary, progress.step(0, 0.2))
    elif config.zones:
        est = area_estimate()
        zones = gio.read_vector(resolve(config, folder, config.zones), layer=config.zones_layer)
        zones = zones.rename(columns={config.zones_pop_field: "pop_total"})
        zones["pop_total"] = pd.to_numeric(zones["pop_total"], errors="coerce").fillna(0)
        share = float(est["foreign_est"].sum()) / float(est["pop_total"].sum())
        zones["foreign"] = zones["pop_total"] * share
        name_field = next((c for c in ("Nome_Isola", "name", "nome") if c in zones.columns), None)
        zones["zone"] = zones[name_field].astype(str) if name_field else zones.index.astype(str)
        what = (
            "estimated share"
            if summary.numbers["foreign_source"] == "province estimate"
            else "share"
        )
        summary.notes.append(
            f"Foreign residents per zone are an estimate: the comune's {what} "
            f"({share:.1%}) applied to each zone's residents."
        )
        zones["foreign_source"] = summary.numbers["foreign_source"] + ", spread by residents"
    else:
        est = area_estimate()
        zones = comuni_boundaries(year=config.year, comuni=config.comuni)
        zones = zones.merge(
            est[["com_istat_code", "foreign_est", "foreign_source"]], on="com_istat_code"
        )
        zones = zones.rename(columns={"foreign_est": "foreign"})
        zones["zone"] = zones["com_istat_code"]
        if (zones["foreign_source"] == "province estimate").any():
            summary.notes.append(
                "Foreign residents per comune are an estimate where no comune figure is given: "
                "the ISTAT province total shared in proportion to residents."
            )
    zones = gpd.GeoDataFrame(zones, geometry="geometry", crs=zones.crs)
    weights = None
    if config.streets_for_weights:
        lines = _read_lines(
            resolve(config, folder, config.streets_for_weights), config.streets_layer
        )
        weights = residential_streets(lines)
        # the streets residents were spread along: the grid-weights input of a Processing run
        keep = [c for c in ("highway", "name") if c in weights.columns]
        _write(summary, weights[[*keep, "geometry"]].reset_index(drop=True), "population_streets")
    grid = dasymetric_grid(
        zones[["zone", "pop_total", "foreign", "geometry"]],
        ["pop_total", "foreign"],
        cell_size=config.cell_size_m,
        weight_lines=weights,
        is_estimate=True,
        progress=progress.step(0.3, 0.9),
    )
    tif = grid.write_geotiff(summary.out_dir / "population_grid.tif")
    summary.files.append(Path(tif))
    totals = grid.totals()
    summary.numbers["residents"] = round(float(totals["pop_total"]))
    summary.numbers["foreign_residents_est"] = round(float(totals["foreign"]))
    cells = grid.to_polygons(min_value=0.0)
    cells = cells[(cells["pop_total"] > 0) | (cells["foreign"] > 0)].reset_index(drop=True)
    centres = cells.geometry.centroid
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=centres, crs=cells.crs),
        zones.to_crs(cells.crs)[["zone", "geometry"]],
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated()]
    cells["zone"] = joined["zone"].fillna("outside").astype(str).to_numpy()
    # every cell says where its foreign residents come from (section / comune / estimate)
    cells["foreign_source"] = cells["zone"].map(dict(zip(zones["zone"], zones["foreign_source"])))
    summary.numbers["population_cells"] = len(cells)
    zones_out = zones.to_crs(cells.crs)
    # zones whose foreign residents are not a published figure (comune table or census sections):
    # the zone map's title says "estimate" only then
    published = zones["foreign_source"].isin(["comune", "section"])
    summary.numbers["foreign_zones_estimated"] = int((~published).sum())
    # the zones as spread on the grid: the population input a Processing run takes to repeat this
    keep = ("zone", "com_istat_code", "name", "pop_total", "foreign", "foreign_source")
    keep = [c for c in keep if c in zones_out]
    _write(summary, zones_out[[*keep, "geometry"]], "population_zones")
    # the comuni of the province, for the maps' boundaries and place names
    comuni = comuni_boundaries(year=config.year, provinces=[config.province])
    _write(summary, comuni[["com_istat_code", "name", "geometry"]], "comuni")
    return cells, zones_out


def step_coverage(
    config: Config, net, services, cells, zones, summary: Summary, progress, *, times_fn=None
):
    """Coverage per sector (core.coverage.coverage_analysis); return the ServiceTimes of all
    services, for E2SFCA and language access.

    ``times_fn``: what computes the travel times (default ``service_times`` in this process;
    ``capacitymetro batch`` passes ``national.TiledTimes`` to split a large area into tiles on
    the cluster, with the same table).
    """
    more = {"times_fn": times_fn} if times_fn is not None else {}
    result = _coverage(
        config, net, cells, services, zones, open_at=_open_at(config),
        open_stay_min=config.open_stay_min, progress=progress, **more,
    )  # fmt: skip
    if result.services_without_hours is not None:
        summary.numbers["services_without_hours_kept"] = result.services_without_hours
    _write_coverage(config, result, summary, suffix="")
    summary.coverage = result.table
    summary.numbers["population_cells_off_network"] = int(
        np.isinf(result.times.origin_connector_min).sum()
    )
    _parts_without_service(config, net, services, cells, summary)
    return result.times


def step_coverage_straight(
    config: Config, folder: Path | None, services, cells, zones, summary: Summary, progress
):
    """Coverage on foot with no street network (``[network] source = "none"``): every walk is a
    straight line × the detour factor, through the transit cost interface with no ride
    (``max_rides = 0``), so the walk and the transit coverage share one walking cost and the
    comparison is fair. Return the ServiceTimes, as :func:`step_coverage`."""
    from capacitymetro_plugin.core.transit import transit_times_from_feeds
    from capacitymetro_plugin.core.transit.raptor import DETOUR_FACTOR

    tc = config.transit
    if tc is None:
        raise InputError(
            'With [network] source = "none" coverage needs a [transit] section (its straight-'
            "line walks).",
            fix="Add [transit] with feeds and a date (see config/mestre.toml), or a street network.",
            it='Con [network] source = "none" la copertura richiede una sezione [transit] '
            "(i suoi percorsi in linea retta).",
            fix_it="Aggiungi [transit] con feeds e una data (vedi config/mestre.toml), o una rete "
            "stradale.",
        )
    times = transit_times_from_feeds(
        [resolve(config, folder, f) for f in tc.feeds],
        date=tc.date,
        origins=cells.assign(geometry=cells.centroid),
        services=services,
        sectors=config.sectors,
        window=(tc.window_start, tc.window_end),
        step_min=tc.step_min,
        network=None,
        id_field="service_id",
        percentiles=tc.percentiles,
        percentile=tc.percentile,
        max_rides=0,  # on foot: the direct walk only
        max_walk_min=tc.max_walk_min,
        max_direct_walk_min=tc.max_direct_walk_min,
        cutoff_min=max([*config.thresholds_min, config.standard_min]) * 2,
        progress=progress.step(0, 0.8),
    )
    summary.notes.append(
        f"No street network: walking coverage uses straight lines × {DETOUR_FACTOR:g} (the same "
        "walks as transit). / Nessuna rete stradale: la copertura a piedi usa linee rette × "
        f"{DETOUR_FACTOR:g} (gli stessi percorsi del trasporto pubblico)."
    )
    summary.numbers["walks"] = times.walk_source
    result = _coverage(
        config, None, cells, services, zones, times=times, progress=progress.step(0.8, 1.0)
    )
    _write_coverage(config, result, summary, suffix="")
    summary.coverage = result.table
    return times


def _coverage(config: Config, net, cells, services, zones, **options):
    """core.coverage.coverage_analysis with the run's sectors, thresholds and zones."""
    from capacitymetro_plugin.core.coverage import coverage_analysis

    return coverage_analysis(
        net,
        cells,
        services,
        zones,
        zone_field="zone",
        sectors=config.sectors,
        thresholds=config.thresholds_min,
        standard=config.standard_min,
        id_field="service_id",
        **options,
    )


def _open_at(config: Config):
    """The departure of ``[analysis] open_at`` ("martedì 15:00"), or None."""
    if not config.open_at:
        return None
    from capacitymetro_plugin.core.registry.schedule import parse_open_at

    return parse_open_at(config.open_at)


def _write_coverage(config: Config, result, summary: Summary, *, suffix: str) -> None:
    """Notes, numbers and layers of a CoverageResult; ``suffix`` is ``""`` (on foot, the
    network's mode) or ``"_transit"``."""
    summary.notes.extend(result.notes)
    for sector in result.table["sector"].unique():
        total = result.total(sector)
        summary.numbers[f"served_pct{suffix}_{sector}"] = round(
            float(total["foreign_served_pct"]), 1
        )
        summary.numbers[f"unserved_foreign{suffix}_{sector}"] = round(
            float(total["foreign_unserved"])
        )
    _write(summary, result.zones.replace([np.inf, -np.inf], np.nan), f"coverage_zones{suffix}")
    if len(result.gaps):
        _write(summary, result.gaps, f"gaps{suffix}")
    summary.numbers[f"gap_areas{suffix}_all"] = int(
        (result.gaps["sector"] == config.sectors[0]).sum()
    )


def step_transit(
    config: Config,
    folder: Path | None,
    net,
    services,
    cells,
    zones,
    summary: Summary,
    progress,
    *,
    walk_times=None,
):
    """Coverage per sector by public transport (``[transit]``): the same coverage, on
    door-to-door transit times at the configured percentile of the departure window.

    Walks use the walking network when the run's network is one, else straight lines × the
    detour factor (said in the notes). Writes ``transit_times`` (minutes to the nearest service
    of each sector, every percentile), ``coverage_zones_transit``, ``gaps_transit`` and
    ``coverage_transit.csv``; with ``[transit] isochrones = true`` also
    ``transit_isochrones`` (each service's polygons per threshold); with water buses by
    headway also ``ferry_lines`` (the ways that became lines) and ``ferry_piers`` (their calls).
    ``walk_times`` (the coverage step's ServiceTimes, same services) adds ``<sector>_walk`` to
    ``transit_times``: the minutes on foot only, so a map can tell what transit adds.
    """
    from capacitymetro_plugin.core.transit import transit_times_from_feeds

    from .publish import ferry_options

    tc = config.transit
    if tc is None:
        raise InputError("no [transit] section in the configuration")
    ferries = ferry_options(config, folder)
    times = transit_times_from_feeds(
        [resolve(config, folder, f) for f in tc.feeds],
        date=tc.date,
        origins=cells.assign(geometry=cells.centroid),
        services=services,
        sectors=config.sectors,
        window=(tc.window_start, tc.window_end),
        step_min=tc.step_min,
        network=net if net is not None and net.mode == "walk" else None,
        id_field="service_id",
        percentiles=tc.percentiles,
        percentile=tc.percentile,
        max_rides=tc.max_rides,
        max_walk_min=tc.max_walk_min,
        # walking all the way counts up to the cutoff, as on foot: no threshold shows fewer
        # people served by transit than on foot, and no median is longer (or unreached)
        max_direct_walk_min=tc.max_direct_walk_min,
        cutoff_min=max([*config.thresholds_min, config.standard_min]) * 2,
        ferries=ferries,
        open_on_arrival=tc.open_on_arrival,
        open_stay_min=config.open_stay_min,
        frequency_draws=tc.frequency_draws,
        seed=tc.seed,
        progress=progress.step(0, 0.8),
    )
    summary.notes.extend(f"Transit: {w}" for w in times.warnings)
    if ferries:  # the water buses the routing used, for the map of what transit adds
        from capacitymetro_plugin.core.transit import ferry_layers

        opts = {k: v for k, v in ferries.items() if k not in ("ways", "piers")}
        ferry_ways, ferry_piers = ferry_layers(ferries["ways"], ferries["piers"], **opts)
        _write(summary, ferry_ways, "ferry_lines")
        _write(summary, ferry_piers, "ferry_piers")
    summary.numbers["transit_walks"] = times.walk_source
    summary.numbers["transit_window"] = (
        f"{tc.date} {tc.window_start}-{tc.window_end} every {tc.step_min:g} min, "
        f"coverage at p{tc.percentile:g}"
        + (
            f", an estimate over {times.frequency_draws} random draws of the frequency-based "
            f"trips (seed {tc.seed})"
            if times.frequency_draws
            else ""
        )
    )
    summary.numbers["transit_frequency_draws"] = times.frequency_draws
    out = cells[["zone", "geometry"]].copy()
    for sector in times.group_minutes:
        for k, p in enumerate(times.percentiles):
            out[f"{sector}_p{p:g}"] = times.group_minutes[sector][k]
        if walk_times is not None and walk_times.minutes.shape == times.minutes.shape:
            out[f"{sector}_walk"] = walk_times.nearest_minutes(times.group_rows[sector])
    _write(summary, out.replace([np.inf, -np.inf], np.nan), "transit_times")
    # the same coverage as on foot, on the transit times
    result = _coverage(
        config, None, cells, services, zones, times=times, progress=progress.step(0.8, 0.9)
    )
    _write_coverage(config, result, summary, suffix="_transit")
    from .report import write_csv

    path = summary.out_dir / "coverage_transit.csv"
    write_csv(result.table, path)
    summary.files.append(path)
    if tc.isochrones:
        _transit_isochrones(config, folder, net, services, summary, ferries, progress)
    return times


def _transit_isochrones(config: Config, folder, net, services, summary: Summary, ferries, progress):
    """Layer ``transit_isochrones``: polygons of each service per threshold, by transit."""
    from capacitymetro_plugin.core.transit import transit_isochrones_from_feeds

    tc = config.transit
    if net is None or net.mode != "walk":
        summary.notes.append(
            "Transit isochrones need the walking network (the run's network is not one): "
            "skipped. / Le isocrone del trasporto pubblico richiedono la rete pedonale: saltate."
        )
        return
    if tc.frequency_draws:
        summary.notes.append(
            "Transit isochrones run the frequency-based trips as if exact (no random draws). / "
            "Le isocrone del trasporto pubblico trattano le corse a frequenza come esatte "
            "(senza estrazioni casuali)."
        )
    polys, _ = transit_isochrones_from_feeds(
        [resolve(config, folder, f) for f in tc.feeds], date=tc.date, origins=services,
        network=net, ferries=ferries, window=(tc.window_start, tc.window_end),
        step_min=tc.step_min, thresholds_min=config.thresholds_min, percentile=tc.percentile,
        id_field="service_id", max_rides=tc.max_rides, max_walk_min=tc.max_walk_min,
        max_direct_walk_min=tc.max_direct_walk_min, progress=progress.step(0.9, 1.0),
    )  # fmt: skip
    _write(summary, polys, "transit_isochrones")


def _parts_without_service(config: Config, net, services, cells, summary: Summary) -> None:
    """List the network parts (islands) with residents but no reachable service of a sector."""
    from capacitymetro_plugin.core.coverage import parts_without_service

    parts = parts_without_service(
        net,
        cells.assign(geometry=cells.centroid),
        services,
        sectors=config.sectors,
        zone_field="zone" if config.zones else None,
    )  # no progress: its snapping repeats what service_times has just reported
    summary.numbers["network_parts"] = int(net.part_sizes.shape[0])
    for sector in config.sectors:
        summary.numbers[f"parts_without_service_{sector}"] = int((parts["sector"] == sector).sum())
    summary.parts_without_service = parts
    path = summary.out_dir / "parts_without_service.csv"
    from .report import write_csv

    write_csv(parts, path)
    summary.files.append(path)


def step_e2sfca(
    config: Config, services, cells, times, summary: Summary, *, suffix: str = ""
) -> None:
    """E2SFCA on any ServiceTimes: on foot (layer ``e2sfca``) or by transit (``e2sfca_transit``)."""
    from capacitymetro_plugin.core.indices import e2sfca_cells

    res = e2sfca_cells(cells, times, services)
    if not suffix:
        summary.notes.extend(res.notes)
    summary.numbers["e2sfca_services_without_capacity"] = res.services_without_capacity
    _write(summary, res.cells.replace([np.inf, -np.inf], np.nan), f"e2sfca{suffix}")


def step_language(
    config: Config, folder: Path | None, services, cells, zones, times, summary: Summary
) -> None:
    """Share of foreign residents with a service in one of their languages within the standard.

    The comune's citizenship mix (``[population] citizenship``: the top citizenships with their
    share of foreign residents) is applied to every cell's foreign residents; citizenships
    beyond the listed ones count as "unknown".
    """
    from capacitymetro_plugin.core.indices import language_access_grid, read_citizenship_mix

    if not config.citizenship:
        raise InputError("no citizenship table in the configuration ([population] citizenship)")
    mix, ref = read_citizenship_mix(
        resolve(config, folder, config.citizenship), comuni=config.comuni
    )
    if config.zones:  # zones of one comune (e.g. islands): the mix of the area's comuni
        mix = (
            mix.assign(area="area").groupby(["area", "citizenship"], as_index=False)["count"].sum()
        )
        area = pd.Series("area", index=cells.index)
    else:
        area = cells["zone"].astype(str)
    langs = (
        services["languages"].fillna("").astype(str).tolist()
        if "languages" in services
        else [""] * len(services)
    )
    per_cell, _per_area, groups, avail = language_access_grid(
        cells.assign(area=area.to_numpy()), times.minutes, langs, mix, threshold=config.standard_min
    )
    served, unserved = per_cell["served"].sum(), per_cell["unserved"].sum()
    summary.numbers["language_served_pct"] = round(100 * served / (served + unserved), 1)
    summary.numbers["language_citizenship_ref"] = ref
    by_group = groups.groupby(["citizenship", "languages"], as_index=False)["unserved"].sum()
    by_group = by_group.sort_values("unserved", ascending=False)
    path = summary.out_dir / "language_unserved_groups.csv"
    from .report import write_csv

    write_csv(by_group, path)
    summary.files.append(path)
    top = ", ".join(
        f"{r.citizenship} ({r.languages}): {r.unserved:,.0f}" for r in by_group.head(3).itertuples()
    )
    summary.notes.append(
        f"Language access: {summary.numbers['language_served_pct']}% of the foreign residents "
        f"of known citizenship can reach within {config.standard_min:g} min a service in one of "
        f"their languages (citizenship mix of {ref}, each cell with its comune's mix). Largest "
        f"unserved groups: {top}."
    )
    out = cells[["zone", "foreign", "geometry"]].copy()
    out["share_served"] = per_cell["share_served"].to_numpy()
    out["languages_in_reach"] = [";".join(sorted(a)) for a in avail]
    _write(summary, out, "language_access")


def step_context(config: Config, folder: Path | None, summary: Summary) -> None:
    """Copy context layers (OSM POIs, stops) into the output GeoPackage for the maps."""
    if config.context_pois:
        pois = gio.read_vector(resolve(config, folder, config.context_pois))
        keep = [c for c in ("osm_ref", "name", "service_category", "amenity") if c in pois.columns]
        _write(summary, pois[[*keep, "geometry"]], "context_pois")
    for item in config.context_layers:
        file, layer = item[0], item[1] if len(item) > 1 else None
        gdf = gio.read_vector(resolve(config, folder, file), layer=layer)
        _write(summary, gdf, f"context_{layer or Path(file).stem}")


# --- the run ---------------------------------------------------------------------------------
def run_pipeline(
    config: Config,
    *,
    out_dir: str | Path,
    folder: Path | None,
    progress_for=None,
    log=print,
    times_fn=None,
) -> Summary:
    """Run every step of ``config``; return the :class:`Summary` (files are written as it goes).

    Parameters
    ----------
    progress_for
        ``progress_for(step_name) -> Progress`` (a tqdm bar in the CLI); default silent.
    log
        Called with one line per finished or skipped step.
    times_fn
        What computes the coverage step's travel times (see :func:`step_coverage`); None (the
        ``run`` command): ``service_times`` in this process.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(config=config, out_dir=out)
    summary.notes.extend(config.notes)
    # a fresh run: no layers, maps or tables left from an older one
    stale = [summary.gpkg, out / "language_unserved_groups.csv", out / "coverage.csv"]
    stale += [out / "coverage_transit.csv"]
    stale += [out / "hsds.json", out / "parts_without_service.csv"]
    for path in [*stale, *(out / "maps").glob("*.pdf"), *(out / "maps").glob("*.png")]:
        if path.exists():
            path.unlink()

    def progress(name: str) -> Progress:
        return ensure(progress_for(name) if progress_for else None)

    def run(name: str, fn, *args, needs: tuple[str, ...] = ()):
        for n in needs:
            if not summary.done(n):
                summary.step(name, "skipped", f"needs step '{n}'")
                log(f"[skipped] {name}: needs step '{n}'")
                return None
        start = time.perf_counter()
        try:
            result = fn(*args, summary, progress(name))
        except CapaCityMetroError as exc:
            summary.step(name, "skipped", exc.message, time.perf_counter() - start)
            log(f"[skipped] {name}: {exc.message}")
            return None
        summary.step(name, "done", "", time.perf_counter() - start)
        log(f"[done] {name} ({time.perf_counter() - start:.1f} s)")
        return result

    services = run("registry", step_registry, config, folder)
    if services is not None and len(services) == 0:
        summary.steps[-1].detail = "no service of the area has coordinates"
    run("hsds", step_hsds, config, folder, needs=("registry",))
    net = run("network", step_network, config, folder)
    run("bussola", lambda s, p: step_bussola(config, folder, net, s, p), needs=("registry",))
    have_services = services is not None and len(services) > 0
    if have_services and net is not None:
        run("isochrones", lambda s, p: step_isochrones(config, net, services, s, p))
    else:
        why = "needs services with coordinates and a network"
        if config.network_source == "none":
            why = 'needs a street network ([network] source = "none": straight-line walks only)'
        summary.step("isochrones", "skipped", why)
        log(f"[skipped] isochrones: {why}")
    pop = run("population", step_population, config, folder)
    times = None
    straight = net is None and config.network_source == "none"  # walks: lines × detour
    if have_services and (net is not None or straight) and pop is not None:
        cells, zones = pop
        if straight:
            times = run(
                "coverage",
                lambda s, p: step_coverage_straight(config, folder, services, cells, zones, s, p),
            )
        else:
            times = run(
                "coverage",
                lambda s, p: step_coverage(
                    config, net, services, cells, zones, s, p, times_fn=times_fn
                ),
            )
        transit = None
        if config.transit is not None:
            transit = run(
                "transit",
                lambda s, p: step_transit(
                    config, folder, net, services, cells, zones, s, p, walk_times=times
                ),
            )
        if transit is not None:
            run(
                "e2sfca_transit",
                lambda s, p: step_e2sfca(config, services, cells, transit, s, suffix="_transit"),
            )
        if times is not None:
            run("e2sfca", lambda s, p: step_e2sfca(config, services, cells, times, s))
            if config.citizenship:
                run(
                    "language",
                    lambda s, p: step_language(config, folder, services, cells, zones, times, s),
                )
    else:
        why = "needs services with coordinates, a network and population"
        summary.step("coverage", "skipped", why)
        log(f"[skipped] coverage: {why}")
        if pop is not None:
            cells, _zones = pop
            if "foreign_source" in _zones.columns:
                source = dict(zip(_zones["zone"], _zones["foreign_source"]))
                cells = cells.assign(foreign_source=cells["zone"].map(source))
            _write(summary, cells, "population_cells")
    run("context", lambda s, p: step_context(config, folder, s))
    from .report import write_reports

    write_reports(summary)
    return summary
