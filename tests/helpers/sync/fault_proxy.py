"""A reverse proxy on 127.0.0.1 that breaks requests at random between a device and the server.

Each request is broken with the probability given for its kind (pushes and uploads most often:
the point is to break batches in the middle), in one of these ways, chosen by weight:

- ``500_before``: answer 500 without forwarding (the server never saw it);
- ``500_after``: forward, let the server finish, then answer 500 (the server did the work);
- ``drop_before`` / ``drop_after``: close the connection with no answer, before or after forwarding;
- ``delay_after``: forward, then hold the answer past the device's timeout;
- ``cut_body``: send the server only the first part of a PATCH body, then hang up on both sides.
"""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
RATES = {
    ("POST", "/v1/push"): 0.4,
    ("PATCH", "/v1/blobs/"): 0.2,
    ("GET", "/v1/pull"): 0.1,
    ("GET", "/v1/blobs/"): 0.05,
}
OTHER_RATE = 0.01  # HEAD and POST of images: a batch checks every one of its images first
KINDS = {
    "500_before": 2,
    "500_after": 3,
    "drop_before": 1,
    "drop_after": 3,
    "delay_after": 1,
    "cut_body": 4,  # PATCH only
}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A device that hung up on a held answer is part of the test, not an error."""


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        seed: int,
        delay_s: float = 1.5,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.delay_s = delay_s
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.enabled = True
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self)

            do_POST = do_PATCH = do_HEAD = do_PUT = do_DELETE = do_GET

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def choose(self, method: str, path: str) -> str:
        rate = next((r for (m, p), r in RATES.items() if m == method and path.startswith(p)), None)
        kinds = [k for k in KINDS if k != "cut_body" or method == "PATCH"]
        with self.lock:
            if not self.enabled or self.rng.random() >= (OTHER_RATE if rate is None else rate):
                self.counts["pass"] += 1
                return "pass"
            fault = self.rng.choices(kinds, weights=[KINDS[k] for k in kinds])[0]
            self.counts[fault] += 1
            return fault

    # -- one request --------------------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        fault = self.choose(request.command, request.path)
        if fault == "500_before":
            self.answer(request, 500, {}, b'{"error": {"code": "internal_error", "message": "x"}}')
            return
        if fault == "drop_before":
            self.hang_up(request)
            return
        if fault == "cut_body" and body:
            self.send_part(request, headers, body)
            self.hang_up(request)
            return
        status, answer_headers, answer = self.forward(request.command, request.path, headers, body)
        if fault == "500_after":
            self.answer(request, 500, {}, b'{"error": {"code": "internal_error", "message": "x"}}')
        elif fault == "drop_after":
            self.hang_up(request)
        elif fault == "delay_after":
            time.sleep(self.delay_s)
            self.hang_up(request)
        else:
            self.answer(request, status, answer_headers, answer, head=request.command == "HEAD")

    def forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            return response.status, kept, data
        finally:
            conn.close()

    def send_part(
        self, request: BaseHTTPRequestHandler, headers: dict[str, str], body: bytes
    ) -> None:
        """The request line, the full Content-Length, and only part of the body: a dropped upload."""
        cut = self.rng.randint(1, max(1, len(body) - 1))
        lines = [f"{request.command} {request.path} HTTP/1.1", f"Host: {self.upstream[0]}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        with socket.create_connection(self.upstream, timeout=10) as sock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body[:cut])
            time.sleep(0.05)  # let the server read what arrived before the line drops

    @staticmethod
    def answer(
        request: BaseHTTPRequestHandler,
        status: int,
        headers: dict[str, str],
        body: bytes,
        *,
        head: bool = False,
    ) -> None:
        request.send_response(status)
        for key, value in headers.items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if not head:
            request.wfile.write(body)

    @staticmethod
    def hang_up(request: BaseHTTPRequestHandler) -> None:
        request.close_connection = True
        with contextlib.suppress(OSError):
            request.connection.shutdown(socket.SHUT_RDWR)
