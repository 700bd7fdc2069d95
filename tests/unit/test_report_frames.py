"""The one-page PDF summary must not keep the caller's objects alive (issue 13, QGIS 3.40 exit 139).

fpdf2 stores the ImportError of its optional ``cryptography`` import; with its traceback, the frames
that first imported fpdf (run_pipeline, a sample-project build holding QGIS layers) lived until
Python exited, after ``exitQgis()``: a segmentation fault on Debian 13, where cryptography is absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CODE = """
import gc, sys, weakref
sys.modules["cryptography"] = None   # as in Debian 13's QGIS Python: fpdf2 keeps an ImportError
class Marker:
    pass
def caller():
    marker = Marker()
    from capacitymetro_plugin.batch.report import import_fpdf
    assert import_fpdf() is not None
    return weakref.ref(marker)
ref = caller()
gc.collect()
import fpdf.encryption as enc
print("kept-error" if isinstance(getattr(enc, "import_error", None), BaseException) else "no-error")
print("alive" if ref() is not None else "released")
"""


def test_importing_fpdf_keeps_no_caller_frame_alive():
    pytest.importorskip("fpdf")
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-1] == "released", out
