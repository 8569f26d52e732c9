"""Session 28 probe, not a test: what 05's three dropout layers cost, forward and backward.

    python outputs/bench/probes/dropout_rng.py THREADS   # from the repo root, machine idle

On 05's shapes after the transition (batch 128): no dropout, Keras's dropout on TensorFlow
(tf.nn.experimental.stateless_dropout: a float uniform per element), and a mask from raw
32-bit random integers compared whole (the same rate, another mask: other numbers; session 29's
dropout_exact.py compares only their low 23 bits and gets Keras's own mask from the same draws).
dropout_rng.txt: THREADS 1, then 2.
"""

import sys
import time

import tensorflow as tf

th = int(sys.argv[1])
tf.config.threading.set_intra_op_parallelism_threads(th)
tf.config.threading.set_inter_op_parallelism_threads(th)
shapes = [(128, 10, 10, 16), (128, 8, 8, 16), (128, 6, 6, 16)]
xs = [tf.random.normal(s) for s in shapes]
seed = tf.constant([1, 2], tf.int32)


def keras_like(x, seed):
    return tf.nn.experimental.stateless_dropout(x, rate=0.05, seed=seed)


def bits(x, seed):
    r = tf.random.stateless_uniform(tf.shape(x), seed=seed, minval=None, maxval=None, dtype=tf.uint32)
    keep = r >= tf.constant(int(0.05 * 2**32), tf.uint32)
    return x * (tf.cast(keep, x.dtype) * (1 / 0.95))


def none(x, seed):
    return x


def training_step(f):
    """Forward and backward through the three layers, as a tf.function."""

    @tf.function
    def step(seed):
        with tf.GradientTape() as t:
            for x in xs:
                t.watch(x)
            loss = tf.add_n([tf.reduce_sum(y * y) for y in (f(x, seed) for x in xs)])
        return t.gradient(loss, xs)

    return step


for name, f in [("none", none), ("keras", keras_like), ("bits", bits)]:
    step = training_step(f)
    for _ in range(20):
        step(seed)
    n = 300
    t0 = time.perf_counter()
    for _ in range(n):
        g = step(seed)
    g[0].numpy()
    print(th, name, f"{(time.perf_counter() - t0) / n * 1e3:.2f} ms")
