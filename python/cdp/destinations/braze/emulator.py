"""Braze REST API emulator for user profiles: ``POST /users/track`` (attributes objects; events and purchases
are not emulated) and ``POST /users/delete`` (by external id).

It checks the bearer REST API key, at most 75 attributes objects per track request (400 "Max Input Length
Exceeded") and 50 ids per delete request, and each object: an ``external_id`` (the only identifier it
emulates), a valid ``email``, a known ``email_subscribe`` value and attribute names that neither start with
'$' nor pass 255 characters. Refused objects are reported in ``errors[]`` (``type``, ``input_array``,
``index``) beside ``"message": "success"`` while the rest are processed; when none is valid the request fails
with 400 "Valid data must be provided ...". A NULL removes an attribute; ``_update_existing_only`` objects of
unknown users are skipped. Rate limits are Braze's per endpoint: /users/track 3,000 requests per 3 s
(``rate_limit``), /users/delete 20,000 per minute; every answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (epoch seconds) and a throttle is a 429 with them."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from cdp.destinations.emulator import Reply, Request, VendorApp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SUBSCRIBE_STATES = ("opted_in", "subscribed", "unsubscribed")
IDENTIFIERS = ("external_id", "braze_id", "user_alias", "email", "phone")
NO_VALID_DATA = "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields."
DELETE_PATHS = ("/users/delete", "/users/alias/new", "/users/alias/update", "/users/identify", "/users/merge")


class BrazeApp(VendorApp):
    name = "braze"
    rate_limit = (3000, 3.0)  # /users/track
    delete_rate_limit: tuple[int, float] | None = (20_000, 60.0)  # /users/delete and friends
    max_attributes = 75
    max_delete_ids = 50

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.users: dict[str, dict] = {}  # external_id -> attributes
        self.calls: list[tuple[str, int]] = []  # (path, objects or ids) of every request served
        self.delete_window: deque[float] = deque()
        self._current = threading.local()
        self.route("POST", "/users/track", self.track)
        self.route("POST", "/users/delete", self.delete)

    # --- rate limits: one sliding window per endpoint family, reported in X-RateLimit-* headers -----------
    def _limit(self) -> tuple[tuple[int, float] | None, deque[float]]:
        if getattr(self._current, "path", "") in DELETE_PATHS:
            return self.delete_rate_limit, self.delete_window
        return self.rate_limit, self.window

    def _throttle(self) -> float | None:
        limit, window = self._limit()
        if limit is None:
            return None
        count, seconds = limit
        now = time.monotonic()
        with self.lock:
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= count:
                self.stats["throttled"] += 1
                return window[0] + seconds - now
            window.append(now)
        return None

    def _limit_headers(self, retry_after: float | None = None) -> dict[str, str]:
        limit, window = self._limit()
        headers: dict[str, str] = {}
        if limit is not None:
            count, seconds = limit
            now = time.monotonic()
            with self.lock:
                live = [t for t in window if t > now - seconds]
            headers["X-RateLimit-Limit"] = str(count)
            headers["X-RateLimit-Remaining"] = str(
                0 if retry_after is not None else max(0, count - len(live))
            )
            if retry_after is None:
                retry_after = live[0] + seconds - now if live else seconds
        if retry_after is not None:
            headers["X-RateLimit-Reset"] = str(math.ceil(time.time() + retry_after))
        return headers

    def throttled_reply(self, retry_after: float) -> Reply:
        return Reply(429, {"message": "API rate limit exceeded"}, self._limit_headers(max(retry_after, 0.0)))

    def unauthorized_reply(self) -> Reply:
        return Reply(401, {"message": "Unknown or missing REST API Key."})

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        self._current.path = urlsplit(raw_path).path
        reply = super().handle(method, raw_path, headers, body)
        if reply is not None and reply.status != 429 and self._current.path != "/__admin/state":
            reply.headers = {**self._limit_headers(), **reply.headers}
        return reply

    # --- endpoints ----------------------------------------------------------------------------------------
    @staticmethod
    def _refusal(item: object) -> str | None:
        """Braze's reason for refusing one attributes object, or None."""
        if not isinstance(item, dict):
            return "Attributes objects must be JSON objects."
        if not any(item.get(key) for key in IDENTIFIERS):
            return "'external_id', 'braze_id', 'user_alias', 'email' or 'phone' is required"
        if not isinstance(item.get("external_id"), str) or not item["external_id"]:
            return "This emulator identifies users by 'external_id' only."
        email = item.get("email")
        if email is not None and not EMAIL.match(str(email)):
            return "The value provided for the 'email' field is not a valid email."
        state = item.get("email_subscribe")
        if state is not None and state not in SUBSCRIBE_STATES:
            return "'email_subscribe' must be one of 'opted_in', 'subscribed' or 'unsubscribed'."
        for key in item:
            if key.startswith("$") or len(key) > 255:
                return f"'{key[:40]}' is not a valid attribute name."
        return None

    def track(self, request: Request) -> Reply:
        attributes = (request.body or {}).get("attributes") if isinstance(request.body, dict) else None
        if not isinstance(attributes, list) or not attributes:
            return Reply(400, {"message": NO_VALID_DATA, "errors": []})
        if len(attributes) > self.max_attributes:
            return Reply(400, {"message": "Max Input Length Exceeded", "errors": []})
        errors, processed = [], 0
        with self.lock:
            self.calls.append((request.path, len(attributes)))
            for index, item in enumerate(attributes):
                reason = self._refusal(item)
                if reason is not None:
                    errors.append({"type": reason, "input_array": "attributes", "index": index})
                    continue
                user = self.users.get(item["external_id"])
                if user is None:
                    if item.get("_update_existing_only"):
                        continue
                    user = self.users[item["external_id"]] = {}
                for key, value in item.items():
                    if key in ("external_id", "_update_existing_only"):
                        continue
                    if value is None:
                        user.pop(key, None)
                    else:
                        user[key] = value
                processed += 1
        if errors and processed == 0:
            return Reply(400, {"message": NO_VALID_DATA, "errors": errors})
        body: dict = {"message": "success", "attributes_processed": processed}
        if errors:
            body["errors"] = errors
        return Reply(201, body)

    def delete(self, request: Request) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        ids = body.get("external_ids")
        others = [k for k in ("user_aliases", "braze_ids", "email_addresses", "phone_numbers") if body.get(k)]
        if not isinstance(ids, list) or not ids or others:
            return Reply(
                400, {"message": "Provide external_ids (the only identifier this emulator deletes by)."}
            )
        if len(ids) > self.max_delete_ids:
            return Reply(
                400, {"message": "The max number of external_ids and aliases per request was exceeded"}
            )
        with self.lock:
            self.calls.append((request.path, len(ids)))
            deleted = sum(self.users.pop(str(i), None) is not None for i in ids)
        return Reply(201, {"message": "success", "deleted": deleted})

    def state(self) -> dict:
        return {**super().state(), "users": len(self.users)}
