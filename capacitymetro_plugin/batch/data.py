"""Where the command line finds its data: a local folder, else a download cache, else a clear error.

Order: ``--data DIR``; the ``CAPACITYMETRO_DATA`` environment variable; ``../shared/data`` beside
the repository. Files missing there are looked up in the cache (``~/.cache/capacitymetro/<area>``),
and what can be downloaded (the street network from OpenStreetMap) is downloaded into it through
:mod:`capacitymetro_plugin.core.downloads` (provenance beside each file; ``--offline`` never
downloads): Overpass for areas up to ``OVERPASS_MAX_KM2``, else the region's Geofabrik extract
(or ``$CAPACITYMETRO_OSM_EXTRACT``, a URL or a local ``.osm.pbf``) clipped with osmium. When
neither works, :class:`DataUnavailableError` says which files are missing and how to get them.
"""

from __future__ import annotations

import os
from pathlib import Path

from capacitymetro_plugin.core.errors import CapaCityMetroError, DataUnavailableError
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
    """Return the data directory: ``explicit``, else ``CAPACITYMETRO_DATA``, else ../shared/data;
    None when the one chosen is not a folder (then data is downloaded or named missing)."""
    env = os.environ.get("CAPACITYMETRO_DATA")
    chosen = Path(explicit) if explicit else Path(env) if env else REPO.parent / "shared" / "data"
    return chosen if chosen.is_dir() else None


def cache_dir(area: str) -> Path:
    """Return the download cache folder of ``area``."""
    from capacitymetro_plugin.core.downloads import cache_root

    return cache_root() / area


def _place_network(config: Config) -> str:
    """Return the file a ``source = "place"`` network is downloaded to (in the area's cache)."""
    return config.network_file or f"osm_{config.key}.osm.pbf"


def _place_cached(config: Config) -> bool:
    """Whether a ``place`` network is in the cache: our download, or an osmnx GraphML."""
    from capacitymetro_plugin.core.network.build import _slug

    cache = cache_dir(config.key)
    graphml = cache / f"{_slug(config.place)}_{config.mode}.graphml"
    return (cache / _place_network(config)).exists() or graphml.exists()


def missing_files(config: Config, folder: Path | None) -> list[tuple[str, str]]:
    """Return the (file, purpose) pairs of ``config`` not present in ``folder`` nor the cache."""
    cache = cache_dir(config.key)
    out = []
    if config.network_source == "place" and not _place_cached(config):
        out.append((_place_network(config), "street network"))
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


def _area_polygon(config: Config):
    """Return the union of the area's comuni (ISTAT boundaries, EPSG:4326)."""
    import shapely

    from capacitymetro_plugin.core.registry.boundaries import load_comuni

    comuni = load_comuni()
    rows = comuni[comuni["comune_istat"].isin(config.comuni)]
    if rows.empty:
        raise DataUnavailableError(
            f"No ISTAT boundary for the comuni of area {config.key!r}.",
            fix="Check [area] comuni (6-digit ISTAT codes).",
            it=f"Nessun confine ISTAT per i comuni dell'area {config.key!r}.",
            fix_it="Controlla [area] comuni (codici ISTAT di 6 cifre).",
        )
    return shapely.union_all(rows.geometry.values)


def _regional_extract(config: Config) -> str:
    """Return the extract to clip: ``$CAPACITYMETRO_OSM_EXTRACT``, else the region's Geofabrik."""
    from capacitymetro_plugin.core.areas import comuni_table
    from capacitymetro_plugin.core.downloads import geofabrik_url

    chosen = os.environ.get("CAPACITYMETRO_OSM_EXTRACT")
    if chosen:
        return chosen
    table = comuni_table()
    region = table.loc[table["com_istat_code"].isin(config.comuni), "region"]
    return geofabrik_url(str(region.iloc[0]) if len(region) else "")


