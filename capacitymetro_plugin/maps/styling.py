"""Find and apply the CapaCityMetro QML style of a layer (``styles/<name>.qml``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.core import QgsMapLayer

from capacitymetro_plugin.core._pycompat import zip_strict

STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"

#: layer names (as written by the registry and the pipeline) -> style file
STYLE_FOR_LAYER: dict[str, str] = {
    "services": "registry_services.qml",
    "registry_services": "registry_services.qml",
    "practices": "registry_practices.qml",
    "registry_practices": "registry_practices.qml",
}


def style_path(name: str) -> Path | None:
    """Return the QML for a layer called ``name`` (explicit mapping, else ``<name>.qml``), if any."""
    candidates = []
    if name in STYLE_FOR_LAYER:
        candidates.append(STYLES_DIR / STYLE_FOR_LAYER[name])
    candidates.append(STYLES_DIR / f"{name}.qml")
    for path in candidates:
        if path.exists():
            return path
    return None


def apply_style(layer: QgsMapLayer, name: str | None = None) -> bool:
    """Load the CapaCityMetro style matching ``name`` (default: the layer's name); True if applied."""
    path = style_path(name or layer.name())
    if path is None:
        return False
    _message, ok = layer.loadNamedStyle(str(path))
    if ok:
        layer.triggerRepaint()
    return bool(ok)


def style_atlas_coverage(layer) -> None:
    """Draw an atlas coverage layer as outlines, the current page's feature highlighted."""
    from qgis.core import QgsFillSymbol, QgsRuleBasedRenderer

    current = QgsFillSymbol.createSimple(
        {"color": "255,255,255,0", "outline_color": "#000000", "outline_width": "0.8"}
    )
    others = QgsFillSymbol.createSimple(
        {"color": "#e6e6e6", "outline_color": "#7f7f7f", "outline_width": "0.25"}
    )
    root = QgsRuleBasedRenderer.Rule(None)
    rule_current = QgsRuleBasedRenderer.Rule(current, 0, 0, "@atlas_featureid = $id", "This page")
    rule_others = QgsRuleBasedRenderer.Rule(others, 0, 0, "ELSE", "Other areas")
    root.appendChild(rule_others)
    root.appendChild(rule_current)
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.triggerRepaint()


CIVIDIS = ("#00204d", "#414d6b", "#7c7b78", "#bcaf6f", "#ffea46")  # dark -> light, greyscale-safe


def style_isochrones(layer, field: str = "threshold_min") -> None:
    """Graduated isochrone bands: near = dark (cividis), far = light, semi-transparent."""
    from qgis.core import QgsFillSymbol, QgsGraduatedSymbolRenderer, QgsRendererRange

    values = sorted({f[field] for f in layer.getFeatures() if f[field] is not None})
    ranges = []
    lower = 0.0
    for i, value in enumerate(values):
        colour = CIVIDIS[min(i * len(CIVIDIS) // max(len(values), 1), len(CIVIDIS) - 1)]
        symbol = QgsFillSymbol.createSimple(
            {"color": colour, "outline_color": "#ffffff", "outline_width": "0.1"}
        )
        symbol.setOpacity(0.55)
        ranges.append(
            QgsRendererRange(lower, float(value), symbol, f"{lower:g}–{float(value):g} min")
        )
        lower = float(value)
    layer.setRenderer(QgsGraduatedSymbolRenderer(field, ranges))
    layer.triggerRepaint()


def style_lines(layer, colour: str = "#9e9e9e", width: float = 0.15) -> None:
    """Thin single-colour lines (streets as a background)."""
    from qgis.core import QgsLineSymbol, QgsSingleSymbolRenderer

    layer.setRenderer(
        QgsSingleSymbolRenderer(QgsLineSymbol.createSimple({"color": colour, "width": str(width)}))
    )


def style_points(layer, colour: str = "#666666", size: float = 1.2) -> None:
    """Small plain points (context POIs, stops)."""
    from qgis.core import QgsMarkerSymbol, QgsSingleSymbolRenderer

    layer.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"color": colour, "size": str(size), "outline_style": "no"}
            )
        )
    )


