# The one entry point for developers and CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
# Debian packages the test suite needs (installed only when missing).
TEST_DEB :=
DEMO_DIR ?= .demo

.PHONY: help install demo test lint pytest format schema clean

help:
	@echo "make demo    run the demo federation (hub + two demo stores) on SQLite"
	@echo "make test    install everything, then ruff, mypy and pytest"
	@echo "make lint    ruff and mypy only"
	@echo "make schema  regenerate docs/protocol.schema.json"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cartstart-server demo --data-dir $(DEMO_DIR)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: $(STAMP)
	./scripts/system-deps.sh $(TEST_DEB)
	$(BIN)/pytest

test: lint pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP)
	$(BIN)/python -m shared_protocol.schema docs/protocol.schema.json

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
