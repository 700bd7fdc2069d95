"""The plugin as a user gets it: the zip of scripts/package.sh, unpacked into a plugins folder of
its own, run by qgis_process. HSDS validation must work from that copy alone (its own schemas).

qgis_process gets a throwaway HOME, ``QGIS_PLUGINPATH`` at the unpacked folder and, on
``PYTHONPATH``, only the venv's site-packages (the dependencies): not the repository. The venv's
editable install of the repository is a ``.pth`` hook, which Python runs for site directories only,
never for ``PYTHONPATH`` entries, so ``capacitymetro_plugin`` can only come from the unpacked zip.
The "HSDS schemas: ..." log line is built from the imported module's own file, which proves it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import pytest

from capacitymetro_plugin.core.registry import hsds

REPO = Path(__file__).resolve().parents[2]
QGIS_PROCESS = "/usr/bin/qgis_process.bin"

pytestmark = pytest.mark.realdata  # the sample registry is built from ../shared/data


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    """The folder holding the plugin unpacked from a freshly built zip."""
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        ["bash", str(REPO / "scripts" / "package.sh"), str(dist)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    plugins = tmp_path_factory.mktemp("plugins")
    with zipfile.ZipFile(built.stdout.strip().splitlines()[-1]) as zf:
        zf.extractall(plugins)
    assert (plugins / "capacitymetro_plugin" / "schemas" / "hsds-3.0" / "service.json").is_file()
    return plugins


@pytest.fixture(scope="module")
def run(unpacked, tmp_path_factory):
    """Run qgis_process with the unpacked plugin enabled; returns a function(args) -> result."""
    home = tmp_path_factory.mktemp("home")
    runtime = tmp_path_factory.mktemp("xdg")
    runtime.chmod(0o700)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_PLUGINPATH"}
    }
    env.update(
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(runtime),
        QGIS_PLUGINPATH=str(unpacked),
        PYTHONPATH=sysconfig.get_paths()["purelib"],
    )

    def _run(*args: str) -> subprocess.CompletedProcess:
        # cwd away from the repository, so no relative path can reach its copy of the plugin
        return subprocess.run(
            [QGIS_PROCESS, *args],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
            timeout=600,
        )

    enabled = _run("plugins", "enable", "capacitymetro_plugin")
    output = enabled.stdout + enabled.stderr
    assert enabled.returncode == 0 or "already enabled" in output, output
    return _run


def _outputs(done: subprocess.CompletedProcess) -> dict[str, str]:
    results = done.stdout.split("Results", 1)[-1]
    return dict(
        line.split(":\t", 1) for line in results.splitlines() if ":\t" in line
    )  # qgis_process 3.22 prints "NAME:\tvalue"


def test_hsds_validation_runs_from_the_unpacked_zip(run, unpacked, shared_data, tmp_path):
    shipped = unpacked / "capacitymetro_plugin" / "schemas" / "hsds-3.0"
    registry = tmp_path / "sample.gpkg"
    done = run(
        "run",
        "capacitymetro:build_sample_registry",
        "--",
        f"DATA_DIR={shared_data}",
        f"REGISTRY={registry}",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _outputs(done)["SERVICES"] == "59"

    # a valid export: validated (on by default) against the unpacked plugin's own schemas
    json_path, folder = tmp_path / "hsds.json", tmp_path / "hsds_csv"
    done = run(
        "run",
        "capacitymetro:export_hsds",
        "--",
        f"REGISTRY={registry}",
        f"OUTPUT_JSON={json_path}",
        f"OUTPUT_FOLDER={folder}",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"HSDS schemas: {shipped}" in done.stdout
    assert "Valid HSDS: no schema errors." in done.stdout
    assert _outputs(done)["VALIDATION_ERRORS"] == "0"
    assert (folder / "datapackage.json").is_file()

    # a broken document: the same errors as the core reports, listed in the log
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    doc["services"][0]["status"] = "open"
    doc["services"][1]["languages"] = [{"code": 39}]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    expected = hsds.validate_hsds_path(broken)
    assert len(expected) == 3, expected  # status; language code not a string, no id
    done = run("run", "capacitymetro:validate_hsds", "--", f"INPUT={broken}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"HSDS schemas: {shipped}" in done.stdout
    assert _outputs(done)["ERRORS"] == "3"
    for error in expected:
        assert error in done.stderr, (error, done.stderr)
    assert "Not valid HSDS: 3 schema errors." in done.stderr
