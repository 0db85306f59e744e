"""Tweets as posts: Twitter API v2 responses (what twarc2 writes, a page a line) and API
v1.1 statuses (what twarc v1 and the streaming API write, a status a line).

Only the archive is read: media are URLs on Twitter's servers, so they are listed in the
claim's notes, never downloaded (an import makes no network request).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from workbench.claims.views import ImportIssue
from workbench.exchange.importers.model import Post, language

_RETWEET_PREFIX = re.compile(r"^(RT @\w+: )")
_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def tweet_url(tweet_id: str, username: str | None) -> str:
    """The tweet's public address; without the author's name, Twitter's id-only form."""
    return f"https://twitter.com/{username or 'i/web'}/status/{tweet_id}"


def is_v2_response(value: Any) -> bool:
    """An API v2 response: ``data`` (a tweet or a list of tweets), or only ``errors``."""
    if not isinstance(value, dict):
        return False
    data = value.get("data")
    if isinstance(data, dict):
        data = [data]
    if isinstance(data, list):
        return all(isinstance(t, dict) and "id" in t and "text" in t for t in data)
    errors = value.get("errors")
    return (
        "data" not in value
        and isinstance(errors, list)
        and bool(errors)
        and all(isinstance(e, dict) and ("detail" in e or "title" in e) for e in errors)
    )


