#!/bin/bash
# Session 28 probe, not a test: 05's and the reference's training img/s (lib.bench.measure, 12,800 images)
# under TensorFlow's intra-op and inter-op thread counts, interleaved, two rounds. Run from the repo root, machine idle:
# bash outputs/bench/probes/threads.sh > outputs/bench/probes/threads.txt
for r in 1 2; do
for cfg in "2 2" "1 2" "2 1"; do set -- $cfg
for m in 05_under_8k keras-io-mnist-convnet; do
  TF_CPP_MIN_LOG_LEVEL=2 TF_NUM_INTRAOP_THREADS=$1 TF_NUM_INTEROP_THREADS=$2 .venv/bin/python -c "
from lib.bench import measure; r = measure('$m', 12800, 2000); print('round $r intra $1 inter $2', '$m', r['train_images_per_second'], r['train_seconds_repeats'])" 2>&1 | grep "^round"
done; done; done
