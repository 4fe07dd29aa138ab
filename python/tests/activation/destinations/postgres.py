import psycopg

from tests.activation.conftest import AUDIENCE
from tests.activation.contract_case import Case


def _emails(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {email for (email,) in conn.execute(f"select email from cdp_{AUDIENCE}")}


CASE = Case(
    "postgres",
    None,
    {"email": "email", "first_name": "first_name"},
    lambda _, dsn: _emails(str(dsn)),
    bad_row={"email": "broken\x00@example.com"},  # a NUL byte: PostgreSQL text cannot hold it (22P05)
    options={"consent_channel": "email"},
    target=lambda request: request.getfixturevalue("postgres_dsn"),
)
