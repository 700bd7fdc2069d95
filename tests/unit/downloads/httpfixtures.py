"""A real local HTTP server for the download tests: files, Range, dropped connections, errors.

Each test gets a :class:`Server` on 127.0.0.1 (a thread); it serves ``files`` by path and
behaves as told: ``ranges`` (answer ``Range`` with 206), ``drop_after`` (close the connection
after that many body bytes, for the first ``drops`` requests), ``status`` (an error code for
every request) or ``delay`` (seconds before answering, for timeouts). Every request is logged
(method, path, Range header, body) so tests can check what was asked.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    files: dict[str, bytes] = field(default_factory=dict)
    ranges: bool = True
    drop_after: int | None = None
    drops: int = 1
    status: int | None = None
    delay: float = 0.0
    etag: bool = True
    requests: list[dict] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def log_message(self, *args):  # quiet
        pass

    def _serve(self, body_in: bytes | None):
        b = self.behaviour
        b.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "range": self.headers.get("Range"),
                "if_range": self.headers.get("If-Range"),
                "body": body_in,
                "user_agent": self.headers.get("User-Agent"),
            }
        )
        if b.delay:
            import time

            time.sleep(b.delay)
        if b.status:
            self.send_error(b.status)
            return
        key = self.path.split("?")[0]
        if key not in b.files:
            self.send_error(404)
            return
        data = b.files[key]
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        start = 0
        wanted = self.headers.get("Range")
        if b.ranges and wanted and wanted.startswith("bytes="):
            start = int(wanted[6:].split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        if b.ranges:
            self.send_header("Accept-Ranges", "bytes")
        if b.etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Wed, 01 Feb 2023 10:00:00 GMT")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        body = data[start:]
        if b.drop_after is not None and b.drops > 0:
            b.drops -= 1
            self.wfile.write(body[: b.drop_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def do_GET(self):
        self._serve(None)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(n))


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client gone mid-body (cancel, timeout)
        pass


class Server:
    """``with Server(Behaviour(files={"/a": b"..."})) as s: s.url("/a")``."""

    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        handler = type("Handler", (_Handler,), {"behaviour": behaviour})
        self.httpd = _Quiet(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
