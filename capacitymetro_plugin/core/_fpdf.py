"""fpdf2, imported safely, and its fonts (DejaVu Sans where installed): for the run's summary.pdf
(batch/report.py) and the bussola's per-sector lists (core/bussola/pdf.py)."""

from __future__ import annotations

from pathlib import Path

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/Library/Fonts", "C:/Windows/Fonts")
# (regular, bold) Unicode TrueType fonts, in order: DejaVu Sans (Debian, or installed by hand),
# then Arial as Windows and macOS ship it (Latin, Greek and Cyrillic too)
_FONT_FILES = [
    *((f"{d}/DejaVuSans.ttf", f"{d}/DejaVuSans-Bold.ttf") for d in _FONT_DIRS),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    (
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    ),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
]


def unicode_font() -> tuple[str, str, str] | None:
    """Return (family, regular file, bold file) of the first Unicode font found, else None."""
    for regular, bold in _FONT_FILES:
        if Path(regular).exists() and Path(bold).exists():
            return ("DejaVu" if "DejaVu" in regular else "Arial"), regular, bold
    return None


def _font(pdf) -> str:
    """Add a Unicode font when found (DejaVu Sans, else Arial); else the core Helvetica."""
    found = unicode_font()
    if found is None:
        return "Helvetica"
    family, regular, bold = found
    pdf.add_font(family, "", regular)
    pdf.add_font(family, "B", bold)
    return family


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
