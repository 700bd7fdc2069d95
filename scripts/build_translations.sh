#!/usr/bin/env bash
# Refresh the Italian translation file from every tr() string of the plugin, keeping the
# translations already made, then compile it to .qm (ignored by git; scripts/package.sh compiles
# it again for the zip).
# Usage: scripts/build_translations.sh [TS_FILE [PLUGIN_DIR]]
#        (defaults: capacitymetro_plugin/i18n/capacitymetro_it.ts, capacitymetro_plugin)
#
# pylupdate5 finds self.tr("...")/tr("...") literals; it files each under its Python class, but the
# plugin translates everything in ONE context, "CapaCityMetro" (gui/common.py, provider/base.py),
# so the merge step below puts every message there. It also finds, with Python's parser, strings
# that reach tr() indirectly and that pylupdate5 cannot see: class attributes (DISPLAY_NAME,
# SHORT_HELP, _GROUP_NAMES), arguments of helpers that translate a parameter (add_enum labels and
# option lists, add_services_input(label=...), their defaults), and literal tuples looped over
# ("for key, label in ((K, "label"), ...): self.tr(label)"). Such an argument may also be a named
# constant: a module-level list/tuple of strings (add_enum(KEY, "Travel mode", MODES)), annotated
# or not, one imported from another plugin file, a class attribute (self.MODES), a concatenation,
# or [label for _, label in CHOICES]; the strings are filed where the constant is written.
set -euo pipefail
cd "$(dirname "$0")/.."
ts=$(realpath -m "${1:-capacitymetro_plugin/i18n/capacitymetro_it.ts}")
src=${2:-capacitymetro_plugin}
pylupdate=$(command -v pylupdate5 || true)
[ -n "$pylupdate" ] || { echo "build_translations: pylupdate5 missing (apt-get install pyqt5-dev-tools)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# core/ never uses Qt, so it has no tr() strings
mapfile -t files < <(find "$src" -name '*.py' -not -path '*/core/*' -not -path '*/__pycache__/*' | sort)
"$pylupdate" -noobsolete "${files[@]}" -ts "$tmp/extracted.ts" 2> "$tmp/pylupdate.log" || { cat "$tmp/pylupdate.log" >&2; exit 1; }
/usr/bin/python3 - "$tmp/extracted.ts" "$ts" "${files[@]}" <<'PY'
import ast
import os
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

CONTEXT = "CapaCityMetro"
extracted, target, *files = sys.argv[1:]
target_dir = os.path.dirname(os.path.abspath(target))

messages = {}  # source -> list of (file, line)


def add(source, filename, line):
    if not source.strip():
        return
    rel = os.path.relpath(os.path.abspath(filename), target_dir)
    messages.setdefault(source, [])
    if (rel, line) not in messages[source]:
        messages[source].append((rel, line))


for context in ET.parse(extracted).getroot().iter("context"):
    for message in context.iter("message"):
        source = message.findtext("source") or ""
        for loc in message.findall("location"):
            # pylupdate5 writes locations relative to its own .ts file
            path = os.path.normpath(os.path.join(os.path.dirname(extracted), loc.get("filename")))
            add(source, path, int(loc.get("line", 0)))

ATTRS = {"DISPLAY_NAME", "SHORT_HELP"}


def is_tr(node):
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    return (isinstance(f, ast.Name) and f.id == "tr") or (
        isinstance(f, ast.Attribute) and f.attr == "tr"
    )


def is_text(node):
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(c.isalpha() for c in node.value)  # "2023" needs no translation
    )


def resolve(node, scope, depth=0):
    """Follow a reference to the constant it names, as (file, value node), or None.

    MODES (module level, or imported from another plugin file with `from ... import MODES`),
    self.MODES / cls.MODES / SomeClass.MODES (class level, in the same file).
    """
    if depth > 5:
        return None
    found = None
    if isinstance(node, ast.Name):
        found = scope["names"].get(node.id)
        if found is None and node.id in scope["imports"]:
            module, original = scope["imports"][node.id]
            for other in module_files.get(module, ()):
                found = module_scopes[other]["names"].get(original)
                if found is not None:
                    break
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        found = scope["attrs"].get(node.attr)
    if found is None:
        return None
    filename, value = found
    return resolve(value, module_scopes[filename], depth + 1) or found


