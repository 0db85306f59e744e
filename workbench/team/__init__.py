"""The team on a shared server: the change feed (``changes``) tells a workstation what
colleagues changed since it last looked, and keeps its hash index in step with their new
pictures.

Uses ``storage``, ``workbench.library`` (the index it keeps in step) and ``workbench.base``.
"""
