#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): the generator at 10k/100k/1M people, dbt build on DuckDB at
# demo/10k/100k people, and dbt build on Spark on the demo data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CDP_ROOT"
bash scripts/setup.sh
echo "== generator";            python benchmarks/bench_datagen.py ${GEN_SIZES:-10000 100000 1000000}
echo "== dbt build on DuckDB";  python benchmarks/bench_dbt_build.py --engine duckdb ${DUCKDB_SIZES:-demo 10000 100000}
echo "== dbt build on Spark";   python benchmarks/bench_dbt_build.py --engine spark ${SPARK_SIZES:-demo}
