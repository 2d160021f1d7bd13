"""Schemathesis over the OpenAPI document: no request it makes gets a 500 or an off-schema answer.

Each operation gets schema-valid requests (positive) and schema-breaking ones (negative); every
answer must match the document: its status codes, media types and response schemas, 4xx for
data that breaks the schema, and never a 5xx.

Every check schemathesis has is on. Schema-valid data may still be refused with a 400, and
the check that it is accepted allows that (`CONFIG`): the document says `from` is a string,
and "spring" is one, but not a date; `tag=abc` is a well-formed id that names no tag.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from conftest import Events
from dateline.cache import open_store
from dateline.web.app import create_app

EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 20}
# schemathesis's own list for schema-valid data, and 400: a value the schema allows may name
# nothing there is (an unknown tag) or not be what the text means (a date that is not one)
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
)


@pytest.mark.parametrize("mode", list(EXAMPLES))
def test_the_api_keeps_its_contract(world: Events, mode: GenerationMode) -> None:
    app = create_app(open_store(world.root))
    schema = schemathesis.openapi.from_asgi("/api/v1/docs/openapi.json", app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 17

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not operation.query:
            continue  # nothing to break: a path segment is any text, and unknown ids are 404s

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate()

        check()
