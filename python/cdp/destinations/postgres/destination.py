"""PostgreSQL table: one row per audience member in ``<schema>.<table>`` (default ``cdp_<audience>`` on the
connection's search path), keyed by ``record_key`` (the customer id).

- Connection: ``url`` is a libpq DSN (``postgresql://user@host:port/db``) or the name of an environment
  variable holding one; ``token_env``, when set, holds the password. One connection per worker thread (the
  engine sends from several), autocommit with an explicit transaction per batch; ``timeout_seconds`` is both
  the connect timeout and the ``statement_timeout``.
- Table: created when missing with ``record_key text primary key``, one ``text`` column per mapped field
  (named after the field), ``synced_at timestamptz`` (last write) and ``sync_batch text`` (the idempotency key
  of the batch that last wrote the row); mapped fields an existing table lacks are added as ``text``. Columns
  rather than one jsonb document, so the table reads like any other. The rows' JSON is unpacked by the
  server: a column the owner retyped (or a table created beforehand, e.g. ``score integer``) gets the value
  cast to its type; a json/jsonb column gets the JSON value itself.
- A batch (at most 5,000 rows) is one statement over ``unnest`` of the keys and JSON payloads, in one
  transaction. upsert: ``INSERT ... ON CONFLICT (record_key) DO UPDATE``; insert: rows already there are
  rejected "already exists" (except rows this same batch wrote on a try whose answer was lost: their
  ``sync_batch`` is this batch's key); update: ``UPDATE ... FROM``, rows not there are rejected "not found";
  remove: ``DELETE`` (a row already gone is fine).
- Errors: a lost or refused connection, a server shutting down or starting, a statement timeout, a
  serialization failure or a deadlock raise RetryableError. A row error (a value its column cannot hold, such
  as a NUL character or a non-number for an integer column; a CHECK, NOT NULL or foreign key violation; a
  trigger's RAISE) rolls the batch back and the batch is run again row by row in one transaction, each row
  under a savepoint: only the offending rows are rejected, with PostgreSQL's SQLSTATE and message, and the
  rest commit. Any other error (permission denied, no unique index on ``record_key``) rejects the batch.
- No consent channel by default (the company's own database); ``options.consent_channel`` sets one."""

from __future__ import annotations

import os
import re
import threading
from typing import Any, ClassVar

import psycopg
from psycopg import errors, sql

from cdp.destinations.base import BatchOutcome, BatchRejected, ConfigError, Destination, RetryableError, Row

RESERVED = ("record_key", "synced_at", "sync_batch")
# Errors that belong to one row's values: the batch is re-run row by row to find and reject only those rows.
ROW_ERRORS = (psycopg.DataError, psycopg.IntegrityError, errors.RaiseException)


def _reason(error: psycopg.Error) -> str:
    message = error.diag.message_primary or str(error).strip().splitlines()[0]
    return f"postgres {error.diag.sqlstate or 'error'}: {message}"


def _resolve_dsn(url: str) -> str:
    url = (url or "").strip()
    if re.fullmatch(r"[A-Za-z_]\w*", url):
        if not os.environ.get(url):
            raise ConfigError(f"postgres: the url names ${url}, which is not set")
        url = os.environ[url]
    if not url:
        raise ConfigError("postgres: url must be a DSN or the name of an environment variable holding one")
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise ConfigError(f"postgres: url is not a valid DSN: {error}") from error
    return url