def strings_of(node, scope, filename, depth=0):
    """(file, string constant) pairs of a label or an option list.

    A literal string, a list/tuple/set of them, a named constant (module level, imported, or a
    class attribute), a concatenation (A + ["x"]), `a if c else b`, list(...)/tuple(...), or a
    comprehension picking one member of each tuple of a constant (`[label for _, label in X]`).
    """
    if depth > 8 or node is None:
        return []
    found = resolve(node, scope)
    if found is not None:
        filename, node = found
        scope = module_scopes.get(filename, scope)
    if is_text(node):
        return [(filename, node)]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [
            item
            for element in node.elts
            if not isinstance(element, ast.List | ast.Tuple)  # options are strings, not pairs
            for item in strings_of(element, scope, filename, depth + 1)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return strings_of(node.left, scope, filename, depth + 1) + strings_of(
            node.right, scope, filename, depth + 1
        )
    if isinstance(node, ast.IfExp):
        return strings_of(node.body, scope, filename, depth + 1) + strings_of(
            node.orelse, scope, filename, depth + 1
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("list", "tuple", "sorted")
        and len(node.args) == 1
    ):
        return strings_of(node.args[0], scope, filename, depth + 1)
    if isinstance(node, ast.ListComp | ast.GeneratorExp) and len(node.generators) == 1:
        generator = node.generators[0]
        if isinstance(node.elt, ast.Name) and isinstance(generator.target, ast.Tuple):
            names = [t.id if isinstance(t, ast.Name) else None for t in generator.target.elts]
            if node.elt.id in names:
                return members(generator.iter, names.index(node.elt.id), scope, filename, depth)
        if isinstance(node.elt, ast.Name) and isinstance(generator.target, ast.Name):
            if node.elt.id == generator.target.id:
                return strings_of(generator.iter, scope, filename, depth + 1)
    return []


def members(node, index, scope, filename, depth=0):
    """Strings at position `index` of each tuple of a literal or named sequence of tuples."""
    found = resolve(node, scope)
    if found is not None:
        filename, node = found
        scope = module_scopes.get(filename, scope)
    out = []
    if isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            if isinstance(element, ast.Tuple | ast.List) and index < len(element.elts):
                out += strings_of(element.elts[index], scope, filename, depth + 1)
    return out


trees = {}
for filename in files:
    try:
        trees[filename] = ast.parse(open(filename, encoding="utf-8").read())
    except SyntaxError:
        continue

# Named constants each file defines (module level, and class bodies for self.X / Class.X) and
# imports (`from .network_algs import MODES`), so that add_enum(KEY, "label", MODES) is resolved.
module_scopes = {}  # file -> {"names", "attrs", "imports"}
module_files = {}  # last component of a module name -> files defining it
for filename, tree in trees.items():
    scope = {"names": {}, "attrs": {}, "imports": {}}
    stem = os.path.splitext(os.path.basename(filename))[0]
    if stem == "__init__":
        stem = os.path.basename(os.path.dirname(os.path.abspath(filename)))
    module_files.setdefault(stem, []).append(filename)

    def assigned(body, into):
        for node in body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for t in targets:
                if isinstance(t, ast.Name):
                    into[t.id] = (filename, value)

    assigned(tree.body, scope["names"])
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            assigned(node.body, scope["attrs"])
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                scope["imports"][alias.asname or alias.name] = (
                    node.module.rsplit(".", 1)[-1],
                    alias.name,
                )
    module_scopes[filename] = scope

# helpers that translate one of their parameters: tr(label), or tr(o) for o in options
translated_params = {}  # method name -> {param name: positional index (self excluded)}
for filename, tree in trees.items():
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.args]
        offset = 1 if params and params[0] in ("self", "cls") else 0
        loop_vars = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.comprehension | ast.For) and isinstance(node.iter, ast.Name):
                if isinstance(node.target, ast.Name):
                    loop_vars[node.target.id] = node.iter.id
        for node in ast.walk(fn):
            if is_tr(node) and node.args and isinstance(node.args[0], ast.Name):
                name = loop_vars.get(node.args[0].id, node.args[0].id)
                if name in params[offset:]:
                    translated_params.setdefault(fn.name, {})[name] = params.index(name) - offset
        # defaults of those parameters ("Services")
        for name, index in translated_params.get(fn.name, {}).items():
            defaults = fn.args.defaults
            first = len(params) - len(defaults)
            position = params.index(name)
            if position >= first:
                for where, item in strings_of(
                    defaults[position - first], module_scopes[filename], filename
                ):
                    add(item.value, where, item.lineno)

