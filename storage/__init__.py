"""The storage room: schema, sessions, migrations and the media file store.

Nothing here imports Qt or the domain; ``workbench/`` is the only caller.
"""
