"""Fixtures: a small valid events folder in tmp_path, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from dateline.cache import open_store
from dateline.cli import main

REPO = Path(__file__).resolve().parent.parent

# No per-example deadline: on a shared machine one slow example is the machine, not the code,
# and a timed test that flakes turns CI red on its own. Speed is measured in benchmarks/.
settings.register_profile("dateline", deadline=None)
settings.load_profile("dateline")


@pytest.fixture(autouse=True, scope="session")
def _memo_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What Dateline keeps in the user's cache folder (`dateline.memo`) is kept in this run's
    own folder, for every command the tests run, in-process or not."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


ACTORS = """\
sdf:
  name: Syrian Democratic Forces
  kind: armed-group
  aliases: [SDF, قوات سوريا الديمقراطية]
syrian-army:
  name: Syrian Arab Army
  kind: military
"""

PLACES = """\
syria:
  name: Syria
  kind: country
  lat: 35.0
  lon: 38.5
al-hawl-camp:
  name: Al-Hawl camp
  kind: camp
  aliases: [al-Hol, مخيم الهول]
  within: syria
  lat: 36.38
  lon: 41.15
"""

EVENT = """\
title: Syrian army enters Al-Hawl camp
date: 2026-01-20
summary: |
  Government troops enter the camp after the SDF withdraws.
status: reported
tags: [al-hawl, detention]
actors: [syrian-army]
places: [al-hawl-camp]
claims:
  - by: sdf
    text: The camp was left unguarded.
    figure: {value: 1500, qualifier: at-least, unit: people, counts: escaped}
    source: 1
sources:
  - url: https://example.org/story
    title: A story
    publisher: Example News
    published: 2026-01-21
    archived: https://web.archive.org/web/2026/https://example.org/story
"""

EVENT_PATH = "2026/2026-01-20-syrian-army-enters-al-hawl-camp.yaml"


class Events:
    """An events folder being written by a test."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Events:
    """A valid events folder (two actors, two places, one event); the cwd is its parent."""
    monkeypatch.chdir(tmp_path)
    folder = Events(tmp_path / "events")
    folder.write("actors.yaml", ACTORS)
    folder.write("places.yaml", PLACES)
    folder.write(EVENT_PATH, EVENT)
    return folder


def git(folder: Path, *args: str, when: int | None = None) -> str:
    """Run git in ``folder`` as a test author, untouched by the machine's git settings;
    a commit made with ``when`` is dated then (seconds since the epoch, UTC)."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    return subprocess.run(
        ["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dateline(runner: CliRunner):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: ``dateline("check", "--format", "json")``."""

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


# --- the API: a store compiled from the `events` folder, and a client of the app over it ---


@pytest.fixture
def store(events: Events):  # type: ignore[no-untyped-def]
    """The Store of the `events` folder (compiled into tmp_path/.cache)."""

    return open_store(events.root)


@pytest.fixture
def client(store):  # type: ignore[no-untyped-def]
    """A Litestar TestClient of `create_app(store)`."""
    from litestar.testing import TestClient

    from dateline.web.app import create_app

    with TestClient(create_app(store)) as test_client:
        yield test_client


WORLD_ACTORS = """\
sdf:
  name: Syrian Democratic Forces
  kind: armed-group
  aliases: [SDF, قوات سوريا الديمقراطية]
syrian-army:
  name: Syrian Arab Army
  kind: military
sohr:
  name: Syrian Observatory for Human Rights
  kind: monitor
  aliases: [SOHR]
pmu:
  name: Popular Mobilization Units
  kind: armed-group
"""

WORLD_PLACES = """\
syria:
  name: Syria
  kind: country
  lat: 35.0
  lon: 38.5
hasakah:
  name: Hasakah Governorate
  kind: governorate
  within: syria
  lat: 36.5
  lon: 40.75
al-hawl-camp:
  name: Al-Hawl camp
  kind: camp
  aliases: [al-Hol, مخيم الهول]
  within: hasakah
  lat: 36.38
  lon: 41.15
al-shaddadi:
  name: Al-Shaddadi
  kind: town
  within: hasakah
  lat: 36.06
  lon: 40.73
deir-ezzor:
  name: Deir Ezzor
  kind: city
  within: syria
  lat: 35.34
  lon: 40.14
iraq:
  name: Iraq
  kind: country
  lat: 33.2
  lon: 43.7
"""


def world_event(
    title: str,
    date: str,
    *,
    summary: str = "Something happened.",
    status: str = "reported",
    tags: str = "[]",
    actors: str = "[]",
    places: str = "[]",
    claims: str = "",
    related: str = "[]",
) -> str:
    """The text of a valid event file (claims: YAML list items, indented two spaces)."""
    text = (
        f"title: {title}\ndate: '{date}'\nsummary: {summary}\nstatus: {status}\n"
        f"tags: {tags}\nactors: {actors}\nplaces: {places}\nrelated: {related}\n"
        "sources:\n  - title: A report\n    publisher: Example News\n"
    )
    return text + (f"claims:\n{claims}" if claims else "")


