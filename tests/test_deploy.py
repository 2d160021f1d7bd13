"""deploy/: two `dateline serve` replicas behind a real nginx (Debian's), under load.

A replica SIGKILLed and restarted costs no request; a replica whose reload finds errors keeps
serving its last good revision, says so in /health, and nginx keeps sending it requests. The
site is served by nginx itself, with the site's security headers.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO, STORY, copy_events
from dateline import policy

pytestmark = pytest.mark.slow
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
LOAD = [  # what the clients ask for, in turn: the API through a replica, the site from files
    "/api/v1/health",
    "/api/v1/events?tag=detention",
    f"/api/v1/events/{HAWL}",
    "/api/v1/events?q=camp",
    "/api/v1/timeline?interval=day",
    "/",
    f"/events/{HAWL}/",
    "/data/events.json",
]
CLIENTS = 6


def stack_module() -> ModuleType:
    """``deploy/stack.py``, which is a script, not a module of the package."""
    sys.path.insert(0, str(REPO / "deploy"))
    import stack

    return stack


def free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


class Load:
    """`CLIENTS` threads asking nginx for `LOAD` in turn, on keep-alive connections, until
    stopped; every answer's status (or the error that came instead) is counted."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.statuses: Counter[str] = Counter()
        self.failures: list[str] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(n,)) for n in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def client(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        turn = number
        while not self.stopping.is_set():
            path = LOAD[turn % len(LOAD)]
            turn += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                outcome = str(response.status)
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                outcome = f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            with self.lock:
                self.statuses[outcome] += 1
                if outcome not in ("200", "304"):
                    self.failures.append(f"{path}: {outcome}")
        connection.close()

    def total(self) -> int:
        with self.lock:
            return sum(self.statuses.values())

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def eventually(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.1)


def answered_by(run: Path, port: int, after: int = 0) -> int:
    """How many requests nginx's access log says replica ``port`` answered, past line
    ``after``."""
    lines = (run / "access.log").read_text(encoding="utf-8").splitlines()[after:]
    return sum(1 for line in lines if f"upstream=127.0.0.1:{port} " in line)


def log_length(run: Path) -> int:
    return len((run / "access.log").read_text(encoding="utf-8").splitlines())


def health(url: str) -> dict[str, object]:
    """A replica's own /health; empty while nothing answers on its port."""
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=5)
    try:
        connection.request("GET", "/api/v1/health")
        body: dict[str, object] = json.loads(connection.getresponse().read())
        return body
    except OSError:
        return {}
    finally:
        connection.close()


def routed_to(stack: Any, load: Load, replica: Any, requests: int) -> None:
    """Wait for ``requests`` more answers under ``load``, and for ``replica`` to give some."""
    mark = log_length(stack.run)
    before = load.total()
    eventually(lambda: load.total() > before + requests, 60, f"{requests} more requests")
    eventually(lambda: answered_by(stack.run, replica.port, mark) > 0, 10, "requests to it")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[ModuleType]:
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: apt-get install nginx (.ci/run does)")
    module = stack_module()
    # Two "machines": each replica has its own copy of the events, of the same revision.
    folders = [copy_events(STORY, tmp_path / name) for name in ("a", "b")]
    nginx_port, *ports = free_ports(3)
    running = module.Stack(folders, run=tmp_path / "run", port=nginx_port, reload=True, ports=ports)
    with module.running(running):
        yield running


def test_a_replica_killed_and_restarted_costs_no_request(stack) -> None:  # type: ignore[no-untyped-def]
    first, second = stack.replicas
    load = Load(stack.port)
    try:
        eventually(lambda: load.total() > 200, 60, "the first 200 requests")
        old = second.process.pid
        os.kill(old, signal.SIGKILL)
        eventually(lambda: second.process.pid != old, 30, "the supervisor restarting it")
        eventually(lambda: health(second.url).get("status") == "ok", 60, "the restart to serve")
        routed_to(stack, load, second, 300)  # nginx sends requests to it again
    finally:
        load.stop()
    assert load.failures == []
    assert answered_by(stack.run, first.port) > 0


def test_a_replica_whose_reload_finds_errors_serves_on_and_says_so(stack) -> None:  # type: ignore[no-untyped-def]
    _, broken = stack.replicas
    good = health(broken.url)
    load = Load(stack.port)
    try:
        eventually(lambda: load.total() > 100, 60, "the first 100 requests")
        (broken.events / "2026" / "2026-01-30-bad.yaml").write_text(
            "title: Broken\ndate: 2026-13-40\n", encoding="utf-8"
        )
        eventually(lambda: health(broken.url)["status"] == "degraded", 30, "the failed reload")
        said = health(broken.url)
        assert said["revision"] == good["revision"]  # the last good data
        problems = said["problems"]
        assert isinstance(problems, list)
        assert any("2026-01-30-bad.yaml" in json.dumps(p) for p in problems)
        routed_to(stack, load, broken, 200)
    finally:
        load.stop()
    assert load.failures == []


