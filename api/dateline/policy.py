"""What every response of Dateline tells the browser to refuse: one definition of the security
headers, for the API, the site that ``dateline serve`` serves, the site ``dateline build``
writes (in each page and in its ``_headers`` file) and ``deploy/``'s nginx.

* ``X-Content-Type-Options: nosniff`` everywhere: a file is only ever what its type says.
* ``Referrer-Policy: strict-origin-when-cross-origin``: a reader who follows a source's link
  tells its host the site's origin, never which event page they were reading.
* ``Content-Security-Policy``: the API's JSON may load nothing and be framed by nothing; its
  docs page loads Swagger UI's files from the API itself; the site loads everything from its
  own origin (a configured tile server's origin for images is the one exception), runs no
  script but its own files and the inline scripts of the theme, each allowed by its SHA-256
  hash, and WebAssembly (Pagefind's search engine) with ``'wasm-unsafe-eval'``. No
  ``'unsafe-inline'``, no ``'unsafe-eval'``: a script injected into a page runs nowhere.

A built site carries its policy twice: a ``<meta http-equiv>`` in each page (with the hashes
of that page's scripts, for hosts that set no headers, such as GitHub Pages), and a
``_headers`` file (the format Netlify and Cloudflare Pages read, with the hashes of every page)
that ``dateline serve`` and ``deploy/``'s nginx send as headers, adding ``frame-ancestors``,
which a ``<meta>`` cannot carry.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Final

NOSNIFF: Final = ("X-Content-Type-Options", "nosniff")
REFERRER: Final = ("Referrer-Policy", "strict-origin-when-cross-origin")
COMMON: Final = (NOSNIFF, REFERRER)  # on every response
CSP: Final = "Content-Security-Policy"

_LOCKED: Final = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
API: Final = f"default-src 'none'; {_LOCKED}"  # JSON, feeds, problems: they load nothing
DOCS: Final = (  # the interactive docs: Swagger UI, served by the API itself
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"connect-src 'self'; {_LOCKED}"
)

HEADERS_FILE: Final = "_headers"  # in a built site: Netlify's and Cloudflare Pages' format
_SCRIPT: Final = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_NOT_RUN: Final = re.compile(r"\b(?:src\s*=|type\s*=\s*[\"']?application/(?:ld\+)?json)", re.I)
_HEAD: Final = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def script_hashes(html: str) -> set[str]:
    """The CSP hash source (``sha256-...``) of each inline script ``html`` would run."""
    return {
        "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        for attributes, text in _SCRIPT.findall(html)
        if not _NOT_RUN.search(attributes)
    }


def site(hashes: Iterable[str], *, tiles: str | None = None, header: bool = True) -> str:
    """The site's policy, allowing the inline scripts of ``hashes`` and images from the
    origin of the tile server URL template ``tiles``; ``header=False``: as a ``<meta>`` may
    say it (without ``frame-ancestors``)."""
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *(f"'{h}'" for h in sorted(hashes))])
    images = "'self' data:" + (f" {origin(tiles)}" if tiles else "")
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self'",
        f"img-src {images}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if header:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def origin(url_template: str) -> str:
    """``https://tile.example.org/{z}/{x}/{y}.png`` → ``https://tile.example.org``; a
    ``{s}`` subdomain placeholder becomes ``*``."""
    parts = urllib.parse.urlsplit(url_template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def with_meta(html: str, *, tiles: str | None = None) -> tuple[str, set[str]]:
    """``html`` with its policy as the first element of its ``<head>`` (before any script it
    governs), and the hashes of its inline scripts."""
    hashes = script_hashes(html)
    head = _HEAD.search(html)
    if head is None:
        return html, hashes
    meta = f'<meta http-equiv="{CSP}" content="{site(hashes, tiles=tiles, header=False)}">'
    return html[: head.end()] + meta + html[head.end() :], hashes


def headers_file(policy: str) -> str:
    """The ``_headers`` file of a site whose pages all have ``policy``."""
    lines = ["/*", *(f"  {name}: {value}" for name, value in (*COMMON, (CSP, policy)))]
    return "\n".join(lines) + "\n"


def read_headers(folder: Path) -> dict[str, str]:
    """The headers a built site's ``_headers`` file gives every path (its ``/*`` block), by
    lower-case name; none if it has no such file (a site built before there was one)."""
    try:
        text = (folder / HEADERS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    headers: dict[str, str] = {}
    block = False
    for line in text.splitlines():
        if not line.startswith((" ", "\t")):
            block = line.strip() == "/*"
        elif block and ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers
