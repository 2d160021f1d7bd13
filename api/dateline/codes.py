"""Every diagnostic code, what it means, a file that gets it and the same file put right.

``dateline explain CODE`` prints an entry; the README's table of codes is made from them
(``tests/test_codes.py`` keeps the two equal, runs every example through ``dateline check``
and checks that it gets its code and that the fix does not). Codes are stable: a code is
never reused for another meaning.

The examples are files of a small dataset whose ``actors.yaml`` holds ``sdf`` and
``syrian-army`` and whose ``places.yaml`` holds ``syria`` and ``al-hawl-camp`` (within
``syria``); each names the file it stands for.

=====  ====================================================================================
range  what the codes are about
=====  ====================================================================================
DL1xx  reading a file: bytes, YAML syntax, and text that YAML would silently drop
DL2xx  the fields of a record: missing, unknown, of the wrong type or form
DL3xx  dates
DL4xx  ids, file names and references between files
DL5xx  an event's correction history
DL6xx  where files are in the events folder
DL7xx  warnings: what a record should have, and records nothing uses
DL9xx  Dateline's own failures
=====  ====================================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# The dataset every example is checked in: these actors and places, and an event that uses
# them all (so that no example draws a warning for an unused record).
BASE_EVENT_FILE: Final = "2026/2026-01-19-base.yaml"
BASE_EVENT: Final = """\
title: Government forces near Al-Hawl camp
date: 2026-01-19
summary: Forces approach the camp.
actors: [sdf, syrian-army]
places: [al-hawl-camp]
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/base
    archived: https://web.archive.org/web/2026/https://example.org/base
"""
# A valid event, which most examples change in one place.
EVENT: Final = """\
title: Syrian army enters Al-Hawl camp
date: 2026-01-20
summary: Government troops enter the camp.
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/story
    archived: https://web.archive.org/web/2026/https://example.org/story
"""
EVENT_FILE: Final = "2026/2026-01-20-example.yaml"
ACTORS: Final = """\
sdf:
  name: Syrian Democratic Forces
  kind: armed-group
syrian-army:
  name: Syrian army
  kind: military
"""
PLACES: Final = """\
syria:
  name: Syria
  kind: country
al-hawl-camp:
  name: Al-Hawl camp
  kind: camp
  within: syria
