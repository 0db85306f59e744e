"""Telegram Desktop exports (``result.json``) as posts.

Two shapes: one chat (``{"name", "type", "id", "messages": [...]}``) or the whole account
(``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``). A message's ``text``
is a string or a list of strings and entity objects (``{"type": "hashtag", "text": ...}``);
``photo`` and ``file`` are paths relative to the folder holding ``result.json``, or a
"(File not included...)" note when the export left the media out. Service messages (joins,
pins, title changes) are not posts and are passed over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.claims.views import ImportIssue
from workbench.exchange.importers.model import Post, from_unix, is_file, url_identity, within

#: Chat types whose messages have a ``https://t.me/c/<chat id>/<message id>`` link (it
#: opens the message for the channel's or supergroup's members).
_LINKABLE = {"public_channel", "private_channel", "public_supergroup", "private_supergroup"}
_MEDIA_KEYS = ("photo", "file")


def is_export(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("messages"), list):
        return True
    return isinstance(value.get("chats"), dict) and isinstance(value["chats"].get("list"), list)


def chats_of(value: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(value.get("messages"), list):
        return [value]
    chats: list[dict[str, Any]] = []
    for group in ("chats", "left_chats"):
        listed = value.get(group)
        if isinstance(listed, dict) and isinstance(listed.get("list"), list):
            chats.extend(c for c in listed["list"] if isinstance(c, dict))
    return chats


def export_posts(value: dict[str, Any], path: Path) -> tuple[list[Post], list[ImportIssue]]:
    """Every message of every chat in the export, and the ones that could not be taken."""
    posts: list[Post] = []
    issues: list[ImportIssue] = []
    for chat in chats_of(value):
        chat_posts, chat_issues = _chat_posts(chat, path)
        posts += chat_posts
        issues += chat_issues
    return posts, issues


def _chat_posts(chat: dict[str, Any], path: Path) -> tuple[list[Post], list[ImportIssue]]:
    posts: list[Post] = []
    issues: list[ImportIssue] = []
    messages = chat.get("messages")
    name = str(chat.get("name") or "")
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        where = f"{path.name} chat {name or '?'} message {_id_of(message, index)}"
        if not isinstance(message, dict):
            issues.append(ImportIssue(where, "not a message object"))
            continue
        if message.get("type", "message") != "message":
            continue  # service message: a join, a pin, a title change
        post = _post(chat, message, index, where, path.parent, issues)
        if post is not None:
            posts.append(post)
    return posts, issues


def _id_of(message: Any, index: int) -> str:
    if isinstance(message, dict) and message.get("id") is not None:
        return str(message["id"])
    return f"#{index + 1}"


def flatten_text(value: Any) -> tuple[str, list[str]]:
    """The message's text as one string, and its hashtags (without ``#``)."""
    if isinstance(value, str):
        return value, []
    parts: list[str] = []
    tags: list[str] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            piece = str(item.get("text") or "")
            parts.append(piece)
            if item.get("type") == "hashtag" and piece.lstrip("#"):
                tags.append(piece.lstrip("#"))
    return "".join(parts), tags


def _post(
    chat: dict[str, Any],
    message: dict[str, Any],
    index: int,
    where: str,
    root: Path,
    issues: list[ImportIssue],
) -> Post | None:
    name = str(chat.get("name") or "")
    username = str(chat.get("username") or "").lstrip("@")
    text, tags = flatten_text(message.get("text"))
    if not text.strip() and message.get("text_entities"):
        text, tags = flatten_text(message.get("text_entities"))
    chat_key = str(chat.get("id") or name or "?")
    post = Post(
        key=f"telegram:{chat_key}:{_id_of(message, index)}",
        where=where,
        text=text,
        platform="telegram",
        handle=f"@{username}" if username else (name or str(message.get("from") or "")),
        display_name=name,
        post_url=_message_url(chat, message, username),
        posted_at=from_unix(message.get("date_unixtime")),
        tags=tags,
        version=1 if message.get("edited_unixtime") or message.get("edited") else 0,
    )
    if post.post_url:
        post.identities.add(url_identity(post.post_url))
    if text.strip():
        post.extra["original_text"] = text
    if post.posted_at is None and message.get("date"):
        post.notes.append(f"Sent {message['date']} (export machine's local time, zone unknown)")
    _context_notes(post, chat, message)
    _location(post, message)
    _media(post, message, root, where, issues)
    if not post.text.strip():
        post.text = _placeholder(message, post)
        if not post.text:
            issues.append(ImportIssue(where, "nothing to log: no text and no media"))
            return None
    return post


