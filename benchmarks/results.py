"""Every benchmark, one after the other, and their figures in ``benchmarks/RESULTS.md``.

    .venv/bin/python benchmarks/run.py --all [--sizes 1k,10k,100k] [--soak]

Runs each benchmark script of this folder at the sizes given (default 1k and 10k: 100k takes
hours on two cores), in its own process, one at a time so that none skews another's timings,
showing its output as it goes. Then writes ``RESULTS.md``: the machine (processor, cores,
memory, kernel, Python, load), the commit measured, and for each benchmark its command, its
outcome (every target measured met, or which not; and what was not measured), its time, and
its figures — each printed by the benchmark beside its target and the baseline it measured
in the same run — followed by its whole output. With ``--soak``, the soak (``soak.py``: the
deployed stack under load for ten minutes while files are added, broken and fixed) runs
last. The README's figures are taken from that file.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parent
RESULTS: Final = HERE / "RESULTS.md"
PYTHON: Final = ROOT / ".venv" / "bin" / "python"


def sizes(text: str) -> list[int]:
    """``1k,10k,100k`` (or ``1000,10000``) as event counts."""
    counts = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            counts.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return counts


@dataclass(frozen=True)
class Benchmark:
    script: str
    what: str
    list_style: bool = False  # --sizes A B C rather than --sizes A,B,C
    sized: bool = True  # False: it runs at its own size

    def command(self, counts: list[int]) -> list[str]:
        given = [str(c) for c in counts] if self.list_style else [",".join(map(str, counts))]
        return [str(PYTHON), str(HERE / self.script), *(["--sizes", *given] if self.sized else [])]


BENCHMARKS: Final = [
    Benchmark("run.py", "cold `dateline check` vs a bare YAML parse; peak memory"),
    Benchmark("changed.py", "`check --changed` after one edit vs a full check"),
    Benchmark("reload.py", "a one-file reload vs a cold compile; until visible via serve"),
    Benchmark("serve.py", "the API under wrk vs a bare Litestar app; the query mix"),
    Benchmark("exports.py", "every export format, by `dateline export` and by the API"),
    Benchmark("queries.py", "the Store's queries vs a first page by date", list_style=True),
    Benchmark(
        "build.py", "`dateline build`: pages/s, page size, time, peak memory; vs Hugo's build"
    ),
    Benchmark("site.py", "the site in Chromium: weight, elements, filters, layout shift"),
    Benchmark("timeline.py", "the time axis and the map in Chromium: bytes and frame times"),
]
SOAK: Final = Benchmark(
    "soak.py", "two replicas behind nginx, 10 min at ~70% load, files edited", sized=False
)


@dataclass
class Outcome:
    benchmark: Benchmark
    command: list[str]
    code: int
    seconds: float
    output: str

    def figures(self) -> list[str]:
        """The lines that give a figure beside its target or say PASS or FAIL, and the rows
        of each table whose header has a target column."""
        keep = ("target", "PASS", "FAIL", "skipped")
        found: list[str] = []
        table = False
        for line in self.output.splitlines():
            if not line.strip():
                table = False
            elif table or any(k in line for k in keep):
                found.append(line.rstrip())
                table = table or ("target" in line and not any(k in line for k in keep[1:]))
        return found

    def met(self) -> bool:
        """Whether it ended well and marked no figure FAIL."""
        return self.code == 0 and not any(_failed(line) for line in self.figures())

    def verdict(self) -> str:
        figures = self.figures()
        failed = [line for line in figures if _failed(line)]
        unmeasured = [line for line in figures if "not measured" in line or "skipped" in line]
        outcome = (
            "every target measured is met"
            if self.met()
            else f"exit status {self.code}; {len(failed)} figure(s) marked FAIL"
        )
        if unmeasured:
            outcome += f"; {len(unmeasured)} not measured here (see its figures)"
        return outcome


def _failed(line: str) -> bool:
    """Whether a figure's line says its target was not met (``FAIL``, or site.py's table's
    ``NOT MET``)."""
    return "FAIL" in line or "NOT MET" in line


def run(benchmark: Benchmark, counts: list[int]) -> Outcome:
    command = benchmark.command(counts)
    print(f"\n### {shown(command)}", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    return Outcome(
        benchmark, command, process.returncode, time.monotonic() - started, "".join(lines)
    )


def machine() -> list[str]:
    model = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        gib = f"{int(memory) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        gib = "unknown memory"
    return [
        f"- processor: {model}, {os.cpu_count()} cores; memory: {gib}",
        f"- system: {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"- load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def shown(command: list[str]) -> str:
    """``command`` as one would type it at the repository's root."""
    words = [
        os.path.relpath(word, ROOT) if word.startswith(str(ROOT)) else word for word in command
    ]
    return " ".join(words)


def commit() -> str:
    found = subprocess.run(
        ["git", "log", "-1", "--format=%h (%cI)"], cwd=ROOT, capture_output=True, text=True
    )
    return found.stdout.strip() or "(not a git checkout)"


def write(
    outcomes: list[Outcome], counts: list[int], header: list[str], started: str, soak: bool
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/run.py --all --sizes {','.join(map(str, counts))}"
        f"{' --soak' if soak else ''}`, started "
        f"{started}, on the commit `{commit()}`. Every figure is printed by its benchmark beside",
        "its target and the baseline it measured in the same run (this machine's speed varies",
        "from day to day, so ratios, not absolute times, are what the targets bound). What is",
        "known of why a target is not met is in [README.md](README.md#targets-not-met).",
        "",
        "## The machine",
        "",
        *header,
        "",
        "## Summary",
        "",
        "| benchmark | measures | outcome | time |",
        "|---|---|---|---|",
    ]
    for o in outcomes:
        lines.append(
            f"| `{o.benchmark.script}` | {o.benchmark.what} | {o.verdict()} | {o.seconds:.0f} s |"
        )
    for o in outcomes:
        lines += [
            "",
            f"## `{o.benchmark.script}`",
            "",
            f"`{shown(o.command)}`: {o.verdict()}, {o.seconds:.0f} s.",
            "",
            "Figures beside their targets:",
            "",
            "```",
            *(o.figures() or ["(none printed)"]),
            "```",
            "",
            "<details><summary>The whole output</summary>",
            "",
            "```",
            *o.output.rstrip().splitlines(),
            "```",
            "",
            "</details>",
        ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(counts: list[int], *, soak: bool = False) -> int:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    header = machine()
    outcomes = [run(benchmark, counts) for benchmark in [*BENCHMARKS, *([SOAK] if soak else [])]]
    write(outcomes, counts, header, started, soak)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    for o in outcomes:
        print(f"  {o.benchmark.script:<14} {o.verdict()}")
    return 0 if all(o.met() for o in outcomes) else 1
