"""The `dateline` command: a thin shell over the library.

Each command parses its options, calls the library, and turns the library's errors into
``click.ClickException`` (exit 1 with a one-line message) or a usage error (exit 2).

A module only one command uses is imported in that command: every run pays for the imports
at the top, and `check --changed` should answer a contributor in a fraction of a second.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dateline import dataset as dataset_module
from dateline import diagnostics as diagnostics_module
from dateline import progress
from dateline.diagnostics import Diagnostic
from dateline.media import FORMATS

if TYPE_CHECKING:
    from dateline.cache import DatasetError

F = TypeVar("F", bound=Callable[..., Any])


def events_option(command: F) -> F:
    return click.option(
        "--events",
        "events",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("events"),
        show_default=True,
        help="The folder that holds the events, actors.yaml and places.yaml.",
    )(command)


def config_option(command: F) -> F:
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("mkdocs.yml"),
        show_default=True,
        help="The site's MkDocs configuration.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dateline")
def main() -> None:
    """Dateline: a timeline of real-world events, kept as YAML files."""


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or within it."""
    absolute, root = os.path.abspath(path), os.path.abspath(folder)
    return absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep)


def _selected(diagnostics: list[Diagnostic], paths: tuple[Path, ...]) -> list[Diagnostic]:
    """Only the diagnostics in ``paths`` (files, or folders holding them)."""
    if not paths:
        return diagnostics
    return [d for d in diagnostics if any(_inside(Path(d.file), p) for p in paths)]


