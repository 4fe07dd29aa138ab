# Shortcuts; each target is one script under scripts/.
.PHONY: demo test setup bench clean

demo:   ## main job end to end on DuckDB (PEOPLE=N to generate N people as Parquet first)
	bash scripts/demo.sh

test:   ## every check, as CI runs it
	bash scripts/test.sh

setup:  ## create/refresh .venv from the pinned requirements
	bash scripts/setup.sh

bench:  ## benchmarks (generator at 10k/100k/1M people, dbt build per engine)
	bash scripts/bench.sh

clean:
	rm -rf target logs .spark cdp.duckdb* data/raw
