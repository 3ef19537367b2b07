# The two README commands: `make study` and `make test`. Both set up .venv once (idempotent).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROFILE ?= cpu

.PHONY: setup test sync nbtest pytest study docs export clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "jitsr needs Python 3.11 or newer, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

# Notebooks are the source: jitsr/ must be what nbdev-export makes of them, and they must be clean.
sync: setup
	$(BIN)/nbdev-export
	@test -z "$$(git status --porcelain -- jitsr)" || { git status --short -- jitsr; echo "jitsr/ differs from nbdev-export of nbs/: export and commit both"; exit 1; }
	$(BIN)/nbdev-clean
	@test -z "$$(git status --porcelain -- nbs)" || { git status --short -- nbs; echo "nbdev-clean changed nbs/: commit the cleaned notebooks"; exit 1; }

nbtest: setup
	OMP_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 2 --timing

pytest: setup
	$(BIN)/pytest -q

test: sync nbtest pytest

study: setup
	$(BIN)/python -m jitsr.study --profile $(PROFILE)

# The documentation site, offline: every notebook as a page, the home page nbs/index.ipynb with the study's results.
docs: setup
	$(BIN)/python docs/build.py _docs

export: setup
	$(BIN)/nbdev-export && $(BIN)/nbdev-clean

clean:
	rm -rf $(VENV) _docs _proc
