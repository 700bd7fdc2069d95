"""Italian translations: every plugin string is translated, the build keeps them, the .qm works."""

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
    "PDF (*.pdf);;PNG (*.png)",
    "Processing",  # QGIS's own name for it, in Italian too (the history's doors)
    "SQL",
}


def plugin_files() -> list[Path]:
    """The plugin's Python files that may translate (core/ never uses Qt), as the build script."""
    return sorted(
        path
        for path in PLUGIN.rglob("*.py")
        if "core" not in path.relative_to(PLUGIN).parts[:-1] and "__pycache__" not in path.parts
    )


def _enclosing_names(tree: ast.AST) -> dict[ast.Call, set[str]]:
    """For each call, the parameters and loop variables of the functions around it."""
    out: dict[ast.Call, set[str]] = {}

    def visit(node: ast.AST, names: set[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            names = names | {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        if isinstance(node, (ast.For, ast.comprehension)):
            names = names | {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for generator in node.generators:
                names = names | {
                    n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)
                }
        if isinstance(node, ast.Call):
            out[node] = names
        for child in ast.iter_child_nodes(node):
            visit(child, names)

    visit(tree, set())
    return out


# What a non-literal tr() argument may be outside gui/: something the build script follows (a
# helper's parameter such as add_enum's label/options, a loop variable over literal pairs, or the
# DISPLAY_NAME / SHORT_HELP / _GROUP_NAMES class attributes).
INDIRECT_ATTRS = {"DISPLAY_NAME", "SHORT_HELP", "_GROUP_NAMES"}


def plugin_tr_strings(folder: str | None = None) -> dict[str, str]:
    """Every literal passed to tr()/self.tr() in the plugin outside core/ (or in one folder).

    Found by Python's parser. A tr() call whose argument is not a literal must be one the build
    script can follow (gui/ has one wrapper only: common.tr(text)).
    """
    found, non_literal = {}, []
    for path in plugin_files():
        rel = path.relative_to(PLUGIN)
        if folder is not None and rel.parts[0] != folder:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes = _enclosing_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name != "tr":
                continue
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, f"{rel}:{node.lineno}")
                continue
            if rel.parts[0] == "gui":
                ok = path.name == "common.py"  # common.tr(text) is the one wrapper
            else:
                ok = (isinstance(arg, ast.Name) and arg.id in scopes[node]) or any(
                    isinstance(n, ast.Attribute) and n.attr in INDIRECT_ATTRS
                    for n in ast.walk(arg or ast.Constant(None))
                )
            if not ok:
                non_literal.append(f"{rel}:{node.lineno}")
    assert not non_literal, (
        "tr() must get a string literal, or a helper parameter / loop variable / DISPLAY_NAME-like "
        f"attribute that scripts/build_translations.sh follows: {non_literal}"
    )
    return found


def gui_tr_strings() -> dict[str, str]:
    """Every literal passed to tr()/self.tr() in gui/."""
    return plugin_tr_strings("gui")


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


def run_build_script(ts: Path, src: Path | None = None) -> subprocess.CompletedProcess:
    args = ["bash", str(REPO / "scripts" / "build_translations.sh"), str(ts)]
    if src is not None:
        args.append(str(src))
    return subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, tuple[str, str | None, str]]:
    """The .ts as the build script refreshes it now (on a copy): every string its extraction finds
    (pylupdate5 + the Python pass), with the translations kept from the committed .ts."""
    copy = tmp_path_factory.mktemp("ts") / "capacitymetro_it.ts"
    shutil.copy(TS, copy)
    result = run_build_script(copy)
    assert result.returncode == 0, result.stderr
    return {s: m for s, m in ts_messages(copy).items() if m[1] != "vanished"}


PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\d+|n|[sdifL%])|</?[A-Za-z][^>]*>|\(\*\.[^)]*\)")


def translation_problems(where: str, source: str, message) -> list[str]:
    if message is None:
        return [f"{where} not in the .ts: {source!r}"]
    text, kind, context = message
    problems = []
    if context != "CapaCityMetro":
        problems.append(f"{where} in context {context!r}: {source!r}")
    if kind is not None or not text.strip():
        problems.append(f"{where} not translated: {source!r}")
    elif text == source and source not in SAME_IN_ITALIAN:
        problems.append(f"{where} 'translation' equals the English: {source!r}")
    elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
        problems.append(f"{where} placeholders differ: {source!r} -> {text!r}")
    elif source.count("\n") != text.count("\n") or source.count("%") != text.count("%"):
        problems.append(f"{where} line breaks or % signs differ: {source!r} -> {text!r}")
    return problems


def test_every_gui_string_has_a_finished_italian_translation():
    strings = gui_tr_strings()
    assert len(strings) > 80
    messages = ts_messages(TS)
    problems = []
    for source, where in strings.items():
        problems += translation_problems(f"gui: {where}", source, messages.get(source))
    assert not problems, "\n".join(problems)


def test_every_plugin_string_has_a_finished_italian_translation(extracted):
    """All plugin code outside core/ (gui/, provider/, maps/, plugin.py, ...): every string the
    build script extracts -- tr() literals and the strings that reach tr() indirectly
    (DISPLAY_NAME, SHORT_HELP, group names, add_enum labels and options, helper labels) -- has a
    finished Italian translation in the committed .ts with the same placeholders."""
    literals = plugin_tr_strings()
    assert len(literals) > 150  # sanity: the extraction found the tr() literals
    assert any(where.startswith("provider/") for where in literals.values())
    missing = sorted(set(literals) - set(extracted))
    assert not missing, f"tr() literals the build script did not extract: {missing}"
    committed = ts_messages(TS)
    problems = []
    for source in sorted(extracted):
        where = literals.get(source, "(found indirectly)")
        message = committed.get(source)
        if message is not None and message[1] == "vanished":
            message = (message[0], "vanished (rerun make translations)", message[2])
        problems += translation_problems(where, source, message)
    assert not problems, (
        "Run `make translations` and translate in capacitymetro_plugin/i18n/capacitymetro_it.ts:\n"
        + "\n".join(problems)
    )


