"""Italian translations: every GUI string is translated, the build keeps them, the .qm works."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "capacitymetro_plugin"
TS = PLUGIN / "i18n" / "capacitymetro_it.ts"
SAME_IN_ITALIAN = {
    "E-mail",
    "Comune",
    "CSV (*.csv)",
    "GeoJSON (*.geojson)",
    "HSDS 3.0 JSON (*.json)",
}


def gui_tr_strings() -> dict[str, str]:
    """Every literal passed to tr()/self.tr() in gui/, with where it is (found by Python's parser)."""
    found, non_literal = {}, []
    for path in sorted((PLUGIN / "gui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name != "tr":
                continue
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{path.name}:{node.lineno}")
            elif path.name != "common.py":  # common.tr(text) is the one wrapper
                non_literal.append(f"{path.name}:{node.lineno}")
    assert (
        not non_literal
    ), f"tr() must get a string literal (pylupdate5 cannot see others): {non_literal}"
    return found


def ts_messages(path: Path) -> dict[str, tuple[str, str | None, str]]:
    out = {}
    for context in ET.parse(path).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            out[message.findtext("source")] = (
                translation.text or "",
                translation.get("type"),
                context.findtext("name"),
            )
    return out


def test_every_gui_string_has_a_finished_italian_translation():
    strings = gui_tr_strings()
    assert len(strings) > 80
    messages = ts_messages(TS)
    problems = []
    for source, where in strings.items():
        if source not in messages:
            problems.append(f"{where} not in the .ts: {source!r}")
            continue
        text, kind, context = messages[source]
        if kind is not None or not text.strip():
            problems.append(f"{where} not translated: {source!r}")
        elif text == source and source not in SAME_IN_ITALIAN:
            problems.append(f"{where} 'translation' equals the English: {source!r}")
        elif source.count("{}") != text.count("{}"):
            problems.append(f"{where} placeholders differ: {source!r} -> {text!r}")
        assert context == "CapaCityMetro"
    assert not problems, "\n".join(problems)


def test_build_script_refreshes_the_ts_and_keeps_translations(tmp_path):
    copy = tmp_path / "capacitymetro_it.ts"
    shutil.copy(TS, copy)
    before = ts_messages(TS)
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "build_translations.sh"), str(copy)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ strings, \d+ translated", result.stdout)
    after = ts_messages(copy)
    for source, (text, kind, _) in before.items():
        if kind is None and text:
            assert after[source][0] == text, source  # a finished translation is never lost
    for source in gui_tr_strings():  # pylupdate5 + the merge find every GUI string
        assert source in after and after[source][1] is None, source
    assert {ctx for _, _, ctx in after.values()} == {"CapaCityMetro"}
    assert copy.with_suffix(".qm").stat().st_size > 1000


@pytest.fixture()
def italian(qgis_app, tmp_path):
    """Install the compiled Italian translation and set the QGIS locale to Italian."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    qm = tmp_path / "capacitymetro_it.qm"
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(qm)], check=True, timeout=120)
    translator = QTranslator()
    assert translator.load(str(qm))
    settings = QgsSettings()
    old = settings.value("locale/userLocale", None)
    settings.setValue("locale/userLocale", "it_IT")
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)
    if old is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", old)


def test_compiled_qm_makes_the_dock_italian(italian, qgis_iface):
    from qgis.PyQt.QtCore import QCoreApplication

    from capacitymetro_plugin.gui.common import tr
    from capacitymetro_plugin.gui.dock import RegistryDock

    assert QCoreApplication.translate("CapaCityMetro", "Save changes") == "Salva modifiche"
    assert tr("{} of {} services").format(3, 59) == "3 servizi su 59"
    dock = RegistryDock(qgis_iface.mapCanvas())
    try:
        assert dock.windowTitle() == "CapaCityMetro - registro dei servizi"
        assert dock.add_button.text() == "Aggiungi"
        assert dock.locate_button.text() == "Posiziona"
        assert dock.save_button.text() == "Salva modifiche"
        assert dock.sector_combo.itemText(0) == "Tutti i settori"
        assert dock.sector_combo.itemText(1) == "Accoglienza"  # vocabulary label, Italian
        assert dock.form.save_button.text() == "Salva"
        assert dock.table.horizontalHeaderItem(0).text() == "Nome"
        dock.form.widgets["email"].setText("scrivimi")
        assert dock.form.error_labels["email"].text().startswith("Non è un indirizzo e-mail")
        assert dock.form.error_labels["name"].text() == "Obbligatorio: scrivi il nome del servizio."
    finally:
        dock.deleteLater()


def test_without_translator_the_dock_is_english(qgis_iface):
    from capacitymetro_plugin.gui.dock import RegistryDock

    dock = RegistryDock(qgis_iface.mapCanvas())
    try:
        assert dock.add_button.text() == "Add"
        assert dock.windowTitle() == "CapaCityMetro service registry"
    finally:
        dock.deleteLater()


def test_processing_algorithms_come_out_italian(italian, processing_provider):
    """The provider translates in the same context the build script writes (runtime check)."""
    messages = ts_messages(TS)
    checked = 0
    for alg in processing_provider.algorithms():
        english = type(alg).DISPLAY_NAME
        text, kind, _ = messages.get(english, ("", "unfinished", ""))
        if kind is None and text:
            assert alg.displayName() == text
            assert (
                alg.group() != "" and alg.group() == messages[type(alg)._GROUP_NAMES[alg.GROUP]][0]
            )
            checked += 1
    assert checked >= 5


def test_build_script_finds_strings_that_reach_tr_indirectly(tmp_path):
    """Each pattern the Processing code uses, in a small synthetic plugin folder."""
    src = tmp_path / "plugin"
    src.mkdir()
    (src / "algs.py").write_text(
        """
OPTIONS = ["walk", "bike", "2023"]


def tr(text):
    return text


class Base:
    def tr(self, text):
        return tr(text)

    def add_enum(self, key, label, options, default=0):
        return [self.tr(label)] + [self.tr(o) for o in options]

    def add_input(self, key=None, label="Default input label"):
        return self.tr(label)


class Alg(Base):
    DISPLAY_NAME = "Display name of the algorithm"
    SHORT_HELP = "Short help of the algorithm"
    _GROUP_NAMES = {"g": "Group name"}

    def init(self):
        self.add_enum("MODE", "Mode label", OPTIONS)
        self.add_input("X", label="Keyword label")
        self.add_input("Y", "Positional label")
        for key, label in (("A", "Looped label A"), ("B", "Looped label B")):
            self.tr(label)
        return self.tr("Plain literal")
""",
        encoding="utf-8",
    )
    ts = tmp_path / "out.ts"
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "build_translations.sh"), str(ts), str(src)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = set(ts_messages(ts))
    expected = {
        "walk",
        "bike",
        "Default input label",
        "Display name of the algorithm",
        "Short help of the algorithm",
        "Group name",
        "Mode label",
        "Keyword label",
        "Positional label",
        "Looped label A",
        "Looped label B",
        "Plain literal",
    }
    assert expected <= found, expected - found
    assert "2023" not in found  # numbers need no translation
    assert {ctx for _, _, ctx in ts_messages(ts).values()} == {"CapaCityMetro"}
