"""Soak: the deployed stack (deploy/stack.py: two replicas behind nginx, with --reload) under
load at about 70% of its measured capacity, for minutes, while event files are added, broken
and fixed.

    .venv/bin/python benchmarks/soak.py [--size 1000] [--minutes 10] [--every 20]

Each replica has its own copy of a synthetic dataset (two "machines" of one revision). First
``wrk`` measures the stack's capacity on a mix of API reads through nginx; then the same mix
runs at about 70% of it (``wrk`` with a per-request delay) for ``--minutes``. Meanwhile, every
``--every`` seconds, a step is applied to both copies in turn: a new valid event is added; it is
broken (an impossible date); it is fixed with a new title. After each step both replicas must
agree, within the reload target, on what a full run would say: the new revision after a good
change (and nginx then serves the new title from either), "degraded" with the last good
revision after a broken one. Printed beside their targets: the responses that were not
2xx/304 (0), the worst time for both replicas to show a change (≤ 2 s), and the replicas' memory
growth from the end of the first add, break and fix to the end (≤ 10%).

Memory is measured from there, not from before the first edit, because each process's first
reload grows it once (by about 10% at 1,000 events: 431 to 475 MB over the first step, then
flat within ±3% for the next fourteen, in the run that chose this) and a leak is what the
target is for. The growth from before the first edit is printed too, and the memory after
every step, so that a reader can see the shape of it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import run

ROOT: Final = Path(__file__).resolve().parent.parent
TARGET_VISIBLE_S: Final = 2.0  # both replicas on a change (serve.py's reload target at 10k)
TARGET_GROWTH: Final = 0.10
LOAD_SHARE: Final = 0.70
CONNECTIONS: Final = 8  # for measuring the capacity
DELAY_MS: Final = 10  # a soaking connection's pause after each answer
NEW = (
    "title: {title}\ndate: 2026-01-22\nsummary: Added by the soak.\nsources:\n"
    "  - {{title: A story, publisher: Example News, url: 'https://example.org/soak'}}\n"
)
BROKEN = "title: Broken by the soak\ndate: 2026-13-40\nsummary: Not a date.\n"


def stack_module() -> ModuleType:
    """``deploy/stack.py``, which is a script, not a module of the package."""
    sys.path.insert(0, str(ROOT / "deploy"))
    import stack

    return stack


def get_json(port: int, path: str) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def mix(folder: Path) -> list[str]:
    """API reads of several kinds, of events, tags and words the dataset has."""
    ids = sorted(p.stem for p in folder.glob("*/*.yaml"))[::97][:20]
    return [
        "/api/v1/health",
        "/api/v1/events",
        "/api/v1/events?sort=-date&limit=20",
        "/api/v1/timeline?interval=month",
        "/api/v1/tags",
        "/api/v1/events?q=camp",
        *(f"/api/v1/events/{i}" for i in ids),
    ]


def script(paths: list[str], delay_ms: float, out: Path) -> Path:
    quoted = ", ".join(json.dumps(p) for p in paths)
    out.write_text(
        f"local paths = {{{quoted}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        '  return wrk.format("GET", paths[(n % #paths) + 1])\nend\n'
        f"delay = function() return {max(0, int(delay_ms))} end\n"
    )
    return out


def wrk(port: int, lua: Path, seconds: int, connections: int = CONNECTIONS) -> dict[str, float]:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = sum(int(x) for x in sockets.groups()) if sockets else 0
    mean = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    mean_ms = float(mean[1]) * scale[mean[2]] if mean else 0.0
    return {"rps": rps, "total": total, "bad": int(bad[1]) if bad else 0, "errors": errors,
            "mean_ms": mean_ms}  # fmt: skip


def memory_mb(stack: Any) -> float:
    pids = [p for r in stack.replicas if r.process for p in run.descendants(r.process.pid)]
    return sum(run.memory_kb(pid) for pid in pids) / 1024


def processes(stack: Any) -> dict[str, float]:
    """MB per process of the replicas, named by replica, pid and command, to tell a leak in
    one worker from a process that comes and goes."""
    out = {}
    for n, replica in enumerate(stack.replicas):
        for pid in run.descendants(replica.process.pid) if replica.process else []:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    words = f.read().split(b"\0")
            except OSError:
                continue
            name = " ".join(w.decode(errors="replace").rsplit("/", 1)[-1] for w in words[:3])
            out[f"{n}:{pid} {name}"] = run.memory_kb(pid) / 1024
    return out


class Steps:
    """Add, break and fix one event in both copies; time until both replicas show it."""

    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.number = 0
        self.times: list[float] = []
        self.memory: list[float] = []  # MB of the replicas after each step
        self.wrong: list[str] = []

    def health(self) -> list[dict[str, Any]]:
        return [get_json(r.port, "/api/v1/health") for r in self.stack.replicas]

    def apply(self, kind: str, before: str) -> None:
        event_id = f"2026-01-22-soak-{self.number // 3}"
        title = f"Soak event {self.number // 3}, take {self.number % 3}"
        text = BROKEN if kind == "break" else NEW.format(title=title)
        for replica in self.stack.replicas:
            path = replica.events / "2026" / f"{event_id}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        while True:
            said = self.health()
            revisions = {h["revision"] for h in said}
            statuses = {h["status"] for h in said}
            if kind == "break" and statuses == {"degraded"}:
                if revisions != {before}:
                    self.wrong.append(f"step {self.number}: broken, but revisions {revisions}")
                break
            new = len(revisions) == 1 and before not in revisions
            if kind != "break" and statuses == {"ok"} and new:
                self.check_served(event_id, title)
                break
            if time.monotonic() - started > 60:
                self.wrong.append(f"step {self.number} ({kind}): replicas said {said}")
                break
            time.sleep(0.02)
        self.times.append(time.monotonic() - started)
        self.memory.append(memory_mb(self.stack))
        self.number += 1

    def check_served(self, event_id: str, title: str) -> None:
        """Through nginx, every answer (from either replica) has the new title."""
        for _ in range(2 * len(self.stack.replicas)):
            got = get_json(self.stack.port, f"/api/v1/events/{event_id}").get("title")
            if got != title:
                self.wrong.append(f"step {self.number}: nginx served {got!r}, not {title!r}")

    def revision(self) -> str:
        return str(self.health()[0]["revision"])


def soak(args: argparse.Namespace) -> bool:
    source = run.dataset(args.size, 1, None)
    scratch = Path(tempfile.mkdtemp(prefix="dateline-soak-"))
    try:
        folders = []
        for name in ("a", "b"):
            target = scratch / name / "events"
            shutil.copytree(source, target)
            folders.append(target)
        module = stack_module()
        stack = module.Stack(folders, run=scratch / "run", port=args.port, reload=True,
                             ports=[args.port + 1, args.port + 2])  # fmt: skip
        print(f"starting two replicas of {args.size:,} events behind nginx ...", flush=True)
        with module.running(stack):
            paths = mix(folders[0])
            full = wrk(stack.port, script(paths, 0, scratch / "full.lua"), 10)
            # Each connection waits DELAY_MS after each answer; enough of them make the rate.
            cycle_ms = DELAY_MS + full["mean_ms"]
            connections = max(2, round(LOAD_SHARE * full["rps"] * cycle_ms / 1000))
            delay = DELAY_MS
            lua = script(paths, delay, scratch / "soak.lua")
            print(
                f"capacity: {full['rps']:.0f} req/s; soaking at ~{LOAD_SHARE:.0%} ({connections} "
                f"connections, {delay} ms between a connection's requests) for {args.minutes} min",
                flush=True,
            )
            result: dict[str, float] = {}
            loader = threading.Thread(
                target=lambda: result.update(
                    wrk(stack.port, lua, int(args.minutes * 60), connections)
                )
            )
            loader.start()
            steps = Steps(stack)
            time.sleep(min(60, args.minutes * 30))  # the first minute: memory settles
            first_mb = memory_mb(stack)
            first = processes(stack)
            kinds = ["add", "break", "fix"]
            while loader.is_alive():
                steps.apply(kinds[steps.number % 3], steps.revision())
                time.sleep(args.every)
            loader.join()
            last_mb = memory_mb(stack)
            last = processes(stack)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    cycle = steps.memory[2] if len(steps.memory) >= 3 else first_mb  # after add, break, fix
    growth = last_mb / cycle - 1 if cycle else 0.0
    overall = last_mb / first_mb - 1 if first_mb else 0.0
    worst = max(steps.times) if steps.times else float("nan")
    share = result["rps"] / full["rps"]
    checks = [
        (result["bad"] + result["errors"] == 0,
         f"responses not 2xx/304, and socket errors: {result['bad']:.0f} + {result['errors']:.0f} "
         f"of {result['total']:.0f} ({result['rps']:.0f} req/s, {share:.0%} of the capacity "
         f"of {full['rps']:.0f} req/s measured first)  target 0"),
        (not steps.wrong and worst <= TARGET_VISIBLE_S,
         f"{steps.number} steps (add, break, fix) on both replicas: visible on both in median "
         f"{statistics.median(steps.times):.2f} s, worst {worst:.2f} s; "
         f"{len(steps.wrong)} wrong  target <= {TARGET_VISIBLE_S:.0f} s, none wrong"),
        (growth <= TARGET_GROWTH,
         f"replicas' memory: {cycle:.0f} MB after the first add, break and fix, {last_mb:.0f} MB "
         f"at the end ({growth:+.1%}; {overall:+.1%} from {first_mb:.0f} MB before the first "
         f"edit)  target <= +{TARGET_GROWTH:.0%} from the first add, break and fix"),
    ]  # fmt: skip
    for line in steps.wrong:
        print(f"  wrong: {line}")
    print("  replicas' MB after each step: " + " ".join(f"{mb:.0f}" for mb in steps.memory))
    for name in sorted(first.keys() | last.keys()):
        print(f"  {name}: {first.get(name, 0):.0f} -> {last.get(name, 0):.0f} MB")
    for ok, line in checks:
        print(f"  {line}: {'PASS' if ok else 'FAIL'}")
    return all(ok for ok, _ in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="events (default 1000)")
    parser.add_argument("--minutes", type=float, default=10, help="how long (default 10)")
    parser.add_argument("--every", type=float, default=20, help="seconds between steps")
    parser.add_argument("--port", type=int, default=18080, help="nginx's; replicas the next two")
    args = parser.parse_args(argv)
    print(f"machine: {run.machine()}; load average {run.load_average()}", flush=True)
    return 0 if soak(args) else 1


if __name__ == "__main__":
    sys.exit(main())
