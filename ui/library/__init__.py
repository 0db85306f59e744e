"""The library's panels: media viewer and compare view, the seen-before list, keyframes,
the known-fakes lists, the ingest job and the background local-feature pass.

Uses ``ui.presentation``, ``ui.messages``, ``ui.tasks`` and the ``workbench`` services;
nothing of the claims' panels.
"""
