# Sourced by the other scripts: one place for the environment every command runs in.
# shellcheck shell=bash
CDP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CDP_ROOT
export CDP_VENV="${CDP_VENV:-$CDP_ROOT/.venv}"
export DO_NOT_TRACK=1                       # dbt telemetry off (also off in dbt_project.yml)
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DBT_PROFILES_DIR="$CDP_ROOT"         # profiles.yml lives in the repo
export DBT_PROJECT_DIR="$CDP_ROOT"
export CDP_DUCKDB_PATH="${CDP_DUCKDB_PATH:-$CDP_ROOT/cdp.duckdb}"
export CDP_SPARK_DIR="${CDP_SPARK_DIR:-$CDP_ROOT/.spark}"   # Spark warehouse + Derby metastore, absolute
export GX_ANALYTICS_ENABLED=false           # great-expectations usage statistics off
export PYTHONDONTWRITEBYTECODE=1
export PATH="$CDP_VENV/bin:$PATH"
