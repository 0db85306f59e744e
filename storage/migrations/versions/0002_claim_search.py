"""full-text search over claims

One search document per claim: text, original text, translation, notes, place name and
the source's handle and display name. Triggers keep it in step with ``claims`` and
``sources`` on both backends; rows already stored are indexed here.

SQLite: an FTS5 table ``claim_search(body)`` with the ``unicode61 remove_diacritics 2``
tokenizer (Arabic and accented Latin) and prefix indexes for search-as-you-type. Its rowid
is the claim's ``rowid``: a search returns integers the database joins on its primary
B-tree, and a trigger finds a claim's row directly. That rowid is stable: VACUUM keeps the
rowids of a table that has an index, and ``claims`` always has its primary key's
(``tests/workbench/claims/test_search.py`` checks search after deletes and a VACUUM).

PostgreSQL: a table ``claim_search(claim_id, document tsvector)`` with a GIN index, the
'simple' configuration (no stemming, any script) over ``claim_search_fold``, which
lowercases and strips Latin accents with ``translate`` (immutable, no extension needed).

None of this is in the models: autogenerate leaves it alone
(``storage.schema.include_in_autogenerate``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Latin letters with accents and their plain forms (PostgreSQL; FTS5 folds by itself).
_ACCENTED = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž"
_PLAIN = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz"
assert len(_ACCENTED) == len(_PLAIN)


def _sqlite_body(row: str) -> str:
    return (
        f"{row}.text || ' ' || {row}.original_text || ' ' || {row}.translation || ' ' || "
        f"{row}.notes || ' ' || {row}.place_name || ' ' || coalesce((SELECT s.handle || ' ' "
        f"|| s.display_name FROM sources s WHERE s.id = {row}.source_id), '')"
    )


_CLAIM_FIELDS = "text, original_text, translation, notes, place_name, source_id"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE claim_search USING fts5(body, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')",
    f"""CREATE TRIGGER claim_search_claims_insert AFTER INSERT ON claims BEGIN
        INSERT INTO claim_search (rowid, body) VALUES (new.rowid, {_sqlite_body("new")});
    END""",
    f"""CREATE TRIGGER claim_search_claims_update AFTER UPDATE OF {_CLAIM_FIELDS} ON claims
    BEGIN
        DELETE FROM claim_search WHERE rowid = old.rowid;
        INSERT INTO claim_search (rowid, body) VALUES (new.rowid, {_sqlite_body("new")});
    END""",
    f"""CREATE TRIGGER claim_search_claims_delete AFTER DELETE ON claims BEGIN
        DELETE FROM claim_search WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER claim_search_sources_update AFTER UPDATE OF handle, display_name
    ON sources BEGIN
        DELETE FROM claim_search
            WHERE rowid IN (SELECT rowid FROM claims WHERE source_id = new.id);
        INSERT INTO claim_search (rowid, body)
            SELECT c.rowid, {_sqlite_body("c")} FROM claims c WHERE c.source_id = new.id;
    END""",
    f"INSERT INTO claim_search (rowid, body) SELECT c.rowid, {_sqlite_body('c')} FROM claims c",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS claim_search_sources_update",
    "DROP TRIGGER IF EXISTS claim_search_claims_delete",
    "DROP TRIGGER IF EXISTS claim_search_claims_update",
    "DROP TRIGGER IF EXISTS claim_search_claims_insert",
    "DROP TABLE IF EXISTS claim_search",
]

POSTGRESQL_UP = [
    f"""CREATE FUNCTION claim_search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(lower(value), '{_ACCENTED}', '{_PLAIN}') $$""",
    """CREATE TABLE claim_search (
        claim_id uuid PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX claim_search_document ON claim_search USING gin (document)",
    """CREATE FUNCTION claim_search_document(c claims) RETURNS tsvector
    LANGUAGE sql STABLE
    AS $$ SELECT to_tsvector('simple', claim_search_fold(concat_ws(' ',
        c.text, c.original_text, c.translation, c.notes, c.place_name,
        (SELECT s.handle || ' ' || s.display_name FROM sources s WHERE s.id = c.source_id))))
    $$""",
    """CREATE FUNCTION claim_search_claims_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claim_search (claim_id, document)
            VALUES (NEW.id, claim_search_document(NEW))
            ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER claim_search_claims AFTER INSERT OR UPDATE OF {_CLAIM_FIELDS}
    ON claims FOR EACH ROW EXECUTE FUNCTION claim_search_claims_trigger()""",
    """CREATE FUNCTION claim_search_sources_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE claim_search cs SET document = claim_search_document(c)
            FROM claims c WHERE c.source_id = NEW.id AND cs.claim_id = c.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER claim_search_sources AFTER UPDATE OF handle, display_name
    ON sources FOR EACH ROW EXECUTE FUNCTION claim_search_sources_trigger()""",
    "INSERT INTO claim_search (claim_id, document) "
    "SELECT c.id, claim_search_document(c) FROM claims c",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS claim_search_sources ON sources",
    "DROP TRIGGER IF EXISTS claim_search_claims ON claims",
    "DROP FUNCTION IF EXISTS claim_search_sources_trigger()",
    "DROP FUNCTION IF EXISTS claim_search_claims_trigger()",
    "DROP TABLE IF EXISTS claim_search",
    "DROP FUNCTION IF EXISTS claim_search_document(claims)",
    "DROP FUNCTION IF EXISTS claim_search_fold(text)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    # Ids in posted order come from this index alone (a model index: autogenerate sees it).
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_posted_at_id", ["posted_at", "id"], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRESQL_UP)
    else:
        raise NotImplementedError(f"full-text search on {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRESQL_DOWN)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_posted_at_id")
