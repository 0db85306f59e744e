"""Finding claims fast: full text as the analyst types, filters, and light rows for a table.

The full-text index is the database's own (migration 0002): an FTS5 table on SQLite, a GIN
indexed ``tsvector`` table on PostgreSQL, each kept in step with ``claims`` and ``sources``
by triggers, so every write path (services, command line, another analyst on the team
server) updates it in the same transaction with nothing to call here.

``ClaimSearch.ids`` is one SQL statement returning ids as text (no ORM objects; on
PostgreSQL one comma-joined string, cheaper to fetch than 30,000 rows): the window keeps
the whole ordered list and asks ``rows`` only for what it shows. On PostgreSQL a search by
text alone reads ``claim_search`` only, which keeps each claim's ``posted_at`` beside its
document (migration 0005), so a two-letter prefix matching a third of the claims needs no
join back to ``claims`` to be ordered.

"Seen before" for a claim: one of its media is flagged ``seen_before`` (another stored
media has a pHash or dHash within the default distance; ingest and purge keep the flag
true, see ``workbench.library.ingest``). So the ``has_seen_before`` filter is one SQL condition
like the others and ``rows`` reads it in the same statement, with no index query and no
per-media work in Python, on the window's thread or anywhere else.
"""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    TextClause,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from storage.schema import (
    Case,
    Claim,
    ClaimActor,
    ClaimMedia,
    ClaimTag,
    Media,
    Source,
)
from workbench.base.errors import ValidationError
from workbench.claims import fields

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

TEXT_PREVIEW = 200
ORDER_COLUMNS = ("posted_at", "created_at", "updated_at", "status")

_claims = Claim.__table__
_sources = Source.__table__
_cases = Case.__table__
_links = ClaimMedia.__table__
_media = Media.__table__
#: PostgreSQL's search index (0002) with each claim's posted_at beside it (0005)
_search = table("claim_search", column("claim_id"), column("posted_at"))


@dataclasses.dataclass(frozen=True)
class ClaimQuery:
    """What the analyst asks for; every condition given must hold (AND).

    ``text`` matches words of the claim's text, original text, translation, notes, place
    and source handle or name, whatever the case or Latin accents; the last word is a
    prefix unless the text ends with a space (search as you type). ``posted_from`` is
    inclusive, ``posted_to`` exclusive; both must be timezone-aware. ``area`` is the map's
    visible area as (south, west, north, east) in degrees, west greater than east when it
    crosses the antimeridian: only claims with coordinates inside it.
    """

    text: str = ""
    status: str | None = None
    source_id: str | None = None
    actor: str | None = None
    case_id: str | None = None
    tag: str | None = None
    posted_from: datetime | None = None
    posted_to: datetime | None = None
    has_seen_before: bool | None = None
    area: tuple[float, float, float, float] | None = None


@dataclasses.dataclass(frozen=True)
class Plotted:
    """The claims of a query as the timeline and the map draw them, one list a column
    (10,000 claims in one statement, no ORM objects). Times are UTC seconds since the
    epoch, NaN when unknown; coordinates NaN when the claim has none."""

    ids: list[str]
    status: list[str]
    posted: list[float]
    observed: list[float]
    latitude: list[float]
    longitude: list[float]
    precision: list[str]  # "" without coordinates, "unknown" when not said


@dataclasses.dataclass(frozen=True)
class ClaimRow:
    """One line of the claims table."""

    id: str
    status: str
    posted_at: datetime | None
    source: str  # "@handle (platform)", "" without a source
    reliability: str  # the source's grade A-F, "" without a source
    text: str  # the first TEXT_PREVIEW characters, on one line
    media_count: int
    seen_before: bool
    case_name: str | None


@dataclasses.dataclass(frozen=True)
class Facets:
    """The values the filter pickers offer: (id, label) pairs for sources and cases."""

    sources: tuple[tuple[str, str], ...]
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    cases: tuple[tuple[str, str], ...]
    statuses: tuple[str, ...] = fields.STATUSES


