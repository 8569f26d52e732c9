"""Session 37's checks (not candidate runs): the variants change only what they say.

1. ``sharpness_aware`` with rho 0 trains bit for bit as 05's recipe: two epochs on the first
   4,000 training images of seed 11's split, scored on 2,000 validation images, both histories
   compared exactly.
2. ``m05eca`` with neither ECA nor the blur builds 05's model: the same parameter count and the
   same outputs from the same weights on 64 validation images.

Writes probe_variants.txt here.
"""

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import tune  # noqa: E402  (puts the repository on the path; one thread, as its runs)
from lib.data import load_dataset, split_validation  # noqa: E402
from lib.training import OneCycle, Split, set_determinism, train  # noqa: E402

SEED = 11


def history(data: Split, rho: float | None) -> dict:
    set_determinism(SEED)
    model = tune.m05(seed=SEED, drop=0.05, drop_big=False, deskew=True)
    if rho is not None:
        tune.sharpness_aware(model, rho)
    tune.training.make_optimizer = lambda lr, **k: tune.keras.optimizers.SGD(
        OneCycle(lr, k["steps_per_epoch"] * k["epochs"]), momentum=0.9, nesterov=True, weight_decay=1e-3
    )  # 05's optimiser, as tune.py's main() makes it
    _, res = train(model, data, epochs=2, batch_size=128, seed=SEED, lr=0.2, schedule="onecycle",
                   state_dir=tempfile.mkdtemp(), read_test=False, verbose=0)
    return res.history


def main() -> None:
    ds = load_dataset("mnist", os.environ.get("MNIST_PATH"))
    xt, yt, xv, yv = split_validation(ds.x_train, ds.y_train, 0.1, SEED)
    data = Split(xt[:4000, ..., None], yt[:4000], xv[:2000, ..., None], yv[:2000], xv[:100, ..., None], yv[:100])
    plain, rho0 = history(data, None), history(data, 0.0)
    lines = [f"SAM at rho 0 == 05's recipe, every number of both epochs: {plain == rho0}",
             f"  validation accuracy {plain['val_accuracy']}, loss {plain['val_loss']}"]
    set_determinism(SEED)
    recipe = tune.m05(seed=SEED, drop=0.05, drop_big=False, deskew=True)
    off = tune.m05eca(seed=SEED, eca=False, blur=False)
    for layer in off.layers:
        if layer.weights:
            layer.set_weights(recipe.get_layer(layer.name).get_weights())
    x = xv[:64, ..., None]
    gap = float(np.abs(off.predict(x, verbose=0) - recipe.predict(x, verbose=0)).max())
    lines.append(f"m05eca with both off: {off.count_params():,} parameters against {recipe.count_params():,}; "
                 f"largest difference of its outputs from 05's on the same weights: {gap:.1e}")
    (HERE / "probe_variants.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
