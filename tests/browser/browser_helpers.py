"""Helpers of the browser tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
IMG = REPO / "docs" / "img"
CHROMIUM = Path("/usr/bin/chromium")

# planted protected places, one pair per city (lon, lat)
PLANTED = {
    "trento": ((11.1302, 46.0731), (11.1187, 46.0609)),
    "venezia": ((12.3351, 45.4381), (12.3262, 45.4339)),
}


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Start a static http server of ``folder`` in a thread; return it (``.shutdown()``)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a, **k: None  # type: ignore[assignment]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def shot(page, name: str) -> Path:
    """Save a viewport screenshot as docs/img/bussola_<name>.png."""
    IMG.mkdir(parents=True, exist_ok=True)
    path = IMG / f"bussola_{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
