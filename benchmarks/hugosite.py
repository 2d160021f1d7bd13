"""Hugo's build of a minimal site of N pages: the yardstick of ``build.py`` (issue 12).

The site is written into a temporary folder: one Markdown file per page
(``content/events/eNNNNNN.md``, a title, a date and a short body of two sentences), a
``hugo.toml`` and a minimal layout of our own (``baseof``, ``single`` and ``list`` templates:
no theme, no module, nothing fetched). No kind is disabled: Hugo makes what it makes by default
(the home page, the ``events`` section, the empty ``tags`` and ``categories`` lists, their RSS
feeds and the sitemap), and its lists are paged at 100 entries, as Dateline's lists are, so
the section of N pages is N / 100 list pages. The dates are spread over 1950–2019, all in the
past (Hugo leaves out future-dated pages by default).

Each build is ``hugo --quiet`` into a fresh destination with a fresh cache folder, a
subprocess timed from its start to its end, as the Dateline build is, with its CPU seconds
(``wait4``). Before each, ``os.sync()`` (untimed): the writes of what ran before (the Dateline
build's 400 MB at 10k) reach the disk then rather than while Hugo is timed. One untimed build
first (it loads Hugo's binary and the content into the page cache, which the Dateline build
finds warm too), then ``RUNS`` timed ones; the median is the figure (the Dateline build beside
it is one run, not the best of several), the best is shown beside it. A build that fails, or
whose output lacks one page per event, raises ``Skipped``: the comparison is not made.
"""

from __future__ import annotations

import datetime
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

RUNS: Final = 3
PAGE_SIZE: Final = 100  # entries on a list page, as Dateline's `page_size`
FIRST: Final = datetime.datetime(1950, 1, 1, tzinfo=datetime.UTC)
LAST: Final = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

CONFIG: Final = f"""\
baseURL = "https://example.org/"
languageCode = "en"
title = "Hugo baseline"
paginate = {PAGE_SIZE}
"""

LAYOUTS: Final = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
{{- .Date.Format "2 January 2006" }}</time>
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
}

BODY: Final = (
    "Page {number} of the baseline: a short body of **two sentences**. "
    "It is here so that Hugo renders some Markdown for every page, as Dateline does.\n"
)


def executable() -> str | None:
    """The ``hugo`` on PATH (Debian's package: ``apt-get install hugo``), if any."""
    return shutil.which("hugo")


def version(hugo: str) -> str:
    """``Hugo v0.111.3+extended``, from what ``hugo version`` prints."""
    done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    words = done.stdout.split()
    return f"Hugo {words[1]}" if len(words) > 1 else "Hugo (version unknown)"


def write_site(folder: Path, pages: int) -> None:
    """A minimal Hugo site of ``pages`` content pages in ``folder``."""
    (folder / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    content = folder / "content" / "events"
    content.mkdir(parents=True)
    step = (LAST - FIRST) / max(1, pages)
    for number in range(1, pages + 1):
        date = (FIRST + step * (number - 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = f'---\ntitle: "Event {number}"\ndate: {date}\n---\n\n' + BODY.format(number=number)
        (content / f"e{number:06d}.md").write_text(text, encoding="utf-8")


@dataclass
class Build:
    seconds: float  # wall, from the start of the process to its end
    cpu: float  # user and system seconds of the process (all its threads)
    files: int  # in the output


@dataclass
class Builds:
    pages: int
    runs: list[Build]  # the timed builds
    version: str

    @property
    def median(self) -> float:
        return statistics.median(b.seconds for b in self.runs)

    @property
    def best(self) -> float:
        return min(b.seconds for b in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(b.cpu for b in self.runs)


class Skipped(Exception):
    """The comparison could not be made; the message says why."""


def build_once(hugo: str, site: Path, scratch: Path, pages: int) -> Build:
    """One ``hugo --quiet`` build of ``site`` into a fresh destination, measured."""
    run = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
    destination, cache = run / "public", run / "cache"
    shutil.rmtree(site / "resources", ignore_errors=True)  # nothing of an earlier build
    command = [
        *(hugo, "--quiet", "--source", str(site)),
        *("--destination", str(destination), "--cacheDir", str(cache)),
    ]
    env = {**os.environ, "HUGO_CACHEDIR": str(cache)}
    # The writes of what ran before (the Dateline build's 400 MB at 10k) go to the disk now,
    # not while Hugo is timed.
    os.sync()
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=scratch, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        output.seek(0)
        said = output.read().decode("utf-8", "replace").strip().splitlines()
    if code != 0:
        raise Skipped(f"hugo exited with {code}: {' / '.join(said[-3:])}")
    made = sum(1 for _ in (destination / "events").glob("e*/index.html"))
    if made != pages:
        raise Skipped(f"hugo made {made:,} event pages of {pages:,}")
    files = sum(len(names) for _, _, names in os.walk(destination))
    shutil.rmtree(run, ignore_errors=True)
    return Build(seconds, usage.ru_utime + usage.ru_stime, files)


def measure(pages: int, runs: int = RUNS) -> Builds:
    """Hugo's build of a minimal site of ``pages`` pages: one untimed, then ``runs`` timed.

    Raises ``Skipped`` if there is no ``hugo`` on PATH or a build of it fails.
    """
    hugo = executable()
    if hugo is None:
        raise Skipped("no `hugo` on PATH (Debian's package: apt-get install hugo)")
    with tempfile.TemporaryDirectory(prefix="dateline-hugo-bench-") as scratch:
        site = Path(scratch) / "site"
        site.mkdir()
        write_site(site, pages)
        build_once(hugo, site, Path(scratch), pages)  # untimed: warms the page cache
        timed = [build_once(hugo, site, Path(scratch), pages) for _ in range(runs)]
    return Builds(pages, timed, version(hugo))
