"""Dates as people say them: what `dateline new` proposes, and the interactive `new` driven
through a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Events
from dateline import dates, phrases

DATELINE = str(Path(sys.executable).parent / "dateline")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("20 January 2026", ["2026-01-20"]),
        ("January 2026?", ["2026-01?"]),
        ("c. 2017", ["2017~"]),
        ("circa Aug 2017", ["2017-08~"]),
        ("about 17 January 2026?", ["2026-01-17%"]),
        ("3 days before 23 January 2026", ["2026-01-20"]),
        ("2 weeks after 1 January 2026", ["2026-01-15"]),
        ("17 to 22 January 2026", ["2026-01-17/2026-01-22", "[2026-01-17..2026-01-22]"]),
        ("20-22 January 2026", ["2026-01-20/2026-01-22", "[2026-01-20..2026-01-22]"]),
        ("Aug–Oct 2017", ["2017-08/2017-10", "[2017-08..2017-10]"]),
        ("2017-2021", ["2017/2021", "[2017..2021]"]),
        (
            "mid-January 2026",
            ["2026-01-15~", "2026-01-11/2026-01-20", "[2026-01-11..2026-01-20]"],
        ),
        ("late February 2024", ["2024-02-21/2024-02-29", "[2024-02-21..2024-02-29]"]),
        ("early 2026", ["2026-01/2026-04", "[2026-01..2026-04]"]),
        ("Tuesday 20 January 2026", ["2026-01-20"]),
        ("2026-01-17~", ["2026-01-17~"]),
    ],
)
def test_phrases_read_as_a_careful_editor_would_write_them(
    phrase: str, expected: list[str]
) -> None:
    found = phrases.readings(phrase)
    assert [r.edtf for r in found] == expected
    for reading in found:
        assert reading.label == dates.parse(reading.edtf).label


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("Monday 20 January 2026", "20 January 2026 was a Tuesday, not a Monday; check the date"),
        ("sometime", None),
    ],
)
def test_phrases_that_mean_no_date_are_refused(phrase: str, message: str | None) -> None:
    with pytest.raises(dates.DateError) as refused:
        phrases.readings(phrase)
    if message is not None:
        assert str(refused.value) == message


def test_new_writes_an_unambiguous_phrase_and_refuses_an_ambiguous_one(
    events: Events, dateline
) -> None:
    result = dateline("new", "--title", "A guess", "--date", "c. 2017")
    assert result.exit_code == 0, result.output
    assert "date: 2017~" in Path("events/2017/2017-a-guess.yaml").read_text(encoding="utf-8")
    result = dateline("new", "--title", "A fall", "--date", "17 to 22 January 2026")
    assert result.exit_code == 1
    assert (
        "'17 to 22 January 2026' could mean more than one date; write the one you mean: "
        "2026-01-17/2026-01-22 (17–22 January 2026: something that lasted the whole range); "
        "[2026-01-17..2026-01-22] (some day between 17 and 22 January 2026: one unknown day "
        "(month, year) of the range)"
    ) in result.output


class Terminal:
    """A command on a pseudo-terminal: answer its prompts as a person types."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        main, replica = pty.openpty()
        self.main = main
        self.process = subprocess.Popen(
            args, cwd=cwd, stdin=replica, stdout=replica, stderr=replica, close_fds=True
        )
        os.close(replica)
        self.seen = ""

    def expect(self, text: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {text!r} in:\n{self.seen}")
            ready, _, _ = select.select([self.main], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.main, 4096).decode("utf-8", "replace")
                except OSError:  # the command ended
                    break
        assert text in self.seen, self.seen

    def type(self, line: str) -> None:
        os.write(self.main, (line + "\n").encode("utf-8"))

    def close(self) -> int:
        code = self.process.wait(timeout=30)
        os.close(self.main)
        return code


def test_new_asks_on_a_terminal_and_writes_a_file_that_passes_check(events: Events) -> None:
    terminal = Terminal([DATELINE, "new"], events.root.parent)
    try:
        terminal.expect("Title, in a few words:")
        terminal.type("Al-Shaddadi prison falls")
        terminal.expect("When?")
        terminal.type("Monday 20 January 2026")  # a wrong weekday is refused, and asked again
        terminal.expect("was a Tuesday, not a Monday")
        terminal.expect("When?")
        terminal.type("17 to 22 January 2026")
        terminal.expect("2. [2026-01-17..2026-01-22]  some day between 17 and 22 January 2026")
        terminal.expect("Which one?")
        terminal.type("2")
        terminal.expect("Tags")
        terminal.type("prison-break")
        terminal.expect("Actors (from: sdf, syrian-army;")
        terminal.type("sdff")
        terminal.expect("not known: sdff")
        terminal.type("sdf")
        terminal.expect("Places (from: al-hawl-camp, syria;")
        terminal.type("")
        terminal.expect("events/2026/2026-01-17-al-shaddadi-prison-falls.yaml")
    finally:
        code = terminal.close()
    assert code == 0, terminal.seen
    written = events.root / "2026" / "2026-01-17-al-shaddadi-prison-falls.yaml"
    text = written.read_text(encoding="utf-8")
    assert "date: [2026-01-17..2026-01-22]" in text or "date: '[2026-01-17..2026-01-22]'" in text
    assert "actors: [sdf]" in text
    check = subprocess.run(
        [DATELINE, "check"], cwd=events.root.parent, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
