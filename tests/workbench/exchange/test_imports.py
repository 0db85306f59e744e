"""Post archives into claims, on real twarc, python-twitter and Telegram-shaped exports."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workbench.base.errors import WorkbenchError
from workbench.claims.views import ClaimView
from workbench.exchange.importers import import_posts
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
POSTS = DATA / "posts"
TWARC = POSTS / "twarc-csv"
V1 = POSTS / "python-twitter"
CHAT_MINER = POSTS / "chat-miner"


def claims_of(ws: Workspace, ids: tuple[str, ...]) -> list[ClaimView]:
    return [ws.claims.get(i) for i in ids]


# -- Twitter ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt", "added", "skipped"),
    [
        (TWARC / "geo_tweets.jsonl", "twarc", 2, 0),
        (TWARC / "media_tweet.jsonl", "twarc", 1, 0),
        (TWARC / "two_tweets.jsonl", "twarc", 1, 0),
        (TWARC / "withheld.jsonl", "twarc", 215, 5),  # 5 API errors, each reported
        (V1 / "lines.json", "twarc", 71, 0),  # 72 lines, one tweet twice
        (V1 / "get_search_geocode.json", "tweet", 15, 0),
        (V1 / "get_status.json", "tweet", 1, 0),
    ],
)
def test_claims_per_file(
    workspace: Workspace, path: Path, fmt: str, added: int, skipped: int
) -> None:
    summary = import_posts(workspace, path)
    assert summary.refused is None
    assert (summary.format, len(summary.added), len(summary.skipped)) == (fmt, added, skipped)
    assert len(workspace.claims.find()) == added


def test_a_v2_tweet_becomes_a_claim(workspace: Workspace) -> None:
    summary = import_posts(workspace, TWARC / "media_tweet.jsonl", case="Snakes")
    (claim,) = claims_of(workspace, summary.added)
    assert claim.text == "She's GOING with it! \U0001f40d https://t.co/uXqSAGWkWJ"
    assert claim.original_text == claim.text and claim.original_language == "en"
    assert claim.source is not None
    assert (claim.source.platform, claim.source.handle) == ("twitter", "@IgorBrigadir")
    assert claim.source.display_name.startswith("Igor Brigadir")
    assert claim.post_url == "https://twitter.com/IgorBrigadir/status/1558553189766631429"
    assert claim.posted_at == datetime(2022, 8, 13, 20, 36, 51, tzinfo=UTC)
    assert claim.case_name == "Snakes"
    # The video is on Twitter's servers: named in the notes, not downloaded.
    assert "WiZrNZKT2lMzK5zA.mp4" in claim.notes and claim.media == ()
    assert (summary.media_added, summary.media_existing) == (0, 0)


def test_a_retweet_keeps_its_link_and_an_undetermined_language_is_left_out(
    workspace: Workspace,
) -> None:
    (claim,) = claims_of(workspace, import_posts(workspace, TWARC / "two_tweets.jsonl").added)
    assert claim.text == "RT @bibaigna96: #POIUYTREWQ"
    assert claim.original_language == ""  # the API said "und"
    assert claim.tags == ("POIUYTREWQ",)
    assert "Retweet of https://twitter.com/bibaigna96/status/1391677057810288641" in claim.notes


def test_v1_extended_tweets_keep_their_full_text(workspace: Workspace) -> None:
    extended = json.loads((V1 / "extended_tweet_in_extended_mode.json").read_text("utf-8"))
    streaming = json.loads((V1 / "streaming_extended_tweet.json").read_text("utf-8"))
    a = claims_of(
        workspace, import_posts(workspace, V1 / "extended_tweet_in_extended_mode.json").added
    )
    b = claims_of(workspace, import_posts(workspace, V1 / "streaming_extended_tweet.json").added)
    assert a[0].text == extended["full_text"].replace("&amp;", "&")
    assert b[0].text == streaming["extended_tweet"]["full_text"].replace("&amp;", "&")
    assert len(b[0].text) > len(streaming["text"])  # not the 140-character cut
    assert b[0].source is not None and b[0].source.handle == "@ClouDatAI"
    assert b[0].posted_at == datetime(2018, 3, 8, 12, 38, 3, tzinfo=UTC)
    # The same tweet in compat mode is the claim already logged, not a second one.
    again = import_posts(workspace, V1 / "extended_tweet_in_compat_mode.json")
    assert again.added == () and again.merged == (a[0].id,)


def test_geo_place_and_coordinates(workspace: Workspace) -> None:
    first, second = claims_of(workspace, import_posts(workspace, TWARC / "geo_tweets.jsonl").added)
    # v2 GeoJSON is [longitude, latitude].
    assert (first.latitude, first.longitude) == (88.01785747, 42.77810097)
    assert first.original_language == "pl" and "harrypotter" in first.tags
    assert second.place_name == "Berlin, Germany"
    assert (second.latitude, second.longitude) == (None, None)  # a place is not a point
    assert "13.088304" in second.notes

    search = import_posts(workspace, V1 / "get_search_geocode.json")
    pleasanton = [c for c in claims_of(workspace, search.added) if c.place_name == "Pleasanton, CA"]
    assert [(c.latitude, c.longitude) for c in pleasanton] == [(37.6624312, -121.8746789)]


def test_a_truncated_stream_keeps_every_whole_line(workspace: Workspace) -> None:
    summary = import_posts(workspace, TWARC / "streaming_output_with_error.jsonl")
    assert len(summary.added) == 7
    (issue,) = summary.skipped
    assert issue.where == "streaming_output_with_error.jsonl line 8"
    assert "not valid JSON" in issue.message and "ends mid-record" in issue.message


def test_a_malformed_line_in_the_middle_is_reported_and_skipped(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines = (V1 / "lines.json").read_bytes().split(b"\n")[:5]
    lines[2] = lines[2][: len(lines[2]) // 2]  # line 3 cut in half
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"\n".join(lines) + b"\n")
    summary = import_posts(workspace, broken)
    assert len(summary.added) == 4
    (issue,) = summary.skipped
    assert issue.where == "broken.jsonl line 3" and "not valid JSON" in issue.message


def test_hostile_lines_cost_only_themselves(workspace: Workspace, tmp_path: Path) -> None:
    status = json.loads((V1 / "get_status.json").read_text("utf-8"))
    status["coordinates"] = {"type": "Point", "coordinates": ["east", 12]}
    lines = ["[" * 100_000 + "]" * 100_000, "null", json.dumps(status), '{"delete": {}}']
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text("\n".join(lines) + "\n", "utf-8")
    summary = import_posts(workspace, hostile)
    (claim,) = claims_of(workspace, summary.added)
    assert claim.text == "getting waxed!" and claim.latitude is None
    assert [(i.where, i.message.split(":")[0]) for i in summary.skipped] == [
        ("hostile.jsonl line 1", "not valid JSON (nested too deeply); line skipped"),
        ("hostile.jsonl line 2", "not a tweet"),
        ("hostile.jsonl line 4", "a deletion notice from the stream, not a tweet"),
    ]


def test_importing_twice_adds_nothing(workspace: Workspace) -> None:
    first = import_posts(workspace, TWARC / "withheld.jsonl")
    again = import_posts(workspace, TWARC / "withheld.jsonl")
    assert again.added == ()
    assert set(again.merged) == set(first.added)
    assert len(workspace.claims.find()) == 215


def test_a_tweet_logged_by_hand_under_an_x_url_is_recognised(workspace: Workspace) -> None:
    by_hand = workspace.claims.create(
        "logged by hand", post_url="https://x.com/igorbrigadir/status/1558553189766631429"
    )
    summary = import_posts(workspace, TWARC / "media_tweet.jsonl")
    assert summary.added == () and summary.merged == (by_hand.id,)
    assert workspace.claims.get(by_hand.id).text == "logged by hand"  # left as it was


def test_an_edited_tweet_is_one_claim_and_the_latest_version_wins(
    workspace: Workspace, tmp_path: Path
) -> None:
    both = tmp_path / "both.jsonl"
    both.write_bytes(
        (TWARC / "edited_before.jsonl").read_bytes() + (TWARC / "edited.jsonl").read_bytes()
    )
    (claim,) = claims_of(workspace, import_posts(workspace, both).added)
    assert claim.text == "hey :) https://t.co/rnwEIoNuqd"
    assert claim.post_url.endswith("/status/1576994789110992896")
    # Either version imported later is the same post.
    for path in (TWARC / "edited_before.jsonl", TWARC / "edited.jsonl"):
        again = import_posts(workspace, path)
        assert again.added == () and again.merged == (claim.id,)


def test_an_existing_source_is_matched_whatever_its_case(workspace: Workspace) -> None:
    known = workspace.claims.create_source("twitter", "@igorbrigadir", reliability="C")
    summary = import_posts(workspace, TWARC / "geo_tweets.jsonl")
    by_igor = [
        c for c in claims_of(workspace, summary.added) if c.source and c.source.id == known.id
    ]
    assert len(by_igor) == 1
    assert len(workspace.claims.list_sources()) == 2  # Igor's, and @kamanonickname


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (TWARC / "empty.json", "empty.json is empty"),
        (V1 / "public_timeline_error.json", "an error from the API, not tweets: test error"),
        (TWARC / "tweets_compliance.jsonl", "a compliance record (delete, reason: protected)"),
    ],
)
def test_what_is_not_an_archive_is_refused(workspace: Workspace, path: Path, reason: str) -> None:
    summary = import_posts(workspace, path)
    assert summary.refused is not None
    assert path.name in summary.refused and reason in summary.refused
    assert summary.added == () and workspace.claims.find() == []


def test_a_missing_path_is_an_error_naming_it(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match=r"nowhere\.jsonl: no such file"):
        import_posts(workspace, tmp_path / "nowhere.jsonl")


def test_progress_and_cancel(workspace: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    summary = import_posts(
        workspace, V1 / "get_search_geocode.json", progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(i, 15) for i in range(16)]
    assert len(summary.added) == 15

    workspace_calls: list[int] = []

    def cancel_after_three() -> bool:
        workspace_calls.append(1)
        return len(workspace_calls) > 3

    stopped = import_posts(workspace, V1 / "lines.json", should_cancel=cancel_after_three)
    assert len(stopped.added) == 3
    assert stopped.skipped[-1].message == "cancelled: 68 of 71 posts not read"


# -- Telegram ---------------------------------------------------------------------------


def _chat_miner_messages(name: str) -> list[dict[str, Any]]:
    """The chat-miner fixture's two messages, with the fields a real export adds."""
    value = json.loads((CHAT_MINER / name).read_text("utf-8"))
    messages = value["messages"] if "messages" in value else value["chats"]["list"][0]["messages"]
    for number, message in enumerate(messages, start=10):
        message["id"] = number
        message["from_id"] = f"user{number}"
    return list(messages)


