"""HubSpot contacts (CRM API v3), matched on e-mail.

- upsert: ``POST /crm/v3/objects/contacts/batch/upsert`` with ``{"inputs": [{"idProperty": "email", "id":
  <email>, "properties": {...}}]}``; update: ``.../batch/update`` (same inputs; an unknown e-mail is an
  error); insert: ``.../batch/create`` (``{"inputs": [{"properties": {...}}]}``; an existing e-mail is an
  error); remove: ``.../batch/archive`` with ``{"inputs": [{"id": <HubSpot id>}]}`` (the id the upsert
  returned).
- At most 100 inputs per request. Private apps get 100 requests per 10 s (Free/Starter) to 190
  (Pro/Enterprise); the default pace here is 9 per second. A throttle is a 429 with ``errorType: RATE_LIMIT``;
  HubSpot does not document Retry-After, so the engine backs off exponentially.
- Errors: 200 or 207 (multi-status) with ``errors[]`` of ``{status, category, message, context:
  {ids|emails}}``; the rows they name are rejected with HubSpot's category and message, the rest succeed.
- Property values are strings; a NULL clears the property (empty string). The mapping must send ``email``."""

from __future__ import annotations

from typing import Any, ClassVar

from cdp.destinations.base import BatchOutcome, ConfigError, Destination, Row
from cdp.sync.http import JsonClient

BASE = "/crm/v3/objects/contacts/batch"


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class HubSpot(Destination):
    type = "hubspot"
    max_batch_size = 100
    default_rate_limit_per_second = 9.0
    consent_channel = "email"
    match_fields: ClassVar[tuple[str, ...]] = ("email",)
    operations: ClassVar[tuple[str, ...]] = ("upsert", "update", "insert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = JsonClient(
            self.spec.url, {"Authorization": f"Bearer {self.spec.token()}"}, timeout=self.spec.timeout_seconds
        )

    def check_fields(self, fields: dict[str, str]) -> None:
        if "email" not in fields:
            raise ConfigError("hubspot: the field mapping must send `email` (contacts are matched on it)")

    def _inputs(self, operation: str, rows: list[Row]) -> list[dict]:
        if operation == "remove":
            return [{"id": row.destination_id} for row in rows]
        inputs = []
        for row in rows:
            properties = {name: _value(value) for name, value in row.fields.items()}
            if operation == "insert":
                inputs.append({"properties": properties})
            else:
                inputs.append({"idProperty": "email", "id": properties["email"], "properties": properties})
        return inputs

    def preview(self, operation: str, rows: list[Row]) -> dict:
        return {"inputs": self._inputs(operation, rows)}

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        outcome = BatchOutcome()
        if operation == "remove":
            # A row HubSpot never accepted has no id and nothing to archive.
            known = [row for row in rows if row.destination_id]
            if known:
                self.client.request("POST", f"{BASE}/archive", {"inputs": self._inputs(operation, known)})
            return outcome
        sendable = []
        for row in rows:
            email = row.fields.get("email")
            if not email:
                outcome.rejected[row.key] = "hubspot: no e-mail to match the contact on"
            else:
                sendable.append(row)
        if not sendable:
            return outcome
        path = {"upsert": "upsert", "update": "update", "insert": "create"}[operation]
        response = self.client.request(
            "POST", f"{BASE}/{path}", {"inputs": self._inputs(operation, sendable)}
        )
        body = response.body or {}
        by_email = {str(row.fields["email"]).lower(): row.key for row in sendable}
        for result in body.get("results", []):
            email = str((result.get("properties") or {}).get("email", "")).lower()
            if email in by_email:
                outcome.destination_ids[by_email[email]] = str(result["id"])
        for error in body.get("errors", []):
            context = error.get("context") or {}
            reason = f"hubspot {error.get('category', 'ERROR')}: {error.get('message', '')}".strip()
            for email in [*context.get("emails", []), *context.get("ids", [])]:
                key = by_email.get(str(email).lower())
                if key is not None:
                    outcome.rejected[key] = reason
        return outcome

    def close(self) -> None:
        self.client.close()
