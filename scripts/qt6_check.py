"""Check that the plugin's Qt and QGIS names work on Qt 6 (QGIS 4) as well as on Qt 5 (QGIS 3).

No QGIS 4 build can run here, so the check reads the sources instead (``ast``) and asks PyQt6:

1. Every Qt name the code uses through a ``qgis.PyQt`` import, as the ``Class.Enum.Member`` chain it
   is written with (``Qt.ItemDataRole.UserRole``, ``QMessageBox.exec``, an imported class), must
   resolve under PyQt6 (installed from PyPI into a cache folder, imported in a subprocess, offscreen).
   An unscoped enum (``Qt.UserRole``) fails there; the report names the scoped spelling.
2. When QGIS imports here, every Qt and QGIS name must also resolve in it, each enum member through
   its own enum: no unscoped QGIS member (``QgsLayoutExporter.Success``), no alias left by an enum
   moved into ``Qgis`` (``QgsProcessing.TypeVectorPolygon`` on QGIS 3.36+).
3. ``exec_`` and QGIS methods deprecated in 3.x (on any object), ``QVariant`` types (gone in Qt 6;
   ``compat.FieldType`` instead) and direct ``PyQt5``/``PyQt6`` imports are refused.
4. QGIS enums deprecated since 3.30-3.40, or written unscoped, are refused by name (no QGIS needed)
   outside ``capacitymetro_plugin/compat.py``, the one module that picks old or new names.

Names reached through an instance (``layer.dataProvider().AddFeatures``) are invisible to it.

    python scripts/qt6_check.py          # lists the problems, exit status 1 if any
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: everything that runs inside QGIS (the engine in core/ never imports Qt or QGIS)
ROOTS = ("bench", "capacitymetro_plugin", "docs", "processing", "sample_projects", "tests/qgis")
SKIP = ("capacitymetro_plugin/core/",)
COMPAT = "capacitymetro_plugin/compat.py"

# Qt 6.8, a long-term-support release: a QGIS 4 build may ship an older Qt than the newest, so
# names that only later Qt 6 releases have are refused
PYQT6_VERSION = "6.8.1"
# one folder per Python: PyQt6.sip is compiled for the Python that installed it
PYQT6_DIR = (
    Path.home()
    / ".cache"
    / "capacitymetro"
    / f"pyqt6-{PYQT6_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}"
)
#: names QGIS 4's ``qgis.PyQt`` modules re-export from elsewhere (python/PyQt/PyQt/QtWidgets.py.in)
QT6_SHIMS = {("QtWidgets", "QAction"): "QtGui", ("QtWidgets", "QShortcut"): "QtGui"}

#: QGIS names deprecated by the enums moved into ``Qgis``, or unscoped (PyQt6 has class-scoped
#: enum members only); the message says what to write instead
DEPRECATED_QGIS = [
    (r"QgsProcessing\.Type\w+", "compat.SourceType (Qgis.ProcessingSourceType)"),
    (r"QgsProcessingParameterNumber\.(Integer|Double)", "compat.NumberType"),
    (
        r"QgsProcessingParameterField\.(Any|Numeric|String|DateTime|Binary|Boolean)",
        "compat.FieldParameterType",
    ),
    (r"QgsProcessingParameterFile\.(File|Folder)", "compat.FileBehavior"),
    (r"QgsProcessingAlgorithm\.Flag\w*", "compat.AlgorithmFlag (Qgis.ProcessingAlgorithmFlag)"),
    (r"QgsUnitTypes\.[A-Z]\w*", "compat.LayoutUnit / compat.DistanceUnit (Qgis.*Unit)"),
    (r"QgsWkbTypes\.[A-Z]\w*", "compat.WkbType (Qgis.WkbType / Qgis.GeometryType)"),
    (r"QgsMapLayerType(\.\w+)?", "Qgis.LayerType"),
    (r"QgsMapLayer\.(LayerType|VectorLayer|RasterLayer|MeshLayer|PluginLayer)", "Qgis.LayerType"),
    (r"QgsRasterBandStats\.[A-Z]\w*", "Qgis.RasterBandStatistic"),
    (
        r"QgsLegendStyle\.(Style|Undefined|Hidden|Title|Group|Subgroup|Symbol|SymbolLabel)",
        "compat.LegendComponent",
    ),
    (
        r"QgsVectorDataProvider\.(Capability|[A-Z]\w*(Features|Attributes|Geometries|Capabilities))",
        "compat.ProviderCapability",
    ),
    (r"QgsRenderContext\.TextFormat\w+", "Qgis.TextRenderFormat"),
    (r"QgsScaleBarSettings\.SegmentSize\w*", "compat.ScaleBarSegmentSizeMode"),
    (
        r"QgsLayoutExporter\.(Success|Canceled|MemoryError|FileError|PrintError|SvgLayerError|IteratorError)",
        "QgsLayoutExporter.ExportResult.<member>",
    ),
    (r"QgsFeatureSink\.(FastInsert|RegeneratesPrimaryKey)", "QgsFeatureSink.Flag.<member>"),
    (r"Qgis\.(Info|Warning|Critical|Success|NoLevel)", "Qgis.MessageLevel.<member>"),
]

#: methods refused on any object (the receiver's type is unknown to a static check)
DEPRECATED_METHODS = {
    "exec_": "gone in Qt 6: exec()",
    "parameterAsFields": "deprecated since QGIS 3.32: compat.parameter_as_fields",
    "setMinimal": "deprecated since QGIS 3.34: compat.null_rectangle",
}


@dataclass(frozen=True)
class Use:
    """One Qt or QGIS name as written in a source file."""

    path: str
    line: int
    module: str  # "QtCore", "QtWidgets", ... for Qt; "qgis.core", "qgis.gui" for QGIS
    chain: tuple[str, ...]  # ("Qt", "ItemDataRole", "UserRole")

    @property
    def dotted(self) -> str:
        return ".".join(self.chain)

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.dotted}"


class _Collector(ast.NodeVisitor):
    """Collect the names rooted at ``qgis.PyQt`` / ``qgis.core`` / ``qgis.gui`` imports."""

    def __init__(self, path: str) -> None:
        self.path = path
        # local name -> (module, real name); real name None for a module (``from qgis.PyQt import
        # QtCore``), whose attributes are then the chain
        self.imported: dict[str, tuple[str, str | None]] = {}
        self.uses: list[Use] = []
        self.problems: list[str] = []

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802 - ast API
        for alias in node.names:
            self._refuse_direct_pyqt(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802 - ast API
        module = node.module or ""
        if module.startswith("qgis.PyQt.") or module in ("qgis.core", "qgis.gui"):
            short = module.removeprefix("qgis.PyQt.")
            for alias in node.names:
                self.imported[alias.asname or alias.name] = (short, alias.name)
                self.uses.append(Use(self.path, node.lineno, short, (alias.name,)))
        elif module == "qgis.PyQt":
            for alias in node.names:
                self.imported[alias.asname or alias.name] = (alias.name, None)
        else:
            self._refuse_direct_pyqt(module, node.lineno)

    def _refuse_direct_pyqt(self, module: str, line: int) -> None:
        if module.split(".")[0] in ("PyQt5", "PyQt6"):
            self.problems.append(f"{self.path}:{line}: import Qt through qgis.PyQt")

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802 - ast API
        if node.attr in DEPRECATED_METHODS and self.path != COMPAT:
            instead = DEPRECATED_METHODS[node.attr]
            self.problems.append(f"{self.path}:{node.lineno}: {node.attr}() is {instead}")
        chain = [node.attr]
        root = node.value
        while isinstance(root, ast.Attribute):
            chain.insert(0, root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id in self.imported:
            module, name = self.imported[root.id]
            use = Use(
                self.path, node.lineno, module, tuple(chain) if name is None else (name, *chain)
            )
            self.uses.append(use)
            if use.chain[0] == "QVariant" and use.chain[1][:1].isupper():
                self.problems.append(
                    f"{use.where()}: QVariant types are gone in Qt 6: compat.FieldType"
                )
            return  # the inner attributes are part of this chain
        self.generic_visit(node)


def collect(source: str, path: str = "<snippet>") -> tuple[list[Use], list[str]]:
    """Return the Qt/QGIS names used in ``source`` and the problems visible without Qt."""
    collector = _Collector(path)
    collector.visit(ast.parse(source, path))
    return collector.uses, collector.problems


def plugin_sources() -> dict[str, str]:
    """Return {repository path: source} of every module checked."""
    sources = {}
    for root in ROOTS:
        for path in sorted((REPO / root).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if not rel.startswith(SKIP):
                sources[rel] = path.read_text(encoding="utf-8")
    return sources


def deprecated_qgis(uses: list[Use]) -> list[str]:
    """Return the deprecated or unscoped QGIS enum names among ``uses`` (compat.py excepted)."""
    problems = []
    for use in uses:
        if use.module.startswith("Qt") or use.path == COMPAT:
            continue
        for pattern, instead in DEPRECATED_QGIS:
            if re.fullmatch(pattern, use.dotted) or re.match(pattern + r"\.", use.dotted):
                problems.append(f"{use.where()}: deprecated in QGIS 3.x, gone in 4: {instead}")
                break
    return problems


# Runs in a subprocess (so Qt 5 and Qt 6 never share a process): reads [[module, chain], ...] on
# stdin, prints [null or what is wrong, ...]. For a missing name it looks for an enum of the same
# owner holding that member: the scoped spelling to suggest. An enum member must also be reached
# through its own enum (``Owner.Enum.Member``): QGIS 3.30-3.40 keep moved enums' old names as
# aliases (``QgsProcessing.TypeVectorPolygon`` is a ``Qgis.ProcessingSourceType``), and unscoped
# QGIS names (``QgsLayoutExporter.Success``) only work on PyQt5.
_RESOLVER = r"""
import enum, importlib, json, sys
def scoped(owner, name):
    for enum_name in dir(owner):
        candidate = getattr(owner, enum_name, None)
        if isinstance(candidate, type) and hasattr(candidate, name) and candidate is not owner:
            return enum_name
