"""Session 34 probe, not a test: how far 05's two cheapest speed levers take it towards the reference.

    python outputs/bench/probes/batch_width.py ROUNDS > outputs/bench/probes/batch_width.txt

From the repo root, machine idle, TensorFlow's default threads (one per core), as `make bench`
measures its first table. Each round measures, every one in a fresh process
(lib.bench.measure, 12,800 random images): 05 as trained (batch 128); 05 at batches of 256
and 512 (tuning's 05bs512 and 05bs512s: a quarter of the steps cost accuracy on the validation
split, outputs/tuning/TUNING.md); 05 with 8 kernels instead of 16 in its costliest layer, the
second 3x3 convolution at 24x24 (block1_2; 6,930 parameters, never trained); and keras-io's
mnist_convnet. Each line: training img/s and its ratio to the reference's in the same round
(batch_width.txt: a first line, written by hand, names the date and the processor).
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

ONE = r"""
import json, sys
from lib import experiments, models
from lib.blocks import conv_block, output_head, transition_block
import keras
name, batch, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
experiments.EXPERIMENTS["05_under_8k"]["batch_size"] = batch
def narrow(dropout=0.05, rotation_degrees=7.0, deskew=True, seed=None):
    inputs, x = models.scaled_input(deskew=deskew)
    x = models.augment(x, rotation_degrees=rotation_degrees, seed=seed)
    x = conv_block(x, [8, width], batchnorm=True, name="block1")
    x = transition_block(x, 8, batchnorm=True, name="trans1")
    x = conv_block(x, [16, 16, 16], batchnorm=True, dropout=dropout, name="block2")
    return keras.Model(inputs, output_head(x, kind="gap"), name="under_8k")
models.MODELS["under_8k"] = narrow
from lib.bench import measure
r = measure(name, 12800, 2000)
print(json.dumps([r["params"], r["train_images_per_second"]]))
"""

CASES = [  # label, bench row, batch, kernels of block1_2
    ("05, batch 128 (as trained)", "05_under_8k", 128, 16),
    ("05, batch 256", "05_under_8k", 256, 16),
    ("05, batch 512", "05_under_8k", 512, 16),
    ("05, 8 kernels in block1_2, batch 128", "05_under_8k", 128, 8),
    ("keras-io-mnist-convnet", "keras-io-mnist-convnet", 128, 16),
]


def one(name: str, batch: int, width: int) -> tuple[int, float]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", ONE, name, str(batch), str(width)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))


for k in range(int(sys.argv[1])):
    rows = [(label, *one(name, batch, width)) for label, name, batch, width in CASES]
    ref = rows[-1][2]
    for label, params, ips in rows:
        print(
            f"round {k + 1} | {label} | {params:,} parameters | {ips:,.0f} img/s | {ips / ref:.2f}x",
            flush=True,
        )
