"""Data sets: MNIST (and Fashion-MNIST) from a file we can verify, never silently.

The search order is: an explicit path, the ``MNIST_PATH`` environment variable, the
local Keras cache, and only then the Keras download (for users who are online). A path
may be a ``.npz`` in Keras's layout or a folder with the four original IDX files
(gzipped, xz-compressed or neither). Every array is checked for shape, dtype and label
range, and full-size MNIST also against its array checksums (``docs/data.md`` lists them).
"""

from __future__ import annotations

import gzip
import hashlib
import lzma
import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KEYS = ("x_train", "y_train", "x_test", "y_test")
NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)
CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
}

# sha256 of array.tobytes() of the four arrays of MNIST (docs/data.md)
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
FULL_SIZES = {"x_train": 60000, "y_train": 60000, "x_test": 10000, "y_test": 10000}

IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
IDX_MAGIC = {"x_train": 2051, "x_test": 2051, "y_train": 2049, "y_test": 2049}

DATASETS = {
    # name: (environment variable, file in the Keras cache, system folders)
    "mnist": ("MNIST_PATH", "mnist.npz", ()),
    "fashion_mnist": ("FASHION_MNIST_PATH", "fashion-mnist", ("/usr/share/datasets/fashion-mnist",)),
}
ONLINE_ONLY = ("cifar10", "cifar100")


class DataError(ValueError):
    """A data file is missing or not what it should be; the message says how to fix it."""


@dataclass(frozen=True)
class Dataset:
    """Raw uint8 images (N, 28, 28) and integer labels, as the models expect them."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    verified: bool

    @property
    def class_names(self) -> list[str]:
        """What each label means, for figures: the digits, or the names of the clothes."""
        return CLASS_NAMES.get(self.name, [str(i) for i in range(NUM_CLASSES)])

    def limit(self, train_limit: int | None) -> Dataset:
        """Keep only the first ``train_limit`` training images (smoke runs)."""
        if train_limit is None:
            return self
        return Dataset(
            self.name,
            self.x_train[:train_limit],
            self.y_train[:train_limit],
            self.x_test,
            self.y_test,
            self.source,
            self.verified,
        )


def _sha256(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] != b"PK":  # not a zip: numpy would take it for a pickle and say so, confusingly
        raise DataError(
            f"{path}: not an .npz file (an .npz is a zip archive; this one starts with "
            f"{head!r}); point DATA_PATH at mnist.npz or a folder with the IDX files"
        )
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in KEYS if k not in f.files]
            if missing:
                raise DataError(
                    f"{path}: missing arrays {missing}; expected the four arrays "
                    f"{list(KEYS)} of keras.datasets.mnist's mnist.npz"
                )
            return {k: f[k] for k in KEYS}
    except DataError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise DataError(
            f"{path}: not a readable .npz file ({e}); the file is truncated or "
            "corrupt: delete it and copy or download it again"
        ) from e


def _open_idx(path: Path) -> bytes:
    try:
        opener = {".gz": gzip.open, ".xz": lzma.open}.get(path.suffix)
        if opener:
            with opener(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile, lzma.LZMAError) as e:
        raise DataError(
            f"{path}: cannot read ({e}); the file is truncated or corrupt: delete it and copy it again"
        ) from e


def read_idx(path: Path, key: str) -> np.ndarray:
    """Read one IDX file (the original MNIST format) into a uint8 array."""
    raw = _open_idx(path)
    want = IDX_MAGIC[key]
    if len(raw) < 8:
        raise DataError(f"{path}: only {len(raw)} bytes; an IDX file has at least a header")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != want:
        kind = "images" if want == 2051 else "labels"
        raise DataError(
            f"{path}: wrong IDX magic number {magic}, expected {want} for {kind}; "
            f"is this the {IDX_NAMES[key]} file?"
        )
    ndim = magic & 0xFF
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise DataError(
            f"{path}: header says shape {dims} but holds {body.size} values; "
            "the file is truncated: copy it again"
        )
    return body.reshape(dims)


def _idx_file(folder: Path, key: str) -> Path | None:
    for name in (IDX_NAMES[key], IDX_NAMES[key] + ".gz", IDX_NAMES[key] + ".xz"):
        if (folder / name).is_file():
            return folder / name
    return None


def _read_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    files = {k: _idx_file(folder, k) for k in KEYS}
    missing = [IDX_NAMES[k] for k, f in files.items() if f is None]
    if missing:
        raise DataError(
            f"{folder}: is a folder but lacks the IDX files {missing} (or .gz, .xz); "
            "expected a .npz file or a folder with the four IDX files"
        )
    return {k: read_idx(f, k) for k, f in files.items()}


def check_arrays(arrays: dict[str, np.ndarray], where: str, *, mnist: bool) -> bool:
    """Raise DataError unless the arrays are images and labels; return True if checksummed."""
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE:
            raise DataError(f"{where}: x_{part} has shape {x.shape}, expected (N, 28, 28)")
        if x.dtype != np.uint8:
            raise DataError(f"{where}: x_{part} has dtype {x.dtype}, expected uint8 pixels 0-255")
        if y.shape != (x.shape[0],):
            raise DataError(
                f"{where}: y_{part} has shape {y.shape}, expected ({x.shape[0]},) to match x_{part}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise DataError(f"{where}: y_{part} has dtype {y.dtype}, expected integer labels")
        if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
            raise DataError(
                f"{where}: y_{part} holds labels {int(y.min())}..{int(y.max())}, "
                f"expected 0..{NUM_CLASSES - 1}"
            )
    full = all(arrays[k].shape[0] == n for k, n in FULL_SIZES.items())
    if not (mnist and full):
        return False
    bad = [k for k in KEYS if _sha256(arrays[k]) != MNIST_SHA256[k]]
    if bad:
        raise DataError(
            f"{where}: checksum mismatch for {bad}: the arrays differ from MNIST's "
            "(docs/data.md lists them); the file is corrupt, copy it again"
        )
    return True


def read_path(path: str | os.PathLike, name: str = "mnist") -> Dataset:
    """Load one explicit file or folder, checked; raise DataError if it is not usable."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError(
            f"{p}: no such file; pass DATA_PATH (or set {DATASETS[name][0]}) to "
            "an mnist.npz or a folder with the four IDX files"
        )
    arrays = _read_idx_folder(p) if p.is_dir() else _read_npz(p)
    verified = check_arrays(arrays, str(p), mnist=name == "mnist")
    return _dataset(name, arrays, str(p), verified)


