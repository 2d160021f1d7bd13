"""The README is documentation that is tested: its commands, its example, its field tables."""

from __future__ import annotations

import re

import msgspec
import pytest

from conftest import REPO, Events
from dateline import model
from dateline.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")


def fenced_after(marker: str, language: str) -> str:
    """The first ```language block after the line containing ``marker``."""
    tail = README[README.index(marker) :]
    match = re.search(rf"```{language}\n(.*?)```", tail, re.DOTALL)
    assert match, f"no {language} block after {marker!r}"
    return match.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = fenced_after("Run all tests", "sh").strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_the_main_command_is_a_dateline_command() -> None:
    main_command = fenced_after("Run the main job", "sh").strip()
    assert main_command.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert ".venv/bin/dateline " in main_command


@pytest.mark.parametrize("command", sorted(main.commands))  # type: ignore[attr-defined]
def test_every_command_is_documented(command: str) -> None:
    assert f"`dateline {command}" in README
    assert main.commands[command].help  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("record", "heading"),
    [
        (model.Event, "### Event fields"),
        (model.Claim, "### Claim fields"),
        (model.Figure, "| figure field |"),
        (model.Source, "### Source fields"),
        (model.Update, "### Update fields"),
        (model.Actor, "| actor field |"),
        (model.Place, "| place field |"),
    ],
)
def test_every_field_is_documented(record: type[msgspec.Struct], heading: str) -> None:
    section = README[README.index(heading) :].split("\n\n#", 1)[0]
    for field in msgspec.structs.fields(record):
        assert f"`{field.name}`" in section, f"{record.__name__}.{field.name}"


def test_the_broken_example_prints_what_the_readme_says(events: Events, dateline) -> None:
    example = fenced_after("A broken file:", "yaml")
    name = example.splitlines()[0].removeprefix("# events/")
    events.write(name, example)
    expected = fenced_after("what `dateline check` prints", "text")
    result = dateline("check", f"events/{name}")
    assert result.exit_code == 1
    assert result.stdout == expected
