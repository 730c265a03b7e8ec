"""Ingest: from bytes on disk to the event frame (the pipeline's first stages).

`read` opens inputs (files, `.gz`/`.bz2`/`.xz`, stdin) and decodes them,
counting what it cannot; `scan` finds the keepalived lines of an input;
`split` reads a big plain file in two processes; `frame` types the lines
with the grammar (`kalog.grammar`) into one pandas DataFrame whose schema
is `events` (docs/events.md).  The speed tricks they use live in
`kalog.speed`, called through small functions.
"""
