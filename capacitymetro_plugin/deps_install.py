"""Install the plugin's missing Python packages into a folder of the QGIS profile, with pip.

Runs as a script in a child process of QGIS (``python deps_install.py --target DIR SPEC...``),
so the dialog can show pip's output live and cancel it, and unattended starts use the same code.
It never touches QGIS's own Python: pip installs with ``--target`` into the plugin's folder.

Why two pip runs: with ``--target`` pip ignores what is already installed and would fetch a second
numpy, pandas and pyproj into the folder. So pip first resolves *without* ``--target``
(``--dry-run --report``), where QGIS's packages count as installed and numpy and the
GDAL-linked packages QGIS has are pinned to their installed versions; what that report lists is
exactly what is missing. GDAL/PROJ/GEOS-linked packages in it are dropped (``deps.GDAL_LINKED``),
the rest is installed with ``--target --no-deps`` at the resolved versions.

A QGIS without pip (Debian's qgis does not depend on python3-pip, and Debian disables
``ensurepip``) gets pip as a wheel: a wheel is a zip Python can run (``python pip.whl/pip``),
taken from ``CAPACITYMETRO_WHEELS``, Debian's ``/usr/share/python-wheels``, or the package index.
"""

from __future__ import annotations

import configparser
import html.parser
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

try:  # inside the plugin package
    from . import deps
except ImportError:  # run as a script by the plugin: deps.py is beside this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import deps  # type: ignore[no-redef]

DEFAULT_INDEX = "https://pypi.org/simple"
KEEP_QGIS_COPY = frozenset({"certifi"})
PIP_OPTIONS = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"]


# --- which Python -----------------------------------------------------------------------------
def qgis_python_executable(
    executable: str = sys.executable,
    exec_prefix: str = sys.exec_prefix,
    platform: str = sys.platform,
    version: tuple[int, int] = tuple(sys.version_info[:2]),
) -> Path:
    """Return the Python interpreter of the running QGIS (to run pip with).

    In QGIS, ``sys.executable`` is often QGIS itself (qgis-bin.exe on Windows, QGIS.app's
    ``MacOS/QGIS``), which would start a second QGIS instead of pip. Raises FileNotFoundError
    when no interpreter is found.
    """
    exe = Path(executable) if executable else None
    prefix = Path(exec_prefix)
    # sys.executable must belong to this Python: embedded in QGIS it may be whatever "python3"
    # comes first on PATH (a pyenv, a conda), another interpreter with other packages.
    home = prefix if platform.startswith("win") else prefix / "bin"
    if (
        exe is not None
        and re.fullmatch(r"python(3(\.\d+)?)?(\.exe)?", exe.name.lower())
        and os.path.normcase(str(exe.parent)) == os.path.normcase(str(home))
        and exe.is_file()
    ):
        return exe
    major, minor = version
    if platform.startswith("win"):
        # OSGeo4W: <root>/apps/Python3x/python.exe beside the standard library
        candidates = [prefix / "python.exe", prefix / "python3.exe"]
    elif platform == "darwin":
        # QGIS.app: Contents/MacOS/QGIS with its Python in Contents/MacOS/bin
        candidates = []
        if exe is not None:
            candidates += [
                exe.parent / "bin" / "python3",
                exe.parent / "bin" / f"python{major}.{minor}",
            ]
        candidates += [prefix / "bin" / "python3", prefix / "bin" / f"python{major}.{minor}"]
    else:
        candidates = [prefix / "bin" / f"python{major}.{minor}", prefix / "bin" / "python3"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"No Python interpreter found for {executable!r} (looked at {', '.join(map(str, candidates))})."
    )


