"""A sitemap that search engines take at any size: split into files of 50,000 addresses.

MkDocs writes one ``sitemap.xml`` with every page when ``site_url`` is set. The sitemaps
protocol (sitemaps.org) allows at most 50,000 URLs in a file, and a site of 100,000 events has
about 127,000 pages; past the limit, :func:`split` keeps MkDocs' entries as they are, moves
them into ``sitemaps/1.xml``, ``sitemaps/2.xml`` ..., and makes ``sitemap.xml`` (and its
``.gz``) the index of those files, which is what ``robots.txt`` names.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Final

LIMIT: Final = 50_000  # URLs in one sitemap file (sitemaps.org)
FOLDER: Final = "sitemaps"
_URL: Final = re.compile(r"<url>.*?</url>", re.S)
_HEAD: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_XMLNS: Final = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def split(site_dir: Path, site_url: str | None, limit: int = LIMIT) -> int:
    """Split the site's sitemap if it has more than ``limit`` URLs; return the files made."""
    path = site_dir / "sitemap.xml"
    if site_url is None or not path.is_file():
        return 0
    entries = _URL.findall(path.read_text(encoding="utf-8"))
    if len(entries) <= limit:
        return 0
    folder = site_dir / FOLDER
    folder.mkdir(exist_ok=True)
    base = site_url.rstrip("/") + "/"
    index = [_HEAD, f"<sitemapindex {_XMLNS}>\n"]
    for number, start in enumerate(range(0, len(entries), limit), start=1):
        part = "".join(f"  {entry}\n" for entry in entries[start : start + limit])
        text = f"{_HEAD}<urlset {_XMLNS}>\n{part}</urlset>\n"
        (folder / f"{number}.xml").write_text(text, encoding="utf-8")
        index.append(f"  <sitemap><loc>{base}{FOLDER}/{number}.xml</loc></sitemap>\n")
    index.append("</sitemapindex>\n")
    text = "".join(index)
    path.write_text(text, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
    return -(-len(entries) // limit)
