"""A contributor's YAML mistakes in a contributor's words, and the text YAML would drop.

Two jobs on the raw text of a file, beside the parser:

* :func:`explain` turns PyYAML's syntax errors ("mapping values are not allowed in this
  context", "did not find expected '-' indicator") into what went wrong and how to fix it,
  at the line where the mistake is: an unquoted ``: `` in a value, a line indented unlike its
  neighbours, a tab, a quote or bracket never closed, a missing space after ``:`` or ``-``.
* :func:`comments` finds the comments YAML would skip without a word. A ``#`` after a plain
  value ends the value (``title: Pris #oners`` stores "Pris"), so a comment after a plain
  value on its line is always reported; an event file may carry comment lines only before
  its first field (a header, such as the editor's schema line), because a comment among the
  fields is text that nobody reads: a note belongs in a ``note:`` field.

And :func:`invisible_breaks`: YAML counts U+2028, U+2029 and U+0085 as line breaks that no
editor shows, so one of them shifts every later line number.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple

import yaml


class Mistake(NamedTuple):
    """A problem at a 1-based line and column, with its diagnostic code."""

    line: int
    column: int
    code: str
    message: str


class Scalar(NamedTuple):
    """Where a scalar's text lies in the file (character offsets), and whether it is plain."""

    start: int
    end: int
    plain: bool


# --- invisible line breaks ---------------------------------------------------------------------

_BREAKS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\u0085": "NEXT LINE"}
_BREAK_RE = re.compile("[\u2028\u2029\u0085]")


def invisible_breaks(text: str) -> Mistake | None:
    """The first character YAML reads as a line break but editors do not, if any."""
    found = _BREAK_RE.search(text)
    if found is None:
        return None
    line, column = position(text, found.start())
    char = found.group()
    return Mistake(
        line,
        column,
        "DL133",
        f"the invisible character U+{ord(char):04X} ({_BREAKS[char]}) is not allowed: YAML "
        "reads it as a line break that editors do not show, so every later line number "
        "would be wrong; delete it, or use a space",
    )


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, counting only ``\\n`` as a break."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- comments ----------------------------------------------------------------------------------


def comments(text: str, scalars: Sequence[Scalar], *, header_only: bool) -> list[Mistake]:
    """The comments of ``text`` that would lose what they hold (see the module docstring).

    ``scalars`` are the file's scalars in order; a ``#`` inside one is text, not a comment.
    """
    if "#" not in text:
        return []
    starts = [s.start for s in scalars]
    first_key = scalars[0].start if scalars else len(text)
    found: list[Mistake] = []
    for match in re.finditer(r"(?:^|(?<=[ \t]))#", text, re.MULTILINE):
        at = match.start()
        index = bisect.bisect_right(starts, at) - 1
        if index >= 0 and at < scalars[index].end:
            continue  # inside a scalar: a quoted or block value holds it
        line_start = text.rfind("\n", 0, at) + 1
        before = text[line_start:at]
        line, column = position(text, at)
        if before.strip():  # after something on its line
            previous = scalars[index] if index >= 0 else None
            if previous is not None and previous.plain and not text[previous.end : at].strip():
                found.append(_after_plain(text, previous, line, column))
            elif header_only:
                found.append(_inline(line, column))
        elif header_only and at > first_key:
            found.append(_among_fields(text, at, line, column))
    return found


def _after_plain(text: str, value: Scalar, line: int, column: int) -> Mistake:
    line_end = text.find("\n", value.end)
    rest = text[value.end : line_end if line_end >= 0 else len(text)].strip()
    kept = text[value.start : value.end]
    whole = f"{kept} {rest}"
    quoted = "'" + whole.replace("'", "''") + "'"
    return Mistake(
        line,
        column,
        "DL130",
        f"YAML reads this ' #' as the start of a comment, so the value stops at {kept!r} and "
        f"{rest!r} is lost; if # is part of the text, quote the whole value: {quoted}",
    )


