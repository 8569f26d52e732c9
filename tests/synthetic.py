"""Small learnable stand-ins for MNIST, written in the real file formats.

Class k is a bright 8x8 square at one of ten places, plus noise: a model learns it in an
epoch or two, so tests exercise the real loader and training code without the real data.
"""

from __future__ import annotations

import gzip
import lzma
import struct
from pathlib import Path

import numpy as np

from lib.data import IDX_NAMES


def make_arrays(n_train: int = 1200, n_test: int = 300, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    places = [(r, c) for r in (2, 10, 18) for c in (2, 10, 18)] + [(10, 10)]
    out = {}
    for part, n in (("train", n_train), ("test", n_test)):
        y = rng.integers(0, 10, n).astype(np.uint8)
        x = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
        for i, k in enumerate(y):
            r, c = places[k]
            x[i, r : r + 8, c : c + 8] = 255 if k != 9 else 128
        out[f"x_{part}"], out[f"y_{part}"] = x, y
    return out


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    np.savez_compressed(path, **arrays)
    return path


def idx_bytes(a: np.ndarray) -> bytes:
    magic = 0x0800 | a.ndim
    return struct.pack(">I", magic) + struct.pack(f">{a.ndim}I", *a.shape) + a.astype(np.uint8).tobytes()


def write_idx(folder: Path, arrays: dict[str, np.ndarray], compression: str | None = "gz") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    compress = {"gz": gzip.compress, "xz": lzma.compress, None: bytes}[compression]
    for key, name in IDX_NAMES.items():
        (folder / (f"{name}.{compression}" if compression else name)).write_bytes(
            compress(idx_bytes(arrays[key]))
        )
    return folder
