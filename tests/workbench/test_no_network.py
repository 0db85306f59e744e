"""No network access anywhere in the app (SQLite workspaces; PostgreSQL is the one door).

Every test here runs under a guard (autouse) that fails it if anything opens a connection
or looks a name up: ``socket.socket.connect``/``connect_ex``, ``socket.create_connection``,
``socket.getaddrinfo`` and friends are replaced, and an audit hook (PEP 578) catches the
same calls made on ``_socket`` directly and ``urllib`` requests. Attempts are recorded as
well as refused, so code that swallows the refusal (``except OSError``) still fails the
test. A socket opened by C code (FFmpeg's own protocols) never reaches Python's hooks; for
those, the guard also counts the process's open sockets in ``/proc/self/fd``.

Then a workspace is opened, real pictures and a video ingested and matched, every export
format written, a bag and a twarc file (with media URLs, which must not be fetched) and a
Telegram export imported, and the originals verified: the guard must have seen nothing.
``test_the_guard_catches_*`` prove the guard itself works.
"""

from __future__ import annotations

import _socket
import os
import re
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.exchange import EXPORT_FORMATS, SUFFIXES, export
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.importers import import_posts
from workbench.exchange.scope import ExportScope
from workbench.library.views import IngestStatus
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[1] / "data"


class NetworkUsed(RuntimeError):
    """Raised (and recorded) when the code under test reaches for the network."""


#: What the guard saw, while it is on; None when it is off.
_seen: list[str] | None = None
_AUDITED = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "socket.sendto",
    "urllib.Request",
}


def _refuse(what: str) -> None:
    if _seen is not None:
        _seen.append(what)
        raise NetworkUsed(f"network access: {what}")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _seen is not None and event in _AUDITED:
        _refuse(f"{event}{args[1:] if event == 'socket.connect' else args}"[:200])


sys.addaudithook(_audit)  # cannot be removed; it is a no-op while the guard is off


def _open_sockets() -> int | None:
    """Sockets this process holds open (Linux), or None where /proc is not there."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    count = 0
    for fd in fds.iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:  # closed while we looked
            continue
    return count


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail the test on any connection or name lookup (see the module docstring)."""
    global _seen
    seen: list[str] = []

    def refuse(name: str) -> Any:
        def replacement(*args: Any, **kwargs: Any) -> Any:
            _refuse(f"{name}{args[1:] if name.startswith('socket.socket.') else args}"[:200])

        return replacement

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    sockets_before = _open_sockets()
    _seen = seen
    try:
        yield seen
    finally:
        _seen = None
    assert seen == [], f"the network was used: {seen}"
    if sockets_before is not None:
        assert _open_sockets() == sockets_before, "a socket was left open (C code?)"


# -- the guard works -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.create_connection(("127.0.0.1", 9), timeout=0.1),
        lambda: socket.socket().connect(("127.0.0.1", 9)),
        lambda: socket.socket().connect_ex(("127.0.0.1", 9)),
        lambda: socket.getaddrinfo("example.com", 443),
        lambda: socket.gethostbyname("example.com"),
        lambda: socket.socket(socket.AF_UNIX).connect("/nonexistent.sock"),
        lambda: _socket.socket().connect(("127.0.0.1", 9)),  # below the patched class
        lambda: _socket.getaddrinfo("example.com", 443),
        lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=0.1),
    ],
    ids=[
        "create_connection",
        "connect",
        "connect_ex",
        "getaddrinfo",
        "gethostbyname",
        "unix-socket",
        "_socket.connect",
        "_socket.getaddrinfo",
        "urlopen",
    ],
)
def test_the_guard_catches_a_deliberate_connection(no_network: list[str], attempt: Any) -> None:
    try:
        attempt()
    except NetworkUsed:
        pass
    except OSError:  # swallowed by the caller, as real code might: still recorded
        pass
    assert no_network, "the guard missed it"
    no_network.clear()  # seen, as it should be: let the fixture's check pass


def test_the_guard_catches_a_swallowed_attempt(no_network: list[str]) -> None:
    def careless() -> None:
        try:
            socket.create_connection(("127.0.0.1", 9))
        except Exception:  # code that hides the failure must not hide the attempt
            return

    careless()
    assert len(no_network) == 1
    no_network.clear()


# -- the app makes no request --------------------------------------------------------------

PICTURES = [
    DATA / "exif" / "Canon_40D.jpg",
    DATA / "exif" / "exif_gps.jpg",  # GPS: coordinates are read, never looked up
    DATA / "exif" / "flower.webp",
    DATA / "exif" / "IMG_5195.HEIC",
    DATA / "neardup" / "hopper.jpg",
    DATA / "neardup" / "hopper.png",
]
VIDEO = DATA / "video" / "test_video.mp4"


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


def test_open_ingest_match_export_and_import_use_no_network(tmp_path: Path) -> None:
    with _open(tmp_path / "ws", "alice") as ws:
        claim = ws.claims.create(
            "fighters hold checkpoint",
            source=("twitter", "@someone"),
            post_url="https://twitter.com/someone/status/1",
            posted_at="2015-06-01T10:00Z",
            latitude=36.2,
            longitude=37.1,
        )
        results = ws.media.ingest([*PICTURES, VIDEO], claim_id=claim.id)
        assert [r.status for r in results] == [IngestStatus.ADDED] * (len(PICTURES) + 1)
        ws.claims.set_status(claim.id, "confirmed", "geolocated")
        matches = ws.media.match([DATA / "neardup" / "hopper.webp"])
        assert matches[0].matches  # the stored hopper.jpg
        assert ws.verifier.run() == []

        out = tmp_path / "out"
        out.mkdir()
        for fmt in EXPORT_FORMATS:
            path = out / f"export{SUFFIXES[fmt]}"
            done = export(ws, fmt, ExportScope(), path)
            assert done.claims == 1 and path.exists()
        html = (out / "export.html").read_text("utf-8")
        # Opening the report must not fetch anything either: no remote scripts, styles,
        # pictures or fonts (links to the post are fine: they are only followed by hand).
        assert not re.search(r"""(src|srcset)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert not re.search(r"""<link[^>]+href\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert not re.search(r"""url\(\s*["']?\s*(https?:)?//|@import""", html, re.I)

        twarc = import_posts(ws, DATA / "posts" / "twarc-csv" / "media_tweet.jsonl")
        assert twarc.refused is None and twarc.added  # media are URLs: listed, not fetched
        telegram = import_posts(ws, DATA / "posts" / "chat-miner" / "test_single_export.json")
        assert telegram.refused is None

    with _open(tmp_path / "other", "bob") as other:
        summary = import_bundle(other, out / f"export{SUFFIXES['bag']}")
        assert summary.refused is None and len(summary.added) == 1
        assert summary.media_added == len(PICTURES) + 1
        assert other.verifier.run() == []
