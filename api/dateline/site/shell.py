"""Material's page around Dateline's content, rendered once per kind of page and reused.

Profiling ``benchmarks/build.py`` showed most of each page's template time in Material's
``base.html`` — the header, tabs, navigation, footer and scripts — which comes out the same
on every event page but for the title and the description. Event, tag, actor and place
pages sit at the same depth and are not in the navigation (nothing in it is marked current),
so their chrome depends only on their kind.

So those pages use ``dateline/shell.html``, which calls :class:`Shells`. The first page of a
kind is rendered whole through its real template (``dateline/event.html``, which overrides
Material's ``content`` block like any other), with placeholders for the title and the
description; the placeholders and that page's content are cut out, and what is left is kept
as the kind's shell. Every page then renders only its ``content`` block and is joined into
the shell, so the output is byte for byte what the full template renders (the tests check
exactly that), at a fraction of the cost.

:class:`Fragments` does the same for a list entry: an event is listed on the timeline and on
every tag, actor and place page it has, and its entry is the same text on each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from jinja2 import Template, pass_context
from jinja2.runtime import Context
from jinja2.utils import concat
from markupsafe import Markup

# Placeholders: plain letters, so that escaping cannot change them, and unlike any text.
_TITLE: Final = "DatelineShellTitle9f3c1d"
_DESCRIPTION: Final = "DatelineShellDescription9f3c1d"
_CONTENT: Final = "DatelineShellContent9f3c1d"
_URL: Final = "https://dateline.invalid/DatelineShellUrl9f3c1d/"  # a page's canonical address
_ROOT: Final = "DatelineShellRoot9f3c1d/"  # a list entry's way to the site's root
_SLOTS: Final = (_TITLE, _DESCRIPTION, _CONTENT, _URL)


class ShellError(Exception):
    """A page's chrome was not what its kind's shell assumed."""


@dataclass(frozen=True)
class Shell:
    """A rendered page cut at its slots: text, slot, text, slot, ..., text."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]

    @classmethod
    def cut(cls, html: str) -> Shell:
        parts: list[str] = []
        slots: list[str] = []
        rest = html
        while True:
            found = [(rest.find(slot), slot) for slot in _SLOTS if slot in rest]
            if not found:
                parts.append(rest)
                return cls(tuple(parts), tuple(slots))
            at, slot = min(found)
            parts.append(rest[:at])
            slots.append(slot)
            rest = rest[at + len(slot) :]

    def fill(self, values: dict[str, str]) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[slot])
            out.append(part)
        return "".join(out)


def render_content(template: Template, variables: dict[str, Any]) -> str:
    """Only the template's ``content`` block, as the whole template would render it."""
    return concat(template.blocks["content"](template.new_context(variables)))


class Shells:
    """The templates' ``shell()``: a page of a kind, in that kind's shell."""

    def __init__(self) -> None:
        self.shells: dict[tuple[str, str, bool, bool], Shell] = {}

    @pass_context
    def __call__(self, context: Context) -> Markup:
        variables = context.get_all()
        template = context.environment.get_template(variables["dateline_template"])
        page = variables["page"]
        meta: dict[str, Any] = page.meta
        values = {
            _TITLE: str(meta["title"]),
            _DESCRIPTION: str(meta.get("description", "")),
            _CONTENT: render_content(template, variables),
            _URL: page.canonical_url or "",
        }
        key = (
            template.name or "",
            str(variables["root"]),
            "description" in meta,
            bool(page.canonical_url),
        )
        shell = self.shells.get(key)
        if shell is None:
            shell = self.shells[key] = self._make(template, variables, page, values[_CONTENT])
        return Markup(shell.fill(values))

    @staticmethod
    def _make(template: Template, variables: dict[str, Any], page: Any, content: str) -> Shell:
        meta: dict[str, Any] = page.meta
        saved: dict[str, Any] = {n: meta[n] for n in ("title", "description") if n in meta}
        saved_url = page.canonical_url
        meta["title"] = Markup(_TITLE)
        if "description" in meta:
            meta["description"] = Markup(_DESCRIPTION)
        if saved_url:
            page.canonical_url = _URL
        try:
            html = template.render(variables)
        finally:
            meta.update(saved)
            page.canonical_url = saved_url
        if html.count(content) != 1:
            raise ShellError(f"{template.name}: the content block is not once in the page")
        return Shell.cut(html.replace(content, _CONTENT))


class Fragments:
    """Rendered list entries, keyed by record (see the module docstring).

    An entry's links start from the page's way back to the site's root (``../../``), which
    differs between the lists an event is on; the entry is kept once, rendered with a
    placeholder for that way, which each use replaces. (Kept once per record and way, the
    entries took 250 MB at 100,000 events.)"""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}

    def __call__(self, key: str, root: str, render: Callable[..., Any], *args: Any) -> Markup:
        """The entry of ``key``, rendered by ``render(*args, root=...)``, for a page whose
        way to the root is ``root``."""
        cached = self.entries.get(key)
        if cached is None:
            cached = self.entries[key] = str(render(*args, root=_ROOT))
        return Markup(cached.replace(_ROOT, root))
