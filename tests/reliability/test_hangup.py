"""Hang-ups and termination: the journal is flushed, the lock released, the process gone within 3 s.

The guard is tested on its own, then wired into a minimal real Textual app (``mini_app.py``) in a
pseudo-terminal: type, then close the terminal / SIGTERM / kill -9 / close it with SIGHUP ignored,
reopen, and get back what was typed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui_report.safety.hangup import HangupGuard, install_hangup_handlers
from tui_report.safety.lock import current_owner
from tui_report.session import EditSession

from ._helpers import PY, child_env
from ._pty import PtyProcess

MINI_APP = Path(__file__).with_name("mini_app.py")
EXIT_LIMIT = 3.0  # seconds from hang-up to exit (issue 5)


# ---------------------------------------------------------------------- the guard on its own


def test_guard_without_loop_flushes_then_exits_once() -> None:
    calls: list[str] = []
    hard: list[int] = []
    fired = threading.Event()

    def hard_exit(code: int) -> None:
        hard.append(code)
        fired.set()

    guard = HangupGuard(
        lambda code: calls.append(f"exit {code}"),
        lambda: calls.append("flush"),
        hard_exit=hard_exit,
        grace=0.2,
    )
    started = time.monotonic()
    guard.trigger(143, "SIGTERM")
    guard.trigger(129, "again")  # only the first counts
    assert calls == ["flush", "exit 143"]
    assert fired.wait(5), "the exit timer never fired"  # an event with a deadline, not a sleep
    assert time.monotonic() - started >= 0.2 - 0.01  # … and not before its grace
    assert hard == [143]  # the timer ends the process whatever the app does


async def test_guard_in_a_loop_handles_real_signals() -> None:
    calls: list[str] = []
    hard: list[int] = []

    async def main() -> None:
        done = asyncio.Event()

        def on_exit(code: int) -> None:
            calls.append(f"exit {code}")
            done.set()

        guard = install_hangup_handlers(
            on_exit,
            lambda: calls.append(
                f"flush in loop thread {threading.current_thread() is threading.main_thread()}"
            ),
            tty_fd=None,
        )
        guard.hard_exit = hard.append
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(done.wait(), 5)
        finally:
            guard.cancel_exit_timer()
            guard.uninstall()

    previous = signal.getsignal(signal.SIGTERM)
    await main()
    assert signal.getsignal(signal.SIGTERM) == previous
    assert calls == ["flush in loop thread True", "exit 143"]
    assert hard == []


async def test_guard_flushes_from_a_thread_when_the_loop_is_stuck() -> None:
    flushed = threading.Event()
    flushed_while_stuck: list[bool] = []

    async def main() -> None:
        stuck = threading.Event()
        guard = install_hangup_handlers(lambda code: None, flushed.set, tty_fd=None)
        guard.hard_exit = lambda code: None
        guard.fallback_delay = 0.2

        def hang_up_soon() -> None:
            stuck.wait()
            guard.trigger(129, "terminal lost")

        threading.Thread(target=hang_up_soon, daemon=True).start()
        stuck.set()
        # The loop blocks (like Textual behind a full write queue on a stalled link) …
        flushed_while_stuck.append(flushed.wait(3))  # … and the flush still happens
        guard.cancel_exit_timer()
        guard.uninstall()

    await main()
    assert flushed_while_stuck == [True]


def test_guard_survives_a_failing_flush() -> None:
    exits: list[int] = []

    def broken() -> None:
        raise OSError("disk gone")

    guard = HangupGuard(exits.append, broken, hard_exit=lambda code: None)
    guard.trigger(129, "terminal lost")
    guard.cancel_exit_timer()
    assert exits == [129] and isinstance(guard.flush_error, OSError)


# ---------------------------------------------------------------------- a real Textual app in a pty


@pytest.fixture
def app_in_pty(report_file: Path) -> Iterator[Callable[..., PtyProcess]]:
    started: list[PtyProcess] = []

    def start(**env: str) -> PtyProcess:
        proc = PtyProcess([PY, str(MINI_APP), str(report_file)], child_env(TERM="xterm", **env))
        started.append(proc)
        proc.wait_for("MINI-READY")
        return proc

    yield start
    for proc in started:
        proc.close()


def _type_commit_then_more(proc: PtyProcess) -> None:
    proc.type("你好abc")
    proc.send("\r")
    proc.wait_for("COMMITTED 你好abc")  # shown after mark_edited returned: journaled
    proc.type("XYZ")  # typing within a second of the commit: debounced, not yet journaled
    proc.wait_for("你好abcXYZ")  # the app has it


def _reopen_and_recover(report: Path) -> str:
    assert current_owner(report) is None  # the lock is free
    session = EditSession.open(report)
    recovery = session.pending_recovery()
    assert recovery is not None
    assert [c.key for c in recovery.changes] == ["texts.other.main"]
    session.recover()
    text = session.report.texts["other.main"]
    session.save()
    session.close()
    return text


@pytest.mark.parametrize(
    "how",
    ["hangup", "SIGTERM", "SIGHUP", "SIGQUIT", "hangup, SIGHUP ignored"],
)
def test_type_then_lose_the_terminal(
    how: str, app_in_pty: Callable[..., PtyProcess], report_file: Path
) -> None:
    proc = app_in_pty(**({"MINI_IGNORE_HUP": "1"} if "ignored" in how else {}))
    _type_commit_then_more(proc)
    moment = proc.hangup() if how.startswith("hangup") else proc.signal(getattr(signal, how))
    proc.wait(timeout=10)
    assert time.monotonic() - moment <= EXIT_LIMIT
    assert _reopen_and_recover(report_file) == "你好abcXYZ"  # everything typed, even the debounced part


def test_kill_9_keeps_every_committed_edit(app_in_pty: Callable[..., PtyProcess], report_file: Path) -> None:
    proc = app_in_pty()
    _type_commit_then_more(proc)
    proc.signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    text = _reopen_and_recover(report_file)
    # The committed edit is there; the debounced typing may or may not have been written.
    assert text.startswith("你好abc") and "你好abcXYZ".startswith(text)


def test_ignored_sighup_does_not_spin(app_in_pty: Callable[..., PtyProcess]) -> None:
    """Without the watchdog, Textual's input thread spins at 100% CPU on a dead terminal."""
    proc = app_in_pty(MINI_IGNORE_HUP="1")
    proc.settle()
    before = _cpu_seconds(proc.pid)
    proc.hangup()
    proc.wait(timeout=10)
    usage = proc.rusage
    after = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
    assert after - before < 1.0  # the exit path, not a busy loop


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
