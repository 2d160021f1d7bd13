"""The mistakes contributors were seen to make, each with its exact message and position.

Found by trying the contributor's path on a fresh clone: text silently lost to `#`, a
European thousands separator read as a fraction, a line separator that shifted every later
line number, a check that checked nothing, output a file could forge, and YAML syntax errors
in PyYAML's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mutations
from conftest import STORY, Events

EVENT = """\
title: A title
date: 2026-01-20
summary: Something happened.
sources:
  - title: A story
    publisher: Example News
    url: https://example.org/story
    archived: https://web.archive.org/web/2026/https://example.org/story
"""
FILE = "2026/2026-01-20-a-title.yaml"


def event(old: str, new: str) -> str:
    assert old in EVENT
    return EVENT.replace(old, new)


MISTAKES = [
    (
        event("title: A title", "title: US Begins ‘Transfer’ Of ISIS Pris #oners"),
        "1:42: error DL130: YAML reads this ' #' as the start of a comment, so the value stops "
        "at 'US Begins ‘Transfer’ Of ISIS Pris' and '#oners' is lost; if # is part of the text, "
        "quote the whole value: 'US Begins ‘Transfer’ Of ISIS Pris #oners'",
    ),
    (
        EVENT + "claims:\n  - by: sdf\n    text: The CENTCOM chief #1 failed\n    source: 1\n",
        "11:29: error DL130: YAML reads this ' #' as the start of a comment, so the value stops "
        "at 'The CENTCOM chief' and '#1 failed' is lost; if # is part of the text, quote the "
        "whole value: 'The CENTCOM chief #1 failed'",
    ),
    (
        event("    url: https://example.org/story", "    # url: https://example.org/story"),
        "7:5: error DL131: this line is commented out, so the field it holds is not read; "
        "delete the # to keep it, or delete the line",
    ),
    (
        event("summary: Something happened.", "summary: Something happened.\n# x note: hi"),
        "4:1: error DL131: comments are not read, so an event file has none after its first "
        "field; put what it says in a `note:` of the source or the update it is about, or "
        "delete it",
    ),
    (
        EVENT + "claims:\n  - by: sdf\n    text: t\n    source: 1\n"
        "    figure: {value: 1.500, unit: people, counts: escaped}\n",
        "13:21: error DL132: value: 1.500 would be read as 1.5; if it means 1500, write 1500 "
        "(numbers have no thousands separators)",
    ),
    (
        EVENT + "claims:\n  - by: sdf\n    text: t\n    source: 1\n"
        "    figure: {value: 1,500, unit: people, counts: escaped}\n",
        "13:23: error DL132: unknown field '500': inside { } a comma separates fields, so a "
        "number such as 1,500 reads as 1 and a field '500'; write numbers without separators: "
        "1500",
    ),
    (
        event("title: A title", "title: 'A\u2028title'"),
        "1:10: error DL133: the invisible character U+2028 (LINE SEPARATOR) is not allowed: "
        "YAML reads it as a line break that editors do not show, so every later line number "
        "would be wrong; delete it, or use a space",
    ),
    (
        event(
            "title: A title",
            'title: "A\\nevents/x.yaml:1:1: error: forged"',
        ),
        "1:8: error DL205: title: expected one line of plain text with no leading or trailing "
        "spaces, found 'A\\nevents/x.yaml:1:1: error: forged'",
    ),
    (
        event("title: A title", "title: Damascus: a title"),
        "1:16: error DL120: the value of 'title' holds ': ', which YAML reads as the start of "
        "another field; quote the whole value: title: 'Damascus: a title'",
    ),
    (
        event("    publisher: Example News", "     publisher: Example News"),
        "6:6: error DL121: this line is indented more than the one above it (5 spaces, not 4); "
        "the fields of one record, and the '-' items of one list, start at the same column",
    ),
    (
        event("    publisher: Example News", "   publisher: Example News"),
        "6:4: error DL121: this line is indented less than the one above it (3 spaces, not 4); "
        "the fields of one record, and the '-' items of one list, start at the same column",
    ),
    (
        event("title: A title\n", "title: A title\n\t\n"),
        "2:1: error DL122: this line holds only a tab, which YAML cannot read between fields; "
        "delete the tab (an empty line is fine)",
    ),
    (
        event("title: A title", "title: 'A title"),
        "1:8: error DL123: the quote ' that opens this value is never closed; end the value "
        "with ' on this line (a long text is better written after |, on lines of its own)",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MISTAKES)
def test_each_mistake_is_reported_where_it_is(
    events: Events, dateline, text: str, expected: str
) -> None:
    events.write(FILE, text.encode("utf-8"))  # as typed: dedent would drop a tab-only line
    result = dateline("check", f"events/{FILE}")
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stdout.splitlines() if ": error " in line]
    assert errors == [f"events/{FILE}:{expected}"]


def test_a_file_cannot_forge_a_line_of_output(events: Events, dateline) -> None:
    events.write(FILE, event("title: A title", 'title: "A\\nevents/x.yaml:1:1: error: forged"'))
    lines = dateline("check").stdout.splitlines()
    assert not [line for line in lines if line.startswith("events/x.yaml")]


def test_checking_a_file_outside_the_events_folder_is_a_usage_error(
    events: Events, dateline, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(EVENT, encoding="utf-8")
    result = dateline("check", str(draft))
    assert result.exit_code == 2
    assert "draft.yaml is not in the events folder events, so nothing would check it" in (
        result.output
    )


def test_no_comment_typed_into_an_event_is_lost_silently(tmp_path: Path) -> None:
    files = sorted(STORY.glob("*/*.yaml"))
    assert len(files) > 5
    silent = [m for path in files for m in mutations.lost(path, tmp_path)]
    assert silent == []
