"""A published bussola's data files in tests: ``data/<name>`` holds ``window.<VAR>=<JSON>;``."""

from __future__ import annotations

import json
from pathlib import Path


def site_data(folder: str | Path, name: str, var: str):
    """Return the JSON of ``folder/data/name``, which must assign ``window.<var>``."""
    text = (Path(folder) / "data" / name).read_text(encoding="utf-8")
    head = f"window.{var}="
    assert text.startswith(head), (name, text[:40])
    return json.loads(text[len(head) :].rstrip().rstrip(";"))
