"""Search that forgives: stemmed words, OR between words and phrases, and a suggestion when a
typo finds nothing (issue 13). The precomputed rankings of common words are checked against
FTS5's own in test_store.py."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from conftest import Events

SOHR = "2017-08-sohr-reports-helicopters"
PMU = "2021-pmu-thermal-cameras"
HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
SHADDADI = "2026-01-17-al-shaddadi-prison-falls"
BASE = "2024-fighters-moved-to-us-base"

Client = TestClient[Any]


def search(client: Client, q: str) -> Any:
    response = client.get(f"/api/v1/events?q={quote(q)}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("helicopter", {SOHR, PMU}),  # the text says "helicopters"
        ("helicopters", {SOHR, PMU}),
        ("fighter", {SOHR, BASE}),  # "fighters"
        ("fall", {SHADDADI}),  # "falls"
        ("مخيم", {HAWL}),  # Arabic stays whole
        ("prison OR helicopter", {SOHR, PMU, SHADDADI}),
        # camp AND (prison OR helicopter): no event; were AND the tighter, the helicopters.
        ("camp prison OR helicopter", set()),
        ('"thermal cameras" OR "al shaddadi"', {PMU, SHADDADI}),
        ("prison or helicopter", set()),  # only OR in capitals is the operator
    ],
)
def test_words_are_stemmed_and_or_is_an_operator(
    world_client: Client, q: str, expected: set[str]
) -> None:
    body = search(world_client, q)
    assert {i["id"] for i in body["items"]} == expected
    assert body["total"] == len(expected)


def test_snippets_mark_the_words_as_written(world_client: Client) -> None:
    [item, _] = search(world_client, "helicopter")["items"]
    assert "<mark>helicopters</mark>" in item["snippet"].lower()


@pytest.mark.parametrize(
    ("q", "suggested"),
    [
        ("helicoptres", "helicopters"),
        ("thermal camras", "thermal cameras"),
        ("Shadadi", "shaddadi"),
    ],
)
def test_a_typo_that_finds_nothing_gets_a_suggestion(
    world_client: Client, q: str, suggested: str
) -> None:
    body = search(world_client, q)
    assert body["total"] == 0
    assert body["suggestion"] == suggested
    assert search(world_client, body["suggestion"])["total"] > 0


@pytest.mark.parametrize("q", ["camp helicopters", "zzzzqqq", "OR"])
def test_no_suggestion_without_a_better_query(world_client: Client, q: str) -> None:
    # Every word is indexed (the words just never meet), or nothing is close.
    body = search(world_client, q)
    assert body["total"] == 0
    assert "suggestion" not in body


def test_a_page_that_finds_something_has_no_suggestion(world: Events, world_client: Client) -> None:
    assert "suggestion" not in search(world_client, "helicopters")