# --- pip, or a pip wheel when QGIS's Python has none -------------------------------------------
def pip_config() -> dict[str, str]:
    """Return pip's global settings (index-url, cert, ...) from its config files and PIP_*."""
    files = [Path("/etc/pip.conf"), Path("/etc/xdg/pip/pip.conf")]
    home = Path.home()
    files += [home / ".config" / "pip" / "pip.conf", home / ".pip" / "pip.conf"]
    if os.environ.get("APPDATA"):
        files.append(Path(os.environ["APPDATA"]) / "pip" / "pip.ini")
    if os.environ.get("PIP_CONFIG_FILE"):
        files.append(Path(os.environ["PIP_CONFIG_FILE"]))
    parser = configparser.ConfigParser(interpolation=None)
    parser.read([str(f) for f in files if f.is_file()], encoding="utf-8")
    out = dict(parser["global"]) if parser.has_section("global") else {}
    for key in ("index-url", "cert"):
        env = os.environ.get("PIP_" + key.upper().replace("-", "_"))
        if env:
            out[key] = env
    return out


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def _download_pip_wheel(folder: Path, log) -> Path:
    """Download the newest pure-Python pip wheel from the package index (PEP 503 page)."""
    config = pip_config()
    index = config.get("index-url", DEFAULT_INDEX).rstrip("/")
    context = None
    if config.get("cert"):
        import ssl

        context = ssl.create_default_context(cafile=config["cert"])
    page_url = f"{index}/pip/"
    log(f"Downloading pip from {page_url}")
    with urllib.request.urlopen(page_url, timeout=60, context=context) as response:
        parser = _Links()
        parser.feed(response.read().decode("utf-8", "replace"))
    wheels = []
    for link in parser.links:
        name = urllib.parse.unquote(urllib.parse.urlsplit(link).path.rsplit("/", 1)[-1])
        match = re.fullmatch(r"pip-(\d+(?:\.\d+)*)-py3-none-any\.whl", name)
        if match:
            wheels.append(
                (deps.version_tuple(match[1]), name, urllib.parse.urljoin(page_url, link))
            )
    if not wheels:
        raise RuntimeError(f"No pip wheel found at {page_url}.")
    _, name, url = max(wheels)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with urllib.request.urlopen(url, timeout=120, context=context) as response:
        target.write_bytes(response.read())
    return target


def pip_command(python: Path, cache: Path, wheels: Path | None, log=print) -> list[str]:
    """Return the command that runs pip with ``python``, bootstrapping a pip wheel if needed."""
    probe = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, text=True)
    if probe.returncode == 0:
        return [str(python), "-m", "pip"]
    log("QGIS's Python has no pip: using a pip wheel.")
    folders = [d for d in (wheels, cache, Path("/usr/share/python-wheels")) if d and d.is_dir()]
    found = [w for d in folders for w in d.glob("pip-*-py3-none-any.whl")]
    if found:
        wheel = max(found, key=lambda p: deps.version_tuple(p.name.split("-")[1]))
    elif wheels is not None:  # offline: nothing may be downloaded
        raise RuntimeError(f"No pip wheel (pip-*-py3-none-any.whl) in {wheels}.")
    else:
        wheel = _download_pip_wheel(cache, log)
    log(f"pip: {wheel}")
    return [str(python), str(wheel / "pip")]


# --- the two pip runs -----------------------------------------------------------------------------
def constraints(version_of=deps.installed_version) -> list[str]:
    """Pins for the resolver: numpy and every GDAL-linked package at the version QGIS has."""
    out = []
    for name in sorted(deps.PINNED_WHEN_INSTALLED):
        version = version_of(name)
        # an unknown version (0+unknown) cannot be pinned: pip would find it too old for its
        # dependants and fail; unpinned, pip lists the package and the installer drops it
        if version and not deps.is_unknown_version(version):
            out.append(f"{name}=={version}")
    return out


def index_options(wheels: Path | None) -> list[str]:
    """Offline (a folder of wheels, no index) or the configured package index."""
    return ["--no-index", "--find-links", str(wheels)] if wheels else []


