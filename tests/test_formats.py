"""The event list as JSON, CSV, GeoJSON, iCalendar, Atom and SQLite: the serialisers of
`dateline.formats`, and the API's `/events.{geojson,ics,atom,csv}` that serve them."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sqlite3
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import icalendar
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from conftest import Events, world_event
from dateline import formats, resources
from dateline.cache import DatasetError, open_store
from dateline.media import MEDIA_TYPES
from dateline.site.catalog import Catalog
from dateline.store import EventFilter, Store
from dateline.web import feeds
from dateline.web.app import create_app

Client = TestClient[Any]

HAWL = "2026-01-20-syrian-army-enters-al-hawl-camp"
SHADDADI = "2026-01-17-al-shaddadi-prison-falls"
CENTCOM = "2026-01-21-centcom-transfer-begins"
SOHR = "2017-08-sohr-reports-helicopters"
DEIR = "2017-deir-ezzor-retaken"
PMU = "2021-pmu-thermal-cameras"
BASE = "2024-fighters-moved-to-us-base"
IN_DATE_ORDER = [BASE, SOHR, DEIR, PMU, SHADDADI, HAWL, CENTCOM]
NS = {"a": formats.ATOM}
FEEDS = ["geojson", "ics", "atom", "csv"]


def link(event_id: str) -> str:
    return f"https://example.org/events/{event_id}/"


def render(store: Store, fmt: formats.Format, query: EventFilter | None = None) -> bytes:
    return formats.render(fmt, formats.select(store, query or EventFilter()), link)


# --- parsing each format back, with its real parser -------------------------------------------


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def atom_entries(body: bytes) -> list[ET.Element]:
    feed = ET.fromstring(body)
    assert feed.tag == f"{{{formats.ATOM}}}feed"
    return feed.findall("a:entry", NS)


def geojson_features(body: bytes) -> list[dict[str, Any]]:
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
        assert set(feature["properties"]) >= {"id", "title", "date", "start", "end", "status"}
    features: list[dict[str, Any]] = collection["features"]
    return features


def event_ids(fmt: str, body: bytes) -> list[str]:
    """The ids of the events a body holds, in its order (each once)."""
    if fmt == "csv":
        found = [row["id"] for row in csv_rows(body)]
    elif fmt == "ics":
        found = [str(e["UID"]).removesuffix("@dateline") for e in vevents(body)]
    elif fmt == "atom":
        found = [
            (e.findtext("a:id", namespaces=NS) or "").removeprefix("urn:dateline:event:")
            for e in atom_entries(body)
        ]
    elif fmt == "geojson":
        found = [f["properties"]["id"] for f in geojson_features(body)]
    else:
        found = [item["id"] for item in json.loads(body)["items"]]
    return list(dict.fromkeys(found))


# --- one event, exactly, per format -----------------------------------------------------------


def test_csv_row(world: Events) -> None:
    rows = csv_rows(render(open_store(world.root), "csv"))
    assert list(rows[0]) == list(formats.CSV_COLUMNS)
    assert rows[-1] == {
        "id": CENTCOM,
        "title": "CENTCOM transfer begins",
        "edtf": "2026-01-21T10:00Z",
        "start": "2026-01-21T10:00:00Z",
        "end": "2026-01-21T10:01:00Z",
        "precision": "minute",
        "approximate": "false",
        "uncertain": "false",
        "one_of": "false",
        "label": "21 January 2026, 10:00 UTC",
        "status": "reported",
        "tags": "detention;transfer",
        "actors": "",
        "places": "hasakah;iraq",
        "sources": "Example News: A report",
        "figures": "",
        "file": f"events/2026/{CENTCOM}.yaml",
    }


def test_csv_names_the_sources_an_event_cites(events: Events) -> None:
    events.write(
        "2026/2026-01-21-two-sources.yaml",
        "title: Two sources\ndate: 2026-01-21\nsummary: More.\nsources:\n"
        "  - {title: A story, publisher: Example News, url: 'https://example.org/a'}\n"
        "  - {title: '=A letter', publisher: 'A ministry; its office'}\n",
    )
    rows = {row["id"]: row for row in csv_rows(render(open_store(events.root), "csv"))}
    assert rows["2026-01-21-two-sources"]["sources"] == (
        "Example News: A story <https://example.org/a>; A ministry; its office: =A letter"
    )


def test_csv_says_what_each_figure_counts_and_which_dates_are_one_day_of_a_range(
    world: Events,
) -> None:
    rows = {row["id"]: row for row in csv_rows(render(open_store(world.root), "csv"))}
    assert rows[HAWL]["figures"] == "Syrian Democratic Forces: at least 1,500 people escaped"
    assert (rows[HAWL]["one_of"], rows[SHADDADI]["one_of"]) == ("false", "true")
    assert rows[SHADDADI]["label"] == "some day between 17 and 22 January 2026"


def test_csv_is_rfc_4180(world: Events) -> None:
    body = render(open_store(world.root), "csv")
    lines = body.split(b"\r\n")
    assert lines[0] == b",".join(c.encode() for c in formats.CSV_COLUMNS)
    assert lines[-1] == b""  # every record ends with CRLF
    assert b'"21 January 2026, 10:00 UTC"' in lines[-2]  # a comma is quoted
    assert not body.startswith(b"\xef\xbb\xbf")  # UTF-8, no BOM


def test_geojson_feature(world: Events) -> None:
    features = geojson_features(render(open_store(world.root), "geojson"))
    assert [f for f in features if f["properties"]["id"] == HAWL] == [
        {
            "id": f"{HAWL}@al-hawl-camp",
            "geometry": {"coordinates": [41.15, 36.38], "type": "Point"},
            "properties": {
                "id": HAWL,
                "title": "Syrian army enters Al-Hawl camp",
                "date": "20 January 2026",
                "edtf": "2026-01-20",
                "start": "2026-01-20",
                "end": "2026-01-21",
                "status": "reported",
                "place": "al-hawl-camp",
                "place_name": "Al-Hawl camp",
                "figures": ["Syrian Democratic Forces: at least 1,500 people escaped"],
                "url": link(HAWL),
            },
            "type": "Feature",
        }
    ]


def test_geojson_has_a_point_per_place_and_counts_the_events_without_one(world: Events) -> None:
    body = render(open_store(world.root), "geojson")
    assert [f["id"] for f in geojson_features(body) if f["properties"]["id"] == CENTCOM] == [
        f"{CENTCOM}@hasakah",
        f"{CENTCOM}@iraq",
    ]
    assert json.loads(body)["skipped"] == 1  # BASE has no place
    assert BASE not in event_ids("geojson", body)


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (
            HAWL,
            {
                "DTSTART": datetime.date(2026, 1, 20),
                "DTEND": datetime.date(2026, 1, 21),  # exclusive, as in Dateline
                "SUMMARY": "Syrian army enters Al-Hawl camp",
                "DESCRIPTION": (
                    "20 January 2026 (reported)\n\n"
                    "Government troops enter the camp after the <b>SDF</b> withdraws & leaves.\n\n"
                    "Figures claimed:\n- Syrian Democratic Forces: at least 1,500 people escaped"
                ),
                "STATUS": "TENTATIVE",
                "LOCATION": "Al-Hawl camp",
                "URL": link(HAWL),
                "DTSTAMP": datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC),
            },
        ),
        (
            CENTCOM,
            {
                "DTSTART": datetime.datetime(2026, 1, 21, 10, 0, tzinfo=datetime.UTC),
                "DTEND": datetime.datetime(2026, 1, 21, 10, 1, tzinfo=datetime.UTC),
                "SUMMARY": "CENTCOM transfer begins",
                "LOCATION": "Hasakah Governorate; Iraq",
            },
        ),
        (  # no known start: an event on the last day of its known end
            BASE,
            {
                "DTSTART": datetime.date(2024, 12, 31),
                "DTEND": None,
                "DESCRIPTION": "up to 2024 (start unknown) (retracted)\n\nSomething happened.",
                "STATUS": "CANCELLED",
            },
        ),
    ],
)
def test_ics_event(world: Events, event_id: str, expected: dict[str, object]) -> None:
    found = {str(e["UID"]): e for e in vevents(render(open_store(world.root), "ics"))}
    event = found[f"{event_id}@dateline"]
    for name, value in expected.items():
        if value is None:
            assert name not in event
        elif name in ("DTSTART", "DTEND", "DTSTAMP"):
            assert event.decoded(name) == value, name
        else:
            assert str(event[name]) == value, name


def test_ics_dates_are_value_date(world: Events) -> None:
    body = render(open_store(world.root), "ics").decode()
    assert "DTSTART;VALUE=DATE:20260120\r\nDTEND;VALUE=DATE:20260121\r\n" in body
    assert "DTSTART:20260121T100000Z\r\n" in body
    assert "X-DATELINE-SKIPPED:0\r\n" in body


def test_ics_open_end_is_an_event_on_its_start(world: Events) -> None:
    world.write("2026/2026-02-01-ongoing.yaml", world_event("Ongoing", "2026-02-01/.."))
    (event,) = [
        e
        for e in vevents(render(open_store(world.root), "ics"))
        if str(e["UID"]) == "2026-02-01-ongoing@dateline"
    ]
    assert event.decoded("DTSTART") == datetime.date(2026, 2, 1)
    assert "DTEND" not in event
    assert str(event["DESCRIPTION"]).startswith("from 1 February 2026 on (reported)")


OPEN_AND_UNKNOWN_ENDS = [  # (EDTF, the one day it is put on, what DESCRIPTION starts with)
    ("/2024", datetime.date(2024, 12, 31), "up to 2024 (start unknown)"),
    ("../2006", datetime.date(2006, 12, 31), "until 2006"),
    ("2026-01-20/", datetime.date(2026, 1, 20), "from 20 January 2026 (end unknown)"),
    ("2026-01-20/..", datetime.date(2026, 1, 20), "from 20 January 2026 on"),
]


@pytest.mark.parametrize(("edtf", "day", "label"), OPEN_AND_UNKNOWN_ENDS)
def test_ics_open_and_unknown_ends_as_two_parsers_read_them(
    world: Events, edtf: str, day: datetime.date, label: str
) -> None:
    # The known bound as a one-day event, the range said in words: never a day it is not.
    from ical.calendar_stream import IcsCalendarStream

    uid = f"{day.year}-open@dateline"  # an id begins with the year its date begins in
    world.write(f"{day.year}/{day.year}-open.yaml", world_event("Open", edtf))
    body = render(open_store(world.root), "ics")
    (event,) = [e for e in vevents(body) if str(e["UID"]) == uid]
    assert event.decoded("DTSTART") == day
    assert "DTEND" not in event  # a date with no end lasts that one day (RFC 5545 §3.6.1)
    assert str(event["DESCRIPTION"]).startswith(label)
    strict = IcsCalendarStream.calendar_from_ics(body.decode())  # a second, strict parser
    (same,) = [e for e in strict.events if e.uid == uid]
    assert (same.dtstart, same.end) == (day, day + datetime.timedelta(days=1))
    assert same.description is not None
    assert same.description.startswith(label)
    assert len(strict.events) == len(vevents(body))  # the parsers see the same events


def test_atom_entry(world: Events) -> None:
    body = render(open_store(world.root), "atom")
    feed = ET.fromstring(body)
    assert feed.findtext("a:id", namespaces=NS) == "urn:dateline:events"
    assert feed.findtext("a:updated", namespaces=NS) == "2026-01-21T10:00:00Z"  # the newest
    assert feed.findtext("a:author/a:name", namespaces=NS) == "Dateline"
    entry = atom_entries(body)[IN_DATE_ORDER.index(HAWL)]
    assert entry.findtext("a:id", namespaces=NS) == f"urn:dateline:event:{HAWL}"
    assert entry.findtext("a:title", namespaces=NS) == "Syrian army enters Al-Hawl camp"
    assert entry.findtext("a:updated", namespaces=NS) == "2026-01-20T00:00:00Z"
    links = entry.findall("a:link", NS)
    assert [(x.get("rel"), x.get("href")) for x in links] == [("alternate", link(HAWL))]
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["al-hawl", "detention"]
    summary = entry.find("a:summary", NS)
    assert summary is not None
    assert summary.get("type") == "text"
    assert summary.text == (
        "20 January 2026 (reported)\n\n"
        "Government troops enter the camp after the <b>SDF</b> withdraws & leaves.\n\n"
        "Figures claimed:\n- Syrian Democratic Forces: at least 1,500 people escaped"
    )


def test_atom_updated_is_the_newest_update(world: Events) -> None:
    world.write(
        f"2026/{HAWL}.yaml",
        world_event("Syrian army enters Al-Hawl camp", "2026-01-20")
        + "updates:\n  - date: 2026-01-22\n    note: Earlier.\n"
        + "  - date: 2026-01-25\n    note: Corrected.\n",
    )
    body = render(open_store(world.root), "atom")
    entry = atom_entries(body)[IN_DATE_ORDER.index(HAWL)]
    assert entry.findtext("a:updated", namespaces=NS) == "2026-01-25T00:00:00Z"
    assert ET.fromstring(body).findtext("a:updated", namespaces=NS) == "2026-01-25T00:00:00Z"


def test_an_empty_atom_feed_has_a_fixed_date(world: Events) -> None:
    body = render(open_store(world.root), "atom", EventFilter(tags=("nothing",)))
    assert atom_entries(body) == []
    assert ET.fromstring(body).findtext("a:updated", namespaces=NS) == formats.NO_DATE


def test_json_is_the_sites_events_json_and_the_api_list(
    world: Events, world_client: Client
) -> None:
    store = open_store(world.root)
    body = render(store, "json")
    assert body == Catalog(store).events_json()
    response = world_client.get("/api/v1/events", headers={"accept-encoding": "identity"})
    assert body == response.content
    assert event_ids("json", body) == IN_DATE_ORDER


def test_sqlite_is_a_copy_of_the_store(world: Events, tmp_path: Path) -> None:
    out = tmp_path / "dateline.sqlite"
    formats.copy_store(world.root, out)
    assert out.read_bytes() == open_store(world.root).path.read_bytes()
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone() == (7,)


# --- every format -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", *FEEDS])
def test_every_event_in_date_order(world: Events, fmt: formats.Format) -> None:
    body = render(open_store(world.root), fmt)
    expected = [i for i in IN_DATE_ORDER if fmt != "geojson" or i != BASE]
    assert event_ids(fmt, body) == expected


@pytest.mark.parametrize("fmt", ["json", *FEEDS])
def test_the_same_data_gives_the_same_bytes(world: Events, tmp_path: Path, fmt: str) -> None:
    first = b"".join(formats.export(world.root, fmt))  # type: ignore[arg-type]
    for cached in (world.root.parent / ".cache").glob("**/*.sqlite"):
        cached.unlink()  # compiled afresh
    assert b"".join(formats.export(world.root, fmt)) == first  # type: ignore[arg-type]


TRICKY = '<script>alert("x")</script> & co'


@pytest.mark.parametrize("fmt", ["json", *FEEDS])
def test_markup_in_text_stays_text(world: Events, fmt: formats.Format) -> None:
    world.write(
        "2026/2026-02-01-tricky.yaml",
        world_event("'" + TRICKY + "'", "2026-02-01", summary="'<img src=x onerror=alert(1)>'"),
    )
    body = render(open_store(world.root), fmt)
    if fmt == "csv":
        (row,) = [r for r in csv_rows(body) if r["id"] == "2026-02-01-tricky"]
        assert row["title"] == TRICKY
    elif fmt == "ics":
        (event,) = [e for e in vevents(body) if str(e["UID"]) == "2026-02-01-tricky@dateline"]
        assert str(event["SUMMARY"]) == TRICKY
        assert str(event["DESCRIPTION"]).endswith("<img src=x onerror=alert(1)>")
    elif fmt == "atom":
        assert b"<script>" not in body
        assert b"<img" not in body
        entry = atom_entries(body)[-1]
        assert entry.findtext("a:title", namespaces=NS) == TRICKY
        assert [e.tag for e in entry.iter()].count(f"{{{formats.ATOM}}}script") == 0
    elif fmt == "geojson":
        # no place: not a feature, but counted
        assert json.loads(body)["skipped"] == 2
    else:
        assert json.loads(body)["items"][-1]["title"] == TRICKY


def test_too_many_events(world: Events) -> None:
    with pytest.raises(formats.TooMany, match="7 events match, and this format holds at most 3"):
        formats.select(open_store(world.root), EventFilter(), limit=3)


def test_export_refuses_a_dataset_with_errors(events: Events) -> None:
    events.write("2026/2026-02-01-broken.yaml", "title: Broken\n")
    with pytest.raises(DatasetError) as raised:
        formats.export(events.root, "csv")
    assert any("2026-02-01-broken.yaml" in d.file for d in raised.value.diagnostics)


def test_export_links_to_the_site(world: Events) -> None:
    body = b"".join(formats.export(world.root, "atom", base_url="https://example.org/timeline/"))
    entry = atom_entries(body)[0]
    assert entry.find("a:link", NS).get("href") == (  # type: ignore[union-attr]
        f"https://example.org/timeline/events/{BASE}/"
    )


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("geojson", "application/geo+json"),
        ("ics", "text/calendar; charset=utf-8"),
        ("atom", "application/atom+xml"),
        ("csv", "text/csv; charset=utf-8"),
    ],
)
def test_api_media_types(world_client: Client, fmt: str, media_type: str) -> None:
    response = world_client.get(f"/api/v1/events.{fmt}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type


@pytest.mark.parametrize("fmt", FEEDS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", IN_DATE_ORDER),
        ("tag=isis", [SOHR, DEIR, PMU]),
        ("place=hasakah&status=reported", [HAWL, CENTCOM]),
        ("from=2025", [SHADDADI, HAWL, CENTCOM]),
        ("q=camp", [HAWL]),
        ("tag=isis&actor=sdf", []),
    ],
)
def test_api_filters(world_client: Client, fmt: str, query: str, expected: list[str]) -> None:
    response = world_client.get(f"/api/v1/events.{fmt}?{query}")
    assert response.status_code == 200, response.text
    wanted = [i for i in expected if fmt != "geojson" or i != BASE]
    assert event_ids(fmt, response.content) == wanted


@pytest.mark.parametrize("host", [None, "evil.example"])
def test_api_links_to_the_api_at_its_base_url(world: Events, host: str | None) -> None:
    # The base URL is configured, never taken from the request's Host (which a client
    # chooses): the bytes depend on the revision and the URL alone.
    app = create_app(open_store(world.root), base_url="https://api.example.org/")
    headers = {"host": host} if host else {}
    with TestClient(app) as client:
        body = client.get("/api/v1/events.atom?tag=isis", headers=headers).content
        ics = client.get("/api/v1/events.ics?tag=isis", headers=headers).text
    feed = ET.fromstring(body)
    assert feed.findtext("a:id", namespaces=NS) == "urn:dateline:events?tag=isis"
    assert feed.find("a:link[@rel='self']", NS).get("href") == (  # type: ignore[union-attr]
        "https://api.example.org/api/v1/events.atom?tag=isis"
    )
    entry = atom_entries(body)[0]
    assert entry.find("a:link", NS).get("href") == (  # type: ignore[union-attr]
        f"https://api.example.org/api/v1/events/{SOHR}"
    )
    assert f"https://api.example.org/api/v1/events/{SOHR}" in ics.replace("\r\n ", "")
    assert "evil" not in body.decode() + ics


def test_gzipped_bytes_are_the_same_from_one_request_to_the_next(world: Events) -> None:
    # One strong ETag promises one body: gzip's header holds no time (MTIME 0). Two apps,
    # as two server workers are, so that no response cache answers the second request.
    bodies = set()
    for _ in range(2):
        with TestClient(create_app(open_store(world.root))) as client:
            headers = {"accept-encoding": "gzip"}
            with client.stream("GET", "/api/v1/events.atom", headers=headers) as response:
                assert response.headers["content-encoding"] == "gzip"
                bodies.add((response.headers["etag"], b"".join(response.iter_raw())))
        time.sleep(1.1)  # gzip's MTIME counts seconds
    assert len(bodies) == 1


@pytest.mark.parametrize("fmt", FEEDS)
def test_api_reads_behave_as_every_read(world_client: Client, fmt: str) -> None:
    url = f"/api/v1/events.{fmt}"
    response = world_client.get(
        url, headers={"accept-encoding": "gzip", "origin": "https://other.example"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["access-control-allow-origin"] == "*"
    tag = response.headers["etag"]
    again = world_client.get(url, headers={"accept-encoding": "gzip", "if-none-match": tag})
    assert again.status_code == 304
    plain = world_client.get(url, headers={"accept-encoding": "identity"})
    assert plain.headers["etag"] != tag  # a strong tag names the coding


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/events.csv?from=spring", "from"),
        ("/api/v1/events.ics?limit=5", "limit"),
        ("/api/v1/events.atom?status=rumoured", "status"),
        ("/api/v1/events.geojson?near=here", "near"),
    ],
)
def test_api_bad_parameters(world_client: Client, url: str, name: str) -> None:
    response = world_client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == [name]


def test_api_refuses_too_many(world_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_EVENTS", 3)
    response = world_client.get("/api/v1/events.csv")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "7 events match, and this format holds at most 3; "
        "narrow the list with from, to, tag, actor, place, status, q or near"
    )
    assert world_client.get("/api/v1/events.csv?tag=isis").status_code == 200


def test_api_documents_the_formats(world_client: Client) -> None:
    paths = world_client.get("/api/v1/docs/openapi.json").json()["paths"]
    for fmt in FEEDS:
        operation = paths[f"/api/v1/events.{fmt}"]["get"]
        assert list(operation["responses"]["200"]["content"]) == [MEDIA_TYPES[fmt]]
        assert operation["responses"]["400"]["content"]["application/problem+json"]
        assert {p["name"] for p in operation["parameters"]} == {
            "from",
            "to",
            "tag",
            "actor",
            "place",
            "status",
            "q",
            "near",
            "updated_since",
        }


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_are_never_formulas(world: Events, start: str) -> None:
    path = world.root / "2026" / "2026-01-21-centcom-transfer-begins.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: CENTCOM transfer begins", f"title: '{start}HYPERLINK(\"x\")'"),
        encoding="utf-8",
    )
    rows = {row["id"]: row for row in csv_rows(render(open_store(world.root), "csv"))}
    assert rows[CENTCOM]["title"] == f'\'{start}HYPERLINK("x")'
    assert rows[HAWL]["title"] == "Syrian army enters Al-Hawl camp"  # others as they are


@pytest.mark.parametrize(
    ("query", "expected"), [("", IN_DATE_ORDER), ("tag=isis", [SOHR, DEIR, PMU])]
)
def test_ndjson_streams_every_event_whole_a_page_at_a_time(
    world_client: Client, monkeypatch: pytest.MonkeyPatch, query: str, expected: list[str]
) -> None:
    monkeypatch.setattr(formats, "NDJSON_PAGE", 2)  # several pages, as 100,000 events make
    response = world_client.get(f"/api/v1/events.ndjson?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.content.splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected
    for line, event_id in zip(lines, expected, strict=True):  # each as /events/{id} gives it
        assert line == world_client.get(f"/api/v1/events/{event_id}").content
    again = world_client.get(
        f"/api/v1/events.ndjson?{query}", headers={"if-none-match": response.headers["etag"]}
    )
    assert again.status_code == 304


def streamed(stream: formats.TextStream, events: list[Any], size: int) -> bytes:
    parts = [stream.part(events[n : n + size]) for n in range(0, len(events), size)]
    return stream.head() + b"".join(parts) + stream.tail()


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_the_text_formats_streamed_in_batches_are_the_formats_whole(
    world: Events, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    # The site writes its downloads a batch of events at a time, in bounded memory.
    monkeypatch.setattr(formats, "NDJSON_PAGE", size)
    store = open_store(world.root)
    batches = list(formats.batches(store, EventFilter()))
    events = [event for batch in batches for event in batch]
    assert [e.id for e in events] == IN_DATE_ORDER
    assert len(batches) == -(-len(events) // size)
    skipped = formats.spanless(e.date for e in events)
    for fmt, stream in [
        ("csv", formats.CsvStream()),
        ("geojson", formats.GeoJsonStream(link)),
        ("ics", formats.IcsStream(link, skipped=skipped)),
    ]:
        assert streamed(stream, events, size) == render(store, fmt), fmt
    # The feeds keep the newest of each batch and of those before it.
    dates = [e.date for e in events]
    corrected = [
        msgspec.structs.replace(
            e,
            updates=[
                resources.UpdateResource(date=dates[(n + k) % len(dates)], note=f"{k}", status=None)
                for k in range(n % 3)
            ],
        )
        for n, e in enumerate(events)
    ]
    newest: list[Any] = []
    found: list[Any] = []
    for n in range(0, len(corrected), size):
        newest = formats.newest(corrected[n : n + size], 3, kept=newest)
        found = formats.latest_corrections(corrected[n : n + size], 4, kept=found)
    by_change = sorted(corrected, key=lambda e: (e.last_modified, e.id), reverse=True)
    assert newest == by_change[:3]
    every = [
        (resources.corrected_at(u), e, n, u)
        for e in corrected
        for n, u in enumerate(e.updates, start=1)
    ]
    assert found == sorted(every, key=lambda f: (f[0], f[1].id, f[2]), reverse=True)[:4]
    assert formats.corrections_feed(found, link) == formats.corrections(corrected, link, limit=4)


def test_a_geojson_stream_with_no_located_event_is_an_empty_collection(world: Events) -> None:
    event = formats.select(open_store(world.root), EventFilter()).events[0]
    unplaced = msgspec.structs.replace(event, places=[])
    stream = formats.GeoJsonStream()
    body = stream.head() + stream.part([unplaced]) + stream.part([]) + stream.tail()
    assert json.loads(body) == {"features": [], "skipped": 1, "type": "FeatureCollection"}


# --- iCalendar, as the icalendar package writes it -------------------------------------------


def icalendar_ics(events: list[Any], link: formats.Linker) -> bytes:
    """The calendar as the `icalendar` package builds and writes it: the oracle of the
    serialiser in `formats`, which writes the same lines itself, 50 times faster."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Dateline//Dateline events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    skipped = 0
    for event in events:
        span = formats._ics_span(event.date)
        if span is None:
            skipped += 1
            continue
        entry = icalendar.Event()
        entry.add("uid", f"{event.id}@dateline")
        entry.add("dtstamp", formats._bound(event.last_modified))
        entry.add("dtstart", span[0])
        if span[1] is not None:
            entry.add("dtend", span[1])
        entry.add("summary", event.title)
        entry.add("description", formats.describe(event))
        entry.add("status", formats._ICS_STATUS[event.status])
        if event.places:
            entry.add("location", "; ".join(p.name for p in event.places))
        if event.tags:
            entry.add("categories", event.tags)
        if link is not None:
            entry.add("url", link(event.id))
        calendar.add_component(entry)
    calendar.add("x-dateline-skipped", str(skipped))
    text: bytes = calendar.to_ical()
    return text


