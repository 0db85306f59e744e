"""Checking and normalising what an analyst types: each refusal names its field."""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from workbench.base.errors import ValidationError

STATUSES = ("unconfirmed", "confirmed", "refuted")
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}
#: How near a claim's coordinates are to the place (Atlos's vocabulary, lower case).
PRECISIONS = ("exact", "vicinity", "locality", "unknown")
LINK_ROLES = ("claim_media", "evidence", "counter_evidence")
#: Languages written right to left (ISO 639 codes), for text that names its language.
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"}
)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def text(field: str, value: Any, *, required: bool = False, max_len: int = 100_000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    value = value.strip()
    if required and not value:
        raise ValidationError(field, "must not be empty")
    if len(value) > max_len:
        raise ValidationError(field, f"is longer than {max_len} characters")
    return value


def url(field: str, value: Any) -> str:
    value = text(field, value, max_len=4000)
    if not value:
        return ""
    refusal = ValidationError(field, f"{value!r} is not an http(s) URL")
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        raise refusal  # spaces or control characters: a pasted sentence, not an address
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0  # .port raises on 99999 or "x"
    except ValueError:  # "http://[::1" (unclosed IPv6 bracket), a bad port
        raise refusal from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        raise refusal
    return value


def instant(field: str, value: Any) -> datetime | None:
    """A timezone-aware time; ISO 8601 text is parsed. A bare date means midnight UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        raw = value.strip()
        try:
            if len(raw) == 10:
                day = date.fromisoformat(raw)
                return datetime(day.year, day.month, day.day, tzinfo=UTC)
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                field, f"{raw!r} is not an ISO 8601 time (e.g. 2015-06-01T14:30+03:00)"
            ) from None
    if not isinstance(value, datetime):
        raise ValidationError(field, "must be a time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "needs a time zone (e.g. +03:00 or Z)")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before year 1 in UTC
        raise ValidationError(field, f"{value.isoformat()!r} is out of range") from None


def coordinate(field: str, value: Any, limit: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):  # True is not a latitude
            raise TypeError
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float(10**400)
        raise ValidationError(field, f"{value!r} is not a number") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValidationError(field, f"{value!r} is outside -{limit:g}..{limit:g}")
    return number


def credibility(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise TypeError  # True, 2.7: not a grade (int() would make them 1 and 2)
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        raise ValidationError("credibility", f"{value!r} is not a grade 1-6") from None
    if number not in CREDIBILITY:
        raise ValidationError("credibility", f"{value!r} is not a grade 1-6")
    return number


def reliability(value: Any) -> str:
    grade = text("reliability", value or "F").upper()
    if grade not in RELIABILITY:
        raise ValidationError("reliability", f"{value!r} is not an Admiralty grade A-F")
    return grade


def status(value: Any) -> str:
    if value not in STATUSES:
        raise ValidationError("status", f"{value!r} is not one of {', '.join(STATUSES)}")
    return str(value)


def precision(value: Any) -> str:
    """A location precision, any case ("Exact" as Atlos writes it); "" when not said."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    said = value.strip().lower() if isinstance(value, str) else value
    return choice("location_precision", said, PRECISIONS)


def role(value: Any) -> str:
    if value not in LINK_ROLES:
        raise ValidationError("role", f"{value!r} is not one of {', '.join(LINK_ROLES)}")
    return str(value)


def language(value: Any) -> str:
    code = text("original_language", value, max_len=16)
    if code and not _LANGUAGE.match(code):
        raise ValidationError("original_language", f"{code!r} is not a language code like 'ar'")
    return code


def labels(field: str, value: Any) -> list[str]:
    """Actors or tags: distinct, trimmed, in the order given."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    seen: list[str] = []
    for item in value:
        label = text(field, item, max_len=200)
        if label and label not in seen:
            seen.append(label)
    return seen


def is_right_to_left(text: str, language: str = "") -> bool:
    """Whether ``text`` reads right to left: its language names a right-to-left script, or
    its first strongly directional letter is right-to-left (the Unicode bidi rule P2)."""
    if language.split("-")[0].lower() in RTL_LANGUAGES:
        return True
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def ident(field: str, value: Any) -> uuid.UUID:
    """An id (a UUID, or its text)."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(field, f"{value!r} is not an id") from None


def choice(field: str, value: Any, choices: Sequence[str]) -> str:
    """One of ``choices``, exactly."""
    if value not in choices:
        raise ValidationError(field, f"{value!r} is not one of {', '.join(choices)}")
    return str(value)
