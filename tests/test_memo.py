"""`dateline.memo`: what reading actors.yaml or places.yaml returned is kept by the file's
bytes, and what comes back from it is always what reading the file returns."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ACTORS, PLACES
from dateline import dataset, memo
from dateline.model import Actor, Place

# Pieces of map files, good and broken: records valid and not, unknown fields, comments,
# duplicate keys, bad coordinates, YAML that does not parse, a list where a mapping belongs.
PIECES = [
    ACTORS,
    PLACES,
    "x:\n  name: X\n  kind: country\n  lat: 91\n  lon: 0\n",
    "y:\n  name: Y\n  colour: red\n",
    "z:\n  name: Z  # a comment\n  kind: town\n  within: nowhere\n",
    "Bad Id:\n  name: B\n  kind: k\n",
    "w:\n  name: W\n  kind: k\n  lat: 1\n",
    "dup:\n  name: A\n  name: B\n",
    "v: [1, 2\n",
    "- a list\n",
    "u:\n  name: ''\n  kind: k\n  aliases: [a, a]\n",
    "t:\n  name: T\n  kind: k\n  description: |\n    two\n    lines\n",
]


def fresh(root: Path, name: str, record: type) -> dataset.MapFile:
    return dataset._parsed_map_file(str(root / name), record)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=4),
    name=st.sampled_from([("actors.yaml", Actor), ("places.yaml", Place)]),
)
def test_what_is_kept_is_what_reading_returns(tmp_path: Path, pieces: list[str], name) -> None:  # type: ignore[no-untyped-def]
    file, record = name
    root = tmp_path / "events"
    root.mkdir(exist_ok=True)
    (root / file).write_text("".join(pieces), encoding="utf-8")
    expected = fresh(root, file, record)
    first = dataset.read_map_file(root, file, record)  # read, perhaps kept
    again = dataset.read_map_file(root, file, record)  # from the memo
    assert first == expected
    assert again == expected
    assert [type(d) for d in again[0].values()] == [type(d) for d in expected[0].values()]


def entries() -> list[Path]:
    where = memo.folder()
    assert where is not None
    return sorted(where.glob("*.msgpack")) if where.is_dir() else []


@pytest.fixture
def own_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "events"
    root.mkdir()
    (root / "places.yaml").write_text(PLACES, encoding="utf-8")
    return root


def test_a_result_is_kept_once_and_used(own_memo: Path) -> None:
    found = dataset.read_map_file(own_memo, "places.yaml", Place)
    assert len(entries()) == 1
    calls: list[int] = []
    again = memo.kept(
        str(own_memo / "places.yaml"),
        tuple[dict[str, Place], dataset.Document, list[dataset.Diagnostic]],
        lambda: calls.append(1),  # type: ignore[arg-type, return-value]
        max_bytes=1 << 20,
    )
    assert again == found
    assert calls == []


def test_an_edit_or_a_broken_entry_is_read_again(own_memo: Path) -> None:
    dataset.read_map_file(own_memo, "places.yaml", Place)
    (entry,) = entries()
    entry.write_bytes(b"\xc1 not msgpack")
    assert dataset.read_map_file(own_memo, "places.yaml", Place) == fresh(
        own_memo, "places.yaml", Place
    )
    assert entry.read_bytes() != b"\xc1 not msgpack"  # kept again, whole
    (own_memo / "places.yaml").write_text(PLACES.replace("Syria", "Syrie"), encoding="utf-8")
    places, _, _ = dataset.read_map_file(own_memo, "places.yaml", Place)
    assert places["syria"].name == "Syrie"
    assert len(entries()) == 2


def test_a_file_that_changes_while_it_is_read_is_not_kept(own_memo: Path) -> None:
    path = own_memo / "places.yaml"

    def read() -> dataset.MapFile:
        found = fresh(own_memo, "places.yaml", Place)
        path.write_text(PLACES + "# edited\n", encoding="utf-8")
        return found

    kind = tuple[dict[str, Place], dataset.Document, list[dataset.Diagnostic]]
    memo.kept(str(path), kind, read, max_bytes=1 << 20)
    assert entries() == []


def test_only_the_newest_are_kept(own_memo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "KEEP", 3)
    path = own_memo / "places.yaml"
    for n in range(5):
        path.write_text(PLACES.replace("Syria", f"Syria {n}"), encoding="utf-8")
        dataset.read_map_file(own_memo, "places.yaml", Place)
        entry = max(entries(), key=lambda e: e.stat().st_mtime_ns)
        os.utime(entry, ns=(n * 10**9, n * 10**9 + 10**12))  # in order, whatever the clock
    kind = tuple[dict[str, Place], dataset.Document, list[dataset.Diagnostic]]
    kept = {msgspec.msgpack.decode(e.read_bytes(), type=kind)[0]["syria"].name for e in entries()}
    assert kept == {"Syria 2", "Syria 3", "Syria 4"}


def test_without_a_home_nothing_is_kept(own_memo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert memo.folder() is None
    assert dataset.read_map_file(own_memo, "places.yaml", Place) == fresh(
        own_memo, "places.yaml", Place
    )


def test_a_relative_cache_home_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG specification's rule, and what keeps the memo out of the repository that a
    command runs in."""
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache")
    monkeypatch.setenv("HOME", "/home/someone")
    assert memo.folder() == Path("/home/someone/.cache/dateline/memo")
