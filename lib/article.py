"""The article's own figures ("Build your first CNN"), shown beside this repository's runs.

The article reports its best epoch on the MNIST test set (its "val"); this repository saves a
model chosen without the test set and reads the test set once. ``docs/article.md`` sums up
each of its iterations.
"""

from __future__ import annotations

ARTICLE: dict[str, dict] = {
    "01_vanilla": dict(params=1_595_316, reported="99.93 % (train, best epoch)", train=0.9993),
    "02_reduce_parameters": dict(params=12_490, reported="99.71 % (train, best epoch)", train=0.9971),
    "03_batchnorm": dict(params=12_874, reported="99.28 % (val), 99.74 % (train)", val=0.9928),
    "04_dropout_schedule": dict(params=12_874, reported="99.41 % (val) at epoch 19", val=0.9941),
    "05_under_8k": dict(params=7_602, reported="99.44 % (val) at epoch 22", val=0.9944),
}
