"""The plugin in the real QGIS desktop application (under Xvfb): menu action, dock, selection.

QGIS starts with a throwaway profile that enables the plugin from QGIS_PLUGINPATH, then runs
``docs/dock_in_qgis.py`` with ``--code``; the script reports what the real iface did.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def test_dock_in_the_real_qgis_desktop(tmp_path, shared_data):
    from capacitymetro_plugin.core.registry.boundaries import load_comuni
    from capacitymetro_plugin.core.registry.sample import build_sample_registry

    assert shutil.which("xvfb-run") and shutil.which("qgis"), "needs xvfb and qgis (Debian)"
    registry = tmp_path / "registry.gpkg"
    build_sample_registry(
        shared_data, registry, comuni=load_comuni(shared_data / "istat_comuni_target_2023.gpkg")
    )
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "capacitymetro_plugin").symlink_to(REPO / "capacitymetro_plugin")
    ini = tmp_path / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text(
        "[PythonPlugins]\ncapacitymetro_plugin=true\n\n[qgis]\ncheckVersion=false\nshowTips=false\n"
    )
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(
        HOME=str(tmp_path),
        XDG_RUNTIME_DIR=str(runtime),
        QGIS_PLUGINPATH=str(tmp_path / "plugins"),
        PYTHONPATH=os.pathsep.join([sysconfig.get_paths()["purelib"], str(REPO)]),
        CAPACITYMETRO_DATA=str(shared_data),
        CM_REGISTRY=str(registry),
        CM_RESULT=str(tmp_path / "result.json"),
        CM_SHOT=str(tmp_path / "qgis.png"),
    )
    run = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            "qgis",
            "--profiles-path",
            str(tmp_path),
            "--nologo",
            "--noversioncheck",
            "--code",
            str(REPO / "docs" / "dock_in_qgis.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    result_file = tmp_path / "result.json"
    assert result_file.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(result_file.read_text())
    assert "error" not in result, result.get("error")
    assert result.get("done")
    assert "capacitymetro_plugin" in result["plugins"]
    assert result["action"] == "Service registry" and result["menu"] == ["&CapaCityMetro"]
    assert result["before"] == {"dock_visible": False, "checked": False}  # starts hidden
    assert result["after"] == {"dock_visible": True, "checked": True}  # the action shows it
    assert result["layer"] == "services"
    assert result["count"] == "16 of 59 services · 8 without location"
    assert result["layer_selection"]
    assert result["publish_button"] == [True, True]  # "Publish bussola…" shown and enabled
    (px, py), (cx, cy) = result["point"], result["centre"]
    assert result["canvas_crs"] == "EPSG:4326"
    assert abs(px - cx) < 1e-6 and abs(py - cy) < 1e-6  # zoomed onto Cinformi
    assert min(result["extent_size"]) == pytest.approx(0.01, rel=1e-3)
    assert (tmp_path / "qgis.png").stat().st_size > 50_000
