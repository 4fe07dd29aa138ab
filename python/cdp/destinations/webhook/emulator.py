"""A webhook receiver that behaves as a careful one should: it applies a batch once per ``Idempotency-Key`` (a
retried key gets the first answer again; the same key with another body is a 422, as in the IETF
Idempotency-Key draft), rejects rows whose ``email`` field is not an e-mail address, and keeps the rows it
holds per audience and how often each row was applied (the tests check nothing was applied twice)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

from cdp.destinations.emulator import Reply, Request, VendorApp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class WebhookApp(VendorApp):
    name = "webhook"
    rate_limit = None
    max_rows = 1000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: dict[str, dict[str, dict]] = {}
        self.applied: Counter[tuple[str, str, str]] = Counter()
        self.replies: dict[str, tuple[str, Reply]] = {}
        self.route("POST", r"/.*", self.receive)

    def receive(self, request: Request) -> Reply:
        key = request.headers.get("idempotency-key")
        if not key:
            return Reply(400, {"error": "Idempotency-Key header is required"})
        body = request.body or {}
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            if key in self.replies:
                seen, reply = self.replies[key]
                if seen != fingerprint:
                    return Reply(422, {"error": "Idempotency-Key reused with a different body"})
                return Reply(reply.status, reply.body, {**reply.headers, "Idempotent-Replayed": "true"})
            rows, operation, audience = body.get("rows"), body.get("operation"), body.get("audience")
            if not isinstance(rows, list) or operation not in ("upsert", "update", "insert", "remove"):
                return Reply(400, {"error": "body needs rows[] and an operation"})
            if len(rows) > self.max_rows:
                return Reply(400, {"error": f"at most {self.max_rows} rows per request"})
            held = self.records.setdefault(audience, {})
            results = []
            for row in rows:
                email = (row.get("fields") or {}).get("email")
                if operation != "remove" and email is not None and not EMAIL.match(str(email)):
                    results.append(
                        {"key": row["key"], "status": "rejected", "reason": f"invalid email {email!r}"}
                    )
                    continue
                if operation == "remove":
                    held.pop(row["key"], None)
                elif operation == "update" and row["key"] not in held:
                    results.append({"key": row["key"], "status": "rejected", "reason": "not found"})
                    continue
                elif operation == "insert" and row["key"] in held:
                    results.append({"key": row["key"], "status": "rejected", "reason": "already exists"})
                    continue
                else:
                    held[row["key"]] = row.get("fields") or {}
                self.applied[(audience, row["key"], operation)] += 1
                results.append({"key": row["key"], "status": "ok"})
            reply = Reply(200, {"results": results})
            self.replies[key] = (fingerprint, reply)
            return reply

    def state(self) -> dict:
        return {**super().state(), "records": {a: len(r) for a, r in self.records.items()}}
