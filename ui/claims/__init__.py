"""The claims' panels: the table and its model, the filter bar, cases and saved filters on the
left, the detail pane, the editor, verdicts, relations, the checklist, events, the audit
trail, and the undoable commands they all go through (``commands``).

Uses ``ui.presentation``, ``ui.messages``, ``ui.tasks``, the library's seen-before list and
the ``workbench`` services; never ``storage``.
"""
