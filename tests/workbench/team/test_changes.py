"""Team mode: two analysts' app instances on one database (PostgreSQL when
``WORKBENCH_TEST_PG_URL`` is set, and one SQLite file), each with its own ``Workspace``.

A save based on a version somebody else has changed since is refused with a message naming
who, when, the fields and their new values; nothing is silently overwritten, also when both
save at the same moment from two threads; and each instance's change feed sees the other's
changes on its next poll.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workbench.base.errors import ConflictError
from workbench.team.changes import ChangeFeed
from workbench.workspace import Location, Workspace


@pytest.fixture
def team(workspace_dir: Path) -> Iterator[tuple[Workspace, Workspace]]:
    """Alice's and Bob's instances, on the same database and media folder."""
    alice = Workspace(Location.of(workspace_dir), analyst="alice")
    bob = Workspace(Location.of(workspace_dir), analyst="bob")
    try:
        yield alice, bob
    finally:
        bob.close()
        alice.close()


def test_the_second_save_is_refused_naming_the_first(
    team: tuple[Workspace, Workspace],
) -> None:
    alice, bob = team
    claim = alice.claims.create("Checkpoint in Sarwan", tags=["checkpoint"])
    seen_by_alice = alice.claims.get(claim.id)
    seen_by_bob = bob.claims.get(claim.id)
    assert seen_by_alice.version == seen_by_bob.version

    alice.claims.update(
        claim.id, seen_by_alice.version, text="IS checkpoint in Sarwan", tags=["IS", "Sarwan"]
    )
    with pytest.raises(ConflictError) as refused:
        bob.claims.update(claim.id, seen_by_bob.version, text="Bob's wording")

    message = str(refused.value)
    assert message.startswith("claim was changed by alice at ")
    assert "text → “IS checkpoint in Sarwan”" in message
    assert "tags → “IS, Sarwan”" in message
    assert f"you read version {seen_by_bob.version}" in message
    for ws in (alice, bob):  # both instances read Alice's value; Bob's was never written
        stored = ws.claims.get(claim.id)
        assert stored.text == "IS checkpoint in Sarwan"
        assert stored.version == seen_by_bob.version + 1
    trail = bob.claims.history(claim.id)
    assert [e.actor for e in trail] == ["alice", "alice"]
    assert all("Bob's wording" not in str(e.changes) for e in trail)


def test_a_verdict_on_a_stale_version_names_the_other_verdict(
    team: tuple[Workspace, Workspace],
) -> None:
    alice, bob = team
    source = alice.claims.create_source("telegram", "@group_feed")
    claim = alice.claims.create("Convoy heading north")
    read = bob.claims.get(claim.id)
    alice.claims.update(claim.id, read.version, source_id=source.id)
    now = alice.claims.get(claim.id)
    alice.claims.set_status(claim.id, "refuted", "Filmed in 2013", expected_version=now.version)

    with pytest.raises(ConflictError) as refused:
        bob.claims.set_status(claim.id, "confirmed", "two angles", expected_version=read.version)
    message = str(refused.value)
    # Every change since Bob read it, oldest first, with readable values.
    assert "by alice at" in message
    assert message.index("source id → “telegram @group_feed”") < message.index("status → “refuted”")
    assert "rationale → “Filmed in 2013”" in message
    assert "decided by" not in message  # who and when are said once
    assert bob.claims.get(claim.id).status == "refuted"


def test_one_save_raises_the_version_once(team: tuple[Workspace, Workspace]) -> None:
    """The conflict message counts entries by versions: text with tags is one version."""
    alice, _ = team
    claim = alice.claims.create("Spokesman quote")
    for values in (
        {"text": "Spokesman's quote", "tags": ["quote"]},
        {"tags": ["quote", "IS"], "notes": "from the video"},
        {"actors": ["IS"], "tags": ["IS"], "place_name": "Sarwan"},
    ):
        before = alice.claims.get(claim.id).version
        after = alice.claims.update(claim.id, before, **values)
        assert after.version == before + 1
    entries = alice.claims.history(claim.id)
    # The audit entry keeps the fields in the order they were asked for.
    assert list(entries[-1].changes) == ["actors", "tags", "place_name"]


def test_two_writers_at_once_never_lose_an_update(
    team: tuple[Workspace, Workspace],
) -> None:
    """Real concurrency: both read the same version and save at the same moment, twenty
    times over. Exactly one save wins each round, the other is refused, and what the
    database holds is the winner's value."""
    alice, bob = team
    claim = alice.claims.create("Beheadings in captured villages")
    barrier = threading.Barrier(2, timeout=30)
    rounds = 20

    def save(ws: Workspace, version: int, value: str) -> str:
        barrier.wait()
        try:
            ws.claims.update(claim.id, version, notes=value, tags=[value])
        except ConflictError as exc:
            return f"refused: {exc}"
        return "saved"

    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(rounds):
            version = alice.claims.get(claim.id).version
            futures = {
                name: pool.submit(save, ws, version, f"{name} {n}")
                for name, ws in (("alice", alice), ("bob", bob))
            }
            outcomes = {name: f.result(timeout=60) for name, f in futures.items()}
            winners = [name for name, outcome in outcomes.items() if outcome == "saved"]
            assert len(winners) == 1, outcomes
            (loser,) = set(outcomes) - set(winners)
            assert f"changed by {winners[0]}" in outcomes[loser]
            assert f"notes → “{winners[0]} {n}”" in outcomes[loser]
            stored = bob.claims.get(claim.id)
            assert (stored.notes, stored.tags) == (f"{winners[0]} {n}", (f"{winners[0]} {n}",))
            assert stored.version == version + 1

    trail = alice.claims.history(claim.id)
    assert len(trail) == 1 + rounds  # the creation, then one entry per round: the winner's


