"""The locks (requirements/*.lock) pin, with hashes, everything pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]).lower()


def _pinned(lock: Path) -> dict[str, list[str]]:
    """``{name: [version, ...]}`` of a lock (a name may be pinned per Python version)."""
    out: dict[str, list[str]] = {}
    text = lock.read_text(encoding="utf-8")
    for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, flags=re.M):
        out.setdefault(_name(name), []).append(version)
    return out


@pytest.mark.parametrize(("lock", "extras"), [("app.lock", ()), ("dev.lock", ("dev",))])
def test_each_dependency_is_pinned_with_hashes(lock: str, extras: tuple[str, ...]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    path = ROOT / "requirements" / lock
    pinned = _pinned(path)
    missing = [r for r in wanted if _name(r) not in pinned]
    assert not missing, f"{lock} lacks {missing}: run `make lock`"
    entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text(encoding="utf-8"))
    for entry in entries:
        if "==" in entry.split("\n")[0]:
            assert "--hash=sha256:" in entry, entry.split("\n")[0]
