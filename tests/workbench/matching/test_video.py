"""Video to video: a re-upload, a trimmed clip or a re-encode of a stored video is reported
with the time ranges the two share (``NearDuplicate.overlaps``).

The copies are made as an analyst would meet them: the stored video decoded and encoded
again (another size, codec or bit rate), whole, trimmed, or two parts of it put together.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from tests.cli.test_cli import CLI
from tests.workbench.media.test_video_sampling import frame_at, make_video
from workbench.library.views import IngestStatus, NearDuplicate
from workbench.matching.video import Overlap, find_overlaps
from workbench.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data"
LENGTH_S = 20
CUTS_S = (4.0, 8.5, 13.0, 16.5)
SLACK_MS = 1000  # the issue: ranges right within about a second


def recut(
    source: Path,
    target: Path,
    parts: Sequence[tuple[float, float]],
    size: tuple[int, int] = (320, 240),
    codec: str = "mpeg4",
    bit_rate: int = 400_000,
) -> Path:
    """``parts`` (seconds, end excluded) of ``source`` one after the other, encoded again."""
    rate = 25
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.bit_rate = bit_rate
        n = 0
        for decoded in src.decode(video=0):
            t = decoded.time or 0.0
            if not any(start <= t < end for start, end in parts):
                continue
            frame = decoded.reformat(*size, format="yuv420p")
            frame.pts, frame.time_base = n, Fraction(1, rate)
            n += 1
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return target


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("overlap")
    stored = make_video(folder / "stored.mp4", LENGTH_S, CUTS_S, seed=7)
    other_codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    return {
        "stored": stored,
        "reencoded": recut(stored, folder / "reencoded.mp4", [(0, 99)], (160, 120), other_codec),
        "trimmed": recut(stored, folder / "trimmed.mp4", [(6, 16)]),
        "two_parts": recut(stored, folder / "two-parts.mp4", [(1, 6), (12, 18)]),
        "unrelated": make_video(folder / "unrelated.mp4", 8, (3.0,), seed=99),
    }


def _store(workspace: Workspace, path: Path) -> str:
    (result,) = workspace.media.ingest([path])
    assert result.status is IngestStatus.ADDED and result.media, result.error
    return result.media.id


def _match(workspace: Workspace, path: Path, media_id: str) -> NearDuplicate:
    (result,) = workspace.media.match([path])
    assert result.error is None
    (found,) = [m for m in result.matches if m.media_id == media_id]
    return found


def _near(overlap: Overlap, start_s: float, end_s: float, stored_start_s: float) -> bool:
    stored_end_s = stored_start_s + end_s - start_s
    expected = (start_s, end_s, stored_start_s, stored_end_s)
    got = (overlap.start_ms, overlap.end_ms, overlap.stored_start_ms, overlap.stored_end_ms)
    return all(abs(g - e * 1000) <= SLACK_MS for g, e in zip(got, expected, strict=True))


def test_a_reencode_overlaps_along_its_whole_length(
    workspace: Workspace, videos: dict[str, Path]
) -> None:
    stored = _store(workspace, videos["stored"])
    found = _match(workspace, videos["reencoded"], stored)
    (overlap,) = found.overlaps
    assert _near(overlap, 0, LENGTH_S, 0), overlap


def test_a_trimmed_clip_is_placed_where_it_was_cut_from(
    workspace: Workspace, videos: dict[str, Path]
) -> None:
    stored = _store(workspace, videos["stored"])
    (added,) = workspace.media.ingest([videos["trimmed"]])  # ingest reports it too
    assert added.status is IngestStatus.ADDED and added.media
    (found,) = [n for n in added.near_duplicates if n.media_id == stored]
    (overlap,) = found.overlaps
    assert _near(overlap, 0, 10, 6), overlap
    assert found.t_ms is not None and 6000 - SLACK_MS <= found.t_ms <= 16000 + SLACK_MS
    assert _match(workspace, videos["trimmed"], stored).overlaps == found.overlaps
    (again,) = workspace.media.ingest([videos["trimmed"]])  # already stored: the same
    assert again.status is IngestStatus.EXISTS
    assert [n.overlaps for n in again.near_duplicates] == [found.overlaps]
    # stored against stored, both ways round
    (near,) = workspace.media.near_duplicates(added.media.id)
    assert near.media_id == stored and near.overlaps == found.overlaps
    (back,) = workspace.media.near_duplicates(stored)
    (overlap,) = back.overlaps
    assert _near(overlap, 6, 16, 0), overlap


def test_a_clip_of_two_parts_gives_two_ranges(
    workspace: Workspace, videos: dict[str, Path]
) -> None:
    stored = _store(workspace, videos["stored"])
    first, second = _match(workspace, videos["two_parts"], stored).overlaps
    assert _near(first, 0, 5, 1), first
    assert _near(second, 5, 11, 12), second


def test_an_unrelated_video_matches_nothing(workspace: Workspace, videos: dict[str, Path]) -> None:
    _store(workspace, videos["stored"])
    (result,) = workspace.media.match([videos["unrelated"]])
    assert result.error is None and result.matches == ()


def test_a_screenshot_has_a_time_and_no_overlaps(
    workspace: Workspace, videos: dict[str, Path], tmp_path: Path
) -> None:
    stored = _store(workspace, videos["stored"])
    shot = tmp_path / "shot.png"
    frame_at(videos["stored"], 10.0).save(shot)
    found = _match(workspace, shot, stored)
    assert found.t_ms is not None and abs(found.t_ms - 10_000) <= SLACK_MS
    assert found.overlaps == ()


def test_the_command_line_reports_overlaps(videos: dict[str, Path], tmp_path: Path) -> None:
    cli = CLI(tmp_path / "ws")
    stored, picture = cli.json(
        "ingest", str(videos["stored"]), str(DATA / "neardup" / "hopper.png")
    )
    (match,) = cli.json("match", str(videos["trimmed"]))
    (near,) = match["matches"]
    assert near["media_id"] == stored["media_id"] and near["evidence"] == "whole"
    (overlap,) = near["overlaps"]
    assert set(overlap) == {"start_ms", "end_ms", "stored_start_ms", "stored_end_ms"}
    assert abs(overlap["stored_start_ms"] - 6000) <= SLACK_MS
    (added,) = cli.json("ingest", str(DATA / "neardup" / "hopper.jpg"))
    (near,) = added["near_duplicates"]
    assert near["media_id"] == picture["media_id"] and near["overlaps"] == []


# -- the range rule on made-up frame pairs --------------------------------------------------


def _pairs(*blocks: tuple[Sequence[int], Sequence[int]]) -> tuple[list[int], list[int]]:
    """Every query time of a block meeting every stored time of it: a still scene."""
    q: list[int] = []
    s: list[int] = []
    for query_times, stored_times in blocks:
        for a in query_times:
            for b in stored_times:
                q.append(a)
                s.append(b)
    return q, s


def test_rule_a_copy_with_sampling_jitter_is_one_range() -> None:
    rng = np.random.default_rng(3)
    q = np.arange(0, 20_001, 1000)
    s = q + 5000 + rng.integers(-600, 600, len(q))
    (overlap,) = find_overlaps(q, s, len(q))
    assert (overlap.start_ms, overlap.end_ms) == (0, 20_000)
    assert abs(overlap.stored_start_ms - 5000) <= 600
    assert overlap.stored_end_ms - overlap.stored_start_ms == 20_000


def test_rule_still_scenes_take_the_consistent_offset_and_leave_no_junk() -> None:
    # query 0-10 s is a still scene: each of its frames meets every stored frame of the
    # same still scene, stored 20-30 s; then 11-20 s moves and meets frame by frame
    still_q, still_s = _pairs((range(0, 10_001, 1000), range(20_000, 30_001, 1000)))
    moving = list(range(11_000, 20_001, 1000))
    q = still_q + moving
    s = still_s + [t + 20_000 for t in moving]
    assert find_overlaps(q, s, 21) == (Overlap(0, 20_000, 20_000, 40_000),)
    # all still, the same length on both sides: lined up
    q, s = _pairs((range(0, 5001, 1000), range(7000, 12_001, 1000)))
    assert find_overlaps(q, s, 6) == (Overlap(0, 5000, 7000, 12_000),)
    # a short still query meeting a long still stretch: one range, wherever it is put
    q, s = _pairs((range(0, 3001, 1000), range(0, 60_001, 1000)))
    (overlap,) = find_overlaps(q, s, 4)
    assert (overlap.start_ms, overlap.end_ms) == (0, 3000)


def test_rule_a_lone_pair_is_no_range_unless_the_video_is_that_short() -> None:
    assert find_overlaps([5000], [12_000], query_frames=20) == ()
    assert find_overlaps([0], [12_000], query_frames=1) == (Overlap(0, 0, 12_000, 12_000),)
    # two matched frames far apart in time but at one offset are not a range either
    assert find_overlaps([0, 10_000], [3000, 13_000], query_frames=20) == ()
    assert find_overlaps([], [], query_frames=20) == ()


def test_rule_gaps_are_bridged_up_to_a_few_seconds() -> None:
    q = [0, 1000, 2000, 4500, 5500]  # 2.5 s without a match: one range
    assert find_overlaps(q, [t + 100 for t in q]) == (Overlap(0, 5500, 100, 5600),)
    q = [0, 1000, 2000, 8000, 9000]  # 6 s: two
    assert find_overlaps(q, [t + 100 for t in q]) == (
        Overlap(0, 2000, 100, 2100),
        Overlap(8000, 9000, 8100, 9100),
    )


def test_rule_two_parts_and_repeats() -> None:
    q = list(range(0, 5001, 1000)) + list(range(6000, 12_001, 1000))
    s = [t + 1000 for t in q[:6]] + [t + 6000 for t in q[6:]]
    assert find_overlaps(q, s) == (
        Overlap(0, 5000, 1000, 6000),
        Overlap(6000, 12_000, 12_000, 18_000),
    )
    # the stored video shows the same stretch twice: each query moment is placed once
    q = list(range(0, 6001, 1000))
    twice = find_overlaps(q + q, [t + 2000 for t in q] + [t + 30_000 for t in q])
    assert len(twice) == 1 and twice[0].start_ms == 0 and twice[0].end_ms == 6000
