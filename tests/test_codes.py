"""Every diagnostic code is explained, with a file that gets it and the file put right, and
the README lists them all; every code the package can emit is one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from dateline import codes
from dateline.cli import main

PACKAGE = REPO / "api" / "dateline"
EXAMPLES = [c for c in codes.CODES.values() if c.file is not None]


def emitted() -> set[str]:
    """The codes the package's source mentions outside the registry."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name != "codes.py":
            found.update(re.findall(r"\bDL\d{3}\b", path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_package_emits_is_explained() -> None:
    assert emitted() - set(codes.CODES) == set()


def test_every_explained_code_is_emitted() -> None:
    assert set(codes.CODES) - emitted() == set()


def test_codes_are_in_order_and_well_formed() -> None:
    assert list(codes.CODES) == sorted(codes.CODES)
    for entry in codes.CODES.values():
        assert re.fullmatch(r"DL[1-9]\d\d", entry.code)
        assert entry.title, entry.code
        assert entry.meaning, entry.code
        assert entry.fix, entry.code
        assert entry.severity in ("error", "warning")
        assert (entry.file is None) == bool(entry.no_example), entry.code


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def dataset(tmp_path: Path, entry: codes.Code, text: str | None) -> Path:
    """The examples' dataset, with the example's file (``text``; None: the file is absent)."""
    root = tmp_path / "events"
    for relative, content in {
        "actors.yaml": codes.ACTORS,
        "places.yaml": codes.PLACES,
        codes.BASE_EVENT_FILE: codes.BASE_EVENT,
        **entry.extra,
    }.items():
        write(root, relative, content)
    if text is not None:
        assert entry.file is not None
        write(root, entry.file, text)
    return root


def reported(root: Path, runner) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    import json

    result = runner.invoke(main, ["check", "--events", str(root), "--format", "json"])
    return [(d["code"], d["severity"]) for d in json.loads(result.stdout)["diagnostics"]]


@pytest.mark.parametrize("entry", EXAMPLES, ids=[c.code for c in EXAMPLES])
def test_the_example_gets_its_code_and_the_fix_does_not(
    entry: codes.Code, tmp_path: Path, runner
) -> None:
    found = reported(dataset(tmp_path / "wrong", entry, entry.wrong), runner)
    assert (entry.code, entry.severity) in found, found
    fixed = reported(dataset(tmp_path / "right", entry, entry.right), runner)
    assert fixed == [], fixed  # put right, the dataset is clean


def test_the_examples_dataset_is_clean(tmp_path: Path, runner) -> None:
    root = tmp_path / "events"
    write(root, "actors.yaml", codes.ACTORS)
    write(root, "places.yaml", codes.PLACES)
    write(root, codes.BASE_EVENT_FILE, codes.BASE_EVENT)
    write(root, codes.EVENT_FILE, codes.EVENT)
    assert reported(root, runner) == []


@pytest.mark.parametrize("code", sorted(codes.CODES))
def test_explain_prints_the_entry(code: str, dateline) -> None:
    result = dateline("explain", code)
    assert result.exit_code == 0
    entry = codes.CODES[code]
    assert result.output == codes.explain(code)
    assert result.output.startswith(f"{code} ({entry.severity}): {entry.title}\n")
    assert f"Fix: {entry.fix}" in result.output


def test_explain_accepts_lower_case_and_refuses_unknown_codes(dateline) -> None:
    assert dateline("explain", "dl405").output == codes.explain("DL405")
    result = dateline("explain", "DL999")
    assert result.exit_code == 2
    assert "DL999 is not a Dateline code" in result.output


def test_the_readme_lists_every_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert codes.table() in readme
