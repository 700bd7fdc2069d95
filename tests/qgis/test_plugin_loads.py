"""The plugin loads in real QGIS and registers the CapaCityMetro Processing provider."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A fresh QGIS process, as QGIS itself does it: classFactory(iface) → initGui() → unload().
_LOAD_SCRIPT = r"""
import json, sys
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing
Processing.initialize()
import capacitymetro_plugin
registry = QgsApplication.processingRegistry()
before = registry.providerById("capacitymetro") is not None
plugin = capacitymetro_plugin.classFactory(None)
plugin.initGui()
provider = registry.providerById("capacitymetro")
loaded = {
    "before": before,
    "name": provider.name() if provider else None,
    "algorithms": sorted(a.id() for a in provider.algorithms()) if provider else [],
    "groups_ok": all(a.displayName() and a.group() for a in provider.algorithms()) if provider else False,
}
second = capacitymetro_plugin.classFactory(None)   # a second load must not break the first
second.initProcessing()
second.unload()
loaded["after_second_unload"] = registry.providerById("capacitymetro") is not None
plugin.unload()
loaded["after_unload"] = registry.providerById("capacitymetro") is not None
print("RESULT " + json.dumps(loaded))
app.exitQgis()
"""


def test_plugin_loads_and_unloads_in_a_fresh_qgis(tmp_path):
    env_script = tmp_path / "load_plugin.py"
    env_script.write_text(_LOAD_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(env_script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stdout + result.stderr
    loaded = json.loads(lines[0][len("RESULT ") :])
    assert loaded["before"] is False
    assert loaded["name"] == "CapaCityMetro"
    assert len(loaded["algorithms"]) >= 5
    assert all(a.startswith("capacitymetro:") for a in loaded["algorithms"])
    assert loaded["groups_ok"]
    assert loaded["after_second_unload"] is True  # the second instance did not take it away
    assert loaded["after_unload"] is False


def test_qgis_process_lists_our_algorithms(qgis_process, processing_provider):
    result = qgis_process("list")
    assert result.returncode == 0, result.stderr
    ours = sorted(
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.strip().startswith("capacitymetro:")
    )
    expected = sorted(a.id() for a in processing_provider.algorithms())
    assert ours == expected and ours


def test_package_zip_contains_an_installable_plugin(tmp_path, qgis_app):
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "package.sh"), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    zips = list(tmp_path.glob("capacitymetro_plugin-*.zip"))
    assert len(zips) == 1
    names = zipfile.ZipFile(zips[0]).namelist()
    assert "capacitymetro_plugin/metadata.txt" in names
    assert "capacitymetro_plugin/__init__.py" in names
    assert any(n.startswith("capacitymetro_plugin/core/") for n in names)
    assert any(n.startswith("capacitymetro_plugin/styles/") and n.endswith(".qml") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert "capacitymetro_plugin/i18n/capacitymetro_it.qm" in names

    # Install it as QGIS's "Install from ZIP" does (unzip into a plugins folder) and load it
    # from there in a fresh QGIS: every module the plugin needs must be inside the zip.
    plugins = tmp_path / "plugins"
    zipfile.ZipFile(zips[0]).extractall(plugins)
    script = tmp_path / "load_from_zip.py"
    script.write_text(
        f"import sys\nsys.path.insert(0, {str(plugins)!r})\n"
        + _LOAD_SCRIPT.replace(
            "import capacitymetro_plugin\n",
            "import capacitymetro_plugin\nprint('FROM ' + capacitymetro_plugin.__file__)\n",
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    origin = next(ln for ln in result.stdout.splitlines() if ln.startswith("FROM "))
    assert origin.startswith(f"FROM {plugins}")
    loaded = json.loads(
        next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))[len("RESULT ") :]
    )
    from capacitymetro_plugin.provider.provider import algorithm_classes

    expected = sorted(f"capacitymetro:{cls.NAME}" for cls in algorithm_classes())
    assert loaded["name"] == "CapaCityMetro" and loaded["algorithms"] == expected


_NO_GEOPANDAS_SCRIPT = r"""
import sys
sys.modules["geopandas"] = None          # as in a QGIS whose Python lacks geopandas
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback
app = QgsApplication([], False)
app.initQgis()
from capacitymetro_plugin.provider.provider import CapaCityMetroProvider
provider = CapaCityMetroProvider()
assert QgsApplication.processingRegistry().addProvider(provider)
import json
print("META " + json.dumps(sorted(
    [a.id(), a.displayName(), a.group(), a.groupId(),
     [(d.name(), d.type(), d.description()) for d in a.parameterDefinitions()]]
    for a in provider.algorithms()
)))
print("ALGS", len(provider.algorithms()))
alg = provider.algorithm("validate_registry")
ok, message = None, ""
try:
    alg.processAlgorithm({}, QgsProcessingContext(), QgsProcessingFeedback())
except Exception as exc:
    message = str(exc)
print("MSG", message.replace("\n", " | "))
app.exitQgis()
"""


def test_missing_python_package_is_named_not_a_crash(tmp_path, processing_provider):
    script = tmp_path / "no_geopandas.py"
    script.write_text(_NO_GEOPANDAS_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from capacitymetro_plugin.provider.provider import algorithm_classes

    # the same algorithms as with geopandas: ids, names, groups, every parameter
    meta = next(ln for ln in result.stdout.splitlines() if ln.startswith("META "))
    whole = sorted(
        [
            a.id(),
            a.displayName(),
            a.group(),
            a.groupId(),
            [[d.name(), d.type(), d.description()] for d in a.parameterDefinitions()],
        ]
        for a in processing_provider.algorithms()
    )
    assert json.loads(meta[len("META ") :]) == whole
    algs = next(ln for ln in result.stdout.splitlines() if ln.startswith("ALGS "))
    assert algs == f"ALGS {len(algorithm_classes())}"  # every algorithm still listed
    msg = next(ln for ln in result.stdout.splitlines() if ln.startswith("MSG "))
    assert "geopandas: not installed, needed >= 1.0" in msg
    assert "Install" in msg
