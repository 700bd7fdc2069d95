"""The plugin zip of scripts/package.sh: what plugins.qgis.org accepts, and a zip that stands alone.

Read from qgis/QGIS-Django, ``qgis-app/plugins/validator.py`` (the upload validator), to learn what
it refuses; each check of it this file covers, by test:

- zip size <= PLUGIN_MAX_UPLOAD_SIZE (25 MB by default)          -> test_size_within_limits
- the archive opens and ``testzip()`` finds no bad member          -> test_names_are_safe_...
- no member with ".." or a leading "/"                             -> test_names_are_safe_...
- no ".pyc" member; no "__MACOSX", ".git", "__pycache__" folder   -> test_names_are_safe_...
- one top-level folder (else a warning), its name matching
  ``^[A-Za-z][A-Za-z0-9-_]+$``                                    -> test_one_top_level_folder...
- ``<folder>/__init__.py`` present                                 -> test_init_has_class_factory
- ``<folder>/metadata.txt`` with a [general] section and the required
  keys name, description, version, qgisMinimumVersion, author, email,
  about, tracker, repository                                       -> test_metadata_as_the_site_...
- the icon named by metadata is read from the zip                  -> test_metadata_as_the_site_...
- boolean flags (experimental, deprecated, server) are true/false  -> test_metadata_as_the_site_...
- tracker, repository, homepage are URLs with scheme and host, not
  the template placeholders (http://bugs, http://repo, http://homepage)
                                                                   -> test_metadata_as_the_site_...
- ``<folder>/LICENSE`` present (mandatory since June 2024)         -> test_the_zip_stands_alone
- author without "/"                                               -> test_metadata_as_the_site_...
Not covered: that the URLs answer (the site sends HEAD requests; no internet here), that the
version is new for the plugin (the site's database).

Beyond the site, the Plugin Manager's own needs: classFactory in __init__.py, qgisMinimumVersion
<= qgisMaximumVersion, a numeric version; and ours: no hidden files or links, no .ts sources, the
compiled .qm, styles, layouts, the HSDS schemas with their licence, README.md.
"""

from __future__ import annotations

import ast
import configparser
import re
import stat
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "capacitymetro_plugin"
PACKAGE = "capacitymetro_plugin"
SITE_MAX_BYTES = 25_000_000  # validator.py's PLUGIN_MAX_UPLOAD_SIZE default
# Our own budget, far below the site's: the HSDS folder with compiled/ alone is 17 MB, so a
# change that vendors too much fails here before anyone uploads it.
ZIP_BUDGET_BYTES = 1_000_000
FILE_BUDGET_BYTES = 300_000  # the largest file today is the .qm, ~53 kB uncompressed
SITE_REQUIRED = (
    "name",
    "description",
    "version",
    "qgisMinimumVersion",
    "author",
    "email",
    "about",
    "tracker",
    "repository",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build the zip as `make package` does (a fresh one: a stale dist/ zip would prove nothing)."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "package.sh"), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.is_file(), done.stdout
    return path


@pytest.fixture(scope="module")
def archive(built):
    with zipfile.ZipFile(built) as zf:
        yield zf


@pytest.fixture(scope="module")
def names(archive) -> list[str]:
    return archive.namelist()


@pytest.fixture(scope="module")
def metadata(archive) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(archive.read(f"{PACKAGE}/metadata.txt").decode("utf-8"))
    assert parser.has_section("general")
    return dict(parser["general"])


def test_size_within_limits(built, archive):
    size = built.stat().st_size
    assert size <= SITE_MAX_BYTES
    assert size <= ZIP_BUDGET_BYTES, f"{built.name} is {size} bytes"
    big = [i.filename for i in archive.infolist() if i.file_size > FILE_BUDGET_BYTES]
    assert big == []


def test_names_are_safe_and_hold_no_caches_or_hidden_files(archive, names):
    assert archive.testzip() is None
    for name in names:
        parts = name.rstrip("/").split("/")
        assert ".." not in name and not name.startswith("/"), name
        assert not name.endswith((".pyc", ".pyo")), name
        assert not {"__MACOSX", ".git", "__pycache__"} & set(parts), name
        assert not any(p.startswith(".") for p in parts), f"hidden file or folder: {name}"
    links = [
        i.filename for i in archive.infolist() if stat.S_ISLNK(i.external_attr >> 16)
    ]  # zip keeps a link as a link: the Plugin Manager would unpack a dangling ../styles
    assert links == []


def test_one_top_level_folder_named_as_the_package(names):
    assert {n.split("/")[0] for n in names} == {PACKAGE}
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9-_]+", PACKAGE)