def _inline(line: int, column: int) -> Mistake:
    return Mistake(
        line,
        column,
        "DL131",
        "comments are not read, so an event file has none after its first field; put what "
        "it says in a `note:` of the source or the update it is about, or delete it",
    )


_FIELD_IN_COMMENT = re.compile(r"#\s*(-\s*)?[a-z_]+:")


def _among_fields(text: str, at: int, line: int, column: int) -> Mistake:
    line_end = text.find("\n", at)
    comment = text[at : line_end if line_end >= 0 else len(text)]
    if _FIELD_IN_COMMENT.match(comment):
        return Mistake(
            line,
            column,
            "DL131",
            "this line is commented out, so the field it holds is not read; delete the # to "
            "keep it, or delete the line",
        )
    return _inline(line, column)


# --- syntax errors -----------------------------------------------------------------------------


def explain(text: str, error: yaml.MarkedYAMLError) -> Mistake:
    """A syntax error as the contributor's mistake, where it is, and its fix."""
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or ""
    context_mark = error.context_mark
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    for rule in (_tab, _unclosed, _colon_in_value, _missing_space, _apostrophe, _indent):
        found = rule(lines, line, column, problem, here, context_mark)
        if found is not None:
            return found
    if problem.startswith("block sequence entries are not allowed"):
        return Mistake(
            line,
            column,
            "DL121",
            "a '- ' list cannot begin on the line of its field; put each item on a line of its "
            "own, indented under the field, or write the list in brackets: [a, b]",
        )
    if problem.startswith("found character that cannot start any token"):
        char = here[column - 1 : column]
        return Mistake(
            line,
            column,
            "DL126",
            f"a value cannot begin with {char!r} unless it is quoted; quote it: "
            f"'{here[column - 1 :].strip()}'",
        )
    message = f"this is not YAML that Dateline can read: {problem or error.context}"
    if error.context and context_mark is not None:
        message += (
            f" ({error.context} that starts at line {context_mark.line + 1}, "
            f"column {context_mark.column + 1})"
        )
    return Mistake(line, column, "DL105", message)


def _tab(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    if "tab" not in problem and here[column - 1 : column] != "\t":
        return None
    if not here.strip():
        return Mistake(
            line,
            1,
            "DL122",
            "this line holds only a tab, which YAML cannot read between fields; delete the "
            "tab (an empty line is fine)",
        )
    tab = here.find("\t") + 1
    return Mistake(
        line,
        tab or column,
        "DL122",
        "a tab indents this line, and YAML indents with spaces only; replace the tab with "
        "spaces, lined up with the line above",
    )


def _unclosed(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    if start is None:
        return None
    opening = lines[start.line][start.column : start.column + 1] if start.line < len(lines) else ""
    at = (start.line + 1, start.column + 1)
    if "end of stream" in problem and opening in ("'", '"'):
        return Mistake(
            *at,
            "DL123",
            f"the quote {opening} that opens this value is never closed; end the value with "
            f"{opening} on this line (a long text is better written after |, on lines of its own)",
        )
    closing = {"[": "]", "{": "}"}.get(opening)
    if closing is not None and f"'{closing}'" in problem:
        instead = "'- ' items" if opening == "[" else "one field a line"
        return Mistake(
            *at,
            "DL124",
            f"the {opening} that opens here is never closed; end it with {closing} on this line "
            f"(on several lines it is better written as {instead})",
        )
    return None


_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w-]*):(?:\s|$)")


