"""The interactive API docs at /api/v1/docs work with no network: every file is served here."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from playwright.sync_api import Browser, Route, expect

from conftest import Events

Client = TestClient[Any]
DATELINE = str(Path(sys.executable).parent / "dateline")

ASSETS = {
    "/api/v1/docs/assets/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "/api/v1/docs/assets/swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "/api/v1/docs/assets/swagger-ui.css": "text/css; charset=utf-8",
    "/api/v1/docs/assets/favicon-32x32.png": "image/png",
    "/api/v1/docs/assets/dateline-docs.js": "text/javascript; charset=utf-8",  # starts it
}


def referenced(html: str) -> list[str]:
    """The addresses of the page's scripts, style sheets and icons."""
    return re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)=["']([^"']+)["']""", html)


def test_the_docs_page_names_no_other_host(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert sorted(referenced(page.text)) == sorted(ASSETS)
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []


@pytest.mark.parametrize(("path", "content_type"), ASSETS.items())
def test_each_file_of_the_docs_is_served(client: Client, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["cache-control"] == "public, max-age=60"
    assert len(response.content) > 200


@pytest.mark.parametrize("path", ["/api/v1/docs/openapi.json", "/api/v1/docs", *ASSETS])
def test_the_docs_are_validated_as_every_read(client: Client, path: str) -> None:
    tag = client.get(path).headers["etag"]
    for method in ("GET", "HEAD"):
        again = client.request(method, path, headers={"if-none-match": tag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.parametrize("name", ["index.html", "swagger-initializer.js", "..%2Fapp.py"])
def test_only_the_files_the_page_uses_are_served(client: Client, name: str) -> None:
    response = client.get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


# --- in a real browser, from a real `dateline serve` ----------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def api_server(events: Events) -> Iterator[str]:
    """`dateline serve --no-site` on a free loopback port; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [DATELINE, "serve", "--events", str(events.root), "--no-site", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"dateline serve exited:\n{process.communicate()[0]}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("dateline serve did not answer within 30 s")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_the_docs_render_in_a_browser_with_no_network(api_server: str, browser: Browser) -> None:
    context = browser.new_context()
    blocked: list[str] = []
    problems: list[str] = []

    def loopback_only(route: Route) -> None:
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", loopback_only)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.goto(f"{api_server}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Dateline API")
    operation = page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/events$"))
    expect(operation).to_be_visible()
    operation.click()  # open it: the parameters are drawn from the document's schemas
    expect(page.locator(".parameters-container")).to_contain_text("cursor")
    expect(page.locator(".swagger-ui")).not_to_contain_text("Unable to render")
    context.close()
    assert blocked == []
    assert problems == []


# --- the document, as a generated client reads it -------------------------------------------


def test_no_query_parameter_may_be_null(client: Client) -> None:
    # A query string cannot send a null; a generated client splits `string | null` in two.
    document = client.get("/api/v1/docs/openapi.json").json()
    for path, item in document["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert "null" not in str(parameter["schema"]).lower(), (path, parameter)
                    assert "None" not in str(parameter["schema"]), (path, parameter)
    [sort] = [
        p for p in document["paths"]["/api/v1/events"]["get"]["parameters"] if p["name"] == "sort"
    ]
    assert sort["schema"]["enum"] == ["date", "-date", "relevance", "updated", "-updated"]
    assert sort["required"] is False


def test_each_read_documents_its_headers_and_its_304(client: Client) -> None:
    document = client.get("/api/v1/docs/openapi.json").json()
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert {"ETag", "Cache-Control"} <= set(responses["200"]["headers"]), path
        assert {"304", "400", "414", "431"} <= set(responses), path
        paged = any(p["name"] == "cursor" for p in item["get"].get("parameters", []))
        assert ("Link" in responses["200"]["headers"]) is paged, path


@pytest.mark.parametrize(
    ("name", "value", "shaped"),
    [
        ("near", "36.38,41.15,10", True),
        ("near", " -36.5 , .5 , 1e1 ", True),
        ("near", "36.38,41.15", False),
        ("near", "north,41.15,10", False),
        ("cursor", "WyJkYXRlIl0", True),
        ("cursor", "a b", False),
        ("from", "2017-08", True),
        ("from", "[2026-01-17..2026-01-22]", True),
        ("to", "../2006", True),
        ("to", "spring", False),
        ("updated_since", "2026-01-21T10:00:00.5+02:00", True),
        ("updated_since", "2026-01-21", True),
        ("updated_since", "yesterday", False),
        ("fields", "id,title", True),
        ("fields", "id;title", False),
    ],
)
def test_the_documented_patterns_are_what_the_server_parses(
    client: Client, name: str, value: str, shaped: bool
) -> None:
    document = client.get("/api/v1/docs/openapi.json").json()
    [parameter] = [
        p for p in document["paths"]["/api/v1/events"]["get"]["parameters"] if p["name"] == name
    ]
    assert bool(re.fullmatch(parameter["schema"]["pattern"], value)) is shaped
    response = client.get("/api/v1/events", params={name: value})
    if shaped and name != "cursor":  # a cursor may be well-formed and still not ours
        assert response.status_code == 200, response.text
    elif not shaped:  # refused for its shape, as the pattern says
        assert response.status_code == 400
        assert response.json()["invalid_params"][0]["name"] == name


def test_each_operation_has_a_tag_and_a_method_name(client: Client) -> None:
    document = client.get("/api/v1/docs/openapi.json").json()
    declared = {tag["name"] for tag in document["tags"]}
    operations = [item["get"] for item in document["paths"].values()]
    ids = [operation["operationId"] for operation in operations]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", i) for i in ids), ids
    assert {"listEvents", "getEvent", "listEventsIcs"} <= set(ids)
    for operation in operations:
        assert len(operation["tags"]) == 1
        assert operation["tags"][0] in declared
