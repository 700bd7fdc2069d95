#!/usr/bin/env bash
# Refresh the Italian translation file from every tr() string of the plugin, keeping the
# translations already made, then compile it to .qm (ignored by git; scripts/package.sh compiles
# it again for the zip).
# Usage: scripts/build_translations.sh [TS_FILE]   (default: capacitymetro_plugin/i18n/capacitymetro_it.ts)
#
# pylupdate5 finds self.tr("...")/tr("...") literals; it files each under its Python class, but the
# plugin translates everything in ONE context, "CapaCityMetro" (gui/common.py, provider/base.py),
# so the merge step below puts every message there. It also collects the strings the Processing
# base class translates from class attributes (DISPLAY_NAME, SHORT_HELP, _GROUP_NAMES) and from
# add_enum/add_number_list arguments, which pylupdate5 cannot see.
set -euo pipefail
cd "$(dirname "$0")/.."
ts=$(realpath -m "${1:-capacitymetro_plugin/i18n/capacitymetro_it.ts}")
pylupdate=$(command -v pylupdate5 || true)
[ -n "$pylupdate" ] || { echo "build_translations: pylupdate5 missing (apt-get install pyqt5-dev-tools)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# core/ never uses Qt, so it has no tr() strings
mapfile -t files < <(find capacitymetro_plugin -name '*.py' -not -path '*/core/*' -not -path '*/__pycache__/*' | sort)
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
CALLS = {"add_enum": (1, 2), "add_number_list": (1,)}
for filename in files:
    try:
        tree = ast.parse(open(filename, encoding="utf-8").read())
    except SyntaxError:
        continue
    # module-level lists of strings, for add_enum(KEY, "label", OPTIONS) with a named list
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    constants[t.id] = node.value
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
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            for index in CALLS.get(node.func.attr, ()):
                if index >= len(node.args):
                    continue
                arg = node.args[index]
                if isinstance(arg, ast.Name) and arg.id in constants:
                    arg = constants[arg.id]
                items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
                for item in items:
                    # option labels with letters only: "2023" needs no translation
                    if isinstance(item, ast.Constant) and isinstance(item.value, str) and any(
                        ch.isalpha() for ch in item.value
                    ):
                        add(item.value, filename, item.lineno)

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
