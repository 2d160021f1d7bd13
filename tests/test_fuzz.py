"""The loader under hostile input: random bytes, random YAML documents and random edits of a
valid event file. Whatever the file holds, loading it never raises, never hits an internal
error, takes well under a second, and either types a record or says why not, at a line of
the file with a stable code: nothing is dropped in silence."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import STORY
from dateline import dataset

VALID = (STORY / "2026" / "2026-01-20-syrian-army-enters-al-hawl-camp.yaml").read_bytes()
SECONDS_A_FILE = 1.0
CODE = re.compile(r"^DL[1-8]\d\d$")  # DL9xx: internal errors
FUZZ = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def loaded(tmp_path: Path, content: bytes) -> dataset.EventFile:
    """``content`` as an event file, loaded; checked for everything any input must give."""
    path = tmp_path / "2026" / "2026-01-20-fuzzed.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    started = time.perf_counter()
    result = dataset.load_event_file(str(path))
    assert time.perf_counter() - started < SECONDS_A_FILE
    lines = content.count(b"\n") + 1
    assert result.valid or result.diagnostics  # a record, or why not
    for diagnostic in result.diagnostics:
        assert diagnostic.file == str(path)
        assert CODE.match(diagnostic.code), diagnostic
        assert 1 <= diagnostic.line <= lines + 1, diagnostic
        assert diagnostic.column >= 1
        assert diagnostic.message.strip()
    return result


@FUZZ
@given(content=st.binary(max_size=4096))
def test_random_bytes(tmp_path: Path, content: bytes) -> None:
    assert not loaded(tmp_path, content).valid


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["2026-01-20", "2026-01-20/2026-01-22", "~2026", "2026?", "..", "title"]),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(["title", "date", "summary", "sources", "claims", "tags", "url"])
            | st.text(max_size=12),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(document=DOCUMENTS, flow=st.booleans(), prefix=st.sampled_from(["", "%YAML 1.1\n---\n"]))
def test_random_yaml_documents(tmp_path: Path, document: Any, flow: bool, prefix: str) -> None:
    text = prefix + yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    loaded(tmp_path, text.encode("utf-8"))


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace", "repeat"]),
        st.integers(0, len(VALID)),
        st.integers(1, 40),
        st.binary(min_size=1, max_size=12)
        | st.sampled_from(
            [b"&a ", b"*a", b"!!python/object:os.system ", b"#", b"\t", b": ", b"- "]
        ),
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(edits=EDITS)
def test_random_edits_of_a_valid_file(
    tmp_path: Path, edits: list[tuple[str, int, int, bytes]]
) -> None:
    content = VALID
    for kind, at, length, text in edits:
        at = min(at, len(content))
        if kind == "delete":
            content = content[:at] + content[at + length :]
        elif kind == "insert":
            content = content[:at] + text + content[at:]
        elif kind == "replace":
            content = content[:at] + text + content[at + len(text) :]
        else:  # a stretch typed twice
            content = content[:at] + content[at : at + length] * 2 + content[at + length :]
    loaded(tmp_path, content)


def test_the_valid_file_is_valid(tmp_path: Path) -> None:
    assert loaded(tmp_path, VALID).valid