def test_init_has_class_factory(archive):
    tree = ast.parse(archive.read(f"{PACKAGE}/__init__.py").decode("utf-8"))
    factories = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "classFactory"
    ]
    assert len(factories) == 1 and [a.arg for a in factories[0].args.args] == ["iface"]


def test_metadata_as_the_site_and_the_plugin_manager_read_it(archive, names, metadata):
    assert archive.read(f"{PACKAGE}/metadata.txt") == (PLUGIN / "metadata.txt").read_bytes()
    for key in SITE_REQUIRED:
        assert metadata.get(key, "").strip(), f"metadata.txt: {key} missing or empty"
    assert metadata.get("homepage", "").strip()  # recommended by the site
    assert "/" not in metadata["author"]
    assert re.fullmatch(r"\d+(\.\d+){1,3}", metadata["version"]), metadata["version"]
    versions = [metadata["qgisMinimumVersion"], metadata.get("qgisMaximumVersion", "99.99")]
    for v in versions:
        assert re.fullmatch(r"\d+\.\d+(\.\d+)?", v), v
    low, high = (tuple(int(p) for p in v.split(".")) for v in versions)
    assert low <= high
    for flag in ("experimental", "deprecated", "server"):
        if flag in metadata:
            assert metadata[flag].strip().lower() in {"true", "false", "1", "0"}, flag
    for key, placeholder in (
        ("tracker", "http://bugs"),
        ("repository", "http://repo"),
        ("homepage", "http://homepage"),
    ):
        url = urlparse(metadata[key])
        assert url.scheme in {"http", "https"} and url.netloc, key
        assert metadata[key] != placeholder, key
    icon = metadata["icon"].removeprefix("./")
    assert f"{PACKAGE}/{icon}" in names and archive.read(f"{PACKAGE}/{icon}")


def test_the_zip_stands_alone(archive, names):
    files = {n.removeprefix(f"{PACKAGE}/") for n in names if not n.endswith("/")}
    assert archive.read(f"{PACKAGE}/LICENSE") == (REPO / "LICENSE").read_bytes()
    assert b"GNU GENERAL PUBLIC LICENSE" in archive.read(f"{PACKAGE}/LICENSE")
    readme = archive.read(f"{PACKAGE}/README.md").decode("utf-8")
    assert "docs/install.md" in readme
    # translations compiled, sources left out (QGIS loads only the .qm)
    assert "i18n/capacitymetro_it.qm" in files
    assert not [f for f in files if f.endswith(".ts")]
    # styles come through the styles/ link as real files; layouts as they are
    for folder, pattern in (("styles", "*.qml"), ("layouts", "*.qpt")):
        wanted = {f"{folder}/{p.name}" for p in (PLUGIN / folder).glob(pattern)}
        assert wanted and wanted <= files, folder
    # the HSDS schemas the validator defaults to, byte for byte, with licence and notice
    for version in ("3.0", "3.1"):
        folder = PLUGIN / "schemas" / f"hsds-{version}"
        for path in folder.iterdir():
            member = f"{PACKAGE}/schemas/hsds-{version}/{path.name}"
            assert archive.read(member) == path.read_bytes(), member
        assert {"LICENSE", "NOTICE", "service.json"} <= {p.name for p in folder.iterdir()}
    # every module of the plugin is there (nothing lost by the copy)
    tracked = subprocess.run(
        ["git", "ls-files", "--", PACKAGE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    modules = {p.removeprefix(f"{PACKAGE}/") for p in tracked if p.endswith(".py")}
    assert modules and modules <= files
