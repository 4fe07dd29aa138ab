#!/usr/bin/env bash
# The main job, end to end on the embedded DuckDB default:
#   set-up -> (optionally) generate raw data -> dbt build -> data-contract checks -> summaries -> identity scores
#   -> audiences synced to local emulators of the vendor APIs.
# By default it builds the committed demo seeds. PEOPLE=100000 bash scripts/demo.sh generates that many people
# as Parquet under data/raw/ and builds on those instead.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CDP_ROOT"
bash scripts/setup.sh

build_args=()
truth_dir="$CDP_ROOT/data/demo_truth"
if [[ -n "${PEOPLE:-}" ]]; then
    raw_dir="$CDP_ROOT/data/raw/people_${PEOPLE}"
    echo "== generating $PEOPLE people into $raw_dir"
    cdp datagen --people "$PEOPLE" --seed "${SEED:-42}" --format parquet --out "$raw_dir"
    build_args+=(--vars "{cdp__raw_parquet_path: '$raw_dir'}" --exclude "path:seeds/demo")
    truth_dir="$raw_dir/_truth"
fi

echo "== dbt build (target dev: DuckDB at $CDP_DUCKDB_PATH)"
started=$(date +%s)
dbt build --target dev "${build_args[@]}"
echo "== dbt build took $(( $(date +%s) - started )) s"

echo "== data contracts (great-expectations over the staged data and the marts)"
cdp contracts --target dev

echo "== summary: rows in / staged / quarantined per source"
cdp summary --target dev

echo "== the customer marts at a glance"
cdp marts summary --target dev

echo "== identity resolution scored against the generator's hidden truth"
cdp identity evaluate --truth "$truth_dir" --ceiling

echo "== activation: the example audiences synced to local emulators of the vendors' APIs"
# --full-resync: the emulators start empty on every run, so every member is sent again.
cdp sync --emulators --full-resync
