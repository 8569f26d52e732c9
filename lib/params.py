"""Notebook parameters checked before any training, each error naming its culprit."""

from __future__ import annotations

import numbers
import os
import tempfile
from pathlib import Path


class ParameterError(ValueError):
    """A notebook parameter is invalid; the message names it, its value and the fix."""


def positive_int(name: str, value, *, upper: int | None = None, what: str = "") -> int:
    """``value`` as an int in 1..upper, or a ParameterError that says why not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name}={value!r}: expected a positive integer")
    if value <= 0:
        raise ParameterError(f"{name}={value!r}: expected a positive integer (at least 1)")
    if upper is not None and value > upper:
        raise ParameterError(f"{name}={value!r}: larger than {what} ({upper}); use at most {upper}")
    return int(value)


def optional_limit(name: str, value, upper: int) -> int | None:
    """None (no limit) or a positive integer no larger than ``upper``."""
    if value is None:
        return None
    return positive_int(name, value, upper=upper, what="the training images available")


def writable_dir(name: str, value) -> Path:
    """A folder we can create and write into; checked before hours of training."""
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise ParameterError(f"{name}={value!r}: expected a folder path")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise ParameterError(f"{name}={str(path)!r}: exists and is not a folder; choose another path")
    parent = next((p for p in [path, *path.parents] if p.exists()), None)
    try:  # os.access says yes to root even on read-only mounts and /proc: really try
        if parent is None or not parent.is_dir():
            raise NotADirectoryError(f"{parent} is not a folder")
        tempfile.TemporaryDirectory(dir=parent).cleanup()
    except OSError as e:
        raise ParameterError(
            f"{name}={str(path)!r}: cannot be written ({e}); choose a folder you can write to"
        ) from None
    return path