def test_ics_is_what_icalendar_writes(world: Events) -> None:
    selected = formats.select(open_store(world.root), EventFilter())
    assert formats.ics(selected.events, link) == icalendar_ics(selected.events, link)
    assert formats.ics([], None) == icalendar_ics([], None)


# Any text but icalendar's one quirk: it reads a written "\N" as a line break.
_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120),
    st.text(st.sampled_from("ab \\;,\n\r"), max_size=300),  # escapes where lines fold
).filter(lambda text: "\\N" not in text)


def test_ics_text_is_escaped_and_folded_as_icalendar_does(world: Events) -> None:
    template = formats.select(open_store(world.root), EventFilter(tags=("isis",))).events[0]

    @given(title=_TEXT, summary=_TEXT, place=_TEXT, tags=st.lists(_TEXT, max_size=3))
    @settings(max_examples=300, database=None)
    def check(title: str, summary: str, place: str, tags: list[str]) -> None:
        event = msgspec.structs.replace(
            template,
            title=title,
            summary=summary,
            tags=tags,
            places=[msgspec.structs.replace(template.places[0], name=place)],
        )
        assert formats.ics([event], link) == icalendar_ics([event], link)

    check()


def test_a_list_page_holds_the_events_the_api_selects_for_its_value(world: Events) -> None:
    """A tag's, actor's or place's list (read from the Store's facet rows as positions) holds
    the events, in date order, that /api/v1/events?tag= (actor=, place=) gives: an actor's
    claims and the places within a place included."""
    store = open_store(world.root)
    catalog = Catalog(store)
    chosen = {
        "tag": ([t.id for t in catalog.tags], lambda v: EventFilter(tags=(v,))),
        "actor": (list(catalog.actors), lambda v: EventFilter(actors=(v,))),
        "place": (list(catalog.places), lambda v: EventFilter(places=(v,))),
    }
    for facet, (values, query) in chosen.items():
        assert values, facet
        for value in values:
            page = store.events(query(value), sort="date", limit=store.counts.events)
            api = [msgspec.json.decode(item)["id"] for item in page.items]
            shown = [item.id for item in catalog.events_of(facet, value)]  # type: ignore[arg-type]
            assert shown == api, (facet, value)
