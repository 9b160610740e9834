# The two commands of the README: `make lab` and `make test`. Everything else is their set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export DVC_NO_ANALYTICS := 1
PYTHON ?= python3
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
LAB_PORT ?= 8888

.PHONY: lab test setup build lint pytest chromium benchmarks schema clean

## Start JupyterLab on the demo notebooks with nbbridge working.
lab: setup build
	jupyter lab --no-browser $(ROOT_FLAG) --ServerApp.root_dir=notebooks --ServerApp.port=$(LAB_PORT)

## Set everything up, lint, and run every test (browser tests included).
test: setup build chromium lint pytest

# The venv, the Python stack (pinned formatters, the lab builder) and nbbridge itself, editable.
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package.json yarn.lock
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
	# --no-build-isolation builds sdists (antlr4, from DVC) with the venv's own setuptools/wheel.
	$(BIN)/pip install -q "setuptools>=70" wheel "hatchling>=1.33" "hatch-jupyter-builder>=0.10" editables "jupyterlab>=4.6,<4.7" 2>&1 | grep -v "is ignored" || true
	$(BIN)/pip install -q --no-build-isolation -e ".[test]" 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import nbbridge, jupyterlab, playwright"
	jupyter labextension develop --overwrite . >/dev/null
	touch $@

# The front end: jlpm install is a no-op when nothing changed; the build is incremental.
build: setup
	jlpm install --immutable >/dev/null
	jlpm build >/dev/null

# Debian's chromium for the browser tests (never a browser download).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

lint: setup build
	ruff check server tests benchmarks
	black --check -q server tests benchmarks
	jlpm lint

pytest: setup build chromium
	python -m pytest $(PYTEST_ARGS)

## Regenerate the JSON Schema of the REST models and the TypeScript types made from it.
schema: setup
	python -m nbbridge.schema js/schema/api
	jlpm gen:types

benchmarks: setup build
	python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules lib extension/labextension
