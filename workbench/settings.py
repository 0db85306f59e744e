"""The analyst's settings: declared once, with a type and a default, stored as JSON.

Each setting is an :class:`Option` (after MusicBrainz Picard's declared options): its key in
the file, its default, and a ``convert`` that turns whatever the file holds into a value of
the right type or refuses it. A missing or unreadable file, or one bad value, gives the
defaults (with a warning in the log), never a crash. Only values somebody set are written,
so a default that depends on the machine (the user name) keeps following the machine.
Writes are atomic: a temporary file in the same folder, flushed, then renamed over.

The file lives in the platform's config folder (``platformdirs.user_config_dir``), or at
``$WORKBENCH_SETTINGS``, or wherever a caller (a test) says.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

from workbench.base.errors import ValidationError, WorkbenchError
from workbench.base.files import atomic_write
from workbench.claims import fields
from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.workspace import APP_NAME, default_analyst

ENV_SETTINGS = "WORKBENCH_SETTINGS"
SETTINGS_FILE = "settings.json"
MAX_RECENT = 8
MAX_DISTANCE_LIMIT = 32  # the bits that can differ in a 64-bit hash before it means nothing

log = logging.getLogger(__name__)
T = TypeVar("T")


class SettingsError(WorkbenchError):
    """The settings could not be saved (the old file, if any, is untouched)."""


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: Callable[[], T]
    convert: Callable[[Any], T]  # raises ValueError or TypeError for a value it refuses
    doc: str = ""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value.strip()


def _analyst(value: Any) -> str:
    name = _text(value)
    if not name:
        raise ValueError("an empty name")
    if len(name) > 200:
        raise ValueError("longer than 200 characters")
    return name


def _threshold(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    if not 0 <= value <= MAX_DISTANCE_LIMIT:
        raise ValueError(f"outside 0..{MAX_DISTANCE_LIMIT}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value


def normalise_folder(folder: str | os.PathLike[str]) -> str:
    """One spelling per folder (``~`` expanded, absolute, no ``..``), so the recent list
    holds each workspace once. Does not touch the disk: the folder may be unplugged."""
    text = os.fspath(folder).strip()
    if not text:
        raise ValueError("an empty folder name")
    return os.path.normpath(os.path.abspath(os.path.expanduser(text)))


def _folder_or_empty(value: Any) -> str:
    text = _text(value)
    return normalise_folder(text) if text else ""


def recent_list(folders: Iterable[Any]) -> list[str]:
    """Most recent first, each folder once, at most ``MAX_RECENT``."""
    out: list[str] = []
    for folder in folders:
        if not isinstance(folder, str | os.PathLike):
            raise TypeError("not a list of folder names")
        name = normalise_folder(folder)
        if name not in out:
            out.append(name)
    return out[:MAX_RECENT]


def _recent(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return recent_list(value)


ANALYST: Option[str] = Option(
    "analyst", default_analyst, _analyst, "the name recorded in the audit trail"
)
DUPLICATE_THRESHOLD: Option[int] = Option(
    "duplicate_threshold",
    lambda: DEFAULT_MAX_DISTANCE,
    _threshold,
    "largest hash distance (0-32) still reported as 'seen before'",
)
LAST_WORKSPACE: Option[str] = Option(
    "last_workspace", str, _folder_or_empty, "the workspace folder opened last ('' = none)"
)
RECENT_WORKSPACES: Option[list[str]] = Option(
    "recent_workspaces", list, _recent, "workspace folders opened, most recent first"
)
SAMPLE_OFFERED: Option[bool] = Option(
    "sample_offered", lambda: False, _flag, "whether the sample case was offered already"
)


def _review_url(value: Any) -> str:
    try:
        return fields.url("review_url", _text(value))
    except ValidationError:
        raise ValueError("not an http(s) URL") from None


def _review_language(value: Any) -> str:
    try:
        code = fields.language(_text(value))
    except ValidationError:
        raise ValueError("not a language code like 'en'") from None
    if not code:
        raise ValueError("an empty language code")
    return code


REVIEW_URL: Option[str] = Option(
    "review_url",
    str,
    _review_url,
    "where the desk publishes its reviews; a ClaimReview's url is this and the claim's id",
)
REVIEW_LANGUAGE: Option[str] = Option(
    "review_language", lambda: "en", _review_language, "the language the desk's reviews are in"
)
MAP_TILES: Option[str] = Option(
    "map_tiles",
    str,
    _folder_or_empty,  # a file's path, spelled once the same way
    "an MBTiles file of raster tiles the map draws under the claims ('' = the world only)",
)
OPTIONS: tuple[Option[Any], ...] = (
    ANALYST,
    DUPLICATE_THRESHOLD,
    REVIEW_URL,
    REVIEW_LANGUAGE,
    MAP_TILES,
    LAST_WORKSPACE,
    RECENT_WORKSPACES,
    SAMPLE_OFFERED,
)


def default_settings_path() -> Path:
    """``$WORKBENCH_SETTINGS``, else ``settings.json`` in the platform's config folder."""
    from_env = os.environ.get(ENV_SETTINGS)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE


class Settings:
    """The settings held in one file. Read with ``settings[OPTION]`` or the properties;
    change with ``settings[OPTION] = value`` (checked), then ``save()``."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_settings_path()
        self._values: dict[str, Any] = {}  # only what was set or read from the file
        self._unknown: dict[str, Any] = {}  # keys of a newer version: kept, not used
        self.warnings: list[str] = []  # what ``load`` had to ignore, for a caller to show

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Settings:
        """The settings in ``path`` (default: :func:`default_settings_path`); the defaults
        for anything missing or unreadable."""
        settings = cls(path)
        settings.reload()
        return settings

    def reload(self) -> None:
        self._values, self._unknown, self.warnings = {}, {}, []
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(f"cannot read {self.path} ({exc}); using the defaults")
            return
        try:
            stored = json.loads(raw)
        except ValueError as exc:
            self._warn(f"{self.path} is not valid JSON ({exc}); using the defaults")
            return
        if not isinstance(stored, dict):
            self._warn(f"{self.path} does not hold settings; using the defaults")
            return
        known = {option.key: option for option in OPTIONS}
        for key, value in stored.items():
            option = known.get(key)
            if option is None:
                self._unknown[key] = value
                continue
            try:
                self._values[key] = option.convert(value)
            except (TypeError, ValueError) as exc:
                self._warn(f"{self.path}: {key} {value!r} is {exc}; using the default")

    def _warn(self, message: str) -> None:
        log.warning("%s", message)
        self.warnings.append(message)

    # -- reading and changing ----------------------------------------------------------

    def __getitem__(self, option: Option[T]) -> T:
        if option.key in self._values:
            value: T = self._values[option.key]
            return copy.copy(value)  # a caller changing a list must not change the settings
        return option.default()

    def __setitem__(self, option: Option[T], value: T) -> None:
        """Set a value, checked by the option (ValueError/TypeError if refused)."""
        self._values[option.key] = option.convert(value)

    def reset(self, option: Option[Any]) -> None:
        """Back to the default (and the default's later changes)."""
        self._values.pop(option.key, None)

    def is_set(self, option: Option[Any]) -> bool:
        return option.key in self._values

    @property
    def analyst(self) -> str:
        return self[ANALYST]

    @property
    def duplicate_threshold(self) -> int:
        return self[DUPLICATE_THRESHOLD]

    @property
    def last_workspace(self) -> Path | None:
        folder = self[LAST_WORKSPACE]
        return Path(folder) if folder else None

    @property
    def recent_workspaces(self) -> list[Path]:
        return [Path(folder) for folder in self[RECENT_WORKSPACES]]

    @property
    def sample_offered(self) -> bool:
        return self[SAMPLE_OFFERED]

    def remember_workspace(self, folder: str | os.PathLike[str]) -> None:
        """``folder`` was opened: it becomes the last workspace and heads the recent list."""
        name = normalise_folder(folder)
        self[LAST_WORKSPACE] = name
        self[RECENT_WORKSPACES] = [name, *self[RECENT_WORKSPACES]]

    def forget_workspace(self, folder: str | os.PathLike[str]) -> None:
        """Take ``folder`` off the recent list (it is gone, or the analyst says so)."""
        name = normalise_folder(folder)
        self[RECENT_WORKSPACES] = [f for f in self[RECENT_WORKSPACES] if f != name]
        if self[LAST_WORKSPACE] == name:
            self.reset(LAST_WORKSPACE)

    def as_dict(self) -> dict[str, Any]:
        """Every setting's current value (defaults included), by key."""
        return {option.key: self[option] for option in OPTIONS}

    # -- writing -------------------------------------------------------------------------

    def save(self) -> None:
        """Write the file atomically; raises :class:`SettingsError` if it cannot."""
        document = {**self._unknown, **self._values}
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            atomic_write(self.path, text.encode("utf-8"))
        except WorkbenchError as exc:
            raise SettingsError(f"cannot save the settings: {exc}") from exc
