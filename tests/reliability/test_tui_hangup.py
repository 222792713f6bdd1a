"""The real ``tui-report`` in a pseudo-terminal at 80×24, TERM=xterm: type into a table (and a text),
lose the terminal without saving, reopen: the edit is offered back and equals what was typed.

Ways to lose it: the terminal closes (what sshd does when a connection drops), SIGTERM, SIGHUP,
kill -9 (the journal holds every committed edit), and a hang-up whose SIGHUP never reaches the app
(the dead-terminal watchdog must still end it within 3 s, instead of Textual spinning).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui_report.safety.lock import current_owner
from tui_report.session import EditSession
from tui_report.storage.reportfile import load_report

from ._helpers import PY, child_env
from ._pty import PtyProcess

NO_SIGHUP = Path(__file__).with_name("no_sighup.py")
EXIT_LIMIT = 3.0
PAGE_DOWN = "\x1b[6~"
pytestmark = pytest.mark.slow


def app_argv(report: Path) -> list[str]:
    return [PY, "-m", "tui_report", str(report)]


@pytest.fixture
def app_in_pty(empty_report: Path) -> Iterator[Callable[..., PtyProcess]]:
    started: list[PtyProcess] = []

    def start(*, no_sighup: bool = False) -> PtyProcess:
        argv = app_argv(empty_report)
        if no_sighup:
            argv = [PY, str(NO_SIGHUP), *argv]
        proc = PtyProcess(argv, child_env(TERM="xterm", LANG="C.UTF-8"), cols=80, rows=24)
        started.append(proc)
        proc.wait_for("报告信息")
        proc.settle()
        return proc

    yield start
    for proc in started:
        proc.close()


def type_into_table_three(proc: PtyProcess) -> None:
    """PgDn from the first open page until table 三 shows."""
    for _ in range(12):
        if "申请人情况" in proc.text():
            break
        proc.send(PAGE_DOWN)
        proc.settle(0.15)
    proc.wait_for(lambda s: "三、收到和处理政府信息公开申请情况" in s and "申请人情况" in s)
    proc.type("12")
    proc.send("\r")
    proc.type("3")
    proc.send("\t")
    # The cell line under the grid names the cell after the second one: both commits returned,
    # so both are in the journal (a commit journals before the screen moves on).
    proc.wait_for(
        lambda s: (
            "*未保存" in s.splitlines()[0]
            and _cell_line(s).startswith("二、上年结转")
            and "法人" in _cell_line(s)
        )
    )


def _cell_line(screen: str) -> str:
    lines = [line.strip() for line in screen.splitlines() if " | " in line and "申请人情况" in line]
    return lines[-1].split("  ", 1)[-1].strip() if lines else ""


def reopen_and_recover(report: Path) -> EditSession:
    assert current_owner(report) is None  # the lock went with the process
    session = EditSession.open(report)
    assert session.pending_recovery() is not None  # 恢复 / 查看差异 / 丢弃 would be offered
    session.recover()
    return session


@pytest.mark.parametrize("how", ["close the terminal", "SIGTERM", "SIGHUP", "SIGHUP never arrives"])
def test_table_edit_survives(how: str, app_in_pty: Callable[..., PtyProcess], empty_report: Path) -> None:
    proc = app_in_pty(no_sighup=how == "SIGHUP never arrives")
    type_into_table_three(proc)
    if how in ("close the terminal", "SIGHUP never arrives"):
        moment = proc.hangup()
    else:
        moment = proc.signal(getattr(signal, how))
    code = proc.wait(timeout=10)
    seconds = time.monotonic() - moment
    assert seconds <= EXIT_LIMIT, f"exit took {seconds:.2f} s"
    assert code in (128 + signal.SIGHUP, 128 + signal.SIGTERM), code
    session = reopen_and_recover(empty_report)
    assert session.report.entered("requests", "new.natural") == 12
    assert session.report.entered("requests", "carried_over.natural") == 3
    session.close(discard=True)


def test_kill_9_keeps_committed_cells(app_in_pty: Callable[..., PtyProcess], empty_report: Path) -> None:
    proc = app_in_pty()
    type_into_table_three(proc)
    proc.signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    session = reopen_and_recover(empty_report)
    assert session.report.entered("requests", "new.natural") == 12
    assert session.report.entered("requests", "carried_over.natural") == 3
    session.close(discard=True)


def test_text_being_typed_survives_a_hang_up(
    app_in_pty: Callable[..., PtyProcess], empty_report: Path
) -> None:
    proc = app_in_pty()
    proc.wait_for("字数")  # a blank report opens on its first required text part, (一)
    proc.send("\x1b[5~")  # PgUp: the optional 总体情况概述 before it
    proc.wait_for(lambda s: "总体情况概述" in s and "字数" in s)
    text = "本年度全面推进政务公开，信息严格审查。"
    proc.type(text)
    proc.wait_for("信息严格审查")  # in the box, never left it, never saved
    moment = proc.hangup()
    proc.wait(timeout=10)
    assert time.monotonic() - moment <= EXIT_LIMIT
    session = reopen_and_recover(empty_report)
    assert session.report.texts["overview.summary"] == text
    session.close(discard=True)


def test_reopened_app_offers_the_edit_back(app_in_pty: Callable[..., PtyProcess], empty_report: Path) -> None:
    proc = app_in_pty()
    type_into_table_three(proc)
    proc.hangup()
    proc.wait(timeout=10)
    again = app_in_pty()
    again.wait_for("发现上次未保存的修改")
    again.send("r")  # 恢复
    again.wait_for(lambda s: "已恢复" in s or "*未保存" in s.splitlines()[0])
    again.send("\x13")  # Ctrl+S
    again.wait_for(lambda s: "已保存" in s.splitlines()[0])
    saved = load_report(empty_report)
    assert saved.entered("requests", "new.natural") == 12
    assert saved.entered("requests", "carried_over.natural") == 3
    again.send("\x11")  # Ctrl+Q
    assert again.wait(timeout=10) == 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