def _telegram_export(folder: Path, shape: str) -> Path:
    """A Telegram Desktop export folder: ``result.json`` and a ``photos/`` folder."""
    (folder / "photos").mkdir(parents=True)
    shutil.copyfile(DATA / "exif" / "Canon_40D.jpg", folder / "photos" / "photo_1.jpg")
    messages = _chat_miner_messages("test_single_export.json")
    messages += [
        {
            "id": 12,
            "type": "service",
            "date_unixtime": "1544007000",
            "actor": "Author 1",
            "action": "pin_message",
            "text": "",
        },
        {
            "id": 13,
            "type": "message",
            "date_unixtime": "1544007100",
            "from": "Sarwan Feed",
            "from_id": "channel1001",
            "photo": "photos/photo_1.jpg",
            "text": ["Checkpoint ", {"type": "hashtag", "text": "#Sarwan"}],
        },
        {
            "id": 14,
            "type": "message",
            "date_unixtime": "1544007200",
            "from": "Sarwan Feed",
            "photo": "photos/not_downloaded.jpg",
            "text": "",
        },
        {
            "id": 15,
            "type": "message",
            "date_unixtime": "1544007300",
            "from": "Sarwan Feed",
            "file": "../../outside.jpg",
            "text": "a path out of the export",
        },
    ]
    chat = {"name": "Sarwan Feed", "type": "public_channel", "id": 1001, "messages": messages}
    if shape == "batch":
        document: dict[str, Any] = {"about": "", "chats": {"about": "", "list": [chat]}}
    else:
        document = chat
    (folder / "result.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return folder


@pytest.mark.parametrize("shape", ["single", "batch"])
def test_a_telegram_export_with_its_photo(workspace: Workspace, tmp_path: Path, shape: str) -> None:
    export = _telegram_export(tmp_path / "ChatExport", shape)
    summary = import_posts(workspace, export, case="Sarwan")
    assert summary.format == "telegram"
    assert len(summary.added) == 5  # 2 chat-miner messages + 3; the service message left
    claims = {c.post_url: c for c in claims_of(workspace, summary.added)}
    photo = claims["https://t.me/c/1001/13"]
    assert photo.text == "Checkpoint #Sarwan" and photo.tags == ("Sarwan",)
    assert photo.source is not None
    assert (photo.source.platform, photo.source.handle) == ("telegram", "Sarwan Feed")
    assert photo.posted_at == datetime.fromtimestamp(1544007100, UTC)
    assert [m.original_name for m in photo.media] == ["photo_1.jpg"]
    assert summary.media_added == 1
    minimal = claims["https://t.me/c/1001/10"]
    assert minimal.text == "Minimal Message" and "From Author 1 (user10)" in minimal.notes
    assert claims["https://t.me/c/1001/11"].text == "Link:https://telegram.org/"
    missing = claims["https://t.me/c/1001/14"]
    assert missing.text == "(photo without text: not_downloaded.jpg)" and missing.media == ()
    where = "result.json chat Sarwan Feed message"
    problems = {i.where: i.message for i in summary.skipped}
    assert problems == {
        f"{where} 14 photo": "file not found: photos/not_downloaded.jpg",
        f"{where} 15 file": "'../../outside.jpg' is outside the export",
    }
    again = import_posts(workspace, export / "result.json")
    assert again.added == () and set(again.merged) == set(summary.added)


def test_a_private_chat_without_links_is_still_imported_once(workspace: Workspace) -> None:
    first = import_posts(workspace, CHAT_MINER / "test_batch_export.json")
    assert [c.text for c in claims_of(workspace, first.added)] == [
        "Minimal Message",
        "Link:https://telegram.org/",
    ]
    assert all(c.post_url == "" for c in claims_of(workspace, first.added))
    again = import_posts(workspace, CHAT_MINER / "test_batch_export.json")
    assert again.added == () and set(again.merged) == set(first.added)


# -- CSV and folders --------------------------------------------------------------------


def test_a_csv_of_claims(workspace: Workspace, tmp_path: Path) -> None:
    shutil.copyfile(DATA / "exif" / "Nikon_D70.jpg", tmp_path / "shot.jpg")
    rows = [
        "Text,Original text,Language,Source,URL,Posted at,Tags,Status,Rationale,Media,Colour",
        '"=HYPERLINK(""http://evil.example"",""click"")",,,twitter:@x,,2015-06-01T14:30+03:00,'
        "a;b,,,,red",
        "IS fighters hold checkpoint in Sarwan,مقاتلو الدولة الإسلامية يسيطرون على حاجز,ar,"
        "telegram:@group_feed,https://t.me/group_feed/123,2015-06-01T11:30Z,checkpoint,"
        "refuted,old photo from 2013,shot.jpg,",
        "no zone,,,,,2015-06-01 14:30,,,,,",
    ]
    sheet = tmp_path / "claims.csv"
    sheet.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode("utf-8") + b"\r\n")
    summary = import_posts(workspace, sheet, case="CSV")
    assert summary.format == "csv" and len(summary.added) == 2
    formula, arabic = claims_of(workspace, summary.added)
    assert formula.text == '=HYPERLINK("http://evil.example","click")'  # stored, not run
    assert formula.tags == ("a", "b") and formula.source and formula.source.handle == "@x"
    assert arabic.original_text == "مقاتلو الدولة الإسلامية يسيطرون على حاجز"
    assert arabic.original_language == "ar" and arabic.post_url == "https://t.me/group_feed/123"
    assert (arabic.status, arabic.rationale) == ("refuted", "old photo from 2013")
    assert [m.original_name for m in arabic.media] == ["shot.jpg"]
    assert arabic.case_name == "CSV"
    problems = {i.where: i.message for i in summary.skipped}
    assert problems == {
        "claims.csv line 1": "column(s) not read, ignored: colour",
        "claims.csv line 4": "posted_at: needs a time zone (e.g. +03:00 or Z)",
    }
    again = import_posts(workspace, sheet)
    assert again.added == () and set(again.merged) == set(summary.added)


def test_a_csv_without_a_text_column_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("name;handle\nA;@a\n", "utf-8")
    summary = import_posts(workspace, sheet)
    assert summary.refused is not None and "not a post archive" in summary.refused


def test_a_folder_of_media_gives_a_claim_per_file(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    for name in ("Canon_40D.jpg", "Nikon_D70.jpg"):
        shutil.copyfile(DATA / "exif" / name, folder / name)
    (folder / "readme.txt").write_text("not a picture", "utf-8")
    summary = import_posts(workspace, folder, case="Screens")
    assert summary.format == "folder" and summary.media_added == 2
    claims = claims_of(workspace, summary.added)
    assert [(c.text, [m.original_name for m in c.media]) for c in claims] == [
        ("Canon_40D.jpg", ["Canon_40D.jpg"]),
        ("Nikon_D70.jpg", ["Nikon_D70.jpg"]),
    ]
    assert {c.case_name for c in claims} == {"Screens"}
    assert [i.where for i in summary.skipped] == ["screenshots/readme.txt"]
    again = import_posts(workspace, folder)
    assert again.added == () and set(again.merged) == set(summary.added)
    assert again.media_existing == 2
