#!/usr/bin/env bash
# Every check, as CI runs it: set-up, lint (ruff, sqlfluff), then pytest, which covers the Python package, the
# dbt build and tests on DuckDB, the great-expectations contracts, and the same dbt build on Spark.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CDP_ROOT"
started=$(date +%s)
bash scripts/setup.sh

echo "== ruff"
ruff check python benchmarks
ruff format --check python benchmarks

echo "== sqlfluff"
python -m cdp.sqllint models macros tests

echo "== pytest"
pytest python/tests "$@"
echo "== test command took $(( $(date +%s) - started )) s"
