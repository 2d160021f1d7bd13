"""A real `dateline serve --reload` process: bad data is never served, fixed data is."""

from __future__ import annotations

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

    def get(self, path: str) -> Any:
        return httpx.get(self.base + path, timeout=5).json()

    def log(self) -> str:
        self.process.terminate()
        return self.process.communicate(timeout=10)[0]


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
