"""Every error is RFC 9457 problem+json that names the parameter and says what is wrong."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from litestar.testing import TestClient

from dateline import dates

Client = TestClient[Any]

STATUSES = "expected one of reported, confirmed, disputed, retracted"
LIMIT = "must be a whole number from 0 to 500"
CURSOR = "is not a cursor this API gave out; use the `next` link as is"


def date_error(text: str) -> str:
    with pytest.raises(dates.DateError) as raised:
        dates.parse(text)
    return str(raised.value)


def cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


BAD_PARAMETERS = [
    ("/events?from=20%20January%202026", [("from", date_error("20 January 2026"))]),
    ("/events?to=2017-13", [("to", date_error("2017-13"))]),
    ("/events?from=2026&to=2017", [("to", "'2017' ends before '2026' begins")]),
    ("/events?from=spring&to=never", [("from", date_error("spring")), ("to", date_error("never"))]),
    ("/events?status=rumoured", [("status", f"{STATUSES}, found 'rumoured'")]),
    ("/events?status=reported&status=x", [("status", f"{STATUSES}, found 'x'")]),
    ("/events?limit=-1", [("limit", f"{LIMIT}, found '-1'")]),
    ("/events?limit=501", [("limit", f"{LIMIT}, found '501'")]),
    ("/events?limit=ten", [("limit", f"{LIMIT}, found 'ten'")]),
    ("/events?limit=1&limit=2", [("limit", "give this parameter once")]),
    (
        "/events?sort=newest",
        [("sort", "expected one of date, -date, relevance, updated, -updated, found 'newest'")],
    ),
    ("/events?sort=relevance", [("sort", "sort=relevance needs q, the words to rank by")]),
    ("/events?cursor=garbage!", [("cursor", CURSOR)]),
    ("/events?cursor=" + cursor(b'["date", 1, 2]'), [("cursor", CURSOR)]),
    ("/events?cursor=" + cursor(b'["date", "x"]'), [("cursor", CURSOR)]),
    ("/events?cursor=" + cursor(b'{"sort": "date"}'), [("cursor", CURSOR)]),
    ("/events?cursor=" + cursor(b"\xff\xfe"), [("cursor", CURSOR)]),
    (
        "/events?q=a&cursor=" + cursor(b'["relevance", 1.5, 99999999999999999999]'),
        [("cursor", CURSOR)],
    ),
    ("/events?q=a&cursor=" + cursor(b'["relevance", 1e999, 1]'), [("cursor", CURSOR)]),
    ("/events?q=a&cursor=" + cursor(b'["relevance", true, 1]'), [("cursor", CURSOR)]),
    (
        "/events?sort=-date&cursor=" + cursor(b'["date", "2017", "x"]'),
        [("cursor", "belongs to sort=date; keep the sort of the page it came from")],
    ),
    ("/events?near=here", [("near", "'here' is not lat,lon,km, e.g. 36.38,41.15,50")]),
    ("/events?near=1,2", [("near", "'1,2' is not lat,lon,km, e.g. 36.38,41.15,50")]),
    ("/events?near=91,0,10", [("near", "latitude 91 is out of range; it runs from -90 to 90")]),
    (
        "/events?near=0,-181,10",
        [("near", "longitude -181 is out of range; it runs from -180 to 180")],
    ),
    (
        "/events?near=0,0,0",
        [("near", "radius 0 km is out of range; give more than 0 and at most 20100")],
    ),
    (
        "/events?near=nan,0,1",
        [("near", "'nan,0,1': latitude, longitude and radius must be numbers")],
    ),
    ("/events?q=%21%21%21", [("q", "'!!!' has no words to search for; give letters or digits")]),
    ("/events?q=" + "a%20" * 17, [("q", "too many words (17); at most 16 are searched")]),
    ("/events?tags=isis", [("tags", "unknown parameter; did you mean 'tag'?")]),
    (
        "/events?foo=2",
        [
            (
                "foo",
                "unknown parameter; expected from, to, tag, actor, place, status, q, near, "
                "updated_since, sort, limit, cursor, fields",
            )
        ],
    ),
    ("/timeline?interval=week", [("interval", "expected one of year, month, day, found 'week'")]),
    ("/timeline?from=2026&to=2017", [("to", "'2017' ends before '2026' begins")]),
    (
        "/timeline?sort=date",
        [
            (
                "sort",
                "unknown parameter; expected from, to, tag, actor, place, status, q, near, "
                "updated_since, interval",
            )
        ],
    ),
    ("/events?page=2", [("page", "unknown parameter; did you mean 'place'?")]),
    # A value that names no tag, actor or place would select nothing, silently: refused.
    ("/events?tag=ISIS", [("tag", "no tag is 'ISIS'; did you mean 'isis'?")]),
    ("/events?tag=isiss", [("tag", "no tag is 'isiss'; did you mean 'isis'?")]),
    (
        "/events?tag=isis&tag=zzz&actor=sdff&place=hasaka",
        [
            ("tag", "no tag is 'zzz'; see /api/v1/tags for them all"),
            ("actor", "no actor is 'sdff'; did you mean 'sdf'?"),
            ("place", "no place is 'hasaka'; did you mean 'hasakah'?"),
        ],
    ),
    (
        "/events.ics?actor=nobody",
        [("actor", "no actor is 'nobody'; see /api/v1/actors for them all")],
    ),
    ("/timeline?place=irak", [("place", "no place is 'irak'; did you mean 'iraq'?")]),
    ("/claims?by=SOHR", [("by", "no actor is 'SOHR'; did you mean 'sohr'?")]),
    ("/claims?tag=detentions", [("tag", "no tag is 'detentions'; did you mean 'detention'?")]),
    ("/claims?limit=501", [("limit", f"{LIMIT}, found '501'")]),
    ("/claims?cursor=" + cursor(b'["date", "a", "b"]'), [("cursor", CURSOR)]),
    (
        "/claims?actor=sdf",
        [("actor", "unknown parameter; expected by, event, tag, limit, cursor, fields")],
    ),
    ("/tags?kind=x", [("kind", "unknown parameter; expected limit, cursor, fields")]),
    ("/actors?kind=militar", [("kind", "no actor kind is 'militar'; did you mean 'military'?")]),
    ("/places?within=syyria", [("within", "no place is 'syyria'; did you mean 'syria'?")]),
    (
        "/places?kind=planet",
        [("kind", "no place kind is 'planet'; see /api/v1/places for them all")],
    ),
    ("/actors?cursor=" + cursor(b'["places", "a"]'), [("cursor", CURSOR)]),
    ("/tags?cursor=" + cursor(b'["tags", "a", "b"]'), [("cursor", CURSOR)]),
    (
        "/events?updated_since=2026-01-01T10:00",
        [
            (
                "updated_since",
                "'2026-01-01T10:00' gives no time zone; end it with Z (UTC) or an offset",
            )
        ],
    ),
    ("/health?verbose=1", [("verbose", "unknown parameter; expected no parameters")]),
]


@pytest.mark.parametrize(("url", "params"), BAD_PARAMETERS)
def test_bad_parameters(world_client: Client, url: str, params: list[tuple[str, str]]) -> None:
    response = world_client.get(f"/api/v1{url}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "; ".join(f"{name}: {reason}" for name, reason in params),
        "invalid_params": [{"name": name, "reason": reason} for name, reason in params],
    }


def test_a_long_q_is_refused(world_client: Client) -> None:
    response = world_client.get("/api/v1/events", params={"q": "x" * 201})
    assert response.status_code == 400
    [param] = response.json()["invalid_params"]
    assert param["name"] == "q"
    assert param["reason"].startswith("must be at most 200 characters, found 'xxx")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/events/nothing-here", "there is no event 'nothing-here'"),
        ("/api/v1/actors/nobody", "there is no actor 'nobody'"),
        ("/api/v1/places/nowhere", "there is no place 'nowhere'"),
        (
            "/api/v1/nothing",
            "there is nothing at this address; the API is described at /api/v1/docs",
        ),
        ("/nothing", "there is nothing at this address; the API is described at /api/v1/docs"),
    ],
)
def test_not_found(world_client: Client, url: str, detail: str) -> None:
    response = world_client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": detail,
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_is_read_only(world_client: Client, method: str) -> None:
    response = world_client.request(method, "/api/v1/events")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "this API is read-only: use GET"


def test_an_unexpected_error_is_a_logged_problem(
    world_client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dateline.store import Store

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "event", broken)
    response = world_client.get("/api/v1/events/anything")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "the server failed to answer this request; it has been logged"
    )
    assert "disk on fire" not in response.text
