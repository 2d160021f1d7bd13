"""The site part: the static timeline website that MkDocs and Material build from a Store.

It reads the core (``dateline.store``, ``dateline.resources``, ``dateline.formats``) and is read
by nothing in it: the core never imports ``dateline.site``.
"""