def words(value: str) -> list[str]:
    """The words of ``value`` as the indexes cut them: runs of letters, digits and marks."""
    out: list[str] = []
    current: list[str] = []
    for ch in value:
        if unicodedata.category(ch)[0] in "LNM":
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def source_label(handle: str | None, platform: str | None) -> str:
    if not handle:
        return ""
    label = handle if handle.startswith("@") else f"@{handle}"
    return f"{label} ({platform})" if platform else label


def _uuid(field: str, value: str | uuid.UUID) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(field, f"{value!r} is not an id") from None


def _seen_claim_ids() -> Select[Any]:
    """Claims with a media flagged seen before (``Media.seen_before``, kept by ingest)."""
    return (
        select(_links.c.claim_id)
        .select_from(_links.join(_media, _media.c.id == _links.c.media_id))
        .where(_media.c.seen_before)
    )


def _inside(area: tuple[float, float, float, float]) -> ColumnElement[bool]:
    try:
        south, west, north, east = (float(v) for v in area)
    except (TypeError, ValueError):
        raise ValidationError("area", "must be four numbers: south, west, north, east") from None
    if not -90 <= south <= north <= 90 or not (-180 <= west <= 180 and -180 <= east <= 180):
        raise ValidationError("area", f"{area!r} is not an area of the map")
    lat, lon = _claims.c.latitude, _claims.c.longitude
    across = (lon >= west) | (lon <= east) if west > east else lon.between(west, east)
    return lat.between(south, north) & across