def _message_url(chat: dict[str, Any], message: dict[str, Any], username: str) -> str:
    message_id = message.get("id")
    if message_id is None:
        return ""
    if username:
        return f"https://t.me/{username}/{message_id}"
    if chat.get("type") in _LINKABLE and chat.get("id"):
        return f"https://t.me/c/{chat['id']}/{message_id}"
    return ""


def _context_notes(post: Post, chat: dict[str, Any], message: dict[str, Any]) -> None:
    """Who sent it (in a group the author is not the chat), what it forwards or answers."""
    sender = str(message.get("from") or "")
    sender_id = str(message.get("from_id") or "")
    chat_name = str(chat.get("name") or "")
    if (sender and sender != chat_name) or (not chat_name and sender_id):
        post.notes.append(f"From {sender or '?'}" + (f" ({sender_id})" if sender_id else ""))
    if message.get("forwarded_from"):
        post.notes.append(f"Forwarded from {message['forwarded_from']}")
    if message.get("reply_to_message_id") is not None:
        post.notes.append(f"Reply to message {message['reply_to_message_id']}")
    chat_type = chat.get("type")
    if chat_name or chat.get("id"):
        kind = f" ({chat_type})" if chat_type else ""
        chat_id = f" id {chat['id']}" if chat.get("id") else ""
        post.notes.append(f"Telegram chat {chat_name or '?'}{kind}{chat_id}")


def _location(post: Post, message: dict[str, Any]) -> None:
    spot = message.get("location_information")
    if isinstance(spot, dict):
        try:
            post.latitude = float(spot["latitude"])
            post.longitude = float(spot["longitude"])
        except (KeyError, TypeError, ValueError):
            post.latitude = post.longitude = None
    place = message.get("place_name")
    if isinstance(place, str):
        post.place_name = place


def _media(
    post: Post, message: dict[str, Any], root: Path, where: str, issues: list[ImportIssue]
) -> None:
    """Attach the photo or file when it is in the export; otherwise say so."""
    for key in _MEDIA_KEYS:
        relative = message.get(key)
        if not isinstance(relative, str) or not relative:
            continue
        if relative.startswith("("):  # "(File not included. Change data exporting settings...)"
            post.notes.append(f"{key.capitalize()} not in the export: {relative}")
            continue
        found = within(root, relative)
        if found is None:
            issues.append(ImportIssue(f"{where} {key}", f"{relative!r} is outside the export"))
        elif not is_file(found):
            post.notes.append(f"{key.capitalize()} missing from the export: {relative}")
            issues.append(ImportIssue(f"{where} {key}", f"file not found: {relative}"))
        else:
            post.media.append(found)


def _placeholder(message: dict[str, Any], post: Post) -> str:
    """Text for a message that is only media, a poll or a location (a claim needs text)."""
    poll = message.get("poll")
    if isinstance(poll, dict) and poll.get("question"):
        return f"Poll: {poll['question']}"
    for key in _MEDIA_KEYS:
        if isinstance(message.get(key), str) and message[key]:
            kind = message.get("media_type") or key
            return f"({str(kind).replace('_', ' ')} without text: {Path(message[key]).name})"
    if post.latitude is not None:
        return f"(location {post.latitude}, {post.longitude})"
    if message.get("sticker_emoji"):
        return f"(sticker {message['sticker_emoji']})"
    return ""