def is_enum_member(value):
    kind = type(value)
    return isinstance(value, enum.Enum) or (
        isinstance(value, int) and kind.__module__.startswith(("PyQt", "qgis")))
def problem(module, chain):
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        return f"no module: {exc}"
    for i, name in enumerate(chain):
        if not hasattr(obj, name):
            hint = scoped(obj, name) if i else None
            return f"{'.'.join(chain[:i + 1])} does not exist" + (
                f" (unscoped enum: write {'.'.join(chain[:i] + [hint, name])})" if hint else "")
        obj = getattr(obj, name)
    if len(chain) > 1 and is_enum_member(obj) and type(obj).__name__ != chain[-2]:
        scoped_name = f"{type(obj).__qualname__}.{getattr(obj, 'name', chain[-1])}"
        return f"a member of {type(obj).__qualname__}: write {scoped_name}"
print(json.dumps([problem(module, chain) for module, chain in json.load(sys.stdin)]))
"""


def ensure_pyqt6() -> Path:
    """Install the pinned PyQt6 into the user's cache (outside the repository) unless present."""
    if not (PYQT6_DIR / "PyQt6" / "QtWidgets.abi3.so").exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--target", str(PYQT6_DIR), f"PyQt6=={PYQT6_VERSION}"],
            check=True,
        )  # fmt: skip
    return PYQT6_DIR


