"""Problems found in a dataset, and the three ways `dateline check` prints them.

A :class:`Diagnostic` always names a file, a 1-based line and column, and a message that
says what would be right. Every stage (reading, YAML, types, references) produces them, so a
contributor sees every problem of every file in one run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

Severity = Literal["error", "warning"]


class Diagnostic(msgspec.Struct, frozen=True, kw_only=True):
    """One problem at one place in one file."""

    file: str
    line: int
    column: int
    code: str  # stable, e.g. DL405; `dateline explain DL405` says what it means
    message: str
    severity: Severity = "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)


def quote(value: str, limit: int = 60, mark: str = "'") -> str:
    """A value as a message shows it: quoted, and cut short if long (the position says where
    the whole value is)."""
    shown = value if len(value) <= limit else value[: limit - 3] + "..."
    return f"{mark}{shown}{mark}"


def display_path(file: str | Path, cwd: str | Path | None = None) -> str:
    """The path as a person at ``cwd`` would type it: relative where that is shorter."""
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, cwd or os.getcwd())
    except ValueError:  # another drive on Windows
        return absolute
    return absolute if relative.startswith(".." + os.sep + "..") else relative


def shown(items: Iterable[Diagnostic], base: Path | None = None) -> list[Diagnostic]:
    """The diagnostics with their files named for a reader: from ``base`` (a repository root,
    with ``/``) where given, else as a person in the current folder would type them."""
    out: list[Diagnostic] = []
    for d in items:
        if base is None:
            file = display_path(d.file)
        else:
            relative = os.path.relpath(os.path.abspath(d.file), os.path.abspath(base))
            file = Path(relative).as_posix()
        out.append(msgspec.structs.replace(d, file=file))
    return out


_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text with its control characters written as escapes (a newline as ``\\n``), so that
    a value quoted in a message cannot break its line or forge another diagnostic."""
    return _CONTROLS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r"}
    return named.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """``file:line:col: severity CODE: message``, the form editors and terminals link."""
    return "".join(
        f"{printable(d.file)}:{d.line}:{d.column}: {d.severity} {d.code}: {printable(d.message)}\n"
        for d in diagnostics
    )


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # GitHub workflow commands treat %, CR and LF (and in properties also : and ,) specially.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which show as annotations on a pull request; the
    code is the annotation's title."""
    return "".join(
        f"::{d.severity} file={_github_escape(printable(d.file), property_value=True)},"
        f"line={d.line},col={d.column},title={_github_escape(d.code, property_value=True)}"
        f"::{_github_escape(printable(d.message))}\n"
        for d in diagnostics
    )


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """One JSON document: ``{"errors": n, "warnings": n, "diagnostics": [...]}``."""
    items = list(diagnostics)
    document = {
        "errors": sum(d.severity == "error" for d in items),
        "warnings": sum(d.severity == "warning" for d in items),
        "diagnostics": items,
    }
    return msgspec.json.format(msgspec.json.encode(document).decode(), indent=2) + "\n"


RENDERERS = {"text": render_text, "github": render_github, "json": render_json}
