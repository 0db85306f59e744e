"""The table's claims in time and place: the dock (``plots``), the timeline and the offline
map, their marks stamped once a pixel (``plotting``).

Uses ``ui.presentation``, ``ui.tasks`` and the ``workbench`` services.
"""
