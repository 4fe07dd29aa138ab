"""What every vendor emulator shares: a real HTTP/1.1 server on loopback (keep-alive, one thread per
connection) in a background thread, bearer-token checks, the vendor's rate limit (a sliding window answered
with the vendor's own 429), a body-size limit, and fault injection (throttles with Retry-After, server errors,
slow responses that time the client out, dropped connections) for the tests.

A vendor emulator subclasses :class:`VendorApp`, registers its routes and keeps what it was sent in memory;
tests read ``app`` directly (the server runs in their process) or over HTTP at ``/__admin/state``."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    match: re.Match


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """The next ``count`` requests whose path contains ``path`` get ``status`` (with ``retry_after``, header
    and vendor body), or wait ``delay`` seconds before being served (a client with a shorter timeout gives
    up), or are cut off without an answer (``drop``)."""

    status: int | None = None
    count: int = 1
    retry_after: float | None = None
    delay: float = 0.0
    drop: bool = False
    path: str = ""


Handler = Callable[[Request], Reply]


class VendorApp:
    """Routes, limits, faults and statistics of one emulated vendor API."""

    name = "vendor"
    # The vendor's rate limit as (requests, window seconds); None: unlimited.
    rate_limit: tuple[int, float] | None = None
    max_body_bytes = 10 * 1024 * 1024
    token: str | None = "test-token"

    def __init__(
        self, *, rate_limit: tuple[int, float] | str | None = "vendor", token: str | str | None = "vendor"
    ):
        if rate_limit != "vendor":
            self.rate_limit = rate_limit  # type: ignore[assignment]
        if token != "vendor":
            self.token = token  # type: ignore[assignment]
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.lock = threading.Lock()
        self.faults: list[Fault] = []
        self.window: deque[float] = deque()
        self.stats = {"requests": 0, "throttled": 0, "faults": 0, "served": 0}

    # --- set-up --------------------------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    # --- vendor-specific answers (override) ----------------------------------------------------------------
    def throttled_reply(self, retry_after: float) -> Reply:
        return Reply(429, {"error": "rate limit exceeded"}, {"Retry-After": f"{retry_after:.3f}"})

    def unauthorized_reply(self) -> Reply:
        return Reply(401, {"error": "invalid or missing token"})

    def authorized(self, headers: dict[str, str]) -> bool:
        return self.token is None or headers.get("authorization") == f"Bearer {self.token}"

    def state(self) -> dict:
        """What the emulator holds, for /__admin/state."""
        return {"stats": dict(self.stats)}

    # --- request pipeline ----------------------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path in path:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    self.stats["faults"] += 1
                    return fault
        return None

    def _throttle(self) -> float | None:
        """Seconds until a request is allowed again, or None when this one may pass (and is counted)."""
        if self.rate_limit is None:
            return None
        limit, window = self.rate_limit
        now = time.monotonic()
        with self.lock:
            while self.window and self.window[0] <= now - window:
                self.window.popleft()
            if len(self.window) >= limit:
                self.stats["throttled"] += 1
                return self.window[0] + window - now
            self.window.append(now)
        return None

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        parts = urlsplit(raw_path)
        with self.lock:
            self.stats["requests"] += 1
        if parts.path == "/__admin/state":
            return Reply(200, self.state())
        fault = self._take_fault(parts.path)
        if fault is not None:
            if fault.drop:
                return None
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                if fault.status == 429:
                    return self.throttled_reply(fault.retry_after or 0.0)
                headers_out = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                return Reply(fault.status, {"error": f"injected HTTP {fault.status}"}, headers_out)
        if not self.authorized(headers):
            return self.unauthorized_reply()
        wait = self._throttle()
        if wait is not None:
            return self.throttled_reply(wait)
        if len(body) > self.max_body_bytes:
            return Reply(
                413, {"error": f"body of {len(body)} bytes is over the limit of {self.max_body_bytes}"}
            )
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            return Reply(400, {"error": "body is not valid JSON"})
        for route_method, pattern, handler in self.routes:
            match = pattern.match(parts.path)
            if match and route_method == method:
                request = Request(method, parts.path, parse_qs(parts.query), headers, parsed, match)
                reply = handler(request)
                with self.lock:
                    self.stats["served"] += 1
                return reply
        return Reply(404, {"error": f"no route {method} {parts.path}"})


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: VendorApp

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.app.handle(self.command, self.path, headers, body)
        if reply is None:  # injected drop: close without answering
            self.close_connection = True
            return
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class EmulatorServer:
    """Runs a VendorApp on 127.0.0.1 (port 0: a free one) in a background thread; a context manager."""

    def __init__(self, app: VendorApp, port: int = 0):
        self.app = app
        handler = type(f"{type(app).__name__}Handler", (_RequestHandler,), {"app": app})
        self.server = _Server(("127.0.0.1", port), handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"{app.name}-emulator", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> EmulatorServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
