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
# Notebooks trained side by side by run-all and seeds, the cores shared out (lib/runner.py).
JOBS ?= 2
export NB EPOCHS BATCH_SIZE SEED TRAIN_LIMIT DATA_PATH OUTPUT_DIR SEEDS JOBS
SEED_NOTEBOOKS ?= 04 05 06 07 08

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
NAMES := $(basename $(notdir $(NOTEBOOKS)))
LIB := $(wildcard lib/*.py)
RUNNER := $(PY) -m lib.runner --kernel $(KERNEL)

.PHONY: setup test run-all outputs run smoke seeds bench report gpu-pack lint clean help
help:
	@echo "make setup | test [TEST_JOBS=2] | run-all [JOBS=2] | run NB=03 | smoke | seeds [SEEDS=5 JOBS=2] | bench | report | gpu-pack | lint | clean"

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
	@test -n "$$NB" || { echo "usage: make run NB=03 [EPOCHS=2 TRAIN_LIMIT=1000 ...]"; exit 2; }
	$(RUNNER) --env-params -- "$$NB"

smoke:
	tmp=$$(mktemp -d) && $(RUNNER) $(NOTEBOOKS) --output-root "$$tmp" -p EPOCHS 1 -p TRAIN_LIMIT 2000 \
	  && echo "smoke outputs in $$tmp"

# The notebooks that claim a target, once per seed; outputs/seeds/summary.json.
seeds:
	$(PY) -m lib.seeds $(SEED_NOTEBOOKS) --seeds "$$SEEDS" --jobs "$$JOBS" --kernel $(KERNEL)

# All models at TensorFlow's default threads, then the target notebooks and the reference
# at one thread each (what each of run-all's two jobs gets on a 2-core machine), then where
# 05's and the reference's training steps spend their time, layer by layer.
bench:
	$(PY) -m lib.bench
	$(PY) -m lib.bench --threads 1 --output outputs/bench/one-thread \
	  --models "04_dropout_schedule,05_under_8k,05_under_8k (no dropout),05_under_8k (one step per call),05_under_8k (deskewing every step),keras-io-mnist-convnet"
	$(PY) -m lib.op_profile --model 05_under_8k
	$(PY) -m lib.op_profile --model keras-io-mnist-convnet

report:
	$(PY) -m lib.results --write

# What lib/gpu_run.py needs on a GPU machine with JAX (Python 3.12) but no TensorFlow: the
# wheels of this Keras and of its two needs that such a JAX image lacks, MNIST, and
# Fashion-MNIST recompressed with xz (smaller than gzip: the repository and .gpu/ travel
# together, at most 64 MiB).
GPU_PLATFORMS := $(foreach p,manylinux_2_28_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64,--platform $(p))
FASHION_DIR ?= /usr/share/datasets/fashion-mnist
gpu-pack:
	rm -rf .gpu && mkdir -p .gpu/wheels .gpu/data/fashion-mnist
	$(PY) -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
	  $(GPU_PLATFORMS) -d .gpu/wheels $$($(PY) -c "import importlib.metadata as m; \
	  print(' '.join(f'{n}=={m.version(n)}' for n in ('keras', 'namex', 'optree')))")
	cp "$$MNIST_PATH" .gpu/data/mnist.npz
	for f in $(FASHION_DIR)/*-ubyte.gz; do \
	  n=$$(basename "$$f" .gz); zcat "$$f" | xz -6 -T0 > ".gpu/data/fashion-mnist/$$n.xz" || exit 1; done
	du -sh .gpu && echo "carry .gpu; there: python3 -m lib.gpu_run --carried .gpu --out \$$OUT"

lint:
	$(PY) -m ruff check lib tests
	$(PY) -m ruff format --check lib tests

clean:
	rm -rf outputs/*.partial outputs/*.old outputs/.*.running.ipynb outputs/.*.log .pytest_cache .ruff_cache
	rm -rf outputs/seeds/*/*.partial outputs/seeds/.*.running.ipynb outputs/seeds/.*.log
	find . -name __pycache__ -prune -exec rm -rf {} +
