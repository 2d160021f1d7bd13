"""How to cite an event's record: the words on its page, CSL-JSON and BibTeX.

A citation names the record (its title), the dataset (the site's name), the event's date in
words, the record's permanent address, and the day the reader retrieved it. The page cannot
know that day when it is built, so the page's script fills it in; the files leave it out,
as reference managers add it themselves. "Issued" is when the record last changed (its
``last_modified``: from git or the record, never the clock), so a rebuild gives the same bytes.

CSL-JSON (``data/cite/<id>.json``) is what Zotero, Mendeley and pandoc read; BibTeX is on
the page, to copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from dateline.resources import EventResource

FOLDER: Final = "data/cite"

_encode = msgspec.json.Encoder().encode
_BIBTEX_SPECIAL: Final = re.compile(r"([\\{}%&$#_^~])")


@dataclass(frozen=True)
class Citation:
    title: str
    dataset: str
    date: str  # the event's date in words
    url: str  # the record's address: absolute with a site_url, else relative to the root
    issued: str  # YYYY-MM-DD: when the record last changed
    key: str  # the BibTeX key

    def csl(self) -> bytes:
        year, month, day = (int(part) for part in self.issued.split("-"))
        item: dict[str, Any] = {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "container-title": self.dataset,
            "URL": self.url,
            "issued": {"date-parts": [[year, month, day]]},
            "note": f"Event date: {self.date}",
        }
        return _encode([item])

    def bibtex(self) -> str:
        year, month, _ = self.issued.split("-")
        fields = [
            ("title", "{" + _bibtex(self.title) + "}"),
            ("howpublished", _bibtex(self.dataset)),
            ("url", self.url),
            ("year", year),
            ("month", str(int(month))),
            ("note", _bibtex(f"Event date: {self.date}")),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"


def _bibtex(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


class _Date(msgspec.Struct):
    label: str


class Cited(msgspec.Struct):
    """What a citation needs of an event's record, decoded alone: a tenth of the time of the
    whole record, which a full build would otherwise decode once more for every event."""

    id: str
    title: str
    date: _Date
    last_modified: str


cited = msgspec.json.Decoder(Cited).decode  # an event's record (the Store's bytes): Cited


def cite(event: EventResource | Cited, dataset: str, site_url: str | None) -> Citation:
    address = f"events/{event.id}/"
    url = site_url.rstrip("/") + "/" + address if site_url else address
    return Citation(
        title=event.title,
        dataset=dataset,
        date=event.date.label,
        url=url,
        issued=event.last_modified[:10],
        key=f"dateline:{event.id}",
    )
