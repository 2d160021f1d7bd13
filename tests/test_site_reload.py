"""The site under `dateline serve --reload`: files served whole across a swap, and rebuilds
that coalesce. The whole loop, in a real server, is in test_site_serve.py."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from litestar.datastructures import Headers
from litestar.testing import TestClient

from conftest import EVENT_PATH, Events
from dateline.cache import open_store
from dateline.engine import Engine, LiveStore
from dateline.site import update
from dateline.store import Store
from dateline.web.app import create_app
from dateline.web.server import Reloads, SiteRebuilder
from dateline.web.sitefiles import SiteFiles

T = TypeVar("T")
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"


def run(function: Callable[..., Awaitable[T]], *args: Any) -> T:
    """``asyncio.run`` in a thread of its own: Playwright's session may hold this one's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, function(*args)).result()  # type: ignore[arg-type]


def write_site(folder: Path, label: str) -> Path:
    for path, text in {
        "index.html": f"<p>home {label}</p>",
        "events/a/index.html": f"<p>event a {label}</p>",
        "404.html": "<p>no such page</p>",
        "data/events.json": "[" + ",".join([f'"{label}"'] * 400_000) + "]",  # streamed
    }.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def site_client(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "secret.txt").write_text("beside the site, not in it", encoding="utf-8")
    with TestClient(create_app(store, site=write_site(tmp_path / "site", "one"))) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status", "content_type", "body"),
    [
        ("/", 200, "text/html; charset=utf-8", "<p>home one</p>"),
        ("/index.html", 200, "text/html; charset=utf-8", "<p>home one</p>"),
        ("/events/a/", 200, "text/html; charset=utf-8", "<p>event a one</p>"),
        ("/events/a", 200, "text/html; charset=utf-8", "<p>event a one</p>"),
        ("/events/b/", 404, "text/html; charset=utf-8", "<p>no such page</p>"),
        ("/../secret.txt", 404, "text/html; charset=utf-8", "<p>no such page</p>"),
        ("/%2e%2e/secret.txt", 404, "text/html; charset=utf-8", "<p>no such page</p>"),
    ],
)
def test_the_site_is_served_at_the_root(
    site_client: Any, path: str, status: int, content_type: str, body: str
) -> None:
    response = site_client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == content_type
    assert response.text == body
    assert response.headers["content-length"] == str(len(body))


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/index.html%00",
        "/events/a%00/",
        "/" + "x" * 5_000,
        "/" + "a/" * 3_000,
        "/" + ("é" * 200 + "/") * 3,  # each name 400 bytes, over NAME_MAX; 3.6 KB encoded
    ],
    ids=["null", "null after a file", "null in a folder", "long name", "deep", "long bytes"],
)
def test_a_path_no_file_can_have_is_not_found(site_client: Any, path: str) -> None:
    # Names the file system refuses (a NUL byte, a name or path too long) are missing pages,
    # never a 500 with a traceback (issue 13's first defect).
    for response in (site_client.get(path), site_client.head(path)):
        assert response.status_code == 404, path[:40]
    assert site_client.get(path).text == "<p>no such page</p>"


def test_a_site_without_a_404_page_answers_problem_json(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    with TestClient(create_app(store, site=site)) as client:
        response = client.get("/nowhere/")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/", "/events/a/", "/data/events.json"])
def test_head_gives_the_length_and_no_body(site_client: Any, path: str) -> None:
    got = site_client.get(path, headers={"accept-encoding": "identity"})
    head = site_client.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]


def test_a_large_file_is_streamed_whole(site_client: Any) -> None:
    response = site_client.get("/data/events.json", headers={"accept-encoding": "identity"})
    assert int(response.headers["content-length"]) == len(response.content) > 2**20
    assert response.content.endswith(b'"one"]')


async def _send(response: Any) -> tuple[dict[str, Any], bytes]:
    """Run an ASGI response; its start message and its body."""
    messages: list[dict[str, Any]] = []
    sent = anyio.Event()

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            sent.set()

    async def receive() -> dict[str, Any]:
        await sent.wait()  # the client stays until the whole body is sent, as servers say
        return {"type": "http.disconnect"}

    await response({"type": "http", "method": "GET"}, receive, send)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return messages[0], body


@pytest.mark.parametrize("path", ["events/a/", "data/events.json"])
def test_a_response_begun_before_a_swap_is_the_old_file_whole(tmp_path: Path, path: str) -> None:
    site = write_site(tmp_path / "site", "one")
    files = SiteFiles(site)
    response = run(functools.partial(files.respond, path, head=False, asked=Headers()))
    update.swap(write_site(tmp_path / ".site.building", "two"), site)  # as a rebuild does
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>home two</p>"
    start, body = run(_send, response)
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    assert int(headers["content-length"]) == len(body)
    assert b"one" in body
    assert b"two" not in body


def test_a_swap_leaves_one_folder_and_nothing_beside_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "one")
    update.swap(write_site(tmp_path / ".site.building", "two"), site)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert (site / "events/a/index.html").read_text(encoding="utf-8") == "<p>event a two</p>"
    update.swap(write_site(tmp_path / ".site.building", "three"), site)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>home three</p>"