for filename, tree in trees.items():
    scope = module_scopes[filename]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            value = node.value
            if names & ATTRS and isinstance(value, ast.Constant) and isinstance(value.value, str):
                add(value.value, filename, node.lineno)
            if "_GROUP_NAMES" in names and isinstance(value, ast.Dict):
                for v in value.values:
                    if isinstance(v, ast.Constant) and isinstance(v.value, str):
                        add(v.value, filename, v.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            for param, index in translated_params.get(name, {}).items():
                args = [node.args[index]] if index < len(node.args) else []
                args += [k.value for k in node.keywords if k.arg == param]
                for arg in args:
                    for where, item in strings_of(arg, scope, filename):
                        add(item.value, where, item.lineno)
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Tuple):
            # for key, label in ((K, "label"), ...) -- or a named tuple of pairs --: tr(label)
            names = [t.id if isinstance(t, ast.Name) else None for t in node.target.elts]
            used = {
                n.args[0].id
                for body in node.body
                for n in ast.walk(body)
                if is_tr(n) and n.args and isinstance(n.args[0], ast.Name)
            }
            for index, var in enumerate(names):
                if var in used:
                    for where, item in members(node.iter, index, scope, filename):
                        add(item.value, where, item.lineno)

old = {}
if os.path.exists(target):
    for message in ET.parse(target).getroot().iter("message"):
        translation = message.find("translation")
        text = translation.text if translation is not None else None
        if text:
            old[message.findtext("source") or ""] = (text, translation.get("type"))

order = sorted(messages, key=lambda s: (messages[s][:1] or [("~", 0)], s))
out = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
       '<TS version="2.1" language="it_IT">', "<context>", f"    <name>{CONTEXT}</name>"]


def message_xml(source, locations, text, kind):
    lines = ["    <message>"]
    for rel, line in locations:
        lines.append(f'        <location filename="{escape(rel)}" line="{line}"/>')
    lines.append(f"        <source>{escape(source)}</source>")
    attr = f' type="{kind}"' if kind else ""
    lines.append(f"        <translation{attr}>{escape(text or '')}</translation>")
    lines.append("    </message>")
    return lines


finished = unfinished = 0
for source in order:
    text, kind = old.get(source, (None, None))
    kind = "unfinished" if not text or kind in ("unfinished", "vanished", "obsolete") else None
    finished += kind is None
    unfinished += kind is not None
    out += message_xml(source, messages[source], text, kind)
gone = sorted(s for s in old if s not in messages)
for source in gone:  # kept so the work is not lost if the string comes back
    out += message_xml(source, [], old[source][0], "vanished")
out += ["</context>", "</TS>", ""]
os.makedirs(target_dir, exist_ok=True)
with open(target, "w", encoding="utf-8") as fh:
    fh.write("\n".join(out))
print(f"{target}: {len(order)} strings, {finished} translated, {unfinished} to translate, "
      f"{len(gone)} no longer used")
PY
lrelease=$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)
"$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