def download_network(
    config: Config, *, offline: bool = False, progress: Progress | None = None
) -> Path:
    """Put the street network of ``config`` in its cache; return the ``.osm.pbf``.

    Areas up to :data:`~capacitymetro_plugin.core.downloads.OVERPASS_MAX_KM2` ask Overpass;
    larger ones clip the regional extract. Afterwards the run reads it as ``source = "osm"``.
    """
    from capacitymetro_plugin.core import downloads

    name = config.network_file if config.network_source == "osm" else _place_network(config)
    dest = cache_dir(config.key) / name
    polygon = _area_polygon(config)
    if (
        os.environ.get("CAPACITYMETRO_OSM_EXTRACT")
        or downloads.area_km2(polygon) > downloads.OVERPASS_MAX_KM2
    ):
        extract = _regional_extract(config)
        progress = ensure(progress)
        progress.info(f"Street network of {config.name}: clipping {extract}")
        path = downloads.extract_for_area(
            extract, polygon, dest=dest, offline=offline, progress=progress
        )
    else:
        path = downloads.streets_pbf_from_overpass(
            polygon, dest, offline=offline, progress=progress
        )
    config.network_source, config.network_file = "osm", name
    return path


def try_download(
    config: Config,
    missing: list[tuple[str, str]],
    *,
    offline: bool = False,
    progress: Progress | None = None,
) -> list[tuple[str, str, str, str]]:
    """Download what can be downloaded into the cache; return what is still missing.

    Each entry is ``(file, purpose, why in English, why in Italian)``.

    The street network comes from OpenStreetMap (:func:`download_network`, through
    :mod:`capacitymetro_plugin.core.downloads`, with a provenance sidecar); ``offline`` serves
    only what the cache holds. Hand-made tables (the migrant services, ISTAT foreign residents)
    cannot be downloaded here.
    """
    progress = ensure(progress)
    still: list[tuple[str, str, str, str]] = []
    off = ("downloads disabled (--offline)", "download disattivati (--offline)")
    for name, purpose in missing:
        if purpose == "street network" and (config.place or config.comuni):
            try:
                download_network(config, offline=offline, progress=progress)
                continue
            except CapaCityMetroError as exc:  # offline, Overpass down, no osmium...
                en, it = off if offline else ("download from OpenStreetMap failed",
                                              "download da OpenStreetMap non riuscito")  # fmt: skip
                still.append((name, purpose, f"{en}: {exc.message}", f"{it}: {exc.message_it}"))
                continue
        en, it = off if offline else ("cannot be downloaded automatically",
                                      "non si può scaricare automaticamente")  # fmt: skip
        still.append((name, purpose, en, it))
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
    still = try_download(config, missing, offline=not download, progress=progress)
    if not still:
        return
    where = str(folder) if folder is not None else "(no data directory)"
    lines_en = [f"  - {n} ({p}): {why}" for n, p, why, _ in still]
    lines_it = [f"  - {n} ({p}): {why}" for n, p, _, why in still]
    fix = (
        "Put the files in a data directory and pass --data DIR (or set CAPACITYMETRO_DATA); "
        "the project's real data is the shared/data folder beside the repository "
        f"(see its README for sources). Needed: {HOW_TO_GET['osm']}; {HOW_TO_GET['services']}; "
        f"{HOW_TO_GET['istat']}. With internet (without --offline), the street network is "
        f"downloaded from OpenStreetMap into {cache_dir(config.key)} (Overpass for small areas, "
        "else the region's Geofabrik extract clipped with osmium; docs/downloads.md)."
    )
    fix_it = (
        "Metti i file in una cartella dati e usa --data CARTELLA (o imposta CAPACITYMETRO_DATA); "
        "i dati reali del progetto sono nella cartella shared/data accanto al repository "
        "(fonti nel suo README). Con internet (senza --offline) la rete stradale viene "
        f"scaricata da OpenStreetMap in {cache_dir(config.key)} (Overpass per aree piccole, "
        "altrimenti l'estratto Geofabrik della regione ritagliato con osmium; docs/downloads.md)."
    )
    raise DataUnavailableError(
        f"Data for area {config.key!r} not found in {where} and not downloadable:\n"
        + "\n".join(lines_en),
        fix=fix,
        it=f"Dati per l'area {config.key!r} non trovati in {where} e non scaricabili:\n"
        + "\n".join(lines_it),
        fix_it=fix_it,
    )
