"""Claim search, on SQLite (FTS5) and PostgreSQL (tsvector): text as typed, filters, rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.base.errors import ValidationError
from workbench.claims.search import ClaimQuery, ClaimSearch, words
from workbench.claims.views import ClaimView
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass
class Claims:
    sarwan: ClaimView
    aleppo: ClaimView
    cafe: ClaimView
    bare: ClaimView


@pytest.fixture
def claims(workspace: Workspace) -> Claims:
    c = workspace.claims
    sarwan = c.create(
        "IS fighters hold checkpoint in Sarwan",
        case="Northern Aleppo 2015",
        source=("telegram", "@group_feed"),
        source_reliability="D",
        original_text="مقاتلو الدولة الإسلامية يسيطرون على حاجز في صوران",
        original_language="ar",
        posted_at="2015-06-01T14:30:00+03:00",
        place_name="Sarwan",
        actors=["IS", "Jaysh al-Fatah"],
        tags=["checkpoint", "flag burning"],
    )
    aleppo = c.create(
        "Shelling reported near the citadel",
        case="Northern Aleppo 2015",
        source=("twitter", "@aleppo_watch"),
        source_reliability="B",
        posted_at="2015-06-03T08:00:00Z",
        place_name="Aleppo",
        actors=["SAA"],
        tags=["shelling"],
        notes="video shows smoke over the old city",
    )
    cafe = c.create(
        "Protest outside the Café de São Paulo",
        source=("twitter", "@aleppo_watch"),
        posted_at="2016-01-10T12:00:00Z",
        translation="Manifestação em frente ao café",
        actors=["IS"],
        tags=["protest"],
    )
    bare = c.create("A claim with no date and no source")
    c.set_status(aleppo.id, "confirmed", "geolocated by two analysts")
    return Claims(sarwan, aleppo, cafe, bare)


def find(workspace: Workspace, **conditions: object) -> list[str]:
    return ClaimSearch(workspace).ids(ClaimQuery(**conditions))  # type: ignore[arg-type]


def test_words_cut_like_the_indexes() -> None:
    assert words("al-Sarwan, 2015!") == ["al", "Sarwan", "2015"]
    assert words("  حاجز في صوران ") == ["حاجز", "في", "صوران"]
    assert words('NOT "x" OR *') == ["NOT", "x", "OR"]


@pytest.mark.parametrize("typed", ["S", "Sa", "Sar", "Sarw", "Sarwa", "Sarwan", "sarWAN"])
def test_search_as_you_type_matches_the_last_word_as_a_prefix(
    workspace: Workspace, claims: Claims, typed: str
) -> None:
    found = find(workspace, text=typed)
    assert claims.sarwan.id in found
    if len(typed) > 1:
        assert claims.aleppo.id not in found  # "Shelling" and "smoke" only match "S"


def test_a_finished_word_is_not_a_prefix(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text="Sarw ") == []
    assert find(workspace, text="Sarwan ") == [claims.sarwan.id]


def test_every_word_must_match(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text="checkpoint Sarw") == [claims.sarwan.id]
    assert find(workspace, text="checkpoint citadel") == []


def test_arabic_words_are_found(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text="صوران") == [claims.sarwan.id]
    assert find(workspace, text="حاج") == [claims.sarwan.id]  # prefix, as typed
    assert find(workspace, text="الدولة الإسلامية") == [claims.sarwan.id]


def test_latin_accents_and_case_do_not_matter(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text="cafe") == [claims.cafe.id]
    assert find(workspace, text="SAO PAULO") == [claims.cafe.id]
    assert find(workspace, text="São") == [claims.cafe.id]
    assert find(workspace, text="manifestacao") == [claims.cafe.id]  # the translation


def test_notes_place_and_source_are_searched(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text="smoke") == [claims.aleppo.id]  # notes
    assert set(find(workspace, text="aleppo_wat")) == {claims.aleppo.id, claims.cafe.id}
    assert find(workspace, text="@group_feed") == [claims.sarwan.id]
    assert find(workspace, text="group") == [claims.sarwan.id]


def test_query_syntax_in_the_text_is_just_words(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, text='Sarwan" OR "') == []  # "or" is not in the claim
    assert find(workspace, text="NOT Sarwan") == []
    assert find(workspace, text="(Sarwan) *") == [claims.sarwan.id]
    assert set(find(workspace, text="!!! ")) == {
        claims.sarwan.id,
        claims.aleppo.id,
        claims.cafe.id,
        claims.bare.id,
    }


def test_each_filter_alone(workspace: Workspace, claims: Claims) -> None:
    assert find(workspace, status="confirmed") == [claims.aleppo.id]
    assert claims.aleppo.source is not None
    assert find(workspace, source_id=claims.aleppo.source.id) == [claims.cafe.id, claims.aleppo.id]
    assert find(workspace, actor="IS") == [claims.cafe.id, claims.sarwan.id]
    assert find(workspace, tag="shelling") == [claims.aleppo.id]
    assert claims.sarwan.case_id is not None
    assert find(workspace, case_id=claims.sarwan.case_id) == [claims.aleppo.id, claims.sarwan.id]
    june = datetime(2015, 6, 1, tzinfo=UTC), datetime(2015, 7, 1, tzinfo=UTC)
    assert find(workspace, posted_from=june[0]) == [
        claims.cafe.id,
        claims.aleppo.id,
        claims.sarwan.id,
    ]
    assert find(workspace, posted_to=june[1]) == [claims.aleppo.id, claims.sarwan.id]
    assert find(workspace, posted_from=datetime(2015, 6, 3, 8, tzinfo=UTC)) == [
        claims.cafe.id,
        claims.aleppo.id,
    ]  # from is inclusive; to is exclusive
    assert find(workspace, posted_to=datetime(2015, 6, 3, 8, tzinfo=UTC)) == [claims.sarwan.id]


def test_filters_combined(workspace: Workspace, claims: Claims) -> None:
    assert claims.aleppo.source is not None and claims.sarwan.case_id is not None
    assert find(workspace, actor="IS", tag="checkpoint") == [claims.sarwan.id]
    assert find(workspace, actor="IS", source_id=claims.aleppo.source.id) == [claims.cafe.id]
    assert find(workspace, text="s", case_id=claims.sarwan.case_id, status="unconfirmed") == [
        claims.sarwan.id
    ]
    assert find(
        workspace,
        text="protest",
        actor="IS",
        tag="protest",
        source_id=claims.aleppo.source.id,
        status="unconfirmed",
        posted_from=datetime(2016, 1, 1, tzinfo=UTC),
        posted_to=datetime(2016, 2, 1, tzinfo=UTC),
    ) == [claims.cafe.id]
    assert find(workspace, text="protest", status="confirmed") == []


def test_bad_filters_are_refused(workspace: Workspace, claims: Claims) -> None:
    with pytest.raises(ValidationError, match="status"):
        find(workspace, status="maybe")
    with pytest.raises(ValidationError, match="source"):
        find(workspace, source_id="not-an-id")
    with pytest.raises(ValidationError, match="posted_from"):
        find(workspace, posted_from=datetime(2015, 1, 1))
    with pytest.raises(ValidationError, match="order"):
        ClaimSearch(workspace).ids(ClaimQuery(), order="text; DROP TABLE claims")


def test_order_by_posted_date(workspace: Workspace, claims: Claims) -> None:
    search = ClaimSearch(workspace)
    dated = [claims.cafe.id, claims.aleppo.id, claims.sarwan.id]
    assert search.ids(ClaimQuery()) == [*dated, claims.bare.id]  # undated last
    assert search.ids(ClaimQuery(), "posted_at asc") == [*reversed(dated), claims.bare.id]
    assert search.ids(ClaimQuery(), "created_at asc") == [
        claims.sarwan.id,
        claims.aleppo.id,
        claims.cafe.id,
        claims.bare.id,
    ]


def test_a_text_search_follows_a_changed_posted_date(workspace: Workspace, claims: Claims) -> None:
    """On PostgreSQL a text-only search orders by the copy of ``posted_at`` kept beside the
    search document (migration 0005): an edit must reach it."""
    assert find(workspace, text="aleppo_watch") == [claims.cafe.id, claims.aleppo.id]
    workspace.claims.update(claims.aleppo.id, posted_at="2017-02-01T00:00:00Z")
    assert find(workspace, text="aleppo_watch") == [claims.aleppo.id, claims.cafe.id]
    workspace.claims.update(claims.cafe.id, posted_at=None)
    assert find(workspace, text="aleppo_watch") == [claims.aleppo.id, claims.cafe.id]
    workspace.claims.update(claims.aleppo.id, posted_at=None)  # both undated: newest id first
    undated = sorted([claims.aleppo.id, claims.cafe.id], key=uuid.UUID, reverse=True)
    assert find(workspace, text="aleppo_watch") == undated


def test_rows_hold_what_the_table_shows(workspace: Workspace, claims: Claims) -> None:
    long = workspace.claims.create("word " * 100 + "\nend")
    workspace.media.ingest([DATA / "neardup" / "peppers.jpg"], claim_id=claims.sarwan.id)
    search = ClaimSearch(workspace)
    rows = search.rows([claims.bare.id, claims.sarwan.id, long.id])
    assert [r.id for r in rows] == [claims.bare.id, claims.sarwan.id, long.id]
    bare, sarwan, long_row = rows
    assert (bare.source, bare.reliability, bare.case_name, bare.posted_at) == ("", "", None, None)
    assert (bare.media_count, bare.seen_before, bare.status) == (0, False, "unconfirmed")
    assert sarwan.source == "@group_feed (telegram)" and sarwan.reliability == "D"
    assert sarwan.case_name == "Northern Aleppo 2015"
    assert sarwan.posted_at == datetime(2015, 6, 1, 11, 30, tzinfo=UTC)
    assert sarwan.text == "IS fighters hold checkpoint in Sarwan"
    assert (sarwan.media_count, sarwan.seen_before) == (1, False)
    assert len(long_row.text) <= 200 and "\n" not in long_row.text
    assert search.rows([]) == []
    workspace.claims.delete(long.id)
    assert search.rows([long.id, claims.bare.id]) == [bare]  # gone: left out


def test_seen_before_and_its_filter(workspace: Workspace, claims: Claims) -> None:
    search = ClaimSearch(workspace)
    neardup = DATA / "neardup"
    workspace.media.ingest([neardup / "hopper.jpg"], claim_id=claims.sarwan.id)
    workspace.media.ingest([neardup / "peppers.jpg"], claim_id=claims.aleppo.id)
    assert find(workspace, has_seen_before=True) == []
    assert search.rows([claims.sarwan.id])[0].seen_before is False
    workspace.media.ingest([neardup / "hopper.png"], claim_id=claims.cafe.id)
    # the older picture is now seen elsewhere too
    assert find(workspace, has_seen_before=True) == [claims.cafe.id, claims.sarwan.id]
    assert find(workspace, has_seen_before=False) == [claims.aleppo.id, claims.bare.id]
    assert find(workspace, has_seen_before=True, text="Sarw") == [claims.sarwan.id]
    assert find(workspace, has_seen_before=False, text="Sarw") == []
    rows = {r.id: r for r in search.rows(find(workspace))}
    assert {i for i, r in rows.items() if r.seen_before} == {claims.cafe.id, claims.sarwan.id}


def test_edits_and_deletes_reach_the_index(workspace: Workspace, claims: Claims) -> None:
    c = workspace.claims
    c.update(claims.sarwan.id, text="Checkpoint taken in Tal Rifaat", place_name="")
    assert find(workspace, text="Tal Rif") == [claims.sarwan.id]
    assert find(workspace, text="Sarwan") == []  # text and place changed
    assert find(workspace, text="صوران") == [claims.sarwan.id]  # original text kept
    c.update(claims.sarwan.id, notes="seen by a Kurdish outlet", original_text="")
    assert find(workspace, text="Kurdish") == [claims.sarwan.id]
    assert find(workspace, text="صوران") == []
    c.set_status(claims.sarwan.id, "refuted", "old video")  # not a searched field
    assert find(workspace, text="Kurdish", status="refuted") == [claims.sarwan.id]
    assert claims.aleppo.source is not None
    c.update(claims.bare.id, source_id=claims.aleppo.source.id)
    assert set(find(workspace, text="aleppo_watch")) == {
        claims.aleppo.id,
        claims.cafe.id,
        claims.bare.id,
    }
    c.update(claims.bare.id, source_id=None)
    assert claims.bare.id not in find(workspace, text="aleppo_watch")
    c.delete(claims.cafe.id)
    assert find(workspace, text="cafe") == []
    assert find(workspace, text="aleppo_watch") == [claims.aleppo.id]


def test_renaming_or_removing_a_source_reaches_its_claims(
    workspace: Workspace, claims: Claims
) -> None:
    assert claims.aleppo.source is not None
    source_id = claims.aleppo.source.id
    with workspace.db.transaction() as session:
        session.execute(
            text(
                "UPDATE sources SET handle = '@halab_now', display_name = 'Halab Now' WHERE id = :i"
            ),
            {"i": source_id.replace("-", "") if workspace.db.dialect == "sqlite" else source_id},
        )
    assert set(find(workspace, text="halab_n")) == {claims.aleppo.id, claims.cafe.id}
    assert find(workspace, text="Halab Now") == [claims.cafe.id, claims.aleppo.id]
    assert find(workspace, text="aleppo_watch") == []
    with workspace.db.transaction() as session:
        session.execute(
            text("DELETE FROM sources WHERE id = :i"),
            {"i": source_id.replace("-", "") if workspace.db.dialect == "sqlite" else source_id},
        )
    assert find(workspace, text="halab") == []
    assert find(workspace, text="citadel") == [claims.aleppo.id]


def test_facets_offer_the_stored_values(workspace: Workspace, claims: Claims) -> None:
    facets = ClaimSearch(workspace).facets()
    assert claims.aleppo.source is not None and claims.sarwan.source is not None
    assert facets.sources == (
        (claims.aleppo.source.id, "@aleppo_watch (twitter)"),
        (claims.sarwan.source.id, "@group_feed (telegram)"),
    )
    assert facets.actors == ("IS", "Jaysh al-Fatah", "SAA")
    assert facets.tags == ("checkpoint", "flag burning", "protest", "shelling")
    assert claims.sarwan.case_id is not None
    assert facets.cases == ((claims.sarwan.case_id, "Northern Aleppo 2015"),)
    assert facets.statuses == ("unconfirmed", "confirmed", "refuted")


def test_claims_stored_before_the_index_are_indexed_by_the_migration(
    workspace: Workspace, claims: Claims
) -> None:
    from storage.db import downgrade, upgrade

    downgrade(workspace.db.engine, "0001")
    upgrade(workspace.db.engine)
    assert find(workspace, text="Sarw") == [claims.sarwan.id]
    assert find(workspace, text="aleppo_watch") == [claims.cafe.id, claims.aleppo.id]


def test_search_stays_right_after_deletes_and_a_vacuum(workspace: Workspace) -> None:
    """On SQLite the index row is keyed by the claim's rowid, which VACUUM must keep."""
    made = [workspace.claims.create(f"claim number {i} word{i}") for i in range(30)]
    for claim in made[::3]:
        workspace.claims.delete(claim.id)
    if workspace.db.dialect == "sqlite":
        with workspace.db.engine.connect() as conn:
            conn.execute(text("VACUUM"))
    for i, claim in enumerate(made):
        assert find(workspace, text=f"word{i} ") == ([] if i % 3 == 0 else [claim.id])
    workspace.claims.update(made[1].id, text="renamed after vacuum")
    assert find(workspace, text="renamed") == [made[1].id]
    assert find(workspace, text="word1 ") == []
