"""Claims and what an analyst says about them: the claims themselves and their verdicts
(``service``), sources and cases (``sources``), what a typed field may hold (``fields``),
the tamper-evident audit trail (``audit``), search and the saved filters
(``search``, ``saved_filters``), relations between claims (``relations``), findings on a
file (``findings``), the verification checklist (``checklist``), events (``events``), and
the plain values handed to the window and the command line (``views``).

Uses ``storage`` and ``workbench.base``; nothing of media, matching or exchange. A new
field of a claim, a new kind of relation or a new search filter goes here.
"""
