"""The formats Dateline publishes the dataset in, by name, and the media type of each.

What each holds is :mod:`dateline.formats`' to say; the names are here, in a module of their
own, so that the command line can offer them without importing the serialisers (a run of
`dateline check` pays for every import at the top of the command line).
"""

from __future__ import annotations

from typing import Final, Literal

Format = Literal["json", "ndjson", "csv", "geojson", "ics", "atom", "sqlite", "datasette", "schema"]
FORMATS: Final[tuple[Format, ...]] = (
    "json",
    "ndjson",
    "csv",
    "geojson",
    "ics",
    "atom",
    "sqlite",
    "datasette",
    "schema",
)
MEDIA_TYPES: Final[dict[Format, str]] = {
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "ics": "text/calendar; charset=utf-8",
    "atom": "application/atom+xml",
    "sqlite": "application/vnd.sqlite3",
    "datasette": "application/vnd.sqlite3",
    "schema": "application/schema+json",
}
