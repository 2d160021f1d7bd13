"""Validate the markup Dateline's templates write, with html-validate (npm), on a built site.

    npm ci --prefix tools/html-validate                  # once: html-validate, pinned
    .venv/bin/python tools/validate_html.py build/site   # every kind of page, sampled

Material's chrome (header, tabs, footer) is not this project's to fix, so each page's own
content — the ``<div class="dl-page">`` the templates in ``site/overrides/dateline/`` render —
is cut out and validated on its own, with html-validate's recommended rules (less the two
about source formatting). Exits 1 if it finds anything. It is not in the test suite because
it needs npm's registry at set-up; the test suite's axe-core checks run in CI.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent / "html-validate"
BINARY = HERE / "node_modules" / ".bin" / "html-validate"
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
SAMPLE = 3  # pages of each kind


class _Page(HTMLParser):
    """Finds where the page's ``dl-page`` element starts and ends (line, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None or tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.start is None and tag == "div" and "dl-page" in classes:
            self.start, self.depth = self.getpos(), 1
        elif self.start is not None:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.start is None or self.end is not None or tag in VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.end = self.getpos()


def content(html: str) -> str | None:
    parser = _Page()
    parser.feed(html)
    if parser.start is None or parser.end is None:
        return None
    lines = html.split("\n")

    def offset(position: tuple[int, int]) -> int:
        return sum(len(line) + 1 for line in lines[: position[0] - 1]) + position[1]

    end = html.index(">", offset(parser.end)) + 1
    return html[offset(parser.start) : end]


def pages(site: Path) -> list[Path]:
    """A few pages of every kind: the folders under the root, and the root's own pages."""
    chosen = [site / "index.html", site / "404.html"]
    for folder in sorted(p for p in site.iterdir() if p.is_dir()):
        found = sorted(folder.rglob("index.html"))
        chosen += found[:SAMPLE] + found[-SAMPLE:]
    return [p for p in dict.fromkeys(chosen) if p.is_file()]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if not BINARY.exists():
        print(f"{BINARY} is missing: npm ci --prefix {HERE}", file=sys.stderr)
        return 2
    site = Path(argv[0])
    with tempfile.TemporaryDirectory() as scratch:
        written = []
        for page in pages(site):
            own = content(page.read_text(encoding="utf-8"))
            if own is None:
                continue  # a hand-written page: Material's markup around Markdown
            name = page.relative_to(site).as_posix().replace("/", "_")
            target = Path(scratch) / name
            target.write_text(
                '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
                f"<body><main>{own}</main></body></html>",
                encoding="utf-8",
            )
            written.append(str(target))
        result = subprocess.run(
            [str(BINARY), "--config", str(HERE / ".htmlvalidate.json"), *written], check=False
        )
        print(f"{len(written)} pages validated")
        return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