def _refusal(error: DatasetError, outcome: str) -> click.ClickException:
    """Print a broken dataset's errors as `check` does; the exception to exit with."""
    click.echo(error.report(), nl=False, err=True)
    return click.ClickException(f"{error}; {outcome}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@events_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(diagnostics_module.RENDERERS)),
    default="text",
    show_default=True,
    help="text for people, github for pull-request annotations, json for tools.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--changed",
    "base",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="BASE",
    help="Report on the files changed since the git revision BASE (default: the merge base "
    "with main), and on those whose findings the change can alter.",
)
def check(
    paths: tuple[Path, ...], events: Path, output_format: str, strict: bool, base: str | None
) -> None:
    """Check every event file and every reference between them.

    Prints each problem as file:line:col: severity: message and exits 1 if there is an
    error (or, with --strict, a warning). With PATHS, reports only on those files or
    folders, while still resolving references against the whole dataset.
    """
    progress.enable()
    outside = [p for p in paths if not _inside(p, events)]
    if outside:
        raise click.UsageError(
            f"{diagnostics_module.display_path(outside[0])} is not in the events folder "
            f"{diagnostics_module.display_path(events)}, so nothing would check it: move it "
            "into a year folder there (events/<YYYY>/<id>.yaml), or point --events at its "
            "dataset"
        )
    if base is None:
        loaded = dataset_module.load(events, keep_events=False)
        found = loaded.diagnostics
    else:
        from dateline import changes

        pending = changes.Pending(events, base or None)  # git runs while the folder is read
        try:
            loaded = dataset_module.load(events, keep_events=False, only=pending.to_read)
            reported = changes.reported(loaded, pending.result()[0])
        except changes.ChangesError as error:
            raise click.UsageError(f"--changed: {error}") from None
        found = [d for d in loaded.diagnostics if os.path.realpath(d.file) in reported]
    shown = diagnostics_module.shown(_selected(found, paths))
    click.echo(diagnostics_module.RENDERERS[output_format](shown), nl=False)
    errors = sum(d.severity == "error" for d in shown)
    warnings = len(shown) - errors
    if output_format == "text":
        summary = (
            f"{loaded.event_files} event file{'s' if loaded.event_files != 1 else ''}, "
            f"{len(loaded.actors)} actors, {len(loaded.places)} places checked: "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
        )
        click.echo(summary, err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("code", required=False)
def explain(code: str | None) -> None:
    """Say what a diagnostic code (e.g. DL405) means, with a file that gets it and the same
    file put right. Without CODE, list every code."""
    from dateline import codes

    if code is None:
        for entry in codes.CODES.values():
            click.echo(f"{entry.code}  {entry.severity:<7}  {entry.title}")
        return
    key = code.strip().upper()
    if key not in codes.CODES:
        raise click.UsageError(f"{code} is not a Dateline code; `dateline explain` lists them all")
    click.echo(codes.explain(key), nl=False)


@main.command()
@click.option(
    "--title",
    help='The event in a few words, e.g. "Syrian army enters Al-Hawl camp".',
)
@click.option(
    "--date",
    "date",
    help='When, in words or EDTF: "20 January 2026", "Aug 2017", "c. 2017", "17 to 22 '
    'January 2026" ...',
)
@click.option("--tag", "tags", multiple=True, help="A topic slug (repeatable).")
@click.option("--actor", "actors", multiple=True, help="An actor id from actors.yaml (repeatable).")
@click.option("--place", "places", multiple=True, help="A place id from places.yaml (repeatable).")
@events_option
def new(
    title: str | None,
    date: str | None,
    tags: tuple[str, ...],
    actors: tuple[str, ...],
    places: tuple[str, ...],
    events: Path,
) -> None:
    """Write a new event file at the right path, with the right id.

    On a terminal, it asks for what the options do not give: the title, the date in words
    (showing the EDTF it will write, and offering the choices where the words could mean
    more than one date), and the tags, actors and places. The file passes `dateline check`;
    fill in its summary and source (marked TODO) before you open a pull request.
    """
    from dateline.scaffold import ScaffoldError, known_ids, new_event

    asking = sys.stdin is not None and sys.stdin.isatty()
    if (title is None or date is None) and not asking:
        raise click.UsageError("give --title and --date (or run it on a terminal to be asked)")
    if title is None:
        title = click.prompt("Title, in a few words")
    if date is None:
        date = _ask_date()
    elif asking:
        date = _choose(date)
    if asking and not (tags or actors or places):
        tags = _ask_ids("Tags (topic slugs, comma-separated; blank for none)", None)
        actors = _ask_ids("Actors", known_ids(events, dataset_module.ACTORS_FILE))
        places = _ask_ids("Places", known_ids(events, dataset_module.PLACES_FILE))
    try:
        path = new_event(events, title, date, tags=tags, actors=actors, places=places)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(diagnostics_module.display_path(path))


def _ask_date() -> str:
    while True:
        text = click.prompt("When? (in words, e.g. 20 January 2026, Aug 2017, c. 2017)")
        try:
            return _choose(text)
        except click.BadParameter as error:
            click.echo(f"  {error.message}", err=True)


def _choose(text: str) -> str:
    """The EDTF of a date phrase: shown in words, and chosen where it has several readings."""
    from dateline import phrases
    from dateline.dates import DateError

    try:
        found = phrases.readings(text)
    except DateError as error:
        raise click.BadParameter(str(error)) from None
    if len(found) == 1:
        click.echo(f"  date: {found[0].edtf}  ({found[0].label})", err=True)
        return found[0].edtf
    click.echo(f"  {text.strip()!r} could mean:", err=True)
    for number, reading in enumerate(found, start=1):
        click.echo(f"  {number}. {reading.edtf}  {reading.label}: {reading.meaning}", err=True)
    chosen = click.prompt("Which one?", type=click.IntRange(1, len(found)), err=True)
    return found[chosen - 1].edtf


def _ask_ids(what: str, known: set[str] | None) -> tuple[str, ...]:
    if known is not None:
        shown = ", ".join(sorted(known)[:30]) + (" ..." if len(known) > 30 else "")
        what = f"{what} (from: {shown}; comma-separated, blank for none)"
    while True:
        given = tuple(
            v.strip()
            for v in click.prompt(what, default="", show_default=False).split(",")
            if v.strip()
        )
        unknown = [v for v in given if known is not None and v not in known]
        if not unknown:
            return given
        click.echo(f"  not known: {', '.join(unknown)}", err=True)


@main.command()
@events_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--reload",
    is_flag=True,
    help="Watch the events folder, serve each change that passes the checks, and rebuild the site.",
)
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/site"),
    show_default=True,
    help="The built site to serve at / (built first if the data or the site changed).",
)
@config_option
@click.option("--no-site", is_flag=True, help="Serve only the API, and a page of links at /.")
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Server worker processes.  [default: one per core]",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="The address clients reach the server at, for the absolute links in feeds "
    "(behind a proxy, its public address).  [default: http://HOST:PORT]",
)
def serve(
    events: Path,
    host: str,
    port: int,
    reload: bool,
    access_log: bool,
    site_dir: Path,
    config_file: Path,
    no_site: bool,
    workers: int | None,
    base_url: str | None,
) -> None:
    """Serve the API at /api/v1 (docs at /api/v1/docs) and the built site at /, on one port.

    Builds the site first (as `dateline build --out SITE` does) unless nothing it is made
    from (the events, site/, mkdocs.yml) changed since the last build. Refuses to start if
    the dataset has errors.

    With --reload, the API serves each change to the events that passes the checks at once,
    and the site is then rebuilt in the background (a child process running `dateline
    build`) and swapped in whole when complete, which the log says ("the new site is
    live"); until then the last site is served. Changes during a build make one more build
    after it, never a queue. A change that brings errors is logged, reported by
    /api/v1/health, and rebuilds nothing: the last good data and site are still served.
    Only the events are watched: a change to site/ or mkdocs.yml needs a restart.
    """
    from dateline import lifetime
    from dateline.cache import DatasetError

    lifetime.from_environment()  # a replica started by deploy/stack.py ends with the stack
    server = _needs("dateline.web.server", "serve", "dateline serve")

    site = None if no_site else _site_to_serve(events, site_dir, config_file)
    rebuild = site is not None and config_file.is_file()
    try:
        server.serve(
            events,
            host=host,
            port=port,
            reload=reload,
            access_log=access_log,
            site=site,
            site_config=config_file if rebuild else None,
            workers=workers,
            base_url=base_url,
        )
    except DatasetError as error:
        raise _refusal(error, "not serving") from None