def style_graduated_cells(layer, field: str = "pop_total", classes: int = 5) -> None:
    """Quantile classes of a count on grid cells, light (few) to dark (many), no outlines."""
    from qgis.core import (
        QgsClassificationQuantile,
        QgsFillSymbol,
        QgsGradientColorRamp,
        QgsGraduatedSymbolRenderer,
    )
    from qgis.PyQt.QtGui import QColor

    symbol = QgsFillSymbol.createSimple({"color": "#cccccc", "outline_style": "no"})
    renderer = QgsGraduatedSymbolRenderer(field)
    renderer.setSourceSymbol(symbol)
    method = QgsClassificationQuantile()
    method.setLabelPrecision(0)
    renderer.setClassificationMethod(method)
    renderer.updateClasses(layer, classes)
    renderer.updateColorRamp(QgsGradientColorRamp(QColor(CIVIDIS[-1]), QColor(CIVIDIS[0])))
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def _field_values(layer, field: str) -> list[float]:
    values = []
    for feature in layer.getFeatures():
        value = feature[field]
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            continue
    return values


def _floor_sig(x: float, digits: int = 2) -> float:
    import math

    if x <= 0:
        return x
    step = 10 ** (math.floor(math.log10(x)) - digits + 1)
    return float(f"{math.floor(x / step) * step:.12g}")


def _pick(items: list, k: int) -> list:
    """Return ``k`` of ``items`` spread from the first to the last (all of them for k = len)."""
    if k >= len(items):
        return list(items)
    if k == 1:
        return [items[-1]]
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def style_classes_from_data(
    layer,
    field: str,
    style: str | None,
    *,
    classes: int = 5,
    lang: str = "en",
    shares: bool = False,
    palette: Sequence[str] | None = None,
) -> list[str]:
    """Graduated classes of ``field`` from the layer's values, coloured as ``styles/<style>.qml``.

    ``palette`` (light to dark colours) replaces the QML's colours when given.

    Breaks are tie-aware quantiles of the values (:func:`core.indices.quantile_breaks`), rounded
    for people; each class is non-empty, so the legend never skips one. With ``shares`` the labels
    say which share of the features each class holds. Returns the labels.
    """
    from qgis.core import QgsFillSymbol, QgsGraduatedSymbolRenderer, QgsRendererRange

    from capacitymetro_plugin.core.indices import (
        class_labels,
        class_shares,
        quantile_breaks,
        round_breaks,
    )

    if palette is not None:
        symbols = [QgsFillSymbol.createSimple({"color": c, "outline_style": "no"}) for c in palette]
    else:
        apply_style(layer, style)
        template = layer.renderer()
        symbols = [r.symbol().clone() for r in getattr(template, "ranges", list)()]
        for symbol in symbols:  # small grid cells: outlines would hide the colours
            for index in range(symbol.symbolLayerCount()):
                sl = symbol.symbolLayer(index)
                if hasattr(sl, "setStrokeColor"):
                    sl.setStrokeColor(sl.color())
                    sl.setStrokeWidth(0.05)
    values = _field_values(layer, field)
    if not values or not symbols:
        return []
    breaks = round_breaks(quantile_breaks(values, classes))
    lowest = min(values)
    if breaks[0] < lowest:  # rounding went below the data: the first class is "up to" it
        breaks[0] = lowest
    # rounding may leave a class without features: merge it into the next (no empty class)
    counts = class_shares(values, breaks)
    breaks = [b for b, c in zip_strict(breaks, counts) if c > 0]
    breaks[-1] = max(breaks[-1], max(values))
    shown_low = lowest if breaks[0] == lowest else _floor_sig(lowest)
    if 0 <= shown_low < breaks[0] / 10:  # "0–18", not "0.002–18"
        shown_low = 0.0
    labels = class_labels(
        breaks,
        minimum=shown_low,
        lang=lang,
        shares=class_shares(values, breaks) if shares else None,
    )
    ranges = []
    lower = lowest
    for upper, symbol, label in zip_strict(breaks, _pick(symbols, len(breaks)), labels):
        # QGIS ranges include their upper bound; the first one also its lower bound
        ranges.append(QgsRendererRange(lower, upper, symbol, label))
        lower = upper
    renderer = QgsGraduatedSymbolRenderer(field, ranges)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return labels


