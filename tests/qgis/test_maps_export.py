"""Printed coverage maps on real QGIS: export real Trento/Venezia maps, then read the PDF back.

The PDF is turned into text with ``pdftotext`` and into pixels with ``pdftoppm -png -r 50``; the
pixels are read with QImage to check the map frame is not blank and the sector colours are drawn.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

MM_PER_INCH = 25.4


def pdf_text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_to_png(pdf: Path, dpi: int = 50) -> list[Path]:
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def region_stats(png: Path, box_mm: tuple[float, float, float, float], dpi: int = 50):
    """Return (share of non-white pixels, set of colours) inside a box given in mm."""
    from qgis.PyQt.QtGui import QColor, QImage

    image = QImage(str(png))
    assert not image.isNull(), png
    x0, y0, w, h = (round(v / MM_PER_INCH * dpi) for v in box_mm)
    inked = 0
    total = 0
    colours = set()
    for y in range(y0 + 2, min(y0 + h - 2, image.height())):
        for x in range(x0 + 2, min(x0 + w - 2, image.width())):
            c = QColor(image.pixel(x, y))
            total += 1
            if min(c.red(), c.green(), c.blue()) < 235:
                inked += 1
            colours.add((c.red(), c.green(), c.blue()))
    return inked / total, colours


def has_colour_near(colours, hex_colour: str, tolerance: int = 40) -> bool:
    from qgis.PyQt.QtGui import QColor

    ref = QColor(hex_colour)
    return any(
        abs(r - ref.red()) + abs(g - ref.green()) + abs(b - ref.blue()) <= tolerance
        for r, g, b in colours
    )


@pytest.fixture(scope="module")
def trento_registry(shared_data, tmp_path_factory) -> Path:
    """A registry ``services`` layer from the real Trento rows with coordinates (8 services)."""
    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    rows = table[(table["city"] == "Trento") & table["lon"].notna()].copy()
    assert len(rows) == 8
    gdf = gpd.GeoDataFrame(
        rows[["service_id", "name", "sectors", "comune", "address"]],
        geometry=gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)),
        crs="EPSG:4326",
    )
    gdf["sectors"] = gdf["sectors"].str.replace(" ", "")
    path = tmp_path_factory.mktemp("registry") / "registry.gpkg"
    from capacitymetro_plugin.core import gio

    gio.write_vector(gdf, path, layer="services")
    return path


def test_export_real_trento_map_to_pdf(processing_provider, trento_registry, shared_data, tmp_path):
    from qgis.core import QgsMarkerSymbol, QgsProject, QgsSingleSymbolRenderer, QgsVectorLayer
    from qgis.PyQt.QtGui import QColor

    import processing

    roads = QgsVectorLayer(
        f"{shared_data / 'osm_trento_2023-02_tnst.osm.pbf'}|layername=lines", "Streets (OSM)", "ogr"
    )
    roads.setSubsetString("highway IS NOT NULL")
    assert roads.isValid()
    roads.renderer().symbol().setColor(QColor("#9e9e9e"))
    roads.renderer().symbol().setWidth(0.15)
    pois = QgsVectorLayer(
        f"{shared_data / 'osm_servizi_trento_2023.gpkg'}|layername=pois",
        "Service POIs (OSM)",
        "ogr",
    )
    assert pois.isValid() and pois.featureCount() == 339
    pois.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple({"color": "#666666", "size": "1.2", "outline_style": "no"})
        )
    )
    services = QgsVectorLayer(f"{trento_registry}|layername=services", "services", "ogr")
    assert services.isValid() and services.featureCount() == 8
    project = QgsProject.instance()
    project.addMapLayers([roads, pois], False)  # project layers keep their own style

    out = tmp_path / "trento_map.pdf"
    e = pois.extent()
    try:
        result = processing.run(
            "capacitymetro:exportcoveragemap",
            {
                "LAYERS": [services, pois, roads],
                "TITLE": "Servizi per migranti — Trento",
                "AREA_NAME": "Comune di Trento",
                "DATE": "2026-11-21",
                "PAPER": 0,
                # the service POIs, not the long roads out of town
                "EXTENT": f"{e.xMinimum()},{e.xMaximum()},{e.yMinimum()},{e.yMaximum()} [EPSG:4326]",
                "OUTPUT": str(out),
            },
        )
    finally:
        project.removeMapLayers([roads.id(), pois.id()])
    assert result["OUTPUT"] == str(out) and result["PAGES"] == 1
    info = pdf_info(out)
    assert info["Pages"] == "1"
    assert "842 x 595" in info["Page size"] or "841.89 x 595.276" in info["Page size"], info

    text = pdf_text(out)
    for expected in (
        "Servizi per migranti — Trento",
        "Comune di Trento — 2026-11-21",
        "Legend | Legenda",
        "Information and one-stop shops Informazione e sportelli unici",  # Cinformi's 1st sector
        "Documents and legal aid Documenti e tutela legale",  # the Questura
        "© OpenStreetMap contributors (ODbL)",
        "ISTAT (CC-BY 4.0)",
        "km",
    ):
        assert expected in " ".join(text.split()), (expected, text)

    [png] = pdf_to_png(out)
    # map frame of the A4 template: x 10-210 mm, y 27-200 mm
    inked, colours = region_stats(png, (10, 27, 200, 173))
    assert 0.05 < inked < 0.9, inked  # streets and points drawn, not a blank (or black) box
    assert has_colour_near(colours, "#009E73"), "documents_legal (green) services missing"
    assert has_colour_near(colours, "#E69F00"), "reception (orange) services missing"
    # legend box (x 215-287, y 27-145) has ink too
    legend_inked, _ = region_stats(png, (215, 27, 72, 118))
    assert legend_inked > 0.01


def test_atlas_one_page_per_comune(processing_provider, shared_data, tmp_path):
    import processing

    comuni = f"{shared_data / 'istat_comuni_target_2023.gpkg'}|layername=comuni"
    pois = f"{shared_data / 'osm_servizi_venezia_cs_2009.gpkg'}|layername=pois"
    out = tmp_path / "venezia_atlas.pdf"
    result = processing.run(
        "capacitymetro:exportcoveragemap",
        {
            "LAYERS": [pois],
            "TITLE": "Atlas test",
            "AREA_NAME": "Città metropolitana di Venezia",
            "DATE": "2026-11-21",
            "PAPER": 1,
            "ATLAS_LAYER": comuni,
            "ATLAS_NAME_FIELD": "name",
            "ATLAS_FILTER": "\"com_istat_code\" IN ('027042', '027033', '027038')",
            "OUTPUT": str(out),
        },
    )
    assert result["PAGES"] == 3
    info = pdf_info(out)
    assert info["Pages"] == "3"
    assert "842 x 1191" in info["Page size"] or "841.89 x 1190.55" in info["Page size"], info
    # sorted by name: Marcon (027020?) — check by reading the names back
    names = []
    for page in (1, 2, 3):
        text = " ".join(pdf_text(out, page).split())
        assert "Atlas test" in text and "OpenStreetMap" in text
        names.append(text)
    import fiona

    with fiona.open(str(shared_data / "istat_comuni_target_2023.gpkg"), layer="comuni") as src:
        expected = sorted(
            f["properties"]["name"]
            for f in src
            if f["properties"]["com_istat_code"] in ("027042", "027033", "027038")
        )
    for page_text, name in zip(names, expected, strict=False):
        assert f"Città metropolitana di Venezia — {name} — 2026-11-21" in page_text, page_text
    pngs = pdf_to_png(out)
    assert len(pngs) == 3
    for png in pngs:  # each page's map frame shows its comune (filled polygon), not blank
        inked, _ = region_stats(png, (12, 33, 273, 292))
        assert inked > 0.2, (png, inked)


def test_bad_atlas_filter_is_a_clear_error(processing_provider, shared_data, tmp_path):
    from qgis.core import QgsProcessingException

    import processing

    comuni = f"{shared_data / 'istat_comuni_target_2023.gpkg'}|layername=comuni"
    with pytest.raises(QgsProcessingException) as err:
        processing.run(
            "capacitymetro:exportcoveragemap",
            {
                "LAYERS": [comuni],
                "ATLAS_LAYER": comuni,
                "ATLAS_FILTER": "\"name\" = 'x' AND",
                "OUTPUT": str(tmp_path / "x.pdf"),
            },
        )
    assert "Atlas filter" in str(err.value) or "filtro" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()


def test_templates_load_with_every_item(qgis_app):
    from qgis.core import QgsProject

    from capacitymetro_plugin.maps.layout import PAPERS, load_template

    for paper in PAPERS:
        layout = load_template(QgsProject.instance(), paper)
        for item_id in ("title", "subtitle", "map", "legend", "scalebar", "north_arrow", "sources"):
            assert layout.itemById(item_id) is not None, (paper, item_id)
        assert "OpenStreetMap contributors (ODbL)" in layout.itemById("sources").text()


def test_atlas_to_png_writes_one_image_per_comune(processing_provider, shared_data, tmp_path):
    from qgis.PyQt.QtGui import QImage

    import processing

    comuni = f"{shared_data / 'istat_comuni_target_2023.gpkg'}|layername=comuni"
    result = processing.run(
        "capacitymetro:exportcoveragemap",
        {
            "LAYERS": [comuni],
            "TITLE": "PNG atlas",
            "ATLAS_LAYER": comuni,
            "ATLAS_FILTER": "\"com_istat_code\" IN ('072006', '072004')",
            "DPI": 60,
            "OUTPUT": str(tmp_path / "bari.png"),
        },
    )
    assert result["PAGES"] == 2
    files = sorted(Path(f).name for f in result["FILES"])
    assert files == ["bari_Altamura.png", "bari_Bari.png"], files
    for name in files:
        image = QImage(str(tmp_path / name))
        # A4 landscape at 60 dpi: 701.6 x 496.1 px (QGIS truncates or rounds: allow 1 px)
        assert (
            abs(image.width() - 297 / 25.4 * 60) <= 1 and abs(image.height() - 210 / 25.4 * 60) <= 1
        )


def test_default_layers_are_the_visible_project_layers(processing_provider, shared_data, tmp_path):
    from qgis.core import QgsProcessingException, QgsProject, QgsVectorLayer

    import processing

    project = QgsProject.instance()
    with pytest.raises(QgsProcessingException, match="No layers for the map"):
        processing.run("capacitymetro:exportcoveragemap", {"OUTPUT": str(tmp_path / "none.pdf")})
    shown = QgsVectorLayer(
        f"{shared_data / 'osm_servizi_venezia_cs_2009.gpkg'}|layername=pois", "Shown POIs", "ogr"
    )
    hidden = QgsVectorLayer(
        f"{shared_data / 'amtab_bari_gtfs_stops_lines_2022.gpkg'}|layername=stops",
        "Hidden stops",
        "ogr",
    )
    project.addMapLayers([shown, hidden])
    project.layerTreeRoot().findLayer(hidden.id()).setItemVisibilityChecked(False)
    try:
        result = processing.run(
            "capacitymetro:exportcoveragemap", {"OUTPUT": str(tmp_path / "project.pdf")}
        )
    finally:
        project.removeMapLayers([shown.id(), hidden.id()])
    text = " ".join(pdf_text(Path(result["OUTPUT"])).split())
    assert "Shown POIs" in text and "Hidden stops" not in text


def test_protected_services_are_not_printed_on_maps(qgis_app, shared_data, tmp_path):
    """Real Trento services, 3 of them planted as protected: the public map leaves them out."""
    from qgis.core import QgsProject

    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.maps.batch_maps import load_run_layers, protected_note
    from capacitymetro_plugin.maps.layout import build_layout, export_layout

    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    rows = table[(table["city"] == "Trento") & table["lon"].notna()].copy()
    gdf = gpd.GeoDataFrame(
        rows[["service_id", "name", "sectors"]],
        geometry=gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)),
        crs="EPSG:4326",
    )
    gdf["sectors"] = gdf["sectors"].str.replace(" ", "")
    privacy = ["hidden", "approximate", "Hidden", "", "exact", "exact", "exact", "exact"]
    gdf["location_privacy"] = privacy
    protected = set(gdf["service_id"][[0, 1, 2]])
    gpkg = tmp_path / "run.gpkg"
    gio.write_vector(gdf, gpkg, layer="services")
    before = gpkg.read_bytes()

    public = load_run_layers(gpkg, ["services"], lang="en")["services"]
    ids = {f["service_id"] for f in public.getFeatures()}
    assert ids == set(gdf["service_id"]) - protected and len(ids) == 5
    assert public.renderer().type() == "categorizedSymbol"  # still styled by sector
    note = protected_note(public, "en")
    assert note == "2 services with a hidden place not on the map"  # approximate: its hexagon
    assert protected_note(public, "it").startswith("2 servizi con luogo nascosto")

    internal = load_run_layers(gpkg, ["services"], lang="en", internal=True)["services"]
    assert internal.featureCount() == 8  # planners' maps: every exact point

    project = QgsProject()
    project.addMapLayer(public)
    layout = build_layout(project, [public], title="Trento", area_name=f"Trento — {note}")
    (pdf,) = export_layout(layout, tmp_path / "public.pdf")
    text = " ".join(pdf_text(pdf).split())
    assert "2 services with a hidden place" in text
    (map_item,) = [i for i in layout.items() if i.__class__.__name__ == "QgsLayoutItemMap"]
    assert [lyr.featureCount() for lyr in map_item.layers()] in ([5], [])  # [] = project layers
    assert gpkg.read_bytes() == before  # the user's data is never modified


def test_processing_map_export_leaves_out_protected_places(
    processing_provider, shared_data, tmp_path
):
    """Processing's "Export coverage map" applies the same rule as the CLI maps: the protected
    services are not printed unless INTERNAL, and the user's layer is left as it was."""
    from qgis.core import QgsVectorLayer

    import processing
    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.maps.layout import without_protected_places

    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    rows = table[(table["city"] == "Trento") & table["lon"].notna()].copy()
    gdf = gpd.GeoDataFrame(
        rows[["service_id", "name"]],
        geometry=gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)),
        crs="EPSG:4326",
    )
    gdf["location_privacy"] = [
        "hidden",
        "approximate",
        "Hidden",
        "",
        "exact",
        None,
        "exact",
        "exact",
    ]
    protected = set(gdf["service_id"].iloc[:3])
    gpkg = tmp_path / "services.gpkg"
    gio.write_vector(gdf, gpkg, layer="services")
    before = gpkg.read_bytes()
    layer = QgsVectorLayer(f"{gpkg}|layername=services", "Services", "ogr")
    assert layer.isValid() and layer.featureCount() == 8

    (copy, areas), hidden = without_protected_places([layer])
    assert hidden == 2 and copy.name() == "Services"
    assert {f["service_id"] for f in copy.getFeatures()} == set(gdf["service_id"]) - protected
    # the approximate one comes back as the bussola's hexagon, not its point
    _hexagon_checks(areas, gdf.geometry.iloc[1].x, gdf.geometry.iloc[1].y)

    public = processing.run(
        "capacitymetro:exportcoveragemap",
        {"LAYERS": [layer], "TITLE": "Trento", "OUTPUT": str(tmp_path / "public.pdf")},
    )
    assert public["PROTECTED_OMITTED"] == 2
    text = " ".join(pdf_text(Path(public["OUTPUT"])).split())
    assert "2 services with a hidden place not on the map" in text
    assert "Approximate place (protected)" in text and "Luogo approssimato (protetto)" in text
    internal = processing.run(
        "capacitymetro:exportcoveragemap",
        {"LAYERS": [layer], "TITLE": "Trento", "INTERNAL": True, "OUTPUT": str(tmp_path / "i.pdf")},
    )
    assert internal["PROTECTED_OMITTED"] == 0
    assert "INTERNAL: shows the exact places" in " ".join(pdf_text(tmp_path / "i.pdf").split())
    assert layer.featureCount() == 8 and layer.subsetString() == ""
    assert gpkg.read_bytes() == before  # the user's data is never modified


