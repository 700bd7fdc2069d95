"""The engine must import without QGIS or Qt (STYLE.md practice 1)."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import capacitymetro_plugin.core as core

CORE = Path(core.__file__).parent


def test_every_core_module_imports_without_qgis_or_qt():
    modules = sorted(
        m.name for m in pkgutil.walk_packages([str(CORE)], prefix="capacitymetro_plugin.core.")
    )
    assert "capacitymetro_plugin.core.errors" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'processing'))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"core pulled in: {result.stdout}{result.stderr}"


def test_no_qgis_import_statement_in_core_sources():
    offenders = []
    for path in CORE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("import qgis", "from qgis", "import PyQt5", "from PyQt5")):
                offenders.append(f"{path.relative_to(CORE)}:{number}: {stripped}")
    assert offenders == []
