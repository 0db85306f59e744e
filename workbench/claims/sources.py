"""Sources (who said it, and how reliable they have been) and cases (groups of claims)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import Case, Source
from workbench.claims import audit, fields
from workbench.claims.views import CaseView, SourceView


def source_view(source: Source) -> SourceView:
    return SourceView(
        id=str(source.id),
        platform=source.platform,
        handle=source.handle,
        display_name=source.display_name,
        url=source.url,
        affiliation=source.affiliation,
        reliability=source.reliability,
        notes=source.notes,
    )


def case_view(case: Case) -> CaseView:
    return CaseView(str(case.id), case.name, case.description, case.created_at)


def parse_source_spec(spec: str) -> tuple[str, str]:
    """``"telegram:@group"`` -> ("telegram", "@group"); a bare handle has no platform."""
    platform, sep, handle = spec.partition(":")
    if sep and handle and "/" not in platform:
        return platform.strip().lower(), handle.strip()
    return "", spec.strip()


def find_or_create_source(
    session: Session,
    actor: str,
    platform: str,
    handle: str,
    *,
    display_name: str = "",
    url: str = "",
    affiliation: str = "",
    reliability: str | None = None,
) -> Source:
    """The source with this platform and handle, created (and audited) if new."""
    platform = fields.text("source platform", platform, max_len=40).lower()
    handle = fields.text("source handle", handle, required=True, max_len=200)
    existing = session.scalar(
        select(Source).where(Source.platform == platform, Source.handle == handle)
    )
    if existing is not None:
        if reliability is not None and fields.reliability(reliability) != existing.reliability:
            grade = fields.reliability(reliability)
            audit.record(
                session,
                actor,
                "source",
                existing.id,
                "update",
                {"reliability": (existing.reliability, grade)},
            )
            existing.reliability = grade
        return existing
    source = Source(
        id=uuid.uuid4(),
        platform=platform,
        handle=handle,
        display_name=fields.text("source display name", display_name, max_len=200),
        url=fields.url("source url", url),
        affiliation=fields.text("source affiliation", affiliation, max_len=200),
        reliability=fields.reliability(reliability),
    )
    session.add(source)
    session.flush()  # claims refer to it by id: it must exist before they are inserted
    audit.record(
        session,
        actor,
        "source",
        source.id,
        "create",
        {
            "platform": (None, platform),
            "handle": (None, handle),
            "reliability": (None, source.reliability),
        },
    )
    return source


def find_or_create_case(session: Session, actor: str, name: str) -> Case:
    name = fields.text("case", name, required=True, max_len=200)
    existing = session.scalar(select(Case).where(Case.name == name))
    if existing is not None:
        return existing
    case = Case(id=uuid.uuid4(), name=name, description="")
    session.add(case)
    session.flush()
    audit.record(session, actor, "case", case.id, "create", {"name": (None, name)})
    return case
