"""Session 28 probe, not a test: can 05's convolution gradients run faster as other ops?

    python outputs/bench/probes/conv_backprop.py THREADS   # from the repo root, machine idle

For each 3x3 convolution shape of 05 (batch 128): the forward Conv2D, TensorFlow's
Conv2DBackpropInput and, as an alternative, the same gradient as a forward convolution of the
padded output gradient with the flipped kernel; Conv2DBackpropFilter and, as an alternative,
an im2col matrix product. Milliseconds per call: the mean of 200 calls after 10 untimed ones;
"diff" is the largest absolute difference between the two ways (0: the same numbers).
conv_backprop.txt: THREADS 1, then 2, TensorFlow's log lines left out.
"""

import sys
import time

import tensorflow as tf

th = int(sys.argv[1])
tf.config.threading.set_intra_op_parallelism_threads(th)
tf.config.threading.set_inter_op_parallelism_threads(th)
B = 128
SHAPES = [(28, 1, 8), (26, 8, 16), (12, 8, 16), (10, 16, 16), (8, 16, 16)]  # (map side, in, out)
STRIDES = [1, 1, 1, 1]


def timeit(f, *args, n=200):
    for _ in range(10):
        f(*args)
    t = time.perf_counter()
    for _ in range(n):
        r = f(*args)
    r.numpy()
    return (time.perf_counter() - t) / n * 1e3


def functions(H, ci, co):
    """The five ops timed for one shape, each a tf.function."""
    Ho = H - 2

    def fwd(x, w):
        return tf.nn.conv2d(x, w, 1, "VALID")

    def bpi(dy, w):
        return tf.raw_ops.Conv2DBackpropInput(
            input_sizes=[B, H, H, ci], filter=w, out_backprop=dy, strides=STRIDES, padding="VALID"
        )

    def alt(dy, w):  # input gradient as a forward convolution
        wf = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2])
        return tf.nn.conv2d(tf.pad(dy, [[0, 0], [2, 2], [2, 2], [0, 0]]), wf, 1, "VALID")

    def bpf(x, dy):
        return tf.raw_ops.Conv2DBackpropFilter(
            input=x, filter_sizes=[3, 3, ci, co], out_backprop=dy, strides=STRIDES, padding="VALID"
        )

    def altf(x, dy):  # kernel gradient as one im2col matrix product
        cols = tf.concat([x[:, i : i + Ho, j : j + Ho, :] for i in range(3) for j in range(3)], -1)
        grad = tf.matmul(tf.reshape(cols, (-1, 9 * ci)), tf.reshape(dy, (-1, co)), transpose_a=True)
        return tf.reshape(grad, (3, 3, ci, co))

    return [tf.function(f) for f in (fwd, bpi, alt, bpf, altf)]


for H, ci, co in SHAPES:
    x, w = tf.random.normal((B, H, H, ci)), tf.random.normal((3, 3, ci, co))
    dy = tf.random.normal((B, H - 2, H - 2, co))
    fwd, bpi, alt, bpf, altf = functions(H, ci, co)
    d = float(tf.reduce_max(tf.abs(bpi(dy, w) - alt(dy, w))))
    d2 = float(tf.reduce_max(tf.abs(bpf(x, dy) - altf(x, dy))))
    print(
        f"{H}x{H} {ci}->{co}: fwd {timeit(fwd, x, w):.2f} bpi {timeit(bpi, dy, w):.2f} "
        f"alt {timeit(alt, dy, w):.2f} (diff {d:.1e}) bpf {timeit(bpf, x, dy):.2f} "
        f"altf {timeit(altf, x, dy):.2f} (diff {d2:.1e})",
        flush=True,
    )
