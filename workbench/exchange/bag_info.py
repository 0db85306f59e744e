"""bag-info.txt lines (RFC 8493 §2.2.2): written folded at 79 characters, read unfolded.

A field is ``Label: value``. RFC 8493 recommends lines of at most 79 characters, and lets a
long value continue on the next line, indented with spaces or tabs. The writer folds as
RFC 5322 (§2.2.3) folds a header: a line break goes in before a space, so the space starts
the continuation line and removing the line break gives the value back. It never breaks a
word: a word that does not fit a line of its own (a hash, an identifier, a name written
without spaces) stays whole on a longer line, as the RFC allows ("RECOMMENDED", not
"MUST"), since no reader could tell a space the writer put in from one in the name.
Lengths are in characters, as the RFC counts them, not bytes: 79 Arabic characters are
some 150 bytes of UTF-8, and no character is ever split.

Readers differ in what a fold leaves in the value: RFC 5322 unfolding removes the line
break only; the ``bagit`` library (Python and Java alike) keeps the line break and the
indent. They agree once runs of whitespace are read as one space, so the writer makes
every value's whitespace single spaces before folding (a name's line breaks or double
spaces carry nothing a bag needs) and ``parse`` reads a value that way: our own round trip
is exact, and ``bagit`` gives the same value up to whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WIDTH = 79
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the RFC's three; not str.splitlines' dozen


def plain(value: str) -> str:
    """``value`` as one line with single spaces: what a bag-info value can hold."""
    return " ".join(value.split())


def fold(label: str, value: str, width: int = WIDTH) -> str:
    """``Label: value`` and its continuation lines, each ending in LF; every line at most
    ``width`` characters unless it holds a single word longer than that."""
    lines, line, has_word = [], f"{label}:", False
    for word in value.split():
        if has_word and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = " " + word  # the space the value had here begins the next line
        else:
            line += " " + word
        has_word = True
    if not has_word:
        line += " "  # an empty value: still "label, colon, one space"
    lines.append(line)
    return "".join(f"{text}\n" for text in lines)


def format_fields(fields: Iterable[tuple[str, str]], width: int = WIDTH) -> str:
    """The whole tag file for ``(label, value)`` pairs, in order, folded."""
    return "".join(fold(label, value, width) for label, value in fields)


def parse(text: str) -> list[tuple[str, str]]:
    """The ``(label, value)`` pairs of a tag file, in order (a label may repeat), each
    value unfolded with its whitespace read as single spaces. Raises ``ValueError`` naming
    the line that is neither a field nor a continuation."""
    fields: list[tuple[str, str]] = []
    for number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), 1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if not fields:
                raise ValueError(f"line {number}: a continuation line with no field before it")
            label, value = fields[-1]
            fields[-1] = (label, plain(f"{value} {line}"))
            continue
        label, colon, value = line.partition(":")
        if not colon or not label.strip():
            raise ValueError(f"line {number}: not 'Label: value': {line[:60]!r}")
        fields.append((label.strip(), plain(value)))
    return fields


def by_label(fields: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The values of each label, in the file's order."""
    info: dict[str, list[str]] = {}
    for label, value in fields:
        info.setdefault(label, []).append(value)
    return info


def disagreement(info: dict[str, list[str]], expected: dict[str, list[str]]) -> str | None:
    """What the first label of ``expected`` whose values (in any order) differ in ``info``
    says, and what it should say; None when every one agrees."""
    for label, values in expected.items():
        found, wanted = sorted(info.get(label, [])), sorted(values)
        if found != wanted:
            return f"{label} says {', '.join(found) or 'nothing'}, not {', '.join(wanted)}"
    return None
