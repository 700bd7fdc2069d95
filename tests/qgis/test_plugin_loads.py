"""The plugin loads in real QGIS and registers the CapaCityMetro Processing provider."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_plugin_loads_through_classfactory(qgis_app, qgis_iface):
    from qgis.core import QgsApplication

    import capacitymetro_plugin

    plugin = capacitymetro_plugin.classFactory(qgis_iface)
    plugin.initGui()
    try:
        provider = QgsApplication.processingRegistry().providerById("capacitymetro")
        assert provider is not None
        assert provider.name() == "CapaCityMetro"
        assert len(provider.algorithms()) >= 1
        for alg in provider.algorithms():
            assert alg.id().startswith("capacitymetro:")
            assert alg.displayName() and alg.group()
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("capacitymetro") is None


def test_qgis_process_lists_our_algorithms(qgis_process, processing_provider):
    result = qgis_process("list")
    assert result.returncode == 0, result.stderr
    ours = sorted(line.split()[0] for line in result.stdout.splitlines()
                  if line.strip().startswith("capacitymetro:"))
    expected = sorted(a.id() for a in processing_provider.algorithms())
    assert ours == expected and ours


def test_package_zip_contains_an_installable_plugin(tmp_path):
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "package.sh"), str(tmp_path)],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    import zipfile

    zips = list(tmp_path.glob("capacitymetro_plugin-*.zip"))
    assert len(zips) == 1
    names = zipfile.ZipFile(zips[0]).namelist()
    assert "capacitymetro_plugin/metadata.txt" in names
    assert "capacitymetro_plugin/__init__.py" in names
    assert any(n.startswith("capacitymetro_plugin/core/") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
