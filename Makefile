# The two commands a fresh machine needs: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# One test worker per core and one more: a few tests wait on a rate-limit window or a browser.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print((os.cpu_count() or 1) + 1)")

.PHONY: site serve test bench check dist clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(PY) -m builder build --out site
	@echo "Open site/index.html through a server: make serve (http://127.0.0.1:8000/)"

serve: $(STAMP)
	$(PY) -m builder serve --port $${PORT:-8000}

check: $(STAMP)
	$(PY) -m builder check --out site

test: $(STAMP)
	$(PY) scripts/ensure_browser.py
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(PY) scripts/bench.py $(BENCH_ARGS)

dist: $(STAMP)
	rm -rf dist
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	$(PY) -m twine check --strict dist/*

clean:
	rm -rf site .cache dist build $(VENV)
