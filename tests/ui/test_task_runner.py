"""The task runner: work runs on a pool thread, its outcome comes back on the UI thread."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from ui.tasks import TaskRunner


def test_result_comes_back_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    ui_thread = threading.get_ident()
    seen: dict[str, Any] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(*, result: Any = None, error: BaseException | None = None) -> None:
        seen.update(result=result, error=error, delivered_on=threading.get_ident())

    runner.run_task(work, done)
    qtbot.waitUntil(lambda: "delivered_on" in seen, timeout=5000)
    assert seen["result"] == 42 and seen["error"] is None
    assert seen["worker"] != ui_thread
    assert seen["delivered_on"] == ui_thread
    assert runner.pending_count == 0


def test_an_exception_is_handed_back_not_lost(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, Any] = {}

    def work() -> None:
        raise ValueError("the file vanished")

    def done(*, result: Any = None, error: BaseException | None = None) -> None:
        seen.update(result=result, error=error)

    runner.run_task(work, done)
    qtbot.waitUntil(lambda: "error" in seen, timeout=5000)
    assert isinstance(seen["error"], ValueError)
    assert str(seen["error"]) == "the file vanished"
    assert seen["result"] is None
