"""The build's files' writer: written by a child process (the sink), in full, or it says why."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dateline.site.writer import Sink, SinkError, Writer


def test_the_sink_writes_every_file_it_is_sent(tmp_path: Path) -> None:
    out = tmp_path / "site"
    writer = Writer(out, sink=True)
    files = {f"data/events/e{n}.json": f'{{"n": {n}}}'.encode() * n for n in range(300)}
    files["robots.txt"] = b"User-agent: *\n"
    files["data/empty.json"] = b""
    for relative, data in files.items():
        writer.write(relative, data)
    writer.close()
    for relative, data in files.items():
        assert (out / relative).read_bytes() == data, relative
    assert writer.written == set(files)


def test_a_mark_is_passed_once_the_files_sent_before_it_are_written(tmp_path: Path) -> None:
    out = tmp_path / "site"
    sink = Sink(out)
    seen: list[list[bool]] = []
    marks = []
    for batch in range(3):
        for n in range(200):
            sink.file(f"events/b{batch}-{n}/index.html", b"<p>page</p>" * 100)
        marks.append(sink.mark())

    def wait_for(mark: int, batch: int) -> None:  # as the search index's thread does
        sink.wait(mark)
        seen.append([(out / f"events/b{batch}-{n}/index.html").is_file() for n in range(200)])

    with ThreadPoolExecutor(1) as pool:
        pool.submit(wait_for, marks[0], 0).result()
        pool.submit(wait_for, marks[1], 1).result()
    assert seen == [[True] * 200, [True] * 200]
    sink.close()  # the last mark, not waited for, was passed
    sink.wait(marks[2])
    assert (out / "events/b2-199/index.html").is_file()


def test_waiting_for_a_mark_of_a_sink_that_failed_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "events").write_text("a file where a folder must go")
    sink = Sink(out)
    sink.file("events/a/index.html", b"<p>page</p>")
    mark = sink.mark()
    with pytest.raises(SinkError, match="stopped"):
        sink.wait(mark)
    with pytest.raises(SinkError, match=r"events/a/index\.html"):
        sink.close()


def test_a_file_the_sink_cannot_write_is_an_error_naming_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "data").mkdir(parents=True)
    (out / "data" / "index").write_text("a file where a folder must go")
    writer = Writer(out, sink=True)
    writer.write("robots.txt", b"User-agent: *\n")

    def build() -> None:
        writer.write("data/index/tags.json", b"{}")
        for n in range(100):  # the sink may stop while more are on their way
            writer.write(f"data/more-{n}.json", b"{}" * 10_000)
        writer.close()

    with pytest.raises(SinkError, match=r"data/index/tags\.json"):
        build()


def test_a_failed_build_stops_the_sink_at_once(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "site", sink=True)
    sink = writer._sink
    assert sink is not None
    writer.write("robots.txt", b"User-agent: *\n")
    writer.abandon()
    assert sink._process.poll() is not None
    writer.close()  # nothing left to wait for


# A build's process, which starts a sink and waits to be killed.
BUILD = """
import sys, time
from pathlib import Path
from dateline.site.writer import Writer
writer = Writer(Path(sys.argv[1]), sink=True)
print(writer._sink._process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_the_sink_ends_with_the_build_that_started_it(tmp_path: Path) -> None:
    build = subprocess.Popen(
        [sys.executable, "-c", BUILD, str(tmp_path / "site")], stdout=subprocess.PIPE, text=True
    )
    assert build.stdout is not None
    sink = int(build.stdout.readline())
    build.kill()
    build.wait(timeout=10)
    build.stdout.close()
    deadline = time.monotonic() + 10
    while _alive(sink) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(sink)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_file_written_in_pieces_is_left_out_where_the_live_site_has_its_bytes(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live"
    (live / "data").mkdir(parents=True)
    (live / "data" / "same.csv").write_bytes(b"a,b\r\n1,2\r\n")
    (live / "data" / "other.csv").write_bytes(b"a,b\r\n1,3\r\n")
    writer = Writer(tmp_path / "staging", live)
    for name in ("same.csv", "other.csv", "new.csv"):
        with writer.streaming(f"data/{name}") as file:
            file.write(b"a,b\r\n")
            file.write(b"1,2\r\n")
    assert writer.same == {"data/same.csv"}
    assert writer.written == {"data/other.csv", "data/new.csv"}
    staged = sorted(p.name for p in (tmp_path / "staging" / "data").iterdir())
    assert staged == ["new.csv", "other.csv"]
    assert (tmp_path / "staging" / "data" / "other.csv").read_bytes() == b"a,b\r\n1,2\r\n"
