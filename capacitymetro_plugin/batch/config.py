"""Analysis configuration for the command line: a small TOML file per area (``config/<area>.toml``).

Every path in the file is relative to the data directory. Sections: ``[area]``, ``[network]``,
``[registry]``, ``[population]``, ``[analysis]``, ``[outputs]`` (see ``config/trento.toml``).
"""

from __future__ import annotations

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

from capacitymetro_plugin.core.errors import InputError

CONFIG_DIR = Path(__file__).resolve().parent.parent.parent / "config"
NETWORK_SOURCES = ("osm", "lines", "place")


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
    mode: str = "walk"
    services_csv: str = "servizi_migranti_da_pagine_web.csv"
    registry: str = ""
    extra_services: str = ""
    context_pois: str = ""
    context_layers: list[list[str]] = field(default_factory=list)
    year: int = 2023
    zones: str = ""
    zones_layer: str | None = None
    zones_pop_field: str = "pop_total"
    foreign_province_totals: str = "istat_stranieri_eta_sesso_province_2022.csv"
    citizenship: str = ""  # top citizenships per comune (stranieri_residenti_target_... .csv)
    streets_for_weights: str = ""
    streets_layer: str | None = None
    cell_size_m: float = 100.0
    sectors: list[str] = field(default_factory=lambda: ["all"])
    thresholds_min: list[float] = field(default_factory=lambda: [5, 10, 15, 20, 30])
    standard_min: float = 15.0
    pdf: bool = True
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
        if self.zones:
            files.append((self.zones, "population zones"))
        return files


def _bad(path: str, message: str, fix: str, it: str, fix_it: str) -> InputError:
    return InputError(
        f"Config {path}: {message}", fix=fix, it=f"Config {path}: {it}", fix_it=fix_it
    )


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
    comuni = [str(c).zfill(6) for c in area["comuni"]]
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
    thresholds = [float(t) for t in ana.get("thresholds_min", [5, 10, 15, 20, 30])]
    standard = float(ana.get("standard_min", 15))
    if not thresholds or min(thresholds) <= 0 or standard <= 0:
        raise _bad(
            source,
            "[analysis] thresholds_min and standard_min must be positive minutes.",
            "Write e.g. thresholds_min = [5, 10, 15] and standard_min = 15.",
            "[analysis] thresholds_min e standard_min devono essere minuti positivi.",
            "Scrivi ad es. thresholds_min = [5, 10, 15] e standard_min = 15.",
        )
    return Config(
        key=str(area["key"]),
        name=str(area.get("name", area["key"])),
        comuni=comuni,
        province=province,
        place=str(area.get("place", "")),
        network_source=source_kind,
        network_file=str(net.get("file", "")),
        network_layer=net.get("layer"),
        mode=str(net.get("mode", "walk")),
        services_csv=str(reg.get("services_csv", "servizi_migranti_da_pagine_web.csv")),
        registry=str(reg.get("registry", "")),
        extra_services=str(reg.get("extra_services", "")),
        context_pois=str(reg.get("context_pois", "")),
        context_layers=[list(x) for x in reg.get("context_layers", [])],
        year=int(pop.get("year", 2023)),
        zones=str(pop.get("zones", "")),
        zones_layer=pop.get("zones_layer"),
        zones_pop_field=str(pop.get("zones_pop_field", "pop_total")),
        foreign_province_totals=str(pop.get("foreign_province_totals", "")),
        citizenship=str(pop.get("citizenship", "")),
        streets_for_weights=str(pop.get("streets_for_weights", "")),
        streets_layer=pop.get("streets_layer"),
        cell_size_m=float(pop.get("cell_size_m", 100)),
        sectors=[str(s) for s in ana.get("sectors", ["all"])],
        thresholds_min=sorted(set(thresholds)),
        standard_min=standard,
        pdf=bool(out.get("pdf", True)),
        source=source,
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


def config_for_area(key: str) -> Config:
    """Return the shipped configuration of area ``key`` (``config/<key>.toml``)."""
    path = CONFIG_DIR / f"{key.lower()}.toml"
    if not path.exists():
        known = sorted(p.stem for p in CONFIG_DIR.glob("*.toml"))
        raise InputError(
            f"No configuration for area {key!r}.",
            fix=f"Use one of: {', '.join(known)}; or write a TOML file and pass --config FILE.",
            it=f"Nessuna configurazione per l'area {key!r}.",
            fix_it=f"Usa una di: {', '.join(known)}; o scrivi un file TOML e usa --config FILE.",
        )
    return load_config(path)
