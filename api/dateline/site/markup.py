"""Contributor Markdown made safe to show: rendered without raw HTML, then sanitised.

Summaries come from pull requests, so they are untrusted. Two independent layers stand
between them and a reader's browser:

1. markdown-it-py in CommonMark mode with ``html`` off, so raw HTML in the source (``<script>``,
   ``<img onerror=...>``) comes out as escaped text, never as markup. (Python-Markdown would
   pass it through, which is why it is not used for contributor text.)
2. nh3 (the Rust ammonia sanitiser) over the result, with an allow-list of tags and attributes
   and of URL schemes, so that even a bug in the renderer cannot let an event handler, a
   ``javascript:`` link or an iframe through.

Images are not on the allow-list: a remote image in a summary would make every reader's browser
call a server the contributor chose, and the site promises to work with no network.
"""

from __future__ import annotations

import functools
import html as htmllib
import re
import unicodedata
from typing import Final

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = frozenset(
    {
        "a",
        "abbr",
        "blockquote",
        "br",
        "code",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"


@functools.cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


# An event's summary is rendered for its page's description (its first sentence), then right
# after for its page (site/hooks/timeline.py): a second rendering was a tenth of an event
# page's time (profiled at 1,000 events), and a few kept suffice.
@functools.lru_cache(maxsize=16)
def render(markdown: str, *, top: int = 3) -> Markup:
    """Sanitised HTML for untrusted Markdown, marked safe for Jinja's autoescape.

    Headings are moved down so that the text's first level (``#``) is ``h<top>``: a summary's
    headings stay below its page's, and no contributor text can add a page's ``h1``.
    """
    renderer = _renderer()
    tokens = renderer.parse(markdown)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + top - 1)}"
    html = renderer.renderer.render(tokens, renderer.options, {})
    return Markup(
        nh3.clean(
            html,
            tags=set(TAGS),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel=LINK_REL,
        )
    )


_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")
LINE_LENGTH: Final = 200  # characters of a one-line summary, at most


def plain(markdown: str) -> str:
    """The text of untrusted Markdown, without any markup, on one line."""
    html = nh3.clean(render(markdown), tags=set())
    return " ".join(htmllib.unescape(html).split())


def first_sentence(markdown: str) -> str:
    """The first sentence of a summary as plain text, cut at a word if it is very long."""
    text = plain(markdown)
    text = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(text) <= LINE_LENGTH:
        return text
    cut = text[:LINE_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


# The language a name's script implies, for `lang` (screen readers pick a voice by it). A name
# in Latin letters is left to the page's language: the script does not say which language.
_SCRIPT_LANGUAGES: Final = {
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "DEVANAGARI": "hi",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
}


def lang_of(text: str) -> str | None:
    """The language of a name's script (Arabic script: ``ar``), or None to inherit the page's."""
    for char in text:
        if not char.isalpha():
            continue
        script = unicodedata.name(char, "").split(" ", 1)[0]
        return _SCRIPT_LANGUAGES.get(script)
    return None
