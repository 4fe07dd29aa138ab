import csv
from pathlib import Path

from tests.activation.conftest import AUDIENCE
from tests.activation.contract_case import Case


def file_emails(directory: Path, audience: str = AUDIENCE) -> set[str]:
    """Replay an audience's export part files in the order they were written: rows are keyed by record_key."""
    held: dict[str, str] = {}
    for path in sorted((directory / audience).glob("*.csv"), key=lambda p: p.stat().st_mtime_ns):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["operation"] == "remove":
                    held.pop(row["record_key"], None)
                else:
                    held[row["record_key"]] = row["email"]
    return set(held.values())


CASE = Case(
    "file_export",
    None,
    {"email": "email", "first_name": "first_name", "score": "score"},
    lambda _, directory: file_emails(directory),
    options={"consent_channel": "email"},
)
