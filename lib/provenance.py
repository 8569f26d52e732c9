"""Where a run came from: library versions, processor and git commit, for metrics.json.

A run's numbers are a function of its seed, its code, the library versions, the processor
and the thread count; ``metrics.json`` records each, so that two runs can be compared.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from lib import ROOT


def versions() -> dict[str, str]:
    """Library versions, for metrics.json."""
    import keras

    out = {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "numpy": np.__version__,
        "backend": keras.backend.backend(),
    }
    if out["backend"] == "tensorflow":
        import tensorflow as tf

        out["tensorflow"] = tf.__version__
    else:
        backend_module = __import__({"jax": "jax", "torch": "torch"}.get(out["backend"], "numpy"))
        out[out["backend"]] = backend_module.__version__
    from lib.training import SPEEDUPS

    out["fused_batchnorm"] = str(SPEEDUPS["fused_batchnorm"])
    out["whole_map_matmul"] = str(SPEEDUPS["whole_map_matmul"])
    out["machine"] = f"{platform.machine()} {platform.system()}"
    out["processor"] = processor()
    out["cpu"] = cpu_signature()
    return out


def read_cpuinfo() -> str:
    """The text of /proc/cpuinfo; empty where there is none (not Linux)."""
    path = Path("/proc/cpuinfo")
    return path.read_text() if path.exists() else ""


def cpu_signature(cpuinfo: str | None = None) -> str:
    """Family, model, stepping and widest vector unit: what "the same processor" needs.

    A model name can be as vague as "AMD EPYC", and oneDNN picks its kernels by the
    instruction sets it finds, so two machines of one name can train to different numbers.
    """
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    field = {
        k: re.search(rf"^{k}\s*:\s*(.*)$", cpuinfo, re.M)
        for k in ("cpu family", "model", "stepping", "flags")
    }
    if not field["cpu family"]:
        return platform.machine()
    flags = set(field["flags"].group(1).split()) if field["flags"] else set()
    isa = next(
        (name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX")) if flag in flags),
        "SSE",
    )
    f, m, st = (field[k].group(1).strip() if field[k] else "?" for k in ("cpu family", "model", "stepping"))
    return f"family {f}, model {m}, stepping {st}; widest vectors: {isa}"


def processor(cpuinfo: str | None = None) -> str:
    """The CPU's model name: timings, and the last digits of some results, depend on it.

    ``cpuinfo``: the text of /proc/cpuinfo (read from there when None).
    """
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    found = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    return found.group(1).strip() if found else platform.processor() or platform.machine()


def git(*args: str, root: Path = ROOT, strip: bool = True) -> str | None:
    """``git args`` in ``root``: its output, or None where it failed or there is no git."""
    # The first status or diff after a checkout reads every notebook through the nbstripout
    # filter (about a second each); cut short, it would never finish and record nothing.
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=300, check=True
        ).stdout
        return out.strip() if strip else out
    except (OSError, subprocess.SubprocessError):
        return None


def git_commit(root: Path = ROOT) -> dict:
    """The commit the code came from, whether ``lib/`` or ``notebooks/`` had changes, and
    which paths (``Run.finish`` narrows ``dirty`` to those the run used: ``run_dirty``)."""
    args = ("status", "-z", "--porcelain", "--untracked-files=all", "--", "lib", "notebooks")
    status = git(*args, root=root, strip=False)
    # NUL-separated: two status letters, a space, the path; a rename's old path follows it
    entries, changed = iter((status or "").split("\0")), set()
    for entry in entries:
        if entry:
            changed.add(entry[3:])
            if "R" in entry[:2]:
                next(entries, None)
    return {
        "commit": git("rev-parse", "HEAD", root=root),
        "dirty": bool(changed) if status is not None else None,
        "changed": sorted(changed) if status is not None else None,
    }


def run_dirty(start_git: dict, lib_modules: list[str], notebook: str) -> bool | None:
    """Whether the code a run used differed from its commit: its notebook or a ``lib/`` module
    it imported had changes at its start. A change elsewhere (the bench, another notebook)
    leaves its numbers those of the commit. None where git could not tell."""
    changed = start_git.get("changed")
    if changed is None:
        return start_git.get("dirty")
    return bool(set(changed) & {*lib_modules, f"notebooks/{notebook}.ipynb"})


def loaded_lib_modules(root: Path = ROOT) -> list[str]:
    """The files of ``lib/`` this process has imported, as paths from ``root``.

    A run's numbers can depend only on these (and its notebook): an edit to a module it never
    imported (the bench, the report) leaves its results those of the code at hand.
    """
    lib = (root / "lib").resolve()
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (name == "lib" or name.startswith("lib.")) and file and lib in Path(file).resolve().parents:
            found.add(Path(file).resolve().relative_to(root.resolve()).as_posix())
    return sorted(found)


def code_paths(notebook: str, *runs_git: dict | None) -> list[str]:
    """What git should compare to tell whether a run's code changed: the notebook and the
    ``lib/`` modules every one of these runs recorded importing, or all of ``lib/`` where one
    did not record them (runs before the record, or no run)."""
    recorded = [(g or {}).get("lib_modules") for g in runs_git]
    modules = sorted(set().union(*recorded)) if recorded and all(m is not None for m in recorded) else ["lib"]
    return [*modules, f"notebooks/{notebook}.ipynb"]
