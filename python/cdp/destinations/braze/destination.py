"""Braze user profiles (REST API), keyed on the customer id as Braze's ``external_id``.

- upsert: ``POST /users/track`` with ``{"attributes": [{"external_id": <customer id>, <mapped fields>}]}``;
  update: the same objects with ``"_update_existing_only": true`` (Braze then leaves unknown users alone).
  At most 75 attribute objects per request: the batch limit. Values go as the warehouse built them (strings,
  numbers, booleans, ISO dates); a NULL removes the attribute from the profile. The mapping's keys are Braze
  attribute names (``email``, ``first_name``, ... or custom ones); ``external_id`` is set by the destination.
- remove: ``POST /users/delete`` with ``{"external_ids": [...]}``, at most 50 ids per request, so a batch (up
  to 75) is split into requests of 50. Deleting is the one removal that takes a person out of Braze: what
  mirror mode asks for and what an erasure request requires (``email_subscribe: "unsubscribed"`` would leave
  the profile and its data behind). A sync in upsert mode keeps the profiles of people who leave the
  audience; they are still deleted when they withdraw consent or ask to be erased. Deleting an unknown id is
  a no-op, so re-sending a removal batch is harmless.
- Rate limits (per workspace): /users/track 3,000 requests per 3 s, /users/delete 20,000 per minute (shared
  with the alias, identify and merge endpoints); the default pace, 150 batches per second, stays under both
  (a removal batch is two requests). Every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``
  and ``X-RateLimit-Reset`` (UTC epoch seconds); a throttle is a 429, retried once its X-RateLimit-Reset has
  passed.
- Errors: ``201 {"message": "success", "attributes_processed": n, "errors": [{"type", "input_array":
  "attributes", "index"}]}``: the objects named are refused (their rows rejected with Braze's ``type``) and
  the rest processed. A request with no valid object or over a limit is a 4xx whose ``message`` is not
  "success" (every row rejected).
- Auth: ``Authorization: Bearer <REST API key>`` with the users.track and users.delete permissions."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from cdp.destinations.base import BatchOutcome, BatchRejected, ConfigError, Destination, RetryableError, Row
from cdp.sync.http import JsonClient

MAX_DELETE_IDS = 50
# Identifiers and switches the destination sets itself; a mapping may not send them.
RESERVED = ("external_id", "braze_id", "user_alias", "_update_existing_only")


def _epoch(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


class Braze(Destination):
    type = "braze"
    max_batch_size = 75
    default_rate_limit_per_second = 150.0
    consent_channel = "email"
    operations: ClassVar[tuple[str, ...]] = ("upsert", "update", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = JsonClient(
            self.spec.url, {"Authorization": f"Bearer {self.spec.token()}"}, timeout=self.spec.timeout_seconds
        )

    def check_fields(self, fields: dict[str, str]) -> None:
        reserved = sorted(set(fields) & set(RESERVED))
        if reserved:
            raise ConfigError(f"braze: the mapping may not send {reserved} (external_id is the customer id)")
        bad = sorted(name for name in fields if name.startswith("$") or len(name) > 255)
        if bad:
            raise ConfigError(f"braze: attribute names {bad} start with '$' or are over 255 characters")

    def _post(self, path: str, body: dict) -> dict:
        try:
            return self.client.request("POST", path, body).body or {}
        except RetryableError as error:
            reset = _epoch(error.headers.get("x-ratelimit-reset"))
            if error.status == 429 and error.retry_after is None and reset is not None:
                wait = max(0.0, reset - time.time())
                raise RetryableError(str(error), retry_after=wait, status=429) from error
            raise

    def _attributes(self, operation: str, rows: list[Row]) -> list[dict[str, Any]]:
        extra = {"_update_existing_only": True} if operation == "update" else {}
        return [{"external_id": row.key, **row.fields, **extra} for row in rows]

    def preview(self, operation: str, rows: list[Row]) -> dict | list[dict]:
        if operation == "remove":
            ids = [row.key for row in rows]
            return [{"external_ids": ids[i : i + MAX_DELETE_IDS]} for i in range(0, len(ids), MAX_DELETE_IDS)]
        return {"attributes": self._attributes(operation, rows)}

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        if operation == "remove":
            for body in self.preview(operation, rows):
                self._post("/users/delete", body)
            return BatchOutcome()
        answer = self._post("/users/track", {"attributes": self._attributes(operation, rows)})
        message = answer.get("message")
        if message not in ("success", "queued"):  # "queued": accepted during Braze maintenance
            raise BatchRejected(f"braze: {message}")
        outcome = BatchOutcome()
        for error in answer.get("errors") or []:
            if not isinstance(error, dict):
                continue
            index = error.get("index")
            if error.get("input_array") == "attributes" and isinstance(index, int) and 0 <= index < len(rows):
                outcome.rejected.setdefault(
                    rows[index].key, f"braze: {error.get('type', 'invalid attributes')}"
                )
        return outcome

    def close(self) -> None:
        self.client.close()
