"""One bussola with transit whichever door: the Processing algorithm with GTFS, date and window
writes the transit.js of ``capacitymetro publish --gtfs --date --window`` (real ACTV feed, the
small Mestre registry of tests/unit/bussola_mestre.py; a 10-minute window, one departure, so
that each door takes seconds), and both give the engine's bilingual errors on bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from capacitymetro_plugin.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from bussola_mestre import ACTV, DATE, mestre_registry  # noqa: E402
from bussola_site import site_data  # noqa: E402

pytestmark = pytest.mark.realdata
WINDOW = "08:00-08:10"


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reg") / "registry.gpkg"
    mestre_registry(path)
    return path


@pytest.fixture(scope="module")
def cli_site(registry, shared_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "bussola"
    argv = ["publish", "--registry", str(registry), "--out", str(out), "--no-zip",
            "--gtfs", str(shared_data / ACTV), "--date", DATE, "--window", WINDOW]  # fmt: skip
    assert main(argv) == 0
    assert b'"departures":1' in (out / "data" / "transit.js").read_bytes()
    return out


def test_processing_with_gtfs_writes_the_cli_transit_data(
    processing_provider, registry, shared_data, cli_site, tmp_path
):
    import processing

    processing.run(
        "capacitymetro:publish_bussola",
        {
            "REGISTRY": str(registry),
            "GTFS": str(shared_data / ACTV),
            "DATE": DATE,
            "WINDOW": WINDOW,
            "ZIP": False,
            "OUTPUT": str(tmp_path / "bussola"),
        },
    )
    for name in ("services.js", "walk.js", "transit.js"):
        got = (tmp_path / "bussola" / "data" / name).read_bytes()
        assert got == (cli_site / "data" / name).read_bytes(), name
    # without feeds (the window keeps its default): no transit, as before
    processing.run(
        "capacitymetro:publish_bussola",
        {"REGISTRY": str(registry), "ZIP": False, "OUTPUT": str(tmp_path / "plain")},
    )
    plain = (tmp_path / "plain" / "data" / "transit.js").read_text(encoding="utf-8")
    assert plain == "window.BUSSOLA_TRANSIT=null;\n"


def test_both_doors_say_what_is_wrong(processing_provider, registry, shared_data, tmp_path, capsys):
    from qgis.core import QgsProcessingException

    import processing

    feed = str(shared_data / ACTV)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    for params, says in (
        ({"GTFS": str(broken), "DATE": DATE}, "is not a readable zip file"),
        ({"DATE": DATE}, "without a GTFS feed"),
        ({"GTFS": feed}, "need a service date"),
    ):
        with pytest.raises(QgsProcessingException, match=says):
            processing.run(
                "capacitymetro:publish_bussola",
                {"REGISTRY": str(registry), "OUTPUT": str(tmp_path / "x"), **params},
            )
        if "GTFS" in params and "DATE" in params:
            continue  # the CLI's engine errors are publish's (a date outside the feed: tests/unit)
        argv = ["publish", "--registry", str(registry), "--out", str(tmp_path / "y")]
        argv += ["--gtfs", params["GTFS"]] if "GTFS" in params else []
        argv += ["--date", params["DATE"]] if "DATE" in params else []
        assert main(argv) == 2
        assert says in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_dock_dialog_with_gtfs_writes_the_cli_transit_data(
    registry_dock, shared_data, cli_site, tmp_path, monkeypatch
):
    dock = registry_dock
    from qgis.PyQt.QtWidgets import QMessageBox, QProgressDialog
    from test_dock_merge import _Modal

    from capacitymetro_plugin.gui.publish_dialog import PublishDialog

    shown, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))

    def fill(folder: Path, date: str):
        def act(dialog):  # what a user does: a folder, the feed, a date, the window, OK
            if isinstance(dialog, PublishDialog):
                dialog.folder_widget.setFilePath(str(folder))
                dialog.osm_widget.setFilePath("")
                dialog.piers_widget.setFilePath("")  # a remembered one is not asked here
                dialog.gtfs_widget.setFilePath(str(shared_data / ACTV))
                dialog.date_edit.setText(date)
                dialog.window_edit.setText(WINDOW)
                dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

        return act

    with _Modal(fill(tmp_path, DATE)) as modal:
        dock.publish_button.click()
    assert [type(d) for d in modal.seen] == [PublishDialog, QProgressDialog]
    assert len(shown) == 1 and "by public transport" in shown[0] and not warned, (shown, warned)
    for name in ("services.js", "walk.js", "transit.js"):
        got = (tmp_path / "bussola" / "data" / name).read_bytes()
        assert got == (cli_site / "data" / name).read_bytes(), name
    # no date: the other doors' error, before any progress window, nothing written
    with _Modal(fill(tmp_path / "nodate", "")) as modal:
        dock.publish_button.click()
    assert [type(d) for d in modal.seen] == [PublishDialog]
    assert len(warned) == 1 and ("service date" in warned[0] or "data di servizio" in warned[0])
    assert not (tmp_path / "nodate" / "bussola").exists()


def test_water_buses_one_site_whichever_door(processing_provider, shared_data, tmp_path, capsys):
    """Venice's water buses by headway (OSM ferry ways + the 2018 stop places, a boat every 15
    min): Processing, ``publish --osm --ferry-piers`` and the core call write the same data;
    stop places without the extract are named by both doors."""
    from qgis.core import QgsProcessingException

    import processing
    from capacitymetro_plugin.core.bussola import publish, walking_network
    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.registry import Registry

    osm = str(shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf")
    piers = str(shared_data / "venezia_fermate_vaporetto_2018.geojson")
    reg_path = tmp_path / "r.gpkg"
    Registry.create(reg_path).add_services(
        [
            Service(name="Frari", sectors=["health"], lon=12.3270, lat=45.4400),
            Service(name="Redentore", sectors=["health"], lon=12.3325, lat=45.4263),
        ]
    )
    processing.run(
        "capacitymetro:publish_bussola",
        {"REGISTRY": str(reg_path), "OSM_FILE": osm, "FERRY_PIERS": piers, "FERRY_HEADWAY": 15,
         "DATE": DATE, "WINDOW": WINDOW, "ZIP": False, "OUTPUT": str(tmp_path / "p")},
    )  # fmt: skip
    argv = ["publish", "--registry", str(reg_path), "--out", str(tmp_path / "c"), "--no-zip",
            "--osm", osm, "--ferry-piers", piers, "--ferry-headway", "15", "--date", DATE,
            "--window", WINDOW]  # fmt: skip
    assert main(argv) == 0
    transit = {"ferries": {"ways": osm, "piers": piers, "headway_min": 15.0}, "date": DATE,
               "window": WINDOW}  # fmt: skip
    publish(Registry.open(reg_path), tmp_path / "core", network=walking_network(osm),
            osm_file=osm, transit=transit, make_zip=False)  # fmt: skip
    want = (tmp_path / "core" / "data" / "transit.js").read_bytes()
    assert b'"modes":["ferry"]' in want and b'"headway":true' in want
    for door in ("p", "c"):
        assert (tmp_path / door / "data" / "transit.js").read_bytes() == want, door
    with pytest.raises(QgsProcessingException, match="without the OpenStreetMap extract"):
        processing.run(
            "capacitymetro:publish_bussola",
            {"REGISTRY": str(reg_path), "FERRY_PIERS": piers, "DATE": DATE,
             "OUTPUT": str(tmp_path / "x")},
        )  # fmt: skip
    capsys.readouterr()
    assert main(["publish", "--registry", str(reg_path), "--out", str(tmp_path / "y"),
                 "--ferry-piers", piers, "--date", DATE]) == 2  # fmt: skip
    assert "without the OpenStreetMap extract" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_dock_dialog_with_water_buses_writes_the_cli_transit_data(
    qgis_app, qgis_iface, shared_data, tmp_path, monkeypatch
):
    """The dock's dialog with the extract and the water-bus stop places (no feed) writes the
    transit.js of ``publish --osm --ferry-piers``; stop places without an extract are refused
    before the progress window."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.PyQt.QtWidgets import QMessageBox, QProgressDialog
    from test_dock_merge import _Modal

    from capacitymetro_plugin.core.registry.model import Service
    from capacitymetro_plugin.core.registry.registry import Registry
    from capacitymetro_plugin.gui.dock import RegistryDock
    from capacitymetro_plugin.gui.publish_dialog import PublishDialog

    osm = str(shared_data / "osm_venezia_centro_storico_2009_synthinel.osm.pbf")
    piers = str(shared_data / "venezia_fermate_vaporetto_2018.geojson")
    registry = tmp_path / "venice.gpkg"
    Registry.create(registry).add_services(
        [
            Service(name="Frari", sectors=["health"], lon=12.3270, lat=45.4400),
            Service(name="Redentore", sectors=["health"], lon=12.3325, lat=45.4263),
        ]
    )
    layer = QgsVectorLayer(f"{registry}|layername=services", "services", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    dock = RegistryDock(qgis_iface.mapCanvas())
    assert dock.layer is layer
    argv = ["publish", "--registry", str(registry), "--out", str(tmp_path / "cli"), "--no-zip",
            "--osm", osm, "--ferry-piers", piers, "--ferry-headway", "15", "--date", DATE,
            "--window", WINDOW]  # fmt: skip
    assert main(argv) == 0
    shown, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))

    def fill(folder: Path, extract: str):
        def act(dialog):  # a folder, the extract, the stop places, 15 min, a date, OK
            if isinstance(dialog, PublishDialog):
                dialog.folder_widget.setFilePath(str(folder))
                dialog.osm_widget.setFilePath(extract)
                dialog.gtfs_widget.setFilePath("")
                dialog.piers_widget.setFilePath(piers)
                dialog.headway_spin.setValue(15)
                dialog.date_edit.setText(DATE)
                dialog.window_edit.setText(WINDOW)
                dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

        return act

    with _Modal(fill(tmp_path, osm)) as modal:
        dock.publish_button.click()
    assert [type(d) for d in modal.seen] == [PublishDialog, QProgressDialog]
    assert len(shown) == 1 and "by public transport" in shown[0] and not warned, (shown, warned)
    got = (tmp_path / "bussola" / "data" / "transit.js").read_bytes()
    assert got == (tmp_path / "cli" / "data" / "transit.js").read_bytes()
    assert b'"modes":["ferry"]' in got and b'"headway":true' in got
    tenths = site_data(tmp_path / "bussola", "transit.js", "BUSSOLA_TRANSIT")["tenths_min"]
    assert max(max(row) for row in tenths) >= 0  # some cells reach a service by boat
    with _Modal(fill(tmp_path / "noosm", "")) as modal:
        dock.publish_button.click()
    assert [type(d) for d in modal.seen] == [PublishDialog]
    assert len(warned) == 1 and "OpenStreetMap" in warned[0]
    assert not (tmp_path / "noosm" / "bussola").exists()
    dock.set_layer(None)
    QgsProject.instance().removeMapLayer(layer.id())
    dock.deleteLater()