def test_default_extent_is_the_analysis_area_not_every_layer(qgis_app, shared_data, tmp_path):
    """Services of Trento and Venezia (a registry spanning Italy) and the comune of Bari:
    the map frames Bari, not Italy (the speck under a 0–200 km scale bar of issue 13)."""
    from qgis.core import QgsProject, QgsVectorLayer

    from capacitymetro_plugin.core import gio
    from capacitymetro_plugin.maps.layout import build_layout

    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    rows = table[table["lon"].notna()]
    services = gpd.GeoDataFrame(
        rows[["service_id", "city"]],
        geometry=gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)),
        crs="EPSG:4326",
    )
    assert set(services["city"]) == {"Trento", "Venezia"}  # 600+ km from Bari
    gpkg = tmp_path / "run.gpkg"
    gio.write_vector(services, gpkg, layer="services")
    comuni = shared_data / "istat_comuni_target_2023.gpkg"
    bari = QgsVectorLayer(f"{comuni}|layername=comuni", "comuni", "ogr")
    (feature,) = [f for f in bari.getFeatures() if f["com_istat_code"] == "072006"]
    zones_gdf = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries.from_wkt([feature.geometry().asWkt()], crs=bari.crs().authid())
    )
    gio.write_vector(zones_gdf, gpkg, layer="population_zones")
    pts = QgsVectorLayer(f"{gpkg}|layername=services", "services", "ogr")
    zones = QgsVectorLayer(f"{gpkg}|layername=population_zones", "zones", "ogr")
    project = QgsProject()
    layout = build_layout(project, [pts, zones], title="Bari")
    (map_item,) = [i for i in layout.items() if i.__class__.__name__ == "QgsLayoutItemMap"]
    e = map_item.extent()
    span_km = max(e.width(), e.height()) / 1000
    assert span_km < 60, span_km  # Bari is ~20 km across; Italy ~1,200 km


