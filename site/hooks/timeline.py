"""The MkDocs hook that turns the Store into pages: glue only.

Each handler hands its work to :mod:`dateline.site.pages` (what a page says) and the templates in
``site/overrides/dateline/`` (how it looks). The data comes from
:func:`dateline.site.catalog.open_catalog`, which loads the events with the same code as
``dateline check``: a dataset with errors fails the build with the messages ``check`` prints.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path, PurePath
from typing import Any, Final

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from dateline import dataset
from dateline.site import builder, catalog, manifest, outputs, pages

# The site of the build in progress, and what it writes beside the pages: MkDocs hooks are
# modules, and this is their state.
_site: pages.Site | None = None
_plan: manifest.Plan | None = None
_outputs: outputs.Outputs | None = None


def site() -> pages.Site:
    if _site is None:
        raise PluginError("the Dateline hook was not configured (on_config did not run)")
    return _site


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # What is made here (the catalog's events, the site's pages, the last build's manifest)
    # is hundreds of thousands of objects at 100,000 events, kept until the build ends: the
    # cycle collector is paused while they are made (its passes over the growing heap were
    # half of an update's time to read the catalog), and they are left out of its later passes
    # (frozen before it runs again, or its first pass would walk them all once more).
    with dataset.collector_paused():
        _configure(config)
        gc.freeze()
    logging.getLogger("mkdocs.commands.build").addFilter(outputs.WRITTEN)  # once a process
    return config


def _configure(config: MkDocsConfig) -> None:
    global _site
    options: dict[str, Any] = config.extra.get("dateline") or {}
    base = Path(config.config_file_path or ".").parent
    events = base / options.get("events", "events")
    try:
        # `dateline build` has opened the Store already (reading every event file to know
        # its revision); MkDocs run on its own opens it here.
        store = Path(options["store"]) if options.get("store") else None
        data = catalog.open_catalog(events, store)
    except catalog.DatasetError as error:
        raise PluginError(builder.refusal(events, error)) from None
    defaults = pages.Settings()
    settings = pages.Settings(
        name=config.site_name,
        site_url=config.site_url or None,
        edit_base=_edit_base(options),
        shard_size=int(options.get("search_shard_size", defaults.shard_size)),
        page_size=int(options.get("page_size", defaults.page_size)),
        index_size=int(options.get("index_size", defaults.index_size)),
        latest=int(options.get("latest", defaults.latest)),
        axis_marks=int(options.get("axis_marks", defaults.axis_marks)),
        map_tiles=options.get("map_tiles") or None,
        map_attribution=str(options.get("map_attribution", "")),
    )
    _site = pages.Site(data, settings)
    # An incremental build (see dateline.site.manifest) renders only the changed pages; the
    # builder says which output and manifest it would update.
    global _plan
    live = Path(options["live"]) if options.get("live") else None
    previous = manifest.load(Path(options["previous"])) if options.get("previous") else None
    _plan = manifest.Plan(_site, str(options.get("key", "")), previous, live)


def _edit_base(options: dict[str, Any]) -> str | None:
    """Where "edit this file" links point: ``extra.dateline.edit_url`` + the event's path."""
    url = options.get("edit_url")
    return str(url).rstrip("/") + "/" if url else None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # An incremental build gives MkDocs only the pages it renders again: MkDocs' work per
    # page it knows of (its Page, navigation and sitemap) was most of an update's time. The
    # pages kept from the last build can still be linked to, and the navigation still names
    # some (the archive, the indexes): _Files finds them.
    kept = _plan.kept if _plan is not None else set()
    found = _Files(files, kept, config)
    for src_uri in site().sources():
        if src_uri not in kept:
            found.append(File.generated(config, src_uri, content=""))
    return found


