"""The web part: the read-only JSON API over a Store, and ``dateline serve``.

It reads the core (``dateline.store``, ``dateline.resources``, ``dateline.formats``) and is read
by nothing in it: the core never imports ``dateline.web``.
"""
