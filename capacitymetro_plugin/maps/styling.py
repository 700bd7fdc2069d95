"""Find and apply the CapaCityMetro QML style of a layer (``styles/<name>.qml``)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsMapLayer

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
