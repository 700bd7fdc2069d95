"""The bussola of one configured area: what ``capacitymetro run`` (step "bussola") and
``capacitymetro publish --config AREA.toml`` both publish.

One reading of the configuration for both doors:

- the registry: ``[registry] registry``, else the run's sample (``<out>/registry.gpkg``);
- "near me" on foot on the run's walking network (:func:`~.pipeline.build_network`), the
  extract's water and street names on the map when the network comes from OpenStreetMap;
- "near me" by public transport from ``[transit]``: its GTFS feeds, date and window, and its
  water buses by headway (``ferries``, ``ferry_piers``, headways: Venice), with departures every
  :data:`~capacitymetro_plugin.core.bussola.transit.STEP_MIN` minutes (the site's median needs
  fewer departures than the analysis' percentiles; ``step_min`` overrides it).

If the transit minutes cannot be computed (a feed that does not run on the date, a broken
file...), the site is written without them and the reason is returned, in English and Italian:
a public site with walking times is better than none, and the run says what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from capacitymetro_plugin.core.errors import Canceled, CapaCityMetroError
from capacitymetro_plugin.core.progress import Progress, ensure

from .config import Config
from .data import resolve


def ferry_options(config: Config, folder: Path | None) -> dict | None:
    """Return the engine's ``ferries`` (water buses by headway) of ``[transit]``, or None."""
    tc = config.transit
    if tc is None or not tc.ferries:
        return None
    return {
        "ways": resolve(config, folder, tc.ferries),
        "piers": resolve(config, folder, tc.ferry_piers),
        "headway_min": tc.ferry_headway_min,
        "headways": tc.ferry_headways,
    }


def bussola_transit(
    config: Config, folder: Path | None, *, step_min: float | None = None
) -> dict | None:
    """Return publish's ``transit`` from ``[transit]`` (None without the section)."""
    from capacitymetro_plugin.core.bussola.transit import STEP_MIN

    tc = config.transit
    if tc is None or not (tc.feeds or tc.ferries):
        return None
    return {
        "feeds": [str(resolve(config, folder, f)) for f in tc.feeds],
        "date": tc.date,
        "window": (tc.window_start, tc.window_end),
        "step_min": float(step_min or STEP_MIN),
        "ferries": ferry_options(config, folder),
    }


def describe_transit(transit: dict) -> str:
    """One line for the run's notes: what the bussola's transit minutes are (English)."""
    what = [Path(f).name for f in transit.get("feeds") or []]
    if transit.get("ferries"):
        what.append("water buses by headway (an ESTIMATE)")
    w0, w1 = transit["window"]
    return (
        f"{' + '.join(what)}, {transit['date']}, median of the departures every "
        f"{transit['step_min']:g} min from {w0} to {w1}"
    )


@dataclass
class AreaSite:
    """What :func:`publish_area` wrote, and what a reader of the run must be told."""

    result: object  # core.bussola.PublishResult
    # why the transit minutes were left out (en, it), or None
    transit_skipped: tuple[str, str] | None = None


def publish_area(
    config: Config,
    folder: Path | None,
    out: Path,
    *,
    registry,
    network=None,
    transit: dict | None = None,
    title: str | None = None,
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    make_zip: bool = True,
    progress: Progress | None = None,
    fallback: bool = True,
) -> AreaSite:
    """Publish the area's bussola into ``out`` (and ``out``.zip).

    ``network`` is the run's network (used only when it is a walking one); ``transit`` is
    publish's transit (:func:`bussola_transit`, or a door's own). A transit that fails leaves
    the site without it, and :attr:`AreaSite.transit_skipped` says why (``fallback=False``:
    the error is raised, for a transit the user asked for explicitly).
    """
    from capacitymetro_plugin.core.bussola import publish

    progress = ensure(progress)
    walk = network if network is not None and getattr(network, "mode", "walk") == "walk" else None
    # the extract the network came from: water for the map, street names for the search
    osm = None
    if walk is not None and config.network_source == "osm" and config.network_file:
        osm = resolve(config, folder, config.network_file)
    kwargs = dict(
        title=title or config.name,
        comuni=config.comuni,
        network=walk,
        osm_file=osm,
        tile_url=tile_url,
        tile_attribution=tile_attribution,
        make_zip=make_zip,
    )
    site = AreaSite(result=None)
    if transit is not None:
        try:
            site.result = publish(registry, out, transit=transit, progress=progress, **kwargs)
            return site
        except Canceled:
            raise
        except CapaCityMetroError as exc:
            if not fallback:
                raise
            site.transit_skipped = (exc.localized("en"), exc.localized("it"))
            progress.info(f"Transit left out of the bussola: {exc.message}")
    site.result = publish(registry, out, progress=progress, **kwargs)
    return site
