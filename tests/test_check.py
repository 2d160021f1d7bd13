"""`dateline check`: every kind of bad input, at its exact line and column."""

from __future__ import annotations

import json
import time
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EVENT, EVENT_PATH, Events
from dateline import dataset, model

FIELDS = (
    {f.name for f in msgspec.structs.fields(model.Event)}
    | {f.name for f in msgspec.structs.fields(model.Claim)}
    | {f.name for f in msgspec.structs.fields(model.Figure)}
    | {"bogus"}
)

SOURCES = "sources: [{title: t, publisher: p, url: 'https://example.org/a', archived: 'https://web.archive.org/a'}]\n"


def event(**fields: str) -> str:
    """A small valid event, with fields replaced or added (as raw YAML lines)."""
    base = {
        "title": "title: A thing happened",
        "date": "date: 2026",
        "summary": "summary: Something.",
        "sources": SOURCES.rstrip("\n"),
    }
    base.update(fields)
    return "\n".join(line for line in base.values() if line) + "\n"


BILLION_LAUGHS = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
            for i in range(8)
        ),
    ]
)

# (file under events/, its content, every line `check` prints for it)
CASES: list[tuple[str, str | bytes, list[str]]] = [
    (
        "2026/2026-duplicate-key.yaml",
        "title: A\ntitle: B\ndate: 2026\n",
        ["2:1: error DL108: duplicate key 'title' (first at line 1); each field may appear once"],
    ),
    (
        "2026/2026-unknown-field.yaml",
        event(summary="sumary: Something."),
        [
            "1:1: error DL201: missing required field 'summary'",
            "3:1: error DL202: unknown field 'sumary' — did you mean 'summary'?",
        ],
    ),
    (
        "2026/2026-billion-laughs.yaml",
        BILLION_LAUGHS,
        [
            "1:4: error DL106: anchors and aliases (&name, *name) are "
            "not allowed; write the value out"
        ],
    ),
    (
        "2026/2026-alias.yaml",
        event(summary="summary: *x"),
        [
            "3:10: error DL106: anchors and aliases (&name, *name) are "
            "not allowed; write the value out"
        ],
    ),
    (
        "2026/2026-python-tag.yaml",
        'title: !!python/object/apply:os.system ["touch pwned"]\n',
        [
            "1:8: error DL107: explicit tags such as "
            "'tag:yaml.org,2002:python/object/apply:os.system'"
            " are not allowed; write a plain value"
        ],
    ),
    (
        "2026/2026-malformed.yaml",
        "title: [unclosed\ndate: 2026\n",
        [
            "1:8: error DL124: the [ that opens here is never closed; end it with ] on this "
            "line (on several lines it is better written as '- ' items)"
        ],
    ),
    (
        "2026/2026-not-utf8.yaml",
        b"title: caf\xe9\ndate: 2026\n",
        ["1:11: error DL103: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    (
        "2026/2026-control-character.yaml",
        "title: |\n  a\x00b\n",
        ["2:4: error DL104: the control character U+0000 is not allowed in YAML; remove it"],
    ),
    (
        "2026/2026-empty.yaml",
        "",
        [
            "1:1: error DL112: expected a mapping of fields at the top level (title:, date:, "
            "summary:, sources: ...), found nothing (the file is empty)"
        ],
    ),
    (
        "2026/2026-list.yaml",
        "- title: A\n- date: 2026\n",
        [
            "1:1: error DL112: expected a mapping of fields at the top level (title:, date:, "
            "summary:, sources: ...), found a list"
        ],
    ),
    (
        "2026/2026-oversized.yaml",
        'title: "' + "x" * (1024 * 1024) + '"\n',
        [
            "1:1: error DL102: file is too large: 1,048,586 bytes; an event file may be at most "
            "1,048,576 bytes (1 MiB)"
        ],
    ),
    (
        "2026/2026-deep.yaml",
        "title: " + "[" * 40 + "]" * 40 + "\n",
        ["1:23: error DL110: nesting is deeper than 16 levels"],
    ),
    (
        "2026/2026-bad-date.yaml",
        event(date="date: 2026-13-01"),
        ['2:7: error DL301: date: "2026-13-01" is not a valid date: months run from 01 to 12'],
    ),
    (
        "2026/2026-human-date.yaml",
        event(date="date: 20 January 2026"),
        ['2:7: error DL302: date: "20 January 2026" is not an ISO date; write 2026-01-20'],
    ),
    (
        "2026/2026-unknown-status.yaml",
        event(status="status: confirmd"),
        [
            "5:9: error DL204: status: expected one of reported, confirmed, disputed, retracted, "
            "found 'confirmd' — did you mean 'confirmed'?"
        ],
    ),
    (
        "2026/2026-broken-references.yaml",
        event(
            refs="actors: [sdff]\nplaces: [nowhere]\nrelated: [1999-x]\n"
            "claims:\n  - by: nobody\n    text: t\n    source: 3"
        ),
        [
            "5:10: error DL405: unknown actor 'sdff' — did you mean 'sdf'?",
            "6:10: error DL406: unknown place 'nowhere'; add it to places.yaml or fix the id",
            "7:11: error DL407: unknown event '1999-x'; add it to the events folder or fix the id",
            "9:9: error DL405: unknown actor 'nobody'; add it to actors.yaml or fix the id",
            "11:13: error DL410: source 3 does not exist: this event "
            "lists 1 source, numbered from 1",
        ],
    ),
    (
        "2026/2026-listed-twice.yaml",
        event(refs="tags: [isis, isis]\nrelated: [2026-listed-twice]"),
        [
            "5:14: error DL408: tag 'isis' is listed twice",
            "6:11: error DL409: an event cannot be related to itself",
        ],
    ),
    (
        "2026/2026-bad-urls.yaml",
        event(
            sources="sources:\n  - {title: t, publisher: p, url: 'javascript:alert(1)'}\n"
            "  - {title: t, publisher: p, url: 'ftp://example.org/a'}"
        ),
        [
            "5:35: error DL205: url: expected an http:// or https:// "
            "URL, found 'javascript:alert(1)'",
            "6:35: error DL205: url: expected an http:// or https:// "
            "URL, found 'ftp://example.org/a'",
        ],
    ),
    (
        "2026/2026-long-title.yaml",
        event(title="title: " + "a" * 201),
        ["1:8: error DL206: title: is too long: 201 characters; at most 200 allowed"],
    ),
    (
        "2026/2025-id-disagrees-with-date.yaml",
        event(),
        [
            "2:7: error DL402: the id '2025-id-disagrees-with-date' must begin with 2026, the year "
            "this date begins in (e.g. rename the file to 2026-id-disagrees-with-date.yaml)"
        ],
    ),
    (
        "2025/2026-folder-disagrees.yaml",
        event(),
        [
            "2:7: error DL403: this event begins in 2026 but its file is in 2025/; "
            "move it to 2026/2026-folder-disagrees.yaml"
        ],
    ),
    (
        "2026/2026-Bad_Name.yaml",
        event(),
        [
            "1:1: error DL401: file name '2026-Bad_Name.yaml' is not a "
            "valid id: use lower-case a–z, "
            "digits and single hyphens, at most 100 characters, then '.yaml'"
        ],
    ),
    (
        "2026/2026-figures.yaml",
        event(
            claims="claims:\n"
            "  - {by: sdf, text: t, source: 1, figure: {value: '1,500', unit: people, counts: x}}\n"
            "  - {by: sdf, text: t, source: 1, figure: {low: 5, unit: people, counts: held}}\n"
            "  - {by: sdf, text: t, source: 1, figure: {value: 5, unit: people}}\n"
            "  - {by: sdf, text: t, source: 1, figure: {value: 5, unit: people, counts: x,"
            " qualifier: over}}"
        ),
        [
            "6:51: error DL132: value: expected a number, found '1,500' — did you mean 1500? "
            "(write numbers without separators)",
            "7:43: error DL208: figure: a range figure needs both `low` and `high`",
            "8:43: error DL201: missing required field 'counts'",
            "9:90: error DL204: qualifier: expected one of exact, about, "
            "at-least, at-most, more-than, "
            "fewer-than, just-over, just-under, found 'over' — did you mean 'just-over'?",
        ],
    ),
    (
        "2026/2026-wrong-shapes.yaml",
        event(refs="tags: isis\nactors: [[sdf]]\nstatus: [reported]"),
        [
            "5:7: error DL203: tags: expected a list, found 'isis'",
            "6:10: error DL203: actors: expected a slug: lower-case a–z, "
            "digits and single hyphens, "
            "like 'al-hawl-camp', found a list",
            "7:9: error DL203: status: expected one of reported, confirmed, disputed, retracted, "
            "found a list",
        ],
    ),
    (
        "2026/2026-no-sources.yaml",
        event(sources="sources: []"),
        ["4:10: error DL206: sources: needs at least 1 item"],
    ),
    (
        "2026/notes.yml",
        "title: A\n",
        ["1:1: error DL601: event files end in .yaml, not .yml; rename it to notes.yaml"],
    ),
    (
        "stray.yaml",
        "title: A\n",
        [
            "1:1: error DL602: an event file belongs in a year folder, "
            "as <events>/<YYYY>/<id>.yaml; "
            "actors and places go in actors.yaml and places.yaml at the top"
        ],
    ),
]


def lines_for(output: str, file: str) -> list[str]:
    prefix = f"events/{file}:"
    return [line[len(prefix) :] for line in output.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize(("file", "content", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_at_its_line_and_column(
    events: Events, dateline, file: str, content: str | bytes, expected: list[str]
) -> None:
    events.write(file, content)
    result = dateline("check")
    assert result.exit_code == 1, result.output
    assert lines_for(result.output, file) == expected
    assert "Traceback" not in result.output


def test_every_bad_file_is_reported_in_one_run(events: Events, dateline) -> None:
    for file, content, _ in CASES:
        events.write(file, content)
    result = dateline("check")
    assert result.exit_code == 1
    for file, _, expected in CASES:
        assert lines_for(result.output, file) == expected, file
    assert "Traceback" not in result.output


def test_billion_laughs_returns_at_once(events: Events) -> None:
    events.write("2026/2026-laughs.yaml", BILLION_LAUGHS)
    started = time.perf_counter()
    loaded = dataset.load(events.root)
    assert time.perf_counter() - started < 2  # expanding it would take minutes and gigabytes
    assert [d.line for d in loaded.errors] == [1]


def test_python_tag_executes_nothing(events: Events, tmp_path: Path, dateline) -> None:
    marker = tmp_path / "pwned"
    events.write(
        "2026/2026-tag.yaml", f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    dateline("check")
    assert not marker.exists()


def test_the_valid_folder_is_clean(events: Events, dateline) -> None:
    result = dateline("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: 2021\n", "the year"),
        ("title: no\n", "a plain word"),
        ("title: 2026-01-20\n", "a date"),
    ],
)
def test_scalars_stay_text(events: Events, text: str, message: str) -> None:
    events.write("2026/2026-scalar.yaml", event(title=text.rstrip("\n")))
    loaded = dataset.load(events.root)
    assert not loaded.errors, message
    assert loaded.events["2026-scalar"].title == text.split(": ", 1)[1].strip()


WARNINGS = [
    (
        "sources:\n  - {title: t, publisher: p}",
        ["5:5: warning DL701: source 1 has no url; add one if the source is online"],
    ),
    (
        "sources:\n  - {title: t, publisher: p, url: 'https://example.org/a'}",
        [
            "5:5: warning DL702: source 1 has no archived copy; add `archived:` with a "
            "web.archive.org or archive.today link"
        ],
    ),
]


@pytest.mark.parametrize(("sources", "expected"), WARNINGS)
def test_warnings_exit_zero_unless_strict(
    events: Events, dateline, sources: str, expected: list[str]
) -> None:
    events.write("2026/2026-warned.yaml", event(sources=sources))
    result = dateline("check")
    assert result.exit_code == 0, result.output
    assert lines_for(result.output, "2026/2026-warned.yaml") == expected
    assert dateline("check", "--strict").exit_code == 1


def test_claim_without_source_and_unused_records_warn(events: Events, dateline) -> None:
    events.write("2026/2026-claim.yaml", event(claims="claims:\n  - {by: sdf, text: t}"))
    events.write(
        "actors.yaml",
        (events.root / "actors.yaml").read_text() + "nobody:\n  name: N\n  kind: person\n",
    )
    result = dateline("check")
    assert lines_for(result.output, "2026/2026-claim.yaml") == [
        "6:5: warning DL703: this claim names no source; add `source:` with the number of the "
        "source that reports it"
    ]
    assert lines_for(result.output, "actors.yaml") == [
        "8:1: warning DL704: no event uses the actor 'nobody'; remove it or refer to it"
    ]


def test_places_within_must_resolve_without_cycles(events: Events, dateline) -> None:
    events.write(
        "places.yaml",
        """\
        syria: {name: Syria, kind: country, within: al-hawl-camp}
        al-hawl-camp: {name: Al-Hawl camp, kind: camp, within: syria}
        iraq: {name: Iraq, kind: country, within: mesopotamia}
        """,
    )
    result = dateline("check")
    assert lines_for(result.output, "places.yaml") == [
        "1:45: error DL412: places form a cycle through `within`: syria → al-hawl-camp → syria; "
        "a place cannot be inside itself",
        "2:56: error DL412: places form a cycle through `within`: al-hawl-camp → syria → "
        "al-hawl-camp; a place cannot be inside itself",
        "3:1: warning DL705: no event uses the place 'iraq'; remove it or refer to it",
        "3:43: error DL411: unknown place 'mesopotamia'; add it to places.yaml or fix the id",
    ]


def test_bad_actor_record_keeps_the_others(events: Events, dateline) -> None:
    events.write(
        "actors.yaml",
        (events.root / "actors.yaml").read_text()
        + "Bad Id:\n  name: X\n  kind: person\n  rank: 3\n",
    )
    result = dateline("check")
    assert lines_for(result.output, "actors.yaml") == [
        "8:1: error DL205: id expected a slug: lower-case a–z, digits and single hyphens, like "
        "'al-hawl-camp', found 'Bad Id'",
        "11:3: error DL202: unknown field 'rank'; expected one of name, kind, aliases, description",
    ]
    # The valid actors still resolve, so the event referring to them stays clean.
    assert lines_for(result.output, EVENT_PATH) == []


def test_paths_limit_the_report_but_not_the_references(events: Events, dateline) -> None:
    events.write("2026/2026-bad.yaml", event(status="status: nope"))
    good = events.write("2026/2026-good.yaml", event(refs="related: [2026-bad]"))
    result = dateline("check", str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert dateline("check", "events/2026/2026-bad.yaml").exit_code == 1


def test_missing_path_is_a_usage_error(events: Events, dateline) -> None:
    result = dateline("check", "events/2026/nope.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_duplicate_ids_across_folders(events: Events, dateline) -> None:
    events.write("2027/2026-dup.yaml", event())
    events.write("2026/2026-dup.yaml", event())
    result = dateline("check")
    assert "the id '2026-dup' is already used by" in result.output


def test_updates_must_be_in_order_and_agree_with_status(events: Events, dateline) -> None:
    events.write(
        "2026/2026-updates.yaml",
        event(
            updates="updates:\n  - {date: 2026-02-01, note: b, status: disputed}\n"
            "  - {date: 2026-01-25, note: a}"
        ),
    )
    result = dateline("check")
    assert lines_for(result.output, "2026/2026-updates.yaml") == [
        "6:41: error DL502: status is 'reported' but the latest update (updates[1]) sets "
        "'disputed'; make them agree",
        "7:12: error DL501: updates are listed oldest first; move this one up",
    ]


FORMATS_EVENT = event(status="status: confirmd")


def test_github_format_is_exact(events: Events, dateline) -> None:
    events.write("2026/2026-x.yaml", FORMATS_EVENT)
    result = dateline("check", "--format", "github")
    assert result.exit_code == 1
    assert result.output == (
        "::error file=events/2026/2026-x.yaml,line=5,col=9,title=DL204::status: expected one of "
        "reported, confirmed, disputed, retracted, found 'confirmd' — did you mean "
        "'confirmed'?\n"
    )


def test_json_format_is_exact(events: Events, dateline) -> None:
    events.write("2026/2026-x.yaml", FORMATS_EVENT)
    result = dateline("check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "errors": 1,
        "warnings": 0,
        "diagnostics": [
            {
                "file": "events/2026/2026-x.yaml",
                "line": 5,
                "column": 9,
                "code": "DL204",
                "message": "status: expected one of reported, confirmed, disputed, retracted, "
                "found 'confirmd' — did you mean 'confirmed'?",
                "severity": "error",
            }
        ],
    }


def test_original_event_fixture_round_trips(events: Events) -> None:
    loaded = dataset.load(events.root)
    assert loaded.diagnostics == []
    assert loaded.events["2026-01-20-syrian-army-enters-al-hawl-camp"].claims[0].figure is not None
    assert EVENT.startswith("title:")


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_no_input_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "2026" / "2026-fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    result = dataset.load_event_file(str(path))
    assert not any("internal error" in d.message for d in result.diagnostics)


YAMLISH = st.recursive(
    st.sampled_from(["", "2026", "x", "~", "'q'", "[]", "{}", "1e999", "-1", "no", "&a x", "*a"]),
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.dictionaries(st.sampled_from(list(FIELDS)), inner, max_size=4).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(list(FIELDS)), YAMLISH, max_size=8))
def test_no_event_shaped_input_raises(tmp_path: Path, fields: dict[str, str]) -> None:
    path = tmp_path / "2026" / "2026-fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(f"{k}: {v}\n" for k, v in fields.items()))
    result = dataset.load_event_file(str(path))
    assert not any("internal error" in d.message for d in result.diagnostics)


def test_parallel_loading_matches_serial(events: Events) -> None:
    for index in range(dataset.PARALLEL_THRESHOLD + 10):
        events.write(f"2026/2026-many-{index}.yaml", event())
    events.write("2026/2026-broken.yaml", event(status="status: nope"))
    parallel = dataset.load(events.root, jobs=2)
    serial = dataset.load(events.root, jobs=1)
    assert parallel.diagnostics == serial.diagnostics
    assert parallel.events == serial.events
    assert len(parallel.errors) == 1


def test_actor_and_place_maps_may_outgrow_an_event_file(events: Events) -> None:
    # 6,000 actors are ~72,000 YAML values: more than an event file may hold, and fine here.
    events.write(
        "actors.yaml",
        (events.root / "actors.yaml").read_text()
        + "".join(
            f"a{i}: {{name: Actor {i}, kind: person, aliases: [A{i}, B{i}]}}\n" for i in range(6000)
        ),
    )
    loaded = dataset.load(events.root)
    assert loaded.errors == []
    assert len(loaded.actors) == 6002


def test_the_introduction_is_part_of_the_dataset(events: Events, dateline) -> None:
    events.write("README.md", "# The dataset\n\nWhat it records.\n")
    result = dateline("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # not a stray file
    assert dataset.load(events.root).introduction == "# The dataset\n\nWhat it records.\n"


def test_an_introduction_that_is_not_utf_8_is_an_error(events: Events, dateline) -> None:
    events.write("README.md", b"Caf\xe9\n")
    result = dateline("check")
    assert result.exit_code == 1
    assert result.stdout == (
        "events/README.md:1:4: error DL103: file is not valid UTF-8 (byte 0xe9); save it as UTF-8\n"
    )
