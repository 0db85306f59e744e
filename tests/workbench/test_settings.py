"""Settings: defaults, round trip, the recent list, and files that are missing or bad."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.settings import (
    ANALYST,
    DUPLICATE_THRESHOLD,
    ENV_SETTINGS,
    MAX_RECENT,
    RECENT_WORKSPACES,
    SAMPLE_OFFERED,
    Settings,
    SettingsError,
    default_settings_path,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


def test_defaults_without_a_file(path: Path) -> None:
    settings = Settings.load(path)
    assert settings.analyst == "tester"  # default_analyst(): $WORKBENCH_ANALYST in tests
    assert settings.duplicate_threshold == DEFAULT_MAX_DISTANCE
    assert settings.last_workspace is None
    assert settings.recent_workspaces == []
    assert settings.sample_offered is False
    assert settings.warnings == []
    assert not path.exists()  # reading never writes


def test_round_trip(path: Path, tmp_path: Path) -> None:
    settings = Settings.load(path)
    settings[ANALYST] = "  Rania  "
    settings[DUPLICATE_THRESHOLD] = 6
    settings[SAMPLE_OFFERED] = True
    settings.remember_workspace(tmp_path / "desk")
    settings.save()

    again = Settings.load(path)
    assert again.analyst == "Rania"
    assert again.duplicate_threshold == 6
    assert again.sample_offered is True
    assert again.last_workspace == tmp_path / "desk"
    assert again.recent_workspaces == [tmp_path / "desk"]
    assert again.as_dict() == settings.as_dict()
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_only_values_set_are_written(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.load(path)
    settings[SAMPLE_OFFERED] = True
    settings.save()
    assert json.loads(path.read_text(encoding="utf-8")) == {"sample_offered": True}
    monkeypatch.setenv("WORKBENCH_ANALYST", "someone else")
    assert Settings.load(path).analyst == "someone else"  # the default still follows


def test_values_are_checked(path: Path) -> None:
    settings = Settings.load(path)
    with pytest.raises(ValueError):
        settings[DUPLICATE_THRESHOLD] = 33
    with pytest.raises(ValueError):
        settings[ANALYST] = "   "
    with pytest.raises(TypeError):
        settings[DUPLICATE_THRESHOLD] = "7"  # type: ignore[assignment]
    settings[DUPLICATE_THRESHOLD] = 0
    settings[DUPLICATE_THRESHOLD] = 32
    assert settings.duplicate_threshold == 32


def test_recent_list_order_dedup_and_limit(path: Path, tmp_path: Path) -> None:
    settings = Settings.load(path)
    folders = [tmp_path / f"ws{i}" for i in range(MAX_RECENT + 3)]
    for folder in folders:
        settings.remember_workspace(folder)
    assert settings.recent_workspaces == folders[::-1][:MAX_RECENT]

    settings.remember_workspace(str(folders[5]) + os.sep)  # the same folder spelled again
    settings.remember_workspace(folders[5] / "sub" / "..")
    recent = settings.recent_workspaces
    assert recent[0] == folders[5]
    assert len(recent) == MAX_RECENT and len(set(recent)) == MAX_RECENT
    assert settings.last_workspace == folders[5]

    settings.forget_workspace(folders[5])
    assert folders[5] not in settings.recent_workspaces
    assert settings.last_workspace is None


def test_recent_list_returned_is_a_copy(path: Path, tmp_path: Path) -> None:
    settings = Settings.load(path)
    settings.remember_workspace(tmp_path / "a")
    settings[RECENT_WORKSPACES].append("/elsewhere")
    assert settings.recent_workspaces == [tmp_path / "a"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b"", b"null"],
    ids=["broken-json", "binary", "a-list", "empty", "null"],
)
def test_corrupt_file_gives_defaults_and_a_warning(
    path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="workbench.settings"):
        settings = Settings.load(path)
    assert settings.as_dict() == Settings.load(path.parent / "missing.json").as_dict()
    assert settings.warnings and caplog.records


def test_a_bad_value_falls_back_alone(path: Path, tmp_path: Path) -> None:
    path.parent.mkdir(parents=True)
    good = str(tmp_path / "ws")
    path.write_text(
        json.dumps(
            {
                "analyst": 42,
                "duplicate_threshold": 99,
                "recent_workspaces": [good, good],
                "sample_offered": "yes",
                "from_a_newer_version": {"keep": True},
            }
        ),
        encoding="utf-8",
    )
    settings = Settings.load(path)
    assert settings.analyst == "tester"
    assert settings.duplicate_threshold == DEFAULT_MAX_DISTANCE
    assert settings.recent_workspaces == [Path(good)]
    assert settings.sample_offered is False
    assert len(settings.warnings) == 3

    settings.save()  # what a newer version wrote survives an older one's save
    assert json.loads(path.read_text(encoding="utf-8"))["from_a_newer_version"] == {"keep": True}


def test_save_is_atomic_and_reports_failure(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.load(path)
    settings[ANALYST] = "first"
    settings.save()
    before = path.read_bytes()

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    settings[ANALYST] = "second"
    with pytest.raises(SettingsError, match="No space left"):
        settings.save()
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_SETTINGS, str(tmp_path / "elsewhere.json"))
    assert default_settings_path() == tmp_path / "elsewhere.json"
    monkeypatch.delenv(ENV_SETTINGS)
    default = default_settings_path()
    assert default.name == "settings.json" and "claim-workbench" in str(default)
