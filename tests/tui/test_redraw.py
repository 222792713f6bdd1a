"""重绘屏幕 (F12, or on the palette): text another program wrote over the screen goes, the report
comes back whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reliability._pty import PtyProcess


def test_redraw_removes_what_another_program_wrote(
    dama_copy: Path, app_in_pty: Callable[[Path], PtyProcess]
) -> None:
    # Partial updates leave out what the terminal already shows (textual_compat.SentPieces); what
    # another program wrote stays until the screen is sent whole.
    app = app_in_pty(dama_copy)
    app.wait_for("Ctrl+S 保存")
    app.settle()
    shown = app.text()
    # What `wall` does to an operator's terminal: text written straight over the screen.
    app.stream.feed("\x1b[22;2HBroadcast message from root: 系统将于今晚维护".encode())
    assert "Broadcast" in app.text()
    for key in ("\x1b[6~", "\x1b[5~"):  # PgDn, PgUp: what the keys change is drawn, nothing else
        app.send(key)
        app.settle()
    assert "Broadcast" in app.text()
    app.send("\x1b[24~")  # F12
    app.wait_for(lambda s: "Broadcast" not in s)
    app.settle()
    assert app.text() == shown


def test_redraw_is_on_the_palette() -> None:
    from textual.screen import Screen

    from tui_report.tui.app import ReportApp

    app = ReportApp(None)
    titles = {command.title: command.help for command in app.get_system_commands(Screen())}
    assert "F12" in titles["重绘屏幕"]