@main.command()
@events_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/site"),
    show_default=True,
    help="The folder to write the site into (emptied first).",
)
@config_option
@click.option(
    "--site-url",
    default=None,
    metavar="URL",
    help="The address the site is published at (overrides site_url in mkdocs.yml): "
    "canonical links, the sitemap, link previews and feed links use it.",
)
def build(events: Path, out: Path, config_file: Path, site_url: str | None) -> None:
    """Build the static site: the home page and the paged archive, a page per event, tag,
    actor and place, the static data (data/: JSON, CSV, GeoJSON, iCalendar, Atom feeds and the
    filters' index) and the Pagefind search index.

    Refuses to build if the dataset has errors, and prints them as `check` does.
    """
    from dateline import lifetime

    lifetime.from_environment()  # a rebuild for `dateline serve --reload` ends with it
    progress.enable()
    builder = _needs("dateline.site.builder", "site", "dateline build")

    try:
        built = builder.build(events, out, config_file=config_file, site_url=site_url)
    except builder.BuildError as error:
        click.echo(str(error), err=True)
        raise click.ClickException("the site was not built") from None
    if built.incremental:
        click.echo(
            f"updated {built.rendered} of {built.pages} pages ({built.events} events) in "
            f"{diagnostics_module.display_path(built.out)}: on the site after "
            f"{built.live_seconds:.1f} s (Store {built.store_seconds:.1f} s); then, together, "
            f"the downloads in {built.downloads_seconds:.1f} s and Pagefind indexed "
            f"{built.reindexed} of {built.shards} shard"
            f"{'s' if built.shards != 1 else ''} again in {built.pagefind_seconds:.1f} s"
        )
        return
    click.echo(
        f"built {built.pages} pages ({built.events} events) into "
        f"{diagnostics_module.display_path(built.out)} in {built.seconds:.1f} s "
        f"(Store {built.store_seconds:.1f} s, MkDocs {built.render_seconds:.1f} s, "
        f"then waited {built.pagefind_waited:.1f} s for Pagefind, which took "
        f"{built.pagefind_seconds:.1f} s in {built.shards} shard"
        f"{'s' if built.shards != 1 else ''})"
    )


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@events_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="The file to write (default, or -: standard output; sqlite needs a file).",
)
@click.option(
    "--base-url",
    default=None,
    help="The site's address, for links to its event pages in geojson, ics and atom.",
)
def export(fmt: str, events: Path, out: Path | None, base_url: str | None) -> None:
    """Write every event as json, ndjson, csv, geojson, ics, atom, the compiled sqlite Store,
    or a SQLite file for Datasette (datasette, with FILE.metadata.json beside it); or the JSON
    Schema of an event file (schema), for editors.

    json is the API's /events list holding every event (the site's data/events.json); ndjson
    is every event complete, one per line, streamed; the others are described in the README.
    Refuses a dataset with errors, printing them as `check` does.
    """
    progress.enable()
    from dateline import formats
    from dateline.cache import DatasetError

    to_stdout = out is None or str(out) == "-"
    if fmt in ("sqlite", "datasette") and to_stdout:
        raise click.UsageError(f"{fmt} is a binary file: give --out FILE")
    try:
        if fmt == "sqlite":
            assert out is not None
            formats.copy_store(events, out)
            return
        if fmt == "datasette":
            from dateline import datasette
            from dateline.cache import open_store

            assert out is not None
            written = datasette.export(open_store(events), out, "Dateline events")
            click.echo(f"wrote {out} and {written}: datasette {out} -m {written}", err=True)
            return
        pieces = formats.export(events, fmt, base_url=base_url)  # type: ignore[arg-type]
    except DatasetError as error:
        raise _refusal(error, "nothing exported") from None
    if to_stdout:
        sys.stdout.flush()
        for piece in pieces:
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
    else:
        assert out is not None
        with out.open("wb") as file:
            file.writelines(pieces)


