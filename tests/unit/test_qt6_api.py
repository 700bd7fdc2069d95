"""The plugin uses only Qt names that exist under PyQt6 (QGIS 4) and no deprecated QGIS enum.

``scripts/qt6_check.py`` does the work (PyQt6 from PyPI into the user's cache, imported in a
subprocess); these tests run it on the plugin and prove it catches Qt5-only code.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("qt6_check", REPO / "scripts" / "qt6_check.py")
qt6_check = importlib.util.module_from_spec(_spec)
sys.modules["qt6_check"] = qt6_check  # its dataclass looks its module up there
_spec.loader.exec_module(qt6_check)

QT5_ONLY = """
from qgis.core import QgsField, QgsProcessing
from qgis.PyQt.QtCore import Qt, QVariant
from qgis.PyQt.QtWidgets import QAction, QDialog, QMessageBox

role = Qt.UserRole
QDialog().exec_()
answer = QMessageBox.Yes
field = QgsField("n", QVariant.Int)
polygons = QgsProcessing.TypeVectorPolygon
names = algorithm.parameterAsFields({}, "FIELD", None)
from qgis.PyQt import QtCore
state = QtCore.Qt.Checked
"""


def test_plugin_uses_only_qt6_names_and_current_qgis_enums():
    report = qt6_check.check(qt6_check.plugin_sources(), in_qgis=qt6_check.has_qgis())
    assert report.problems == []
    # the walk really reaches the dock, the algorithms and the layouts (not a vacuous pass)
    assert report.qt_names >= 90 and report.qgis_names >= 100


def test_check_reports_qt5_only_code():
    text = "\n".join(qt6_check.check({"snippet.py": QT5_ONLY}, in_qgis=False).problems)
    assert "snippet.py:6: Qt.UserRole" in text and "write Qt.ItemDataRole.UserRole" in text
    assert "snippet.py:7: exec_() is gone in Qt 6" in text
    assert "write QMessageBox.StandardButton.Yes" in text
    assert "snippet.py:9: QVariant.Int" in text
    assert "snippet.py:10: QgsProcessing.TypeVectorPolygon" in text
    assert "snippet.py:11: parameterAsFields() is deprecated" in text
    assert "snippet.py:13: Qt.Checked" in text  # through a module import too
    # QAction from QtWidgets is fine: QGIS 4's qgis.PyQt.QtWidgets re-exports it from QtGui
    assert "QAction" not in text


@pytest.mark.parametrize(
    "line",
    [
        "from PyQt5.QtCore import Qt",
        "from PyQt6.QtCore import Qt",
        "import PyQt5.QtWidgets",
    ],
)
def test_check_refuses_direct_pyqt_imports(line):
    problems = qt6_check.check({"snippet.py": line + "\n"}, in_qgis=False).problems
    assert problems == ["snippet.py:1: import Qt through qgis.PyQt"]


def test_old_qgis_names_are_allowed_only_in_the_compat_module():
    source = "from qgis.core import QgsUnitTypes\nunit = QgsUnitTypes.LayoutMillimeters\n"
    uses, _ = qt6_check.collect(source, qt6_check.COMPAT)
    assert qt6_check.deprecated_qgis(uses) == []
    uses, _ = qt6_check.collect(source, "capacitymetro_plugin/maps/layout.py")
    assert len(qt6_check.deprecated_qgis(uses)) == 1


@pytest.mark.skipif(not qt6_check.has_qgis(), reason="needs QGIS: resolves names in it")
def test_check_reports_qgis_enum_members_reached_without_their_enum():
    source = "from qgis.core import QgsLayerTreeModel\nflag = QgsLayerTreeModel.AllowNodeRename\n"
    problems = qt6_check.check({"snippet.py": source}, in_qgis=True).problems
    assert len(problems) == 1 and "write QgsLayerTreeModel.Flag.AllowNodeRename" in problems[0]
