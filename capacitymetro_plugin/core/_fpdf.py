"""fpdf2, imported safely, and its fonts (DejaVu Sans where installed): for the run's summary.pdf
(batch/report.py) and the bussola's per-sector lists (core/bussola/pdf.py)."""

from __future__ import annotations

from pathlib import Path

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/Library/Fonts", "C:/Windows/Fonts")


def _font(pdf) -> str:
    """Add DejaVu Sans when found (all of Italian and the symbols); else the core Helvetica."""
    for folder in _FONT_DIRS:
        regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def import_fpdf():
    """Return fpdf2's ``FPDF`` class (None without fpdf2), holding on to none of our frames.

    ``fpdf.encryption`` stores the ImportError it caught (``import_error``) when cryptography is
    missing (Debian 13's QGIS Python). Its traceback holds the frames that imported fpdf, so the
    caller's locals stay alive until Python exits: QGIS layers of a sample-project build were then
    deleted after ``exitQgis()``, and the process ended in a segmentation fault (exit 139). The
    error itself (what fpdf2 reports when asked to encrypt) is kept, without its traceback.
    """
    import sys

    try:
        from fpdf import FPDF
    except ImportError:
        return None
    error = getattr(sys.modules.get("fpdf.encryption"), "import_error", None)
    if isinstance(error, BaseException):
        error.__traceback__ = None
        error.__context__ = None
    return FPDF
