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

# `make dashboard`: the browser dashboard on SCENARIO at http://localhost:$(PORT)/.
PORT ?= 8765
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint bench clean venv lock dashboard browser notebook

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

# Test modules run in parallel, one module to a process (--dist loadscope keeps a module's
# fixtures in one process), on up to 4 processes; each test is seeded, so the order and the
# process a test lands on change nothing. `.venv/bin/python -m pytest tests` runs serially.
test: $(STAMP) browser
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadscope --nbmake tests notebooks

# JupyterLab on notebooks/; the notebooks' kernel ("python3") is this venv's Python.
# Jupyter refuses to run as root (containers) unless told: --allow-root only then.
notebook: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

dashboard: $(STAMP)
	$(VENV)/bin/placejobs dashboard $(SCENARIO) --port $(PORT)

# The browser test drives Debian's Chromium (Playwright's own browser download is not
# available everywhere): install it with apt-get as root or with sudo -n, else say how.
browser:
	@if [ -x $(CHROMIUM) ]; then \
		echo "browser: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium); \
	elif sudo -n true 2>/dev/null; then \
		sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "browser: no $(CHROMIUM); the browser test is skipped (fails with CI=true)."; \
		echo "  install it with: sudo apt-get install chromium"; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests

bench: $(STAMP)
	$(VENV)/bin/placejobs bench --workers 1000000 --months 12 --repeat 5

# Regenerate the pinned versions from a fresh resolve (maintainers only).
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^placejobs' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
