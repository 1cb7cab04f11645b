# The two commands: `make demo` and `make test`. Both create .venv and install everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "powermap needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/make_warc.py
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/powermap analyze examples/articles --db demo.db -o demo.jsonl
	$(BIN)/powermap show demo.db

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_analyze.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.jsonl test-output