def halo_text_format(size: float, colour: str, halo: float):
    """Bold DejaVu Sans labels of ``size`` points in ``colour`` with a white halo of ``halo`` mm."""
    from qgis.core import QgsTextBufferSettings, QgsTextFormat
    from qgis.PyQt.QtGui import QColor, QFont

    text = QgsTextFormat()
    font = QFont("DejaVu Sans")
    font.setBold(True)
    text.setFont(font)
    text.setSize(size)
    text.setColor(QColor(colour))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(halo)
    buffer.setColor(QColor("#ffffff"))
    text.setBuffer(buffer)
    return text


def style_outlines_with_names(
    layer,
    *,
    name_field: str = "name",
    area_filter: str = "",
    labels: tuple[str, str] = ("Analysis area", "Other comuni"),
    colour: str = "#4d4d4d",
) -> None:
    """Comune boundaries as outlines (no fill) with their names, white halo, for context.

    Comuni matching ``area_filter`` (the analysis area) get a solid, heavier line; the others a
    thin dashed one.
    """
    from qgis.core import (
        QgsFillSymbol,
        QgsPalLayerSettings,
        QgsRuleBasedRenderer,
        QgsSingleSymbolRenderer,
        QgsVectorLayerSimpleLabeling,
    )

    def outline(width: float, style: str):
        return QgsFillSymbol.createSimple(
            {
                "style": "no",
                "outline_color": colour,
                "outline_width": str(width),
                "outline_style": style,
            }
        )

    if area_filter:
        root = QgsRuleBasedRenderer.Rule(None)
        root.appendChild(QgsRuleBasedRenderer.Rule(outline(0.3, "dash"), 0, 0, "ELSE", labels[1]))
        root.appendChild(
            QgsRuleBasedRenderer.Rule(outline(0.7, "solid"), 0, 0, area_filter, labels[0])
        )
        layer.setRenderer(QgsRuleBasedRenderer(root))
    else:
        layer.setRenderer(QgsSingleSymbolRenderer(outline(0.3, "dash")))
    text = halo_text_format(8.0, "#333333", 0.8)
    settings = QgsPalLayerSettings()
    settings.fieldName = name_field
    settings.setFormat(text)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    layer.triggerRepaint()


#: outline width of an approximate place (mm): thicker than a boundary, so it reads as a service
APPROXIMATE_OUTLINE_MM = 0.6


def style_approximate_places(layer, colour_field: str = "colour") -> None:
    """Hatch and outline each approximate place (a hexagon) in its sector colour.

    One symbol, its colour read from ``colour_field``: the legend has a single entry (the
    layer's name, "Approximate place (protected)"), grey, whatever the sectors. The hatch is
    sparse and thin, so no part of the area looks like a service marker.
    """
    from qgis.core import (
        QgsFillSymbol,
        QgsLinePatternFillSymbolLayer,
        QgsLineSymbol,
        QgsProperty,
        QgsSimpleFillSymbolLayer,
        QgsSingleSymbolRenderer,
    )
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor

    from capacitymetro_plugin.compat import symbol_layer_property

    colour = QgsProperty.fromExpression(f"coalesce(\"{colour_field}\", '#555555')")
    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(45)
    hatch.setDistance(1.6)  # mm between hatch lines
    line = QgsLineSymbol.createSimple({"color": "#555555", "width": "0.25"})
    line.symbolLayer(0).setDataDefinedProperty(symbol_layer_property("StrokeColor"), colour)
    hatch.setSubSymbol(line)
    outline = QgsSimpleFillSymbolLayer()
    outline.setBrushStyle(Qt.BrushStyle.NoBrush)
    outline.setStrokeColor(QColor("#555555"))
    outline.setStrokeWidth(APPROXIMATE_OUTLINE_MM)
    outline.setStrokeStyle(Qt.PenStyle.DashLine)
    outline.setDataDefinedProperty(symbol_layer_property("StrokeColor"), colour)
    # built layer by layer: these calls take ownership of the symbol layers (the list
    # constructor does not, and Python would free them under QGIS's feet)
    symbol = QgsFillSymbol()
    symbol.changeSymbolLayer(0, hatch)
    symbol.appendSymbolLayer(outline)
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.triggerRepaint()
