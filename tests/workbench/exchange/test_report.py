"""The report of verified claims: one model, written as a self-contained page and a PDF.

The sample case (Arabic text, pictures, a video, a seen-before pair) goes through the real
gather and writers. The PDF's Arabic is checked in the laid-out document itself: the
glyphs used must be the joined (contextual) forms, and the line must be drawn right to
left, which a renderer without shaping would get wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.workbench.exchange.pdf_glyphs import glyph_chars, unescape
from workbench.base.errors import WorkbenchError
from workbench.claims.fields import is_right_to_left
from workbench.exchange import report, report_pdf
from workbench.exchange.report import (
    build_report,
    coordinates,
    credibility,
    when,
    write_html,
    write_pdf,
)
from workbench.exchange.scope import ExportScope, ExportSet, gather
from workbench.sample import create_sample_case
from workbench.workspace import Workspace

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")
SARWAN = "صوران"


@pytest.fixture
def sample(workspace: Workspace) -> ExportSet:
    create_sample_case(workspace)
    return gather(workspace, ExportScope())


def _claim(export: ExportSet, text: str) -> int:
    """1-based number of the claim whose text starts with ``text``."""
    return next(n for n, c in enumerate(export.claims, 1) if c.claim.text.startswith(text))


# -- the model -------------------------------------------------------------------------


def test_model_formats_every_fact_of_a_claim(workspace: Workspace, sample: ExportSet) -> None:
    model = build_report(sample, workspace)
    entries = list(model.claims())
    assert model.claim_count == len(entries) == len(sample.claims) == 6

    checkpoint = entries[_claim(sample, "IS fighters hold") - 1]
    assert checkpoint.verdict.word == "Confirmed" and checkpoint.verdict.colour == "#1b7f3b"
    original, translation = checkpoint.passages
    assert original.lang == "ar" and original.rtl and SARWAN in original.text
    assert not translation.rtl and "Sarwan" in translation.text
    lines = {line.label: line.value for line in checkpoint.lines}
    assert lines["Source"] == "telegram:@sample_is_wilayat_halab — grade D (not usually reliable)"
    assert lines["Credibility"] == "2 — probably true"
    assert lines["Coordinates"] == "36.49000, 37.19000 (precision unknown)"
    assert lines["Posted"] == "2015-06-01 15:20 UTC"
    assert lines["Decided"].startswith("tester, ") and lines["Decided"].endswith(" UTC")
    assert "satellite imagery" in lines["Rationale"]
    labels = [line.label for line in checkpoint.lines]
    assert labels[:3] == ["Rationale", "Decided", "Source"] and labels[-1] == "Claim id"

    video = checkpoint.media[0]
    facts = {line.label: line.value for line in video.lines}
    assert facts["SHA-256"] == sample.claims[_claim(sample, "IS fighters") - 1].media[0].sha256
    assert facts["File"].startswith("video · video/mp4 · ") and "0:02.0" in facts["File"]
    assert video.picture is not None and "-strip" in video.picture.name  # the frames strip

    # The refuted map photo was seen before: the recompressed copy under claim #6.
    refuted = entries[_claim(sample, "Fighters study a map") - 1]
    seen = [line.value for line in refuted.media[0].seen_before if line.label == "Looks like"]
    later = _claim(sample, "Unconfirmed reports suggest")
    assert len(seen) == 1 and "distance 2 (the whole picture)" in seen[0]
    assert f"under #{later} Unconfirmed reports suggest" in seen[0]

    assert [c.count for c in model.cover.counts] == [4, 1, 1]  # unconfirmed, confirmed, refuted
    assert [c.verdict.status for c in model.cover.counts] == ["unconfirmed", "confirmed", "refuted"]
    assert len(model.audit) == sum(len(c.audit) for c in sample.claims)
    assert [row.sha256 for row in model.manifest] == [m.sha256 for m in sample.originals()]


def test_formatting_rules() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    beirut = timezone(timedelta(hours=3))
    assert when(datetime(2015, 6, 1, 18, 20, tzinfo=beirut)) == "2015-06-01 15:20 UTC"
    assert when(None) == "—"
    assert when(datetime(2015, 6, 1, 1, 2, 3, tzinfo=UTC), seconds=True) == (
        "2015-06-01 01:02:03 UTC"
    )
    assert coordinates(36.123456, -37.1) == "36.12346, -37.10000"
    assert coordinates(None, 1.0) == "—"
    assert credibility(5) == "5 — improbable" and credibility(None) == "—"
    assert is_right_to_left("", "ar") and is_right_to_left("anything", "fa-IR")
    assert is_right_to_left("«" + SARWAN) and not is_right_to_left("12 Sarwan " + SARWAN)
    assert report_pdf.needs_shaping("x " + SARWAN) and not report_pdf.needs_shaping("a — b…")


def test_a_missing_thumbnail_is_made_from_the_original(
    workspace: Workspace, sample: ExportSet
) -> None:
    picture = next(m for c in sample.claims for m in c.media if m.kind == "image")
    cached = workspace.media.thumbnail_path(picture.sha256)
    assert cached is not None
    cached.unlink()

    entries = list(build_report(sample, workspace).claims())

    made = [e.picture for c in entries for e in c.media if e.lines[0].value == picture.sha256]
    assert made and made[0] is not None and made[0].is_file()
    with Image.open(made[0]) as im:
        assert im.format == "JPEG" and max(im.size) <= 256
    assert workspace.media.thumbnail_path(picture.sha256) == made[0]


def test_scope_names_cases_and_sources(workspace: Workspace, sample: ExportSet) -> None:
    case_id = sample.claims[0].claim.case_id
    assert case_id is not None
    export = gather(workspace, ExportScope(case_ids=(case_id,), statuses=("confirmed",)))
    model = build_report(export, workspace)
    scope = {line.label: line.value for line in model.cover.scope}
    assert scope == {"Status": "confirmed", "Cases": "Sample: northern Aleppo, June 2015"}
    assert model.claim_count == 1


# -- the HTML page -------------------------------------------------------------------------


def test_html_page_holds_the_report_and_nothing_external(
    workspace: Workspace, sample: ExportSet, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = write_html(sample, workspace, out)

    page = out.read_text(encoding="utf-8")
    assert result.path == out and result.claims == 6 and result.byte_size == len(page.encode())
    for item in sample.claims:
        assert item.claim.text in page
        for media in item.media:
            assert media.sha256 in page
    assert re.search(r'<p dir="rtl" lang="ar">[^<]*' + SARWAN, page)
    assert 'style="background: #b3261e">Refuted</span>' in page
    assert "grade D (not usually reliable)" in page and "2 — probably true" in page
    assert "36.49000, 37.19000" in page and "2015-06-01 15:20 UTC" in page
    assert "Appendix A — Audit trail" in page and "Appendix B — Manifest" in page
    pictures = sum(len(c.media) for c in sample.claims)
    assert page.count('src="data:image/jpeg;base64,') == pictures
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "<link" not in page and "url(" not in page


def test_html_escapes_everything_the_analyst_typed(workspace: Workspace, tmp_path: Path) -> None:
    script, attribute = PAYLOADS
    claim = workspace.claims.create(
        f"Claim {script}",
        source=("twitter", f"@handle{attribute}"),
        source_reliability="B",
        place_name=f"Town {attribute}",
        tags=[f"tag {script}"],
        original_text=f"{SARWAN} {script}",
        original_language="ar",
        translation=f"Translation {attribute}",
        notes=f"Notes {script} {attribute}",
        actors=[attribute],
    )
    workspace.claims.set_status(claim.id, "refuted", f"Because {script} {attribute}")
    out = tmp_path / "hostile.html"

    write_html(gather(workspace, ExportScope()), workspace, out)

    page = out.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload not in page
    for escaped in ESCAPED:
        assert escaped in page
    assert page.count(ESCAPED[0]) >= 5  # text, original, tag, notes, rationale (+ audit)
    assert page.count(ESCAPED[1]) >= 5  # handle, place, translation, actor, rationale
    assert "<img src=x" not in page and "onerror=alert(1)>" not in page


# -- the PDF --------------------------------------------------------------------------------


def test_pdf_is_written_without_a_display_with_its_pictures(
    workspace: Workspace, sample: ExportSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    out = tmp_path / "report.pdf"

    result = write_pdf(sample, workspace, out)

    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert result.pages is not None and result.pages > 1
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= result.pages
    distinct_pictures = {
        e.picture for c in build_report(sample, workspace).claims() for e in c.media
    }
    assert None not in distinct_pictures
    assert data.count(b"/Subtype /Image") == len(distinct_pictures)  # each embedded once
    assert result.byte_size == len(data)


def _naskh_text_runs(pdf: report_pdf.FPDF) -> list[str]:
    """The text the Arabic font draws, page by page, in drawing order (left to right on
    the page), each glyph read back as the characters it stands for."""
    font = pdf.fonts[report_pdf.NASKH]
    glyph_of = {char_id: glyph for glyph, char_id in font.subset.items() if glyph}
    runs = []
    for page in pdf.pages.values():
        content = bytes(page.contents).decode("latin-1")
        current = None
        for match in re.finditer(r"/F(\d+) [\d.]+ Tf|\((?:\\.|[^\\)])*\) Tj", content, re.S):
            if match.group(1):
                current = int(match.group(1))
            elif current == font.i:
                raw = unescape(match.group(0)[1:-4]).encode("latin-1")
                ids = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                runs.append("".join(glyph_chars(glyph_of[i]) for i in ids if i in glyph_of))
    return runs


def test_pdf_arabic_is_joined_and_right_to_left(workspace: Workspace, sample: ExportSet) -> None:
    model = build_report(sample, workspace)
    pdf = report_pdf.layout(model, model.claims())

    glyphs = [g.glyph_name for g, _ in pdf.fonts[report_pdf.NASKH].subset.items() if g]
    # Joined letters are the contextual forms (initial, medial, final: U+FE70-U+FEFF);
    # without shaping only the isolated letters of the cmap (U+06xx) would be used.
    contextual = [name for name in glyphs if re.match(r"uniFE[7-9A-F][0-9A-F]", name)]
    assert len(contextual) >= 10
    runs = _naskh_text_runs(pdf)
    drawn = "".join(runs)
    # Drawn left to right on the page, a right-to-left word reads backwards.
    assert SARWAN[::-1] in drawn and SARWAN not in drawn


# -- progress, cancel, failures ------------------------------------------------------------


@pytest.mark.parametrize("writer", [write_html, write_pdf], ids=["html", "pdf"])
def test_progress_per_claim(
    workspace: Workspace, sample: ExportSet, tmp_path: Path, writer: report.Writer
) -> None:
    calls: list[tuple[int, int]] = []
    result = writer(sample, workspace, tmp_path / "out", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(n, 6) for n in range(1, 7)]
    assert not result.cancelled and result.claims == 6


@pytest.mark.parametrize("writer", [write_html, write_pdf], ids=["html", "pdf"])
def test_cancel_leaves_no_file(
    workspace: Workspace, sample: ExportSet, tmp_path: Path, writer: report.Writer
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    done: list[int] = []

    result = writer(
        sample,
        workspace,
        folder / "report",
        progress=lambda d, t: done.append(d),
        should_cancel=lambda: len(done) >= 2,
    )

    assert result.cancelled and result.path is None and result.claims == 2
    assert list(folder.iterdir()) == []


def test_cancel_keeps_an_earlier_report(
    workspace: Workspace, sample: ExportSet, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "report.html"
    out.write_text("the report of last week", encoding="utf-8")
    result = write_html(sample, workspace, out, should_cancel=lambda: True)
    assert result.cancelled and out.read_text(encoding="utf-8") == "the report of last week"
    assert [p.name for p in folder.iterdir()] == ["report.html"]


def test_a_missing_folder_is_named(workspace: Workspace, sample: ExportSet, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "report.pdf"
    with pytest.raises(WorkbenchError, match="nowhere"):
        write_pdf(sample, workspace, target)
