"""A big generated workspace for benchmarks: N claims, M media, written straight as rows.

    .venv/bin/python bench/make_workspace.py OUT_DIR [--claims N] [--media M]

Claims carry English text with place names and, for about half, an Arabic original with
its translation; sources, cases, actors and tags are drawn from fixed lists; each media row
has a pHash and a dHash (random 64-bit values, about 5% of them a few bits from another
media's, so "seen before" happens) and is linked to one claim. No files are written: the
rows are what search and the hash index read. Rows go in with SQLAlchemy Core
``insert()`` executemany in chunks, through the real migrations and triggers (so the
full-text index is filled the way the app fills it).

Importable: ``make_workspace(folder, claims, media)`` returns the folder, reusing it when
it already holds a workspace made with the same counts (``bench-workspace.json``).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, func, insert, select  # noqa: E402

from storage.db import Database, sqlite_url  # noqa: E402
from storage.schema import (  # noqa: E402
    Case,
    Claim,
    ClaimActor,
    ClaimMedia,
    ClaimTag,
    Media,
    MediaHash,
    Source,
)
from workbench.workspace import SQLITE_FILE, write_team_config  # noqa: E402

GENERATOR_VERSION = 5  # 5: coordinates, precision and observed times
MARKER = "bench-workspace.json"
CHUNK = 5_000


def _vocabulary(words: str) -> list[str]:
    return words.split()


PLACES = _vocabulary(
    "Sarwan Saraqib Sarmada Aleppo Idlib Homs Hama Raqqa Deir Mosul Tikrit Ramadi Fallujah "
    "Kobani Afrin Manbij Tal Rifaat Azaz Jarablus Daraa Douma Harasta Zabadani Palmyra "
    "Qamishli Hasakah Latakia Tartus Kirkuk Sinjar Erbil Baghdad Basra Samarra Baiji Qaim "
    "Bukamal Mayadin Tabqa Maarat Khan Shaykhun Ariha Jisr Shughur Atarib Daraya Muadamiya"
)
ENGLISH = _vocabulary(
    "fighters hold checkpoint convoy shelling airstrike video shows smoke over the old city "
    "protest outside school hospital hit reported near market bridge destroyed tanks seen "
    "moving north south east west road village town district clashes between forces "
    "civilians fleeing displaced families aid trucks blocked border crossing flag raised "
    "burned footage posted yesterday morning evening night claims killed wounded dozens "
    "several according to local activists residents sources say denied by officials army "
    "rebels militia group coalition drone helicopter barrel bomb mortar rocket artillery "
    "siege water electricity bread shortage mosque church square stadium airport base "
    "captured retaken withdrew advance front line ceasefire violated talks negotiations"
)
ARABIC = _vocabulary(
    "مقاتلو الدولة الإسلامية يسيطرون على حاجز في قصف جوي مدينة قرية ريف شمال جنوب شرق غرب "
    "قوات النظام المعارضة الجيش الحر اشتباكات عنيفة بين مدنيين نازحين مساعدات إنسانية "
    "معبر حدودي علم مستشفى مدرسة سوق جسر دبابات طائرة مروحية برميل متفجر قذائف هاون صواريخ "
    "حصار ماء كهرباء خبز مسجد ساحة ملعب مطار قاعدة سيطرة انسحاب تقدم جبهة هدنة مفاوضات "
    "ناشطون محليون مصادر أهالي مقتل جرحى عشرات صوران سراقب سرمدا حلب إدلب حمص حماة الرقة"
)
ACTORS = (
    "IS",
    "SAA",
    "FSA",
    "SDF",
    "YPG",
    "HTS",
    "Jaysh al-Fatah",
    "Ahrar al-Sham",
    "Russia",
    "Coalition",
    "Turkey",
    "Hezbollah",
    "PMF",
    "Peshmerga",
    "Iraqi Army",
    "Nusra Front",
)
TAGS = (
    "checkpoint",
    "shelling",
    "airstrike",
    "protest",
    "flag burning",
    "convoy",
    "displacement",
    "aid",
    "hospital",
    "school",
    "chemical",
    "execution",
    "ceasefire",
    "drone",
    "border",
    "siege",
    "prisoners",
    "funeral",
    "parade",
    "training camp",
)
PLATFORMS = ("twitter", "telegram", "facebook", "youtube", "tiktok", "")
STATUSES = ("unconfirmed",) * 6 + ("confirmed",) * 2 + ("refuted",)
START = datetime(2013, 1, 1, tzinfo=UTC)
SPAN_S = int((datetime(2025, 1, 1, tzinfo=UTC) - START).total_seconds())


def _words(rng: random.Random, vocabulary: list[str], n: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def _chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(conn: Connection, model: Any, rows: Iterator[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(model), chunk)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def counts(folder: Path) -> tuple[int, int] | None:
    """(claims, media) of a generated workspace in ``folder``, or None if there is none."""
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        made = json.loads(marker.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if made.get("version") != GENERATOR_VERSION:
        return None
    return int(made["claims"]), int(made["media"])


def make_workspace(
    folder: str | Path,
    claims: int = 100_000,
    media: int = 50_000,
    *,
    database_url: str | None = None,
    seed: int = 20151,
    quiet: bool = False,
) -> Path:
    """Build (or reuse) a workspace in ``folder`` with ``claims`` claims and ``media`` media.

    With ``database_url`` (PostgreSQL), the folder holds team settings naming that database,
    which must be empty or hold a workspace made by this function with the same counts.
    """
    folder = Path(folder)
    say = (lambda *_: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    db_url = database_url or sqlite_url(folder / SQLITE_FILE)
    if counts(folder) == (claims, media):
        db = Database(db_url)
        try:
            with db.engine.connect() as conn:
                stored = (
                    conn.scalar(select(func.count()).select_from(Claim)),
                    conn.scalar(select(func.count()).select_from(Media)),
                )
        finally:
            db.close()
        if stored == (claims, media):
            say(f"reusing {folder} ({claims} claims, {media} media)")
            return folder
    if folder.exists() and database_url is None:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if database_url:
        write_team_config(folder, database_url, folder / "media")
    started = time.perf_counter()
    rng = random.Random(seed)
    db = Database(db_url)
    try:
        with db.engine.begin() as conn:
            _fill(conn, rng, claims, media)
            if db.dialect == "postgresql":  # fresh statistics, as autovacuum would give later
                conn.exec_driver_sql("ANALYZE")
    finally:
        db.close()
    marker = {"version": GENERATOR_VERSION, "claims": claims, "media": media, "seed": seed}
    (folder / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    say(f"made {folder}: {claims} claims, {media} media in {time.perf_counter() - started:.1f} s")
    return folder


def _fill(conn: Connection, rng: random.Random, n_claims: int, n_media: int) -> None:
    now = datetime.now(UTC)
    source_ids = [_uuid(rng) for _ in range(max(1, n_claims // 50))]
    case_ids = [_uuid(rng) for _ in range(max(1, n_claims // 2000))]
    handles = sorted(
        {
            f"{rng.choice(PLACES).lower()}_{rng.choice(ENGLISH)}{rng.randrange(1000)}"
            for _ in range(len(source_ids) * 2)
        }
    )
    rng.shuffle(handles)
    _insert(
        conn,
        Source,
        (
            {
                "id": sid,
                "platform": rng.choice(PLATFORMS),
                "handle": f"@{handles[i]}",
                "display_name": f"{rng.choice(PLACES)} {rng.choice(ENGLISH).title()} News",
                "url": "",
                "affiliation": "",
                "reliability": rng.choice("ABCDEF"),
                "notes": "",
                "created_at": now,
            }
            for i, sid in enumerate(source_ids)
        ),
    )
    _insert(
        conn,
        Case,
        (
            {
                "id": cid,
                "name": f"{rng.choice(PLACES)} {2013 + i % 12} #{i}",
                "description": "",
                "created_at": now,
            }
            for i, cid in enumerate(case_ids)
        ),
    )
    claim_ids = [_uuid(rng) for _ in range(n_claims)]
    _insert(conn, Claim, (_claim(rng, cid, source_ids, case_ids, now) for cid in claim_ids))
    _insert(
        conn,
        ClaimActor,
        (
            {"claim_id": cid, "name": name, "position": i}
            for cid in claim_ids
            for i, name in enumerate(rng.sample(ACTORS, rng.choice((0, 1, 1, 2, 3))))
        ),
    )
    _insert(
        conn,
        ClaimTag,
        (
            {"claim_id": cid, "tag": tag, "position": i}
            for cid in claim_ids
            for i, tag in enumerate(rng.sample(TAGS, rng.choice((0, 1, 2, 2, 3))))
        ),
    )
    media_ids = [_uuid(rng) for _ in range(n_media)]
    hashes, seen = _hashes(rng, media_ids)
    _insert(conn, Media, (_media(rng, mid, now, mid in seen) for mid in media_ids))
    _insert(conn, MediaHash, iter(hashes))
    _insert(
        conn,
        ClaimMedia,
        (
            {
                "claim_id": rng.choice(claim_ids),
                "media_id": mid,
                "role": "claim_media",
                "added_at": now,
                "added_by": "bench",
            }
            for mid in media_ids
        ),
    )


def _claim(
    rng: random.Random,
    claim_id: uuid.UUID,
    source_ids: list[uuid.UUID],
    case_ids: list[uuid.UUID],
    now: datetime,
) -> dict[str, Any]:
    place = rng.choice(PLACES)
    before, after = (
        _words(rng, ENGLISH, rng.randint(4, 12)),
        _words(rng, ENGLISH, rng.randint(2, 10)),
    )
    english = f"{before} in {place} {after}"
    arabic = rng.random() < 0.5
    posted = START + timedelta(seconds=rng.randrange(SPAN_S)) if rng.random() < 0.95 else None
    # Where and when it was seen: from the claim's own id, so the other columns' random
    # draws (and the other benchmarks' figures) are those of version 4.
    geo = random.Random(claim_id.int)
    placed = geo.random() < 0.8
    observed = (
        posted - timedelta(hours=geo.randrange(1, 72)) if posted and geo.random() < 0.3 else None
    )
    return {
        "id": claim_id,
        "case_id": rng.choice(case_ids) if rng.random() < 0.6 else None,
        "text": english.capitalize(),
        "original_text": _words(rng, ARABIC, rng.randint(6, 20)) if arabic else "",
        "original_language": "ar" if arabic else "",
        "translation": english if arabic else "",
        "source_id": rng.choice(source_ids) if rng.random() < 0.9 else None,
        "post_url": "",
        "posted_at": posted,
        "observed_at": observed,
        "place_name": place,
        "latitude": round(geo.gauss(36.2, 1.2), 5) if placed else None,  # northern Syria
        "longitude": round(geo.gauss(37.6, 1.8), 5) if placed else None,
        "location_precision": geo.choice(("", "exact", "vicinity", "locality")) if placed else "",
        "status": rng.choice(STATUSES),
        "credibility": None,
        "rationale": "",
        "decided_by": "",
        "decided_at": None,
        "notes": _words(rng, ENGLISH, rng.randint(3, 12)) if rng.random() < 0.2 else "",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _media(
    rng: random.Random, media_id: uuid.UUID, now: datetime, seen_before: bool
) -> dict[str, Any]:
    return {
        "id": media_id,
        "seen_before": seen_before,
        "sha256": f"{rng.getrandbits(256):064x}",
        "kind": "image",
        "mime": "image/jpeg",
        "byte_size": rng.randrange(50_000, 5_000_000),
        "width": 1280,
        "height": 720,
        "duration_ms": None,
        "original_name": f"IMG_{rng.randrange(10_000):04d}.jpg",
        "acquired_at": now,
        "acquired_from": "",
        "acquired_by": "bench",
        "exif": {},
        "capture_time": None,
        "camera_make": None,
        "camera_model": None,
        "gps_latitude": None,
        "gps_longitude": None,
        "orientation": None,
        "software": None,
    }


def _hashes(
    rng: random.Random, media_ids: list[uuid.UUID]
) -> tuple[list[dict[str, Any]], set[uuid.UUID]]:
    """A pHash and a dHash per media; about 5% copy an earlier media's with 1-6 bits
    flipped. Also the media "seen before" (each copy and what it copies), as ingest flags
    them (two random 64-bit values within 10 bits of each other are too rare to matter)."""
    made: list[tuple[int, int]] = []
    rows: list[dict[str, Any]] = []
    seen: set[uuid.UUID] = set()
    for mid in media_ids:
        if made and rng.random() < 0.05:
            original = rng.randrange(len(made))
            pairs = []
            for value in made[original]:
                for bit in rng.sample(range(64), rng.randint(1, 6)):
                    value ^= 1 << bit
                pairs.append(value)
            phash, dhash = pairs
            seen |= {mid, media_ids[original]}
        else:
            phash, dhash = rng.getrandbits(64), rng.getrandbits(64)
        made.append((phash, dhash))
        for algorithm, value in (("phash", phash), ("dhash", dhash)):
            rows.append(
                {"media_id": mid, "algorithm": algorithm, "value": _signed(value), "t_ms": None}
            )
    return rows, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--media", type=int, default=50_000)
    parser.add_argument("--database-url", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    make_workspace(args.out_dir, args.claims, args.media, database_url=args.database_url)


if __name__ == "__main__":
    main()
