"""Regenerate the registry styles in ``styles/``: ``python -m capacitymetro_plugin.maps.make_styles``.

``registry_services.qml`` draws each service with a symbol for its first sector (the first code of
``sectors``): the Okabe-Ito colour-blind-safe palette and a different marker shape per sector, with
a dark outline, so the map also reads in greyscale print. ``registry_practices.qml`` draws good
practice sheets as large stars.
"""

from __future__ import annotations

import sys
from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parent.parent.parent / "styles"

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: sector code -> (fill colour, marker shape name as in QGIS's simple marker)
SECTOR_SYMBOLS: dict[str, tuple[str, str]] = {
    "reception": ("#E69F00", "circle"),
    "information": ("#56B4E9", "square"),
    "documents_legal": ("#009E73", "triangle"),
    "work_training": ("#F0E442", "diamond"),
    "italian_language": ("#0072B2", "pentagon"),
    "school": ("#D55E00", "hexagon"),
    "health": ("#CC79A7", "cross_fill"),
    "housing": ("#000000", "square"),
    "mediation": ("#E69F00", "star"),
    "minors": ("#56B4E9", "semi_circle"),
    "anti_discrimination_trafficking": ("#D55E00", "asterisk_fill"),
    "community": ("#009E73", "octagon"),
}

FIRST_SECTOR_EXPRESSION = "trim(regexp_substr(coalesce(\"sectors\", ''), '^[^;]*'))"


def _marker(color: str, shape: str, size: float, outline: str = "#1a1a1a"):
    from qgis.core import QgsMarkerSymbol

    return QgsMarkerSymbol.createSimple(
        {
            "name": shape,
            "color": color,
            "outline_color": outline if color != "#000000" else "#ffffff",
            "outline_width": "0.35",
            "size": str(size),
            "size_unit": "MM",
        }
    )


def registry_services_renderer():
    """Return the categorized renderer of the ``services`` layer (first sector)."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory

    from capacitymetro_plugin.core.registry.vocabularies import SECTORS

    categories = []
    for term in SECTORS:
        color, shape = SECTOR_SYMBOLS[term.code]
        categories.append(
            QgsRendererCategory(term.code, _marker(color, shape, 3.6), f"{term.en} / {term.it}")
        )
    categories.append(QgsRendererCategory(None, _marker("#bdbdbd", "circle", 2.4), "Other / Altro"))
    return QgsCategorizedSymbolRenderer(FIRST_SECTOR_EXPRESSION, categories)


def registry_practices_renderer():
    """Return the renderer of the ``practices`` layer (a large star per good-practice sheet)."""
    from qgis.core import QgsSingleSymbolRenderer

    return QgsSingleSymbolRenderer(_marker("#CC79A7", "star", 5.0))


def _save(renderer, geometry: str, path: Path) -> None:
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4326&field=sectors:string", "style", "memory")
    layer.setRenderer(renderer)
    message, ok = layer.saveNamedStyle(str(path))
    if not ok:
        raise RuntimeError(f"cannot write {path}: {message}")


def main() -> int:
    from qgis.core import QgsApplication

    if QgsApplication.instance() is None:
        app = QgsApplication([], False)
        app.initQgis()
    STYLES_DIR.mkdir(exist_ok=True)
    _save(registry_services_renderer(), "Point", STYLES_DIR / "registry_services.qml")
    _save(registry_practices_renderer(), "Point", STYLES_DIR / "registry_practices.qml")
    print(STYLES_DIR / "registry_services.qml")
    print(STYLES_DIR / "registry_practices.qml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
