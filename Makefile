# placejobs: `make run` and `make test` each set up .venv (Python 3.12+) first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCENARIO ?= scenarios/baseline.toml
# Each `make run` writes a new, timestamped directory: results are never overwritten.
OUT ?= results/$(basename $(notdir $(SCENARIO)))-$(shell date +%Y%m%d-%H%M%S)

# Find Python >= 3.12: on PATH first, then under pyenv.
PYTHON_BOOT := $(shell bash tools/find_python.sh 2>/dev/null)

.PHONY: run test lint bench clean venv lock notebook

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@if [ -z "$(PYTHON_BOOT)" ]; then bash tools/find_python.sh; exit 1; fi
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/placejobs run $(SCENARIO) --out $(OUT)
	@ln -sfn $(notdir $(OUT)) results/latest && echo "results/latest -> $(OUT)"

test: $(STAMP)
	$(PY) -m pytest -q --nbmake tests notebooks

# JupyterLab on notebooks/; the notebooks' kernel ("python3") is this venv's Python.
# Jupyter refuses to run as root (containers) unless told: --allow-root only then.
notebook: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests

bench: $(STAMP)
	$(VENV)/bin/placejobs bench --workers 1000000 --months 12 --repeat 5

# Regenerate the pinned versions from a fresh resolve (maintainers only).
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^placejobs' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
