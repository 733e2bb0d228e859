# Every target creates the virtual environment it needs, so a fresh clone needs only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint build validate clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/kg
	$(BIN)/kg build
	$(BIN)/kg stats

test: $(BIN)/kg
	$(BIN)/ruff check kg web tests
	$(BIN)/pytest -q

build: $(BIN)/kg
	$(BIN)/kg build

validate: $(BIN)/kg
	$(BIN)/kg validate

clean:
	rm -rf $(VENV) var .pytest_cache
