"""A client generated from the OpenAPI document works: `openapi-python-client` makes a typed
Python package of it, which pages through a real server's events and reads a 404 as a problem.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from conftest import Events
from dateline.cache import open_store
from dateline.web.app import create_app
from test_serve import Server, _start

BIN = Path(sys.executable).parent


@pytest.fixture
def generated(world: Events, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The client package generated from the document, imported."""
    with TestClient(create_app(open_store(world.root))) as client:
        document = tmp_path / "openapi.json"
        document.write_bytes(client.get("/api/v1/docs/openapi.json").content)
    package = tmp_path / "client" / "dateline_client"
    generate = [str(BIN / "openapi-python-client"), "generate", "--path", str(document)]
    done = subprocess.run(
        [*generate, "--output-path", str(package), "--meta", "none"],
        capture_output=True,
        text=True,
        env={"PATH": f"{BIN}:/usr/bin:/bin"},  # its ruff formats the code
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    monkeypatch.syspath_prepend(str(package.parent))
    yield importlib.import_module("dateline_client")
    for name in [m for m in sys.modules if m.startswith("dateline_client")]:
        del sys.modules[name]


@pytest.fixture
def server(world: Events) -> Iterator[Server]:
    running, _ = _start(world, "--no-site", "--workers", "1")
    yield running
    running.log()


@pytest.mark.slow
def test_a_generated_client_pages_and_reads_problems(generated: Any, server: Server) -> None:
    from dateline_client.api.events import get_event, list_events
    from dateline_client.models import EventPage, ListEventsSort, Problem

    with generated.Client(base_url=server.base) as client:  # its sockets closed after
        ids: list[str] = []
        cursor: Any = generated.types.UNSET
        while True:
            page = list_events.sync(client=client, limit=2, sort=ListEventsSort.DATE, cursor=cursor)
            assert isinstance(page, EventPage)
            ids += [item.id for item in page.items]
            if page.next_ is None:
                break
            cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(page.next_).query)["cursor"][0]
        assert ids == [item["id"] for item in server.get("/api/v1/events?limit=500")["items"]]
        assert len(ids) == page.total == 7

        missing = get_event.sync_detailed("no-such-event", client=client)
        assert missing.status_code == 404
        assert isinstance(missing.parsed, Problem)
        assert missing.parsed.status == 404
        assert "no-such-event" in missing.parsed.detail
        refused = list_events.sync(client=client, tag=["ISIS"])
        assert isinstance(refused, Problem)
        assert refused.invalid_params[0].reason == "no tag is 'ISIS'; did you mean 'isis'?"