class _Files(Files):
    """The site's files, and the generated pages an incremental build keeps from the last
    build: not among the pages MkDocs builds (the live site's copies stay), but found by
    ``get_file_from_path``, which resolves the navigation's and the Markdown's links."""

    def __init__(self, files: Files, kept: set[str], config: MkDocsConfig) -> None:
        super().__init__(files)
        self._kept = kept
        self._config = config
        self._made: dict[str, File] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = super().get_file_from_path(path)
        uri = PurePath(path).as_posix()
        if found is not None or uri not in self._kept:
            return found
        if uri not in self._made:
            self._made[uri] = File.generated(self._config, uri, content="")
        return self._made[uri]


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # MkDocs renders templates without autoescape; Dateline's own templates show contributor
    # text, so they (and only they: Material's expect raw HTML) escape everything.
    env.autoescape = lambda name: bool(name) and name.startswith("dateline/")
    templates = (config.extra.get("dateline") or {}).get("templates")
    if templates:  # `dateline build` keeps the compiled templates between builds
        env.bytecode_cache = FileSystemBytecodeCache(templates)
    env.globals["shell"] = site().shell
    env.globals["listed"] = site().listed
    global _outputs
    # The static JSON, the filters' index and the search index. The filters show each event
    # as every list does: its entry, rendered by the same macro.
    macros = env.get_template("dateline/macros.html").make_module(site().common(""))
    if _plan is None:
        raise PluginError("the Dateline hook was not configured (on_config did not run)")
    _outputs = outputs.Outputs(site(), Path(config.site_dir), macros.event_item, _plan)
    # For `dateline build` to stop what the outputs started if the build fails.
    config.extra["dateline"]["outputs"] = _outputs
    return env


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if page.file.src_uri in site().specs:
        page.__class__ = _Generated
    return page


class _Generated(Page):
    """A generated page. It has no Markdown: its template renders everything. MkDocs would
    still build a Python-Markdown converter for it, about a tenth of an event page's time
    (profiled over 10,000 events), so it renders nothing. Its class says so, rather than a
    render function set on each page, which grew every page by a kilobyte (124 MB at 100,000
    events); for the same reason what it renders is shared, and never changed."""

    present_anchor_ids: frozenset[str] = frozenset()  # type: ignore[assignment]  # only read

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = _NO_TOC


_NO_TOC: Final = get_toc([])


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    spec = site().specs.get(page.file.src_uri)
    if spec is None:
        return markdown
    # Material prints page titles unescaped; an escaped Markup string is safe there and is
    # not escaped twice by the autoescaped templates.
    page.meta["title"] = escape(site().title(spec))
    page.meta["template"] = site().template(spec)
    return ""  # the template renders everything; no Markdown to convert


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    spec = site().specs.get(page.file.src_uri)
    if spec is not None:
        # Here rather than with the title: MkDocs reads every page's Markdown before it renders
        # any, and an event's description renders its summary, which its page renders next.
        description = site().description(spec)
        if description is not None:
            page.meta["description"] = escape(description)
        context.update(site().context(spec, page.url))
    elif page.meta.get("template") == pages.TIMELINE_TEMPLATE:
        context.update(site().home())
    else:
        context.update(site().common(pages.root_of(page.url)))
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _outputs is None:
        return output
    # The outputs write the page (in a child process: dateline.site.outputs says why); an
    # empty output is how MkDocs is told not to write it again (it logs that it skipped the
    # page, which outputs.WRITTEN keeps out of its log).
    _outputs.page(page.file.src_uri, page.file.dest_uri, _outputs.secured(output))
    return ""


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    # The theme's static pages (404.html) get their policy as the pages do.
    if _outputs is None or not template_name.endswith(".html"):
        return output
    return _outputs.secured(output)


def on_post_build(config: MkDocsConfig) -> None:
    # `dateline build` reads these from the config it passed to MkDocs, to report them.
    if _outputs is None:
        raise PluginError("the Dateline hook did not start its outputs (on_env did not run)")
    config.extra["dateline"]["stats"] = _outputs.finish()
