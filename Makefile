# `make run` starts the whole system locally; `make test` runs every test. Both set up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SERVICES := $(wildcard services/*)
STAMP := $(VENV)/.linli-installed
# The console with its test extra: Playwright, which drives Debian's /usr/bin/chromium (never a downloaded browser).
INSTALL := $(patsubst services/console,'services/console[test]',$(SERVICES))
# One version of every package the images ship and the tests run, pip and the build backend too (deploy/lock.sh).
CONSTRAINTS := deploy/requirements/constraints.txt

.PHONY: run test bench schemas clean

$(STAMP): shared/pyproject.toml devtools/pyproject.toml $(addsuffix /pyproject.toml,$(SERVICES)) $(CONSTRAINTS)
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Linli needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade --constraint $(CONSTRAINTS) pip
	$(PY) -m pip install --quiet --constraint $(CONSTRAINTS) --build-constraint $(CONSTRAINTS) \
	  -e shared -e devtools $(addprefix -e ,$(INSTALL))
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/linli-dev run $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py $(ARGS)

schemas: $(STAMP)
	$(VENV)/bin/linli-dev schemas

clean:
	rm -rf $(VENV)
