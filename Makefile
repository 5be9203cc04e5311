# `make run` starts the bot, `make test` runs the tests. Both create .venv and install the locked
# dependencies (every package pinned, with hashes) the first time, and again when a lock changes.
# `make lock` re-resolves the locks from requirements*.in: the one command for upgrading.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --upgrade

.PHONY: run test lint bench lock clean backup

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python bot.py

# A consistent copy of the live database (DATABASE_PATH from .env), even while the bot runs:
# backups/promptfill-<UTC timestamp>.db. Restore with `.venv/bin/python bot.py restore PATH` (bot stopped).
backup: $(VENV)/.runtime
	$(BIN)/python bot.py backup

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pyright

bench: $(VENV)/.dev
	$(BIN)/python -m bench
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.exchanges

lock: $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
