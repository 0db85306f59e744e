"""Bidirectional control characters: shown where they could spoof, fenced in elsewhere.

A right-to-left override (U+202E) makes a file named ``gnp.exe`` read ``exe.png``, and an
unclosed embedding in a handle or a claim's text reorders whatever is drawn after it
(Trojan Source, CVE-2021-42574). Every reader of our files — the PDF, the page, the
spreadsheet, the window — gets the same two treatments from here:

- ``reveal``: names, handles, URLs and hashes, where no honest value needs a control, show
  each one as a visible marker (``⟨RLO⟩``) instead of obeying it;
- ``isolate``: text the analyst wrote keeps its controls (Arabic text may need marks) but
  is wrapped in a first-strong isolate (FSI … PDI), so it reads in its own direction and
  cannot reorder its neighbours; a stray PDI inside it, which would close the fence early,
  is shown as a marker.

Pure Python, nothing of ours: any room may use it.
"""

from __future__ import annotations

#: The controls the Trojan Source paper lists, and the three marks, by their short names.
CONTROLS = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
}
FSI, PDI = "\u2068", "\u2069"
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")
_REVEAL = str.maketrans({char: f"⟨{name}⟩" for char, name in CONTROLS.items()})


def has_controls(text: str) -> bool:
    return any(char in CONTROLS for char in text)


def reveal(text: str) -> str:
    """``text`` with every bidi control shown as ``⟨NAME⟩`` (for names, handles, URLs)."""
    return text.translate(_REVEAL) if has_controls(text) else text


def balanced(text: str) -> str:
    """``text`` with each PDI that closes no isolate of its own shown as ``⟨PDI⟩``, so
    that wrapped in an isolate it cannot close the wrapper."""
    if PDI not in text:
        return text
    out, depth = [], 0
    for char in text:
        if char in _OPENS_ISOLATE:
            depth += 1
        elif char == PDI:
            if depth == 0:
                out.append("⟨PDI⟩")
                continue
            depth -= 1
        out.append(char)
    return "".join(out)


def isolate(text: str) -> str:
    """``text`` fenced in a first-strong isolate: it takes its direction from its first
    strong letter and its controls end at its end. Text without controls or
    right-to-left letters is returned as it is (most of a report)."""
    if not text or text.isascii():
        return text
    return FSI + balanced(text) + PDI
