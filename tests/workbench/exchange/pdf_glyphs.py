"""Reading back what a laid-out fpdf2 document drew: a glyph's characters, a PDF string
literal unescaped (shared by the report tests)."""

from __future__ import annotations

import re


def glyph_chars(glyph: object) -> str:
    """The characters a font glyph stands for (one, or a ligature's several)."""
    code = glyph.unicode  # type: ignore[attr-defined]
    return "".join(map(chr, code)) if isinstance(code, tuple) else chr(code)


def unescape(literal: str) -> str:
    """A PDF string literal's bytes, its backslash escapes undone."""
    escapes = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
    return re.sub(
        r"\\([0-7]{1,3}|.)",
        lambda m: (
            chr(int(m.group(1), 8)) if m.group(1).isdigit() else escapes.get(m.group(1), m.group(1))
        ),
        literal,
        flags=re.S,
    )
