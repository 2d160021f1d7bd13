"""A real `dateline serve --reload` process: bad data is never served, fixed data is."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import EVENT_PATH, Events

DATELINE = str(Path(sys.executable).parent / "dateline")
EVENT_ID = "2026-01-20-syrian-army-enters-al-hawl-camp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], Any], seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = condition()
        except httpx.TransportError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


class Server:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.buffer = ""  # what was logged and read so far

    def get(self, path: str) -> Any:
        return httpx.get(self.base + path, timeout=5).json()

    def log(self) -> str:
        self.process.terminate()
        return self.buffer + self.process.communicate(timeout=10)[0]


@pytest.fixture
def server(events: Events) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [DATELINE, "serve", "--events", str(events.root), "--port", str(port), "--reload"],
        cwd=events.root.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(process, port)
    try:
        wait_for(lambda: httpx.get(running.base + "/api/v1/health", timeout=1).status_code == 200)
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
            process.communicate(timeout=10)


def test_a_bad_change_is_not_served_and_a_fix_is(events: Events, server: Server) -> None:
    assert server.get(f"/api/v1/events/{EVENT_ID}")["title"] == "Syrian army enters Al-Hawl camp"
    first = server.get("/api/v1/health")["revision"]
    page = httpx.get(server.base + "/", timeout=5)
    assert 'href="/api/v1/docs"' in page.text

    path = events.root / EVENT_PATH
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("status: reported", "status: rumoured"), encoding="utf-8")
    health = wait_for(lambda: (h := server.get("/api/v1/health"))["status"] == "degraded" and h)
    assert health["revision"] == first
    [problem] = health["problems"]
    assert problem["file"] == f"events/{EVENT_PATH}"
    assert (problem["line"], problem["column"]) == (5, 9)
    assert "expected one of reported, confirmed, disputed" in problem["message"]
    assert server.get(f"/api/v1/events/{EVENT_ID}")["status"] == "reported"  # the last good data

    path.write_text(good.replace("enters Al-Hawl", "reaches Al-Hawl"), encoding="utf-8")
    wait_for(lambda: server.get("/api/v1/health")["status"] == "ok")
    assert server.get(f"/api/v1/events/{EVENT_ID}")["title"] == "Syrian army reaches Al-Hawl camp"
    assert server.get("/api/v1/health")["revision"] != first

    log = server.log()
    assert f"events/{EVENT_PATH}:5:9: {problem['message']}" in log
    assert "reload refused" in log
    assert "Traceback" not in log


def test_a_dataset_with_errors_does_not_start(events: Events) -> None:
    path = events.root / EVENT_PATH
    path.write_text(path.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = subprocess.run(
        [DATELINE, "serve", "--events", "events", "--port", str(free_port())],
        cwd=events.root.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"events/{EVENT_PATH}:20:1: error DL202: unknown field 'colour'"
    )
    assert result.stderr.endswith(
        "Error: the dataset has 1 error; run `dateline check` to see them; not serving\n"
    )
    assert "Traceback" not in result.stderr


# --- the processes of a server, and how they stop ----------------------------------------------


def _descendants(pid: int) -> set[int]:
    """Every process started (directly or not) by ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()
    except OSError:
        return ""