@pytest.fixture
def tile_server():
    """A real XYZ tile server on localhost: every tile a magenta PNG; counts the requests."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
    from qgis.PyQt.QtGui import QColor, QImage

    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ff00ff"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = bytes(data)
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", requests
    server.shutdown()


def test_basemap_is_drawn_under_the_map_and_credited(
    processing_provider, trento_registry, tile_server, tmp_path
):
    """A user's XYZ basemap (here a real local tile server) is printed under the layers, not in
    the legend, with its credit; without one no tile is fetched and none is drawn."""
    from qgis.core import QgsVectorLayer

    import processing
    from capacitymetro_plugin.maps.layout import basemap_layer

    url, requests = tile_server
    tiles = basemap_layer(url, "Test tiles")
    services = QgsVectorLayer(f"{trento_registry}|layername=services", "services", "ogr")
    outs = {}
    for name, extra in (("with", {"BASEMAP": tiles}), ("without", {})):
        outs[name] = tmp_path / f"{name}.pdf"
        processing.run(
            "capacitymetro:exportcoveragemap",
            {"LAYERS": [services], "TITLE": "Basemap", "OUTPUT": str(outs[name]), **extra},
        )
        if name == "with":
            assert requests, "no tile was requested"
            fetched = len(requests)
    assert len(requests) == fetched  # the map without a basemap asked for nothing
    with_text = " ".join(pdf_text(outs["with"]).split())
    assert "Basemap: Test tiles" in with_text
    assert "Basemap" not in " ".join(pdf_text(outs["without"]).split()).replace("Basemap ", "", 1)
    [with_png] = pdf_to_png(outs["with"])
    [without_png] = pdf_to_png(outs["without"])
    inked, colours = region_stats(with_png, (10, 27, 200, 173))
    assert has_colour_near(colours, "#ff00ff", 30) and inked > 0.9  # the tiles fill the frame
    _, plain = region_stats(without_png, (10, 27, 200, 173))
    assert not has_colour_near(plain, "#ff00ff", 30)
    _, legend = region_stats(with_png, (215, 27, 72, 118))
    assert not has_colour_near(legend, "#ff00ff", 30)  # the basemap is not a legend entry


def test_offline_raster_basemap_and_bad_sources(qgis_app, trento_registry, tmp_path):
    """A GeoTIFF prints offline under the map; a source that is neither a URL template, a wms:
    source nor a file, and a file that is not a raster, are named errors (IT/EN)."""
    import numpy as np
    from osgeo import gdal, osr
    from qgis.core import QgsProject, QgsVectorLayer

    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.maps.layout import basemap_layer, build_layout, export_layout

    tif = tmp_path / "basemap.tif"
    dst = gdal.GetDriverByName("GTiff").Create(str(tif), 200, 200, 3, gdal.GDT_Byte)
    dst.SetGeoTransform((655_000, 100, 0, 5_110_000, 0, -100))  # over Trento, UTM 32N
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32632)
    dst.SetProjection(srs.ExportToWkt())
    for band, value in zip((1, 2, 3), (0, 200, 0)):  # green (0, 200, 0)
        dst.GetRasterBand(band).WriteArray(np.full((200, 200), value, dtype=np.uint8))
    dst = None  # written and closed
    services = QgsVectorLayer(f"{trento_registry}|layername=services", "services", "ogr")
    base = basemap_layer(str(tif))
    project = QgsProject()
    project.addMapLayers([services, base], False)  # the project keeps the layers alive
    layout = build_layout(
        project,
        [services],
        title="Offline basemap",
        basemap=base,
        basemap_credit="Basemap: test raster",
    )
    [pdf] = export_layout(layout, tmp_path / "offline.pdf")
    assert "Basemap: test raster" in " ".join(pdf_text(pdf).split())
    [png] = pdf_to_png(pdf)
    _, colours = region_stats(png, (10, 27, 200, 173))
    assert has_colour_near(colours, "#00c800", 30)
    del layout
    project.clear()
    (tmp_path / "notes.txt").write_text("not a raster", encoding="utf-8")
    for bad in ("tiles please", str(tmp_path / "missing.tif"), str(tmp_path / "notes.txt")):
        with pytest.raises(InputError) as err:
            basemap_layer(bad)
        assert "Basemap" in err.value.message and "mappa di base" in err.value.message_it.lower()


PT_MM = MM_PER_INCH / 72.0


def svg_path_vertices(pdf: Path) -> list[tuple[float, float]]:
    """Every vertex of every drawn vector path of the PDF's first page, in page mm.

    ``pdftocairo -svg`` (poppler) rewrites the PDF's content as SVG; the transforms of the
    groups and paths are composed, glyph and clip definitions (``defs``) are skipped.
    """
    import re
    import xml.etree.ElementTree as ET

    svg = pdf.with_suffix(".svg")
    subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", str(pdf), str(svg)], check=True)
    root = ET.parse(svg).getroot()
    number = re.compile(r"-?\d*\.?\d+(?:e-?\d+)?")

    def matrix(text: str | None):
        if not text:
            return (1, 0, 0, 1, 0, 0)
        m = re.match(r"\s*matrix\(([^)]*)\)", text)
        if m:
            return tuple(float(v) for v in number.findall(m.group(1)))
        m = re.match(r"\s*translate\(([^)]*)\)", text)
        if m:
            v = [float(x) for x in number.findall(m.group(1))] + [0.0]
            return (1, 0, 0, 1, v[0], v[1])
        raise AssertionError(f"unexpected SVG transform {text}")

    def compose(a, b):  # a then b: b applied first
        return (
            a[0] * b[0] + a[2] * b[1],
            a[1] * b[0] + a[3] * b[1],
            a[0] * b[2] + a[2] * b[3],
            a[1] * b[2] + a[3] * b[3],
            a[0] * b[4] + a[2] * b[5] + a[4],
            a[1] * b[4] + a[3] * b[5] + a[5],
        )

    out: list[tuple[float, float]] = []

    def walk(node, m):
        tag = node.tag.split("}")[-1]
        if tag in ("defs", "clipPath", "symbol", "mask", "pattern"):
            return
        m = compose(m, matrix(node.get("transform")))
        if tag == "path":
            values = [float(v) for v in number.findall(re.sub(r"[A-Za-z]", " ", node.get("d", "")))]
            for x, y in zip(values[0::2], values[1::2]):
                out.append(
                    ((m[0] * x + m[2] * y + m[4]) * PT_MM, (m[1] * x + m[3] * y + m[5]) * PT_MM)
                )
        for child in node:
            walk(child, m)

    walk(root, (1, 0, 0, 1, 0, 0))
    return out


def page_mm(map_item, x: float, y: float) -> tuple[float, float]:
    """Where a point of the map item's CRS falls on the page, in mm."""
    extent = map_item.extent()
    pos, size = map_item.positionWithUnits(), map_item.sizeWithUnits()
    return (
        pos.x() + (x - extent.xMinimum()) / extent.width() * size.width(),
        pos.y() + (extent.yMaximum() - y) / extent.height() * size.height(),
    )


