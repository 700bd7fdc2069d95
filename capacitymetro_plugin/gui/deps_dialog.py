"""The "Python dependencies" dialog and the dock shown in place of the registry until they are in.

Imports only QGIS, Qt (through ``qgis.PyQt``, fully scoped enums: Qt5 and Qt6) and the plugin's
pure-Python ``deps``/``deps_install``: it must open in a QGIS that lacks every package we need.
"""

from __future__ import annotations

import sys

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QProcess, QProcessEnvironment, Qt
from qgis.PyQt.QtGui import QFontDatabase
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capacitymetro_plugin import deps, deps_install

from .common import tr, user_language


def _problem_rows(report: deps.Report) -> list[tuple[str, str, str, str, str]]:
    """(package, installed, needed, why, how) for each problem, required ones first."""
    rows = []
    for problem, required in [(p, True) for p in report.required] + [
        (p, False) for p in report.optional
    ]:
        req = problem.requirement
        if problem.pip_installable and not problem.alternatives:
            how = tr("Install button below")
        else:
            how = deps.system_fix(deps.fix_names(problem))
        why = req.why(user_language())
        if not required:
            why = tr("Optional ({}): {}").format(req.extra, why)
        rows.append(
            (
                problem.names,
                problem.installed or tr("not installed"),
                ">= " + (req.min_version or "0"),
                why,
                how,
            )
        )
    if not report.osmium:
        rows.append(
            (
                "osmium",
                tr("not found"),
                tr("command"),
                tr(
                    "Optional: reading .osm.pbf extracts (the osmium command, not a Python package)."
                ),
                tr(
                    "Install osmium-tool (Debian: sudo apt install osmium-tool; Windows: conda or OSGeo4W)."
                ),
            )
        )
    return rows


class DependenciesDialog(QDialog):
    """Lists what is missing, installs the pip-installable part live, says what comes next."""

    def __init__(self, plugin, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plugin = plugin
        self.process: QProcess | None = None
        self.stale: list[str] = []
        self.setObjectName("CapaCityMetroDependenciesDialog")
        self.setWindowTitle(tr("CapaCityMetro: Python dependencies"))
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [tr("Package"), tr("Installed"), tr("Needed"), tr("Why"), tr("How to get it")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # wrapped rows need their height again whenever the columns change width
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        layout.addWidget(self.table, 3)
        self.target = QLabel()
        self.target.setWordWrap(True)
        self.target.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.target)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setPlaceholderText(tr("pip's output appears here during the installation."))
        self.log.setMinimumHeight(90)
        layout.addWidget(self.log, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.install_button = QPushButton(tr("Install"))
        self.install_button.setObjectName("CapaCityMetroInstallButton")
        self.cancel_button = QPushButton(tr("Cancel installation"))
        self.cancel_button.setEnabled(False)
        self.buttons.addButton(self.install_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.install_button.clicked.connect(self.install)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)
        self.refresh()

    # --- showing the state ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Check again and show the result."""
        self.report = deps.check()
        if self.report.ok:
            self.intro.setText(
                tr("Every package CapaCityMetro requires is installed. Optional packages missing:")
                if self.report.optional
                else tr("Every package CapaCityMetro needs is installed.")
            )
        else:
            self.intro.setText(
                tr(
                    "CapaCityMetro needs these Python packages, which QGIS's Python lacks or has "
                    "too old. Until they are installed its Processing algorithms stop with this "
                    "list and the registry dock shows how to get them."
                )
            )
        rows = _problem_rows(self.report)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        specs = [req.spec for req in self.report.to_install]
        self.install_button.setEnabled(bool(specs) and self.process is None)
        self.target.setText(
            tr(
                "Install puts {} into {} (used by this QGIS profile only), with QGIS's own Python."
            ).format(", ".join(specs), self.plugin.deps_folder)
            if specs
            else ""
        )
        self.target.setVisible(bool(specs))

    def append(self, text: str) -> None:
        self.log.appendPlainText(text.rstrip("\n"))

    # --- installing -------------------------------------------------------------------------------
    def install(self) -> None:
        """Run the installer in QGIS's Python, pip's output shown live."""
        specs = [req.spec for req in self.report.to_install]
        try:
            command = deps_install.installer_command(specs, self.plugin.deps_folder)
        except FileNotFoundError as exc:
            self.status.setText(tr("Cannot find QGIS's Python interpreter: {}").format(exc))
            return
        self.log.clear()
        self.append("$ " + " ".join(command))
        self.stale = [r.name for r in self.report.to_install if r.module in sys.modules]
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        environment = QProcessEnvironment()
        for key, value in deps_install.child_environment().items():
            environment.insert(key, value)
        process.setProcessEnvironment(environment)
        process.readyReadStandardOutput.connect(
            lambda: self.append(bytes(process.readAllStandardOutput()).decode("utf-8", "replace"))
        )
        process.finished.connect(self._finished)
        self.process = process
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Installing… (pip's output below)"))
        process.start(command[0], command[1:])

    def cancel(self) -> None:
        if self.process is None or not self.cancel_button.isEnabled():
            return  # one stop request: a second SIGTERM could hit the installer while it exits
        self.cancel_button.setEnabled(False)
        self.append(tr("Cancelling…"))
        if sys.platform.startswith("win"):  # no SIGTERM there: end pip with the installer
            QProcess.startDetached("taskkill", ["/T", "/F", "/PID", str(self.process.processId())])
        else:  # the installer stops pip on SIGTERM
            self.process.terminate()

    def _finished(self, code: int, status) -> None:
        self.process = None
        self.cancel_button.setEnabled(False)
        deps.activate(self.plugin.deps_folder)
        self.refresh()
        if status != QProcess.ExitStatus.NormalExit or code not in (0, 3):
            message = tr(
                "The installation failed or was cancelled (exit {}); see pip's output above."
            )
            self.status.setText(message.format(code))
        elif not self.report.ok:
            self.status.setText(
                tr(
                    "Installed what pip may install. Still missing: {}: see How to get it, "
                    "then restart QGIS."
                ).format(", ".join(p.names for p in self.report.required))
            )
        else:
            self.status.setText(self.plugin.after_install(self.stale))
        QgsMessageLog.logMessage(self.status.text(), "CapaCityMetro", Qgis.MessageLevel.Info)

    def done(self, result: int) -> None:  # closing while pip runs stops it
        if self.process is not None:
            self.cancel()
            self.process.waitForFinished(5000)
        super().done(result)


class MissingDependenciesDock(QgsDockWidget):
    """Stands where the registry dock would be: what is missing and the exact fix."""

    def __init__(self, plugin, error: ImportError | None, parent: QWidget | None = None) -> None:
        super().__init__(tr("CapaCityMetro service registry"), parent)
        self.setObjectName("CapaCityMetroRegistryDock")  # same name: QGIS restores its place
        body = QWidget()
        layout = QVBoxLayout(body)
        report = deps.check()
        if not report.ok:
            text = deps.summary(report, user_language())
        elif error is not None:
            text = deps.import_error_message(error, user_language())
        else:
            text = tr("The registry dock could not be loaded.")
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        button = QPushButton(tr("Python dependencies…"))
        button.clicked.connect(plugin.show_deps_dialog)
        layout.addWidget(button)
        layout.addStretch(1)
        self.setWidget(body)
