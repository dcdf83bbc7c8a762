# hoibao — `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= st,dev
INDEX_DIR ?= var/index

.PHONY: install run test test-slow test-all index eval bench bench-scale bench-telegram calibrate container-smoke clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	touch $(STAMP)

# Builds the index only when there is none; `hoibao index build` rebuilds on demand.
index: install
	@test -f $(INDEX_DIR)/current/manifest.json || $(BIN)/hoibao index build --index-dir $(INDEX_DIR)

run: index
	$(BIN)/hoibao run --index-dir $(INDEX_DIR)

test: install
	$(BIN)/python -m pytest -q -m "not slow and not container"

test-slow: install
	$(BIN)/python -m pytest -q -m "slow"

test-all: install
	$(BIN)/python -m pytest -q -m "not container"

eval: install
	$(BIN)/hoibao eval ../shared/data/zalo_qa_vi.json --other tests/data/seed_dev_qa.jsonl

bench: install
	$(BIN)/python benchmarks/query_latency.py

# Long: tens of minutes to hours on 2 cores; --quick for a smoke run.
bench-scale: install
	$(BIN)/python benchmarks/build_throughput.py
	$(BIN)/python benchmarks/query_scale.py

bench-telegram: install
	$(BIN)/python benchmarks/telegram_load.py

calibrate: install
	$(BIN)/python benchmarks/calibrate_found.py

container-smoke:
	bash scripts/container-smoke

clean:
	rm -rf $(VENV) var .pytest_cache
