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
