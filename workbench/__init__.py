"""The domain room: analysis, matching, use cases, import/export and the command line.

Never imports Qt widgets; talks to ``storage/`` for everything it keeps.
"""
