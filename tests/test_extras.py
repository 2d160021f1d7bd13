"""`pip install dateline` checks and writes events; the web stack and MkDocs are extras.

Each case runs the CLI in a fresh interpreter whose import system refuses the packages an
extra would install, as an environment without that extra would.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, Events

BLOCKING = textwrap.dedent(
    """
    import importlib.abc, sys

    blocked = set(sys.argv[1].split(","))
    sys.argv = ["dateline", *sys.argv[2:]]

    class Missing(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in blocked:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Missing())
    from dateline.cli import main

    try:
        main(prog_name="dateline")
    finally:
        heavy = [m for m in ("litestar", "mkdocs", "granian", "material") if m in sys.modules]
        print("loaded:", ",".join(heavy), file=sys.stderr)
    """
)

WEB = "litestar,granian,watchfiles,openapi_ui_bundles"
SITE = "mkdocs,material,pagefind,markdown_it,nh3"


def run(blocked: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKING, blocked, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("args", [["check"], ["export", "csv"], ["export", "ics"]])
def test_check_new_and_export_need_no_extra(events: Events, args: list[str]) -> None:
    result = run(f"{WEB},{SITE}", *args)
    assert result.returncode == 0, result.stderr
    assert "loaded: \n" in result.stderr  # and nothing of the web stack or MkDocs was imported


def test_new_needs_no_extra(events: Events) -> None:
    result = run(f"{WEB},{SITE}", "new", "--title", "A new event", "--date", "2026-02-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "events/2026/2026-02-01-a-new-event.yaml"


@pytest.mark.parametrize(
    ("blocked", "args", "message"),
    [
        (WEB, ["serve"], "dateline serve needs the [serve] extra"),
        (SITE, ["build"], "dateline build needs the [site] extra"),
        (
            SITE,
            ["serve", "--config", str(REPO / "mkdocs.yml")],
            "dateline serve with a site (or --no-site) needs the [site] extra",
        ),
    ],
)
def test_a_missing_extra_is_named(
    events: Events, blocked: str, args: list[str], message: str
) -> None:
    result = run(blocked, *args)
    assert result.returncode == 1
    extra = message.split("[")[1].split("]")[0]
    said = re.search(
        rf"^Error: {re.escape(message)} \((\w+) is not installed\): "
        rf"pip install 'dateline\[{extra}\]'$",
        result.stderr,
        re.MULTILINE,
    )
    assert said, result.stderr
    assert said[1] in blocked.split(",")
    assert "Traceback" not in result.stderr
