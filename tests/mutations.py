"""Comment mutations of event files: every one must be reported, or lose nothing.

A `#` typed into a YAML file can silently turn the rest of a line, or a whole line, into a
comment. Each mutation here inserts one, in one of the ways a person types it, into a valid
event file; the loader must then either report an error, or give a typed record that holds
everything the original did (the inserted characters may have become part of a text, which
loses nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from dateline import dataset

SNIPPET = "#x"


def mutations(text: str) -> Iterator[tuple[str, str, str]]:
    """(description, mutated text, what was inserted) for each way of typing a comment into
    ``text``."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            continue

        def mutated(new: str, number: int = number) -> str:
            return "\n".join([*lines[:number], new, *lines[number + 1 :]])

        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        yield f"line {number + 1}: '# ' before it", mutated(f"{indent}# {stripped}"), "# "
        yield (
            f"line {number + 1}: ' {SNIPPET}' at its end",
            mutated(f"{line} {SNIPPET}"),
            f" {SNIPPET}",
        )
        words = [i for i, char in enumerate(line) if char == " " and i > len(indent)]
        for at in words[:1] + words[len(words) // 2 : len(words) // 2 + 1] + words[-1:]:
            yield (
                f"line {number + 1}: ' {SNIPPET}' at column {at + 1}",
                mutated(f"{line[:at]} {SNIPPET}{line[at:]}"),
                f" {SNIPPET}",
            )


def _without(value: Any, snippet: str) -> Any:
    if isinstance(value, str):
        return value.replace(snippet, "")
    if isinstance(value, list):
        return [_without(v, snippet) for v in value]
    if isinstance(value, dict):
        return {k: _without(v, snippet) for k, v in value.items()}
    return value


def lost(original: Path, scratch: Path) -> list[str]:
    """The mutations of the event file ``original`` that lose data without an error.

    Each mutated copy is written to ``scratch/<year>/<same name>`` and loaded alone.
    """
    text = original.read_text(encoding="utf-8")
    before = dataset.load_event_file(str(original)).event
    assert before is not None, original
    expected = msgspec.to_builtins(before)
    target = scratch / original.parent.name / original.name
    target.parent.mkdir(parents=True, exist_ok=True)
    silent: list[str] = []
    for description, changed, inserted in mutations(text):
        target.write_text(changed, encoding="utf-8")
        loaded = dataset.load_event_file(str(target))
        if any(d.severity == "error" for d in loaded.diagnostics):
            continue  # reported
        after = msgspec.to_builtins(loaded.event)
        if after != expected and _without(after, inserted) != _without(expected, inserted):
            silent.append(f"{original.name}, {description}")
    return silent
