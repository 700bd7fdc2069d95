"""Finding QGIS's Python interpreter on each platform (fake installations in tmp folders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from capacitymetro_plugin.deps_install import qgis_python_executable


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return path


def test_windows_osgeo4w_qgis_bin_is_not_python(tmp_path):
    root = tmp_path / "OSGeo4W"
    qgis = _touch(root / "bin" / "qgis-bin.exe")
    python = _touch(root / "apps" / "Python312" / "python.exe")
    found = qgis_python_executable(str(qgis), str(root / "apps" / "Python312"), "win32", (3, 12))
    assert found == python


def test_windows_python3_exe_when_no_python_exe(tmp_path):
    prefix = tmp_path / "apps" / "Python39"
    python = _touch(prefix / "python3.exe")
    found = qgis_python_executable(
        str(tmp_path / "bin" / "qgis-ltr-bin.exe"), str(prefix), "win32", (3, 9)
    )
    assert found == python


def test_windows_real_python_is_kept(tmp_path):
    prefix = tmp_path / "apps" / "Python312"
    python = _touch(prefix / "python.exe")
    assert qgis_python_executable(str(python), str(prefix), "win32", (3, 12)) == python


def test_macos_bundle(tmp_path):
    macos = tmp_path / "QGIS.app" / "Contents" / "MacOS"
    qgis = _touch(macos / "QGIS")
    python = _touch(macos / "bin" / "python3")
    prefix = (
        tmp_path / "QGIS.app" / "Contents" / "Frameworks" / "Python.framework" / "Versions" / "3.11"
    )
    assert qgis_python_executable(str(qgis), str(prefix), "darwin", (3, 11)) == python


def test_linux_system_python(tmp_path):
    python = _touch(tmp_path / "usr" / "bin" / "python3")
    assert qgis_python_executable(str(python), str(tmp_path / "usr"), "linux", (3, 11)) == python


def test_linux_embedded_python_reports_another_interpreter(tmp_path):
    # embedded in qgis_process, sys.executable may be the first python3 on PATH (a pyenv)
    other = _touch(tmp_path / "pyenv" / "versions" / "3.11.7" / "bin" / "python3")
    mine = _touch(tmp_path / "usr" / "bin" / "python3.11")
    assert qgis_python_executable(str(other), str(tmp_path / "usr"), "linux", (3, 11)) == mine


def test_linux_executable_is_qgis_itself(tmp_path):
    qgis = _touch(tmp_path / "usr" / "bin" / "qgis_process.bin")
    mine = _touch(tmp_path / "usr" / "bin" / "python3")
    assert qgis_python_executable(str(qgis), str(tmp_path / "usr"), "linux", (3, 13)) == mine


def test_no_interpreter_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No Python interpreter"):
        qgis_python_executable(str(tmp_path / "qgis-bin.exe"), str(tmp_path), "win32", (3, 12))
