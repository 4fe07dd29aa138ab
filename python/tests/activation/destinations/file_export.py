import csv
from pathlib import Path

from tests.activation.conftest import AUDIENCE
from tests.activation.contract_case import Case


def _file_emails(directory: Path) -> set[str]:
    """Replay the export's part files in the order they were written."""
    held: set[str] = set()
    for path in sorted((directory / AUDIENCE).glob("*.csv"), key=lambda p: p.stat().st_mtime_ns):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                (held.discard if row["operation"] == "remove" else held.add)(row["email"])
    return held


CASE = Case(
    "file_export",
    None,
    {"email": "email", "first_name": "first_name", "score": "score"},
    lambda _, directory: _file_emails(directory),
    options={"consent_channel": "email"},
)