def marker_share(png: Path, centre_mm, radius_mm: float, colours, dpi: int) -> float:
    """Share of the pixels of a disc (page mm) drawn in one of ``colours`` (a marker's)."""
    from qgis.PyQt.QtGui import QColor, QImage

    image = QImage(str(png))
    cx, cy, r = (v / MM_PER_INCH * dpi for v in (*centre_mm, radius_mm))
    refs = [QColor(c) for c in colours]
    hit = total = 0
    for y in range(int(cy - r), int(cy + r) + 1):
        for x in range(int(cx - r), int(cx + r) + 1):
            if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
                continue
            c = QColor(image.pixel(x, y))
            total += 1
            close = (
                abs(c.red() - ref.red()) + abs(c.green() - ref.green()) + abs(c.blue() - ref.blue())
                for ref in refs
            )
            hit += min(close) <= 60
    return hit / total


def _trento_protected(shared_data, tmp_path):
    """Real Trento services in a run GeoPackage: 2 hidden, 1 approximate (the Questura), 5 exact."""
    from capacitymetro_plugin.core import gio

    table = pd.read_csv(shared_data / "servizi_migranti_da_pagine_web.csv", dtype=str)
    rows = table[(table["city"] == "Trento") & table["lon"].notna()].copy()
    gdf = gpd.GeoDataFrame(
        rows[["service_id", "name", "sectors"]],
        geometry=gpd.points_from_xy(rows["lon"].astype(float), rows["lat"].astype(float)),
        crs="EPSG:4326",
    ).reset_index(drop=True)
    gdf["sectors"] = gdf["sectors"].str.replace(" ", "")
    gdf["location_privacy"] = ["hidden", "approximate", "Hidden", "", "exact", None, "exact", ""]
    gpkg = tmp_path / "run.gpkg"
    gio.write_vector(gdf, gpkg, layer="services")
    return gdf, gpkg


