"""Saved filters: a claims query kept under a name, in the workspace's own database.

In the database rather than the analyst's settings file, so they travel with the workspace
and everyone on a team server sees the same list. The query is stored as JSON text that
any version of the workbench can read: keys it does not know are ignored and keys missing
take their default, so an older and a newer workbench share one list.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, get_args, get_type_hints

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.schema import SavedFilter as SavedFilterRow
from storage.schema import utcnow
from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims import fields
from workbench.claims.search import ClaimQuery
from workbench.claims.views import to_jsonable

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

#: The query's fields that hold times (ISO 8601 with their offset in the JSON).
_TIME_FIELDS = frozenset(
    name for name, hint in get_type_hints(ClaimQuery).items() if datetime in get_args(hint)
)
_QUERY_FIELDS = frozenset(f.name for f in dataclasses.fields(ClaimQuery))


@dataclasses.dataclass(frozen=True)
class SavedFilter:
    id: str
    name: str
    query: ClaimQuery
    analyst: str  # who saved it last
    created_at: datetime  # when it was saved last


def query_to_json(query: ClaimQuery) -> str:
    return json.dumps(to_jsonable(query), ensure_ascii=False, sort_keys=True)


def query_from_json(raw: str) -> ClaimQuery:
    """The query saved as ``raw``; keys this version does not know are ignored."""
    try:
        stored = json.loads(raw)
    except ValueError:
        stored = None
    if not isinstance(stored, dict):
        raise ValidationError("query", "is not a saved claims query")
    values: dict[str, Any] = {k: v for k, v in stored.items() if k in _QUERY_FIELDS}
    for name in _TIME_FIELDS & values.keys():
        values[name] = fields.instant(name, values[name])
    area = values.get("area")
    if area is not None:
        if not isinstance(area, list) or len(area) != 4:
            raise ValidationError("area", "must be four numbers: south, west, north, east")
        values["area"] = tuple(area)
    return ClaimQuery(**values)


def _view(row: SavedFilterRow) -> SavedFilter:
    return SavedFilter(
        id=str(row.id),
        name=row.name,
        query=query_from_json(row.query),
        analyst=row.analyst,
        created_at=row.created_at,
    )


class SavedFilterService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    def list(self) -> list[SavedFilter]:
        """Every saved filter, by name whatever the case."""
        with self._ws.db.read() as session:
            found = [_view(row) for row in session.scalars(select(SavedFilterRow))]
        return sorted(found, key=lambda f: (f.name.casefold(), f.name))

    def save(self, name: str, query: ClaimQuery) -> SavedFilter:
        """Keep ``query`` as ``name``; a filter already of that name is overwritten (same
        id, now saved by this analyst), so saving under a name in the list updates it."""
        name = _name(name)
        try:
            return self._save(name, query)
        except IntegrityError:  # another analyst saved that name since we looked: overwrite
            return self._save(name, query)

    def rename(self, filter_id: str, name: str) -> SavedFilter:
        name = _name(name)
        try:
            with self._ws.db.transaction() as session:
                row = self._load(session, filter_id)
                row.name = name
                session.flush()  # the unique name is checked here
                return _view(row)
        except IntegrityError:
            raise ValidationError("name", f"{name!r} is already a saved filter") from None

    def delete(self, filter_id: str) -> None:
        with self._ws.db.transaction() as session:
            session.delete(self._load(session, filter_id))

    def _save(self, name: str, query: ClaimQuery) -> SavedFilter:
        with self._ws.db.transaction() as session:
            row = session.scalar(select(SavedFilterRow).where(SavedFilterRow.name == name))
            if row is None:
                row = SavedFilterRow(id=uuid.uuid4(), name=name)
                session.add(row)
            row.query = query_to_json(query)
            row.analyst = self._ws.analyst
            row.created_at = utcnow()
            session.flush()
            return _view(row)

    @staticmethod
    def _load(session: Session, filter_id: str) -> SavedFilterRow:
        try:
            row = session.get(SavedFilterRow, uuid.UUID(str(filter_id)))
        except ValueError:
            row = None
        if row is None:
            raise NotFoundError(f"no saved filter with id {filter_id}")
        return row


def _name(name: str) -> str:
    return fields.text("name", name, required=True, max_len=200)
