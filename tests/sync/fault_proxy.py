"""A reverse proxy on 127.0.0.1 that breaks requests at random between a device and the server.

Faults, each chosen per request with its probability:

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
DEFAULT_FAULTS = {
    "500_before": 0.05,
    "500_after": 0.07,
    "drop_before": 0.04,
    "drop_after": 0.07,
    "delay_after": 0.015,
    "cut_body": 0.15,  # PATCH only
}


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        *,
        seed: int,
        faults: dict[str, float] | None = None,
        delay_s: float = 1.5,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.faults = dict(DEFAULT_FAULTS if faults is None else faults)
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def choose(self, method: str) -> str:
        with self.lock:
            if not self.enabled:
                return "pass"
            roll = self.rng.random()
            for name, chance in self.faults.items():
                if name == "cut_body" and method != "PATCH":
                    continue
                if roll < chance:
                    self.counts[name] += 1
                    return name
                roll -= chance
            self.counts["pass"] += 1
            return "pass"

    # -- one request --------------------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        fault = self.choose(request.command)
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
