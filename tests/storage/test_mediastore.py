"""The content-addressed store: atomic, read-only, and never keeps a wrong file."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import Database, sqlite_url
from storage.mediastore import MediaStore, StoreError
from storage.schema import Case


def _file(tmp_path: Path, content: bytes) -> tuple[Path, str]:
    path = tmp_path / "in.bin"
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


def test_put_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    source, sha = _file(tmp_path, b"original bytes")
    path, new = store.put_file(source, sha)
    assert new and path == tmp_path / "media" / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == b"original bytes"
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.put_file(source, sha) == (path, False)  # second copy: nothing written
    assert list(store.iter_shas()) == [sha]
    assert list(store.tmp.iterdir()) == []


def test_put_refuses_bytes_that_do_not_match_and_leaves_nothing(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    source, _ = _file(tmp_path, b"changed since analysis")
    wrong = hashlib.sha256(b"what was analysed").hexdigest()
    with pytest.raises(StoreError, match="changed while it was being stored"):
        store.put_file(source, wrong)
    assert not store.has(wrong)
    assert list(store.tmp.iterdir()) == []


def test_interrupted_write_leaves_only_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MediaStore(tmp_path / "media")
    source, sha = _file(tmp_path, b"x" * 10_000)

    def crash(*_args: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.put_file(source, sha)
    monkeypatch.undo()
    assert not store.has(sha)
    assert list(store.tmp.iterdir()) == []


def test_clean_temporary_removes_only_old_leftovers(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    old = store.tmp / "put-old.part"
    fresh = store.tmp / "put-fresh.part"
    old.write_bytes(b"1")
    fresh.write_bytes(b"2")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert store.clean_temporary() == 1
    assert not old.exists() and fresh.exists()


def test_path_refuses_non_digests(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


def test_times_are_stored_utc_and_come_back_aware(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "w.sqlite"))
    aleppo = timezone(timedelta(hours=3))
    with db.transaction() as s:
        s.add(Case(name="t", created_at=datetime(2015, 6, 1, 10, 0, tzinfo=aleppo)))
    with db.read() as s:
        case = s.scalar(select(Case))
        assert case is not None
        assert case.created_at == datetime(2015, 6, 1, 7, 0, tzinfo=UTC)
        assert case.created_at.tzinfo is UTC
    with pytest.raises(Exception, match="naive datetime"), db.transaction() as s:
        s.add(Case(name="naive", created_at=datetime(2015, 6, 1, 10, 0)))
    db.close()


def test_staged_copy_is_invisible_until_committed(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    staged = store.stage(b"from memory", hashlib.sha256(b"from memory").hexdigest())
    sha = hashlib.sha256(b"from memory").hexdigest()
    assert not store.has(sha) and list(store.iter_shas()) == []
    assert staged.parent == store.tmp and staged.read_bytes() == b"from memory"
    path, new = store.commit(staged, sha)
    assert new and store.has(sha) and not staged.exists()
    again = store.stage(b"from memory", sha)
    assert store.commit(again, sha) == (path, False)  # already there: the copy is dropped
    assert list(store.tmp.iterdir()) == []
