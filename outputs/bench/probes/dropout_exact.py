"""Session 29 probe, not a test: Keras's dropout mask drawn more cheaply from the same draws.

    python outputs/bench/probes/dropout_exact.py THREADS   # from the repo root, machine idle

On 05's shapes after the transition (batch 128, after a ReLU), a Keras Dropout(0.05) layer
per shape, forward and backward in one tf.function: first whether the two ways give the same
outputs and input gradients bit for bit (nine steps, a new mask per layer each), then
milliseconds per step (the mean of 300 steps after 20 untimed ones, three times) for no
dropout, Keras's own, the mask from the draws' mantissa bits, and the random draws alone
(what no mask built from them can save). Session 29 tried this mask in lib/ (commit affb4e0,
reverted): dropout_paired/ has what it measured there. dropout_exact.txt: THREADS 1, then 2,
TensorFlow's log lines left out.
"""

import math
import sys
import time

import keras
import numpy as np
import tensorflow as tf

th = int(sys.argv[1])
tf.config.threading.set_intra_op_parallelism_threads(th)
tf.config.threading.set_inter_op_parallelism_threads(th)
shapes = [(128, 10, 10, 16), (128, 8, 8, 16), (128, 6, 6, 16)]
xs = [tf.nn.relu(tf.random.normal(s, seed=i)) for i, s in enumerate(shapes)]


def draws(layer, x):
    """The 32-bit draws behind Keras's floats: the layer's next seed, cast as Keras does."""
    seed = tf.cast(tf.math.floormod(layer.seed_generator.next(), tf.int32.max - 1), tf.int32)
    return tf.random.stateless_uniform(tf.shape(x), seed=seed, minval=None, maxval=None, dtype=tf.uint32)


def draws_only(layer, x):
    return x + tf.cast(draws(layer, x)[:1, :1, :1, :1], x.dtype) * 0  # the draws stay in the graph


def mantissa_mask(layer, x):
    """Keras's mask from the same draws: TensorFlow makes each float in [0, 1) from a draw's
    low 23 bits, so u >= rate is (bits & 0x7FFFFF) >= ceil(rate * 2**23); one multiplication
    each way instead of Keras's select."""
    bits = draws(layer, x)
    keep = tf.bitwise.bitwise_and(bits, 0x7FFFFF) >= math.ceil(float(np.float32(layer.rate)) * 2**23)
    return x * (tf.cast(keep, x.dtype) * tf.constant(1 / (1 - layer.rate), x.dtype))


def stepper(way):
    layers = [keras.layers.Dropout(0.05, seed=s) for s in range(len(shapes))]

    def call(layer, x):
        if way == "none":
            return x
        if way == "draws only":
            return draws_only(layer, x)
        if way == "mantissa mask":
            return mantissa_mask(layer, x)
        return layer(x, training=True)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            ys = [call(layer, x) for layer, x in zip(layers, xs, strict=True)]
            loss = tf.add_n([tf.reduce_sum(y * y) for y in ys])
        return ys, tape.gradient(loss, xs)

    return step


same = []
a, b = stepper("keras"), stepper("mantissa mask")
for _ in range(9):  # each step draws the next seed of every layer's generator: nine masks each
    (ya, ga), (yb, gb) = a(), b()
    same.append(all(np.array_equal(p, q) for p, q in zip([*ya, *ga], [*yb, *gb], strict=True)))
print(th, "bit for bit the same outputs and gradients:", all(same), f"({len(same)} steps)")
for way in ("none", "keras", "mantissa mask", "draws only"):
    step = stepper(way)
    for _ in range(20):
        step()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(300):
            out = step()
        out[1][0].numpy()
        times.append((time.perf_counter() - t) / 300 * 1e3)
    print(th, way, " ".join(f"{v:.2f}" for v in times), "ms")
