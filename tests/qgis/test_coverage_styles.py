"""The population/coverage QML styles load in QGIS 3.22 with the renderer and classes intended."""

import pytest

STYLES = {
    "coverage_comuni.qml": ("graduatedSymbol", "foreign_served_pct", 5),
    "gaps.qml": ("graduatedSymbol", "foreign_unserved", 5),
    "e2sfca.qml": ("graduatedSymbol", "access_quintile", 5),
    "language_access.qml": ("graduatedSymbol", "share_served", 5),
    "bivariate.qml": ("categorizedSymbol", "bivariate", 9),
}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_vector_style_loads(qgis_app, repo_root, name):
    from qgis.core import QgsVectorLayer

    kind, attr, n = STYLES[name]
    layer = QgsVectorLayer(f"Polygon?crs=EPSG:32632&field={attr}:double", "t", "memory")
    message, ok = layer.loadNamedStyle(str(repo_root / "styles" / name))
    assert ok, message
    renderer = layer.renderer()
    assert renderer.type() == kind and renderer.classAttribute() == attr
    items = renderer.ranges() if kind == "graduatedSymbol" else renderer.categories()
    assert len(items) == n
    colours = [i.symbol().color() for i in items]
    # greyscale-readable: grey value (Rec. 709 luma) strictly ordered along graduated scales
    if kind == "graduatedSymbol":
        light = [round(0.2126 * c.red() + 0.7152 * c.green() + 0.0722 * c.blue()) for c in colours]
        assert light == sorted(light) or light == sorted(light, reverse=True)
        assert len(set(light)) == n


def test_population_grid_raster_style(qgis_app, repo_root, tmp_path):
    import numpy as np
    import rasterio
    from affine import Affine
    from qgis.core import QgsRasterLayer

    path = tmp_path / "g.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=2,
        width=2,
        count=1,
        dtype="float32",
        crs="EPSG:32632",
        transform=Affine(100, 0, 0, 0, -100, 200),
    ) as dst:
        dst.write(np.array([[0, 5], [20, 150]], dtype="float32"), 1)
    layer = QgsRasterLayer(str(path), "g")
    message, ok = layer.loadNamedStyle(str(repo_root / "styles" / "population_grid.qml"))
    assert ok, message
    assert layer.renderer().type() == "singlebandpseudocolor"
    assert layer.renderer().shader().rasterShaderFunction().maximumValue() == 150
