# semcat — one script per verb, shared by people and CI.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run test lint bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP) ## start the hub with the demo nomenclature at http://127.0.0.1:8000
	SEMCAT_LOAD_DEMO=true $(VENV)/bin/semcat serve

test: $(STAMP) ## run the test suite (PostgreSQL/oxigraph/shared tests skip with a reason where absent)
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and mypy --strict
	$(VENV)/bin/ruff check catalog adapters api tests bench
	$(VENV)/bin/mypy

bench: $(STAMP) ## benchmarks (not part of test; needs wrk); figures go to bench/README.md
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) -m bench.run
	$(PY) -m bench.publish
	$(PY) -m bench.search
	$(PY) -m bench.sparql

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
