#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): the generator at 10k/100k/1M people, dbt build on DuckDB at
# demo/10k/100k people, a full build at 1M minus its last day followed by the incremental run that adds it, dbt
# build on Spark on the demo data, and the identity stage (time, compared pairs and
# quality against the truth) at 10k/100k/1M people and in hard mode, and the sync engine at 10k/100k/1M audience
# members against the webhook emulator's own ceiling.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CDP_ROOT"
bash scripts/setup.sh
echo "== generator";            python benchmarks/bench_datagen.py ${GEN_SIZES:-10000 100000 1000000}
echo "== dbt build on DuckDB";  python benchmarks/bench_dbt_build.py --engine duckdb ${DUCKDB_SIZES:-demo 10000 100000}
echo "== dbt build on DuckDB, then one more day incrementally"
python benchmarks/bench_dbt_build.py --engine duckdb --incremental ${INCREMENTAL_SIZES:-1000000}
echo "== dbt build on Spark";   python benchmarks/bench_dbt_build.py --engine spark ${SPARK_SIZES:-demo}
echo "== identity stage";       python benchmarks/bench_identity.py ${IDENTITY_SIZES:-10000 100000 1000000}
echo "== identity, hard mode";  python benchmarks/bench_identity.py --hard ${IDENTITY_HARD_SIZES:-10000}
echo "== sync engine vs the emulator's ceiling"
python benchmarks/bench_sync.py ${SYNC_SIZES:-10000 100000 1000000}
