import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tools.runner import share_cores  # noqa: E402

# Under pytest-xdist (`make test` runs two workers) each worker and the kernels it starts get
# their share of the cores, as run-all's jobs do: tiny trainings gain little from a second
# thread, and two workers each using every core only slowed each other down.
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    share_cores(int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))

import synthetic  # noqa: E402


@pytest.fixture(scope="session")
def arrays():
    return synthetic.make_arrays()


@pytest.fixture(scope="session")
def synthetic_npz(tmp_path_factory, arrays) -> Path:
    return synthetic.write_npz(tmp_path_factory.mktemp("data") / "mnist.npz", arrays)


@pytest.fixture(scope="session")
def real_mnist() -> Path:
    """The real MNIST file: $MNIST_PATH or ../shared/data/mnist.npz; skipped with a reason if absent."""
    for p in (os.environ.get("MNIST_PATH"), ROOT.parent / "shared" / "data" / "mnist.npz"):
        if p and Path(p).is_file():
            return Path(p)
    pytest.skip(
        "real MNIST not found (set MNIST_PATH or put it at ../shared/data/mnist.npz); "
        "the synthetic-data tests still ran"
    )


@pytest.fixture(scope="session")
def real_fashion_mnist():
    """Fashion-MNIST from Debian's package (or $FASHION_MNIST_PATH); skipped with a reason if absent."""
    from lib.data import load_dataset

    path = os.environ.get("FASHION_MNIST_PATH") or "/usr/share/datasets/fashion-mnist"
    if not Path(path).exists():
        pytest.skip(
            f"Fashion-MNIST not found at {path}: install Debian's dataset-fashion-mnist "
            "(.ci/run does) or set FASHION_MNIST_PATH; only this data set's test is skipped"
        )
    return load_dataset("fashion_mnist", path)


@pytest.fixture
def shared_cores(monkeypatch):
    """Undo what ``--jobs N`` sets in this process's environment (the thread counts)."""
    for var in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS", "TF_NUM_INTEROP_THREADS"):
        monkeypatch.setenv(var, "")
        monkeypatch.delenv(var)
