"""Claims in and out of the window: the export dialog and the import job with its summary.

Uses ``ui.messages``, ``ui.tasks``, the library's ingest job and ``workbench.exchange``.
"""
