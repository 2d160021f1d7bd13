"""`dateline new`: a valid file at the right path, from what a person types."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Events
from dateline import dataset
from dateline.scaffold import make_id, slugify


@pytest.mark.parametrize(
    ("title", "date", "path", "edtf"),
    [
        (
            "Government troops enter Al-Hawl camp",
            "20 January 2026",
            "2026/2026-01-20-government-troops-enter-al-hawl-camp.yaml",
            "2026-01-20",
        ),
        (
            "SOHR reports helicopters over Deir Ezzor",
            "Aug 2017",
            "2017/2017-08-sohr-reports-helicopters-over-deir-ezzor.yaml",
            "2017-08",
        ),
        ("PMU report", "2021", "2021/2021-pmu-report.yaml", "2021"),
        (
            "Al-Shaddadi prison falls",
            "2026-01-17~",
            "2026/2026-01-17-al-shaddadi-prison-falls.yaml",
            "2026-01-17~",
        ),
        ("Before the war", "../2006", "2006/2006-before-the-war.yaml", "../2006"),
        ("مخيم الهول", "2026-01-20", "2026/2026-01-20-event.yaml", "2026-01-20"),
    ],
)
def test_new_writes_a_file_that_passes_check(
    events: Events, dateline, title: str, date: str, path: str, edtf: str
) -> None:
    result = dateline(
        "new",
        "--title",
        title,
        "--date",
        date,
        "--tag",
        "al-hawl",
        "--actor",
        "sdf",
        "--place",
        "al-hawl-camp",
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"events/{path}\n"
    text = (events.root / path).read_text(encoding="utf-8")
    assert f"date: {edtf}\n" in text
    check = dateline("check", f"events/{path}")
    assert check.exit_code == 0, check.output
    loaded = dataset.load(events.root)
    event = loaded.events[Path(path).stem]
    assert (event.title, event.date, event.tags, event.actors, event.places) == (
        title,
        edtf,
        ["al-hawl"],
        ["sdf"],
        ["al-hawl-camp"],
    )
    # The placeholders are flagged until someone fills them in.
    assert check.stdout.count("TODO placeholder") == 2
    assert dateline("check", "--strict", f"events/{path}").exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "32 January 2026"], "Error: --date: "),
        (["--date", "01/02/2026"], "could mean either of two days (2026-01-02 or 2026-02-01)"),
        (["--actor", "sdff"], "Error: unknown actor 'sdff' — did you mean 'sdf'?"),
        (["--place", "atlantis"], "Error: unknown place 'atlantis'; add it to"),
        (["--tag", "Not A Slug"], "Error: --tag 'Not A Slug': expected a slug"),
        (["--title", "x" * 201], "Error: --title: is too long: 201 characters"),
    ],
)
def test_new_refuses_bad_input(events: Events, dateline, args: list[str], message: str) -> None:
    base = {"--title": "A title", "--date": "2026-01-20"}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    flat = [part for pair in base.items() for part in pair]
    result = dateline("new", *flat)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_new_refuses_to_overwrite(events: Events, dateline) -> None:
    args = ("new", "--title", "Syrian army enters Al-Hawl camp", "--date", "20 January 2026")
    result = dateline(*args)
    assert result.exit_code == 1
    assert "2026-01-20-syrian-army-enters-al-hawl-camp.yaml already exists" in result.output


def test_new_without_options_is_a_usage_error(events: Events, dateline) -> None:
    result = dateline("new")
    assert result.exit_code == 2
    assert "give --title and --date (or run it on a terminal to be asked)" in result.output


def test_slugs_and_ids() -> None:
    from dateline import dates

    assert slugify("Al-Hawl: the camp’s fall (2026)") == "al-hawl-the-camps-fall-2026"
    assert slugify("Déir ez-Zór") == "deir-ez-zor"
    long_id = make_id("word " * 60, dates.parse("2026-01-20"))
    assert len(long_id) <= 100
    assert not long_id.endswith("-")
