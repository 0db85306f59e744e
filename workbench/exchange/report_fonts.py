"""Which shipped font draws each character of the PDF report, and what none can draw.

fpdf2's own fallback (``set_fallback_fonts``) picks a font one character at a time, and
only for characters the current font lacks. That breaks what must be one glyph: DejaVu
Sans has U+200D (zero width joiner) and U+FE0F (emoji presentation), so
👨‍👩‍👧 and 1️⃣ are cut into pieces set in different fonts, and a ZWJ sequence or
keycap is never formed; and Arabic letters DejaVu happens to have are set in DejaVu while
the ones it lacks (ے) come from Naskh, so a word is shaped in two halves that cannot join.

So the report segments the text itself, before fpdf2 sees it (``FontPlan.runs``):

- into grapheme clusters, with emoji sequences as units: a base and what extends it
  (combining marks, variation selectors, skin-tone modifiers, the keycap mark, tag
  characters), pictographs joined by ZWJ, regional-indicator pairs (flags);
- each cluster set in one font: emoji sequences (and pictographs from U+1F000 on, and
  anything with U+FE0F) in Noto Color Emoji; Arabic-script letters always in Noto Naskh
  Arabic (Arabic, Persian, Urdu, Kurdish, Pashto: one font, so words join), Hebrew in
  Noto Sans Hebrew, Chinese, Japanese and Korean in Droid Sans Fallback; everything else
  in the current font, then the first fallback that has every character of the cluster;
  spaces, punctuation and digits stay with the run before them (not an emoji run);
- a run per font and script, as fpdf2 makes them, so HarfBuzz shapes each run whole.

``FontPlan.drawable`` replaces each character no shipped font has with ``MARKER`` (U+FFFD,
which DejaVu draws) and counts them. Invisible format characters (bidi controls, joiners,
variation selectors: Unicode's default-ignorables) are never counted: HarfBuzz hides them.

Latin text, most of a report, takes a fast path: one set look-up (``issuperset``) shows
the current font draws it all as it is, and fpdf2 gets it untouched.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.bidi import BidiParagraph, auto_detect_base_direction
from fpdf.enums import TextDirection
from fpdf.line_break import Fragment, TextLine
from fpdf.unicode_script import UNICODE_RANGE_TO_SCRIPT, UnicodeScript, get_unicode_script

FONTS = Path(__file__).resolve().parents[1] / "fonts"
SANS, MONO, NASKH, HEBREW, CJK, EMOJI = "dejavu", "dejavumono", "naskh", "hebrew", "cjk", "emoji"
#: fpdf2's font keys (family, ``B`` added for bold) and their files in ``workbench/fonts``.
FILES = {
    SANS: "DejaVuSans.ttf",
    SANS + "B": "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    NASKH: "NotoNaskhArabic-Regular.ttf",
    NASKH + "B": "NotoNaskhArabic-Bold.ttf",
    HEBREW: "NotoSansHebrew-Regular.ttf",
    HEBREW + "B": "NotoSansHebrew-Bold.ttf",
    CJK: "DroidSansFallback.ttf",
    EMOJI: "NotoColorEmoji.ttf",
}
#: Where the current font lacks a character: the fonts tried, in this order.
FALLBACK = (SANS, NASKH, HEBREW, CJK, EMOJI)
#: Scripts that always take their own font (so a word is never set in two fonts).
SCRIPT_FONT = {
    UnicodeScript.ARABIC: NASKH,
    UnicodeScript.HEBREW: HEBREW,
    UnicodeScript.HAN: CJK,
    UnicodeScript.HIRAGANA: CJK,
    UnicodeScript.KATAKANA: CJK,
    UnicodeScript.HANGUL: CJK,
    UnicodeScript.BOPOMOFO: CJK,
}
#: Each such font's characters, from fpdf2's table of script ranges.
_SCRIPT_CHARS = {
    family: frozenset(
        chr(code)
        for start, end, script in UNICODE_RANGE_TO_SCRIPT
        if SCRIPT_FONT.get(UnicodeScript(script)) == family
        for code in range(start, end + 1)
    )
    for family in set(SCRIPT_FONT.values())
}
MARKER = "\ufffd"  # drawn where no font has the character
ZWJ, VS15, VS16, KEYCAP = "\u200d", "\ufe0e", "\ufe0f", "\u20e3"
_NEUTRAL = (UnicodeScript.COMMON, UnicodeScript.INHERITED, UnicodeScript.UNKNOWN)
#: Unicode's Default_Ignorable_Code_Point: invisible, hidden by HarfBuzz when a font lacks them.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
IGNORABLE = frozenset(chr(c) for a, b in _IGNORABLE_RANGES for c in range(a, b + 1))
#: What the PDF writer does not draw as a glyph: line breaks and the invisible characters.
_UNDRAWN = IGNORABLE | {"\n"}


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the cluster before it (marks, selectors, modifiers,
    tags, joiners)."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or code in (0x200C, 0x200D)
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def clusters(text: str) -> Iterator[str]:
    """``text`` cut into user-perceived characters: a base and what extends it,
    pictographs joined by ZWJ, regional indicators in pairs, CR LF."""
    i, end = 0, len(text)
    while i < end:
        j = i + 1
        if j < end and (
            (text[i] == "\r" and text[j] == "\n") or (_regional(text[i]) and _regional(text[j]))
        ):
            j += 1
        while j < end and _extends(text[j]):
            j += 1
            if text[j - 1] == ZWJ and j < end and unicodedata.category(text[j]) == "So":
                j += 1  # the next pictograph of a ZWJ sequence
        yield text[i:j]
        i = j


class FontPlan:
    """What the report's fonts can draw (their cmaps), and which font draws what."""

    def __init__(self, cmaps: dict[str, frozenset[str]]) -> None:
        self._cmaps = cmaps
        self._known = frozenset().union(*cmaps.values()) | _UNDRAWN
        self._emoji = cmaps[EMOJI]
        self._plain = {key: self._plain_set(key, chars) for key, chars in cmaps.items()}

    @staticmethod
    def _plain_set(key: str, chars: frozenset[str]) -> frozenset[str]:
        """What ``key`` draws as it is: not emoji, not a script that takes another font."""
        family = key.removesuffix("B")
        others = frozenset().union(*(c for f, c in _SCRIPT_CHARS.items() if f != family))
        plain = {c for c in chars if ord(c) < 0x1F000} - others - {VS16, KEYCAP}
        return frozenset(plain) | _UNDRAWN

    def drawable(self, text: str) -> tuple[str, int]:
        """``text`` with each character no font has replaced by ``MARKER``; how many."""
        if "\r" in text or "\t" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if self._known.issuperset(text):
            return text, 0
        missing = sum(1 for c in text if c not in self._known)
        return "".join(c if c in self._known else MARKER for c in text), missing

    def runs(self, text: str, key: str) -> list[tuple[str, str]] | None:
        """``text`` (drawable) as (font key, run) pairs; None when the font ``key`` draws
        it all as it is."""
        if self._plain[key].issuperset(text):
            return None
        family, style = key.removesuffix("B"), "B" if key.endswith("B") else ""
        chain = [family, *(f for f in FALLBACK if f != family)]
        out: list[list[Any]] = []  # [font key, [clusters], script or None]
        for cluster in clusters(text):
            previous = out[-1][0] if out else key
            for font, part, script in self._choose(cluster, chain, style, previous):
                if out and out[-1][0] == font and (script is None or out[-1][2] in (None, script)):
                    out[-1][1].append(part)
                    out[-1][2] = out[-1][2] or script
                else:
                    out.append([font, [part], script])
        return [(font, "".join(parts)) for font, parts, _ in out]

    def _keys(self, families: list[str], style: str) -> Iterator[str]:
        for family in families:
            if style and family + style in self._cmaps:
                yield family + style
            yield family

    def _choose(
        self, cluster: str, chain: list[str], style: str, previous: str
    ) -> list[tuple[str, str, UnicodeScript | None]]:
        """The font of ``cluster`` (one that has all its visible characters) and its
        script; a cluster no one font has whole is set a character at a time."""
        visible = [c for c in cluster if c not in _UNDRAWN]
        if not visible:
            return [(previous, cluster, None)]
        script: UnicodeScript | None = get_unicode_script(cluster[0])
        if script in _NEUTRAL:
            script = None
        if self._is_emoji(cluster):
            order = [EMOJI, *chain]
        elif script is not None and script in SCRIPT_FONT:
            order = [SCRIPT_FONT[script], *chain]
        elif previous != EMOJI and script is None and unicodedata.category(cluster[0])[0] in "ZPN":
            order = [previous.removesuffix("B"), *chain]  # spaces, punctuation, digits
        else:
            order = chain
        for font in self._keys(order, style):
            chars = self._cmaps[font]
            if all(c in chars for c in visible):
                return [(font, cluster, script)]
        if len(cluster) == 1:  # drawable, so some font has it
            font = next(k for k, chars in self._cmaps.items() if cluster in chars)
            return [(font, cluster, script)]
        return [part for char in cluster for part in self._choose(char, chain, style, previous)]

    def _is_emoji(self, cluster: str) -> bool:
        base = cluster[0]
        if VS15 in cluster or base not in self._emoji:
            return False
        return (
            ord(base) >= 0x1F000
            or KEYCAP in cluster
            or (not base.isascii() and (VS16 in cluster or ZWJ in cluster))
        )


