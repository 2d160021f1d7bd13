"""Material's page chrome, rendered once per build for the pages that share it.

Rendering Material's ``base.html`` costs far more than a Dateline page's own content: profiled
over 10,000 event pages, the navigation sidebar, the tabs and the JSON config block alone took
about 40% of the template time, and they come out byte for byte the same on every event,
tag, actor and place page. Those pages sit at the same depth (``events/<id>/``) and are not
in the navigation, so nothing in them marks a current page. ``dateline/page.html`` therefore
wraps such blocks in ``chrome("name", super)``: the first page of a kind renders the block
through Material's own template (``super``), later pages reuse the text. The templates stay
Material's; only the repetition is skipped.

Only blocks that depend on nothing but the configuration, the page's depth and its kind may
be cached this way; the header (it shows the page title) and the content are never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class Chrome:
    """A per-build cache of rendered blocks, keyed by block, page kind and depth."""

    def __init__(self) -> None:
        self.blocks: dict[tuple[str, str, str], Markup] = {}

    def reset(self) -> None:
        self.blocks.clear()

    @pass_context
    def __call__(self, context: Context, block: str, render: Callable[[], Any]) -> Markup:
        key = (block, str(context.get("dateline_kind", "")), str(context.get("root", "")))
        cached = self.blocks.get(key)
        if cached is None:
            cached = self.blocks[key] = Markup(render())
        return cached


class Fragments:
    """Rendered list entries, keyed by record and depth: each event is listed on the timeline
    and on the page of every tag, actor and place it has (about ten lists per event in the
    benchmark datasets), and its entry is the same text in all of them.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Markup] = {}

    def reset(self) -> None:
        self.entries.clear()

    def __call__(self, key: str, root: str, render: Callable[..., Any], *args: Any) -> Markup:
        cached = self.entries.get((key, root))
        if cached is None:
            cached = self.entries[(key, root)] = Markup(render(*args))
        return cached
