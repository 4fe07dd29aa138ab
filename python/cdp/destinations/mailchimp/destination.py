"""Mailchimp audience members (Marketing API v3), matched on e-mail, in the audience ``options.list_id``.

- Base URL ``https://<dc>.api.mailchimp.com/3.0`` (the data centre is the API key's suffix, e.g. ``us6``);
  HTTP Basic auth with any user name and the API key as password.
- upsert: ``POST /lists/{list_id}`` with ``{"members": [{"email_address", "status": "subscribed",
  "merge_fields": {...}}], "update_existing": true}``; insert: the same with ``update_existing: false`` (an
  existing member is an ``ERROR_CONTACT_EXISTS`` error). Update-only is not offered: this endpoint cannot
  refuse a new address, and one request per member would be needed to do it.
- remove: the same call with ``status: "unsubscribed"`` for the members we subscribed (rows holding a
  destination id). One request per 500 rows, and Mailchimp keeps the address as unsubscribed, so nothing
  resubscribes it by accident; archiving would take one ``DELETE`` per member. A leaver of a mirror-mode
  audience is unsubscribed too, so the list should be one the CDP owns.
- At most 500 members per request. Mailchimp limits a user to 10 simultaneous connections (beyond that: 429
  ``Too Many Requests``, no Retry-After) and publishes no request rate; the default pace here is 10 per
  second and a destination declaring more than 10 concurrent requests is refused.
- Errors: HTTP 200 even when members fail, with ``errors[]`` of ``{email_address, error, error_code
  (ERROR_CONTACT_EXISTS | ERROR_GENERIC), field, field_message}``; those rows are rejected with Mailchimp's
  code and message. A refused request answers problem JSON ``{type, title, status, detail, instance}``.
- Mapping: ``email_address`` (required); every other key is a merge tag (``FNAME``, ``LNAME``: upper case,
  at most 10 characters). A NULL is sent as "" (clears the field). The destination id is the subscriber
  hash, the MD5 of the lower-cased e-mail, as Mailchimp's member ``id``."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, ClassVar

from cdp.destinations.base import BatchOutcome, ConfigError, Destination, Row
from cdp.sync.http import JsonClient

MERGE_TAG = re.compile(r"^[A-Z][A-Z0-9_]{0,9}$")
MAX_CONNECTIONS = 10


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: the MD5 hex of the lower-cased address."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()


def _merge_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Mailchimp(Destination):
    type = "mailchimp"
    max_batch_size = 500
    default_rate_limit_per_second = 10.0
    consent_channel = "email"
    match_fields: ClassVar[tuple[str, ...]] = ("email_address",)
    operations: ClassVar[tuple[str, ...]] = ("upsert", "insert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_id = str(self.spec.options.get("list_id") or "")
        if not self.list_id:
            raise ConfigError("mailchimp: options.list_id (the audience to sync to) is required")
        if self.spec.concurrency > MAX_CONNECTIONS:
            raise ConfigError(
                f"mailchimp: concurrency {self.spec.concurrency} is over Mailchimp's limit of "
                f"{MAX_CONNECTIONS} simultaneous connections"
            )
        credentials = base64.b64encode(f"cdp:{self.spec.token()}".encode()).decode()
        self.client = JsonClient(
            self.spec.url, {"Authorization": f"Basic {credentials}"}, timeout=self.spec.timeout_seconds
        )

    def check_fields(self, fields: dict[str, str]) -> None:
        if "email_address" not in fields:
            raise ConfigError(
                "mailchimp: the field mapping must send `email_address` (members are matched on it)"
            )
        bad = sorted(name for name in fields if name != "email_address" and not MERGE_TAG.match(name))
        if bad:
            raise ConfigError(f"mailchimp: {bad} are not merge tags (upper case, at most 10 characters)")

    @staticmethod
    def _email(row: Row) -> str:
        return str(row.fields.get("email_address") or "").strip()

    def body(self, operation: str, rows: list[Row]) -> dict:
        if operation == "remove":
            members = [{"email_address": self._email(row), "status": "unsubscribed"} for row in rows]
        else:
            members = [
                {
                    "email_address": self._email(row),
                    "status": "subscribed",
                    "merge_fields": {
                        name: _merge_value(value)
                        for name, value in row.fields.items()
                        if name != "email_address"
                    },
                }
                for row in rows
            ]
        return {"members": members, "update_existing": operation != "insert"}

    def preview(self, operation: str, rows: list[Row]) -> dict:
        return self.body(operation, rows)

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        outcome = BatchOutcome()
        sendable = []
        for row in rows:
            if operation == "remove" and not (row.destination_id and self._email(row)):
                continue  # never accepted by Mailchimp: nothing to unsubscribe
            if not self._email(row):
                outcome.rejected[row.key] = "mailchimp: no e-mail address to match the member on"
            else:
                sendable.append(row)
        if not sendable:
            return outcome
        answer = (
            self.client.request("POST", f"/lists/{self.list_id}", self.body(operation, sendable)).body or {}
        )
        by_email: dict[str, list[str]] = {}
        for row in sendable:
            by_email.setdefault(self._email(row).lower(), []).append(row.key)
        for error in answer.get("errors") or []:
            reason = f"mailchimp {error.get('error_code', 'ERROR')}: {error.get('error', '')}".strip()
            for key in by_email.get(str(error.get("email_address", "")).strip().lower(), []):
                outcome.rejected[key] = reason
        if operation != "remove":
            for row in sendable:
                if row.key not in outcome.rejected:
                    outcome.destination_ids[row.key] = subscriber_hash(self._email(row))
        return outcome

    def close(self) -> None:
        self.client.close()
