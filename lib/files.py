"""Files written so that a reader (or a resumed run) never sees half of one."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_json(path: str | os.PathLike, obj, indent: int | None = 1) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=indent) + "\n")
    os.replace(tmp, path)
