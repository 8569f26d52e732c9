"""Which runs repeated the numbers of the run before them: every version of each committed
run's ``metrics.json`` in git history against the version before it, for each notebook's own
run (``outputs/<notebook>/``) and for ``make seeds``' runs of seeds 1 and up
(``outputs/seeds/<notebook>/seed-<k>/``; seed 0 there is the notebook's run, copied or run
again).

The README's determinism claim rests on these comparisons, so they are computed, not kept by
hand: a run that repeated its predecessor with the same recipe but on another processor,
another thread count or after a change of code shows what does and does not move the numbers.
Time and provenance (seconds, library versions, the commit, the data file's path) are not
numbers of a run and are left out of the comparison.

    python -m tools.reproduction            # the table, from git history and outputs/
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lib import ROOT
from lib.provenance import code_paths, git

# Keys that describe how long a run took or where it ran, not what it computed.
NOT_NUMBERS = {
    "seconds_per_epoch",
    "epoch_seconds",
    "wall_seconds",
    "resumed_from_epoch",
    "versions",
    "git",
    "data",
    "model_file",
    "config",  # the recipe: compared on its own (recipe())
}
# Settings that may differ between two runs of one recipe (they are reported beside the verdict).
NOT_RECIPE = {"threads"}
# Settings that describe the model rather than its training: the parameter count and the code
# (the notebook, whose model cell builds it) stand for them.
MODEL_KEYS = {"model", "augment", "ablation"}
# What training takes where a recipe leaves a setting out.
DEFAULTS = {"momentum": 0.9, "weight_decay": 0.0}
NOT_RECORDED = "not recorded"  # a processor or thread count that an early run did not record


@dataclass
class Comparison:
    """One run against the previous committed run of the same notebook and seed."""

    notebook: str
    commit: str  # the code commit of the newer run ("?" where its metrics.json has none)
    cpu: str
    previous_cpu: str
    threads: object
    previous_threads: object
    same_recipe: bool
    differences: list[tuple[str, object, object]] = field(default_factory=list)
    code_changes: list[str] | None = None  # the runs' code (code_paths), between their commits
    seed: int | None = None  # make seeds' run of this seed; None: the notebook's own run

    @property
    def other_processor(self) -> bool:
        """Whether both runs recorded their processor and the two differ (a signature, family,
        model and stepping, counts only where both runs recorded one)."""
        if NOT_RECORDED in (self.cpu, self.previous_cpu):
            return False
        (name, signature), (old_name, old_signature) = (_split(self.cpu), _split(self.previous_cpu))
        return name != old_name or bool(signature and old_signature and signature != old_signature)

    @property
    def verdict(self) -> str:
        """``identical``, ``losses`` (every other number bit for bit) or ``different``."""
        if not self.differences:
            return "identical"
        if all("loss" in path.rsplit(".", 1)[-1] for path, _, _ in self.differences):
            return "losses"
        return "different"

    @property
    def loss_digits(self) -> int:
        """The first significant digit in which the losses differ (only for ``losses``)."""
        worst = max(abs(a - b) / max(abs(a), abs(b)) for _, a, b in self.differences)
        return max(1, math.floor(-math.log10(worst)) + 1)


def differences(old: object, new: object, path: str = "") -> list[tuple[str, object, object]]:
    """Every leaf where two metrics.json differ, time and provenance left out, and keys that
    only one of them has (the file gained a field) skipped."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) & set(new)):
            if key not in NOT_NUMBERS:
                found += differences(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if old != new:
        # a leaf inside a list of floats reports the list's key, so a loss curve reads as a loss
        return [(path.split("[", 1)[0] if path.endswith("]") else path, old, new)]
    return []


def recipe(metrics: dict) -> dict:
    """What a run was asked to compute: its training settings and parameter count."""
    settings = {k: v for k, v in (metrics.get("config") or {}).items() if k not in NOT_RECIPE | MODEL_KEYS}
    return {"config": {**DEFAULTS, **settings}, "params": metrics.get("params")}


def _split(cpu_text: str) -> tuple[str, str]:
    name, _, signature = cpu_text.partition(" (")
    return name, signature.rstrip(")")


def cpu(metrics: dict) -> str:
    """The processor's name and, where recorded, its family, model and stepping."""
    v = metrics.get("versions") or {}
    name, signature = v.get("processor"), (v.get("cpu") or "").split(";")[0]
    if not name:
        return NOT_RECORDED
    return f"{name} ({signature})" if signature else name


def versions(path: str, root: Path = ROOT) -> list[dict]:
    """Every committed version of ``path`` (oldest first), then the work tree's if it is newer."""
    log = git("log", "--reverse", "--format=%H", "--", path, root=root)
    found = []
    for commit in (log or "").split():
        text = git("show", f"{commit}:{path}", root=root)
        if text:
            found.append(json.loads(text))
    current = root / path
    if current.exists():
        metrics = json.loads(current.read_text())
        if not found or metrics != found[-1]:
            found.append(metrics)
    return found


def same_run(a: dict, b: dict) -> bool:
    """Two versions of one run (a file rewritten, say for a schema change): its timings match."""
    return a.get("epoch_seconds") is not None and a.get("epoch_seconds") == b.get("epoch_seconds")


def run_path(notebook: str, seed: int | None = None) -> str:
    """Where a run's metrics.json lives: the notebook's own run, or make seeds' run of ``seed``."""
    return (
        f"outputs/{notebook}/metrics.json"
        if seed is None
        else f"outputs/seeds/{notebook}/seed-{seed}/metrics.json"
    )


def compare_history(notebook: str, root: Path = ROOT, seed: int | None = None) -> list[Comparison]:
    """Each run of ``notebook`` (with ``seed``, as make seeds ran it) against the committed run before it."""
    runs = versions(run_path(notebook, seed), root)
    found = []
    for old, new in zip(runs[:-1], runs[1:], strict=True):
        if same_run(old, new):
            continue
        old_commit = (old.get("git") or {}).get("commit")
        new_commit = (new.get("git") or {}).get("commit")
        changes = None
        if old_commit and new_commit:
            paths = code_paths(notebook, old.get("git"), new.get("git"))
            names = git("diff", "--name-only", old_commit, new_commit, "--", *paths, root=root)
            changes = names.split() if names is not None else None
        found.append(
            Comparison(
                notebook=notebook,
                commit=(new_commit or "?")[:7] + ("+" if (new.get("git") or {}).get("dirty") else ""),
                cpu=cpu(new),
                previous_cpu=cpu(old),
                threads=(new.get("config") or {}).get("threads", NOT_RECORDED),
                previous_threads=(old.get("config") or {}).get("threads", NOT_RECORDED),
                same_recipe=recipe(old) == recipe(new),
                differences=differences(old, new),
                code_changes=changes,
                seed=seed,
            )
        )
    return found


def notebooks(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in (root / "outputs").glob("*/metrics.json"))


def seed_runs(root: Path = ROOT) -> list[tuple[str, int]]:
    """make seeds' runs of seeds 1 and up, as (notebook, seed); its seed 0 is the notebook's run."""
    found = []
    for p in (root / "outputs" / "seeds").glob("*/seed-*/metrics.json"):
        seed = p.parent.name.removeprefix("seed-")
        if seed.isdigit() and int(seed) > 0:
            found.append((p.parent.parent.name, int(seed)))
    return sorted(found)


def history_available(root: Path = ROOT) -> bool:
    """Whether git holds the full history (a shallow clone or an unpacked archive does not)."""
    return git("rev-parse", "--is-shallow-repository", root=root) == "false"


def _note(c: Comparison) -> str:
    if c.verdict == "losses":
        return f"losses from digit {c.loss_digits}"
    if c.verdict == "different":
        return "recipe changed" if not c.same_recipe else _changes(c)
    return ""


def _cell(comparisons: list[Comparison]) -> str:
    """``05``, ``05 seeds 1, 2, 4 (changed: models.py)``: a notebook's own run and its seeds' runs,
    those with the same note together."""
    groups: dict[tuple[str, bool, str], list[int | None]] = {}
    for c in comparisons:
        groups.setdefault((c.notebook.split("_", 1)[0], c.seed is None, _note(c)), []).append(c.seed)
    parts = []
    for (name, own, note), seeds in groups.items():
        if not own:
            name += f" seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, sorted(seeds)))}"
        parts.append(f"{name} ({note})" if note else name)
    return ", ".join(parts) or "–"


def _changes(c: Comparison, most: int = 3) -> str:
    if c.code_changes is None:
        return "code not known"
    if not c.code_changes:
        return "same code"
    names = [Path(p).name for p in c.code_changes]
    more = f", {len(names) - most} more" if len(names) > most else ""
    return f"changed: {', '.join(names[:most])}{more}"


def table(comparisons: list[Comparison]) -> str:
    """One row per run (its code commit), notebooks sorted by how their numbers compare."""
    runs: dict[str, list[Comparison]] = {}
    for c in comparisons:
        runs.setdefault(c.commit, []).append(c)
    lines = [
        "| run of commit | processor | threads | every number bit for bit "
        "| accuracies and curves bit for bit, losses not | different |",
        "|---|---|---|---|---|---|",
    ]
    for commit, group in runs.items():  # in the order of their first comparison
        cells = [
            _cell([c for c in group if c.verdict == kind]) for kind in ("identical", "losses", "different")
        ]
        cpus = sorted({c.cpu for c in group})
        threads = sorted(
            {
                f"{c.previous_threads} → {c.threads}" if c.previous_threads != c.threads else str(c.threads)
                for c in group
            }
        )
        lines.append(f"| {commit} | {'; '.join(cpus)} | {', '.join(threads)} | {' | '.join(cells)} |")
    return "\n".join(lines)


def summary(comparisons: list[Comparison]) -> str:
    """One sentence over all runs whose recipe was the same as their predecessor's."""
    same = [c for c in comparisons if c.same_recipe]
    if not same:
        return "No notebook has been run twice with the same recipe yet."
    kinds = {k: [c for c in same if c.verdict == k] for k in ("identical", "losses", "different")}
    own = sum(c.seed is None for c in same)
    moved = sum(c.other_processor for c in kinds["identical"])
    text = (
        f"Of {len(same)} runs with the same recipe as the previous committed run of their notebook "
        f"and seed ({own} a notebook's own run, {len(same) - own} make seeds' runs of seeds 1 and up), "
        f"{len(kinds['identical'])} repeated every number bit for bit ({moved} of them on another "
        f"processor than the run before)"
    )
    if kinds["losses"]:
        digit = min(c.loss_digits for c in kinds["losses"])
        other = sum(c.other_processor for c in kinds["losses"])
        text += (
            f", {len(kinds['losses'])} every accuracy and per-epoch curve bit for bit with losses "
            f"differing from their {digit}th significant digit on ({other} of them on another processor)"
        )
    if kinds["different"]:
        n, code = len(kinds["different"]), sum(bool(c.code_changes) for c in kinds["different"])
        after = "each" if code == n else f"{code} of them"
        text += f", and {n} came out different ({after} after a change to `lib/` or the notebook)"
    return text + "."


def compare_all(root: Path = ROOT) -> list[Comparison]:
    """Every notebook's runs and make seeds' runs, in the order their newer run was committed."""
    found = [c for name in notebooks(root) for c in compare_history(name, root)]
    found += [c for name, seed in seed_runs(root) for c in compare_history(name, root, seed)]
    order = git("log", "--reverse", "--format=%H", root=root) or ""
    position = {h[:7]: i for i, h in enumerate(order.split())}
    return sorted(found, key=lambda c: position.get(c.commit[:7], len(position)))


def main(argv: list[str] | None = None) -> int:
    if not history_available():
        print("needs a git clone with its full history (git fetch --unshallow)", file=sys.stderr)
        return 1
    comparisons = compare_all()
    print(table(comparisons))
    print()
    print(summary(comparisons))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
