"""The plugin runs on Python 3.9: QGIS on Windows up to early 3.34 and the official macOS builds
(Qt5) even of 3.40 LTR ship it. On a newer Python nothing else would notice a 3.10+ feature
until a user's QGIS fails to load the plugin.

vermin finds the standard-library names, keywords and syntax each file needs. Its detection of
``X | Y`` unions is off by default and ignores ``from __future__ import annotations``, so the
unions evaluated at run time are checked here with :mod:`ast`. Behaviour that differs between
versions without failing (``date.fromisoformat`` reads more on 3.11) no scan finds: see
``core/_pycompat.py``.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VERMIN = Path(sys.executable).parent / "vermin"
# the one place the minimum is written: pyproject.toml's requires-python (">=3.9")
MINIMUM = tuple(
    int(p)
    for p in re.search(
        r'^requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text("utf-8"), re.M
    )[1].split(".")
)
# the plugin, the unit tests a Python 3.9 machine runs against it, and the scripts they run
SCANNED = ["capacitymetro_plugin", "tests/unit", "scripts"]
BUILTIN_TYPES = {"int", "float", "str", "bytes", "bool", "list", "tuple", "dict", "set", "type"}


def vermin_minimum(*paths: str) -> tuple[tuple[int, int], str]:
    """Return the minimum Python 3 that vermin finds for ``paths``, and its report."""
    result = subprocess.run(
        [
            str(VERMIN),
            "--eval-annotations",  # an annotation some code evaluates counts
            "--no-tips",
            "--processes=1",
            "--violations",
            f"--target={MINIMUM[0]}.{MINIMUM[1]}-",
            "--format",
            "parsable",
            *paths,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip(), result.stderr
    # the last line is ":::!2:3.x:" (py2, py3 minimum); the lines before name the features
    py3 = result.stdout.strip().splitlines()[-1].split(":")[4]
    major, minor = (int(p) for p in py3.split("."))
    return (major, minor), result.stdout


def test_minimum_is_python_39():
    assert MINIMUM == (3, 9)


@pytest.mark.parametrize("path", SCANNED)
def test_vermin_finds_nothing_past_python_39(path):
    found, report = vermin_minimum(path)
    assert found <= MINIMUM, f"{path} needs Python {found[0]}.{found[1]}:\n{report}"


def test_vermin_sees_a_310_feature(tmp_path):
    # so the test above cannot pass by reading nothing
    probe = tmp_path / "probe.py"
    probe.write_text("pairs = list(zip([1], [2], strict=True))\n", encoding="utf-8")
    found, report = vermin_minimum(str(probe))
    assert found == (3, 10), report


def runtime_unions(source: str) -> list[tuple[int, str]]:
    """Return ``(line, code)`` of ``X | Y`` type unions Python evaluates when running ``source``.

    Those are the second argument of ``isinstance``/``issubclass``, any union with ``None`` or a
    builtin type outside annotations (an alias ``Number = int | float``), and every annotation
    of a module without ``from __future__ import annotations``. Bitwise ``|`` of numbers, masks
    or Qt flags is left alone.
    """
    tree = ast.parse(source)
    lazy = any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    )
    annotations: list[ast.AST] = []
    for n in ast.walk(tree):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = n.args
            args = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            annotations += [x.annotation for x in args if x is not None and x.annotation]
            annotations += [n.returns] if n.returns is not None else []
        elif isinstance(n, ast.AnnAssign):
            annotations.append(n.annotation)
    in_annotation = {id(sub) for a in annotations for sub in ast.walk(a)}

    def is_union(node: ast.AST) -> bool:
        return isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)

    def typelike(node: ast.AST) -> bool:
        if is_union(node):
            return typelike(node.left) or typelike(node.right)
        if isinstance(node, ast.Subscript):
            node = node.value
        return (isinstance(node, ast.Constant) and node.value is None) or (
            isinstance(node, ast.Name) and node.id in BUILTIN_TYPES
        )

    found = []
    reported: set[int] = set()  # ast.walk goes outside in: report ``a | b | c`` once

    def report(node: ast.AST, code: ast.AST) -> None:
        found.append((node.lineno, ast.unparse(code)))
        reported.update(id(sub) for sub in ast.walk(node))

    for n in ast.walk(tree):
        if id(n) in reported:
            continue
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id in ("isinstance", "issubclass")
            and len(n.args) == 2
            and is_union(n.args[1])
        ):
            report(n, n)
        elif is_union(n) and id(n) not in in_annotation and typelike(n):
            report(n, n)
    if not lazy:
        found += [
            (a.lineno, ast.unparse(a)) for a in annotations if any(map(is_union, ast.walk(a)))
        ]
    return found


def test_no_type_union_is_evaluated_at_run_time():
    hits = [
        f"{p.relative_to(REPO)}:{line}: {code}"
        for folder in SCANNED
        for p in sorted((REPO / folder).rglob("*.py"))
        for line, code in runtime_unions(p.read_text(encoding="utf-8"))
    ]
    assert hits == [], "X | Y unions need Python 3.10 at run time:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("source", "unions"),
    [
        ("isinstance(x, int | str)\n", 1),
        ("Number = int | float | None\n", 1),
        ("isinstance(x, int | str | bytes)\n", 1),
        ("def f(x: int | None) -> None: ...\n", 1),
        ("from __future__ import annotations\ndef f(x: int | None) -> None: ...\n", 0),
        ("from __future__ import annotations\nx: list[int] | None = None\n", 0),
        ("mask = a | b\nflags = item.flags() | Qt.ItemIsEditable\n", 0),
        ("isinstance(x, (int, str))\n", 0),
    ],
)
def test_runtime_union_detection(source, unions):
    assert len(runtime_unions(source)) == unions
