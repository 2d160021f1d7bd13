"""The built site in a real browser at 10,000 and 100,000 events: page weight and filter speed.

    .venv/bin/python benchmarks/site.py                    # 10,000 events
    .venv/bin/python benchmarks/site.py --sizes 10000,100000

Each size gets the benchmarks' synthetic dataset (``run.dataset``) and its site, built by
``dateline build``'s own ``ensure_built`` (rebuilt only when an input changed), served by a
static server that gzips text as any CDN or GitHub Pages does, and opened in Debian's
Chromium with Playwright, with the browser's cache off so every figure is a first visit.

Measured, against the site-scale issue's targets:

* every page of the site (a file scan: gzip size and elements per page, the largest of each);
  in the browser, the DOM nodes of each kind of page;
* the home page's layout shift (CLS, from the browser's ``layout-shift`` entries);
* the first filter (a tag, an actor, a date range; each on a fresh page): bytes transferred
  and time from the change until the list shows its result;
* a further filter change on the same page (adding a status): time until the list shows it;
* clearing the filters.

The baseline, side by side in the same run and browser: what the old filters began with,
fetching and parsing ``data/events.json`` (the whole dataset, as the API lists it). Timings
are the median of ``--repeat`` runs.

Lighthouse (mobile, its default) scores the home page's Performance and Accessibility when it
is installed: ``npm ci --prefix tools/lighthouse`` (12.2.3, pinned: 13 wants Node 22).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import run  # the benchmarks' datasets and machine description

ROOT = run.ROOT
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]

TARGET_PAGE_GZIP_KB = 150
TARGET_ELEMENTS = 5_000
TARGET_FIRST_FILTER_KB = 300
TARGET_FIRST_FILTER_S = 1.0
TARGET_NEXT_FILTER_MS = 150
TARGET_CLS = 0.1
TARGET_LIGHTHOUSE_PERFORMANCE = 90
TARGET_LIGHTHOUSE_ACCESSIBILITY = 100
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"


class _Gzipping(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped (level 6, as nginx's gzip_comp_level) when the client accepts it."""

    TEXT = (".html", ".js", ".css", ".json", ".xml", ".atom", ".csv", ".ics", ".geojson", ".svg")

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in self.TEXT and path.is_file()):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


@functools.lru_cache(maxsize=4096)
def _gzipped(path: Path, mtime: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that navigates away cuts responses short: not worth a traceback


class Server:
    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_Gzipping, directory=str(folder))
        self.httpd = _Quiet(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Count(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.elements += 1


def scan(site: Path) -> dict[str, tuple[float, str]]:
    """The largest page of the site by gzip size and by elements: (figure, address)."""
    pages = sorted(site.rglob("index.html"), key=lambda p: p.stat().st_size, reverse=True)
    worst: dict[str, tuple[float, str]] = {"gzip KB": (0, ""), "elements": (0, "")}
    for path in pages[:200]:  # the 200 largest files hold the largest pages by either measure
        data = path.read_bytes()
        address = path.parent.relative_to(site).as_posix()
        kb = len(gzip.compress(data, 6)) / 1000
        counter = _Count()
        counter.feed(data.decode("utf-8"))
        if kb > worst["gzip KB"][0]:
            worst["gzip KB"] = (kb, address)
        if counter.elements > worst["elements"][0]:
            worst["elements"] = (counter.elements, address)
    worst["pages"] = (len(pages), "")
    return worst


@dataclass
class Figures:
    size: int
    pages: dict[str, tuple[float, str]] = field(default_factory=dict)
    dom: dict[str, int] = field(default_factory=dict)
    cls: float = 0.0
    first: dict[str, tuple[float, float]] = field(default_factory=dict)  # kind: (KB, s)
    next_ms: float = 0.0
    clear_ms: float = 0.0
    baseline: tuple[float, float] = (0.0, 0.0)  # data/events.json: (KB, s)
    lighthouse: dict[str, int] = field(default_factory=dict)  # category: score, if installed


def lighthouse(url: str) -> dict[str, int]:
    """Lighthouse's mobile scores of a page (empty if it is not installed)."""
    if not LIGHTHOUSE.exists():
        return {}
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility",
                "--quiet",
                "--chrome-flags=--headless=new " + " ".join(ARGS),
            ],
            env=dict(os.environ, CHROME_PATH=CHROMIUM),
            check=True,
            timeout=600,
        )
        categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(category["score"] * 100) for name, category in categories.items()}


class Transfer:
    """Bytes the page received over the network (encoded, as transferred), from CDP."""

    def __init__(self, page: Any) -> None:
        self.total = 0
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.session.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict[str, Any]) -> None:
        self.total += int(event.get("encodedDataLength", 0))


