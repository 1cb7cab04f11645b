# The two commands: `make demo` and `make test`. Both create .venv and install everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean browser robustness train

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "powermap needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/make_warc.py
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/powermap analyze examples/articles --db demo.db -o demo.jsonl
	$(BIN)/powermap show demo.db

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples

# Browser tests drive Debian's Chromium; install it when this machine can (root with apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium not installed: browser tests will be skipped"; }

test: lint browser
	$(BIN)/python -m pytest -q

# Retrains the relation and genre models from training/ (fixed seeds); the results are committed.
train: $(STAMP)
	$(BIN)/powermap train relations training/relations -o src/powermap/models/relations.npz
	$(BIN)/powermap train techniques training/techniques -o src/powermap/models/techniques.npz
	$(BIN)/powermap train genre training/genre -o src/powermap/models/genre.json

bench: $(STAMP)
	$(BIN)/python bench/bench_analyze.py --docs 1000 10000

# The bad-input table, then the fuzz harness (both run even when the first fails; either failing fails).
robustness: $(STAMP)
	$(BIN)/python tests/bad_inputs/check.py; checked=$$?; $(BIN)/python tests/bad_inputs/fuzz.py && exit $$checked

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.jsonl test-output
