"""Time ``dateline check --changed`` after one edited event, against a full cold check.

    .venv/bin/python benchmarks/changed.py [--sizes 10000] [--with-100k] [--repeat 3]

For each size, the synthetic dataset (``run.py``'s cache, from ``generate.py``) is copied into
a new git repository and committed on ``main``; then one event's title is edited in the work
tree, as a contributor's pull request would. Two commands are timed side by side, interleaved,
best of ``--repeat``, in fresh processes:

* **changed** — ``dateline check --changed --format json`` (against ``main``);
* **full** — ``dateline check --format json``, which reads every file.

Both run as an installed command runs, with Python's compiled modules cached: a setting of
``PYTHONDONTWRITEBYTECODE`` (this sandbox sets it) would compile every module on every run,
80 ms that neither command spends on a contributor's machine. Both keep what reading
actors.yaml and places.yaml found (:mod:`dateline.memo`) in a user cache folder of the
benchmark's own, as on a contributor's machine after their first check; a third command,
**changed, nothing kept** (the memo emptied before each run, as on a fresh CI machine), is
printed beside them.

Targets (the contributor issue): one changed file answered in at most 2 s at 100,000 events,
and in at most 10% of the full check measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run

DATELINE = str(Path(sys.executable).parent / "dateline")


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=b@example.org", "-c", "user.name=Bench", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def repository(size: int) -> Path:
    """A git repository holding the dataset of ``size`` events, with one event edited."""
    source = run.dataset(size, seed=1, entities=None)
    folder = Path(tempfile.mkdtemp(prefix=f"dateline-changed-{size}-"))
    shutil.copytree(source, folder / "events")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "the dataset")
    edited = sorted((folder / "events").glob("*/*.yaml"))[size // 2]
    lines = edited.read_text(encoding="utf-8").split("\n")
    lines = [f"{line} (edited)" if line.startswith("title: ") else line for line in lines]
    edited.write_text("\n".join(lines), encoding="utf-8")
    return folder


# Without PYTHONDONTWRITEBYTECODE (see the docstring); main() gives it a user cache folder.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(folder: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [DATELINE, "check", *args, "--format", "json"],
        cwd=folder,
        capture_output=True,
        env=ENVIRONMENT,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr.decode())
    return time.perf_counter() - started


def measure(size: int, repeat: int, memo: Path) -> bool:
    """Time both commands at ``size`` events and print the figures; whether the targets hold.
    ``memo`` is the user cache folder the commands are given."""
    folder = repository(size)
    try:
        changed: list[float] = []
        full: list[float] = []
        unkept: list[float] = []
        timed(folder)  # warm the page cache, and compile the modules once
        for _ in range(repeat):
            changed.append(timed(folder, "--changed"))
            full.append(timed(folder))
            shutil.rmtree(memo / "dateline", ignore_errors=True)
            unkept.append(timed(folder, "--changed"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    best_changed, best_full = min(changed), min(full)
    ratio = best_changed / best_full
    print(
        f"{size:,} events: --changed {best_changed:.2f} s, full check {best_full:.2f} s; "
        f"--changed with nothing kept {min(unkept):.2f} s ({min(unkept) / best_full:.1%})"
    )
    print(f"  --changed / full: {ratio:.1%} (target <= 10%)  {'PASS' if ratio <= 0.1 else 'FAIL'}")
    held = ratio <= 0.1
    if size >= 100_000:
        verdict = "PASS" if best_changed <= 2 else "FAIL"
        print(f"  --changed at {size:,}: {best_changed:.2f} s (target <= 2 s)  {verdict}")
        held &= best_changed <= 2
    return held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--with-100k", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    sizes = [int(s) for s in options.sizes.split(",")] + ([100_000] if options.with_100k else [])
    failed = False
    with tempfile.TemporaryDirectory(prefix="dateline-changed-memo-") as memo:
        ENVIRONMENT["XDG_CACHE_HOME"] = memo
        for size in sizes:
            failed |= not measure(size, options.repeat, Path(memo))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
