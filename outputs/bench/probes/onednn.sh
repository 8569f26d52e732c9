#!/bin/bash
# Session 30 probe, not a test: 05's and the reference's training img/s (lib.bench.measure, 12,800 images) with
# TensorFlow's oneDNN kernels on (its default on x86) and off (TF_ENABLE_ONEDNN_OPTS=0: Eigen's kernels), at the
# threads given as $1 (1: what each of run-all's two jobs gets), interleaved, three rounds. Run from the repo root,
# machine idle: bash outputs/bench/probes/onednn.sh 1 > outputs/bench/probes/onednn.txt
threads=${1:-1}
for r in 1 2 3; do
for onednn in 1 0; do
for m in 05_under_8k keras-io-mnist-convnet; do
  TF_ENABLE_ONEDNN_OPTS=$onednn TF_CPP_MIN_LOG_LEVEL=2 TF_NUM_INTRAOP_THREADS=$threads TF_NUM_INTEROP_THREADS=$threads \
  OMP_NUM_THREADS=$threads .venv/bin/python -c "
from lib.bench import measure; r = measure('$m', 12800, 2000)
print('round $r onednn $onednn threads $threads', '$m', r['train_images_per_second'], r['train_seconds_repeats'])" 2>&1 | grep "^round"
done; done; done
