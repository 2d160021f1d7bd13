"""The time axis and the map in a real browser, at 1,000 and 100,000 events.

    .venv/bin/python benchmarks/timeline.py                      # 1,000 and 100,000 events
    .venv/bin/python benchmarks/timeline.py --sizes 1000,10000

Each size gets the benchmarks' synthetic dataset and its site (``dateline build``'s own
``ensure_built``), served gzipped by benchmarks/site.py's static server and opened in Debian's
Chromium, cache off. Measured, against the axis-and-map issue's targets:

* the bytes transferred until the axis is drawn on the home page (target ≤ 300 KB at 100k);
* the time of a zoom or pan frame: the axis's own record of each drawing, from the zoom event
  to the drawn bars or marks (``window.dateline.axisFrames``), over a series of wheel zooms
  in and out and drags of the scale, median and worst (target ≤ 50 ms);
* the bytes the map reads to show every event.

The baseline, side by side in the same run and browser, is the smallest size: the ratios say
how much the figures grow with the dataset.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path
from typing import Any

import run  # the benchmarks' datasets

# benchmarks/site.py, by its path: the name "site" is the standard library's
_spec = importlib.util.spec_from_file_location(
    "site_benchmark", Path(__file__).with_name("site.py")
)
assert _spec is not None
assert _spec.loader is not None
site_benchmark = importlib.util.module_from_spec(_spec)
sys.modules["site_benchmark"] = site_benchmark  # its dataclasses look their module up
_spec.loader.exec_module(site_benchmark)
ARGS, CHROMIUM = site_benchmark.ARGS, site_benchmark.CHROMIUM
Server, Transfer = site_benchmark.Server, site_benchmark.Transfer

TARGET_FIRST_PAINT_KB = 300
TARGET_FRAME_MS = 50


# The moment the axis is drawn, stamped in the page: by the time Playwright sees the
# attribute, what starts after it (the map) may have arrived too.
_READY_STAMP = """
new MutationObserver((changes, observer) => {
  window.__axisReady = performance.now();
  observer.disconnect();
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-dl-axis-ready"]});
"""

# Bytes transferred (headers and encoded body, from Resource Timing) by responses that ended
# by `until` (ms since the navigation began), the page itself included.
_BYTES_BY = """(until) => performance.getEntriesByType("navigation")
  .concat(performance.getEntriesByType("resource"))
  .filter((entry) => entry.responseEnd <= until)
  .reduce((sum, entry) => sum + entry.transferSize, 0)"""


def measure(browser: Any, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_READY_STAMP)
    page = context.new_page()
    Transfer(page)  # the cache off, as on a first visit
    page.goto(url)
    page.wait_for_selector("[data-dl-axis-ready]", state="attached", timeout=120_000)
    page.wait_for_selector("[data-dl-map-ready]", state="attached", timeout=120_000)
    ready = page.evaluate("() => window.__axisReady")
    first_paint = page.evaluate(_BYTES_BY, ready) / 1000
    with_map = page.evaluate(_BYTES_BY, 1e12) / 1000
    box = page.locator("[data-dl-axis-plot] svg").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 10
    page.evaluate("() => { window.dateline.axisFrames.length = 0; }")
    page.mouse.move(x, y)
    for _ in range(12):  # zoom in, step by step, from the whole span towards days
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(120)
    for _ in range(6):  # drag the scale: pan
        page.mouse.down()
        page.mouse.move(x - 200, y, steps=5)
        page.mouse.up()
        page.mouse.move(x, y)
        page.wait_for_timeout(120)
    for _ in range(12):
        page.mouse.wheel(0, 240)
        page.wait_for_timeout(120)
    page.wait_for_timeout(500)
    frames = page.evaluate("() => window.dateline.axisFrames.slice()")
    context.close()
    return {
        "first_paint_kb": first_paint,
        "map_kb": with_map - first_paint,
        "frame_median_ms": statistics.median(frames) if frames else float("nan"),
        "frame_worst_ms": max(frames) if frames else float("nan"),
        "frames": len(frames),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated event counts")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from dateline.site import builder

    rows: list[tuple[int, dict[str, float]]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in (int(s) for s in args.sizes.split(",")):
            events = run.dataset(size, 1, None)
            out = run.OUT / f"site-{size}"
            print(f"building (or reusing) the site of {size:,} events ...", flush=True)
            builder.ensure_built(events, out, config_file=run.ROOT / "mkdocs.yml")
            server = Server(out)
            try:
                rows.append((size, measure(browser, server.url)))
            finally:
                server.close()
        browser.close()
    base = rows[0][1]
    ok = True
    print(
        f"{'events':>8} {'axis KB':>8} {'map KB':>8} {'frame ms':>9} {'worst ms':>9}"
        f" {'frames':>6}  vs {rows[0][0]:,}"
    )
    for size, f in rows:
        ratio = (
            f["frame_median_ms"] / base["frame_median_ms"]
            if base["frame_median_ms"]
            else float("nan")
        )
        print(
            f"{size:>8,} {f['first_paint_kb']:>8.0f} {f['map_kb']:>8.0f}"
            f" {f['frame_median_ms']:>9.1f}"
            f" {f['frame_worst_ms']:>9.1f} {f['frames']:>6.0f}  frame ×{ratio:.2f},"
            f" axis bytes ×{f['first_paint_kb'] / base['first_paint_kb']:.2f}"
        )
        ok = (
            ok
            and f["first_paint_kb"] <= TARGET_FIRST_PAINT_KB
            and f["frame_median_ms"] <= TARGET_FRAME_MS
        )
    print(
        f"targets: first paint of the axis ≤ {TARGET_FIRST_PAINT_KB} KB;"
        f" a frame ≤ {TARGET_FRAME_MS} ms:",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
