"""The app as each server worker process makes it (``dateline serve`` runs several).

Workers are started by the server (granian) in fresh interpreters, so they learn what to serve
from the environment that ``dateline serve`` sets (`STORE`, `LIVE`, `SITE`, `BASE_URL`). A
worker of a live store sees each reload at its next request, by itself: every request reads
one snapshot of the store file, and the reload engine commits into that file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Final

from litestar import Litestar

from dateline import lifetime
from dateline.store import Store
from dateline.web import methods
from dateline.web.app import create_app

STORE: Final = "DATELINE_STORE"
LIVE: Final = "DATELINE_LIVE"
SITE: Final = "DATELINE_SITE"
BASE_URL: Final = "DATELINE_BASE_URL"
ACCESS_LOG: Final = "DATELINE_ACCESS_LOG"
# Workers of a live store give way to the reload engine when the cores are busy: a reload is
# short and rare, and the data every request reads waits for it.
NICENESS: Final = 5


def app() -> Litestar:
    """The app of this worker, from the environment."""
    lifetime.from_environment()
    live = os.environ.get(LIVE) == "1"
    if live:
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    store = Store(Path(os.environ[STORE]), live=live)
    site = os.environ.get(SITE)
    app = create_app(store, site=Path(site) if site else None, base_url=os.environ[BASE_URL])
    if os.environ.get(ACCESS_LOG):
        logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(message)s")
        app.state[methods.ACCESS_LOG_KEY] = True
    return app