def test_the_feed_sees_the_other_instance_on_its_next_poll(
    team: tuple[Workspace, Workspace],
) -> None:
    alice, bob = team
    feed = ChangeFeed(bob)
    assert not feed.poll()  # nothing since it started

    claim = alice.claims.create("Convoy heading north")
    changes = feed.poll()
    assert changes.claim_ids == {claim.id}
    assert changes.by_others == {claim.id}
    assert not feed.poll()  # seen once

    alice.claims.set_status(claim.id, "confirmed", "two angles")
    bob.claims.update(claim.id, notes="Bob's note")  # his own: listed, not "by others"
    own = bob.claims.create("Bob's claim")
    changes = feed.poll()
    assert changes.claim_ids == {claim.id, own.id}
    assert changes.by_others == {claim.id}

    alice.claims.create_source("twitter", "@other_group")
    changes = feed.poll()
    assert changes.other_kinds == {"source"}
    assert changes.claim_ids == frozenset()


def test_media_stored_by_the_other_instance_are_seen_before(
    team: tuple[Workspace, Workspace], data: Path
) -> None:
    """Each instance keeps its picture index in memory: the feed teaches it the team's."""
    alice, bob = team
    feed = ChangeFeed(bob)
    (stored,) = alice.media.ingest([data / "neardup" / "hopper.jpg"])
    assert stored.media is not None
    feed.poll()
    assert stored.media.id in bob.index

    (again,) = bob.media.ingest([data / "neardup" / "hopper.png"])
    assert stored.media.id in {d.media_id for d in again.near_duplicates}


def test_catching_up_takes_what_was_written_as_seen(
    team: tuple[Workspace, Workspace],
) -> None:
    """The window catches up when it re-reads everything after its own import: a bag's
    entries by their original analysts are then not announced as colleagues' changes."""
    alice, bob = team
    feed = ChangeFeed(bob)
    alice.claims.create("Written before the re-read")
    feed.catch_up()
    assert not feed.poll()
    later = alice.claims.create("Written after it")
    assert feed.poll().by_others == {later.id}
