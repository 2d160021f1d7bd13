"""The filter surface is declared once: one added field reaches the document, the checks,
every list route and the Store."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from typing import Annotated

import pytest
from litestar.params import QueryParameter
from litestar.testing import TestClient

from conftest import Events
from dateline.cache import open_store
from dateline.store import EventFilter
from dateline.web.app import create_app
from dateline.web.parameters import EventQuery
from dateline.web.query import Errors

Client = TestClient  # type: ignore[type-arg]

LISTS = ["/events", "/timeline", "/events.csv", "/events.ics", "/events.atom", "/events.geojson"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class WithYear(EventQuery):
    """A test-only filter: the events whose span overlaps one calendar year."""

    year: Annotated[
        int | None, QueryParameter(ge=1, le=9998, description="Events during this year.")
    ] = None

    def select(self, errors: Errors) -> EventFilter:
        selected = super().select(errors)
        if self.year is None:
            return selected
        return dataclasses.replace(
            selected,
            after=f"{self.year:04d}-01-01T00:00:00",
            before=f"{self.year + 1:04d}-01-01T00:00:00",
        )


@pytest.fixture
def year_client(world: Events) -> Iterator[Client]:
    with TestClient(create_app(open_store(world.root), event_query=WithYear)) as client:
        yield client


def test_an_added_parameter_is_documented_on_every_list(year_client: Client) -> None:
    paths = year_client.get("/api/v1/docs/openapi.json").json()["paths"]
    for route in LISTS:
        params = {p["name"]: p for p in paths[f"/api/v1{route}"]["get"]["parameters"]}
        assert params["year"]["in"] == "query", route
        assert params["year"]["description"] == "Events during this year."
        schema = params["year"]["schema"]
        assert (schema["minimum"], schema["maximum"]) == (1, 9998), route
        assert schema["type"] == "integer", route  # not null-able: a query has no null
    claims = paths["/api/v1/claims"]["get"]["parameters"]
    assert "year" not in {p["name"] for p in claims}


@pytest.mark.parametrize("route", LISTS)
@pytest.mark.parametrize(("value", "found"), [("abc", "'abc'"), ("0", "'0'"), ("9999", "'9999'")])
def test_an_added_parameter_is_checked_by_its_declaration(
    year_client: Client, route: str, value: str, found: str
) -> None:
    response = year_client.get(f"/api/v1{route}", params={"year": value})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    reason = f"must be a whole number from 1 to 9998, found {found}"
    assert response.json()["invalid_params"] == [{"name": "year", "reason": reason}]


def test_an_added_parameter_reaches_the_store(year_client: Client) -> None:
    def ids(params: dict[str, str]) -> list[str]:
        body = year_client.get("/api/v1/events", params=params).json()
        return [item["id"] for item in body["items"]]

    by_year = ids({"year": "2017"})
    assert by_year == ids({"from": "2017", "to": "2017"})
    assert by_year == [
        "2024-fighters-moved-to-us-base",  # "/2024": its unknown start may lie in 2017
        "2017-08-sohr-reports-helicopters",
        "2017-deir-ezzor-retaken",
    ]
    timeline = year_client.get("/api/v1/timeline", params={"year": "2017"}).json()
    assert timeline["total"] == 3
    rows = csv.DictReader(io.StringIO(year_client.get("/api/v1/events.csv?year=2017").text))
    assert [row["id"] for row in rows] == by_year


def test_the_standard_app_does_not_know_it(world_client: Client) -> None:
    response = world_client.get("/api/v1/events", params={"year": "2017"})
    assert response.status_code == 400
    [param] = response.json()["invalid_params"]
    assert param["name"] == "year"
    assert param["reason"].startswith("unknown parameter")
