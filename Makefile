# Every result in outputs/ comes from these targets; see README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
KERNEL ?= small-cnn
export TF_CPP_MIN_LOG_LEVEL ?= 2
# The shared copy of MNIST, where this checkout sits beside one (CI does).
export MNIST_PATH ?= $(abspath $(wildcard ../shared/data/mnist.npz))
# Passed to the notebooks through the environment, as data: no shell ever parses them.
SEEDS ?= 5
export NB EPOCHS BATCH_SIZE SEED TRAIN_LIMIT DATA_PATH OUTPUT_DIR SEEDS
SEED_NOTEBOOKS ?= 04 05

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NAMES := $(basename $(notdir $(NOTEBOOKS)))
LIB := $(wildcard lib/*.py)
RUNNER := $(PY) -m lib.runner --kernel $(KERNEL)

.PHONY: setup test run-all outputs run smoke seeds bench report lint clean help
help:
	@echo "make setup | test | run-all | run NB=03 | smoke | seeds [SEEDS=5] | bench | report | lint | clean"

setup: $(VENV)/.installed
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	git config filter.nbstripout.clean "$(abspath $(PY)) -m nbstripout"
	git config filter.nbstripout.smudge cat
	git config filter.nbstripout.required true
	git config diff.ipynb.textconv "$(abspath $(PY)) -m nbstripout -t"
	@echo "ready: kernel '$(KERNEL)' registered, nbstripout filter on notebooks/"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

test:
	$(PY) -m pytest

# Every notebook at full parameters, in order; each runs even if another fails.
run-all:
	$(RUNNER) $(NOTEBOOKS) --timings outputs/run_all.json

# Only the notebooks whose source or lib/ changed since their metrics were written.
outputs: $(NAMES:%=outputs/%/metrics.json)
outputs/%/metrics.json: notebooks/%.ipynb $(LIB)
	$(RUNNER) $<

run:
	@test -n "$$NB" || { echo "usage: make run NB=03 [EPOCHS=2 TRAIN_LIMIT=1000 ...]"; exit 2; }
	$(RUNNER) --env-params -- "$$NB"

smoke:
	tmp=$$(mktemp -d) && $(RUNNER) $(NOTEBOOKS) --output-root "$$tmp" -p EPOCHS 1 -p TRAIN_LIMIT 2000 \
	  && echo "smoke outputs in $$tmp"

# The notebooks that claim a target, once per seed; outputs/seeds/summary.json.
seeds:
	$(PY) -m lib.seeds $(SEED_NOTEBOOKS) --seeds "$$SEEDS" --kernel $(KERNEL)

bench:
	$(PY) -m lib.bench

report:
	$(PY) -m lib.results --write

lint:
	$(PY) -m ruff check lib tests
	$(PY) -m ruff format --check lib tests

clean:
	rm -rf outputs/*.partial outputs/*.old outputs/.*.running.ipynb .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
