"""Klaviyo REST API emulator: asynchronous bulk profile import jobs and bulk e-mail suppression.

- ``POST /api/profile-bulk-import-jobs`` (at most 10,000 profiles, 5 MB per body, 100 KB per profile) answers
  202 with a queued job; the job completes ``processing_seconds`` later (when next read) and its profiles are
  then upserted by e-mail. ``GET /api/profile-bulk-import-jobs/{id}`` gives its status and counts,
  ``GET .../{id}/import-errors`` its per-profile errors (``code, title, detail, source.pointer,
  original_payload``; a malformed e-mail is one), cursor-paginated (``page[size]`` up to 100, ``links.next``).
- ``POST /api/profile-suppression-bulk-create-jobs`` (at most 100 e-mails) suppresses at once (reason
  ``USER_SUPPRESSED``), creating the profile when unknown, as Klaviyo does; an import does not lift a
  suppression. ``POST /api/profile-suppression-bulk-delete-jobs`` (at most 100) lifts ``USER_SUPPRESSED``
  suppressions only: other reasons (``UNSUBSCRIBE``, ``HARD_BOUNCE``, ...) stay.
- Every request needs ``Authorization: Klaviyo-API-Key <key>`` and a ``revision`` header (YYYY-MM-DD).
- Rate limits are Klaviyo's: per endpoint, a fixed 1 s burst window and a fixed 1 min steady window (10/s and
  150/min for imports and job reads, 75/s and 700/min for (un)suppressions), answered with 429, a JSON:API
  ``throttled`` error and Retry-After in whole seconds."""

from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from datetime import UTC, datetime

from cdp.destinations.emulator import Reply, Request, VendorApp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REVISION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z0-9]+)?$")
IMPORTS = "/api/profile-bulk-import-jobs"
SUPPRESSIONS = "/api/profile-suppression-bulk-create-jobs"
UNSUPPRESSIONS = "/api/profile-suppression-bulk-delete-jobs"
# (method, path pattern) -> (burst per second, steady per minute)
LIMITS = [
    ("POST", re.compile(f"^{IMPORTS}$"), 10, 150),
    ("GET", re.compile(f"^{IMPORTS}/[^/]+$"), 10, 150),
    ("GET", re.compile(f"^{IMPORTS}/[^/]+/import-errors$"), 10, 150),
    ("POST", re.compile(f"^{SUPPRESSIONS}$"), 75, 700),
    ("POST", re.compile(f"^{UNSUPPRESSIONS}$"), 75, 700),
]


