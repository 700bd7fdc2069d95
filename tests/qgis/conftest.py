"""Fixtures for tests on real QGIS (pytest-qgis starts QgsApplication offscreen)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Debian's /usr/bin/qgis_process wrapper passes a flag QGIS 3.22 rejects: call the binary behind
# it where there is one (Debian 12), else qgis_process itself (other packagings).
QGIS_PROCESS = (
    "/usr/bin/qgis_process.bin"
    if Path("/usr/bin/qgis_process.bin").exists()
    else shutil.which("qgis_process") or "qgis_process"
)


@pytest.fixture(autouse=True)
def _forget_remembered_files(qgis_app):
    """What a dialog remembers in QgsSettings (the bussola's last extract and GTFS feed) must not
    carry from one test into the next: a remembered feed without a date opened a modal error
    in a later test, which then waited forever (seen with the transit doors run first)."""
    from qgis.core import QgsSettings

    QgsSettings().remove("capacitymetro/bussola")
    yield
    QgsSettings().remove("capacitymetro/bussola")


@pytest.fixture(scope="session")
def processing_provider(qgis_app):
    """Initialise QGIS Processing and register the CapaCityMetro provider once per session."""
    from qgis.core import QgsApplication

    from capacitymetro_plugin.provider.provider import CapaCityMetroProvider
    from processing.core.Processing import Processing

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("capacitymetro")
    if provider is None:
        provider = CapaCityMetroProvider()
        assert registry.addProvider(provider)
    return provider


@pytest.fixture(scope="session")
def qgis_process_env(tmp_path_factory) -> dict[str, str]:
    """Environment for ``qgis_process`` with the plugin installed and enabled in a throwaway HOME."""
    home = tmp_path_factory.mktemp("qgis-home")
    plugins = tmp_path_factory.mktemp("qgis-plugins")
    (plugins / "capacitymetro_plugin").symlink_to(REPO / "capacitymetro_plugin")
    runtime = tmp_path_factory.mktemp("xdg-runtime")
    runtime.chmod(0o700)
    env = dict(os.environ)
    # pytest-qgis points QGIS at a profile inside the repo; qgis_process gets its own fresh one.
    env.pop("QGIS_CUSTOM_CONFIG_PATH", None)
    env.update(
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(runtime),
        QGIS_PLUGINPATH=str(plugins),
        QGIS_PROCESS=QGIS_PROCESS,  # for scripts that call it (processing/run_many_areas.sh)
        PYTHONPATH=os.pathsep.join(
            [sysconfig.get_paths()["purelib"], str(REPO), env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep),
    )
    # Python of the venv first, so qgis_process's embedded Python finds our pinned packages.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    enable = subprocess.run(
        [QGIS_PROCESS, "plugins", "enable", "capacitymetro_plugin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # qgis_process exits 1 when the plugin is already enabled (it may be, by default)
    output = enable.stdout + enable.stderr
    assert enable.returncode == 0 or "already enabled" in output, output
    return env


@pytest.fixture(scope="session")
def qgis_process(qgis_process_env):
    """Run ``qgis_process`` with the plugin enabled; returns a function(args) -> CompletedProcess."""

    def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [QGIS_PROCESS, *args],
            env=qgis_process_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return _run


@pytest.fixture()
def registry_dock(qgis_app, qgis_iface, registry):
    """The dock on the services layer of the test module's ``registry`` (a GeoPackage path)."""
    from qgis.core import QgsProject, QgsVectorLayer

    from capacitymetro_plugin.gui.dock import RegistryDock

    layer = QgsVectorLayer(f"{registry}|layername=services", "services", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    dock = RegistryDock(qgis_iface.mapCanvas())
    assert dock.layer is layer
    yield dock
    dock.set_layer(None)
    QgsProject.instance().removeMapLayer(layer.id())
    dock.deleteLater()
