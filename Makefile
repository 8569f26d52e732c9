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
# Notebooks trained side by side by run-all and seeds, the cores shared out (tools/runner.py).
JOBS ?= 2
export NB EPOCHS BATCH_SIZE SEED TRAIN_LIMIT DATA_PATH OUTPUT_DIR SEEDS JOBS IMAGE MODEL FORMAT PORT
SEED_NOTEBOOKS ?= 04 05 06 07 08

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NAMES := $(basename $(notdir $(NOTEBOOKS)))
LIB := $(wildcard lib/*.py lib/*/*.py)
RUNNER := $(PY) -m tools.runner --kernel $(KERNEL)

.PHONY: setup test run-all outputs run smoke seeds bench export predict demo report lint clean help
help:
	@echo "make setup | test [TEST_JOBS=2] | run NB=05 [EPOCHS=2 TRAIN_LIMIT=1000 ...] | run-all [JOBS=2]"
	@echo "     smoke | seeds [SEEDS=5 JOBS=2] | bench | export | predict IMAGE=digit.png [MODEL=05 FORMAT=int8]"
	@echo "     demo [PORT=8765] | report | lint | clean"

setup: $(VENV)/.installed
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	git config filter.nbstripout.clean "$(abspath $(PY)) -m nbstripout"
	git config filter.nbstripout.smudge cat
	git config filter.nbstripout.required true
	git config diff.ipynb.textconv "$(abspath $(PY)) -m nbstripout -t"
	@echo "ready: kernel '$(KERNEL)' registered in $(VENV) (start Jupyter from there), nbstripout filter on notebooks/"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# Tests in TEST_JOBS worker processes (pytest-xdist; 0 runs them in this one).
TEST_JOBS ?= 2
test:
	$(PY) -m pytest -n "$(TEST_JOBS)" --dist worksteal

# Every notebook at full parameters, JOBS at a time; each runs even if another fails.
run-all:
	$(RUNNER) $(NOTEBOOKS) --jobs "$$JOBS" --timings outputs/run_all.json

# Only the notebooks whose source or lib/ changed since their metrics were written.
outputs: $(NAMES:%=outputs/%/metrics.json)
outputs/%/metrics.json: notebooks/%.ipynb $(LIB)
	$(RUNNER) $<

run:
	@test -n "$$NB" || { echo "usage: make run NB=05 [EPOCHS=2 TRAIN_LIMIT=1000 OUTPUT_DIR=/tmp/05 ...]"; exit 2; }
	$(RUNNER) --env-params -- "$$NB"

smoke:
	tmp=$$(mktemp -d) && $(RUNNER) $(NOTEBOOKS) --output-root "$$tmp" -p EPOCHS 1 -p TRAIN_LIMIT 2000 \
	  && echo "smoke outputs in $$tmp"

# The notebooks that claim a target, once per seed; outputs/seeds/summary.json.
seeds:
	$(PY) -m tools.seeds $(SEED_NOTEBOOKS) --seeds "$$SEEDS" --jobs "$$JOBS" --kernel $(KERNEL)

# All models at TensorFlow's default threads, then the target notebooks and the reference
# at one thread each (what each of run-all's two jobs gets on a 2-core machine), then where
# 05's and the reference's training steps spend their time, layer by layer.
bench:
	$(PY) -m tools.bench
	$(PY) -m tools.bench --threads 1 --output outputs/bench/one-thread \
	  --models "04_dropout_schedule,05_under_8k,05_under_8k (one step per call),05_under_8k (deskewing every step),keras-io-mnist-convnet"
	$(PY) -m tools.op_profile --model 05_under_8k
	$(PY) -m tools.op_profile --model keras-io-mnist-convnet

# TensorFlow Lite files of 02-08's saved models, float32 and int8: outputs/export/.
export:
	$(PY) -m tools.export

# Your own digit (PNG or JPEG) through MNIST's preprocessing and an exported model.
predict:
	@test -n "$$IMAGE" || { echo "usage: make predict IMAGE=digit.png [MODEL=05] [FORMAT=float32|int8]"; exit 2; }
	@$(PY) -m tools.predict "$$IMAGE" --model "$${MODEL:-05}" --format "$${FORMAT:-float32}"

# Draw a digit at http://127.0.0.1:8765/ and watch the small models read it as you draw.
demo:
	$(PY) -m tools.demo --port "$${PORT:-8765}"

report:
	$(PY) -m tools.results --write

lint:
	$(PY) -m ruff check lib tools tests
	$(PY) -m ruff format --check lib tools tests

clean:
	rm -rf outputs/*.partial outputs/*.old outputs/.*.running.ipynb outputs/.*.log .pytest_cache .ruff_cache
	rm -rf outputs/seeds/*/*.partial outputs/seeds/.*.running.ipynb outputs/seeds/.*.log
	find . -name __pycache__ -prune -exec rm -rf {} +
