"""The API over a small world of seven events: every endpoint, filter, sort and header."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from conftest import EVENT_PATH, Events
from dateline.cache import open_store
from dateline.store import Store
from dateline.web.app import create_app

Client = TestClient[Any]

HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
SHADDADI = "2026-01-17-al-shaddadi-prison-falls"
CENTCOM = "2026-01-21-centcom-transfer-begins"
SOHR = "2017-08-sohr-reports-helicopters"
DEIR = "2017-deir-ezzor-retaken"
PMU = "2021-pmu-thermal-cameras"
BASE = "2024-fighters-moved-to-us-base"  # date /2024: no known start, so it sorts first
IN_DATE_ORDER = [BASE, SOHR, DEIR, PMU, SHADDADI, HAWL, CENTCOM]


def get(client: Client, url: str, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids(client: Client, url: str) -> list[str]:
    return [item["id"] for item in get(client, url)["items"]]


# --- /events: filters -----------------------------------------------------------------------


def test_all_events_in_date_order(world_client: Client) -> None:
    page = get(world_client, "/api/v1/events")
    assert [i["id"] for i in page["items"]] == IN_DATE_ORDER
    assert page["total"] == 7
    assert page["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # overlap: an event in 2017-08 matches a range that starts inside August
        ("from=2017-08-15", IN_DATE_ORDER),
        ("from=2017-08-15&to=2017-08-15", [BASE, SOHR, DEIR]),
        ("to=2017-07", [BASE]),  # an open start reaches back for ever
        ("from=2017-09&to=2017-10", [BASE, DEIR]),
        ("from=2021-06", [BASE, PMU, SHADDADI, HAWL, CENTCOM]),
        ("from=2025", [SHADDADI, HAWL, CENTCOM]),
        ("from=2026-01-20&to=2026-01-20", [SHADDADI, HAWL]),
        ("from=2026-01-21T10:00Z", [SHADDADI, CENTCOM]),
        ("from=2026-01-22", [SHADDADI]),  # its span ends on 2026-01-23
        ("to=2017-08-01", [BASE, SOHR, DEIR]),  # `to` takes the end of its day
        ("from=2017-08-01/2017-08-02&to=2017/2017", [BASE, SOHR, DEIR]),
    ],
)
def test_dates_select_by_overlap(world_client: Client, query: str, expected: list[str]) -> None:
    assert ids(world_client, f"/api/v1/events?{query}") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=isis", [SOHR, DEIR, PMU]),
        ("tag=isis&tag=detention", [SOHR, DEIR, PMU, SHADDADI, HAWL, CENTCOM]),  # OR
        ("tag=transfer&actor=pmu", [PMU]),  # AND across kinds
        ("actor=sdf", [SHADDADI, HAWL]),  # listed, or only the author of a claim
        ("actor=sohr&actor=pmu", [SOHR, PMU]),
        ("place=hasakah", [SHADDADI, HAWL, CENTCOM]),  # places within it count
        ("place=syria", [SOHR, DEIR, SHADDADI, HAWL, CENTCOM]),
        ("place=iraq&tag=detention", [CENTCOM]),
        ("status=disputed", [PMU, SHADDADI]),
        ("status=confirmed&status=retracted", [BASE, DEIR]),
        ("tag=isis&actor=sdf", []),  # known values, but no event has both
        ("near=36.38,41.15,10", [HAWL]),
        ("near=36.38,41.15,80", [SHADDADI, HAWL, CENTCOM]),
        ("near=36.38,41.15,80&from=2026-01-21", [SHADDADI, CENTCOM]),
        ("tag=isis&from=2017-09", [DEIR, PMU]),
    ],
)
def test_facets_and_status(world_client: Client, query: str, expected: list[str]) -> None:
    page = get(world_client, f"/api/v1/events?{query}")
    assert [i["id"] for i in page["items"]] == expected
    assert page["total"] == len(expected)


# --- /events: full text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("مخيم الهول", [HAWL]),  # an Arabic alias of the event's place
        ("مُخَيَّم", [HAWL]),  # with short vowels written
        ("قوات سوريا", [SHADDADI, HAWL]),  # an Arabic alias of an actor (listed or claiming)
        ("al-Hol", [HAWL]),  # a Latin alias, as a phrase
        ("SOHR", [SOHR]),
        ("escaped", [SHADDADI]),  # claim text
        ("escap*", [SHADDADI]),
        ('"little over"', [SHADDADI]),
        ('"over little"', []),
        ("unguarded camp", [HAWL]),  # every word, any column
        ("Deir", [SOHR, DEIR]),
    ],
)
def test_full_text(world_client: Client, q: str, expected: list[str]) -> None:
    assert sorted(ids(world_client, f"/api/v1/events?q={quote(q)}")) == sorted(expected)


DATE_RANGES = [
    "from=2017-08-15",
    "from=2017-08-15&to=2017-08-15",
    "to=2017-07",
    "from=2021-06",
    "from=2026-01-21T10:00Z",
    "from=2026-01-22",
    "from=2026-01-23",  # where the span of the Shaddadi events ends: not in it
    "from=2017-08-01/2017-08-02&to=2017/2017",
]


# Filters beside the dates that a search is narrowed by (Store._Selection.matching).
OTHER_FILTERS = [
    "tag=isis",
    "tag=transfer&from=2020",
    "status=disputed",
    "status=confirmed&status=disputed&from=2017-09",
    "actor=syrian-army&to=2020",
]


@pytest.mark.parametrize("q", ["Deir", "camp", "isis OR escaped", "al-Hol", "transfer"])
@pytest.mark.parametrize("narrowed", [*DATE_RANGES, *OTHER_FILTERS])
def test_full_text_within_filters_is_both_at_once(
    world_client: Client, q: str, narrowed: str
) -> None:
    # A search within dates checks each match's span itself (Store._select) rather than
    # gathering the range's events first, and looks each match up in the other filters'
    # events: it must select exactly what both select apart.
    both = set(ids(world_client, f"/api/v1/events?q={quote(q)}"))
    both &= set(ids(world_client, f"/api/v1/events?{narrowed}"))
    for sort in ("relevance", "date", "-date"):
        page = get(world_client, f"/api/v1/events?q={quote(q)}&{narrowed}&sort={sort}")
        assert {i["id"] for i in page["items"]} == both
        assert page["total"] == len(both)
    counted = get(world_client, f"/api/v1/timeline?interval=day&q={quote(q)}&{narrowed}")
    assert counted["total"] == len(both)


def test_relevance_puts_title_hits_first(world_client: Client) -> None:
    assert ids(world_client, "/api/v1/events?q=helicopters") == [SOHR, PMU]
    assert ids(world_client, "/api/v1/events?q=helicopters&sort=date") == [SOHR, PMU]
    assert ids(world_client, "/api/v1/events?q=helicopters&sort=-date") == [PMU, SOHR]


def test_snippets_mark_hits_and_escape_the_rest(world_client: Client) -> None:
    [item] = get(world_client, "/api/v1/events?q=withdraws")["items"]
    assert item["snippet"] == (
        "Government troops enter the camp after the &lt;b&gt;SDF&lt;/b&gt; "
        "<mark>withdraws</mark> &amp; leaves."
    )
    [arabic] = get(world_client, f"/api/v1/events?q={quote('مخيم الهول')}")["items"]
    assert "<mark>مخيم</mark> <mark>الهول</mark>" in arabic["snippet"]
    plain = get(world_client, "/api/v1/events?tag=isis")["items"]
    assert all(i["snippet"] is None for i in plain)


# --- /events: sorting and paging ------------------------------------------------------------


def test_sort_newest_first(world_client: Client) -> None:
    assert ids(world_client, "/api/v1/events?sort=-date") == IN_DATE_ORDER[::-1]


@pytest.mark.parametrize("sort", ["date", "-date"])
@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_paging_loses_and_repeats_nothing(world_client: Client, sort: str, limit: int) -> None:
    seen: list[str] = []
    url: str | None = f"/api/v1/events?sort={sort}&limit={limit}"
    pages = 0
    while url is not None:
        page = get(world_client, url)
        assert page["total"] == 7
        assert len(page["items"]) <= limit
        seen += [i["id"] for i in page["items"]]
        url = page["next"]
        pages += 1
    assert seen == (IN_DATE_ORDER if sort == "date" else IN_DATE_ORDER[::-1])
    assert pages == -(-7 // limit)


def test_paging_through_ties_and_filters(events: Events) -> None:
    from dateline.web.app import create_app

    for n in range(30):
        events.write(
            f"2020/2020-01-01-event-{n:02d}.yaml",
            "title: Same day\ndate: 2020-01-01\nsummary: A word.\ntags: [same]\n"
            "sources:\n  - title: A\n    publisher: B\n",
        )
    with TestClient(create_app(open_store(events.root))) as client:
        for query in ("tag=same&limit=4", "q=word&limit=7", "q=word&sort=-date&limit=5"):
            seen: list[str] = []
            url: str | None = f"/api/v1/events?{query}"
            while url is not None:
                page = get(client, url)
                seen += [i["id"] for i in page["items"]]
                url = page["next"]
            assert len(seen) == 30 == len(set(seen)), query


def test_the_next_link_keeps_the_filters(world_client: Client) -> None:
    page = get(world_client, "/api/v1/events?tag=isis&tag=transfer&limit=2")
    assert page["next"].startswith("/api/v1/events?tag=isis&tag=transfer&limit=2&cursor=")
    follow = get(world_client, page["next"])
    assert [i["id"] for i in follow["items"]] == [DEIR, PMU]
    assert follow["total"] == 5  # BASE, SOHR | DEIR, PMU | CENTCOM


def test_list_items_are_short_and_resolved(world_client: Client) -> None:
    [item] = get(world_client, "/api/v1/events?actor=syrian-army&place=al-hawl-camp")["items"]
    assert item == {
        "id": HAWL,
        "title": "Syrian army enters Al-Hawl camp",
        "date": {
            "edtf": "2026-01-20",
            "start": "2026-01-20",
            "end": "2026-01-21",
            "precision": "day",
            "approximate": False,
            "uncertain": False,
            "one_of": False,
            "label": "20 January 2026",
        },
        "status": "reported",
        "tags": ["al-hawl", "detention"],
        "actors": [{"id": "syrian-army", "name": "Syrian Arab Army"}],
        "places": [{"id": "al-hawl-camp", "name": "Al-Hawl camp", "lat": 36.38, "lon": 41.15}],
        # No git history here: both from the record, its source's publication date.
        "first_published": "2026-01-20T00:00:00Z",
        "last_modified": "2026-01-20T00:00:00Z",
        "snippet": None,
    }


# --- single records -------------------------------------------------------------------------


def test_one_event_complete(world_client: Client) -> None:
    event = get(world_client, f"/api/v1/events/{HAWL}")
    assert event["summary"].startswith("Government troops enter the camp")
    assert event["claims"] == [
        {
            "by": {"id": "sdf", "name": "Syrian Democratic Forces"},
            "text": "The camp was left unguarded.",
            "figure": {
                "unit": "people",
                "counts": "escaped",
                "value": 1500,
                "qualifier": "at-least",
                "low": None,
                "high": None,
            },
            "source": 1,
            "date": None,
        }
    ]
    assert event["sources"][0]["title"] == "A report"
    assert event["related"] == []
    assert event["related_by"] == [SHADDADI]  # the other direction
    assert event["file"] == f"events/2026/{HAWL}.yaml"
    assert get(world_client, f"/api/v1/events/{SHADDADI}")["related"] == [HAWL]


def test_a_timed_event_has_timestamps(world_client: Client) -> None:
    date = get(world_client, f"/api/v1/events/{CENTCOM}")["date"]
    assert (date["start"], date["end"]) == ("2026-01-21T10:00:00Z", "2026-01-21T10:01:00Z")


def test_actors(world_client: Client) -> None:
    actors = get(world_client, "/api/v1/actors")["items"]
    assert [(a["id"], a["event_count"]) for a in actors] == [
        ("pmu", 1),
        ("sdf", 2),
        ("sohr", 1),
        ("syrian-army", 3),
    ]
    detail = get(world_client, "/api/v1/actors/sdf")
    assert detail["actor"]["aliases"] == ["SDF", "قوات سوريا الديمقراطية"]
    assert [i["id"] for i in detail["events"]["items"]] == [SHADDADI, HAWL]
    assert detail["events"]["total"] == 2


def test_places(world_client: Client) -> None:
    places = {p["id"]: p for p in get(world_client, "/api/v1/places")["items"]}
    assert places["syria"]["event_count"] == 5
    assert places["al-hawl-camp"]["within"] == {
        "id": "hasakah",
        "name": "Hasakah Governorate",
        "lat": 36.5,
        "lon": 40.75,
    }
    detail = get(world_client, "/api/v1/places/hasakah")
    assert [c["id"] for c in detail["children"]] == ["al-hawl-camp", "al-shaddadi"]
    assert [i["id"] for i in detail["events"]["items"]] == [SHADDADI, HAWL, CENTCOM]


def test_actor_and_place_events_page_on(world: Events) -> None:
    from dateline.web.app import create_app

    for n in range(51):
        events_text = (
            "title: Filler\ndate: 2020-01-01\nsummary: A word.\nactors: [pmu]\n"
            "places: [iraq]\nsources:\n  - title: A\n    publisher: B\n"
        )
        world.write(f"2020/2020-01-01-filler-{n:02d}.yaml", events_text)
    with TestClient(create_app(open_store(world.root))) as client:
        for url in ("/api/v1/actors/pmu", "/api/v1/places/iraq"):
            first = get(client, url)["events"]
            assert len(first["items"]) == 50
            rest = get(client, first["next"])
            assert len(first["items"]) + len(rest["items"]) == first["total"]
            assert rest["next"] is None


def test_tags_with_counts(world_client: Client) -> None:
    assert get(world_client, "/api/v1/tags")["items"] == [
        {"id": "transfer", "event_count": 4},
        {"id": "detention", "event_count": 3},
        {"id": "isis", "event_count": 3},
        {"id": "al-hawl", "event_count": 1},
        {"id": "prison-break", "event_count": 1},
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/actors?kind=armed-group", ["pmu", "sdf"]),
        ("/api/v1/actors?kind=armed-group&kind=monitor", ["pmu", "sdf", "sohr"]),
        ("/api/v1/places?kind=country", ["iraq", "syria"]),
        # At any depth: the camp and the town are within Hasakah, within Syria.
        ("/api/v1/places?within=syria", ["al-hawl-camp", "al-shaddadi", "deir-ezzor", "hasakah"]),
        ("/api/v1/places?within=hasakah&kind=camp", ["al-hawl-camp"]),
        ("/api/v1/places?within=al-hawl-camp", []),
    ],
)
def test_records_are_filtered(world_client: Client, url: str, expected: list[str]) -> None:
    body = get(world_client, url)
    assert [i["id"] for i in body["items"]] == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("path", ["/api/v1/actors", "/api/v1/places", "/api/v1/tags"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_records_page_to_the_end_with_links(world_client: Client, path: str, limit: int) -> None:
    whole = get(world_client, path)["items"]
    seen: list[Any] = []
    url: str | None = f"{path}?limit={limit}"
    while url is not None:
        response = world_client.get(url)
        body = response.json()
        assert body["total"] == len(whole)
        assert f'<{path}?limit={limit}>; rel="first"' in response.headers["link"]
        if body["next"] is not None:
            assert f'<{body["next"]}>; rel="next"' in response.headers["link"]
        seen += body["items"]
        url = body["next"]
    assert seen == whole
    counted = get(world_client, f"{path}?limit=0")
    assert (counted["items"], counted["total"], counted["next"]) == ([], len(whole), None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Thermal", "At least", "A little", "The camp"]),
        ("by=sdf", ["At least", "The camp"]),
        ("by=sdf&by=pmu", ["Thermal", "At least", "The camp"]),
        (f"event={SHADDADI}", ["At least", "A little"]),
        ("tag=isis", ["Thermal"]),
        ("tag=detention&by=syrian-army", ["A little"]),
    ],
)
def test_claims(world_client: Client, query: str, expected: list[str]) -> None:
    page = get(world_client, f"/api/v1/claims?{query}")
    texts = [item["text"] for item in page["items"]]
    assert [t[: len(e)] for t, e in zip(texts, expected, strict=True)] == expected
    assert page["total"] == len(expected)


def test_claim_items_name_their_event(world_client: Client) -> None:
    first = get(world_client, "/api/v1/claims?limit=1")
    item = first["items"][0]
    assert item["event"] == {"id": PMU, "name": "PMU says thermal cameras recorded flights"}
    assert item["index"] == 1
    assert item["by"] == {"id": "pmu", "name": "Popular Mobilization Units"}
    second = get(world_client, first["next"])
    assert second["items"][0]["event"]["id"] == SHADDADI


@pytest.mark.parametrize(
    ("query", "buckets", "open_start"),
    [
        ("", {"2017": 2, "2021": 1, "2026": 3}, 1),
        ("interval=month", {"2017-08": 2, "2021-01": 1, "2026-01": 3}, 1),
        ("interval=day&tag=detention", {"2026-01-17": 1, "2026-01-20": 1, "2026-01-21": 1}, 0),
        ("interval=year&from=2018", {"2021": 1, "2026": 3}, 1),
        ("q=helicopters", {"2017": 1, "2021": 1}, 0),
    ],
)
def test_timeline(
    world_client: Client, query: str, buckets: dict[str, int], open_start: int
) -> None:
    timeline = get(world_client, f"/api/v1/timeline?{query}")
    assert {b["period"]: b["count"] for b in timeline["buckets"]} == buckets
    assert timeline["open_start"] == open_start
    assert timeline["total"] == sum(buckets.values()) + open_start


def test_event_schema_is_the_file_format(world_client: Client) -> None:
    import msgspec

    from dateline import model

    response = world_client.get("/api/v1/schema/event")
    assert response.headers["content-type"] == "application/schema+json"
    schema = response.json()
    assert schema.pop("$schema") == model.SCHEMA_DIALECT
    assert {k: v for k, v in schema.items() if k not in ("title", "description")} == (
        msgspec.json.schema(model.Event)
    )


def test_health(world_client: Client) -> None:
    health = get(world_client, "/api/v1/health")
    assert health["status"] == "ok"
    assert len(health["revision"]) == 32
    assert health["counts"] == {"events": 7, "actors": 4, "places": 6, "tags": 5, "claims": 4}
    assert health["warnings"] == 9
    assert health["problems"] == []


def test_health_tells_a_conditional_poller_at_once_that_a_reload_failed(
    events: Events, tmp_path: Path
) -> None:
    # Issue 13, defect 2: the body changes from "ok" to "degraded" with the data unchanged.
    from dateline.engine import Engine, LiveStore

    live = LiveStore.create(
        tmp_path / "live.sqlite", Engine(events.root), open_store(events.root).path
    )
    with TestClient(create_app(Store(live.path, live=True))) as client:
        live.update()
        first = client.get("/api/v1/health")
        assert first.headers["cache-control"] == "no-cache"
        tag = first.headers["etag"]
        assert client.get("/api/v1/health", headers={"if-none-match": tag}).status_code == 304
        path = events.root / EVENT_PATH
        good = path.read_text(encoding="utf-8")
        path.write_text(good + "colour: red\n", encoding="utf-8")
        assert live.update().problems
        failed = client.get("/api/v1/health", headers={"if-none-match": tag})
        assert failed.status_code == 200
        assert failed.json()["status"] == "degraded"
        assert failed.json()["problems"][0]["code"] == "DL202"
        assert failed.headers["etag"] != tag
        assert failed.headers["cache-control"] == "no-cache"
        path.write_text(good, encoding="utf-8")
        assert not live.update().problems
        assert client.get("/api/v1/health", headers={"if-none-match": tag}).status_code == 304
        assert client.get("/api/v1/events").headers["cache-control"] == "public, max-age=60"
    live.close()


def test_index_page_and_docs(world_client: Client) -> None:
    index = world_client.get("/")
    assert index.status_code == 200
    assert 'href="/api/v1/docs"' in index.text
    assert world_client.get("/api/v1/docs").status_code == 200
    document = get(world_client, "/api/v1/docs/openapi.json")
    assert "/api/v1/events" in document["paths"]
    responses = document["paths"]["/api/v1/events/{event_id}"]["get"]["responses"]
    assert list(responses["404"]["content"]) == ["application/problem+json"]
    assert list(responses["400"]["content"]) == ["application/problem+json"]


def test_a_built_site_is_served_at_the_root(store: Any, tmp_path: Any) -> None:
    from dateline.web.app import create_app

    site = tmp_path / "built"
    site.mkdir()
    (site / "index.html").write_text("<p>the site</p>", encoding="utf-8")
    with TestClient(create_app(store, site=site)) as client:
        assert client.get("/").text == "<p>the site</p>"
        assert client.get("/api/v1/health").status_code == 200


# --- HTTP behaviour -------------------------------------------------------------------------


def test_etag_and_304(world_client: Client) -> None:
    first = world_client.get("/api/v1/events?tag=isis")
    tag = first.headers["etag"]
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert first.headers["cache-control"] == "public, max-age=60"
    again = world_client.get("/api/v1/events?tag=isis", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    weak = world_client.get("/api/v1/events?tag=isis", headers={"If-None-Match": f"W/{tag}, x"})
    assert weak.status_code == 304
    other = world_client.get("/api/v1/events?tag=detention", headers={"If-None-Match": tag})
    assert other.status_code == 200
    assert other.headers["etag"] != tag


def test_errors_have_no_etag(world_client: Client) -> None:
    response = world_client.get("/api/v1/events/nothing")
    assert response.status_code == 404
    assert "etag" not in response.headers


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("br, Gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("*;q=0, gzip", True),
        ("gzip;q=0, *", False),
        ("identity", False),
        ("", False),
    ],
)
def test_gzip_only_where_it_is_acceptable(world_client: Client, accept: str, gzipped: bool) -> None:
    # Issue 13, defect 7: q=0 refuses a coding, and coding names are case-insensitive.
    response = world_client.get("/api/v1/events", headers={"Accept-Encoding": accept})
    assert (response.headers.get("content-encoding") == "gzip") is gzipped
    again = world_client.get(
        "/api/v1/events",
        headers={"Accept-Encoding": accept, "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304  # the tag names the coding actually sent


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/events", 304),
        ("/api/v1/events/nope", 404),
        ("/api/v1/events?bogus=1", 400),
        ("/api/v1/events?limit=-1", 400),
        ("/api/v1/nowhere", 404),
    ],
)
def test_if_none_match_any_is_answered_after_routing(
    world_client: Client, path: str, status: int
) -> None:
    # Issue 13, defect 6: "*" matches only a representation that exists.
    response = world_client.get(path, headers={"If-None-Match": "*"})
    assert response.status_code == status
    if status == 304:
        assert response.content == b""
        assert response.headers["etag"] == world_client.get(path).headers["etag"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events",
        "/api/v1/events?tag=isis",
        "/api/v1/events.csv",
        "/api/v1/events.atom",
        "/api/v1/timeline",
        "/api/v1/health",
        "/api/v1/docs",
        "/api/v1/docs/openapi.json",
        "/api/v1/events/nope",
    ],
)
def test_head_is_the_get_without_its_body(world_client: Client, path: str) -> None:
    # Issue 13, defect 4: HEAD wherever GET is (RFC 9110 §9.1), with the GET's headers.
    got = world_client.get(path, headers={"accept-encoding": "identity"})
    head = world_client.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_gzip_when_asked(world_client: Client) -> None:
    plain = world_client.get("/api/v1/events", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = world_client.get("/api/v1/events", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # httpx decodes it
    assert zipped.headers["etag"] != plain.headers["etag"]  # strong tags differ by coding
    again = world_client.get(
        "/api/v1/events",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]},
    )
    assert again.status_code == 304


def test_cors_for_any_origin(world_client: Client) -> None:
    response = world_client.get("/api/v1/events", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = world_client.options(
        "/api/v1/events",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_one_day_in_a_range_is_flagged_and_filtered_by_its_span(world_client: Client) -> None:
    date = get(world_client, f"/api/v1/events/{SHADDADI}")["date"]
    assert date == {
        "edtf": "[2026-01-17..2026-01-22]",
        "start": "2026-01-17",
        "end": "2026-01-23",
        "precision": "day",
        "approximate": False,
        "uncertain": False,
        "one_of": True,
        "label": "some day between 17 and 22 January 2026",
    }

    def ids(query: str) -> list[str]:
        return [item["id"] for item in get(world_client, f"/api/v1/events?{query}")["items"]]

    assert SHADDADI in ids("from=2026-01-22&to=2026-01-22")  # any day of it may be the one
    assert SHADDADI in ids("from=2026-01-17&to=2026-01-17")
    assert SHADDADI not in ids("from=2026-01-23")
    assert SHADDADI not in ids("to=2026-01-16")


def test_the_schema_says_what_a_figure_counts_and_how_it_is_worded(world_client: Client) -> None:
    schema = get(world_client, "/api/v1/schema/event")
    figure = schema["$defs"]["Figure"]
    assert "counts" in figure["required"]
    assert set(figure["properties"]["qualifier"]["anyOf"][0]["enum"]) == {
        "exact",
        "about",
        "at-least",
        "at-most",
        "more-than",
        "fewer-than",
        "just-over",
        "just-under",
    }
    date = schema["$defs"]["Event"]["properties"]["date"]
    assert "[2026-01-17..2026-01-22]" in date["description"]


def test_cors_preflight_for_any_method_is_answered_with_what_the_api_allows(
    world_client: Client,
) -> None:
    # Issue 13, defect 9: not a text/plain 400; the browser refuses a method not listed.
    for method in ("GET", "POST", "DELETE"):
        response = world_client.options(
            "/api/v1/events",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "if-none-match",
            },
        )
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
        assert response.headers["access-control-allow-headers"] == "if-none-match"


def test_a_plain_options_says_what_is_allowed_whatever_the_query(world_client: Client) -> None:
    response = world_client.options("/api/v1/events?tag=isis&bogus=1")
    assert response.status_code == 204
    assert "GET" in response.headers["allow"]


def test_a_browser_script_may_read_the_etag_and_link(world_client: Client) -> None:
    response = world_client.get("/api/v1/events", headers={"Origin": "https://app.example"})
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "link"} <= exposed


# --- paging by Link headers, and counting alone --------------------------------------------

LINK = re.compile(r'<([^>]*)>; rel="([a-z]+)"')


@pytest.mark.parametrize("path", ["/api/v1/events?tag=isis&limit=1", "/api/v1/claims?limit=1"])
def test_pages_link_to_the_first_and_the_next_as_rfc_8288_says(
    world_client: Client, path: str
) -> None:
    seen: list[str] = []
    url: str | None = path
    while url is not None:
        response = world_client.get(url)
        links = {rel: target for target, rel in LINK.findall(response.headers["link"])}
        assert links["first"] == path  # the same query, no cursor
        assert links.get("next") == response.json()["next"]  # the header and the body agree
        seen += [str(item.get("id") or item["event"]["id"]) for item in response.json()["items"]]
        url = links.get("next")
    assert len(seen) == response.json()["total"] > 1


@pytest.mark.parametrize(
    "path", ["/api/v1/events?tag=isis", "/api/v1/claims", "/api/v1/events?q=camp"]
)
def test_limit_0_gives_the_total_alone(world_client: Client, path: str) -> None:
    counted = world_client.get(f"{path}&limit=0" if "?" in path else f"{path}?limit=0").json()
    assert counted["items"] == []
    assert counted["next"] is None
    assert counted["total"] == world_client.get(path).json()["total"] > 0


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/v1/events?fields=id,title&limit=3", ["id", "title"]),
        ("/api/v1/events?fields=title, id,date", ["id", "title", "date"]),  # the item's order
        ("/api/v1/events?q=camp&fields=id,snippet", ["id", "snippet"]),
        ("/api/v1/claims?fields=text,by", ["by", "text"]),
        ("/api/v1/actors?fields=id,event_count", ["id", "event_count"]),
        ("/api/v1/places?fields=name&kind=country", ["name"]),
        ("/api/v1/tags?fields=id", ["id"]),
    ],
)
def test_fields_keep_only_the_fields_asked_for(
    world_client: Client, url: str, fields: list[str]
) -> None:
    whole = get(world_client, re.sub(r"fields=[^&]*&?", "", url))
    body = get(world_client, url)
    assert body["total"] == whole["total"]
    assert body["items"]
    assert [list(i) for i in body["items"]] == [fields] * len(body["items"])
    assert body["items"] == [{k: i[k] for k in fields} for i in whole["items"]]


def test_a_field_items_do_not_have_is_refused(world_client: Client) -> None:
    response = world_client.get("/api/v1/events?fields=id,titel,summary")
    assert response.status_code == 400
    assert [(p["name"], p["reason"]) for p in response.json()["invalid_params"]] == [
        ("fields", "'titel' is not a field of an item; did you mean 'title'?"),
        (
            "fields",
            "'summary' is not a field of an item; expected id, title, date, status, "
            "tags, actors, places, first_published, last_modified, snippet",
        ),
    ]
