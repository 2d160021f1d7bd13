"""`dateline serve`: the built site at / and the API at /api/v1, on one port.

Runs the real command in a subprocess on a free loopback port, as the README's main command
does: it builds the site first, and reuses that build while nothing it is made from changes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from conftest import EVENT_PATH, REPO, Events

DATELINE = Path(sys.executable).parent / "dateline"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read()


class Served:
    def __init__(self, events: Path, site: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [
                str(DATELINE),
                "serve",
                "--events",
                str(events),
                "--site",
                str(site),
                "--config",
                str(REPO / "mkdocs.yml"),
                "--port",
                str(self.port),
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"dateline serve exited:\n{self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if get(self.url + "api/v1/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        pytest.fail("dateline serve did not answer within 60 s")

    def stop(self) -> str:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=20)
        return output


@pytest.fixture
def served(events: Events, tmp_path: Path) -> Iterator[Served]:
    running = Served(events.root, tmp_path / "site")
    yield running
    running.stop()


def test_serve_builds_the_site_and_serves_it_beside_the_api(served: Served) -> None:
    status, kind, body = get(served.url)
    assert status == 200
    assert kind.startswith("text/html")
    assert f'data-id="{HAWL}"' in body.decode()
    status, _, body = get(f"{served.url}events/{HAWL}/")
    assert status == 200
    assert "Syrian army enters Al-Hawl camp" in body.decode()
    # The API on the same port answers with the same event the site shows.
    status, kind, body = get(f"{served.url}api/v1/events/{HAWL}")
    assert status == 200
    assert kind.startswith("application/json")
    status, _, static = get(f"{served.url}data/events/{HAWL}.json")
    assert status == 200
    assert json.loads(static) == json.loads(body)
    assert get(f"{served.url}events/no-such-event/")[0] == 404


def test_serve_reuses_the_build_until_the_data_changes(events: Events, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = Served(events.root, site)
    assert "site: built" in first.stop()
    second = Served(events.root, site)
    assert "site: nothing changed since the last build" in second.stop()
    events.write(
        "2026/2026-01-22-another.yaml",
        "title: Another\ndate: 2026-01-22\nsummary: More.\nsources:\n"
        "  - {title: A story, publisher: Example News, url: 'https://example.org/a'}\n",
    )
    third = Served(events.root, site)
    try:
        assert get(f"{third.url}events/2026-01-22-another/")[0] == 200
    finally:
        assert "site: built" in third.stop()


def test_the_served_site_works_in_the_browser(served: Served, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served.url + "?tag=detention")
    expect(page.locator("[data-dl-count]")).to_contain_text("1 of 1 event matches")
    page.goto(served.url + "search/?q=Hawl")
    expect(page.locator(f'.pagefind-ui__result-link[href$="/events/{HAWL}/"]')).to_be_visible()
    context.close()
    assert errors == []


def eventually(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {seconds} s")
        time.sleep(0.1)


def test_reload_rebuilds_the_site_after_a_good_change_only(events: Events, tmp_path: Path) -> None:
    served = Served(events.root, tmp_path / "site", "--reload")
    page, api = f"{served.url}events/{HAWL}/", f"{served.url}api/v1/events/{HAWL}"

    def title() -> str:
        return str(json.loads(get(api)[2])["title"])

    def shown() -> str:
        return get(page)[2].decode()

    try:
        assert "Syrian army enters Al-Hawl camp" in shown()
        path = events.root / EVENT_PATH
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("enters Al-Hawl", "reaches Al-Hawl"), encoding="utf-8")
        eventually(lambda: title() == "Syrian army reaches Al-Hawl camp", 30)
        eventually(lambda: "Syrian army reaches Al-Hawl camp" in shown(), 120)
        assert "Syrian army enters Al-Hawl camp" not in shown()

        # A change with errors changes neither the API nor the site.
        bad = good.replace("enters Al-Hawl", "nears Al-Hawl")
        path.write_text(bad.replace("status: reported", "status: rumoured"), encoding="utf-8")
        health = f"{served.url}api/v1/health"
        eventually(lambda: json.loads(get(health)[2])["status"] == "degraded", 30)
        time.sleep(3)  # time enough for a rebuild to show, were one started
        assert title() == "Syrian army reaches Al-Hawl camp"
        assert "Syrian army reaches Al-Hawl camp" in shown()
        assert "nears" not in shown()
    finally:
        log = served.stop()
    assert log.count("rebuilding the site") == 1, log
    assert log.index("reloaded: revision") < log.index("rebuilding the site")  # API first
    # the rebuild is incremental: it updates the site built at the start
    assert log.count("site rebuilt; the new site is live: updated ") == 1, log
    assert "Traceback" not in log
