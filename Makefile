# Two commands for a newcomer on a fresh machine:
#   make demo   creates .venv, installs everything, summarizes the bundled example
#   make test   creates .venv if needed, installs, runs the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test check lint typecheck bench-cleaning clean

setup: $(STAMP)

# torch==2.13.0 goes first: that CPU build is on these machines; any other torch spec would
# pull several GB of CUDA packages. Everything else then finds torch already satisfied.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,bench,ray]"
	touch $(STAMP)

demo: setup
	$(BIN)/storyline summarize examples/harbor-bridge

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

bench-cleaning: setup
	$(BIN)/python -m benchmarks.cleaning

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