# Timed in the page, from the form's change event to the moment the list says its result,
# so Playwright's own round trips are not counted.
_STOPWATCH = """() => {
    window.__dl = {};
    const form = document.querySelector("[data-dl-filters] form");
    const count = document.querySelector("[data-dl-count]");
    const mark = () => { window.__dl.changed = performance.now(); window.__dl.shown = null; };
    form.addEventListener("change", mark, true);
    form.addEventListener("submit", mark, true);
    form.addEventListener("reset", mark, true);
    new MutationObserver(() => { window.__dl.shown = performance.now(); })
        .observe(count, {childList: true, characterData: true, subtree: true});
    new MutationObserver(() => { window.__dl.shown = performance.now(); })
        .observe(document.querySelector("[data-dl-latest]"), {attributes: true});
}"""


def _wait_count(page: Any, changed_from: str) -> float:
    """Wait until the list says a new result; the seconds it took, timed in the page."""
    page.wait_for_function(
        "previous => { const c = document.querySelector('[data-dl-count]');"
        " return c && c.textContent && c.textContent !== previous"
        " && !document.querySelector('[data-dl-results]').hasAttribute('aria-busy'); }",
        arg=changed_from,
        timeout=120_000,
    )
    return float(page.evaluate("() => (window.__dl.shown - window.__dl.changed) / 1000"))


def _open_home(browser: Any, url: str) -> tuple[Any, Any, Transfer]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    transfer = Transfer(page)
    page.goto(url)
    page.wait_for_selector("[data-dl-ready]", state="attached")
    page.click("[data-dl-filters] summary")
    page.evaluate(_STOPWATCH)
    return context, page, transfer


def first_filter(browser: Any, url: str, action: Any) -> tuple[float, float]:
    """(KB transferred, seconds) from a filter's change until the list shows its result."""
    context, page, transfer = _open_home(browser, url)
    before = transfer.total
    action(page)
    seconds = _wait_count(page, "")
    page.wait_for_timeout(200)  # let the last responses be counted
    kb = (transfer.total - before) / 1000
    context.close()
    return kb, seconds


def measure(browser: Any, url: str, store: Any, repeat: int) -> Figures:
    tags = json.loads(store.listing("tags"))
    actors = sorted(json.loads(store.listing("actors")), key=lambda a: -a["event_count"])
    figures = Figures(size=store.counts.events)
    actions = {
        f"tag {tags[0]['id']}": lambda p: (
            p.fill("input[name=tag]", tags[0]["id"]),
            p.press("input[name=tag]", "Enter"),
        ),
        f"actor {actors[0]['id']}": lambda p: (
            p.fill("input[name=actor]", actors[0]["id"]),
            p.press("input[name=actor]", "Enter"),
        ),
        "from 2020 to 2021": lambda p: (
            p.fill("input[name=from]", "2020"),
            p.fill("input[name=to]", "2021"),
            p.press("input[name=to]", "Enter"),
        ),
    }
    for name, action in actions.items():
        runs = [first_filter(browser, url, action) for _ in range(repeat)]
        figures.first[name] = (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
        )

    # A further change, and clearing, on one page.
    nexts, clears = [], []
    for _ in range(repeat):
        context, page, _transfer = _open_home(browser, url)
        page.fill("input[name=tag]", tags[0]["id"])
        page.press("input[name=tag]", "Enter")
        _wait_count(page, "")
        shown = page.text_content("[data-dl-count]") or ""
        page.select_option("select[name=status]", "disputed")
        nexts.append(_wait_count(page, shown) * 1000)
        page.click("button.dl-clear")
        page.wait_for_selector("[data-dl-latest]", state="visible")
        clears.append(float(page.evaluate("() => window.__dl.shown - window.__dl.changed")))
        context.close()
    figures.next_ms = statistics.median(nexts)
    figures.clear_ms = statistics.median(clears)

    # The baseline: the old filters' first step, the whole dataset as JSON.
    runs = []
    for _ in range(repeat):
        context = browser.new_context()
        page = context.new_page()
        transfer = Transfer(page)
        page.goto(url + "about/")
        before = transfer.total
        seconds = page.evaluate(
            "async () => { const t = performance.now();"
            " const r = await fetch('../data/events.json', {cache: 'no-store'});"
            " await r.json(); return (performance.now() - t) / 1000; }"
        )
        page.wait_for_timeout(200)
        runs.append(((transfer.total - before) / 1000, seconds))
        context.close()
    figures.baseline = (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
    )

    # DOM nodes of each kind of page, and the home page's layout shift.
    kinds = {
        "home": "",
        "archive": "archive/",
        "busiest month": _busiest_month(store),
        "tag": f"tags/{tags[0]['id']}/",
        "actor": f"actors/{actors[0]['id']}/",
        "actors index": "actors/",
        "places index": "places/",
    }
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for name, path in kinds.items():
        page.goto(url + path)
        figures.dom[name] = page.evaluate("() => document.getElementsByTagName('*').length")
    page.goto(url)
    page.wait_for_timeout(1000)
    figures.cls = page.evaluate(
        "() => new Promise(resolve => { let total = 0; new PerformanceObserver(list => {"
        " for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })"
        ".observe({type: 'layout-shift', buffered: true});"
        " setTimeout(() => resolve(total), 500); })"
    )
    context.close()
    return figures