def is_v1_status(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and ("id_str" in value or "id" in value)
        and ("text" in value or "full_text" in value)
        and "created_at" in value
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _by(items: Any, key: str) -> dict[str, dict[str, Any]]:
    return {str(i[key]): i for i in _list(items) if isinstance(i, dict) and key in i}


# -- API v2 -----------------------------------------------------------------------------


class _Includes:
    """A v2 page's expansions: the users, media, places and tweets its tweets refer to."""

    def __init__(self, page: dict[str, Any]) -> None:
        includes = _dict(page.get("includes"))
        self.users = _by(includes.get("users"), "id")
        self.media = _by(includes.get("media"), "media_key")
        self.places = _by(includes.get("places"), "id")
        self.tweets = _by(includes.get("tweets"), "id")

    def username(self, tweet: dict[str, Any]) -> str | None:
        user = self.users.get(str(tweet.get("author_id")))
        return str(user["username"]) if user and user.get("username") else None

    def url_of(self, tweet_id: str) -> str:
        referenced = self.tweets.get(tweet_id)
        return tweet_url(tweet_id, self.username(referenced) if referenced else None)


def v2_posts(page: dict[str, Any], where: str) -> tuple[list[Post], list[ImportIssue]]:
    """The tweets of one v2 response, and its ``errors`` (each a skipped item)."""
    includes = _Includes(page)
    data = page.get("data")
    tweets = [data] if isinstance(data, dict) else _list(data)
    posts = [_v2_post(t, includes, where) for t in tweets if isinstance(t, dict)]
    issues = [ImportIssue(where, _v2_error(e)) for e in _list(page.get("errors"))]
    return posts, issues


def _v2_error(error: Any) -> str:
    error = _dict(error)
    what = " ".join(str(error[k]) for k in ("resource_type", "value") if error.get(k))
    reason = error.get("detail") or error.get("title") or "error from the API"
    return f"{what}: {reason}" if what else str(reason)


def unescape(text: str) -> str:
    """Twitter escapes exactly ``&``, ``<`` and ``>`` in tweet text (both API versions)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _v2_text(tweet: dict[str, Any]) -> str:
    """The whole text: a long tweet's ``note_tweet`` over its truncated ``text``."""
    note = _dict(tweet.get("note_tweet")).get("text")
    return unescape(str(note if note else tweet.get("text") or ""))


def _tweet_post(
    tweet_id: str,
    history: list[str],
    username: str | None,
    display_name: str,
    where: str,
    *,
    text: str,
    posted_at: datetime | None,
    lang: Any,
) -> Post:
    """A tweet of either API as a post: one claim per edit history (keyed by its first
    id, known by every id in it), the latest version winning."""
    history = history or [tweet_id]
    return Post(
        key=f"twitter:{history[0]}",
        where=f"{where} (tweet {tweet_id})",
        text=text,
        platform="twitter",
        handle=f"@{username}" if username else "",
        display_name=display_name,
        post_url=tweet_url(tweet_id, username),
        posted_at=posted_at,
        language=language(lang),
        identities={f"twitter:{i}" for i in [*history, tweet_id]},
        version=history.index(tweet_id) if tweet_id in history else len(history),
    )


def _v2_post(tweet: dict[str, Any], includes: _Includes, where: str) -> Post:
    tweet_id = str(tweet["id"])
    username = includes.username(tweet)
    user = includes.users.get(str(tweet.get("author_id")), {})
    history = [str(i) for i in _list(tweet.get("edit_history_tweet_ids"))]
    post = _tweet_post(
        tweet_id,
        history,
        username,
        str(user.get("name") or ""),
        where,
        text=_v2_text(tweet),
        posted_at=_iso_time(tweet.get("created_at")),
        lang=tweet.get("lang"),
    )
    if not username and tweet.get("author_id"):
        post.notes.append(f"Author: Twitter user id {tweet['author_id']} (not in the archive)")
    _v2_references(post, tweet, includes)
    _v2_geo(post, tweet, includes)
    entities = _dict(_dict(tweet.get("note_tweet")).get("entities")) or _dict(tweet.get("entities"))
    post.tags = [str(h["tag"]) for h in _list(entities.get("hashtags")) if _dict(h).get("tag")]
    for key in _list(_dict(tweet.get("attachments")).get("media_keys")):
        post.notes.append(_v2_media_note(str(key), includes.media.get(str(key))))
    _withheld(post, _dict(tweet.get("withheld")).get("country_codes"))
    post.extra["original_text"] = post.text
    return post


def _v2_references(post: Post, tweet: dict[str, Any], includes: _Includes) -> None:
    """Retweet, quote and reply links in the notes; a retweet gets its original's full text
    (the retweet's own text is cut at 140 characters)."""
    labels = {"retweeted": "Retweet of", "quoted": "Quotes", "replied_to": "Reply to"}
    for ref in _list(tweet.get("referenced_tweets")):
        ref = _dict(ref)
        ref_id = str(ref.get("id") or "")
        if not ref_id:
            continue
        label = labels.get(str(ref.get("type")), "Refers to")
        post.notes.append(f"{label} {includes.url_of(ref_id)}")
        original = includes.tweets.get(ref_id)
        prefix = _RETWEET_PREFIX.match(post.text)
        if ref.get("type") == "retweeted" and original and prefix:
            post.text = prefix[1] + _v2_text(original)


def _v2_geo(post: Post, tweet: dict[str, Any], includes: _Includes) -> None:
    geo = _dict(tweet.get("geo"))
    place = includes.places.get(str(geo.get("place_id")))
    if place:
        post.place_name = str(place.get("full_name") or place.get("name") or "")
        bbox = _dict(place.get("geo")).get("bbox")
        if bbox:
            post.notes.append(f"Place bounding box (W, S, E, N): {bbox}")
    _point(post, _dict(geo.get("coordinates")))


def _point(post: Post, geojson: dict[str, Any]) -> None:
    """A GeoJSON point: ``[longitude, latitude]``, in that order."""
    coords = _list(geojson.get("coordinates"))
    if geojson.get("type") == "Point" and len(coords) == 2:
        post.longitude, post.latitude = _number(coords[0]), _number(coords[1])


def _number(value: Any) -> float | None:
    """A coordinate (or a bit rate), or None for garbage (a point with a bad half is left
    out whole)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past 1e308
        return None
    return number if math.isfinite(number) else None


def _v2_media_note(key: str, media: dict[str, Any] | None) -> str:
    if media is None:
        return f"Media {key}: not described in the archive"
    return f"Media ({media.get('type', 'media')}, not downloaded): {_best_media_url(media)}"


def _best_media_url(media: dict[str, Any]) -> str:
    """A photo's URL; a video's highest-bit-rate MP4 (v2 ``variants`` or v1.1
    ``video_info.variants``), else its preview picture."""
    for key in ("url", "media_url_https", "media_url"):
        if media.get(key) and media.get("type", "photo") == "photo":
            return str(media[key])
    variants = _list(media.get("variants")) or _list(_dict(media.get("video_info")).get("variants"))
    mp4 = [_dict(v) for v in variants if _dict(v).get("content_type") == "video/mp4"]
    if mp4:
        return str(max(mp4, key=lambda v: _number(v.get("bit_rate")) or 0).get("url"))
    return str(
        media.get("preview_image_url") or media.get("media_url_https") or media.get("url") or "?"
    )


def _withheld(post: Post, countries: Any) -> None:
    if countries:
        post.notes.append("Withheld in: " + ", ".join(str(c) for c in _list(countries)))


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


# -- API v1.1 ---------------------------------------------------------------------------


def v1_text(status: dict[str, Any]) -> str:
    """The whole text: ``extended_tweet.full_text`` (streaming), ``full_text`` (extended
    mode), else ``text`` (which compat mode cuts at 140 characters)."""
    extended = _dict(status.get("extended_tweet"))
    text = extended.get("full_text") or status.get("full_text") or status.get("text") or ""
    return unescape(str(text))


def v1_post(status: dict[str, Any], where: str) -> Post:
    tweet_id = str(status.get("id_str") or status.get("id"))
    user = _dict(status.get("user"))
    username = str(user.get("screen_name") or "") or None
    edit = _dict(status.get("edit_history"))
    history = [str(i) for i in _list(edit.get("edit_tweet_ids"))]
    post = _tweet_post(
        tweet_id,
        history,
        username,
        str(user.get("name") or ""),
        where,
        text=v1_text(status),
        posted_at=_v1_time(status.get("created_at")),
        lang=status.get("lang"),
    )
    _v1_references(post, status)
    _v1_geo(post, status)
    extended = _dict(status.get("extended_tweet"))
    entities = _dict(extended.get("entities")) or _dict(status.get("entities"))
    hashtags = _list(entities.get("hashtags")) or _list(status.get("hashtags"))
    post.tags = [str(h["text"]) for h in hashtags if _dict(h).get("text")]
    media_holder = (
        _dict(extended.get("extended_entities"))
        or _dict(status.get("extended_entities"))
        or entities
    )
    for media in _list(media_holder.get("media")):
        media = _dict(media)
        post.notes.append(
            f"Media ({media.get('type', 'photo')}, not downloaded): {_best_media_url(media)}"
        )
    if status.get("truncated") and not extended and "full_text" not in status:
        post.notes.append("Text cut by the API (compat mode): the archive holds no full text")
    _withheld(post, status.get("withheld_in_countries"))
    post.extra["original_text"] = post.text
    return post


def _v1_references(post: Post, status: dict[str, Any]) -> None:
    original = _dict(status.get("retweeted_status"))
    if original:
        author = _dict(original.get("user")).get("screen_name")
        original_id = str(original.get("id_str") or original.get("id"))
        post.notes.append(f"Retweet of {tweet_url(original_id, author)}")
        if author:
            post.text = f"RT @{author}: {v1_text(original)}"
    quoted = _dict(status.get("quoted_status"))
    quoted_id = status.get("quoted_status_id_str") or quoted.get("id_str")
    if quoted_id:
        author = _dict(quoted.get("user")).get("screen_name")
        post.notes.append(f"Quotes {tweet_url(str(quoted_id), author)}")
    reply_id = status.get("in_reply_to_status_id_str")
    if reply_id:
        post.notes.append(
            f"Reply to {tweet_url(str(reply_id), status.get('in_reply_to_screen_name'))}"
        )


def _v1_geo(post: Post, status: dict[str, Any]) -> None:
    """``coordinates`` is GeoJSON (longitude first); the older ``geo`` is latitude first."""
    place = _dict(status.get("place"))
    if place:
        post.place_name = str(place.get("full_name") or place.get("name") or "")
        box = _dict(place.get("bounding_box")).get("coordinates")
        if box:
            post.notes.append(f"Place bounding box: {box}")
    _point(post, _dict(status.get("coordinates")))
    geo = _list(_dict(status.get("geo")).get("coordinates"))
    if post.latitude is None and len(geo) == 2:
        post.latitude, post.longitude = _number(geo[0]), _number(geo[1])


def _v1_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, _V1_TIME)
    except ValueError:
        return _iso_time(value)


# -- any tweet-bearing JSON value -------------------------------------------------------


def tweets_in(value: Any, where: str) -> tuple[list[Post], list[ImportIssue]] | None:
    """The posts in a v2 response, a v1.1 status, a v1.1 search response (``statuses``)
    or a list of statuses (a timeline); None when ``value`` holds no tweets at all."""
    if is_v2_response(value):
        return v2_posts(value, where)
    if is_v1_status(value):
        return [v1_post(value, where)], []
    if isinstance(value, dict) and isinstance(value.get("statuses"), list):
        value = value["statuses"]
    if isinstance(value, list) and value and all(is_v1_status(s) for s in value):
        return [v1_post(s, where) for s in value], []
    return None


def not_a_tweet(value: Any) -> str | None:
    """Why a record that is not a tweet was left, when it is a known kind of record."""
    if not isinstance(value, dict):
        return None
    if "delete" in value or "scrub_geo" in value:
        return "a deletion notice from the stream, not a tweet"
    if "limit" in value:
        return "a rate-limit notice from the stream, not a tweet"
    if "action" in value and "id" in value and "text" not in value:
        reason = f", reason: {value['reason']}" if value.get("reason") else ""
        return f"a compliance record ({value['action']}{reason}), not a tweet"
    if "error" in value or ("errors" in value and "data" not in value):
        return f"an error from the API, not tweets: {value.get('error') or value.get('errors')}"
    return None