def _hexagon_checks(areas, lon: float, lat: float) -> float:
    """The drawn area holds the true place, is the bussola's hexagon, and is not centred on it;
    returns the distance (m) from its centre to the true place."""
    from pyproj import Transformer
    from shapely import wkt
    from shapely.geometry import Point
    from shapely.ops import transform

    from capacitymetro_plugin.core.registry.privacy import HEX_RADIUS_M, approximate_polygon

    (feature,) = list(areas.getFeatures())
    assert [f.name() for f in areas.fields()] == ["sectors", "colour"]  # no name, no place
    polygon = wkt.loads(feature.geometry().asWkt())
    assert polygon.contains(Point(lon, lat))
    assert polygon.equals_exact(approximate_polygon(lon, lat), 1e-9)  # what the bussola shows
    utm = Transformer.from_crs(4326, 32632, always_xy=True).transform
    hexagon, place = transform(utm, polygon), transform(utm, Point(lon, lat))
    assert hexagon.area > 0.9 * 3 * 3**0.5 / 2 * HEX_RADIUS_M**2  # ~0.94 km², not a dot
    return hexagon.centroid.distance(place)


def test_approximate_places_are_printed_as_their_hexagon(qgis_app, shared_data, tmp_path):
    """CLI maps: the approximate Questura is its ~1 km hexagon, hatched in its sector colour,
    with a legend entry; the hidden ones are counted in the subtitle; no marker and no vector
    vertex of the PDF sits at the exact place (the internal map, drawn the same way, has them)."""
    from qgis.core import QgsCoordinateTransform, QgsPointXY, QgsProject

    from capacitymetro_plugin.maps.batch_maps import load_run_layers, protected_note
    from capacitymetro_plugin.maps.layout import build_layout, export_layout
    from capacitymetro_plugin.maps.make_styles import SECTOR_SYMBOLS

    gdf, gpkg = _trento_protected(shared_data, tmp_path)
    before = gpkg.read_bytes()
    lon, lat = gdf.geometry.iloc[1].x, gdf.geometry.iloc[1].y
    assert gdf["sectors"].iloc[1] == "documents_legal"
    green = SECTOR_SYMBOLS["documents_legal"][0]

    layers = load_run_layers(gpkg, ["services"], lang="en")
    public, areas = layers["services"], layers["services_approximate"]
    assert public.featureCount() == 5 and areas.name() == "Approximate place (protected)"
    assert protected_note(public, "en") == "2 services with a hidden place not on the map"
    assert protected_note(public, "it") == "2 servizi con luogo nascosto non in mappa"
    italian = load_run_layers(gpkg, ["services"], lang="it")
    assert italian["services_approximate"].name() == "Luogo approssimato (protetto)"
    off_centre = _hexagon_checks(areas, lon, lat)
    assert off_centre > 250, off_centre  # measured: the Questura is 288 m from its centre

    dpi = 150
    results = {}
    project = QgsProject()  # one project for both maps: it owns the layers until the end
    internal_layer = load_run_layers(gpkg, ["services"], lang="en", internal=True)["services"]
    project.addMapLayers([public, areas, internal_layer])
    for kind in ("public", "internal"):
        if kind == "public":
            shown = [public, areas]
            note = protected_note(public, "en")
        else:
            shown = [internal_layer]
            note = "internal"
        layout = build_layout(project, shown, title="Trento", area_name=f"Trento — {note}")
        # the same frame for both maps: the public one's (the hexagon widens the extent)
        if kind == "internal":
            layout.itemById("map").zoomToExtent(results["public"]["extent"])
        (pdf,) = export_layout(layout, tmp_path / f"{kind}.pdf", dpi=dpi)
        map_item = layout.itemById("map")
        to_map = QgsCoordinateTransform(public.crs(), map_item.crs(), project)
        true_xy = to_map.transform(QgsPointXY(lon, lat))
        exact = gdf.geometry.iloc[5]  # S009, reception: an orange circle alone
        exact_xy = to_map.transform(QgsPointXY(exact.x, exact.y))
        (png,) = pdf_to_png(pdf, dpi)
        colours = [green, "#1a1a1a"]
        at_place = page_mm(map_item, true_xy.x(), true_xy.y())
        results[kind] = {
            "extent": map_item.extent(),
            "text": " ".join(pdf_text(pdf).split()),
            "marker_at_place": marker_share(png, at_place, 1.0, colours, dpi),
            "marker_at_exact": marker_share(
                png,
                page_mm(map_item, exact_xy.x(), exact_xy.y()),
                1.0,
                [SECTOR_SYMBOLS["reception"][0], "#1a1a1a"],
                dpi,
            ),
            "vertices": svg_path_vertices(pdf),
            "at_place": at_place,
            "png": png,
        }
    pub, internal = results["public"], results["internal"]
    assert "Approximate place (protected)" in pub["text"]
    assert "2 services with a hidden place not on the map" in pub["text"]

    def nearest_vertex_mm(r) -> float:
        px, py = r["at_place"]
        return min(((x - px) ** 2 + (y - py) ** 2) ** 0.5 for x, y in r["vertices"])

    marker_mm = 3.6  # registry_services.qml
    # an exact service keeps its marker on both maps: the pixel check sees markers
    assert pub["marker_at_exact"] > 0.5 and internal["marker_at_exact"] > 0.5
    # the internal map has the Questura's marker at the exact place (pixels and path vertices:
    # measured 0.89 and 1.8 mm), the public one neither (0.0; nearest vertex 17 mm away, a
    # corner of the hexagon): the check would catch a marker left on a public map
    assert internal["marker_at_place"] > 0.5 and nearest_vertex_mm(internal) < marker_mm
    assert pub["marker_at_place"] < 0.2
    assert nearest_vertex_mm(pub) > 2 * marker_mm
    # the hexagon is drawn: its hatch in the sector colour inside the map frame
    _share, map_colours = region_stats(pub["png"], (10, 27, 200, 173), dpi)
    assert has_colour_near(map_colours, green)
    assert gpkg.read_bytes() == before  # the user's data is never modified
