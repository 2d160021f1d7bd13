"""The contributor's tooling: the pull-request and publishing workflows, pre-commit, the
editor schema, and the GitHub annotation syntax."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import msgspec
import pytest

from conftest import REPO, Events
from dateline import dataset, model

BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_the_workflows_pass_actionlint() -> None:
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert {w.name for w in workflows} == {"gate.yml", "publish.yml"}
    result = run(str(BIN / "actionlint"), *map(str, workflows))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gate_checks_builds_and_runs_the_tests_as_ci_does() -> None:
    gate = (REPO / ".github" / "workflows" / "gate.yml").read_text(encoding="utf-8")
    assert "on:\n  pull_request:" in gate
    assert 'dateline check --changed="$BASE" --format github' in gate
    assert "dateline build" in gate
    assert "bash .ci/run" in gate
    publish = (REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert "actions/deploy-pages" in publish
    assert "branches: [main]" in publish


def test_the_pre_commit_files_are_valid() -> None:
    for command, file in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        result = run(str(BIN / "pre-commit"), command, file)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_hook_s_command_checks_the_files_it_is_given(events: Events, tmp_path: Path) -> None:
    # pre-commit runs `entry` with the staged files that match `files` as arguments.
    import yaml

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert re.match(hook["files"], "events/2026/2026-01-20-x.yaml")
    broken = events.write("2026/2026-01-21-broken.yaml", "title: Broken\n")
    command = [str(BIN / hook["entry"].split()[0]), *hook["entry"].split()[1:]]
    result = subprocess.run(
        [*command, "events/2026/2026-01-21-broken.yaml"],
        cwd=events.root.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"events/2026/{broken.name}:1:1: error DL201" in result.stdout


# --- the GitHub annotation syntax -----------------------------------------------------------

# https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
ANNOTATION = re.compile(
    r"^::(error|warning) file=([^,:]*),line=(\d+),col=(\d+),title=(DL\d{3})::([^\r\n]*)$"
)


def test_github_output_follows_the_workflow_command_syntax(events: Events, dateline) -> None:
    events.write("2026/2026-01-21-a.yaml", 'title: "100% wrong\\nforged"\n')
    events.write("2026/odd, name: here.txt", "not an event\n")
    result = dateline("check", "--format", "github")
    lines = result.output.splitlines()
    assert lines
    for line in lines:
        assert ANNOTATION.match(line), line
    assert any("100%25 wrong\\nforged" in line for line in lines)  # % escaped, no raw newline
    assert any("file=events/2026/odd%2C name%3A here.txt," in line for line in lines)


# --- the editor schema ----------------------------------------------------------------------

SHIPPED = REPO / "site" / "docs" / "schema" / "event.json"


def test_the_shipped_schema_is_the_model_s(dateline) -> None:
    result = dateline("export", "schema")
    assert result.exit_code == 0
    assert result.stdout_bytes == model.event_schema()
    assert SHIPPED.read_bytes() == model.event_schema(), "run: dateline export schema --out " + (
        str(SHIPPED.relative_to(REPO))
    )


def test_the_api_serves_the_same_schema(world_client) -> None:  # type: ignore[no-untyped-def]
    assert world_client.get("/api/v1/schema/event").content == model.event_schema()


def test_the_schema_accepts_valid_events_and_refuses_unknown_fields(world: Events) -> None:
    validator = jsonschema_rs.validator_for(json.loads(model.event_schema()))
    loaded = dataset.load(world.root)
    assert loaded.events
    for event in loaded.events.values():
        validator.validate(msgspec.to_builtins(event))
    bad = {**msgspec.to_builtins(next(iter(loaded.events.values()))), "sumary": "typo"}
    assert not validator.is_valid(bad)


def test_new_files_name_the_schema_for_editors(tmp_path: Path, dateline) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "site" / "docs" / "schema", root / "site" / "docs" / "schema")
    (root / "events").mkdir()
    result = dateline(
        "new", "--events", str(root / "events"), "--title", "Something", "--date", "2026-02-01"
    )
    assert result.exit_code == 0, result.output
    written = root / "events" / "2026" / "2026-02-01-something.yaml"
    first = written.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../site/docs/schema/event.json"
    assert (written.parent / first.split("=", 1)[1]).resolve() == (
        root / "site" / "docs" / "schema" / "event.json"
    ).resolve()


@pytest.mark.parametrize("where", ["no schema beside the events"])
def test_without_the_schema_new_writes_no_modeline(tmp_path: Path, dateline, where: str) -> None:
    (tmp_path / "events").mkdir()
    result = dateline(
        "new", "--events", str(tmp_path / "events"), "--title", "Something", "--date", "2026"
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "events" / "2026" / "2026-something.yaml").read_text(encoding="utf-8")
    assert "yaml-language-server" not in text


# --- CONTRIBUTING.md ------------------------------------------------------------------------


def test_the_worked_example_of_contributing_runs(tmp_path: Path, dateline) -> None:
    import shlex

    from conftest import STORY, copy_events

    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    command = re.search(r"\.venv/bin/dateline new (.*?)\n```", guide, re.DOTALL)
    assert command is not None
    args = shlex.split(command.group(1).replace("\\\n", " "))
    events = copy_events(STORY, tmp_path)
    result = dateline("new", "--events", str(events), *args)
    assert result.exit_code == 0, result.output
    written = re.search(r"It writes `events/(.*?)`", guide)
    assert written is not None
    assert (events / written.group(1)).is_file()
    assert dateline("check", "--events", str(events)).exit_code == 0


def test_contributing_states_the_licences() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "MIT" in guide
    assert "CC BY 4.0" in guide
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
