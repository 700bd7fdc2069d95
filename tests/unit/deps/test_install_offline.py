"""The installer for real, offline: pip resolves against QGIS's Python (here the dev venv) and
installs into the profile folder from a folder of wheels (CAPACITYMETRO_WHEELS), no index.

The wheels are built in the test from generated packages, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capacitymetro_plugin import deps, deps_install

SCRIPT = Path(deps_install.__file__)


def _package(root: Path, name: str, version: str, requires: list[str]) -> Path:
    src = root / f"{name}-{version}"
    module = name.replace("-", "_")
    (src / module).mkdir(parents=True)
    (src / module / "__init__.py").write_text(f"__version__ = {version!r}\n")
    deps_list = ", ".join(f'"{r}"' for r in requires)
    (src / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "{version}"\ndependencies = [{deps_list}]\n'
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[tool.setuptools]\npackages = ["{module}"]\n'
    )
    return src


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    """cmtiny-a 1.0 (needs cmtiny-b and numpy), cmtiny-b 1.0, cmtiny-old 1.0 and 2.0."""
    root = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("wheels")
    for args in [
        ("cmtiny-a", "1.0", ["cmtiny-b>=1", "numpy>=1.20", "cmtiny-old>=2"]),
        ("cmtiny-b", "1.0", []),
        ("cmtiny-old", "1.0", []),
        ("cmtiny-old", "2.0", []),
    ]:
        src = _package(root, *args)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "-q",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-w",
                str(out),
                str(src),
            ],
            check=True,
            capture_output=True,
        )
    return out


@pytest.fixture()
def qgis_python(tmp_path, wheels, monkeypatch):
    """This Python with cmtiny-old 1.0 installed 'by QGIS' (a folder on sys.path)."""
    system = tmp_path / "qgis-site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--find-links",
            str(wheels),
            "--target",
            str(system),
            "cmtiny-old==1.0",
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setattr(sys, "path", [*sys.path, str(system)])
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)  # only the test's wheels
    return system


def test_offline_install_puts_new_and_upgraded_packages_apart(tmp_path, wheels, qgis_python):
    target = tmp_path / "profile" / "capacitymetro_deps" / "deps-py3.11"
    lines: list[str] = []
    installed, left = deps_install.install(
        ["cmtiny-a>=1.0"], target, wheels=wheels, python=Path(sys.executable), log=lines.append
    )
    log = "\n".join(lines)
    assert sorted(installed) == ["cmtiny-a==1.0", "cmtiny-b==1.0", "cmtiny-old==2.0"], log
    assert left == []
    assert "--no-index" in log  # offline: no package index asked
    names = sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info"))
    assert "cmtiny_a" in names and "cmtiny_b" in names
    assert "numpy" not in names  # QGIS's numpy satisfies cmtiny-a: never a second copy
    assert (target / "upgrades" / "cmtiny_old").is_dir()  # newer than QGIS's: goes first
    assert not (target / "cmtiny_old").exists()
    pins = (target.parent / "constraints-deps-py3.11.txt").read_text()
    assert f"numpy=={deps.installed_version('numpy')}" in pins

    deps.activate(target)
    import cmtiny_a
    import cmtiny_old

    assert cmtiny_a.__file__.startswith(str(target))
    assert cmtiny_old.__version__ == "2.0"  # the upgrade wins over QGIS's 1.0


def test_a_python_without_pip_is_bootstrapped_from_a_pip_wheel(tmp_path, wheels):
    """Debian's bare QGIS has no pip (python3-pip is no dependency) and ensurepip is disabled."""
    pip_wheels = sorted(Path("/usr/share/python-wheels").glob("pip-*.whl"))
    if not pip_wheels:
        pytest.skip("no pip wheel on this machine (Debian: python3-pip-whl)")
    offline = tmp_path / "wheels"
    shutil.copytree(wheels, offline)
    shutil.copy(pip_wheels[-1], offline)
    venv = tmp_path / "nopip"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0
    target = tmp_path / "deps"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    result = subprocess.run(
        [python, str(SCRIPT), "--target", str(target), "--wheels", str(offline), "cmtiny-b"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "QGIS's Python has no pip: using a pip wheel." in result.stdout
    assert "DONE" in result.stdout
    assert (target / "cmtiny_b" / "__init__.py").is_file()