def test_site_files_are_validated_and_revalidated(site_client: Any, tmp_path: Path) -> None:
    first = site_client.get("/events/a/")
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"  # a rebuild may change it
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    for headers, status in [
        ({"if-none-match": tag}, 304),
        ({"if-none-match": f'"other", W/{tag}'}, 304),  # a list; weak comparison
        ({"if-none-match": "*"}, 304),
        ({"if-none-match": '"other"'}, 200),
        ({"if-modified-since": modified}, 304),
        ({"if-modified-since": earlier}, 200),
        ({"if-modified-since": "not a date"}, 200),  # ignored
        ({"if-none-match": '"other"', "if-modified-since": modified}, 200),  # the tag decides
    ]:
        for method in ("GET", "HEAD"):
            response = site_client.request(method, "/events/a/", headers=headers)
            assert response.status_code == status, (method, headers)
            assert response.headers["etag"] == tag
            if status == 304:
                assert response.content == b""
                assert response.headers["cache-control"] == "no-cache"
    # A missing page is a 404 still, whatever the request names.
    assert site_client.get("/nope/", headers={"if-none-match": "*"}).status_code == 404


def test_the_themes_hashed_assets_are_immutable(store: Store, tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", "one")
    for name in ("assets/javascripts/bundle.f1ef6fbb.min.js", "assets/dateline.css"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("/* */", encoding="utf-8")
    with TestClient(create_app(store, site=site)) as client:
        hashed = client.get("/assets/javascripts/bundle.f1ef6fbb.min.js").headers
        assert hashed["cache-control"] == "public, max-age=31536000, immutable"
        assert client.get("/assets/dateline.css").headers["cache-control"] == "no-cache"


# --- SiteRebuilder: one build at a time, requests coalesced --------------------------------


def fake_build(tmp_path: Path, *, seconds: float, exit_code: int = 0) -> list[str]:
    """A command that logs its start and end to tmp_path/builds, taking ``seconds``."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        log = open({str(tmp_path / "builds")!r}, "a")
        log.write(f"start {{os.getpid()}}\\n"); log.flush()
        time.sleep({seconds})
        log.write("end\\n"); log.flush()
        print("built 3 pages")
        sys.exit({exit_code})
        """
    )
    return [sys.executable, "-c", script]


def builds(tmp_path: Path) -> list[str]:
    path = tmp_path / "builds"
    return path.read_text(encoding="utf-8").split() if path.exists() else []


async def _requested(rebuilder: SiteRebuilder, times: int, tmp_path: Path) -> None:
    task = asyncio.create_task(rebuilder.run())
    rebuilder.request()
    while not builds(tmp_path):  # the first build has started
        await asyncio.sleep(0.01)
    for _ in range(times):
        rebuilder.request()
        await asyncio.sleep(0.01)
    while builds(tmp_path).count("end") < 2:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)  # time for a third build to start, which it must not
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def test_requests_during_a_build_make_one_more_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="dateline.serve")
    rebuilder = SiteRebuilder(fake_build(tmp_path, seconds=0.5))
    run(_requested, rebuilder, 5, tmp_path)
    log = builds(tmp_path)
    assert [word for word in log if not word.isdigit()] == ["start", "end", "start", "end"]
    live = [r.getMessage() for r in caplog.records if "live" in r.getMessage()]
    assert live == ["site rebuilt; the new site is live: built 3 pages"] * 2


def test_a_failed_build_is_logged_with_its_output(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rebuilder = SiteRebuilder(fake_build(tmp_path, seconds=0, exit_code=1))
    assert run(rebuilder.build) is False
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == (
        "site rebuild failed (exit 1); still serving the last site:\nbuilt 3 pages"
    )


async def _cancelled_mid_build(rebuilder: SiteRebuilder, tmp_path: Path) -> int:
    task = asyncio.create_task(rebuilder.run())
    rebuilder.request()
    while not builds(tmp_path):
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return int(builds(tmp_path)[1])


def test_stopping_the_server_stops_a_build(tmp_path: Path) -> None:
    rebuilder = SiteRebuilder(fake_build(tmp_path, seconds=60))
    started = time.monotonic()
    pid = run(_cancelled_mid_build, rebuilder, tmp_path)
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert "end" not in builds(tmp_path)


# --- Reloads: every commit rebuilds the site -------------------------------------------------


async def _engine_started(reloads: Reloads, tmp_path: Path) -> None:
    assert reloads.site is not None
    stop = asyncio.Event()
    tasks = [asyncio.create_task(reloads.run(stop)), asyncio.create_task(reloads.site.run())]
    deadline = time.monotonic() + 30
    while builds(tmp_path).count("end") < 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_an_edit_made_before_the_engine_started_rebuilds_the_site(
    events: Events, tmp_path: Path
) -> None:
    # Seen in CI: the edit landed after the site was built and before the engine's first
    # read, which committed it; the API served it and the site never did.
    compiled = open_store(events.root).path
    live = LiveStore.create(tmp_path / "live.sqlite", Engine(events.root), compiled)
    path = events.root / EVENT_PATH
    path.write_text(path.read_text(encoding="utf-8").replace("enters", "reaches"), "utf-8")
    reloads = Reloads(live, SiteRebuilder(fake_build(tmp_path, seconds=0)))
    try:
        run(_engine_started, reloads, tmp_path)
        made = [word for word in builds(tmp_path) if not word.isdigit()]
        assert made == ["start", "end"]  # one build, made and finished
        served = Store(tmp_path / "live.sqlite", live=True)
        assert b"Syrian army reaches Al-Hawl camp" in (served.event(HAWL) or b"")
    finally:
        live.close()
