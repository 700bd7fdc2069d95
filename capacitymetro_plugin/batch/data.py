"""Where the command line finds its data: a local folder, else a download cache, else a clear error.

Order: ``--data DIR``; the ``CAPACITYMETRO_DATA`` environment variable; ``../shared/data`` beside
the repository. Files missing there are looked up in the cache (``~/.cache/capacitymetro/<area>``),
and what can be downloaded (the street network from OpenStreetMap with osmnx) is downloaded into
it. When neither works, :class:`DataUnavailableError` says which files are missing and how to get
them.
"""

from __future__ import annotations

import os
from pathlib import Path

from capacitymetro_plugin.core.errors import DataUnavailableError
from capacitymetro_plugin.core.progress import Progress, ensure

from .config import Config

REPO = Path(__file__).resolve().parent.parent.parent

HOW_TO_GET = {
    "osm": "an OpenStreetMap extract (.osm.pbf) of the area, e.g. from download.geofabrik.de, "
    "clipped with osmium",
    "lines": "a street-centreline GeoPackage noded at junctions",
    "services": "the services CSV (servizi_migranti_da_pagine_web.csv) or your registry GeoPackage",
    "istat": "ISTAT 'Stranieri residenti' per province (demo.istat.it, STRASA), CSV",
}


def data_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """Return the data directory: ``explicit``, else ``CAPACITYMETRO_DATA``, else ../shared/data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CAPACITYMETRO_DATA")
    if env:
        return Path(env)
    beside = REPO.parent / "shared" / "data"
    return beside if beside.is_dir() else None


def cache_dir(area: str) -> Path:
    """Return the download cache folder of ``area``."""
    base = os.environ.get("CAPACITYMETRO_CACHE") or (Path.home() / ".cache" / "capacitymetro")
    return Path(base) / area


def missing_files(config: Config, folder: Path | None) -> list[tuple[str, str]]:
    """Return the (file, purpose) pairs of ``config`` not present in ``folder`` nor the cache."""
    cache = cache_dir(config.key)
    out = []
    for name, purpose in config.required_files():
        if folder is not None and (folder / name).exists():
            continue
        if (cache / name).exists():
            continue
        out.append((name, purpose))
    return out


def resolve(config: Config, folder: Path | None, name: str) -> Path:
    """Return the path of data file ``name`` (data folder first, then the cache)."""
    if folder is not None and (folder / name).exists():
        return folder / name
    return cache_dir(config.key) / name


def try_download(
    config: Config, missing: list[tuple[str, str]], *, progress: Progress | None = None
) -> list[tuple[str, str, str]]:
    """Download what can be downloaded into the cache; return (file, purpose, error) still missing.

    The street network comes from OpenStreetMap (osmnx, ``[area] place``) and is cached as
    GraphML; the run then uses it as ``network.source = "place"``. Hand-made tables (the
    migrant services, ISTAT foreign residents) cannot be downloaded here.
    """
    progress = ensure(progress)
    still: list[tuple[str, str, str]] = []
    for name, purpose in missing:
        if purpose == "street network" and config.place:
            try:
                from capacitymetro_plugin.core.network import network_from_place

                network_from_place(
                    config.place,
                    mode=config.mode,
                    cache_dir=cache_dir(config.key),
                    progress=progress,
                )
                config.network_source = "place"
                continue
            except Exception as exc:  # offline, Overpass down, ...: report below
                still.append((name, purpose, f"download from OpenStreetMap failed: {exc}"))
                continue
        still.append((name, purpose, "cannot be downloaded automatically"))
    return still


def check_data(
    config: Config,
    folder: Path | None,
    *,
    download: bool = True,
    progress: Progress | None = None,
) -> None:
    """Make sure every file of ``config`` is available, downloading what can be; else raise."""
    missing = missing_files(config, folder)
    if not missing:
        return
    still = (
        try_download(config, missing, progress=progress)
        if download
        else [(n, p, "downloads disabled (--offline)") for n, p in missing]
    )
    if not still:
        return
    where = str(folder) if folder is not None else "(no data directory)"
    lines_en = [f"  - {n} ({p}): {why}" for n, p, why in still]
    lines_it = [f"  - {n} ({p}): {why}" for n, p, why in still]
    fix = (
        "Put the files in a data directory and pass --data DIR (or set CAPACITYMETRO_DATA); "
        "the project's real data is the shared/data folder beside the repository "
        f"(see its README for sources). Needed: {HOW_TO_GET['osm']}; {HOW_TO_GET['services']}; "
        f"{HOW_TO_GET['istat']}. With internet, the street network is downloaded from "
        f"OpenStreetMap into {cache_dir(config.key)} (set [area] place in the config)."
    )
    fix_it = (
        "Metti i file in una cartella dati e usa --data CARTELLA (o imposta CAPACITYMETRO_DATA); "
        "i dati reali del progetto sono nella cartella shared/data accanto al repository "
        "(fonti nel suo README). Con internet la rete stradale viene scaricata da "
        f"OpenStreetMap in {cache_dir(config.key)} (imposta [area] place nella configurazione)."
    )
    raise DataUnavailableError(
        f"Data for area {config.key!r} not found in {where} and not downloadable:\n"
        + "\n".join(lines_en),
        fix=fix,
        it=f"Dati per l'area {config.key!r} non trovati in {where} e non scaricabili:\n"
        + "\n".join(lines_it),
        fix_it=fix_it,
    )
