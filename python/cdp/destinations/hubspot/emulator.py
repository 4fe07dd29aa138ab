"""HubSpot contacts API emulator: batch upsert / update / create / archive under
/crm/v3/objects/contacts/batch, at most 100 inputs, bearer token, 100 requests per rolling 10 s (a private app
on Free/Starter) answered with HubSpot's 429 body (``errorType: RATE_LIMIT``, ``policyName:
TEN_SECONDLY_ROLLING``, no Retry-After), and 207 multi-status with ``errors[]`` for the inputs it refuses
(malformed e-mail, unknown contact on update, existing contact on create)."""

from __future__ import annotations

import itertools
import re
import uuid

from cdp.destinations.emulator import Reply, Request, VendorApp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class HubSpotApp(VendorApp):
    name = "hubspot"
    rate_limit = (100, 10.0)
    max_inputs = 100

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.contacts: dict[str, dict] = {}  # id -> {"email", "properties", "archived"}
        self.by_email: dict[str, str] = {}
        self.ids = itertools.count(1001)
        base = "/crm/v3/objects/contacts/batch"
        self.route("POST", f"{base}/upsert", lambda r: self.write(r, "upsert"))
        self.route("POST", f"{base}/update", lambda r: self.write(r, "update"))
        self.route("POST", f"{base}/create", lambda r: self.write(r, "create"))
        self.route("POST", f"{base}/archive", self.archive)

    def throttled_reply(self, retry_after: float) -> Reply:
        return Reply(
            429,
            {
                "status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": str(uuid.uuid4()),
                "policyName": "TEN_SECONDLY_ROLLING",
            },
            {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Remaining": "0"},
        )

    def _inputs(self, request: Request) -> list[dict] | Reply:
        inputs = (request.body or {}).get("inputs")
        if not isinstance(inputs, list) or not inputs:
            return Reply(
                400, {"status": "error", "category": "VALIDATION_ERROR", "message": "inputs is required"}
            )
        if len(inputs) > self.max_inputs:
            return Reply(
                400,
                {
                    "status": "error",
                    "category": "VALIDATION_ERROR",
                    "message": f"Batch input size {len(inputs)} exceeds the limit of {self.max_inputs}",
                },
            )
        return inputs

    def write(self, request: Request, operation: str) -> Reply:
        inputs = self._inputs(request)
        if isinstance(inputs, Reply):
            return inputs
        results, errors = [], []
        with self.lock:
            for item in inputs:
                properties = dict(item.get("properties") or {})
                email = str(item.get("id") if operation != "create" else properties.get("email", "")).lower()
                if operation != "create" and item.get("idProperty") != "email":
                    return Reply(
                        400, {"status": "error", "category": "VALIDATION_ERROR", "message": "idProperty"}
                    )
                if not EMAIL.match(email):
                    errors.append(self._error("VALIDATION_ERROR", f"Email address {email} is invalid", email))
                    continue
                contact_id = self.by_email.get(email)
                if operation == "update" and contact_id is None:
                    errors.append(self._error("OBJECT_NOT_FOUND", "Contact not found", email))
                    continue
                if operation == "create" and contact_id is not None:
                    errors.append(
                        self._error("CONFLICT", f"Contact already exists. Existing ID: {contact_id}", email)
                    )
                    continue
                new = contact_id is None
                if new:
                    contact_id = str(next(self.ids))
                    self.by_email[email] = contact_id
                    self.contacts[contact_id] = {"email": email, "properties": {}, "writes": 0}
                contact = self.contacts[contact_id]
                contact["properties"].update({k: v for k, v in properties.items()})
                contact["properties"]["email"] = email
                contact["writes"] += 1
                results.append(
                    {"id": contact_id, "new": new, "properties": contact["properties"], "archived": False}
                )
        body = {"status": "COMPLETE", "results": results}
        if errors:
            body |= {"numErrors": len(errors), "errors": errors}
        return Reply(207 if errors else 200, body)

    @staticmethod
    def _error(category: str, message: str, email: str) -> dict:
        return {"status": "error", "category": category, "message": message, "context": {"emails": [email]}}

    def archive(self, request: Request) -> Reply:
        inputs = self._inputs(request)
        if isinstance(inputs, Reply):
            return inputs
        with self.lock:
            for item in inputs:
                contact = self.contacts.pop(str(item.get("id")), None)
                if contact is not None:
                    self.by_email.pop(contact["email"], None)
        return Reply(204)

    def state(self) -> dict:
        return {**super().state(), "contacts": len(self.contacts)}