@functools.cache
def plan() -> FontPlan:
    """The plan of the shipped fonts (their cmaps read once a process)."""
    cmaps = {}
    for key, name in FILES.items():
        font = TTFont(FONTS / name, lazy=True)
        cmaps[key] = frozenset(chr(code) for code in font.getBestCmap())
        font.close()
    return FontPlan(cmaps)


# -- bidi: each paragraph closes what it opened ------------------------------------------

_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
_POP_EMBEDDING, _POP_ISOLATE = "\u202c", "\u2069"
_CONTROLS = _EMBEDDINGS | _ISOLATES | {_POP_EMBEDDING, _POP_ISOLATE}
_DIRECTED = _EMBEDDINGS | {"\u2066", "\u2067"}  # controls that set a direction themselves
_STRONG_RTL = ("R", "AL", "AN")


def fenced(text: str) -> str:
    """``text`` with each paragraph (line of the value) closing the embeddings, overrides
    and isolates it opened. Unicode's bidi algorithm ends them at a paragraph's end, but
    fpdf2 runs one paragraph over a whole multi-line value, so an unclosed U+202E would
    reverse every later line. First-strong isolates that change nothing (no right-to-left
    letter in the text, no control that sets a direction) are dropped: the text then needs
    no shaping."""
    if _CONTROLS.isdisjoint(text):
        return text
    text = "\n".join(_closed(paragraph) for paragraph in text.split("\n"))
    if _DIRECTED.isdisjoint(text) and not any(
        unicodedata.bidirectional(c) in _STRONG_RTL for c in text if ord(c) >= 0x0590
    ):
        text = text.translate({0x2068: None, 0x2069: None})
    return text