def test_nginx_serves_the_site_with_its_headers_and_refuses_writes(stack) -> None:  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    try:
        connection.request("GET", f"/events/{HAWL}/")
        page = connection.getresponse()
        body = page.read().decode()
        assert page.status == 200
        assert "Syrian army enters Al-Hawl camp" in body
        expected = policy.read_headers(stack.site)
        assert expected["content-security-policy"]
        for name, value in expected.items():
            assert page.getheader(name) == value, name
        assert page.getheader("cache-control") == "no-cache"
        tag = page.getheader("etag")
        connection.request("GET", f"/events/{HAWL}/", headers={"If-None-Match": tag})
        again = connection.getresponse()
        again.read()
        assert again.status == 304
        asset = next((stack.site / "assets" / "javascripts").glob("bundle.*.min.js")).name
        connection.request("GET", f"/assets/javascripts/{asset}")
        hashed = connection.getresponse()
        hashed.read()
        assert hashed.getheader("cache-control") == "public, max-age=31536000, immutable"
        assert hashed.getheader("x-content-type-options") == "nosniff"
        connection.request("GET", "/no-such-page/")
        missing = connection.getresponse()
        assert missing.status == 404
        assert "<title>" in missing.read().decode()  # the site's own 404 page
        connection.request("POST", "/api/v1/events", body=b"{}")
        refused = connection.getresponse()
        refused.read()
        assert refused.status == 405
        connection.request("GET", "/api/v1/events?tag=detention")
        api = connection.getresponse()
        api.read()
        assert api.status == 200
        # the replica's own headers, once: nginx adds its own only to what it makes itself
        assert api.msg.get_all("content-security-policy") == [policy.API]
        assert api.msg.get_all("x-content-type-options") == ["nosniff"]
    finally:
        connection.close()
    assert re.search(r"upstream=127\.0\.0\.1:\d+ ", (stack.run / "access.log").read_text())


def test_what_nginx_answers_itself_carries_the_api_headers(tmp_path: Path) -> None:
    """A method refused, a request line over nginx's limit, and no replica answering: its own
    responses carry the headers a replica's errors do."""
    module = stack_module()
    run, site = tmp_path / "run", tmp_path / "run" / "site"
    (run / "temp").mkdir(parents=True)
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    (run / "site-headers.conf").write_text(module.site_headers(site), encoding="utf-8")
    port, nobody = free_ports(2)  # nothing listens on `nobody`: the replica is down
    conf = run / "nginx.conf"
    conf.write_text(module.nginx_conf(run, f"127.0.0.1:{port}", [nobody], site), encoding="utf-8")
    nginx = subprocess.Popen(
        [NGINX, "-p", str(run), "-c", str(conf), "-e", str(run / "error.log"), "-g", "daemon off;"]
    )
    try:
        deadline = time.monotonic() + 10
        while module.get(f"http://127.0.0.1:{port}/") != 200:
            assert nginx.poll() is None, (run / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        asked = [("POST", "/api/v1/events"), ("GET", "/api/v1/events?q=" + "x" * 20_000)]
        asked.append(("GET", "/api/v1/health"))
        statuses = []
        for method, target in asked:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request(method, target)
                answer = connection.getresponse()
                answer.read()
            finally:
                connection.close()
            statuses.append(answer.status)
            assert answer.msg.get_all("content-security-policy") == [policy.API], target[:40]
            for name, value in policy.COMMON:
                assert answer.msg.get_all(name) == [value], (target[:40], name)
        assert statuses == [405, 414, 502]
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)


def processes_naming(text: str) -> list[int]:
    """The processes whose command line names ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in command:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("ending", ["down", "SIGKILL"])
def test_the_script_starts_the_stack_and_nothing_outlives_it(tmp_path: Path, ending: str) -> None:
    events = copy_events(STORY, tmp_path)
    run = tmp_path / "run"
    nginx_port, port = free_ports(2)
    script = [sys.executable, str(REPO / "deploy" / "stack.py")]
    started = subprocess.Popen(
        [
            *script,
            "up",
            "--replicas",
            "1",
            "--port",
            str(nginx_port),
            "--events",
            str(events),
            "--run",
            str(run),
            "--first-port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert started.stdout is not None
        line = started.stdout.readline()
        assert f"Dateline at http://127.0.0.1:{nginx_port}/" in line, line
        assert health(f"http://127.0.0.1:{nginx_port}")["status"] == "ok"
        assert len(processes_naming(str(tmp_path))) >= 3  # the stack, a replica, nginx
        if ending == "down":
            subprocess.run([*script, "down", "--run", str(run)], check=True, timeout=60)
            assert started.wait(5) == 0
        else:
            started.kill()
            started.wait()
        eventually(lambda: processes_naming(str(tmp_path)) == [], 15, "every process ended")
    finally:
        if started.poll() is None:
            started.kill()
            started.communicate()
        if started.stdout is not None:
            started.stdout.close()


FUZZ_CASES = 5000  # in all, over every operation and both modes


def test_a_long_schemathesis_run_through_nginx_finds_nothing(stack) -> None:  # type: ignore[no-untyped-def]
    """The contract test of test_schemathesis.py, at length and over the real stack: every
    answer through nginx matches the document, and none is a 5xx: every check, with the
    statuses that module allows valid data."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    from test_schemathesis import CONFIG

    base = f"http://127.0.0.1:{stack.port}"
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/docs/openapi.json", config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    plans = [
        (operation, mode)
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if mode is GenerationMode.POSITIVE or operation.query
    ]
    # A quarter more than an even share: an operation without parameters has one case only,
    # and hypothesis stops early where a strategy has few distinct cases.
    each = -(-FUZZ_CASES * 5 // (4 * len(plans)))
    ran = Counter[str]()
    for operation, mode in plans:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=each, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            ran[case.operation.label] += 1
            case.call_and_validate(base_url=base)

        check()
    assert sum(ran.values()) >= FUZZ_CASES
    assert len(ran) == len(operations)