def error(status: int, code: str, title: str, detail: str, **source) -> dict:
    """One JSON:API error object as Klaviyo writes them."""
    return {
        "id": str(uuid.uuid4()),
        "status": status,
        "code": code,
        "title": title,
        "detail": detail,
        "source": source or {"pointer": "/data/"},
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()


class KlaviyoApp(VendorApp):
    name = "klaviyo"
    rate_limit = (150, 60.0)  # the import endpoint's steady limit; every endpoint has its own (LIMITS)
    max_body_bytes = 5 * 1024 * 1024
    max_profiles = 10_000
    max_profile_bytes = 100 * 1024
    max_suppressions = 100
    processing_seconds = 0.1

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # lower-cased e-mail -> {"id", "email", "attributes", "properties", "writes"}
        self.profiles: dict[str, dict] = {}
        self.suppressed: dict[str, str] = {}  # lower-cased e-mail -> suppression reason
        self.jobs: dict[str, dict] = {}
        self.windows: dict[tuple, int] = {}  # (endpoint, "s" | "m", window number) -> requests
        self._local = threading.local()
        self.route("POST", IMPORTS, self.checked(self.create_import))
        self.route("GET", f"{IMPORTS}/([^/]+)", self.checked(self.get_import))
        self.route("GET", f"{IMPORTS}/([^/]+)/import-errors", self.checked(self.import_errors))
        self.route("POST", SUPPRESSIONS, self.checked(lambda r: self.suppression(r, "create")))
        self.route("POST", UNSUPPRESSIONS, self.checked(lambda r: self.suppression(r, "delete")))

    # --- Klaviyo's answers
    def throttled_reply(self, retry_after: float) -> Reply:
        seconds = max(1, math.ceil(retry_after))
        detail = f"Request was throttled. Expected available in {seconds} second{'s' if seconds > 1 else ''}."
        return Reply(
            429,
            {"errors": [error(429, "throttled", "Request was throttled.", detail)]},
            {"Retry-After": str(seconds)},
        )

    def unauthorized_reply(self) -> Reply:
        return Reply(
            401,
            {
                "errors": [
                    error(
                        401,
                        "not_authenticated",
                        "Authentication credentials were not provided.",
                        "Missing or invalid private key.",
                    )
                ]
            },
        )

    def authorized(self, headers: dict[str, str]) -> bool:
        return self.token is None or headers.get("authorization") == f"Klaviyo-API-Key {self.token}"

    @staticmethod
    def invalid(detail: str, status: int = 400, **source) -> Reply:
        return Reply(status, {"errors": [error(status, "invalid", "Invalid input.", detail, **source)]})

    # --- limits
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply | None:
        self._local.endpoint = (method, raw_path.split("?", 1)[0])
        reply = super().handle(method, raw_path, headers, body)
        if reply is not None and reply.status == 413:
            detail = f"The maximum allowed payload size is {self.max_body_bytes} bytes."
            return Reply(
                413, {"errors": [error(413, "request_too_large", "Request entity too large.", detail)]}
            )
        return reply

    def _throttle(self) -> float | None:
        if self.rate_limit is None:
            return None
        method, path = self._local.endpoint
        # Klaviyo counts per endpoint (route), whatever the resource id in the path.
        endpoint = next((i for i, (m, p, _, _) in enumerate(LIMITS) if m == method and p.match(path)), None)
        if endpoint is None:
            return None
        _, _, burst, steady = LIMITS[endpoint]
        now = time.time()
        second, minute = int(now), int(now // 60)
        with self.lock:
            if self.windows.get((endpoint, "s", second), 0) >= burst:
                wait = second + 1 - now
            elif self.windows.get((endpoint, "m", minute), 0) >= steady:
                wait = (minute + 1) * 60 - now
            else:
                for kind, number in (("s", second), ("m", minute)):
                    self.windows[(endpoint, kind, number)] = self.windows.get((endpoint, kind, number), 0) + 1
                if len(self.windows) > 1000:
                    self.windows = {k: v for k, v in self.windows.items() if k[2] in (second, minute)}
                return None
            self.stats["throttled"] += 1
        return wait

    def checked(self, handler):
        """The handler, behind Klaviyo's required revision header."""

        def run(request: Request) -> Reply:
            revision = request.headers.get("revision")
            if not revision:
                return self.invalid("The revision header is required.", parameter="revision")
            if not REVISION.match(revision):
                return self.invalid(f"Invalid revision {revision!r}: use YYYY-MM-DD.", parameter="revision")
            return handler(request)

        return run

    # --- bulk import
    def create_import(self, request: Request) -> Reply:
        items = self._profiles(request, "profile-bulk-import-job")
        if items is None:
            return self.invalid("A profile-bulk-import-job with attributes.profiles.data is required.")
        if not items:
            return self.invalid("At least one profile is required.", pointer="/data/attributes/profiles/data")
        if len(items) > self.max_profiles:
            return self.invalid(
                f"A maximum of {self.max_profiles} profiles can be imported per request.",
                pointer="/data/attributes/profiles/data",
            )
        with self.lock:
            job_id = uuid.uuid4().hex
            self.jobs[job_id] = {
                "id": job_id,
                "status": "queued",
                "created": time.monotonic(),
                "created_at": _now(),
                "profiles": items,
                "errors": [],
                "completed": 0,
                "completed_at": None,
            }
            return Reply(202, self._job_document(self.jobs[job_id], request))

    @staticmethod
    def _profiles(request: Request, job_type: str) -> list | None:
        """``data.attributes.profiles.data`` of a job of this type, or None when the body is not one."""
        data = request.body.get("data") if isinstance(request.body, dict) else None
        if not isinstance(data, dict) or data.get("type") != job_type:
            return None
        attributes = data.get("attributes")
        profiles = attributes.get("profiles") if isinstance(attributes, dict) else None
        items = profiles.get("data") if isinstance(profiles, dict) else None
        return items if isinstance(items, list) else None

    def _settle(self, job: dict) -> None:
        """Run a job whose processing time has passed (under the lock)."""
        if job["status"] == "complete":
            return
        if time.monotonic() - job["created"] < self.processing_seconds:
            job["status"] = "processing"
            return
        for index, item in enumerate(job["profiles"]):
            problem = self._import_one(item)
            if problem is None:
                job["completed"] += 1
            else:
                pointer = f"/data/attributes/profiles/data/{index}/attributes/email"
                job["errors"].append(
                    {
                        "type": "import-error",
                        "id": str(uuid.uuid4()),
                        "attributes": {
                            "code": "invalid",
                            "title": "Invalid input.",
                            "detail": problem,
                            "source": {"pointer": pointer},
                            "original_payload": (item or {}).get("attributes")
                            if isinstance(item, dict)
                            else item,
                        },
                    }
                )
        job["status"], job["completed_at"] = "complete", _now()

    def _import_one(self, item: object) -> str | None:
        """Upsert one profile; the reason it is refused, if it is."""
        if (
            not isinstance(item, dict)
            or item.get("type") != "profile"
            or not isinstance(item.get("attributes"), dict)
        ):
            return "Each profile must be a resource of type profile with attributes."
        if len(json.dumps(item).encode()) > self.max_profile_bytes:
            return f"The profile is over the limit of {self.max_profile_bytes} bytes."
        attributes = dict(item["attributes"])
        email = str(attributes.get("email") or "").strip()
        if not EMAIL.match(email):
            return f"Invalid email address: {email!r}"
        properties = attributes.pop("properties", None) or {}
        profile = self.profiles.get(email.lower()) or self.profiles.setdefault(
            email.lower(), self._new_profile(email)
        )
        for target, values in ((profile["attributes"], attributes), (profile["properties"], properties)):
            for name, value in values.items():
                if value is None:
                    target.pop(name, None)  # null clears the value
                else:
                    target[name] = value
        profile["email"] = email
        profile["writes"] += 1
        return None

    def _job_document(self, job: dict, request: Request) -> dict:
        link = f"http://{request.headers.get('host', 'localhost')}{IMPORTS}/{job['id']}/"
        return {
            "data": {
                "type": "profile-bulk-import-job",
                "id": job["id"],
                "attributes": {
                    "status": job["status"],
                    "created_at": job["created_at"],
                    "total_count": len(job["profiles"]),
                    "completed_count": job["completed"],
                    "failed_count": len(job["errors"]),
                    "completed_at": job["completed_at"],
                    "expires_at": None,
                    "started_at": job["created_at"] if job["status"] != "queued" else None,
                },
                "links": {"self": link},
            },
            "links": {"self": link},
        }

    def get_import(self, request: Request) -> Reply:
        with self.lock:
            job = self.jobs.get(request.match.group(1))
            if job is None:
                return Reply(404, {"errors": [error(404, "not_found", "Not found.", "Job not found.")]})
            self._settle(job)
            return Reply(200, self._job_document(job, request))

    def import_errors(self, request: Request) -> Reply:
        try:
            size = int(request.query.get("page[size]", ["20"])[0])
            start = int(request.query.get("page[cursor]", ["0"])[0])
        except ValueError:
            return self.invalid("page[size] and page[cursor] must be integers.", parameter="page")
        if not 1 <= size <= 100:
            return self.invalid("page[size] must be from 1 to 100.", parameter="page[size]")
        with self.lock:
            job = self.jobs.get(request.match.group(1))
            if job is None:
                return Reply(404, {"errors": [error(404, "not_found", "Not found.", "Job not found.")]})
            self._settle(job)
            errors = job["errors"]
        base = f"http://{request.headers.get('host', 'localhost')}{request.path}"
        links = {"self": f"{base}?page%5Bsize%5D={size}&page%5Bcursor%5D={start}"}
        if start + size < len(errors):
            links["next"] = f"{base}?page%5Bsize%5D={size}&page%5Bcursor%5D={start + size}"
        return Reply(200, {"data": errors[start : start + size], "links": links})

    # --- suppression
    def suppression(self, request: Request, kind: str) -> Reply:
        """A bulk suppression (``create``) or unsuppression (``delete``) job, run at once."""
        job_type = f"profile-suppression-bulk-{kind}-job"
        items = self._profiles(request, job_type)
        if items is None:
            return self.invalid(f"A {job_type} with attributes.profiles.data is required.")
        if not items:
            return self.invalid(
                "attributes.profiles.data must list profiles.", pointer="/data/attributes/profiles"
            )
        if len(items) > self.max_suppressions:
            return self.invalid(
                f"A maximum of {self.max_suppressions} email addresses can be processed per request.",
                pointer="/data/attributes/profiles/data",
            )
        emails = []
        for index, item in enumerate(items):
            email = str(((item or {}).get("attributes") or {}).get("email") or "").strip()
            if not EMAIL.match(email):
                return self.invalid(
                    f"Invalid email address: {email!r}",
                    pointer=f"/data/attributes/profiles/data/{index}/attributes/email",
                )
            emails.append(email)
        skipped = 0
        with self.lock:
            for email in emails:
                if kind == "create":
                    if email.lower() not in self.profiles:
                        self.profiles[email.lower()] = self._new_profile(email)
                    self.suppressed.setdefault(email.lower(), "USER_SUPPRESSED")
                elif self.suppressed.get(email.lower()) == "USER_SUPPRESSED":
                    del self.suppressed[email.lower()]
                else:
                    skipped += 1
        job_id = uuid.uuid4().hex
        link = f"http://{request.headers.get('host', 'localhost')}/api/{job_type}s/{job_id}/"
        attributes = {
            "status": "complete",
            "created_at": _now(),
            "total_count": len(emails),
            "completed_count": len(emails) - skipped,
            "completed_at": _now(),
            "skipped_count": skipped,
        }
        document = {"type": job_type, "id": job_id, "attributes": attributes, "links": {"self": link}}
        return Reply(202, {"data": document, "links": {"self": link}})

    @staticmethod
    def _new_profile(email: str) -> dict:
        return {
            "id": uuid.uuid4().hex[:26].upper(),
            "email": email,
            "attributes": {"email": email},
            "properties": {},
            "writes": 0,
        }

    # --- for the tests
    def reachable(self) -> set[str]:
        """Lower-cased e-mails of profiles that may be sent e-mail marketing (imported, not suppressed)."""
        with self.lock:
            return {email for email in self.profiles if email not in self.suppressed}

    def state(self) -> dict:
        with self.lock:
            return {
                **super().state(),
                "profiles": len(self.profiles),
                "suppressed": len(self.suppressed),
                "jobs": {
                    s: sum(j["status"] == s for j in self.jobs.values())
                    for s in ("queued", "processing", "complete")
                },
            }