def _busiest_month(store: Any) -> str:
    """The archive address of the month with the most events (the longest archive list)."""
    from dateline.store import EventFilter

    timeline = json.loads(store.timeline(EventFilter(), "month"))
    best = max(timeline["buckets"], key=lambda bucket: bucket["count"])
    year, month = best["period"][:4], best["period"][5:7]
    return f"archive/{year}/{month}/"


def report(figures: list[Figures]) -> bool:
    ok = True
    lines = [f"Machine: {run.machine()}", ""]
    for f in figures:
        lines.append(f"## {f.size:,} events ({int(f.pages['pages'][0]):,} pages)")
        lines.append("")
        lines.append("| figure | measured | target | |")
        lines.append("|---|---|---|---|")

        def row(name: str, value: float, target: float, unit: str, fmt: str = "{:,.1f}") -> None:
            nonlocal ok
            met = value <= target
            ok = ok and met
            lines.append(
                f"| {name} | {fmt.format(value)} {unit} | ≤ {fmt.format(target)} {unit} | "
                f"{'met' if met else 'NOT MET'} |"
            )

        kb, where = f.pages["gzip KB"]
        row(f"largest page, gzip (`{where}`)", kb, TARGET_PAGE_GZIP_KB, "KB")
        elements, where = f.pages["elements"]
        row(f"most elements on a page (`{where}`)", elements, TARGET_ELEMENTS, "", "{:,.0f}")
        for name, nodes in f.dom.items():
            row(f"DOM nodes in the browser: {name}", nodes, TARGET_ELEMENTS, "", "{:,.0f}")
        row("home page layout shift (CLS)", f.cls, TARGET_CLS, "", "{:.3f}")
        for name, target in (
            ("performance", TARGET_LIGHTHOUSE_PERFORMANCE),
            ("accessibility", TARGET_LIGHTHOUSE_ACCESSIBILITY),
        ):
            if name in f.lighthouse:
                met = f.lighthouse[name] >= target
                ok = ok and met
                lines.append(
                    f"| Lighthouse mobile {name} (home) | {f.lighthouse[name]} | ≥ {target} | "
                    f"{'met' if met else 'NOT MET'} |"
                )
        if not f.lighthouse:
            lines.append("| Lighthouse | not installed: `npm ci --prefix tools/lighthouse` | | |")
        for name, (kb, seconds) in f.first.items():
            row(f"first filter, {name}: transferred", kb, TARGET_FIRST_FILTER_KB, "KB")
            row(f"first filter, {name}: until shown", seconds, TARGET_FIRST_FILTER_S, "s", "{:.2f}")
        row("a further filter change (+ status)", f.next_ms, TARGET_NEXT_FILTER_MS, "ms", "{:.0f}")
        row("clear the filters", f.clear_ms, TARGET_NEXT_FILTER_MS, "ms", "{:.0f}")
        base_kb, base_s = f.baseline
        lines.append("")
        lines.append(
            f"Baseline in the same run: the old filters' first step, `data/events.json`, "
            f"{base_kb:,.0f} KB transferred and {base_s:.2f} s to fetch and parse. The first "
            f"tag filter now moves {f.first[next(iter(f.first))][0] / base_kb:.1%} of those "
            f"bytes in {f.first[next(iter(f.first))][1] / base_s:.0%} of that time."
        )
        lines.append("")
    print("\n".join(lines))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated event counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the site already in benchmarks/out/site-N, even if its inputs changed",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from dateline.cache import open_store
    from dateline.site import builder

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in (int(s) for s in args.sizes.split(",")):
            events = run.dataset(size, 1, None)
            out = run.OUT / f"site-{size}"
            print(f"building (or reusing) the site of {size:,} events ...", flush=True)
            if not (args.reuse and (out / "index.html").is_file()):
                builder.ensure_built(events, out, config_file=ROOT / "mkdocs.yml")
            server = Server(out)
            try:
                figures = measure(browser, server.url, open_store(events), args.repeat)
                figures.lighthouse = lighthouse(server.url)
            finally:
                server.close()
            figures.pages = scan(out)
            results.append(figures)
        browser.close()
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
