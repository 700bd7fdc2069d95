"""ruff (lint + format) is part of the suite, so CI enforces the house style and the core's
ban on qgis/Qt imports (capacitymetro_plugin/core/ruff.toml)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_check_is_clean():
    result = subprocess.run([str(RUFF), "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = subprocess.run(
        [str(RUFF), "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_ban_on_qgis_is_enforced_by_ruff(tmp_path):
    # a file under core/ that imports qgis must be flagged by the core's ruff.toml
    probe = REPO / "capacitymetro_plugin" / "core" / "_lint_probe_tmp.py"
    probe.write_text("import qgis.core  # noqa: F401\n")
    try:
        result = subprocess.run(
            [str(RUFF), "check", str(probe)], cwd=REPO, capture_output=True, text=True
        )
    finally:
        probe.unlink()
    assert result.returncode != 0 and "TID251" in result.stdout, result.stdout
