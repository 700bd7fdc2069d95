"""Check that the plugin's Qt and QGIS names work on Qt 6 (QGIS 4) as well as on Qt 5 (QGIS 3).

No QGIS 4 build can run here, so the check reads the sources instead (``ast``) and asks PyQt6:

1. Every Qt name the code uses through a ``qgis.PyQt`` import, as the ``Class.Enum.Member`` chain it
   is written with (``Qt.ItemDataRole.UserRole``, ``QMessageBox.exec``, an imported class), must
   resolve under PyQt6 (installed from PyPI into a cache folder, imported in a subprocess, offscreen)
   and, when ``qgis.PyQt`` is importable, under the running QGIS's PyQt5 too. An unscoped enum
   (``Qt.UserRole``) fails under PyQt6; the report names the scoped spelling.
2. ``exec_`` calls, and ``QVariant`` types (gone in Qt 6; ``compat.FieldType`` instead), are refused.
3. QGIS enums deprecated since 3.30-3.40, or written unscoped, are refused outside
   ``capacitymetro_plugin/compat.py``, the one module that picks old or new names.

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
ROOTS = ("capacitymetro_plugin", "docs", "processing", "sample_projects", "tests/qgis")
SKIP = ("capacitymetro_plugin/core/",)
COMPAT = "capacitymetro_plugin/compat.py"

PYQT6_VERSION = "6.8.1"  # Qt 6.8 LTS, the Qt that QGIS 4.0 builds against
PYQT6_DIR = Path.home() / ".cache" / "capacitymetro" / f"pyqt6-{PYQT6_VERSION}"
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
    (
        r"QgsLayoutExporter\.(Success|Canceled|MemoryError|FileError|PrintError|SvgLayerError|IteratorError)",
        "QgsLayoutExporter.ExportResult.<member>",
    ),
    (r"QgsFeatureSink\.(FastInsert|RegeneratesPrimaryKey)", "QgsFeatureSink.Flag.<member>"),
    (r"Qgis\.(Info|Warning|Critical|Success|NoLevel)", "Qgis.MessageLevel.<member>"),
]


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
        self.imported: dict[str, tuple[str, str]] = {}  # local name -> (module, real name)
        self.uses: list[Use] = []
        self.problems: list[str] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802 - ast API
        module = node.module or ""
        if module.startswith("qgis.PyQt.") or module in ("qgis.core", "qgis.gui"):
            short = module.removeprefix("qgis.PyQt.")
            for alias in node.names:
                self.imported[alias.asname or alias.name] = (short, alias.name)
                self.uses.append(Use(self.path, node.lineno, short, (alias.name,)))
        elif module.startswith(("PyQt5", "PyQt6")):
            self.problems.append(f"{self.path}:{node.lineno}: import Qt through qgis.PyQt")

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802 - ast API
        if node.attr == "exec_":
            self.problems.append(f"{self.path}:{node.lineno}: exec_() is gone in Qt 6: exec()")
        chain = [node.attr]
        root = node.value
        while isinstance(root, ast.Attribute):
            chain.insert(0, root.attr)
            root = root.value
        if isinstance(root, ast.Name) and root.id in self.imported:
            module, name = self.imported[root.id]
            use = Use(self.path, node.lineno, module, (name, *chain))
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


# Runs in a subprocess (so Qt 5 and Qt 6 never share a process): reads [[module, chain], ...]
# on stdin, prints [null or what is wrong, ...]. For an unresolved name it looks for an enum of the
# same owner holding that member: the scoped spelling to suggest.
_RESOLVER = r"""
import enum, importlib, json, sys
prefix, shims = sys.argv[1], json.loads(sys.argv[2])
def scoped(owner, name):
    for enum_name in dir(owner):
        candidate = getattr(owner, enum_name, None)
        if isinstance(candidate, type) and hasattr(candidate, name) and candidate is not owner:
            return enum_name
out = []
for module, chain in json.load(sys.stdin):
    try:
        obj = importlib.import_module(prefix + shims.get(module + "." + chain[0], module))
    except ImportError as exc:
        out.append(f"no module: {exc}")
        continue
    error = None
    for i, name in enumerate(chain):
        if not hasattr(obj, name):
            hint = scoped(obj, name) if i else None
            error = f"{'.'.join(chain[:i + 1])} does not exist" + (
                f" (unscoped enum: write {'.'.join(chain[:i] + [hint, name])})" if hint else "")
            break
        obj = getattr(obj, name)
    out.append(error)
print(json.dumps(out))
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
    """Return what fails among the Qt ``uses`` under PyQt6, or under the running ``qgis.PyQt``."""
    qt_uses = sorted({(u.module, u.chain) for u in uses if u.module.startswith("Qt")})
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if qt6:
        env["PYTHONPATH"] = str(ensure_pyqt6())
        prefix, shims = "PyQt6.", {f"{m}.{n}": target for (m, n), target in QT6_SHIMS.items()}
    else:
        prefix, shims = "qgis.PyQt.", {}
    result = subprocess.run(
        [sys.executable, "-c", _RESOLVER, prefix, json.dumps(shims)],
        input=json.dumps([[m, list(c)] for m, c in qt_uses]),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    failed = dict(zip(qt_uses, json.loads(result.stdout), strict=True))
    label = f"PyQt6 {PYQT6_VERSION}" if qt6 else "this QGIS's qgis.PyQt"
    return [
        f"{u.where()}: {label}: {failed[(u.module, u.chain)]}"
        for u in uses
        if u.module.startswith("Qt") and failed[(u.module, u.chain)]
    ]


def has_qgis_pyqt() -> bool:
    """Return True when ``qgis.PyQt`` imports here (Qt 5 half of the check)."""
    code = "import qgis.PyQt.QtCore"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def check(sources: dict[str, str], *, qt5: bool) -> tuple[int, list[str]]:
    """Check ``sources``; return (number of distinct Qt names resolved, problems)."""
    uses, problems = [], []
    for path, source in sources.items():
        found, static = collect(source, path)
        uses += found
        problems += static
    problems += deprecated_qgis(uses)
    problems += resolve(uses, qt6=True)
    if qt5:
        problems += resolve(uses, qt6=False)
    return len({(u.module, u.chain) for u in uses if u.module.startswith("Qt")}), problems


def main() -> int:
    qt5 = has_qgis_pyqt()
    count, problems = check(plugin_sources(), qt5=qt5)
    print("\n".join(problems))
    also = " and this QGIS's PyQt5" if qt5 else ""
    print(f"qt6_check: {count} Qt names checked under PyQt6 {PYQT6_VERSION}{also}: "
          f"{len(problems)} problem(s)")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
