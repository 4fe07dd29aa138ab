"""A throw-away PostgreSQL server for the postgres destination's tests: ``initdb`` in a temp dir, started on a
free loopback port for the test session, then stopped and deleted. Each test gets its own database
(``postgres_dsn``), so tests never see each other's tables.

The binaries come from the pinned ``pgserver`` wheel (PostgreSQL 16, nothing to install from the system), else
from a system install (``pg_ctl`` on PATH, ``/usr/lib/postgresql/*/bin``). PostgreSQL refuses to run as
root: as root the server runs as the ``postgres`` system user, or ``pgserver`` (created, as pgserver does).

A test module imports ``postgres_dsn_fixture`` (``# noqa: F401``) and asks for ``postgres_dsn``."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql


def _run_as() -> str | None:
    """The system user to run the server as: None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(["useradd", "--system", "--shell", "/usr/sbin/nologin", "pgserver"], check=True)
    return "pgserver"


def _candidate_bindirs() -> Iterator[Path]:
    # Found without importing pgserver (its import sets up a runtime dir and a lock file we do not use).
    if (spec := importlib.util.find_spec("pgserver")) and spec.origin:
        yield Path(spec.origin).parent / "pginstall" / "bin"
    if pg_ctl := shutil.which("pg_ctl"):
        yield Path(pg_ctl).resolve().parent
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _bindir(user: str | None) -> Path:
    """The first set of binaries that ``user`` can run (a venv under a private home may not be reachable)."""
    for bindir in _candidate_bindirs():
        postgres = bindir / "postgres"
        if postgres.exists() and (bindir / "initdb").exists():
            probe = subprocess.run(
                [str(postgres), "--version"], user=user, cwd="/", capture_output=True, check=False
            )
            if probe.returncode == 0:
                return bindir
    raise RuntimeError("no PostgreSQL binaries found: pip install pgserver (see requirements.txt)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One server: ``start``, ``stop``, ``restart`` (same port and data), ``dsn(database)``."""

    def __init__(self) -> None:
        self.user = _run_as()
        self.bindir = _bindir(self.user)
        self.root = Path(tempfile.mkdtemp(prefix="cdp-pg-"))  # short: the socket path must fit 107 bytes
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        if self.user:
            os.chown(self.root, pwd.getpwnam(self.user).pw_uid, pwd.getpwnam(self.user).pw_gid)
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")

    def _run(self, program: str, *args) -> None:
        result = subprocess.run(
            [str(self.bindir / program), *map(str, args)],
            user=self.user,
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}\n{log}")

    def _pg_ctl(self, *args) -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-t", "30", *args)

    def start(self) -> None:
        # Durability is not what these tests are about: fsync off makes table creation and commits cheap.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", self.log, "-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """Stop (closing every connection) and start again on the same port."""
        self.stop()
        self.start()

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def cleanup(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(name="postgres_dsn")
def postgres_dsn_fixture(postgres_server: PostgresServer) -> Iterator[str]:
    """A DSN to a fresh, empty database on the session's server, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.dsn(), autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield postgres_server.dsn(name)
    with psycopg.connect(postgres_server.dsn(), autocommit=True) as admin:
        admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