WORLD = {
    "2017/2017-08-sohr-reports-helicopters.yaml": world_event(
        "SOHR reports US helicopters moving fighters",
        "2017-08",
        summary="Helicopters were seen over the desert, the observatory says.",
        tags="[isis, transfer]",
        actors="[sohr]",
        places="[deir-ezzor]",
    ),
    "2017/2017-deir-ezzor-retaken.yaml": world_event(
        "Deir Ezzor retaken",
        "2017-08/2017-12",
        status="confirmed",
        tags="[isis]",
        actors="[syrian-army]",
        places="[deir-ezzor]",
        related="[2017-08-sohr-reports-helicopters]",
    ),
    "2021/2021-pmu-thermal-cameras.yaml": world_event(
        "PMU says thermal cameras recorded flights",
        "2021",
        status="disputed",
        tags="[isis, transfer]",
        actors="[pmu]",
        places="[iraq]",
        claims="  - by: pmu\n    text: Thermal cameras recorded US helicopters.\n    source: 1\n",
    ),
    "2026/2026-01-20-syrian-army-enters-al-hawl-camp.yaml": world_event(
        "Syrian army enters Al-Hawl camp",
        "2026-01-20",
        summary="Government troops enter the camp after the <b>SDF</b> withdraws & leaves.",
        tags="[al-hawl, detention]",
        actors="[syrian-army]",
        places="[al-hawl-camp]",
        claims=(
            "  - by: sdf\n    text: The camp was left unguarded.\n"
            "    figure: {value: 1500, qualifier: at-least, unit: people, counts: escaped}\n"
            "    source: 1\n"
        ),
    ),
    "2026/2026-01-17-al-shaddadi-prison-falls.yaml": world_event(
        "Al-Shaddadi prison falls",
        "[2026-01-17..2026-01-22]",
        status="disputed",
        tags="[detention, prison-break]",
        actors="[sdf]",
        places="[al-shaddadi]",
        claims=(
            "  - by: sdf\n    text: At least 1,500 escaped from the prison.\n"
            "  - by: syrian-army\n    text: A little over 100 escaped.\n"
        ),
        related="[2026-01-20-syrian-army-enters-al-hawl-camp]",
    ),
    "2024/2024-fighters-moved-to-us-base.yaml": world_event(
        "Fighters moved to a US base",
        "/2024",
        status="retracted",
        tags="[transfer]",
    ),
    "2026/2026-01-21-centcom-transfer-begins.yaml": world_event(
        "CENTCOM transfer begins",
        "2026-01-21T10:00Z",
        tags="[detention, transfer]",
        places="[hasakah, iraq]",
    ),
}


@pytest.fixture
def world(events: Events) -> Events:
    """The `events` folder holding seven events of many shapes, four actors and six places."""
    (events.root / EVENT_PATH).unlink()
    events.write("actors.yaml", WORLD_ACTORS)
    events.write("places.yaml", WORLD_PLACES)
    for path, text in WORLD.items():
        events.write(path, text)
    return events


@pytest.fixture
def world_client(world: Events):  # type: ignore[no-untyped-def]
    """A TestClient of the app over the `world` folder's store."""
    from litestar.testing import TestClient

    from dateline.web.app import create_app

    with TestClient(create_app(open_store(world.root))) as test_client:
        yield test_client


# --- the built site (test_site*.py, test_browser.py, test_bundled.py) -----------------------

# Debian's Chromium (.ci/run installs it); DATELINE_CHROMIUM names another installed browser,
# such as a CI runner's Chrome. Never a downloaded one.
CHROMIUM = Path(os.environ.get("DATELINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
]


# mkdocs.yml leaves `edit_url` unset (the repository's address is the publisher's to give);
# the tests set one to see the link.
EDIT_URL = "https://git.example.org/dateline/edit/main/"


def build_site(events: Path, out: Path, *, site_url: str | None = None, **options: object) -> Path:
    """Build the site of ``events`` into ``out`` as `dateline build` does (``options``: see
    ``website.build``)."""
    from dateline.site import builder as website

    website.build(events, out, config_file=REPO / "mkdocs.yml", options=options, site_url=site_url)
    return out


# The tests' own copy of a real dataset: the January 2026 story as it was first recorded (11
# events, 21 actors, 12 places). Tests build from it and may count it; the bundled events/
# change with every contribution, so no test reads them but test_bundled.py, which checks them.
STORY = Path(__file__).resolve().parent / "fixtures" / "story"


def api_filter(query: dict[str, str]):  # type: ignore[no-untyped-def]
    """The Store filter the API makes of a site URL's query (tag, actor, place, status, from,
    to): what the site's filters must select."""
    from dateline.web.parameters import EventQuery
    from dateline.web.query import Errors

    def listed(name: str) -> list[str] | None:
        return [query[name]] if name in query else None

    return EventQuery(
        from_=query.get("from"),
        to=query.get("to"),
        tag=listed("tag"),
        actor=listed("actor"),
        place=listed("place"),
        status=listed("status"),  # type: ignore[arg-type]
    ).select(Errors())


def copy_events(source: Path, into: Path) -> Path:
    """A copy of the events folder ``source`` as ``into/events`` (its Store is cached beside it,
    in ``into/.cache``, never in the source)."""
    return Path(shutil.copytree(source, into / "events"))


@pytest.fixture(scope="session")
def story_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture dataset ``tests/fixtures/story``, shared by the session."""
    return copy_events(STORY, tmp_path_factory.mktemp("story"))


@pytest.fixture(scope="session")
def story_site(story_events: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the story dataset, built once per test session."""
    out = tmp_path_factory.mktemp("story-site") / "site"
    return build_site(story_events, out, edit_url=EDIT_URL)


class StaticServer:
    """A folder served over HTTP on a free loopback port, in a thread."""

    def __init__(self, folder: Path) -> None:
        import functools
        import http.server
        import threading

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
        )
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="session")
def story_url(story_site: Path):  # type: ignore[no-untyped-def]
    """The URL of the story site, served by a stdlib HTTP server for the session."""
    server = StaticServer(story_site)
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
