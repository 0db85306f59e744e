"""The workspace's tables, as SQLAlchemy 2 declarative models.

These classes never leave the data layer: services in ``workbench/`` turn them into plain
dataclasses before anything above sees them. The Alembic migrations under
``storage/migrations`` create exactly this schema (a test compares the two).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    Uuid,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC on every backend.

    SQLite has no time zone type, so values are stored as naive UTC there and come back
    with ``tzinfo=UTC``; PostgreSQL keeps ``timestamptz``. Naive input is refused: every
    time the workbench stores must say which zone it was in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("reliability IN ('A','B','C','D','E','F')", name="reliability"),
        Index("ix_sources_platform_handle", "platform", "handle", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    platform: Mapped[str] = mapped_column(String(40), default="")
    handle: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    reliability: Mapped[str] = mapped_column(String(1), default="F")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint("status IN ('unconfirmed','confirmed','refuted')", name="status"),
        CheckConstraint("credibility IS NULL OR credibility BETWEEN 1 AND 6", name="credibility"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude"),
        CheckConstraint(
            "location_precision IN ('','exact','vicinity','locality','unknown')",
            name="location_precision",
        ),
        # Search lists every matching id newest first: read from this index alone (0002).
        Index("ix_claims_posted_at_id", "posted_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    #: A short summary, what a published review names the claim by (0010).
    summary: Mapped[str] = mapped_column(String(200), default="", server_default="")
    original_text: Mapped[str] = mapped_column(Text, default="")
    original_language: Mapped[str] = mapped_column(String(16), default="")
    translation: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    post_url: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime | None] = mapped_column(index=True)
    observed_at: Mapped[datetime | None]
    place_name: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: exact, vicinity, locality or unknown; "" when not said (0017)
    location_precision: Mapped[str] = mapped_column(String(12), default="", server_default="")
    status: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    credibility: Mapped[int | None] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    actors: Mapped[list[ClaimActor]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimActor.position", lazy="selectin"
    )
    tags: Mapped[list[ClaimTag]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimTag.position", lazy="selectin"
    )
    links: Mapped[list[ClaimMedia]] = relationship(
        cascade="all, delete-orphan", back_populates="claim"
    )

    # Optimistic locking: an UPDATE whose version no longer matches raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class ClaimActor(Base):
    __tablename__ = "claim_actors"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ClaimTag(Base):
    __tablename__ = "claim_tags"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


#: The MediaReview categories a finding may be (``workbench.claims.findings`` names them).
FINDINGS = (
    "OriginalMediaContent",
    "DecontextualizedContent",
    "EditedOrCroppedContent",
    "TransformedContent",
    "StagedContent",
    "SatireOrParodyContent",
)
_FINDINGS = ",".join(f"'{f}'" for f in FINDINGS)


class Media(Base):
    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint("kind IN ('image','video')", name="kind"),
        CheckConstraint(f"finding IS NULL OR finding IN ({_FINDINGS})", name="finding"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    mime: Mapped[str] = mapped_column(String(100))
    byte_size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(Text, default="")
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    acquired_from: Mapped[str] = mapped_column(Text, default="")
    acquired_by: Mapped[str] = mapped_column(String(100), default="")
    exif: Mapped[dict[str, Any]] = mapped_column(default=dict)
    capture_time: Mapped[str | None] = mapped_column(String(40))
    camera_make: Mapped[str | None] = mapped_column(String(100))
    camera_model: Mapped[str | None] = mapped_column(String(100))
    gps_latitude: Mapped[float | None] = mapped_column(Float)
    gps_longitude: Mapped[float | None] = mapped_column(Float)
    orientation: Mapped[int | None] = mapped_column(Integer)
    software: Mapped[str | None] = mapped_column(String(200))
    #: Another stored media is within ``workbench.matching.index.DEFAULT_MAX_DISTANCE`` (pHash or
    #: dHash): stored, kept true by ingest and purge (``workbench.library.ingest``), so the claims
    #: filter is one indexed SQL condition instead of an index query per media (0003).
    seen_before: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )

    #: Too flat to tell apart (blank, dark, one colour, text only): kept out of matching,
    #: so it has no hashes (0006).
    low_information: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    #: The desk's finding on the file (0013): a schema.org MediaReview category
    #: (``workbench.claims.findings.CATEGORIES``), a note, who set it and when; None: no finding.
    finding: Mapped[str | None] = mapped_column(String(40))
    finding_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    finding_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    finding_at: Mapped[datetime | None]

    hashes: Mapped[list[MediaHash]] = relationship(
        cascade="all, delete-orphan", back_populates="media"
    )
    features: Mapped[MediaFeatures | None] = relationship(
        cascade="all, delete-orphan", back_populates="media"
    )
    frame_features: Mapped[list[FrameFeatures]] = relationship(
        cascade="all, delete-orphan", back_populates="media"
    )
    links: Mapped[list[ClaimMedia]] = relationship(back_populates="media")


class MediaHash(Base):
    """One perceptual hash of a view of a picture, or of a sampled video frame.

    ``value`` holds the 64-bit hash as a signed BIGINT (both SQLite and PostgreSQL store
    signed 64-bit integers); ``workbench.matching.index`` converts to and from unsigned.
    """

    __tablename__ = "media_hashes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    media_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), index=True
    )
    algorithm: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(BigInteger)
    t_ms: Mapped[int | None] = mapped_column(BigInteger)
    #: Which view of the picture was hashed: "whole", "mirrored", "cropped", "region"...
    #: (``workbench.matching.hashing.VIEW_KINDS``; 0006).
    view: Mapped[str] = mapped_column(String(16), default="whole", server_default="whole")

    media: Mapped[Media] = relationship(back_populates="hashes")


class MediaFeatures(Base):
    """A picture's local features (``workbench.matching.local``; 0009): its SIFT keypoints
    and descriptors in their compact form (``data``, about 40 KB), and its visual words
    (``words``: distinct ``uint16`` codes into the shipped vocabulary, about 0.5 KB), which
    is all that opening a workspace reads. ``version`` is the extraction's format: rows of
    another are computed again by ``workbench reindex``. A picture whose features could not
    be computed has a row with ``points`` 0 and empty data, so it is not retried forever."""

    __tablename__ = "media_features"

    media_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    words: Mapped[bytes] = mapped_column(LargeBinary)

    media: Mapped[Media] = relationship(back_populates="features")


class FrameFeatures(Base):
    """A video frame's local features (0011), as ``MediaFeatures`` keeps a picture's: the
    frames ``workbench.matching.video_frames`` picks (the first, each scene cut, one every two
    seconds of a shot), at ``t_ms`` from the video's start. A video whose frames are done
    has its own ``MediaFeatures`` row with ``points`` 0 (so the pass does not take it
    again), whatever its frames gave."""

    __tablename__ = "frame_features"

    media_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), primary_key=True
    )
    t_ms: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    words: Mapped[bytes] = mapped_column(LargeBinary)

    media: Mapped[Media] = relationship(back_populates="frame_features")


class ClaimMedia(Base):
    __tablename__ = "claim_media"
    __table_args__ = (
        CheckConstraint("role IN ('claim_media','evidence','counter_evidence')", name="role"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="claim_media")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100), default="")

    claim: Mapped[Claim] = relationship(back_populates="links")
    media: Mapped[Media] = relationship(back_populates="links")


class ClaimRelation(Base):
    """One claim's relation to another (0012). A pair of claims has at most one, whichever
    way round (``workbench.claims.relations`` keeps it so); ``duplicate_of`` reads from
    ``claim_id`` to ``other_id``, the other kinds either way."""

    __tablename__ = "claim_relations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('corroborates','contradicts','same_event','duplicate_of')", name="kind"
        ),
        CheckConstraint("claim_id <> other_id", name="not_self"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")


class ClaimCheck(Base):
    """One step of a claim's verification checklist, as set (0014); a step with no row is
    not done yet (``workbench.claims.checklist``)."""

    __tablename__ = "claim_checks"
    __table_args__ = (
        CheckConstraint("state IN ('done','not_done','not_applicable')", name="state"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[str] = mapped_column(String(100), default="")
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """A named event that claims report on (0015): a place, a time span, its actors."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    actors: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EventClaim(Base):
    """A claim grouped under an event (0015)."""

    __tablename__ = "event_claims"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    claim_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100), default="")


