# semcat — one script per verb, shared by people and CI.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the pages' front-end libraries, from npm (web/package-lock.json), built into api/pages/static/lib
NPM_STAMP := web/node_modules/.package-lock.json
ASSETS := api/pages/static/lib/manifest.json
ROLE ?= publisher

.PHONY: help run token test lint bench clean assets screens

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(NPM_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): $(NPM_STAMP) web/build.mjs $(wildcard web/src/*.js)
	cd web && node build.mjs

assets: $(ASSETS) ## build the pages' scripts and copy their npm libraries (run and test do it)

run: $(STAMP) $(ASSETS) ## start the hub with the demo nomenclature at http://127.0.0.1:8000
	SEMCAT_LOAD_DEMO=true $(VENV)/bin/semcat serve

token: $(STAMP) ## an API token, shown once: make token INSTITUTION=ASP ROLE=publisher (after make run)
	@test -n "$(INSTITUTION)" || { echo "usage: make token INSTITUTION=ASP [ROLE=publisher|reviewer|admin]" >&2; exit 2; }
	$(VENV)/bin/semcat token create --institution "$(INSTITUTION)" --role "$(ROLE)"

test: $(STAMP) $(ASSETS) ## run the test suite (PostgreSQL, ../shared and Chromium tests skip with a reason where absent)
	$(PY) -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and mypy --strict
	$(VENV)/bin/ruff check catalog adapters api tests bench tools
	$(VENV)/bin/mypy

bench: $(STAMP) ## benchmarks (not part of test; needs wrk); figures go to bench/README.md
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) -m bench.run
	$(PY) -m bench.import_cli
	$(PY) -m bench.publish
	$(PY) -m bench.search
	$(PY) -m bench.sparql
	$(PY) -m bench.pages
	$(PY) -m bench.mixed
	$(PY) -m bench.reads --uncached

screens: $(STAMP) $(ASSETS) ## screenshots of every page type into docs/screens/ (not part of test)
	$(PY) -m tools.screens

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var web/node_modules api/pages/static/lib