class Postgres(Destination):
    type = "postgres"
    max_batch_size = 5000
    operations: ClassVar[tuple[str, ...]] = ("upsert", "update", "insert", "remove")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = self.spec.options
        self.dsn = _resolve_dsn(self.spec.url)
        self.schema: str | None = options.get("schema")
        self.table_name: str = options.get("table") or f"cdp_{self.audience}"
        self.table = (
            sql.Identifier(self.schema, self.table_name) if self.schema else sql.Identifier(self.table_name)
        )
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[psycopg.Connection] = []
        self._statements: dict[str, sql.Composed] | None = None

    def check_fields(self, fields: dict[str, str]) -> None:
        clash = sorted(set(fields) & set(RESERVED))
        if clash:
            raise ConfigError(
                f"postgres: mapped field(s) {clash} clash with the table's own columns {RESERVED}"
            )

    # --- connections and table
    # -------------------------------------------------------------------------------------
    def _connection(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed:
            return conn
        password = self.spec.token()
        try:
            conn = psycopg.connect(
                self.dsn,
                autocommit=True,
                connect_timeout=max(2, round(self.spec.timeout_seconds)),
                application_name="cdp-sync",
                **({"password": password} if password else {}),
            )
        except psycopg.OperationalError as error:
            raise RetryableError(f"postgres: cannot connect: {error}") from error
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        conn.execute(
            "select set_config('statement_timeout', %s, false)",
            [f"{round(self.spec.timeout_seconds * 1000)}ms"],
        )
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()
            with self._lock:
                self._connections = [c for c in self._connections if c is not conn]

    def _prepare(self, conn: psycopg.Connection) -> dict[str, sql.Composed]:
        """Create the table (or add the mapped columns it lacks) once, and build the four statements."""
        with self._lock:
            if self._statements is None:
                self._statements = self._build(conn)
            return self._statements

    def _build(self, conn: psycopg.Connection) -> dict[str, sql.Composed]:
        fields = list(self.sync.fields)
        with conn.transaction():
            if self.schema:
                conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(self.schema)))
            conn.execute(
                sql.SQL(
                    "create table if not exists {} (record_key text primary key, {}, "
                    "synced_at timestamptz not null default now(), sync_batch text)"
                ).format(
                    self.table,
                    sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(f)) for f in fields),
                )
            )
            columns = self._columns(conn)
            missing = [f for f in [*fields, "synced_at", "sync_batch"] if f not in columns]
            for name in missing:
                kind = "timestamptz" if name == "synced_at" else "text"
                conn.execute(
                    sql.SQL("alter table {} add column if not exists {} {}").format(
                        self.table, sql.Identifier(name), sql.SQL(kind)
                    )
                )
            columns = self._columns(conn)
        return self._statements_for(fields, columns)

    def _columns(self, conn: psycopg.Connection) -> dict[str, tuple[str, str]]:
        """Column name -> (its type as SQL, its type category: S for strings)."""
        rows = conn.execute(
            "select a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory "
            "from pg_attribute a join pg_type t on t.oid = a.atttypid "
            "where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped",
            [self.table.as_string(conn)],
        ).fetchall()
        return {name: (kind, category) for name, kind, category in rows}

    def _statements_for(
        self, fields: list[str], columns: dict[str, tuple[str, str]]
    ) -> dict[str, sql.Composed]:
        def value(field: str) -> sql.Composable:
            kind, category = columns[field]
            name = sql.Literal(field)
            if kind in ("json", "jsonb"):
                return sql.SQL("u.f -> {}").format(name)
            if category == "S":  # assigned, not cast: a too-long value is an error, not silently cut
                return sql.SQL("u.f ->> {}").format(name)
            return sql.SQL("(u.f ->> {})::{}").format(name, sql.SQL(kind))

        names = sql.SQL(", ").join(sql.Identifier(f) for f in fields)
        values = sql.SQL(", ").join(value(f) for f in fields)
        source = sql.SQL(
            "(select k, j::jsonb as f from unnest(%(keys)s::text[], %(fields)s::text[]) as s(k, j)) as u"
        )
        insert = sql.SQL(
            "insert into {table} as d (record_key, {names}, synced_at, sync_batch) "
            "select u.k, {values}, now(), %(batch)s from {source} on conflict (record_key) "
        ).format(table=self.table, names=names, values=values, source=source)
        assign = sql.SQL(", ").join(
            sql.SQL("{0} = excluded.{0}").format(sql.Identifier(f))
            for f in [*fields, "synced_at", "sync_batch"]
        )
        update = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(f), value(f)) for f in fields)
        return {
            "upsert": insert + sql.SQL("do update set {}").format(assign),
            "insert": insert
            + sql.SQL(
                "do update set sync_batch = excluded.sync_batch where d.sync_batch = excluded.sync_batch "
                "returning d.record_key"
            ),
            "update": sql.SQL(
                "update {} as d set {}, synced_at = now(), sync_batch = %(batch)s from {} "
                "where d.record_key = u.k returning d.record_key"
            ).format(self.table, update, source),
            "remove": sql.SQL("delete from {} where record_key = any(%(keys)s::text[])").format(self.table),
        }

    # --- sending
    # ---------------------------------------------------------------------------------------------------
    def preview(self, operation: str, rows: list[Row]) -> dict[str, Any]:
        table = f"{self.schema}.{self.table_name}" if self.schema else self.table_name
        return {
            "table": table,
            "operation": operation,
            "rows": [
                {"record_key": row.key, **({} if operation == "remove" else row.fields)} for row in rows
            ],
        }

    def send(self, operation: str, rows: list[Row], idempotency_key: str) -> BatchOutcome:
        # One row per key (ON CONFLICT cannot touch a row twice in one statement): the last one wins.
        items = {row.key: row for row in rows}
        try:
            conn = self._connection()
            statement = self._prepare(conn)[operation]
            return self._apply(conn, operation, statement, list(items.values()), idempotency_key)
        except psycopg.OperationalError as error:
            # Connection lost, server shutting down or starting, timeout, serialization failure, deadlock.
            conn = getattr(self._local, "conn", None)
            if conn is not None and (conn.closed or conn.broken):
                self._drop_connection()
            raise RetryableError(_reason(error)) from error
        except (errors.UndefinedTable, errors.UndefinedColumn) as error:
            # The table was dropped or altered under us: set it up again on the next try.
            with self._lock:
                self._statements = None
            raise RetryableError(_reason(error)) from error
        except psycopg.Error as error:
            raise BatchRejected(_reason(error)) from error

    def _apply(
        self, conn: psycopg.Connection, operation: str, statement: sql.Composed, rows: list[Row], key: str
    ) -> BatchOutcome:
        outcome = BatchOutcome()
        try:
            with conn.transaction():
                written = self._execute(conn, operation, statement, rows, key)
        except ROW_ERRORS:
            # Some row's values are refused: find which, under a savepoint each, and commit the others.
            written = set()
            with conn.transaction():
                for row in rows:
                    try:
                        with conn.transaction():
                            written |= self._execute(conn, operation, statement, [row], key)
                    except ROW_ERRORS as error:
                        outcome.rejected[row.key] = _reason(error)
        if operation in ("insert", "update"):
            reason = "postgres: already exists" if operation == "insert" else "postgres: not found"
            for row in rows:
                if row.key not in written and row.key not in outcome.rejected:
                    outcome.rejected[row.key] = reason
        return outcome

    def _execute(
        self, conn: psycopg.Connection, operation: str, statement: sql.Composed, rows: list[Row], key: str
    ) -> set[str]:
        """Run the batch's statement; the keys it returned (insert and update: the rows it wrote)."""
        params = {"keys": [row.key for row in rows], "batch": key}
        if operation != "remove":
            params["fields"] = [row.fields_json for row in rows]
        cursor = conn.execute(statement, params)
        return {record_key for (record_key,) in cursor.fetchall()} if cursor.description else set()

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
