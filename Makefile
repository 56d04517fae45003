# listing-pulse: `make demo` runs the main job on the two sample stores; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DLT_PROJECT_DIR := $(CURDIR)

.PHONY: install chromium bi-clients postgres java demo lint format test mutate fuzz-stores test-postgres test-spark bench check-bi lock clean

$(BIN)/listing-pulse: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# A DuckDB 1.x client beside the build's DuckDB 2.0: tests/python/publish opens the published file with it.
$(VENV)-duckdb14/bin/python: requirements-duckdb14.lock
	$(PYTHON) -m venv $(VENV)-duckdb14
	$(VENV)-duckdb14/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-duckdb14.lock
	@touch $@

install: $(BIN)/listing-pulse $(VENV)-duckdb14/bin/python

# BI clients, each in its own environment from its pins in bi/<client>/ (see bi/check_bi.py).
$(VENV)-bi-duckdb-cli/bin/duckdb: bi/duckdb-cli/requirements.lock
	$(PYTHON) -m venv $(VENV)-bi-duckdb-cli
	$(VENV)-bi-duckdb-cli/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

$(VENV)-bi-sqlalchemy14/bin/python: bi/sqlalchemy14/requirements.lock
	$(PYTHON) -m venv $(VENV)-bi-sqlalchemy14
	$(VENV)-bi-sqlalchemy14/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# npm install (it keeps the lock's versions), not npm ci: the registry the lock was made from carries only
# linux-x64 builds of DuckDB's optional native bindings, so npm ci finds the other platforms missing.
bi/node-api/node_modules/.package-lock.json: bi/node-api/package-lock.json
	npm install --prefix bi/node-api --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV)-bi-superset/bin/superset: bi/superset/requirements.lock
	$(PYTHON) -m venv $(VENV)-bi-superset
	$(VENV)-bi-superset/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# The light clients tests/python/publish/test_bi_clients.py opens the published file with.
bi-clients: $(VENV)-bi-duckdb-cli/bin/duckdb $(VENV)-bi-sqlalchemy14/bin/python bi/node-api/node_modules/.package-lock.json

# The report's browser tests drive Debian's Chromium (no browser download); installed when missing.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

demo: install
	@# both sample stores (default, sister_store), one build; exit 10 = published with warnings: the sample
	@# stores' decoys trip merchant-data warnings on purpose
	$(BIN)/listing-pulse run --all-stores --source sample || [ $$? -eq 10 ]
	$(BIN)/listing-pulse cards
	$(BIN)/listing-pulse alerts list

# Lint before tests: ruff (lint + format check), mypy on ingestion/, sqlfluff on the SQL (dbt templater,
# compiling against a scratch DuckDB file so it never touches the warehouse).
lint: $(BIN)/listing-pulse
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	LISTING_PULSE_DB=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint --processes 2 models macros tests/reconciliation tests/merchant_data

# Apply what the linters can fix by themselves.
format: $(BIN)/listing-pulse
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	LISTING_PULSE_DB=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff fix --processes 2 models macros tests/reconciliation tests/merchant_data

test: install chromium bi-clients lint
	$(BIN)/python -m pytest

# Mutation testing of the card, intermediate and core models' SQL (tests/mutation/mutate.py): every mutant built
# on the scenario warehouse, judged by the dbt tests and the oracle; writes tests/MUTATION.md. About 12 minutes
# on 2 cores; CI builds a fixed sample instead (tests/python/test_mutation_sample.py).
mutate: install
	nice $(BIN)/python -m tests.mutation.mutate

# Many seeded random stores against the independent oracle (tests/python/fuzz_stores.py), in one warehouse and
# one build; the first store that disagrees is shrunk to the fewest listings that still disagree. 100 stores:
# about 10 minutes on 2 cores.
STORES ?= 100
fuzz-stores: install
	nice $(BIN)/python -m tests.python.fuzz_stores --stores $(STORES)

# Debian's PostgreSQL server binaries, when missing; the test starts and removes its own throwaway cluster.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }

# The Spark target's environment: the project's pins plus dbt-spark and pyspark (Java 17 runs it).
$(VENV)-spark/bin/python: requirements.lock requirements-spark.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)-spark
	$(VENV)-spark/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-spark.lock
	$(VENV)-spark/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Java 17 for pyspark, from Debian's packages when missing.
java:
	@command -v java >/dev/null || { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless; }

# The same sample on Apache Spark (session mode): raw tables as parquet, dbt build --target spark, cards equal DuckDB's.
test-spark: $(VENV)-spark/bin/python java
	$(VENV)-spark/bin/python -m pytest -m spark tests/python/engines -q

# The same sample on PostgreSQL: dlt's postgres destination, dbt build --target postgres, cards equal DuckDB's.
test-postgres: install postgres
	$(BIN)/python -m pytest -m postgres tests/python/engines -q

# The pipeline at SCALE x 1,000,000 listings (and a tenth of it) against DuckDB alone on the same data:
# ingestion vs read_json, dbt vs a reference SQL script, the incremental second observation, the main job.
# Writes RESULTS; fails if a check (row counts, card values, incremental = full rebuild) fails. CI runs
# SCALE=0.01 for the checks only (timings on a shared runner are not asserted).
SCALE ?= 0.1
REPEAT ?= 3
RESULTS ?= bench/RESULTS.md
bench: install
	$(BIN)/python bench/bench_pipeline.py --scale $(SCALE) --repeat $(REPEAT) --results $(RESULTS)

# Every BI client the README names against the published file (written by `make demo` when missing); prints
# client -> version -> result. Adds Superset (3-6 min to install once) and Evidence (npm install in a temp dir, ~1.5 min).
check-bi: install bi-clients $(VENV)-bi-superset/bin/superset
	@test -f data/published/listing_pulse.duckdb || $(MAKE) demo
	$(BIN)/python bi/check_bi.py

# Re-resolve the pins from pyproject.toml's ranges (needs the package registry).
lock:
	rm -rf /tmp/listing-pulse-lock && $(PYTHON) -m venv /tmp/listing-pulse-lock
	/tmp/listing-pulse-lock/bin/pip install --quiet ".[test,lint]"
	{ echo '# Every Python package listing-pulse needs, pinned (Python 3.11). Regenerate with `make lock`.'; \
	  /tmp/listing-pulse-lock/bin/pip freeze --all --exclude pip --exclude listing-pulse; } > requirements.lock

clean:
	rm -rf $(VENV) $(VENV)-duckdb14 $(VENV)-bi-* $(VENV)-spark bi/node-api/node_modules data target logs
