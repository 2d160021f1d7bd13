"""The site's sitemap, written by Dateline rather than MkDocs, at any size.

MkDocs' own sitemap lists the pages it built; an incremental build gives MkDocs only the pages
it renders again (:mod:`dateline.site.manifest`), so Dateline lists every page itself, in
every build: the hand-written pages, then the generated ones. An event's page has a
``<lastmod>``, the time its record last changed (its file's last commit); the other pages have
none: a build's date on every page would tell search engines that everything changed at
every build, and they learn to ignore such dates (sitemaps.org makes ``lastmod`` optional).

The sitemaps protocol allows at most 50,000 URLs in a file, and a site of 100,000 events has
about 127,000 pages: past the limit, the entries go into ``sitemaps/1.xml``,
``sitemaps/2.xml`` ..., and ``sitemap.xml`` (and its ``.gz``) is the index of those files,
which is what ``robots.txt`` names. Without ``site_url`` there are no addresses to give: the
sitemap is empty.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from typing import Final

from markupsafe import escape

from dateline.site.writer import Writer

LIMIT: Final = 50_000  # URLs in one sitemap file (sitemaps.org)
FOLDER: Final = "sitemaps"
_HEAD: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_XMLNS: Final = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'

Entry = tuple[str, str | None]  # a page's address from the site's root, its lastmod or None


def write(out: Writer, site_url: str | None, pages: Iterable[Entry], limit: int = LIMIT) -> None:
    """Write the sitemap of ``pages`` (``sitemap.xml``, its ``.gz`` and, past ``limit``
    addresses, the files the index names) through ``out``."""
    base = site_url.rstrip("/") + "/" if site_url is not None else None
    entries = [] if base is None else [_url(base + address, when) for address, when in pages]
    if len(entries) <= limit:
        _write_main(out, _urlset(entries))
        return
    index = [_HEAD, f"<sitemapindex {_XMLNS}>\n"]
    for number, start in enumerate(range(0, len(entries), limit), start=1):
        out.write(f"{FOLDER}/{number}.xml", _urlset(entries[start : start + limit]).encode())
        index.append(f"  <sitemap><loc>{escape(base)}{FOLDER}/{number}.xml</loc></sitemap>\n")
    index.append("</sitemapindex>\n")
    _write_main(out, "".join(index))


def _url(location: str, lastmod: str | None) -> str:
    when = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    return f"  <url><loc>{escape(location)}</loc>{when}</url>\n"


def _urlset(entries: Sequence[str]) -> str:
    return f"{_HEAD}<urlset {_XMLNS}>\n{''.join(entries)}</urlset>\n"


def _write_main(out: Writer, text: str) -> None:
    data = text.encode()
    out.write("sitemap.xml", data)
    out.write("sitemap.xml.gz", gzip.compress(data, mtime=0))
