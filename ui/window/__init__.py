"""The main window's parts (``ui.main_window`` wires them): its menus and shortcuts
(``menus``), its background jobs (``jobs``: media stored, imports, the export dialog),
colleagues' changes (``team``), the dialogs it opens (``dialogs``), what they share
(``parts``) and the window's size and layout kept between sessions (``state``).

Uses the panels (``ui.claims``, ``ui.library``, ``ui.exchange``, ``ui.plots``), ``ui``'s
shared helpers and the ``workbench`` services; nothing here imports ``ui.main_window``.
"""