def resolve(uses: list[Use], *, qt6: bool) -> list[str]:
    """Return what fails among ``uses`` under PyQt6 (Qt names), or in the running QGIS (all)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if qt6:
        env["PYTHONPATH"] = str(ensure_pyqt6())
        label = f"PyQt6 {PYQT6_VERSION}"
        where = {
            (u.module, u.chain): "PyQt6." + QT6_SHIMS.get((u.module, u.chain[0]), u.module)
            for u in uses
            if u.module.startswith("Qt")
        }
    else:
        label = "this QGIS"
        where = {
            (u.module, u.chain): ("qgis.PyQt." if u.module.startswith("Qt") else "") + u.module
            for u in uses
            if u.path != COMPAT  # its old names are this QGIS's, by design
        }
    names = sorted(where)
    result = subprocess.run(
        [sys.executable, "-c", _RESOLVER],
        input=json.dumps([[where[name], list(name[1])] for name in names]),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    answers = json.loads(result.stdout)
    # one answer per name (zip(strict=True) is Python 3.10; tests/unit run this on 3.9 too)
    if len(answers) != len(names):
        raise RuntimeError(f"resolver gave {len(answers)} answers for {len(names)} names")
    failed = dict(zip(names, answers))
    return [
        f"{u.where()}: {label}: {failed[(u.module, u.chain)]}"
        for u in uses
        if failed.get((u.module, u.chain))
    ]


def has_qgis() -> bool:
    """Return True when QGIS imports here (the running-QGIS half of the check)."""
    code = "import qgis.core, qgis.PyQt.QtCore"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


@dataclass
class Report:
    """What a check found: how many distinct names it resolved, and the problems."""

    qt_names: int
    qgis_names: int
    qgis: str  # the QGIS that resolved them too ("" when QGIS does not import here)
    problems: list[str]


def check(sources: dict[str, str], *, in_qgis: bool) -> Report:
    """Check ``sources``; ``in_qgis`` also resolves every name in the QGIS this Python runs."""
    uses, problems = [], []
    for path, source in sources.items():
        found, static = collect(source, path)
        uses += found
        problems += static
    problems += deprecated_qgis(uses)
    problems += resolve(uses, qt6=True)
    qgis = ""
    if in_qgis:
        problems += resolve(uses, qt6=False)
        code = "from qgis.core import Qgis; print(Qgis.QGIS_VERSION.split('-')[0])"
        qgis = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        qgis = qgis.stdout.strip()
    distinct = {(u.module, u.chain) for u in uses}
    qt = sum(1 for module, _ in distinct if module.startswith("Qt"))
    return Report(qt, len(distinct) - qt, qgis, problems)


def main() -> int:
    report = check(plugin_sources(), in_qgis=has_qgis())
    print("\n".join(report.problems))
    also = f" and QGIS {report.qgis} (its PyQt5 too)" if report.qgis else ""
    print(f"qt6_check: {report.qt_names} Qt names under PyQt6 {PYQT6_VERSION}{also}, "
          f"{report.qgis_names} QGIS names: {len(report.problems)} problem(s)")  # fmt: skip
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
