"""Each file's digest, kept from one command to the next and read again only where its stat
changed (as git's index does for ``git status``)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from dateline import cache, digests
from dateline.digests import Digests


def _folder(root: Path, files: dict[str, str], *, age: float = 60.0) -> None:
    """Write ``files`` under ``root``, dated ``age`` seconds ago (so not "racily" new)."""
    when = time.time() - age
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (when, when))


def _blake(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files hashed, by name, as they are hashed."""
    seen: list[str] = []
    real = digests.digest_of

    def counted(path: str) -> bytes | None:
        seen.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(digests, "digest_of", counted)
    return seen


def test_unchanged_files_are_not_read_again_by_the_next_command(
    tmp_path: Path, read: list[str]
) -> None:
    root = tmp_path / "events"
    _folder(root, {"2026/a.yaml": "title: A\n", "2026/b.yaml": "title: B\n", "actors.yaml": ""})
    first = cache.file_digests(root)
    assert sorted(read) == ["a.yaml", "actors.yaml", "b.yaml"]
    assert first["2026/a.yaml"] == _blake("title: A\n")
    read.clear()
    assert cache.file_digests(root) == first
    assert read == []  # their stats were the same: not one was read


def test_a_changed_added_or_removed_file_is_seen(tmp_path: Path, read: list[str]) -> None:
    root = tmp_path / "events"
    _folder(root, {"2026/a.yaml": "title: A\n", "2026/b.yaml": "title: B\n"})
    cache.file_digests(root)
    read.clear()
    (root / "2026" / "a.yaml").write_text("title: A, changed\n", encoding="utf-8")
    (root / "2026" / "b.yaml").unlink()
    (root / "2026" / "c.yaml").write_text("title: C\n", encoding="utf-8")
    found = cache.file_digests(root)
    assert found == {
        "2026/a.yaml": _blake("title: A, changed\n"),
        "2026/c.yaml": _blake("title: C\n"),
    }
    assert sorted(read) == ["a.yaml", "c.yaml"]


def test_a_file_changed_just_before_a_scan_is_read_again_next_time(
    tmp_path: Path, read: list[str]
) -> None:
    # Its next change may come within the same tick of the clock and keep its size, so that
    # its stat would not change: a stat that recent is not trusted ("racily clean").
    root = tmp_path / "events"
    _folder(root, {"2026/a.yaml": "title: A\n"}, age=0.0)
    cache.file_digests(root)
    read.clear()
    cache.file_digests(root)
    assert read == ["a.yaml"]


def test_kept_digests_of_another_folder_or_format_are_not_used(tmp_path: Path) -> None:
    root, other = tmp_path / "events", tmp_path / "other"
    _folder(root, {"2026/a.yaml": "title: A\n"})
    _folder(other, {"2026/a.yaml": "title: not A\n"})
    kept = tmp_path / "kept.digests"
    found = Digests(root)
    found.scan()
    found.write(kept)
    assert Digests.read(other, kept).of == {}
    assert Digests.read(root, kept).of == {"2026/a.yaml": _blake("title: A\n")}
    kept.write_bytes(b"not what a kept file holds")
    assert Digests.read(root, kept).of == {}


def test_folder_digests_kept_equal_those_made_afresh(tmp_path: Path) -> None:
    root = tmp_path / "events"
    _folder(root, {"2025/a.yaml": "A", "2026/b.yaml": "B", "2026/c.yaml": "C", "actors.yaml": ""})
    kept = Digests(root)
    kept.scan()
    assert kept.folders() == digests.folder_digests(kept.of)
    assert set(kept.folders()) == {"", "2025", "2026"}
    steps = [
        ("2026/b.yaml", "B, changed"),  # a file changed
        ("2027/d.yaml", "D"),  # a new folder
        ("2025/a.yaml", None),  # the last file of a folder gone
        ("2026/e.yaml", "E"),  # a file added
        ("actors.yaml", "sdf: {}"),  # at the top
    ]
    for relative, text in steps:
        path = root / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        kept.rehash(relative)
        assert kept.folders() == digests.folder_digests(kept.of), relative
        assert cache.fingerprint(root, head="x", folders=kept.folders()) == cache.fingerprint(
            root, cache.file_digests(root), "x"
        )
    assert set(kept.folders()) == {"", "2026", "2027"}
    # A folder's digest is of its files' names and bytes: moving a file changes it.
    before = kept.folders()["2026"]
    (root / "2026" / "e.yaml").rename(root / "2026" / "f.yaml")
    kept.rehash("2026/e.yaml")
    kept.rehash("2026/f.yaml")
    assert kept.folders()["2026"] != before
