"""Session 18: 08's saved models of make seeds (seeds 1-4), their validation split predicted on the
image alone and as the mean over the image and its mirror image (lib/tta.py); no test image read.

    python outputs/tuning/tta08.py    # writes 08flip.json here and prints the paired comparison
"""
import json, statistics, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
import keras  # noqa: E402
from lib import tta, training  # noqa: E402,F401  (training: the fast BatchNorm path, as the notebooks)
from lib.data import load_dataset, split_validation  # noqa: E402

ds = load_dataset("fashion_mnist")
rows = []
for seed in (1, 2, 3, 4):
    run = ROOT / "outputs" / "seeds" / "08_fashion_mnist" / f"seed-{seed}"
    metrics = json.loads((run / "metrics.json").read_text())
    _, _, xv, yv = split_validation(ds.x_train, ds.y_train, metrics["config"]["val_fraction"], seed)
    model = keras.saving.load_model(run / "model.keras")
    alone = tta.scores(tta.predict(model, xv[..., None]), yv)
    mirrored = tta.scores(tta.predict(model, xv[..., None], flip=True), yv)
    rows.append(dict(seed=seed, logged_val_accuracy=metrics["history"]["val_accuracy"][-1],
                     alone=alone, mirrored=mirrored, images=len(yv)))
    print(seed, "logged", rows[-1]["logged_val_accuracy"], "alone", alone, "mirrored", mirrored, flush=True)
gain = [(r["mirrored"]["accuracy"] - r["alone"]["accuracy"]) * 100 for r in rows]
loss = [r["mirrored"]["loss"] - r["alone"]["loss"] for r in rows]
summary = dict(mean_gain_pt=statistics.mean(gain), std_error_pt=statistics.stdev(gain) / len(gain) ** 0.5,
               mean_loss_change=statistics.mean(loss), per_seed_images=[round(g * r["images"] / 100) for g, r in zip(gain, rows)])
(HERE / "08flip.json").write_text(json.dumps(dict(rows=rows, summary=summary), indent=1) + "\n")
print(summary)
