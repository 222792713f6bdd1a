"""The lock dialog as a colleague sees it (issue #23 item 2): a real second user, with a full name
in the system's account, edits the report in a terminal; the app (Pilot, 80×24) names that person,
since when and their last keystroke, and the unit's contact from the roster — and no command to
end the session (that is for administrators: ``tui-report doctor``). Root (two real users, as in
test_two_users.py)."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.host import procinfo
from tui_report.session import EditSession
from tui_report.tui.app import make_app
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.safety import LockDialog
from tui_report.tui.widgets.wrapped import WrappedText

from . import test_two_users
from ._helpers import EXAMPLE, _warm_imports
from .test_tui_safety import SIZE, on, until
from .test_two_users import Office, User, _become

users = test_two_users.users
office = test_two_users.office

ROSTER = """\
[[units]]
name = "尉氏县大马乡人民政府"
level = "乡镇"
contact = "李四 0371-12345678"
"""


@pytest.fixture(autouse=True, scope="module")
def full_name(users: tuple[str, str, str]) -> Iterator[None]:
    subprocess.run(["usermod", "-c", "王小明,,,", users[1]], check=True, capture_output=True)
    yield
    subprocess.run(["usermod", "-c", "", users[1]], check=False, capture_output=True)


class TerminalEditor:
    """``user`` editing ``report`` in a terminal of their own (a pseudo-terminal), until stopped."""

    def __init__(self, user: User, report: Path) -> None:
        _warm_imports()
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child, on the terminal
            try:
                _become(user)
                session = EditSession.open(report)  # noqa: F841  (holds the lock)
                os.write(1, b"READY\r\n")
                while True:
                    time.sleep(1)
            finally:
                os._exit(1)
        self.pid, self.fd = pid, fd
        seen = b""
        deadline = time.monotonic() + 20
        while b"READY" not in seen and time.monotonic() < deadline:
            seen += os.read(fd, 1024)
        assert b"READY" in seen, seen

    @property
    def tty(self) -> str:
        facts = procinfo.process_facts(self.pid)
        assert facts is not None and facts.tty
        return facts.tty

    def stop(self) -> None:
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


async def test_the_lock_dialog_names_the_colleague_their_last_keystroke_and_the_contact(
    office: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = office.folder / "年报.toml"
    shutil.copyfile(EXAMPLE, report)
    (office.folder / "roster.toml").write_text(ROSTER, encoding="utf-8")
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    colleague = TerminalEditor(office.op1, report)
    try:
        # Their last keystroke 12 minutes ago: the kernel stamps a terminal's access time on input.
        tty = Path("/dev") / colleague.tty
        os.utime(tty, (time.time() - 12 * 60 - 5, tty.stat().st_mtime))
        app = make_app(report)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, on(app, LockDialog), "the lock dialog")
            text = app.screen.query_one(".dialog-text", WrappedText).text
            guidance = app.screen.query_one(".guidance", WrappedText).text
            assert f"编辑人：王小明（{office.op1.name}）" in text, text
            assert f"（终端 {colleague.tty}）" in text, text
            assert "最后按键：12 分钟前" in text, text
            assert "单位联系人：李四  电话 0371-12345678（名册）" in text, text
            shown = text + guidance
            assert "kill" not in shown and str(colleague.pid) not in shown, shown
            assert "接管" not in shown  # not their own session
            await pilot.press("r")
            await until(pilot, on(app, EditorScreen), "the read-only editor")
            assert app.controller is not None and app.controller.read_only
            await pilot.press("ctrl+q")
    finally:
        colleague.stop()
