"""The security headers (``dateline.policy``): on every response of the API, in every page of a
built site and in its ``_headers``, and a Content-Security-Policy the whole site works under in
Chromium (no violation on any page; an injected script refused)."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from playwright.sync_api import Browser, Page, expect

from conftest import StaticServer, build_site
from dateline import policy
from dateline.web.problems import MAX_TARGET
from test_site_serve import HAWL, Served

Client = TestClient[Any]
COMMON = {name.lower(): value for name, value in policy.COMMON}
META = re.compile(r'<head\b[^>]*><meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def secured(headers: Any, csp: str) -> None:
    for name, value in COMMON.items():
        assert headers[name] == value, name
    assert headers["content-security-policy"] == csp


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/api/v1/health", {}, 200),
        ("GET", f"/api/v1/events/{HAWL}", {}, 200),
        ("GET", "/api/v1/events?limit=nine", {}, 400),
        ("GET", "/api/v1/events/no-such-event", {}, 404),
        ("GET", "/api/v1/events.ics", {}, 200),
        ("HEAD", "/api/v1/events", {}, 200),
        ("OPTIONS", "/api/v1/events", {}, 204),
        (
            "OPTIONS",
            "/api/v1/events",
            {"origin": "https://a.example", "access-control-request-method": "GET"},
            204,
        ),
        ("GET", "/api/v1/events?q=" + "a" * MAX_TARGET, {}, 414),
        ("GET", "/nowhere", {}, 404),
    ],
)
def test_every_response_of_the_api_carries_the_headers(
    client: Client, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = client.request(method, path, headers=headers)
    assert response.status_code == status
    secured(response.headers, policy.API)


def test_a_304_carries_them_too(client: Client) -> None:
    tag = client.get("/api/v1/events").headers["etag"]
    response = client.get("/api/v1/events", headers={"if-none-match": tag})
    assert response.status_code == 304
    secured(response.headers, policy.API)


@pytest.mark.parametrize("path", ["/api/v1/docs", "/"])  # the docs; the page of links
def test_the_api_s_html_pages_may_load_only_the_api_s_own_files(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    secured(response.headers, policy.DOCS)
    assert "<script>" not in response.text  # none inline
    assert "<style" not in response.text


def test_a_policy_names_the_hash_of_each_inline_script_it_runs() -> None:
    html = (
        "<html><head><script>a()</script><script src=x.js></script>"
        '<script type="application/json">{"b": 1}</script><SCRIPT defer>c()</SCRIPT></head></html>'
    )
    # echo -n 'a()' | openssl dgst -sha256 -binary | base64
    assert policy.script_hashes(html) == {
        "sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4=",
        "sha256-uv6BXxguRKhBqgeOtcyTvppA2Vttceh37dUo7xwS8Ug=",
    }
    secured_html, hashes = policy.with_meta(html)
    assert hashes == policy.script_hashes(html)
    assert META.search(secured_html)[1] == policy.site(hashes, header=False)  # type: ignore[index]
    assert "frame-ancestors" not in policy.site(hashes, header=False)  # a <meta> cannot say it


def test_a_tile_server_s_origin_may_serve_images() -> None:
    tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert policy.origin(tiles) == "https://*.tile.example.org"
    assert "img-src 'self' data: https://*.tile.example.org;" in policy.site([], tiles=tiles)


def test_each_page_of_a_built_site_carries_its_own_policy_and_headers_all(
    story_site: Path,
) -> None:
    every: set[str] = set()
    pages = [*story_site.rglob("*.html")]
    assert len(pages) > 20
    assert story_site / "404.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = META.search(html)
        assert found is not None, page  # the first thing in <head>, before any script
        hashes = policy.script_hashes(html)
        assert found[1] == policy.site(hashes, header=False), page
        every |= hashes
    headers = policy.read_headers(story_site)
    assert headers == {
        **COMMON,
        "content-security-policy": policy.site(every),
    }
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert "'unsafe-eval'" not in headers["content-security-policy"]


def test_a_configured_tile_server_is_in_the_site_s_policy(
    story_events: Path, tmp_path: Path
) -> None:
    tiles = "https://tile.example.org/{z}/{x}/{y}.png"
    site = build_site(story_events, tmp_path / "site", map_tiles=tiles)
    policies = [policy.read_headers(site)["content-security-policy"]]
    policies += META.findall((site / "index.html").read_text(encoding="utf-8"))
    assert all("img-src 'self' data: https://tile.example.org;" in p for p in policies)


# --- in Chromium: the site works under its policy, served with headers or without ------------

MISSING = "no-such-page/"  # the 404 page
PAGES = [
    "",  # home: the axis, the map, the list
    "?tag=detention",  # the filters
    "?from=2026-01-18&to=2026-01-21",
    f"events/{HAWL}/",  # an event: its locator map, "cite this"
    "tags/detention/",
    "places/",
    "actors/",
    "archive/",
    "search/?q=Hawl",  # Pagefind: WebAssembly
    "about/",
    "security/",  # the threat model
    MISSING,
]

_LISTEN = """() => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.lineNumber}`));
}"""

_INJECT = """() => new Promise((resolve) => {
  const script = document.createElement("script");
  script.textContent = "window.__injected = true";
  document.body.append(script);
  setTimeout(() => resolve(window.__injected === true), 200);
})"""


def walk(page: Page, base: str) -> list[str]:
    """Visit every page of ``PAGES``, letting each draw; the policy's violations and errors."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.add_init_script(f"({_LISTEN})()")
    for path in PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        if path.startswith("search/"):
            expect(
                page.locator(f'.pagefind-ui__result-link[href$="/events/{HAWL}/"]')
            ).to_be_visible()
        if path == "":
            expect(page.locator("[data-dl-axis-settled]")).to_have_count(1)
            expect(page.locator("[data-dl-map-level]")).not_to_have_count(0)
        problems += [f"{path}: {v}" for v in page.evaluate("window.__violations")]
        if path == MISSING:  # its own status, and only that: not /favicon.ico, which
            # Chromium asks for on an error page whatever icon the page names
            status = [p for p in problems if "status of 404" in p]
            assert len(status) == 1, problems
            problems.remove(status[0])
    found = list(problems)  # before the injected script below, refused on purpose
    # A script that got into a page some other way does not run: the policy is enforced.
    page.goto(base + f"events/{HAWL}/")
    assert page.evaluate(_INJECT) is False
    refused = page.evaluate("window.__violations")  # once by each policy: header, <meta>
    assert refused
    assert all(v.startswith("script-src-elem inline") for v in refused)
    return found


def test_the_site_works_under_its_policy_served_with_headers(
    events: Any, tmp_path: Path, browser: Browser
) -> None:
    served = Served(events.root, tmp_path / "site")
    try:
        with urllib.request.urlopen(served.url + f"events/{HAWL}/") as response:
            expected = policy.read_headers(tmp_path / "site")
            secured(response.headers, expected["content-security-policy"])
        context = browser.new_context()
        assert walk(context.new_page(), served.url) == []
        context.close()
    finally:
        served.stop()


def test_the_site_works_under_its_policy_on_a_host_that_sends_no_headers(
    story_site: Path, browser: Browser
) -> None:
    server = StaticServer(story_site)  # like GitHub Pages: the pages' <meta> alone
    context = browser.new_context()
    try:
        assert walk(context.new_page(), server.url) == []
    finally:
        context.close()
        server.close()
