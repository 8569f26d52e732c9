"""Run by test_training.py in a subprocess: a small training it can kill and restart."""

import json
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import helpers  # noqa: E402
import synthetic  # noqa: E402

from lib.training import train  # noqa: E402

state_dir, result_file, epochs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
# BatchNorm, dropout, rotations and the deskewing computed once ahead: all must resume exactly
model = helpers.model("05_under_8k")
_, result = train(
    model,
    helpers.split(synthetic.make_arrays(3000, 200)),
    epochs=epochs,
    batch_size=32,
    seed=0,
    lr=0.05,
    schedule="onecycle",
    momentum=[0.95, 0.85],  # a cycled momentum (06's): it depends on the step count, resumed too
    checkpoint=True,
    state_dir=state_dir,
    verbose=0,
)
result_file.write_text(
    json.dumps(
        {"history": result.history, "resumed_from": result.resumed_from, "saved_epoch": result.saved_epoch}
    )
)
