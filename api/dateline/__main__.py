"""``python -m dateline``: the command line, as ``dateline`` (how the server rebuilds the site)."""

from dateline.cli import main

main(prog_name="dateline")
