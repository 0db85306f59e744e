"""The report as one self-contained HTML page: the model laid out by a Jinja2 template.

Autoescaping is on for the whole template, so every value the analyst or a source typed
reaches the page as text, never as markup; a Content-Security-Policy that allows no script
and no network load backs that up. Pictures are inlined as ``data:`` URIs and the styles
are in the page: it opens the same from a USB stick, an e-mail or an air-gapped laptop.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import jinja2

from workbench.exchange.report_model import (
    AUDIT_COLUMNS,
    HEADINGS,
    MANIFEST_COLUMNS,
    ClaimEntry,
    Report,
)

TEMPLATE = "report.html.j2"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,  # every .j2 value escaped, whatever the file name
    undefined=jinja2.StrictUndefined,  # a misspelt field fails the test, not the reader
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(report: Report, claims: Iterator[ClaimEntry], out: BinaryIO) -> None:
    """Stream the page to ``out``: claims are built, inlined and written one at a time."""
    pictures: dict[Path, str] = {}

    def data_uri(path: Path | None) -> str:
        """A thumbnail as a ``data:`` URI, each file read once however often it is shown."""
        if path is None:
            return ""
        if path not in pictures:
            pictures[path] = "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode(
                "ascii"
            )
        return pictures[path]

    template = _ENV.get_template(TEMPLATE)
    stream = template.generate(
        report=report,
        claims=claims,
        headings=HEADINGS,
        audit_columns=AUDIT_COLUMNS,
        manifest_columns=MANIFEST_COLUMNS,
        data_uri=data_uri,
    )
    for chunk in stream:
        out.write(chunk.encode("utf-8"))