def _colon_in_value(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    if not problem.startswith("mapping values are not allowed"):
        return None
    key = _KEY_LINE.match(here)
    previous = _previous_key_line(lines, line)
    if key is not None and key.end() > column:  # the colon is the line's own key's colon
        if previous is not None and key.start(2) != previous.start(2):
            return _misaligned(line, key.start(2), previous.start(2))
        return None
    glued = _glued_key(lines, line)
    if glued is not None:
        return glued
    value = here[key.end() :].strip() if key is not None else here.strip()
    quoted = "'" + value.replace("'", "''") + "'"
    what, fix = (
        (f"the value of {key.group(2)!r}", f"{key.group(2)}: {quoted}")
        if key
        else (
            "this value",
            quoted,
        )
    )
    return Mistake(
        line,
        column,
        "DL120",
        f"{what} holds ': ', which YAML reads as the start of another field; quote the whole "
        f"value: {fix}",
    )


def _missing_space(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    if problem.startswith("could not find expected ':'") and start is not None:
        glued = _glued_key(lines, start.line + 2)
        if glued is not None:
            return glued
        first = lines[start.line] if start.line < len(lines) else ""
        dash = re.match(r"^(\s*)-(\S)", first)
        if dash is not None:
            return Mistake(
                start.line + 1,
                len(dash.group(1)) + 1,
                "DL125",
                f"write a space after '-': '- {first.strip()[1:]}'",
            )
        return Mistake(
            start.line + 1,
            start.column + 1,
            "DL121",
            "this line is read as a field but has no ': '; indent it under the field it "
            "belongs to (the text of a | block is indented by two more spaces), or give it "
            "its key",
        )
    return _glued_key(lines, line) if problem.startswith("mapping values") else None


def _glued_key(lines: list[str], line: int) -> Mistake | None:
    for number in range(line - 1, max(0, line - 3), -1):
        glued = re.match(r"^(\s*)(?:-\s+)?([A-Za-z_][\w-]*):(\S)", lines[number - 1])
        if glued is not None and not glued.group(3).startswith(("/", ":")):
            column = glued.end() - 1
            return Mistake(
                number,
                column,
                "DL125",
                f"write a space after the colon: '{glued.group(2)}: "
                f"{lines[number - 1][column:].strip()}'",
            )
    return None


def _apostrophe(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    quoted = re.match(r"^(\s*(?:-\s+)?[A-Za-z_][\w-]*:\s*)'(.*)'\s*$", here)
    if quoted is None or "'" not in quoted.group(2).replace("''", ""):
        return None
    return Mistake(
        line,
        len(quoted.group(1)) + 1,
        "DL127",
        "a value in single quotes ends at the next ', so an apostrophe inside it must be "
        f"written twice: '{quoted.group(2).replace(chr(39), chr(39) * 2)}' (or use double "
        "quotes)",
    )


def _indent(
    lines: list[str], line: int, column: int, problem: str, here: str, start: yaml.Mark | None
) -> Mistake | None:
    indentation = (
        "did not find expected key",
        "did not find expected '-' indicator",
        "expected <block end>",
    )
    if not problem.startswith(indentation):
        return None
    dash = _DASH.match(here)
    if dash is not None:
        previous_dash = _previous(lines, line, _DASH)
        if previous_dash is None:
            return Mistake(
                line,
                len(dash.group(1)) + 1,
                "DL121",
                "a '-' list item stands here among the fields of a record; a list belongs "
                "under the field it is the value of, indented, e.g. 'tags:' and then '  - isis'",
            )
        if len(dash.group(1)) != len(previous_dash.group(1)):
            return _misaligned(
                line, len(dash.group(1)), len(previous_dash.group(1)), "this '-' item"
            )
    key = _KEY_LINE.match(here)
    previous = _previous_key_line(lines, line)
    if key is None or previous is None or key.start(2) == previous.start(2):
        return None
    return _misaligned(line, key.start(2), previous.start(2))


_DASH = re.compile(r"^(\s*)-(?:\s|$)")


def _previous(lines: list[str], line: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for number in range(line - 1, 0, -1):
        found = pattern.match(lines[number - 1])
        if found is not None:
            return found
    return None


def _previous_key_line(lines: list[str], line: int) -> re.Match[str] | None:
    return _previous(lines, line, _KEY_LINE)


def _misaligned(line: int, indent: int, other: int, what: str = "this line") -> Mistake:
    where = "more" if indent > other else "less"
    spaces = "space" if indent == 1 else "spaces"
    return Mistake(
        line,
        indent + 1,
        "DL121",
        f"{what} is indented {where} than the one above it ({indent} {spaces}, not "
        f"{other}); the fields of one record, and the '-' items of one list, start at the "
        "same column",
    )