"""


@dataclass(frozen=True)
class Code:
    """One diagnostic code and its documentation."""

    code: str
    title: str  # a few words, for the README's table
    meaning: str  # what it means and why it matters
    file: str | None  # the example's file, relative to the events folder; None: no example
    wrong: str = ""  # the example as it is
    right: str | None = None  # the example put right; None: the fix is to delete or move it
    fix: str = ""  # how to put it right, in words
    severity: str = "error"
    no_example: str = ""  # why there is no example file, where there is none
    shown: str = ""  # how to show ``wrong`` when it is too long to print
    extra: dict[str, str] = field(default_factory=dict)  # other files the example needs


def _event(old: str, new: str) -> str:
    assert old in EVENT
    return EVENT.replace(old, new)


CODES: Final[dict[str, Code]] = {
    c.code: c
    for c in [
        # --- DL1xx: reading -----------------------------------------------------------------
        Code(
            "DL101",
            "file cannot be read",
            "The operating system refused to read the file (it vanished, or its permissions "
            "forbid it).",
            None,
            fix="Make the file readable by the user running `dateline`.",
            no_example="it comes from the operating system, not from what the file says",
        ),
        Code(
            "DL102",
            "file too large",
            "An event file may be at most 1 MiB (actors.yaml and places.yaml 32 MiB), so that "
            "a pull request cannot make checking or building slow.",
            EVENT_FILE,
            wrong=_event(
                "summary: Government troops enter the camp.",
                "summary: |\n  " + "Government troops enter the camp. " * 33_000,
            ),
            right=EVENT,
            shown="summary: |\n  Government troops enter the camp. (… 1.1 MB of text)",
            fix="Keep the summary to what the sources say; long documents belong in sources.",
        ),
        Code(
            "DL103",
            "not UTF-8",
            "Files are UTF-8 text; other encodings would turn names into mojibake.",
            EVENT_FILE,
            wrong=_event("Government troops", "Caf\udce9 troops"),
            right=_event("Government troops", "Café troops"),
            shown=_event("Government troops", "Caf\\xe9 troops  (the byte 0xE9, Latin-1)"),
            fix="Save the file as UTF-8 (every editor can).",
        ),
        Code(
            "DL104",
            "control character",
            "A control character (a NUL, a bell, an escape) cannot be part of YAML text.",
            EVENT_FILE,
            wrong=_event("Government troops", "Government\x07 troops"),
            right=EVENT,
            shown=_event("Government troops", "Government\\x07 troops"),
            fix="Delete the character; it is invisible in most editors.",
        ),
        Code(
            "DL105",
            "other YAML syntax error",
            "The file is not YAML in a way none of the more specific codes describe.",
            EVENT_FILE,
            wrong=EVENT + "]\n",
            right=EVENT,
            fix="Compare the line with the example event in the README.",
        ),
        Code(
            "DL106",
            "anchor or alias",
            "YAML's anchors and aliases (&name, *name) can make a small file expand without "
            "bound, and make a record hard to read; Dateline refuses them.",
            EVENT_FILE,
            wrong=_event("title: Syrian", "title: &t Syrian"),
            right=EVENT,
            fix="Write the value out where it is used.",
        ),
        Code(
            "DL107",
            "explicit tag",
            "Tags such as !!python/object would construct objects or run code; the model "
            "decides what each field is.",
            EVENT_FILE,
            wrong=_event("date: 2026-01-20", "date: !!str 2026-01-20"),
            right=EVENT,
            fix="Write the plain value.",
        ),
        Code(
            "DL108",
            "duplicate key",
            "A field given twice: YAML would silently keep the last one.",
            EVENT_FILE,
            wrong=EVENT + "title: Another title\n",
            right=EVENT,
            fix="Keep one of them.",
        ),
        Code(
            "DL109",
            "second document",
            "A file holds one record; a second '---' starts a second document.",
            EVENT_FILE,
            wrong="---\n" + EVENT + "---\n" + EVENT,
            right=EVENT,
            fix="One event a file: put the other in a file of its own.",
        ),
        Code(
            "DL110",
            "nested too deep or too many values",
            "A file may nest 16 levels and hold 50,000 values at most: real records are far "
            "smaller, and a hostile file must not cost much to check.",
            EVENT_FILE,
            wrong=_event("title: Syrian army enters Al-Hawl camp", "title: " + "[" * 17 + "]" * 17),
            right=EVENT,
            fix="Write the record flat, as the format describes it.",
        ),
        Code(
            "DL111",
            "key that is not text",
            "The keys of a mapping are field names, so they are plain text.",
            EVENT_FILE,
            wrong=EVENT + "[a, b]: c\n",
            right=EVENT,
            fix="Use a field name from the format.",
        ),
        Code(
            "DL112",
            "not a mapping of fields",
            "An event file is a mapping of fields (title:, date:, summary:, sources: ...), not "
            "a list, a single text or nothing.",
            EVENT_FILE,
            wrong="- Syrian army enters Al-Hawl camp\n",
            right=EVENT,
            fix="Start from `dateline new`, or from the example in the README.",
        ),
        Code(
            "DL120",
            "': ' in an unquoted value",
            "YAML reads ': ' in a plain value as the start of another field.",
            EVENT_FILE,
            wrong=_event(
                "summary: Government troops enter the camp.",
                "summary: Damascus says: troops enter the camp.",
            ),
            right=_event(
                "summary: Government troops enter the camp.",
                "summary: 'Damascus says: troops enter the camp.'",
            ),
            fix="Quote the whole value, or write it after | on lines of its own.",
        ),
        Code(
            "DL121",
            "indentation",
            "The fields of one record, and the '-' items of one list, start at the same "
            "column; a line indented otherwise belongs to nothing.",
            EVENT_FILE,
            wrong=_event("    publisher: Example News", "     publisher: Example News"),
            right=EVENT,
            fix="Line the line up with the others of its record.",
        ),
        Code(
            "DL122",
            "tab",
            "YAML indents with spaces only; a tab, even on an empty line, cannot be read.",
            EVENT_FILE,
            wrong=_event("  - title: A story", "\t- title: A story"),
            right=EVENT,
            shown=_event("  - title: A story", "<TAB>- title: A story"),
            fix="Replace the tab with spaces (editors can be told to do it).",
        ),
        Code(
            "DL123",
            "quote never closed",
            "A value that opens with ' or \" must close with the same quote on its line.",
            EVENT_FILE,
            wrong=_event("title: Syrian army enters Al-Hawl camp", "title: 'Syrian army enters"),
            right=_event("title: Syrian army enters Al-Hawl camp", "title: 'Syrian army enters'"),
            fix="Close the quote; a long text is better written after | on lines of its own.",
        ),
        Code(
            "DL124",
            "bracket never closed",
            "A list in [ ] or a mapping in { } must close on its line.",
            EVENT_FILE,
            wrong=EVENT + "tags: [detention, al-hawl\n",
            right=EVENT + "tags: [detention, al-hawl]\n",
            fix="Close it, or write a long list as '- ' items, one a line.",
        ),
        Code(
            "DL125",
            "no space after ':' or '-'",
            "YAML needs a space after the colon of a field and after the dash of a list item.",
            EVENT_FILE,
            wrong=_event("date: 2026-01-20", "date:2026-01-20"),
            right=EVENT,
            fix="Add the space.",
        ),
        Code(
            "DL126",
            "value begins with a reserved character",
            "A plain value cannot begin with @, ` or %; YAML reserves them.",
            EVENT_FILE,
            wrong=_event("publisher: Example News", "publisher: @example"),
            right=_event("publisher: Example News", "publisher: '@example'"),
            fix="Quote the value.",
        ),
        Code(
            "DL127",
            "apostrophe in single quotes",
            "A value in single quotes ends at the next '; an apostrophe inside it is written ''.",
            EVENT_FILE,
            wrong=_event("title: Syrian army enters Al-Hawl camp", "title: 'The army's camp'"),
            right=_event("title: Syrian army enters Al-Hawl camp", "title: 'The army''s camp'"),
            fix="Write the apostrophe twice, or use double quotes or a typographic ’.",
        ),
        Code(
            "DL130",
            "comment after a plain value",
            "YAML reads ' #' after a plain value as the start of a comment and drops the rest "
            "of the line: title: Prisoners #1 stores only 'Prisoners'.",
            EVENT_FILE,
            wrong=_event("title: Syrian army enters Al-Hawl camp", "title: Syrian army #1 enters"),
            right=_event(
                "title: Syrian army enters Al-Hawl camp", "title: 'Syrian army #1 enters'"
            ),
            fix="Quote the whole value if # is part of the text; delete the comment if not.",
        ),
        Code(
            "DL131",
            "comment in an event file",
            "Comments are not read, so whatever they say is lost to readers: an event file has "
            "comments only before its first field (a header, such as the editor's schema line).",
            EVENT_FILE,
            wrong=_event("    url: https://", "    # url: https://"),
            right=EVENT,
            fix="Put the remark in a `note:` of the source or update it is about, or delete "
            "the #, or the line.",
        ),
        Code(
            "DL132",
            "thousands separator in a number",
            "1.500 would be read as one and a half, and 1,500 is not a number (in { } it is 1 "
            "and a field 500): figures are written without separators.",
            EVENT_FILE,
            wrong=EVENT + "claims:\n  - by: sdf\n    text: At least 1,500 escaped.\n    source: 1\n"
            "    figure: {value: 1.500, qualifier: at-least, unit: people, counts: escaped}\n",
            right=EVENT + "claims:\n  - by: sdf\n    text: At least 1,500 escaped.\n    source: 1\n"
            "    figure: {value: 1500, qualifier: at-least, unit: people, counts: escaped}\n",
            fix="Write the number without separators: 1500 (keep the source's words in text).",
        ),
        Code(
            "DL133",
            "invisible line break",
            "YAML counts U+2028, U+2029 and U+0085 as line breaks that editors do not show, "
            "so every later line number would be wrong.",
            EVENT_FILE,
            wrong=_event("title: Syrian army", "title: Syrian\u2028army"),
            right=EVENT,
            shown=_event("title: Syrian army", "title: 'Syrian<U+2028>army'"),
            fix="Delete the character, or put a space in its place.",
        ),
        # --- DL2xx: fields ------------------------------------------------------------------
        Code(
            "DL201",
            "missing required field",
            "A field the format requires is not there (for an event: title, date, summary "
            "and sources; for a figure: unit and counts).",
            EVENT_FILE,
            wrong=_event("summary: Government troops enter the camp.\n", ""),
            right=EVENT,
            fix="Add the field.",
        ),
        Code(
            "DL202",
            "unknown field",
            "A field the format does not have, usually a typo: it would otherwise be silently "
            "dropped.",
            EVENT_FILE,
            wrong=_event("summary:", "sumary:"),
            right=EVENT,
            fix="Use the field's name (the message suggests the closest one).",
        ),
        Code(
            "DL203",
            "wrong type",
            "A value of the wrong kind: text where a list is expected, a list where a number "
            "is, nothing where a value is required.",
            EVENT_FILE,
            wrong=EVENT + "tags: detention\n",
            right=EVENT + "tags: [detention]\n",
            fix="Give the kind of value the message names.",
        ),
        Code(
            "DL204",
            "not one of the allowed values",
            "A field with a fixed set of values (status, a figure's qualifier) has another.",
            EVENT_FILE,
            wrong=EVENT + "status: confirmd\n",
            right=EVENT + "status: confirmed\n",
            fix="Use one of the values the message lists.",
        ),
        Code(
            "DL205",
            "wrong form",
            "An id must be a slug (lower-case a-z, digits, single hyphens), a URL must be "
            "http:// or https://, a title one line of plain text.",
            EVENT_FILE,
            wrong=_event("url: https://example.org/story", "url: javascript:alert(1)"),
            right=EVENT,
            fix="Write the value in the form the message names.",
        ),
        Code(
            "DL206",
            "too long or too short",
            "A title is at most 200 characters, a summary 20,000; an event has at least one "
            "source.",
            EVENT_FILE,
            wrong=_event("title: Syrian army enters Al-Hawl camp", "title: " + "Long " * 41),
            right=EVENT,
            fix="Shorten it (or add what is missing).",
        ),
        Code(
            "DL207",
            "out of range",
            "A number outside its range: a latitude beyond ±90, a longitude beyond ±180, a "
            "claim's source number below 1.",
            "places.yaml",
            wrong=PLACES.replace(
                "  kind: country\n", "  kind: country\n  lat: 135.0\n  lon: 38.5\n"
            ),
            right=PLACES.replace(
                "  kind: country\n", "  kind: country\n  lat: 35.0\n  lon: 38.5\n"
            ),
            fix="Check the number against the source.",
        ),
        Code(
            "DL208",
            "fields that must agree",
            "A rule across the fields of one record: a figure has value or low and high; a "
            "range's low is not above its high; a place has both lat and lon, or neither.",
            "places.yaml",
            wrong=PLACES.replace("  kind: country\n", "  kind: country\n  lat: 35.0\n"),
            right=PLACES.replace(
                "  kind: country\n", "  kind: country\n  lat: 35.0\n  lon: 38.5\n"
            ),
            fix="Give the fields together, as the message says.",
        ),
        # --- DL3xx: dates -------------------------------------------------------------------
        Code(
            "DL301",
            "date not accepted",
            "The date is not an EDTF date that Dateline accepts: an impossible day, a season, "
            "an EDTF level 2 form other than [A..B], an interval that ends before it starts.",
            EVENT_FILE,
            wrong=_event("date: 2026-01-20", "date: 2026-02-30"),
            right=EVENT,
            fix="Write the date as the README's table of dates shows; the message says what "
            "is wrong with it.",
        ),
        Code(
            "DL302",
            "date written for people",
            "A date such as 20 January 2026 is ambiguous in general, so files use ISO order; "
            "the message gives the ISO form it would mean (`dateline new --date` accepts words).",
            EVENT_FILE,
            wrong=_event("date: 2026-01-20", "date: 20 January 2026"),
            right=EVENT,
            fix="Write the ISO form the message gives.",
        ),
        # --- DL4xx: ids and references ------------------------------------------------------
        Code(
            "DL401",
            "file name is not an id",
            "The file name is the event's permanent id: lower-case a-z, digits and single "
            "hyphens, at most 100 characters, then .yaml.",
            "2026/2026-01-20-Example.yaml",
            wrong=EVENT,
            right=None,
            fix="Rename the file, e.g. to 2026/2026-01-20-example.yaml.",
        ),
        Code(
            "DL402",
            "id does not begin with its year",
            "An id begins with the year its date begins in, so that ids sort and are found by "
            "year.",
            "2026/2025-01-20-example.yaml",
            wrong=EVENT,
            right=None,
            fix="Rename the file to begin with the year (here 2026-01-20-example.yaml).",
        ),
        Code(
            "DL403",
            "file in the wrong year folder",
            "An event lives in the folder of the year its date begins in.",
            "2025/2026-01-20-example.yaml",
            wrong=EVENT,
            right=None,
            fix="Move the file to that year's folder (here 2026/).",
        ),
        Code(
            "DL404",
            "id used twice",
            "Two files in different year folders have the same name, so the same id.",
            "2017/2026-01-20-example.yaml",
            wrong=EVENT,
            right=None,
            extra={EVENT_FILE: EVENT},
            fix="Give one of them another id; ids are permanent, so rename the newer one.",
        ),
        Code(
            "DL405",
            "unknown actor",
            "An actor id (in actors: or a claim's by:) that actors.yaml does not have.",
            EVENT_FILE,
            wrong=EVENT + "actors: [sdff]\n",
            right=EVENT + "actors: [sdf]\n",
            fix="Fix the id, or add the actor to actors.yaml.",
        ),
        Code(
            "DL406",
            "unknown place",
            "A place id that places.yaml does not have.",
            EVENT_FILE,
            wrong=EVENT + "places: [al-hol-camp]\n",
            right=EVENT + "places: [al-hawl-camp]\n",
            fix="Fix the id, or add the place to places.yaml.",
        ),
        Code(
            "DL407",
            "unknown related event",
            "An id in related: that no event file has.",
            EVENT_FILE,
            wrong=EVENT + "related: [2026-01-21-nothing]\n",
            right=EVENT,
            fix="Fix the id (the file name without .yaml), or remove it.",
        ),
        Code(
            "DL408",
            "listed twice",
            "The same tag, actor, place or related event twice in one list.",
            EVENT_FILE,
            wrong=EVENT + "tags: [detention, detention]\n",
            right=EVENT + "tags: [detention]\n",
            fix="Keep it once.",
        ),
        Code(
            "DL409",
            "related to itself",
            "An event cannot list itself in related:.",
            EVENT_FILE,
            wrong=EVENT + "related: [2026-01-20-example]\n",
            right=EVENT,
            fix="Remove it.",
        ),
        Code(
            "DL410",
            "claim cites a source that is not there",
            "A claim's source: is the number of one of the event's sources, from 1.",
            EVENT_FILE,
            wrong=EVENT
            + "claims:\n  - by: sdf\n    text: The camp was unguarded.\n    source: 2\n",
            right=EVENT
            + "claims:\n  - by: sdf\n    text: The camp was unguarded.\n    source: 1\n",
            fix="Use the number of the source that reports the claim, or add that source.",
        ),
        Code(
            "DL411",
            "place within an unknown place",
            "A place's within: names a place that places.yaml does not have.",
            "places.yaml",
            wrong=PLACES.replace("within: syria", "within: sirya"),
            right=PLACES,
            fix="Fix the id, or add the parent place.",
        ),
        Code(
            "DL412",
            "places within each other",
            "Places form a cycle through within: (A within B within A); a place cannot be "
            "inside itself.",
            "places.yaml",
            wrong=PLACES.replace("  kind: country\n", "  kind: country\n  within: al-hawl-camp\n"),
            right=PLACES,
            fix="Remove the within: that closes the cycle.",
        ),
        # --- DL5xx: history -----------------------------------------------------------------
        Code(
            "DL501",
            "updates out of order",
            "updates: is the record's public correction history, oldest first.",
            EVENT_FILE,
            wrong=EVENT + "updates:\n  - date: 2026-02-01\n    note: Second.\n"
            "  - date: 2026-01-25\n    note: First.\n",
            right=EVENT + "updates:\n  - date: 2026-01-25\n    note: First.\n"
            "  - date: 2026-02-01\n    note: Second.\n",
            fix="List the updates oldest first.",
        ),
        Code(
            "DL502",
            "status disagrees with the history",
            "The latest update that sets a status says what the status is now.",
            EVENT_FILE,
            wrong=EVENT + "updates:\n  - date: 2026-01-25\n    status: disputed\n"
            "    note: Damascus disputes it.\n",
            right=EVENT + "status: disputed\nupdates:\n  - date: 2026-01-25\n"
            "    status: disputed\n    note: Damascus disputes it.\n",
            fix="Make status: agree with the latest update that sets one.",
        ),
        # --- DL6xx: placement ---------------------------------------------------------------
        Code(
            "DL601",
            ".yml instead of .yaml",
            "Event files end in .yaml; a .yml file would not be read as an event.",
            "2026/2026-01-20-example.yml",
            wrong=EVENT,
            right=None,
            fix="Rename it to .yaml.",
        ),
        Code(
            "DL602",
            "event file outside a year folder",
            "Event files live in year folders (<events>/<YYYY>/<id>.yaml); elsewhere they "
            "would not be read.",
            "2026-01-20-example.yaml",
            wrong=EVENT,
            right=None,
            fix="Move it into its year's folder.",
        ),
        Code(
            "DL603",
            "no such events folder",
            "--events names a folder that does not exist.",
            None,
            fix="Point --events at the folder that holds the events (default ./events).",
            no_example="it is about the command's --events option, not a file",
        ),
        Code(
            "DL604",
            "not a Dateline file",
            "A file in the events folder that is not an event, actors.yaml, places.yaml or "
            "README.md; it is ignored.",
            "2026/notes.txt",
            wrong="Some notes.\n",
            right=None,
            severity="warning",
            fix="Move it out of the events folder, or make it an event file.",
        ),
        # --- DL7xx: warnings ----------------------------------------------------------------
        Code(
            "DL701",
            "source with no URL",
            "A source without an address cannot be followed; leave it out only where the "
            "source has none (and say so in its note), never guess one.",
            EVENT_FILE,
            wrong=_event(
                "    url: https://example.org/story\n"
                "    archived: https://web.archive.org/web/2026/https://example.org/story\n",
                "",
            ),
            right=EVENT,
            severity="warning",
            fix="Add url: where the source is online.",
        ),
        Code(
            "DL702",
            "source with no archived copy",
            "Pages change and vanish; an archived copy keeps what the record cites.",
            EVENT_FILE,
            wrong=_event(
                "    archived: https://web.archive.org/web/2026/https://example.org/story\n", ""
            ),
            right=EVENT,
            severity="warning",
            fix="Add archived: with a web.archive.org or archive.today link.",
        ),
        Code(
            "DL703",
            "claim with no source",
            "A claim should say which of the event's sources reports it.",
            EVENT_FILE,
            wrong=EVENT + "claims:\n  - by: sdf\n    text: The camp was unguarded.\n",
            right=EVENT
            + "claims:\n  - by: sdf\n    text: The camp was unguarded.\n    source: 1\n",
            severity="warning",
            fix="Add source: with the number of the source.",
        ),
        Code(
            "DL704",
            "actor that no event uses",
            "An actor in actors.yaml that no event lists or quotes.",
            "actors.yaml",
            wrong=ACTORS + "nobody:\n  name: Nobody\n  kind: person\n",
            right=ACTORS,
            severity="warning",
            fix="Refer to it from an event, or remove it.",
        ),
        Code(
            "DL705",
            "place that no event uses",
            "A place in places.yaml that no event is at (a used place's parents count as used).",
            "places.yaml",
            wrong=PLACES + "iraq:\n  name: Iraq\n  kind: country\n",
            right=PLACES,
            severity="warning",
            fix="Refer to it from an event, or remove it.",
        ),
        Code(
            "DL706",
            "TODO placeholder",
            "`dateline new` writes TODO where a person must fill something in.",
            EVENT_FILE,
            wrong=_event("Government troops enter the camp.", "TODO say what happened."),
            right=EVENT,
            severity="warning",
            fix="Replace it with what the source says.",
        ),
        # --- DL9xx: Dateline ----------------------------------------------------------------
        Code(
            "DL901",
            "internal error",
            "Dateline failed while checking the file: a bug of ours, not of the file.",
            None,
            fix="Please report it, with the file.",
            no_example="no file should ever trigger it",
        ),
    ]
}


def explain(code: str) -> str:
    """The text ``dateline explain CODE`` prints."""
    entry = CODES[code]
    lines = [f"{entry.code} ({entry.severity}): {entry.title}", "", entry.meaning, ""]
    if entry.file is not None:
        lines += [f"For example, events/{entry.file}:", "", _indented(entry.shown or entry.wrong)]
        if entry.right is not None:
            lines += ["Put right:", "", _indented(entry.right)]
    lines.append(f"Fix: {entry.fix}")
    return "\n".join(lines) + "\n"


def _indented(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.rstrip("\n").split("\n"))


def table() -> str:
    """The README's table of codes (Markdown)."""
    rows = ["| code | severity | what it means |", "|---|---|---|"]
    rows += [f"| `{c.code}` | {c.severity} | {c.title} |" for c in CODES.values()]
    return "\n".join(rows) + "\n"
