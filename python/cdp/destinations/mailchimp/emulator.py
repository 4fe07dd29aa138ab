"""Mailchimp Marketing API emulator: batch subscribe / unsubscribe on ``POST /lists/{list_id}``.

It checks HTTP Basic auth (any user name, the API key as password), at most 500 members per request, that
the list id looks like Mailchimp's (10 lower-case hex characters; any such audience exists here, others are a
404), and at most 10 requests in progress at once (the 11th gets Mailchimp's 429 ``Too Many Requests``
problem document, without Retry-After). It answers 200 with ``new_members``, ``updated_members`` and
``errors[]`` (``ERROR_GENERIC`` for a malformed address or status, ``ERROR_CONTACT_EXISTS`` for an existing
member when ``update_existing`` is false), as Mailchimp does."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid

from cdp.destinations.emulator import Reply, Request, VendorApp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_ID = re.compile(r"^[0-9a-f]{10}$")
STATUSES = {"subscribed", "unsubscribed", "cleaned", "pending", "transactional"}
ERRORS_URL = "https://mailchimp.com/developer/marketing/docs/errors/"


def problem(status: int, title: str, detail: str, **extra) -> Reply:
    """Mailchimp's problem document (application/problem+json)."""
    body = {
        "type": ERRORS_URL,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(uuid.uuid4()),
    }
    return Reply(status, body | extra)


class MailchimpApp(VendorApp):
    name = "mailchimp"
    rate_limit = None  # Mailchimp limits simultaneous connections, not requests per window
    max_connections: int | None = 10
    max_members = 500

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "rate_limit" in kwargs and kwargs["rate_limit"] is None:
            self.max_connections = None
        self.in_flight = 0
        self.lists: dict[str, dict[str, dict]] = {}  # list id -> subscriber hash -> member
        self.route("POST", r"/lists/([^/]+)", self.batch)

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        with self.lock:
            self.in_flight += 1
            over = self.max_connections is not None and self.in_flight > self.max_connections
            if over:
                self.stats["requests"] += 1
                self.stats["throttled"] += 1
        try:
            return self.throttled_reply(0.0) if over else super().handle(method, raw_path, headers, body)
        finally:
            with self.lock:
                self.in_flight -= 1

    def throttled_reply(self, retry_after: float) -> Reply:
        return problem(
            429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."
        )

    def unauthorized_reply(self) -> Reply:
        return problem(
            401,
            "API Key Invalid",
            "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
        )

    def authorized(self, headers: dict[str, str]) -> bool:
        if self.token is None:
            return True
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        try:
            _, _, key = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return scheme.lower() == "basic" and key == self.token

    def batch(self, request: Request) -> Reply:
        list_id = request.match.group(1)
        if not LIST_ID.match(list_id):
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        body = request.body if isinstance(request.body, dict) else {}
        members = body.get("members")
        if not isinstance(members, list):
            return problem(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                errors=[{"field": "members", "message": "Required property members was not present"}],
            )
        if len(members) > self.max_members:
            return problem(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                errors=[
                    {
                        "field": "members",
                        "message": f"Schema describes array, maximum {self.max_members} items",
                    }
                ],
            )
        update_existing = bool(body.get("update_existing", False))
        new, updated, errors = [], [], []
        with self.lock:
            held = self.lists.setdefault(list_id, {})
            for item in members:
                email = str((item or {}).get("email_address", ""))
                status = (item or {}).get("status")
                if not EMAIL.match(email):
                    errors.append(
                        self._error(
                            email, f"{email} looks fake or invalid, please enter a real email address."
                        )
                    )
                    continue
                if status not in STATUSES:
                    errors.append(self._error(email, f"Invalid status {status!r}", field="status"))
                    continue
                member_id = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()
                member = held.get(member_id)
                if member is not None and not update_existing:
                    errors.append(
                        self._error(
                            email,
                            f"{email} is already a list member. Use PUT to insert or update list members.",
                            code="ERROR_CONTACT_EXISTS",
                        )
                    )
                    continue
                if member is None:
                    member = held[member_id] = {
                        "id": member_id,
                        "email_address": email,
                        "unique_email_id": uuid.uuid4().hex[:10],
                        "merge_fields": {},
                        "list_id": list_id,
                        "writes": 0,
                    }
                    new.append(member)
                else:
                    updated.append(member)
                member["status"] = status
                member["merge_fields"].update(item.get("merge_fields") or {})
                member["writes"] += 1
            answer = {
                "new_members": [self._public(m) for m in new],
                "updated_members": [self._public(m) for m in updated],
                "errors": errors,
                "total_created": len(new),
                "total_updated": len(updated),
                "error_count": len(errors),
            }
        return Reply(200, answer)

    @staticmethod
    def _error(email: str, message: str, code: str = "ERROR_GENERIC", field: str = "email_address") -> dict:
        return {
            "email_address": email,
            "error": message,
            "error_code": code,
            "field": field,
            "field_message": message,
        }

    @staticmethod
    def _public(member: dict) -> dict:
        return {k: v for k, v in member.items() if k != "writes"} | {
            "merge_fields": dict(member["merge_fields"])
        }

    def subscribed(self) -> set[str]:
        """Lower-cased addresses subscribed in any list."""
        with self.lock:
            return {
                m["email_address"].lower()
                for members in self.lists.values()
                for m in members.values()
                if m["status"] == "subscribed"
            }

    def state(self) -> dict:
        with self.lock:
            counts = {
                list_id: {
                    s: sum(m["status"] == s for m in members.values()) for s in ("subscribed", "unsubscribed")
                }
                for list_id, members in self.lists.items()
            }
        return {**super().state(), "lists": counts}