def _needs(module: str, extra: str, what: str) -> Any:
    """Import a part that an optional extra installs, or say which extra to install.

    The web stack and MkDocs load only for the commands that use them, so `dateline check`
    starts fast and works with `pip install dateline` alone.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise click.ClickException(
            f"{what} needs the [{extra}] extra ({error.name or error} is not installed): "
            f"pip install 'dateline[{extra}]'"
        ) from None


def _site_to_serve(events: Path, site_dir: Path, config_file: Path) -> Path | None:
    """The site folder, built first if it is missing or out of date; None if there is none."""
    if not config_file.is_file():
        if (site_dir / "index.html").is_file():
            click.echo(f"serving the site in {site_dir} as it is (no {config_file} here)")
            return site_dir
        click.echo(f"no {config_file} here and no site in {site_dir}: serving the API only")
        return None
    builder = _needs("dateline.site.builder", "site", "dateline serve with a site (or --no-site)")

    try:
        built = builder.ensure_built(events, site_dir, config_file=config_file)
    except builder.BuildError as error:
        click.echo(str(error), err=True)
        raise click.ClickException("the site was not built; not serving") from None
    where = diagnostics_module.display_path(site_dir)
    if built.reused:
        click.echo(f"site: nothing changed since the last build; serving {where}")
    else:
        click.echo(f"site: built {built.pages} pages into {where} in {built.seconds:.1f} s")
    return site_dir