def _closed(paragraph: str) -> str:
    opened: list[str] = []  # the closer of each open control, innermost last
    for char in paragraph:
        if char in _EMBEDDINGS:
            opened.append(_POP_EMBEDDING)
        elif char in _ISOLATES:
            opened.append(_POP_ISOLATE)
        elif char == _POP_EMBEDDING and opened and opened[-1] == _POP_EMBEDDING:
            opened.pop()
        elif char == _POP_ISOLATE and _POP_ISOLATE in opened:
            while opened.pop() != _POP_ISOLATE:  # a PDI also ends embeddings inside it
                pass
    return paragraph + "".join(reversed(opened))


# -- the PDF writer: runs in their fonts, right-to-left runs in their order ---------------


class FontedPDF(FPDF):
    """fpdf2 with the plan's fonts (added when a text first needs one) and the bidi
    algorithm's full reordering (fpdf2 keeps two levels: Arabic holding a number, or an
    isolate holding Arabic, in a left-to-right line came out in the wrong order).

    Three of fpdf2's internal steps are extended, each falling back to fpdf2's own:
    ``_parse_chars`` (text to font runs), ``_preload_bidirectional_text`` (a run per
    embedding level, the level kept in the run's shaping parameters) and
    ``_render_styled_text_line`` (runs ordered by level, UAX #9 rule L2)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.plan = plan()
        self.str_alias_nb_pages = ""  # an analyst's "{nb}" is drawn as typed
        for key in (SANS, SANS + "B", MONO, NASKH):  # the fonts set by name
            self.font_for(key)

    def font_for(self, key: str) -> Any:
        if key not in self.fonts:
            self.add_font(
                key.removesuffix("B"), "B" if key.endswith("B") else "", FONTS / FILES[key]
            )
            colour = getattr(self.fonts[key], "color_font", None)
            if colour is not None:
                colour.load_glyph_image = _once_a_glyph(colour.load_glyph_image)
                colour.get_space_glyph = _coded_space(colour.get_space_glyph)
        return self.fonts[key]

    def _parse_chars(
        self,
        text: str,
        markdown: bool,
        *,
        _initial_emphasis: tuple[bool, bool, bool, bool] | None = None,
    ) -> Iterator[Fragment]:
        font = self.current_font
        runs = None if markdown or font is None else self.plan.runs(text, font.fontkey)
        if runs is None:
            yield from super()._parse_chars(text, markdown, _initial_emphasis=_initial_emphasis)
            return
        for key, run in runs:
            state = self._get_current_graphics_state()
            state.font_family = key.removesuffix("B")
            state.font_style = "B" if key.endswith("B") else ""
            state.current_font = self.font_for(key)
            yield Fragment(run, state, self.k)

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Sequence[Fragment]:
        shaping = self.text_shaping
        if markdown or not shaping:
            return super()._preload_bidirectional_text(text, markdown)
        direction = shaping["direction"] or auto_detect_base_direction(text)
        shaping["paragraph_direction"] = direction
        levels = [
            c.embedding_level
            for c in BidiParagraph(
                text, base_direction=direction, preserve_bn_chars=True
            ).characters
        ]
        at = 0
        for cluster in clusters(text):  # a cluster takes its base's level: never cut
            levels[at : at + len(cluster)] = [levels[at]] * len(cluster)
            at += len(cluster)
        fragments: list[Fragment] = []
        start = 0
        for end in range(1, len(text) + 1):
            if end == len(text) or levels[end] != levels[start]:
                shaping["bidi_level"] = levels[start]
                shaping["fragment_direction"] = (
                    TextDirection.RTL if levels[start] % 2 else TextDirection.LTR
                )
                fragments.extend(self._preload_font_styles(text[start:end], False))
                start = end
        return tuple(fragments)

    def _render_styled_text_line(self, text_line: TextLine, *args: Any, **kwargs: Any) -> bool:
        # fpdf2 makes the first run's font the page's font when the page has none yet;
        # that may be the emoji font: the document's current font is put back.
        font, style = self.current_font, self.font_style
        try:
            return super()._render_styled_text_line(_LevelledLine(*text_line), *args, **kwargs)
        finally:
            if self.current_font is not font:
                self.current_font, self.font_style = font, style
                self.current_font_is_set_on_page = False


def _once_a_glyph(load: Callable[[Any], None]) -> Callable[[Any], None]:
    """fpdf2's loader of a colour (CBDT) glyph reads the bitmap's raw bytes, which
    fontTools drops once it has read them, so a glyph drawn for two different texts
    (❤ and ❤️ are one glyph) failed the second time: each glyph is loaded once."""
    loaded: dict[str, tuple[Any, Any]] = {}

    def once(glyph: Any) -> None:
        if glyph.glyph_name not in loaded:
            load(glyph)
            loaded[glyph.glyph_name] = (glyph.glyph, glyph.glyph_width)
        glyph.glyph, glyph.glyph_width = loaded[glyph.glyph_name]

    return once


def _coded_space(make: Callable[[int], Any]) -> Callable[[int], Any]:
    """fpdf2 gives every blank glyph of a colour font the code of a space (32), so a
    second one (HarfBuzz hides an invisible U+FE0F as a blank glyph: ✅️) was drawn with
    a code that has no glyph (\"Missing Type3 CharProc\"): each keeps its own code."""

    def coded(glyph_id: int) -> Any:
        glyph = make(glyph_id)
        glyph.unicode = glyph_id
        return glyph

    return coded


class _LevelledLine(TextLine):
    """A line whose runs are put in visual order by their embedding levels (rule L2:
    from the highest level down to the lowest odd one, reverse each stretch of runs at
    that level or above; a right-to-left run's glyphs HarfBuzz has already reversed)."""

    __slots__ = ()

    def get_ordered_fragments(self) -> list[Fragment]:
        runs = list(self.fragments)
        levels = [_level(f) for f in runs]
        if not runs or max(levels) == 0:
            return runs
        for level in range(max(levels), (min(levels) | 1) - 1, -1):
            i = 0
            while i < len(runs):
                if levels[i] < level:
                    i += 1
                    continue
                j = i
                while j < len(runs) and levels[j] >= level:
                    j += 1
                runs[i:j], levels[i:j] = runs[i:j][::-1], levels[i:j][::-1]
                i = j
        return runs


def _level(fragment: Fragment) -> int:
    shaping = fragment.graphics_state.text_shaping
    if not shaping:
        return 0
    if "bidi_level" in shaping:
        return int(shaping["bidi_level"])
    return 1 if shaping.get("fragment_direction") == TextDirection.RTL else 0