def _dataset(name: str, arrays: dict[str, np.ndarray], source: str, verified: bool) -> Dataset:
    """Labels become int64 only after the checksums were taken over the stored bytes."""
    arrays = {k: (v.astype(np.int64).reshape(-1) if k.startswith("y") else v) for k, v in arrays.items()}
    return Dataset(name, *(arrays[k] for k in KEYS), source=source, verified=verified)


def candidates(name: str = "mnist") -> list[Path]:
    """Where to look, in order, when no explicit path is given."""
    env, cache, system = DATASETS[name]
    found = [Path(os.environ[env])] if os.environ.get(env) else []
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return [*found, keras_home / "datasets" / cache, *map(Path, system)]


def _leftover(p: Path) -> bool:
    """A folder without any file in it: Keras creates the Fashion-MNIST cache folder before
    downloading into it, and leaves it empty when the download fails."""
    return p.is_dir() and not any(f.is_file() for f in p.iterdir())


def _download(name: str) -> Dataset:
    import keras

    loader = {
        "mnist": keras.datasets.mnist,
        "fashion_mnist": keras.datasets.fashion_mnist,
        "cifar10": keras.datasets.cifar10,
        "cifar100": keras.datasets.cifar100,
    }[name]
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    arrays = {
        "x_train": x_train,
        "y_train": y_train.reshape(-1),
        "x_test": x_test,
        "y_test": y_test.reshape(-1),
    }
    if name in ONLINE_ONLY:  # 32x32x3 colour images: the 28x28 checks do not apply
        return _dataset(name, arrays, "keras download", False)
    verified = check_arrays(arrays, f"keras download of {name}", mnist=name == "mnist")
    return _dataset(name, arrays, "keras download", verified)


def load_dataset(
    name: str = "mnist", path: str | os.PathLike | None = None, *, download: bool = True
) -> Dataset:
    """Load a data set: an explicit ``path`` must work; otherwise search, then download."""
    if name not in DATASETS and name not in ONLINE_ONLY:
        raise DataError(f"unknown data set {name!r}; expected one of {sorted([*DATASETS, *ONLINE_ONLY])}")
    if path not in (None, ""):
        return read_path(path, name)
    tried = []
    for p in candidates(name) if name in DATASETS else []:
        if _leftover(p):  # searched, not asked for: an empty folder is not a broken copy
            tried.append(f"{p} (an empty folder, such as an offline Keras download leaves)")
        elif p.exists():
            return read_path(p, name)
        else:
            tried.append(str(p))
    if download:
        try:
            return _download(name)
        except DataError:
            raise
        except Exception as e:  # no network, proxy, server down: all end the same way
            tried.append(f"keras download ({type(e).__name__}: {e})")
    env = DATASETS.get(name, ("DATA_PATH",))[0]
    package = " or install Debian's dataset-fashion-mnist," if name == "fashion_mnist" else ""
    raise DataError(
        f"no {name} data found; tried: {'; '.join(tried) or 'nothing'}. Fix: pass "
        f"DATA_PATH, set {env},{package} or go online once so Keras can download it"
    )


def split_validation(
    x: np.ndarray, y: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A seeded, stratification-free hold-out carved from the training images."""
    if not 0 < fraction < 1:
        raise ValueError(f"VAL_FRACTION={fraction!r}: expected a number between 0 and 1")
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = max(1, round(len(x) * fraction))
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]
