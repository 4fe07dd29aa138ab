"""Fixtures shared by the test suites."""

from __future__ import annotations

import pytest

from tests.dbt_harness import DbtProject


@pytest.fixture(scope="session")
def duckdb_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project built on the demo seeds in a fresh DuckDB file (once per session)."""
    project = DbtProject("dev", tmp_path_factory.mktemp("duckdb"), {})
    project.build()
    return project