class HashList(Base):
    """A known-fakes list taken in from another desk (0016): kept apart from the library."""

    __tablename__ = "hash_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    desk: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text, default="")  # the file it came from
    entries: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100), default="")


class HashListEntry(Base):
    """One hash of a known-fakes list (0016); ``item`` numbers the listed pictures and
    video frames within the list (a picture's pHash and dHash share it)."""

    __tablename__ = "hash_list_entries"
    #: A hit names a listed item: its words are read by (list, item).
    __table_args__ = (Index("ix_hash_list_entries_list_item", "list_id", "item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_lists.id", ondelete="CASCADE"))
    item: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(16))
    value: Mapped[int] = mapped_column(BigInteger)  # signed, as media_hashes keeps them
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text, default="")
    desk: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[str] = mapped_column(String(40), default="")
    verdict: Mapped[str] = mapped_column(String(40), default="")


class SavedFilter(Base):
    """A claims query kept under a name, shared by everyone using the workspace (0004)."""

    __tablename__ = "saved_filters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)  # JSON (``workbench.claims.saved_filters``)
    analyst: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkspaceInfo(Base):
    """Facts about the workspace itself, one row each; ``workspace_id`` is written once by
    migration 0007 (a bag names the workspace it came from)."""

    __tablename__ = "workspace_info"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only: the domain only ever inserts here (see ``workbench.claims.audit``).

    Hash-chained (0008): ``entry_hash`` is the SHA-256 of the entry's content and
    ``prev_hash``, the ``entry_hash`` of the entry before it (``workbench.claims.audit`` says what
    is hashed); ``workspace_info`` row ``audit_head`` holds the newest hash and the count.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))


# -- full-text search: objects the migrations own and the models do not -------------------

#: Migration 0002 creates the search index by hand, per backend: on SQLite an FTS5 table
#: ``claim_search`` (plus the ``claim_search_*`` tables FTS5 keeps behind it), on PostgreSQL
#: a table ``claim_search`` with a GIN index; triggers keep both in step with ``claims``
#: and ``sources``. They are not models: nothing reads them through the ORM.
SEARCH_TABLE = "claim_search"


def is_search_object(table_name: str | None) -> bool:
    """True for the search index's tables (for autogenerate and for tools listing tables)."""
    return bool(table_name) and (
        table_name == SEARCH_TABLE or str(table_name).startswith(SEARCH_TABLE + "_")
    )


def include_in_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object``: autogenerate leaves the search index alone (it is not
    in the models and would be proposed for dropping). Given in ``env.py`` and wherever a
    test compares the migrations with the models."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not is_search_object(table)
