#!/usr/bin/env bash
# Session 29 probe, not a test: 05 with the mantissa-bit dropout mask (lib/fast_dropout.py at
# commit affb4e0, reverted after this) against Keras's own dropout, paired in time, on a VM whose
# speed drifted by tens of percent within minutes that day. Ran at commit ecf9068:
#   git checkout ecf9068 && bash outputs/bench/probes/dropout_paired/run.sh   # machine idle
# bench.json / bench.md: make bench's measurement of the two rows alone, six interleaved rounds,
# TensorFlow's default threads; profile-*.md: lib.op_profile of each row (100 steps each).
set -euo pipefail
out=outputs/bench/probes/dropout_paired
.venv/bin/python -m lib.bench --models "05_under_8k,05_under_8k (Keras dropout)" --rounds 6 --output "$out"
for model in "05_under_8k" "05_under_8k (Keras dropout)"; do
  .venv/bin/python -m lib.op_profile --model "$model" --output "$out"
done
