"""The basics every package of the domain uses: the error types each refusal is made of
(``errors``), writing a file whole or not at all (``files``), and bidi controls revealed
in names and user text fenced in isolates (``bidi``).

Uses nothing of ours, so anything may use it (import-linter: "Layers inside the domain").
"""
