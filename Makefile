# CapaCityMetro toolkit. `make demo` runs the main job, `make test` runs every test;
# both install what is missing first (Debian packages, venv, pinned pip packages).
# `make test` = the host tier (tests/ on the host's QGIS) + the Debian envs of
# scripts/qgis_env.sh (QGIS 3.40 LTR, QGIS 3.44, Python 3.9 core); the last line sums them up.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
AREA ?= trento
ENV := source scripts/env.sh &&

.PHONY: setup test test-host test-versions test-unit test-qgis test-bare-install demo bench bench-transit lint package clean translations

setup:
	@bash scripts/setup.sh

test: setup
	@VENV=$(VENV) bash scripts/test_all.sh

# The host tier alone (the host's QGIS, every test under tests/).
test-host: setup
	@$(ENV) $(PY) -m pytest tests

# The Debian envs alone (built on first use in /var/cache/capacitymetro/envs; needs root).
test-versions:
	@bash scripts/test_all.sh --envs-only

# The core tier runs without QGIS at all (pytest-qgis not loaded).
test-unit: setup
	@$(ENV) $(PY) -m pytest -p no:pytest_qgis -W ignore::pytest.PytestConfigWarning tests/unit

test-qgis: setup
	@$(ENV) $(PY) -m pytest tests/qgis tests/realdata

# The plugin zip in Debian 13's bare QGIS installs its own dependencies and gives the host's
# numbers (root; needs scripts/qgis_env.sh and the package index).
test-bare-install: setup
	@bash scripts/bare_qgis_install_test.sh

# AREA=mestre first derives its mainland zone (scripts/mestre_mainland.py, into the download cache)
# and keeps going past the steps it has no street network for (network, isochrones: named).
demo: setup
	@$(if $(filter mestre,$(AREA)),$(ENV) $(PY) scripts/mestre_mainland.py &&) \
	  $(ENV) $(PY) -m capacitymetro_plugin run --area $(AREA) --out out/$(AREA) \
	  $(if $(filter mestre,$(AREA)),--keep-going)

bench: setup
	@$(ENV) $(PY) bench/run_benchmarks.py
	@$(ENV) $(PY) bench/national_scaling.py --sizes 1,3
	@$(ENV) $(PY) bench/national_autotile.py
	@$(MAKE) --no-print-directory bench-transit

# Transit (issue 16): ours vs pyraptor, urbanaccess + pandana and a time-expanded graph, ~4 min.
# The peers live in their own venv (requirements-bench.txt, BENCH_VENV), never in .venv.
# BENCH_ARGS=--full samples more peer searches. Writes the "Transit" section of docs/benchmarks.md.
BENCH_VENV ?= /var/cache/capacitymetro/bench-venv
bench-transit: setup
	@bench_py=$$(VENV=$(VENV) bash scripts/bench_env.sh $(BENCH_VENV)) && \
	  $(ENV) $$bench_py bench/transit_bench.py $(BENCH_ARGS)

lint: setup
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

translations: setup
	@bash scripts/build_translations.sh

package: setup
	@bash scripts/package.sh

clean:
	rm -rf out dist build .pytest_cache
