# Every target creates the virtual environment it needs, so a fresh clone needs only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint build validate system-deps clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Build the embedded store from the Turtle files, then serve it.
run: $(BIN)/kg
	$(BIN)/kg build
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

# The whole suite: lint, shapes and quality checks on the data, then unit, route, CLI,
# live-server and browser tests.
test: $(BIN)/kg system-deps
	$(BIN)/ruff check kg web tests scripts
	$(BIN)/kg validate
	$(BIN)/pytest -q

system-deps:
	scripts/install-system-deps.sh

build: $(BIN)/kg
	$(BIN)/kg build

validate: $(BIN)/kg
	$(BIN)/kg validate

clean:
	rm -rf $(VENV) var .pytest_cache
