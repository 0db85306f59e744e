"""claim_search.posted_at on PostgreSQL: ids in posted order with no join to claims

Search as you type with a short prefix ("Sa") matches a third of a 100,000-claim
workspace; joining those matches back to ``claims`` for ``posted_at`` was half the time of
the statement (``workbench.claims.search.ClaimSearch.ids``). With each claim's ``posted_at`` kept
beside its document, a text-only search in posted order reads ``claim_search`` alone.

The claims trigger now also fires on ``posted_at`` and writes it. The rows already stored
are indexed again (as 0002 did) after a TRUNCATE rather than updated in place, so the table
is not left at twice its size in dead rows for a sequential scan to wade through.

SQLite: nothing (FTS5 search joins on the claims' rowid, which serves the order already).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FIELDS = "text, original_text, translation, notes, place_name, source_id"


def _claims_trigger(columns: str, values: str, updates: str, fields: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION claim_search_claims_trigger() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO claim_search ({columns}) VALUES ({values})
                ON CONFLICT (claim_id) DO UPDATE SET {updates};
            RETURN NULL;
        END $$""",
        "DROP TRIGGER claim_search_claims ON claims",
        f"""CREATE TRIGGER claim_search_claims AFTER INSERT OR UPDATE OF {fields}
        ON claims FOR EACH ROW EXECUTE FUNCTION claim_search_claims_trigger()""",
    ]


UP = [
    "ALTER TABLE claim_search ADD COLUMN posted_at timestamp with time zone",
    *_claims_trigger(
        "claim_id, posted_at, document",
        "NEW.id, NEW.posted_at, claim_search_document(NEW)",
        "posted_at = EXCLUDED.posted_at, document = EXCLUDED.document",
        f"{_FIELDS}, posted_at",
    ),
    "TRUNCATE claim_search",
    "INSERT INTO claim_search (claim_id, posted_at, document) "
    "SELECT c.id, c.posted_at, claim_search_document(c) FROM claims c",
]
DOWN = [
    *_claims_trigger(
        "claim_id, document",
        "NEW.id, claim_search_document(NEW)",
        "document = EXCLUDED.document",
        _FIELDS,
    ),
    "ALTER TABLE claim_search DROP COLUMN posted_at",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWN:
            op.execute(statement)
