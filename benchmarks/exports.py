"""Every whole-dataset format, made by ``dateline export`` and served by the API, side by side.

    .venv/bin/python benchmarks/exports.py [--sizes 1000,10000]

For each size the dataset comes from ``generate.py`` (shared with ``run.py``, cached under
``benchmarks/out/``) and its Store is compiled once before anything is timed, as a reader's
second export finds it:

* **``dateline export FORMAT --out FILE``**, each format in a fresh process, one after the
  other: seconds, bytes written, and the process's peak memory (the kernel's high-water
  mark). The baseline, measured in the same run, is ``export json``: the events as
  ``/api/v1/events`` lists them, the Store's stored bytes joined with no work a record, so
  each format's time over it is what its own serialising costs;
* **the API** (``dateline serve --no-site``, one server): the first request of
  ``/api/v1/events.<fmt>`` for each list format (made then, not from the response cache),
  then the same request again: from the cache of the revision's responses if it is at most
  1 MB (``responsecache.MAX_ENTRY``), made again if larger. A whole-list
  format serves at most 10,000 events (more is refused with a 400 that says to page or to
  use ``.ndjson``), so past that size only ``.ndjson``, streamed with no cap, is asked for.

Targets: ``/events.ics`` at 10,000 events in <= 1 s (issue 12); the other figures have none,
and are printed beside the baseline so that a format that grows out of line shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import run  # the datasets, the machine's description, the load average
import serve  # the server, started as users start it

DATELINE: Final = run.DATELINE
CLI_FORMATS: Final = ("json", "ndjson", "csv", "geojson", "ics", "atom", "sqlite", "datasette")
API_FORMATS: Final = ("csv", "geojson", "ics", "atom", "ndjson")
MAX_WHOLE_LIST: Final = 10_000  # dateline.web.feeds.MAX_EVENTS
STREAMED: Final = ("ndjson",)  # served at any size
TARGET_ICS_SIZE: Final = 10_000
TARGET_ICS_SECONDS: Final = 1.0


@dataclass
class Export:
    fmt: str
    seconds: float
    megabytes: float
    peak_mb: float


@dataclass
class Served:
    fmt: str
    first: float
    again: float
    megabytes: float


@dataclass
class Result:
    size: int
    exports: list[Export] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)

    def baseline(self) -> Export:
        return next(e for e in self.exports if e.fmt == "json")


def export(events: Path, fmt: str, scratch: Path) -> Export:
    """``dateline export fmt --out FILE`` in a fresh process, measured."""
    out = scratch / f"events.{fmt}"
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(DATELINE), "export", fmt, "--events", str(events), "--out", str(out)],
        cwd=run.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"dateline export {fmt} failed:\n{errors}")
    written = sum(p.stat().st_size for p in scratch.glob(f"events.{fmt}*"))
    for made in scratch.glob(f"events.{fmt}*"):
        made.unlink()
    return Export(fmt, seconds, written / 1e6, usage.ru_maxrss / 1024)


def timed_fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    body = serve.fetch(url, timeout=300)
    return time.perf_counter() - started, len(body)


def bench(size: int, seed: int) -> Result:
    events = run.dataset(size, seed, None)
    result = Result(size)
    print(f"\n== {size:,} events: {events.relative_to(run.ROOT)}", flush=True)
    # Compile the Store (or find it cached) before anything is timed: an export does it.
    warm = [str(DATELINE), "export", "json", "--events", str(events)]
    subprocess.run(warm, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="dateline-exports-") as scratch:
        for fmt in CLI_FORMATS:
            made = export(events, fmt, Path(scratch))
            result.exports.append(made)
            print(
                f"  export {fmt:<10} {made.seconds:7.2f} s {made.megabytes:8.1f} MB "
                f"peak {made.peak_mb:6.0f} MB",
                flush=True,
            )
    wanted = API_FORMATS if size <= MAX_WHOLE_LIST else STREAMED
    with serve.serving(events) as server:
        server.wait_ready(timeout=300)
        for fmt in wanted:
            url = f"{server.base}/api/v1/events.{fmt}"
            first, length = timed_fetch(url)
            again, _ = timed_fetch(url)
            result.served.append(Served(fmt, first, again, length / 1e6))
            print(
                f"  GET /events.{fmt:<8} {first:7.2f} s, again {again:6.3f} s "
                f"{length / 1e6:8.1f} MB",
                flush=True,
            )
    return result


def report(results: list[Result]) -> bool:
    print()
    print("dateline export FORMAT --out FILE, a fresh process each; baseline: export json")
    print(f"{'events':>8}  {'format':<10} {'seconds':>8} {'÷ json':>7} {'MB':>8} {'peak MB':>8}")
    for r in results:
        base = r.baseline()
        for e in r.exports:
            ratio = e.seconds / base.seconds
            print(
                f"{r.size:>8,}  {e.fmt:<10} {e.seconds:>8.2f} {ratio:>6.1f}x "
                f"{e.megabytes:>8.1f} {e.peak_mb:>8.0f}"
            )
    print()
    print("the API, GET /api/v1/events.<fmt>: the first request, then again (cached up to 1 MB)")
    print(f"{'events':>8}  {'format':<10} {'first s':>8} {'again s':>8} {'MB':>8}")
    for r in results:
        for s in r.served:
            print(f"{r.size:>8,}  {s.fmt:<10} {s.first:>8.2f} {s.again:>8.3f} {s.megabytes:>8.1f}")
    print()
    ok = True
    ics = [s for r in results if r.size == TARGET_ICS_SIZE for s in r.served if s.fmt == "ics"]
    if not ics:
        print(
            f"target: /events.ics at {TARGET_ICS_SIZE:,} events <= {TARGET_ICS_SECONDS:.0f} s: "
            f"not measured (run with {TARGET_ICS_SIZE} in --sizes)"
        )
    for s in ics:
        passed = s.first <= TARGET_ICS_SECONDS
        ok = ok and passed
        print(
            f"target: /events.ics at {TARGET_ICS_SIZE:,} events <= {TARGET_ICS_SECONDS:.0f} s, "
            f"the first request: {s.first:.2f} s  {'PASS' if passed else 'FAIL'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated event counts")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    args = parser.parse_args(argv)
    print(run.machine(), flush=True)
    print(f"load average before: {run.load_average()}", flush=True)
    results = [bench(int(s), args.seed) for s in args.sizes.split(",") if s.strip()]
    ok = report(results)
    print(f"load average after: {run.load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
