"""The append-only audit trail: every change to a claim, source, case or media.

Only ``record`` writes; nothing in the domain updates or deletes an entry. Entries are
written in the same transaction as the change they describe, so one never exists without
the other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import AuditEntry
from workbench.views import AuditView, to_jsonable


def record(
    session: Session,
    actor: str,
    entity_type: str,
    entity_id: object,
    action: str,
    changes: dict[str, tuple[Any, Any]] | dict[str, Any],
) -> None:
    """Append one entry; ``changes`` maps a field to ``(before, after)``."""
    session.add(
        AuditEntry(
            actor=actor,
            entity_type=entity_type,
            entity_id=str(entity_id),
            action=action,
            changes=to_jsonable(changes),
        )
    )


def history(session: Session, entity_id: object | None = None) -> list[AuditView]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    return [
        AuditView(e.id, e.at, e.actor, e.entity_type, e.entity_id, e.action, dict(e.changes))
        for e in session.scalars(query)
    ]