def resolve(
    pip: list[str], specs: Sequence[str], constraints_file: Path, wheels: Path | None, run
) -> list[tuple[str, str]]:
    """Return (name, version) of every distribution pip would add to QGIS's Python."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        code = run(
            [
                *pip,
                "install",
                *PIP_OPTIONS,
                "--dry-run",
                "--report",
                str(report),
                "-c",
                str(constraints_file),
                *index_options(wheels),
                *specs,
            ]
        )
        if code != 0:
            raise RuntimeError(f"pip could not resolve {' '.join(specs)} (exit {code}).")
        data = json.loads(report.read_text(encoding="utf-8"))
    return [
        (item["metadata"]["name"], item["metadata"]["version"]) for item in data.get("install", [])
    ]


def install(
    specs: Sequence[str],
    target: Path,
    *,
    wheels: Path | None = None,
    python: Path | None = None,
    log=print,
    run=None,
) -> tuple[list[str], list[str]]:
    """Install ``specs`` and what they need into ``target``; return (installed, left to QGIS).

    ``left to QGIS`` are the GDAL/PROJ/GEOS-linked distributions pip wanted and that only
    QGIS's own build may provide.
    """
    python = python or qgis_python_executable()
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    run = run or _runner(log)
    pip = pip_command(python, target.parent / "_pip", wheels, log)
    pins = target.parent / f"constraints-{target.name}.txt"
    pins.write_text("\n".join(constraints()) + "\n", encoding="utf-8")
    log("[1/2] " + deps.tr("Resolving what QGIS's Python lacks…"))
    wanted = resolve(pip, specs, pins, wheels, run)
    skipped = [f"{n}=={v}" for n, v in wanted if deps.normalize(n) in deps.GDAL_LINKED]
    chosen = [f"{n}=={v}" for n, v in wanted if deps.normalize(n) not in deps.GDAL_LINKED]
    # QGIS's certifi may point at the system's CA store (Debian's does): a newer copy put first
    # would change which certificates every plugin trusts. Requests works with the old one.
    kept = [
        s
        for s in chosen
        if deps.normalize(s.split("==")[0]) in KEEP_QGIS_COPY
        and deps.qgis_has(s.split("==")[0], target)
    ]
    if kept:
        log(deps.tr("Kept QGIS's own copy of: {}").format(", ".join(kept)))
        chosen = [s for s in chosen if s not in kept]
    if skipped:
        log(deps.tr("Not installed (QGIS's own build is needed): {}").format(", ".join(skipped)))
    if not chosen:
        log(deps.tr("Nothing to install."))
        return [], skipped
    # new packages go to the folder appended to sys.path, newer copies of QGIS's own packages to
    # the one put first (deps.activate says why)
    upgrades = [spec for spec in chosen if deps.qgis_has(spec.split("==")[0], target)]
    new = [spec for spec in chosen if spec not in upgrades]
    for folder, group in ((target, new), (target / deps.UPGRADES, upgrades)):
        if not group:
            continue
        log("[2/2] " + deps.tr("Installing into {}: {}").format(folder, ", ".join(group)))
        code = run(
            [
                *pip,
                "install",
                *PIP_OPTIONS,
                "--target",
                str(folder),
                "--upgrade",
                "--no-deps",
                *index_options(wheels),
                *group,
            ]
        )
        if code != 0:
            raise RuntimeError(f"pip install failed (exit {code}).")
    return chosen, skipped


def _runner(log):
    """Run a command with QGIS's sys.path visible to pip (so it sees what QGIS has installed)."""
    env = child_environment()

    def run(command: list[str]) -> int:
        log("$ " + " ".join(command))
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        _children.append(child)
        try:
            for line in child.stdout:
                log(line.rstrip())
            return child.wait()
        finally:
            _children.remove(child)

    return run


_children: list[subprocess.Popen] = []


def _stop(signum, frame):  # cancel from the dialog: take pip down with us
    for child in list(_children):
        child.terminate()
    sys.exit(130)


# --- what the plugin calls ----------------------------------------------------------------------
AUTO_ENV = "CAPACITYMETRO_INSTALL_DEPS"
WHEELS_ENV = "CAPACITYMETRO_WHEELS"
SCRIPT = Path(__file__).resolve()


def installer_command(specs: Sequence[str], target: Path, python: Path | None = None) -> list[str]:
    """The command line that runs this installer in QGIS's Python (for QProcess or subprocess)."""
    python = python or qgis_python_executable()
    command = [str(python), str(SCRIPT), "--target", str(target)]
    if os.environ.get(WHEELS_ENV):
        command += ["--wheels", os.environ[WHEELS_ENV]]
    return [*command, *specs]


def child_environment() -> dict[str, str]:
    """The installer's environment: QGIS's sys.path, so pip sees what QGIS's Python has."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and Path(p).is_dir())
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_unattended(target: Path, log=print) -> tuple[int, deps.Report]:
    """Install what the check finds missing without asking (batch runs, qgis_process, tests).

    Returns the installer's exit code (0 all installed, 3 GDAL-linked left to QGIS, 1 failed,
    -1 nothing to do) and the check made afterwards, with ``target`` active on ``sys.path``.
    """
    report = deps.check()
    specs = [r.spec for r in report.to_install]
    if not specs:
        return -1, report
    command = installer_command(specs, target)
    log(deps.tr("CapaCityMetro: installing {} into {}").format(", ".join(specs), target))
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_environment(),
    )
    with child.stdout:
        for line in child.stdout:
            log(line.rstrip())
    code = child.wait()
    deps.activate(target)
    return code, deps.check()


def main(argv: Sequence[str] | None = None) -> int:
    """``deps_install.py --target DIR [--wheels DIR] SPEC...``; exit 0 when all was installed,
    3 when GDAL-linked packages are left for QGIS's own build, 1 on failure."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, type=Path)
    parser.add_argument(
        "--wheels", type=Path, default=os.environ.get("CAPACITYMETRO_WHEELS") or None
    )
    parser.add_argument("specs", nargs="+")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    # the folder must be visible to the resolver, so packages installed earlier count
    deps.activate(args.target) if args.target.is_dir() else None
    try:
        _, skipped = install(
            args.specs, args.target, wheels=args.wheels, python=Path(sys.executable)
        )
    except Exception as exc:  # reported to the dialog / log; the exit code says it failed
        print(f"ERROR: {exc}", flush=True)
        return 1
    print("DONE", flush=True)
    return 3 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