def _engine_started(pid: int) -> bool:
    """Whether the reload engine (the server's spawned child) has opened the live store, which
    it does once it has asked the kernel to end it with the server (dateline.lifetime)."""
    for child in _running(_descendants(pid)):
        if "multiprocessing.spawn" not in _command(child):
            continue
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{child}/fd").iterdir()]
        except OSError:
            return False
        return any(Path(link).name.startswith("live-") for link in links)
    return False


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _start(events: Events, *extra: str) -> tuple[Server, int]:
    port = free_port()
    process = subprocess.Popen(
        [DATELINE, "serve", "--events", str(events.root), "--port", str(port), *extra],
        cwd=events.root.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(process, port)
    wait_for(lambda: httpx.get(running.base + "/api/v1/health", timeout=1).status_code == 200)
    return running, port


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_nothing_outlives_the_server(events: Events, how: str) -> None:
    running, port = _start(events, "--reload", "--no-site", "--workers", "2")
    children: set[int] = set()
    try:
        # Every child exists, and the engine runs its own code: a child killed while it still
        # starts (Python importing, before it asks to end with the server) ends only once it
        # gets there, which took over ten seconds on a loaded machine.
        wait_for(lambda: len(_running(_descendants(running.process.pid))) >= 3)
        wait_for(lambda: _engine_started(running.process.pid), seconds=60)
        children = _running(_descendants(running.process.pid))
        assert len(children) >= 3  # two workers and the reload engine (and forkserver)
        if how == "SIGTERM":
            running.process.terminate()
        else:
            running.process.kill()
        running.process.wait(timeout=15)
        deadline = time.monotonic() + 10
        while _running(children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [_command(pid) for pid in _running(children)] == []
        wait_for(lambda: _port_free(port), seconds=10)
    finally:
        if running.process.poll() is None:
            running.process.kill()
        for pid in _running(children):  # a survivor holds the log pipe open: end it too
            os.kill(pid, signal.SIGKILL)
        running.process.communicate(timeout=10)


def test_every_worker_serves_each_reload_and_no_response_mixes_two(events: Events) -> None:
    import concurrent.futures
    import threading

    running, _ = _start(events, "--reload", "--no-site", "--workers", "2")
    stop = threading.Event()
    seen: dict[str, bytes] = {}  # ETag -> body: a tag names one body, of one revision
    mixed: list[str] = []

    def read() -> int:
        count = 0
        with httpx.Client(base_url=running.base, timeout=10) as client:
            while not stop.is_set():
                response = client.get("/api/v1/events?limit=500")
                page = response.json()
                if page["total"] != len(
                    page["items"]
                ):  # counted in one revision, listed in another
                    mixed.append(f"total {page['total']}, {len(page['items'])} items")
                tag = response.headers["etag"]
                if seen.setdefault(tag, response.content) != response.content:
                    mixed.append(f"{tag} named two bodies")
                count += 1
        return count

    try:
        wait_for(lambda: "watching" in _log_so_far(running))
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            readers = [pool.submit(read) for _ in range(4)]
            try:
                _edit_five_times(events, running)
            finally:
                stop.set()
            assert all(reader.result() > 0 for reader in readers)
        assert mixed == []
        assert running.get("/api/v1/events?limit=500")["total"] == 6
    finally:
        stop.set()
        log = running.log()
    assert "Traceback" not in log


def _edit_five_times(events: Events, running: Server) -> None:
    """Add five events, one at a time, each time waiting for every worker to serve it."""
    revision = running.get("/api/v1/health")["revision"]
    template = (events.root / EVENT_PATH).read_text(encoding="utf-8")
    for number in range(5):
        events.write(
            f"2026/2026-01-2{number}-event-{number}.yaml",
            template.replace("Syrian army enters", f"Event {number} in"),
        )
        revision = wait_for(
            lambda old=revision: (r := running.get("/api/v1/health")["revision"]) != old and r
        )
        # Each new connection may land on either worker: all must serve the new data.
        for _ in range(20):
            health = httpx.get(running.base + "/api/v1/health", timeout=5).json()
            assert health["revision"] == revision


def _log_so_far(running: Server) -> str:
    """What the server logged so far (read without blocking)."""
    import os
    import select

    assert running.process.stdout is not None
    descriptor = running.process.stdout.fileno()
    chunks = []
    while select.select([descriptor], [], [], 0)[0]:
        chunk = os.read(descriptor, 65536)
        if not chunk:
            break
        chunks.append(chunk.decode("utf-8", "replace"))
    running.buffer += "".join(chunks)
    return running.buffer


def _raw(port: int, target: bytes, headers: bytes = b"") -> tuple[int, bytes, bytes]:
    """One request as sent on the wire: (status, head, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"GET "
            + target
            + b" HTTP/1.1\r\nHost: localhost\r\n"
            + headers
            + b"Connection: close\r\n\r\n"
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), head.lower(), body


TOO_LARGE = [  # (target, header lines, status, whether the app answered with a problem)
    (b"/api/v1/events?q=" + b"a" * 8000, b"", 400, True),  # read, then refused by q's bounds
    (b"/api/v1/events?q=" + b"a" * 9000, b"", 414, True),
    (b"/events/" + b"a" * 10_000, b"", 414, True),  # a site path too
    (b"/api/v1/events?q=" + b"a" * 150_000, b"", 414, False),  # past what granian reads
    (b"/api/v1/events?q=" + b"a" * 200_000, b"", 414, False),
    (b"/api/v1/health", b"X-Big: " + b"a" * 40_000 + b"\r\n", 431, True),
    (b"/api/v1/health", b"".join(b"X-%d: a\r\n" % i for i in range(200)), 431, False),
]


def test_a_request_too_large_is_a_414_or_431_never_a_reset(events: Events) -> None:
    running, port = _start(events, "--no-site", "--workers", "1")
    try:
        for target, headers, status, problem in TOO_LARGE:
            case = (len(target), len(headers))
            got, head, body = _raw(port, target, headers)
            assert got == status, (case, head)
            if problem:  # the app's own refusal says why, as every refusal does
                assert b"content-type: application/problem+json" in head, case
                assert json.loads(body)["status"] == status, case
            assert _raw(port, b"/api/v1/health")[0] == 200, case  # and the server goes on
    finally:
        assert "Traceback" not in running.log()


def test_the_access_log_writes_one_line_per_request_whatever_its_url(events: Events) -> None:
    # %0a decodes to a newline: the server's own access log wrote it as one (issue 13).
    running, port = _start(events, "--no-site", "--workers", "1", "--access-log")
    try:
        assert _raw(port, b"/api/v1/events/x%0a[INFO]%20forged?q=a%0d%0aB")[0] == 400
        assert _raw(port, b"/%0aforged%20line")[0] == 404
        wait_for(lambda: "forged%20line" in _log_so_far(running))
    finally:
        log = running.log()
    lines = [line for line in log.splitlines() if "forged" in line]
    assert len(lines) == 2, log
    assert all("dateline.access" in line for line in lines), lines
    assert '"GET /api/v1/events/x%0a[INFO]%20forged?q=a%0d%0aB" 400' in lines[0]


def test_what_is_logged_of_a_request_is_printable_ascii() -> None:
    from dateline.web.methods import printable

    assert printable(b"/a\nb\r\\c\x1b[31m\xc3\xa9") == "/a\\x0ab\\x0d\\x5cc\\x1b[31m\\xc3\\xa9"
