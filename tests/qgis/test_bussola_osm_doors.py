"""One bussola whichever door: with the area's OpenStreetMap extract, the Processing algorithm
and the dock's dialog write the same walking data as ``capacitymetro publish --osm`` (real
Trento extract, clipped once for the module to the city centre so that each door's network
build takes seconds)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from capacitymetro_plugin.cli import main
from capacitymetro_plugin.core.registry.registry import Registry, Service

pytestmark = pytest.mark.realdata

TRENTO_PBF = "osm_trento_2023-02_tnst.osm.pbf"
CENTRE = "11.110,46.060,11.135,46.078"  # lon/lat box: Duomo, station, Adige bank
DATA_FILES = ("services.js", "walk.js", "background.js", "streets.js")


def _js(path: Path, name: str):
    text = path.read_text(encoding="utf-8")
    return json.loads(text[len(f"window.{name}=") :].rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def extract(shared_data, tmp_path_factory) -> Path:
    if shutil.which("osmium") is None:
        pytest.skip("osmium-tool is needed to read .osm.pbf extracts")
    out = tmp_path_factory.mktemp("osm") / "trento_centre.osm.pbf"
    subprocess.run(
        ["osmium", "extract", "-b", CENTRE, str(shared_data / TRENTO_PBF), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reg") / "registry.gpkg"
    reg = Registry.create(path)
    reg.add_services(
        [
            # Piazza Duomo and the station (as tests/unit/cli/test_cli_publish_osm.py), and an
            # approximate place: timed to its public area, never to the point
            Service(name="Sportello", sectors=["information"], lon=11.1215, lat=46.0670),
            Service(name="Consultorio", sectors=["health"], lon=11.1196, lat=46.0722),
            Service(
                name="Casa rifugio",
                sectors=["housing"],
                lon=11.1250,
                lat=46.0650,
                location_privacy="approximate",
            ),
        ]
    )
    return path


@pytest.fixture(scope="module")
def cli_site(registry, extract, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "bussola"
    argv = ["publish", "--registry", str(registry), "--out", str(out), "--osm", str(extract)]
    assert main(argv) == 0
    walk = _js(out / "data" / "walk.js", "BUSSOLA_WALK")
    assert walk is not None and len(walk["ids"]) == 3  # the reference has walking data
    return out


def _same_data_as_cli(site: Path, cli_site: Path) -> None:
    for name in DATA_FILES:
        assert (site / "data" / name).read_bytes() == (cli_site / "data" / name).read_bytes(), name


def test_processing_with_the_extract_writes_the_cli_walking_data(
    processing_provider, registry, extract, cli_site, tmp_path
):
    import processing

    result = processing.run(
        "capacitymetro:publish_bussola",
        {
            "REGISTRY": str(registry),
            "OSM_FILE": str(extract),
            "ZIP": False,
            "OUTPUT": str(tmp_path / "bussola"),
        },
    )
    assert result["SERVICES"] == 3
    site = tmp_path / "bussola"
    walk = _js(site / "data" / "walk.js", "BUSSOLA_WALK")
    bg = _js(site / "data" / "background.js", "BUSSOLA_BG")
    assert walk and max(max(row) for row in walk["tenths_min"]) > 0
    assert bg and bg["streets"]
    _same_data_as_cli(site, cli_site)
    # without the extract: the degraded site (straight lines, blank map), as before
    processing.run(
        "capacitymetro:publish_bussola",
        {"REGISTRY": str(registry), "ZIP": False, "OUTPUT": str(tmp_path / "plain")},
    )
    assert _js(tmp_path / "plain" / "data" / "walk.js", "BUSSOLA_WALK") is None


def test_processing_says_what_is_wrong_with_the_extract(
    processing_provider, registry, extract, tmp_path
):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    import processing

    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(extract.read_bytes()[: extract.stat().st_size // 2])  # a download cut short
    garbage = tmp_path / "streets.osm"
    garbage.write_text("not xml", encoding="utf-8")
    wrong = tmp_path / "streets.geojson"  # the parameter's file filter refuses it before us
    wrong.write_text("{}", encoding="utf-8")
    for bad, says in (
        (cut, "is truncated"),
        (garbage, "Cannot read the OSM file"),
        (wrong, "OSM_FILE"),
    ):
        with pytest.raises(QgsProcessingException, match=says):
            processing.run(
                "capacitymetro:publish_bussola",
                {"REGISTRY": str(registry), "OSM_FILE": str(bad), "OUTPUT": str(tmp_path / "x")},
            )
    assert not (tmp_path / "x").exists()
    # Cancel stops the build (the feedback's cancel button)
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="Canceled|Annullato"):
        processing.run(
            "capacitymetro:publish_bussola",
            {"REGISTRY": str(registry), "OSM_FILE": str(extract), "OUTPUT": str(tmp_path / "x")},
            feedback=feedback,
        )
    assert not (tmp_path / "x").exists()


def test_dock_dialog_with_the_extract_writes_the_cli_walking_data(
    registry_dock, extract, cli_site, tmp_path, monkeypatch
):
    dock = registry_dock
    from qgis.PyQt.QtWidgets import QMessageBox, QProgressDialog
    from test_dock_merge import _Modal

    from capacitymetro_plugin.core.errors import InputError
    from capacitymetro_plugin.gui import exchange
    from capacitymetro_plugin.gui.publish_dialog import PublishDialog

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))

    def fill(folder: Path, *, cancel: bool = False):
        def act(dialog):  # what a user does: a folder, the extract, OK (then maybe Cancel)
            if isinstance(dialog, PublishDialog):
                dialog.folder_widget.setFilePath(str(folder))
                dialog.osm_widget.setFilePath(str(extract))
                dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
            elif isinstance(dialog, QProgressDialog) and cancel:
                dialog.cancel()

        return act

    with _Modal(fill(tmp_path)) as modal:
        dock.publish_button.click()
    assert [type(d) for d in modal.seen] == [PublishDialog, QProgressDialog]
    site = tmp_path / "bussola"
    assert len(shown) == 1 and "walking time" in shown[0], shown
    assert str(site) in dock.status_label.text()
    _same_data_as_cli(site, cli_site)
    # Cancel on the progress stops the network build: nothing is written
    with _Modal(fill(tmp_path / "canceled", cancel=True)):
        dock.publish_button.click()
    assert not (tmp_path / "canceled" / "bussola").exists() and len(shown) == 1
    assert "canceled" in dock.status_label.text().lower() or "annullat" in (
        dock.status_label.text().lower()
    )
    # a broken extract from the dock: the same bilingual error as the other doors
    with pytest.raises(InputError) as err:
        exchange.publish_layer(dock, tmp_path / "never", osm_file=tmp_path / "streets.txt")
    assert "non è un estratto OpenStreetMap" in err.value.localized("it")
    assert not (tmp_path / "never").exists()
