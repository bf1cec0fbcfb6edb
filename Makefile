# xjur — set-up, demo, tests, benchmarks. `make demo` and `make test` create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench contract clean sync-examples

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/xjur demo
	@echo "The web form: $(BIN)/xjur serve   (then open http://127.0.0.1:8000/)"

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

contract: $(STAMP)
	PATH=$(CURDIR)/$(BIN):$$PATH python3 ../shared/checks/contract.py examples/profiles.yaml

bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.cli_path

sync-examples:
	cp examples/profiles.yaml comparisons/data/examples/profiles.yaml

clean:
	rm -rf $(VENV) xjur-demo .pytest_cache