def _aware(field: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationError(field, "give a time zone")
    return value


class ClaimSearch:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace
        self._dialect = workspace.db.dialect

    # -- the query -------------------------------------------------------------------------

    def ids(self, query: ClaimQuery, order: str = "posted_at desc") -> list[str]:
        """Ids of every claim matching ``query``, in ``order`` ("COLUMN asc|desc", the
        column one of ``ORDER_COLUMNS``; claims without a value come last)."""
        stmt = self._searched(query, order)
        if stmt is None:
            stmt = self._filtered(self._listed(_claims.c.id, self._order(order)), query)
        with self._ws.db.engine.connect() as conn:
            result = conn.execute(stmt)
            if self._dialect == "sqlite":
                # Straight from the driver's cursor: plain text, no SQLAlchemy row per id
                # (for 33,551 ids, half the time of reading them through ``scalars``).
                with result:
                    return self._dashed(row[0] for row in result.cursor.fetchall())
            joined = result.scalar()
        return joined.split(",") if joined else []

    def _listed(self, key: Any, order_by: list[Any]) -> Select[Any]:
        """The ids of ``key`` in ``order_by``: rows of text on SQLite (read from the
        driver's cursor); on PostgreSQL one comma-separated string ordered by the aggregate,
        split here (for 33,551 ids, half the time of reading them as rows through
        SQLAlchemy)."""
        if self._dialect == "sqlite":
            return select(self._id(key)).order_by(*order_by)
        ordered: aggregate_order_by[Any] = aggregate_order_by(literal_column("','"), *order_by)
        return select(func.string_agg(self._id(key), ordered))

    def _filtered(self, stmt: Select[Any], query: ClaimQuery) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = []
        terms = words(query.text)
        if terms:
            conditions.append(self._matching(terms, query.text[-1:].isspace()))
        if query.status:
            conditions.append(_claims.c.status == fields.status(query.status))
        if query.source_id:
            conditions.append(_claims.c.source_id == _uuid("source", query.source_id))
        if query.case_id:
            conditions.append(_claims.c.case_id == _uuid("case", query.case_id))
        if query.actor:
            actors = select(ClaimActor.claim_id).where(ClaimActor.name == query.actor)
            conditions.append(_claims.c.id.in_(actors))
        if query.tag:
            tags = select(ClaimTag.claim_id).where(ClaimTag.tag == query.tag)
            conditions.append(_claims.c.id.in_(tags))
        if _aware("posted_from", query.posted_from) is not None:
            conditions.append(_claims.c.posted_at >= query.posted_from)
        if _aware("posted_to", query.posted_to) is not None:
            conditions.append(_claims.c.posted_at < query.posted_to)
        if query.has_seen_before is not None:
            seen = _claims.c.id.in_(_seen_claim_ids())
            conditions.append(seen if query.has_seen_before else ~seen)
        if query.area is not None:
            conditions.append(_inside(query.area))
        return stmt.select_from(_claims).where(*conditions)

    def _searched(self, query: ClaimQuery, order: str) -> Select[Any] | None:
        """On PostgreSQL, text and no other condition in posted order: the statement on
        ``claim_search`` alone, which keeps each claim's ``posted_at`` (0005). A short
        prefix ("Sa") matches a third of the claims, and joining those back to ``claims``
        for the order was half the time of the keystroke."""
        terms = words(query.text)
        others = dataclasses.astuple(dataclasses.replace(query, text=""))
        if (
            self._dialect != "postgresql"
            or not terms
            or any(value not in (None, "") for value in others)
            or order.split()[:1] != ["posted_at"]
        ):
            return None
        by = self._order(order, _search.c.posted_at, _search.c.claim_id)
        match = self._document_matches(terms, query.text[-1:].isspace())
        return self._listed(_search.c.claim_id, by).select_from(_search).where(match)

    def _document_matches(self, terms: list[str], complete: bool) -> TextClause:
        """PostgreSQL: the ``claim_search`` document holds every term (the last a prefix)."""
        tsquery = " & ".join(f"'{t}'" for t in terms) + ("" if complete else ":*")
        return text(
            "claim_search.document @@ to_tsquery('simple', claim_search_fold(:fts))"
        ).bindparams(fts=tsquery)

    def _matching(self, terms: list[str], complete: bool) -> ColumnElement[bool]:
        """Claims whose search document holds every term (the last as a prefix)."""
        if self._dialect == "sqlite":
            search = table("claim_search")
            # Quoted: FTS5 reads each word as a phrase (never as an operator like NOT).
            phrase = " ".join(f'"{t}"' for t in terms) + ("" if complete else "*")
            match = text("claim_search MATCH :fts").bindparams(fts=f"body : ({phrase})")
            rowids: Select[Any] = (
                select(literal_column("claim_search.rowid")).select_from(search).where(match)
            )
            return literal_column("claims.rowid").in_(rowids)  # the FTS rowid is the claim's
        ids: Select[Any] = (
            select(_search.c.claim_id)
            .select_from(_search)
            .where(self._document_matches(terms, complete))
        )
        return _claims.c.id.in_(ids)

    def _order(self, order: str, posted: Any = None, tie: Any = None) -> list[Any]:
        """ORDER BY terms for ``order`` on ``claims`` (or on ``posted`` and ``tie``)."""
        parts = order.split()
        column = parts[0] if parts else ""
        direction = parts[1].lower() if len(parts) > 1 else "asc"
        if column not in ORDER_COLUMNS or direction not in ("asc", "desc") or len(parts) > 2:
            raise ValidationError("order", f"{order!r}: give one of {ORDER_COLUMNS} asc|desc")
        col = _claims.c[column] if posted is None else posted
        tie = _claims.c.id if tie is None else tie
        if direction == "asc":
            return [col.asc().nulls_last(), tie.asc()]
        if self._dialect == "sqlite":  # NULL sorts first there: DESC puts it last already,
            return [col.desc(), tie.desc()]  # and ix_claims_posted_at_id serves the order
        return [col.desc().nulls_last(), tie.desc()]

    def _id(self, column: Any) -> ColumnElement[str]:
        """A UUID column as text, with no UUID object per row: 32 hex digits on SQLite
        (see ``_dashed``), the canonical form on PostgreSQL."""
        if self._dialect == "sqlite":
            return type_coerce(column, String)
        return cast(column, Text)

    def _dashed(self, ids: Iterable[str]) -> list[str]:
        """Ids from ``_id`` as ``str(uuid.UUID)`` gives them (cheaper here than in SQL)."""
        if self._dialect != "sqlite":
            return list(ids)
        return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in ids]

    def _one(self, value: str) -> str:
        return self._dashed((value,))[0]

    # -- the timeline and the map ---------------------------------------------------------

    def plotted(self, query: ClaimQuery) -> Plotted:
        """The claims matching ``query`` with their times, place and verdict."""
        stmt = self._filtered(
            select(
                self._id(_claims.c.id),
                _claims.c.status,
                _claims.c.posted_at,
                _claims.c.observed_at,
                _claims.c.latitude,
                _claims.c.longitude,
                _claims.c.location_precision,
            ),
            query,
        )
        with self._ws.db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        nan = float("nan")

        def seconds(value: datetime | None) -> float:
            if value is None:
                return nan
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()

        placed = [r[4] is not None and r[5] is not None for r in rows]
        return Plotted(
            ids=self._dashed(r[0] for r in rows),
            status=[r[1] for r in rows],
            posted=[seconds(r[2]) for r in rows],
            observed=[seconds(r[3]) for r in rows],
            latitude=[float(r[4]) if p else nan for r, p in zip(rows, placed, strict=True)],
            longitude=[float(r[5]) if p else nan for r, p in zip(rows, placed, strict=True)],
            precision=[(r[6] or "unknown") if p else "" for r, p in zip(rows, placed, strict=True)],
        )

    # -- rows for the table ----------------------------------------------------------------

    def rows(self, ids: Sequence[str]) -> list[ClaimRow]:
        """Table rows for ``ids``, in that order (ids no longer stored are left out)."""
        if not ids:
            return []
        keys = [_uuid("claim", i) for i in ids]
        stmt = (
            select(
                self._id(_claims.c.id),
                _claims.c.status,
                _claims.c.posted_at,
                _sources.c.handle,
                _sources.c.platform,
                _sources.c.reliability,
                func.substr(_claims.c.text, 1, TEXT_PREVIEW),
                _cases.c.name,
                select(func.count()).where(_links.c.claim_id == _claims.c.id).scalar_subquery(),
                _seen_claim_ids().where(_links.c.claim_id == _claims.c.id).exists(),
            )
            .select_from(
                _claims.outerjoin(_sources, _sources.c.id == _claims.c.source_id).outerjoin(
                    _cases, _cases.c.id == _claims.c.case_id
                )
            )
            .where(_claims.c.id.in_(keys))
        )
        with self._ws.db.engine.connect() as conn:
            found = {self._one(r[0]): r for r in conn.execute(stmt)}
        rows = []
        for claim_id in (str(k) for k in keys):
            r = found.get(claim_id)
            if r is None:
                continue
            rows.append(
                ClaimRow(
                    id=claim_id,
                    status=r[1],
                    posted_at=r[2],
                    source=source_label(r[3], r[4]),
                    reliability=r[5] or "",
                    text=" ".join((r[6] or "").split()),
                    media_count=int(r[8]),
                    seen_before=bool(r[9]),
                    case_name=r[7],
                )
            )
        return rows

    # -- filter pickers --------------------------------------------------------------------

    def facets(self) -> Facets:
        with self._ws.db.engine.connect() as conn:
            sources = conn.execute(
                select(self._id(_sources.c.id), _sources.c.handle, _sources.c.platform).order_by(
                    func.lower(_sources.c.handle), _sources.c.platform
                )
            ).all()
            actors = conn.execute(
                select(ClaimActor.name).distinct().order_by(ClaimActor.name)
            ).scalars()
            tags = conn.execute(select(ClaimTag.tag).distinct().order_by(ClaimTag.tag)).scalars()
            cases = conn.execute(
                select(self._id(_cases.c.id), _cases.c.name).order_by(_cases.c.name)
            ).all()
            return Facets(
                sources=tuple((self._one(r[0]), source_label(r[1], r[2])) for r in sources),
                actors=tuple(actors),
                tags=tuple(tags),
                cases=tuple((self._one(r[0]), r[1]) for r in cases),
            )
