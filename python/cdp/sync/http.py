"""A small JSON-over-HTTP client for destinations: one keep-alive connection per thread and host, and vendor
throttling and server errors turned into ``RetryableError`` (with ``Retry-After`` when the vendor sends
it)."""

from __future__ import annotations

import email.utils
import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from cdp.destinations.base import BatchRejected, RetryableError


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: Any


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class JsonClient:
    """JSON requests to one base URL. Thread-safe: each thread keeps its own connection."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        retryable: Callable[[int, Any], bool] | None = None,
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"{base_url!r}: the URL needs http:// or https://")
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.prefix = parts.path.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
        self.timeout = timeout
        # Vendors that throttle with another status (Meta: a 400 with error code 17 or 613) say so here.
        self.retryable = retryable
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            connection = cls(self.netloc, timeout=self.timeout)
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Response:
        """Send one request. 2xx (and 207) return; 429, 5xx, timeouts and connection errors raise
        RetryableError; other 4xx raise BatchRejected with the vendor's message. ``raw``: a body already
        encoded as JSON."""
        url = self.prefix + path + (f"?{urlencode(params)}" if params else "")
        payload = (
            raw
            if raw is not None
            else None
            if body is None
            else json.dumps(body, separators=(",", ":")).encode()
        )
        try:
            connection = self._connection()
            connection.request(method, url, body=payload, headers={**self.headers, **(headers or {})})
            raw = connection.getresponse()
            data = raw.read()
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
        except (TimeoutError, ConnectionError, http.client.HTTPException, OSError) as error:
            self._drop_connection()
            raise RetryableError(f"{method} {url}: {type(error).__name__}: {error}") from error
        if response_headers.get("connection", "").lower() == "close":
            self._drop_connection()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode(errors="replace")
        vendor_retryable = (
            self.retryable is not None and raw.status >= 400 and self.retryable(raw.status, parsed)
        )
        if raw.status == 429 or raw.status >= 500 or vendor_retryable:
            raise RetryableError(
                f"{method} {url}: HTTP {raw.status}: {str(parsed)[:300]}",
                retry_after=retry_after_seconds(response_headers.get("retry-after")),
                status=raw.status,
                headers=response_headers,
            )
        if raw.status >= 400:
            raise BatchRejected(f"HTTP {raw.status}: {str(parsed)[:500]}")
        return Response(raw.status, response_headers, parsed)

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
