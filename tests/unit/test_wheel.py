"""A wheel of the package (``pip install .``, not editable) holds every file the code reads.

Before, ``pip install .`` gave a package without the HSDS schemas, the layouts, the styles and the
core's CSV tables: the CLI then failed on ``validate-hsds`` and on language access. This builds the
wheel with pip, checks its members against the files git tracks, installs it into a fresh venv and
runs the code that reads those files from the installed copy, outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = "capacitymetro_plugin"
# Tracked files a wheel does not need: translation sources (the .qm are built from them) and the
# core's lint settings.
NOT_SHIPPED = {
    f"{PKG}/i18n/capacitymetro_it.ts",
    f"{PKG}/core/ruff.toml",
    f"{PKG}/styles",  # the link itself; its files are checked one by one
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # From a copy of the checkout's files: a build in the repository would reuse what an earlier
    # build or the editable install left in build/ and *.egg-info (SOURCES.txt lists data files).
    src = tmp_path_factory.mktemp("src")
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        source, target = ROOT / name, src / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, target)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(src)],
        check=True, cwd=src, capture_output=True, text=True,
    )  # fmt: skip
    (whl,) = out.glob("capacitymetro-*.whl")
    return whl


def _needed_files() -> set[str]:
    tracked = subprocess.run(
        ["git", "ls-files", PKG], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    needed = {f for f in tracked if not f.endswith(".py") and f not in NOT_SHIPPED}
    # styles/ is a link to the repository's styles folder: its QML files ship too.
    needed |= {f"{PKG}/styles/{p.name}" for p in (ROOT / "styles").glob("*.qml")}
    return needed


def test_the_wheel_holds_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    needed = _needed_files()
    assert any("/schemas/hsds-3.1/service.json" in f for f in needed)  # the check sees them
    assert needed - names == set()


def test_the_installed_wheel_reads_its_own_data(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run(
        ["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], check=True
    )
    py = venv / "bin" / "python"
    # The pip packages of the test venv (geopandas, ...) without its editable install of the repo:
    # a path in a .pth file, whose own .pth files (the editable finder) are not read.
    purelib = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "test-venv-packages.pth").write_text(purelib + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    # The installed copy, run from elsewhere: not the repository's files through sys.path.
    script = textwrap.dedent(
        f"""
        import sys
        sys.path = [p for p in sys.path if p not in ({str(ROOT)!r}, "", ".")]
        import capacitymetro_plugin
        from pathlib import Path
        here = Path(capacitymetro_plugin.__file__).resolve().parent
        assert {str(ROOT)!r} not in str(here), here
        from capacitymetro_plugin.core.registry.hsds import hsds_schema_dir
        for v in ("3.0", "3.1"):
            assert (hsds_schema_dir(v) / "service.json").is_file(), v
        from capacitymetro_plugin.core.indices.language import citizenship_languages
        print(len(citizenship_languages()))
        for sub, pattern in (("layouts", "*.qpt"), ("styles", "*.qml")):
            assert list((here / sub).glob(pattern)), sub
        """
    )
    done = subprocess.run(
        [str(py), "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 50
