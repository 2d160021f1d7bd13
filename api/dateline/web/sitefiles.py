"""The built site at ``/``: its files served so that a rebuild swapping the folder tears nothing.

``dateline serve --reload`` rebuilds the site beside the folder it serves and swaps the new one
in while requests are being answered (:func:`dateline.site.builder.build`). Litestar's static files
look a file up by its path twice, once for its size and once to read it; a swap between the two
would send the new file's bytes under the old file's length. Here each file is opened once, and
its length, time and bytes all come from that open file, which stays readable when a swap has
replaced or deleted its folder. The folder is looked up by its path on every request, never
held open, so each request sees the site that is there when it arrives.

As Litestar's static files in HTML mode do, a folder's path serves its ``index.html``, and a
missing path the site's ``404.html`` with status 404 — as does a path no file can have (a NUL
byte, a name or a path longer than the file system allows).

Each file carries the headers of the site's ``_headers`` file (:mod:`dateline.policy`: its
Content-Security-Policy and the other security headers), as Netlify or Cloudflare Pages would
send them.

Caching: each file carries ``Last-Modified`` and an ``ETag`` of its path, time and size, and a
request naming them (``If-None-Match``, else ``If-Modified-Since``: RFC 9110 §13.2.2) gets a
304. A rebuild may change any page under the same URL, so pages and data are sent
``Cache-Control: no-cache`` (kept, but asked about again each time); the theme's assets, whose
names carry a hash of their bytes, are ``immutable``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path, PurePath
from typing import IO, Any, Final

import anyio
from anyio import AsyncFile
from litestar import Router, get, head
from litestar.datastructures import Headers
from litestar.exceptions import NotFoundException
from litestar.file_system import BaseLocalFileSystem
from litestar.params import FromPath
from litestar.response.file import ASGIFileResponse, create_etag_for_file
from litestar.types import PathType

from dateline import policy
from dateline.web.conditional import matches

NO_CACHE: Final = "no-cache"
IMMUTABLE: Final = "public, max-age=31536000, immutable"
_HASHED: Final = re.compile(r"/assets/.*\.[0-9a-f]{8,}\.min\.(?:js|css)$")  # Material's

_MISSING: Final = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)
# Names the file system refuses outright: a name or a path too long, too many links.
_NO_SUCH_NAME: Final = frozenset({errno.ENAMETOOLONG, errno.ELOOP})


class _Opened(BaseLocalFileSystem):
    """A file system holding one file already open: Litestar reads the very file it measured."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    async def open(self, file: PathType, mode: str, buffering: int = -1) -> AsyncFile[Any]:
        return AsyncFile(self.file)  # closed by Litestar once read


class SiteFiles:
    """The files of a built site in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = os.path.abspath(folder)
        self._headers: tuple[tuple[int, int], dict[str, str]] = ((0, 0), {})

    def headers(self) -> dict[str, str]:
        """The headers the site's ``_headers`` file gives every file (its security policy),
        read again when a rebuild has replaced it."""
        try:
            info = os.stat(os.path.join(self.folder, policy.HEADERS_FILE))
        except OSError:
            return {}
        version = (info.st_ino, info.st_mtime_ns)
        if self._headers[0] != version:
            self._headers = (version, policy.read_headers(Path(self.folder)))
        return self._headers[1]

    def open(self, path: str) -> tuple[IO[bytes], os.stat_result, str] | None:
        """The file a URL path names (a folder: its index.html), open, its stat and its path."""
        target = os.path.normpath(os.path.join(self.folder, path.lstrip("/")))
        if os.path.commonpath([self.folder, target]) != self.folder:
            return None
        for candidate in (target, os.path.join(target, "index.html")):
            try:
                file = open(candidate, "rb")  # noqa: SIM115  # closed by the response
            except _MISSING:
                continue
            except ValueError:  # a NUL byte: no file can have that name
                return None
            except OSError as error:
                if error.errno in _NO_SUCH_NAME:
                    return None
                raise
            info = os.fstat(file.fileno())
            if stat.S_ISREG(info.st_mode):
                return file, info, candidate
            file.close()
        return None

    async def respond(self, path: str, *, head: bool, asked: Headers) -> ASGIFileResponse:
        opened = await anyio.to_thread.run_sync(self.open, path)
        status = 200
        if opened is None:
            opened = await anyio.to_thread.run_sync(self.open, "404.html")
            status = 404
        if opened is None:
            raise NotFoundException(detail=f"there is no page at {path}")
        file, info, found = opened
        validators = {
            **self.headers(),
            "etag": create_etag_for_file(found, info.st_mtime, info.st_size),
            "last-modified": formatdate(info.st_mtime, usegmt=True),
            "cache-control": IMMUTABLE if _HASHED.search(found) else NO_CACHE,
        }
        if status == 200 and _not_modified(asked, validators["etag"], info.st_mtime):
            status, head = 304, True  # the headers a 200 would have, and no body
        if head:
            file.close()  # the length and time are known; nothing will be read
        return ASGIFileResponse(
            file_path=found,
            stat_result=info,
            file_system=_Opened(file),
            filename=os.path.basename(found),
            content_disposition_type="inline",
            is_head_response=head,
            status_code=status,
            headers=validators,
        )


def _not_modified(asked: Headers, tag: str, mtime: float) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) decides; without it, If-Modified-Since."""
    if (none_match := asked.get("if-none-match")) is not None:
        return none_match.strip() == "*" or matches(none_match, tag)
    if (since := asked.get("if-modified-since")) is not None:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError):  # not a date: ignored, as RFC 9110 says
            return False
    return False


def site_router(folder: Path) -> Router:
    """Handlers serving the site in ``folder`` at ``/`` (GET and HEAD)."""
    files = SiteFiles(folder)

    @get("/", name="site/index")
    async def index(headers: Headers) -> ASGIFileResponse:
        return await files.respond("/", head=False, asked=headers)

    @head("/", name="site/index/head")
    async def index_head(headers: Headers) -> ASGIFileResponse:
        return await files.respond("/", head=True, asked=headers)

    @get("/{path:path}", name="site")
    async def page(path: FromPath[PurePath], headers: Headers) -> ASGIFileResponse:
        return await files.respond(path.as_posix(), head=False, asked=headers)

    @head("/{path:path}", name="site/head")
    async def page_head(path: FromPath[PurePath], headers: Headers) -> ASGIFileResponse:
        return await files.respond(path.as_posix(), head=True, asked=headers)

    return Router("/", route_handlers=[index, index_head, page, page_head], include_in_schema=False)
