"""Bidi controls cannot spoof a name or reorder a neighbour in the report, page or CSV.

Trojan Source (CVE-2021-42574): a right-to-left override in a file name makes
``photo‮gnp.exe`` read ``photoexe.png``; an unclosed one in a handle or claim text
reorders whatever is drawn after it.
"""

from __future__ import annotations

import csv
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from workbench.base.bidi import CONTROLS, FSI, PDI, balanced, isolate, reveal
from workbench.exchange.formats import write_csv
from workbench.exchange.report import build_report, write_html
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Workspace

RLO = "\u202e"
SPOOFED = f"photo{RLO}gnp.exe"


def test_reveal_shows_every_trojan_source_control() -> None:
    for char, name in CONTROLS.items():
        assert unicodedata.category(char) == "Cf"  # all invisible format characters
        assert reveal(f"a{char}b") == f"a⟨{name}⟩b"
    assert reveal(SPOOFED) == "photo⟨RLO⟩gnp.exe"
    assert reveal("@plain_handle") == "@plain_handle"


def test_isolate_fences_text_and_a_stray_pdi_cannot_close_the_fence() -> None:
    assert isolate("plain ascii") == "plain ascii"
    assert isolate(f"evil {RLO}txet") == f"{FSI}evil {RLO}txet{PDI}"
    assert isolate("حلب") == f"{FSI}حلب{PDI}"
    # A PDI of the text's own closes the text's own isolate; a stray one is shown.
    assert balanced(f"a{FSI}b{PDI}c") == f"a{FSI}b{PDI}c"
    fenced = isolate(f"x{PDI}{RLO}y")
    assert fenced == f"{FSI}x⟨PDI⟩{RLO}y{PDI}"
    assert fenced.count(PDI) == 1  # only the fence's own


def _hostile_claim(ws: Workspace, data: Path, tmp_path: Path) -> str:
    picture = tmp_path / SPOOFED
    shutil.copyfile(data / "neardup" / "hopper.png", picture)
    claim = ws.claims.create(
        f"Claim text with an override {RLO}sgnihtyreve sesrever",
        source=("telegram", f"@news{RLO}lanigiro"),
        source_reliability="C",
        post_url=f"https://t.me/news{RLO}/5",
        tags=[f"tag{RLO}x"],
        notes="notes",
    )
    ws.media.ingest([picture], claim_id=claim.id)
    ws.claims.set_status(claim.id, "refuted", f"Rationale {RLO}desrever")
    return claim.id


def test_report_model_reveals_names_and_fences_user_text(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    _hostile_claim(workspace, data, tmp_path)
    model = build_report(gather(workspace, ExportScope()), workspace)
    (entry,) = list(model.claims())
    (media,) = entry.media
    assert media.title == "photo⟨RLO⟩gnp.exe"
    lines = {line.label: line.value for line in entry.lines}
    assert lines["Source"].startswith("telegram:@news⟨RLO⟩lanigiro")
    assert lines["Post"] == "https://t.me/news⟨RLO⟩/5"
    assert lines["Tags"] == f"{FSI}tag{RLO}x{PDI}"  # written text kept, fenced in
    assert {row.name for row in model.manifest} == {"photo⟨RLO⟩gnp.exe"}
    changes = [row.changes for row in model.audit if RLO in row.changes]
    assert changes and all(_fenced(c) for c in changes)  # cannot reorder the next value


def _fenced(text: str) -> bool:
    """Whether every override in ``text`` sits inside an isolate."""
    depth = 0
    for char in text:
        if char == FSI:
            depth += 1
        elif char == PDI:
            depth -= 1
        elif char == RLO and depth == 0:
            return False
    return depth == 0


class _Texts(HTMLParser):
    """The text of each element of the page, by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("img", "meta", "br", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.found.append((self.stack[-1], data))


def test_html_page_shows_the_override_and_isolates_the_title(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    _hostile_claim(workspace, data, tmp_path)
    out = tmp_path / "report.html"
    write_html(gather(workspace, ExportScope()), workspace, out)
    parser = _Texts()
    parser.feed(out.read_text(encoding="utf-8"))
    by_tag: dict[str, list[str]] = {}
    for tag, text in parser.found:
        by_tag.setdefault(tag, []).append(text)
    assert "photo⟨RLO⟩gnp.exe" in by_tag["h4"]
    assert any(t.startswith("Claim text with an override") for t in by_tag["bdi"])
    # Where an override reaches the page at all, it is inside an element of its own
    # (a <bdi>, or a <dd>/<td> with dir, both isolating) or fenced in FSI … PDI.
    for tag, text in parser.found:
        if RLO in text:
            assert tag in ("bdi", "dd", "td", "p") or (FSI in text and PDI in text), (tag, text)
    assert RLO + "gnp.exe" not in out.read_text(encoding="utf-8")


def test_csv_reveals_handles_and_urls_and_keeps_written_text(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    _hostile_claim(workspace, data, tmp_path)
    out = tmp_path / "claims.csv"
    write_csv(gather(workspace, ExportScope()), out)
    (row,) = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert row["source_handle"] == "'@news⟨RLO⟩lanigiro"  # formula guard, then the marker
    assert row["post_url"] == "https://t.me/news⟨RLO⟩/5"
    assert row["text"] == f"Claim text with an override {RLO}sgnihtyreve sesrever"