def test_enum_options_from_module_constants_are_extracted(extracted):
    """add_enum(KEY, "label", MODES): the options live in module-level lists."""
    from capacitymetro_plugin.provider.algorithms import (  # noqa: PLC0415
        coverage_algs,
        network_algs,
        population_algs,
    )

    for options in (
        network_algs.MODES,
        network_algs.BANDS,
        network_algs.METHOD_LABELS,
        network_algs.TERRITORY_OUTPUTS,
        coverage_algs.DECAYS,
    ):
        for option in options:
            assert option in extracted, option
            assert extracted[option][1] is None, option
    for year in population_algs.YEARS:  # numbers need no translation
        assert year not in extracted


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
    for source in plugin_tr_strings():  # pylupdate5 + the merge find every tr() literal
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
        # the validator's own message (one rule set with the core), in Italian
        assert dock.form.error_labels["email"].text() == (
            "'scrivimi' non è un indirizzo e-mail: scrivilo come nome@esempio.it."
        )
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


ITALIAN_DISPLAY_NAMES = {
    "Service isochrones": "Isocrone dei servizi",
    "Prepare network": "Prepara rete",
    "Nearest-service territories": "Territori del servizio più vicino",
    "Coverage per comune and gap areas": "Copertura per comune e aree scoperte",
    "Foreign residents per comune (estimate from province totals)": (
        "Residenti stranieri per comune (stima dai totali provinciali)"
    ),
    "Validate registry": "Valida il registro",
    "Export coverage map": "Esporta mappa di copertura",
}


def test_compiled_qm_makes_processing_names_italian(italian, processing_provider):
    """Display names, group, and enum labels/options from module-level lists, at runtime."""
    from qgis.PyQt.QtCore import QCoreApplication

    for english, italian_text in ITALIAN_DISPLAY_NAMES.items():
        assert QCoreApplication.translate("CapaCityMetro", english) == italian_text
    algs = {type(alg).DISPLAY_NAME: alg for alg in processing_provider.algorithms()}
    for english, italian_text in ITALIAN_DISPLAY_NAMES.items():
        assert algs[english].displayName() == italian_text
    isochrones = algs["Service isochrones"].create()  # parameters built under the translator
    assert isochrones.group() == "Accessibilità su rete"
    method = isochrones.parameterDefinition("METHOD")
    assert method.description() == "Forma delle isocrone"
    assert method.options() == [
        "Strade, raster (veloce)",
        "Strade, vettoriale esatto (lento)",
        "Inviluppo convesso (anteprima rapida; attraversa i fiumi)",
        "Inviluppo convesso dei nodi raggiunti (ricetta osmnx; per confronto)",
    ]
    assert isochrones.parameterDefinition("BANDS").options() == ["annidate", "disgiunte"]
    prepare = algs["Prepare network"].create()  # keep it: it owns its parameters
    mode = prepare.parameterDefinition("MODE")
    assert mode.description() == "Modo di spostamento"
    assert mode.options() == ["a piedi", "bicicletta", "auto"]


def test_build_script_finds_strings_that_reach_tr_indirectly(tmp_path):
    """Each pattern the Processing code uses, in a small synthetic plugin folder."""
    src = tmp_path / "plugin"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "shared.py").write_text(
        """
SHARED: list[str] = ["Imported option one", "Imported option two"]
CHOICES = (("a", "Choice label A"), ("b", "Choice label B"))
""",
        encoding="utf-8",
    )
    (src / "algs.py").write_text(
        """
from plugin.sub.shared import CHOICES as PAIRS, SHARED

OPTIONS = ["walk", "bike", "2023"]
ANNOTATED: tuple[str, ...] = ("Annotated tuple option",)
MORE = OPTIONS + ["Concatenated option"]
LABEL = "Named label"
OUTPUTS = (("K1", "Named pair label 1"), ("K2", "Named pair label 2"))
KEYS = ["KEY_NOT_A_LABEL"]


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
    KIND = "KIND"
    KINDS = ["Class attribute option"]

    def init(self):
        self.add_enum("MODE", "Mode label", OPTIONS)
        self.add_enum(KEYS[0], LABEL, options=ANNOTATED)
        self.add_enum(self.KIND, "Kind label", self.KINDS)
        self.add_enum("M", "More label", MORE)
        self.add_enum("S", "Shared label", SHARED)
        self.add_enum("P", "Pairs label", [label for _, label in PAIRS])
        for key, label in OUTPUTS:
            self.tr(label)
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
        # named constants: annotated, concatenated, class attribute, imported, pairs
        "Named label",
        "Annotated tuple option",
        "Concatenated option",
        "Kind label",
        "Class attribute option",
        "Imported option one",
        "Imported option two",
        "Choice label A",
        "Choice label B",
        "Named pair label 1",
        "Named pair label 2",
    }
    assert expected <= found, expected - found
    assert "2023" not in found  # numbers need no translation
    assert not {"KIND", "KEY_NOT_A_LABEL", "a", "b", "K1"} & found  # keys are not labels
    imported = ET.parse(ts).getroot().find(".//message[source='Imported option one']/location")
    assert imported.get("filename").endswith("shared.py")  # filed where the constant is written
    assert {ctx for _, _, ctx in ts_messages(ts).values()} == {"CapaCityMetro"}
