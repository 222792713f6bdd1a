"""Input as a real terminal delivers it (the real ``tui-report`` in a pseudo-terminal, TERM=xterm):
a paste without bracketed-paste markers keeps U+3000 and U+00A0, a block copied from Excel comes
as one bracketed paste and one Ctrl+Z undoes it, and Esc+Ctrl+S in one write closes a dialog and
saves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reliability._pty import PtyProcess
from tui_report.storage.reportfile import load_report

StartApp = Callable[[Path], PtyProcess]
COLUMNS = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]


def test_raw_paste_keeps_ideographic_and_no_break_spaces(empty_report: Path, app_in_pty: StartApp) -> None:
    app = app_in_pty(empty_report)
    app.wait_for("报告信息")
    app.settle()
    app.wait_for("字数")  # the first open page of a blank report is a text part
    app.settle()
    pasted = "\u3000\u3000首行缩进\u00a0第二句。"
    app.send(pasted)  # one write, no \x1b[200~ … \x1b[201~ around it
    app.wait_for("第二句")
    app.settle()
    app.send("\x13")  # Ctrl+S
    app.wait_for(lambda s: "已保存" in s.splitlines()[0])
    saved = load_report(empty_report)
    assert pasted in saved.texts.values()


def _to_table_three(app: PtyProcess) -> None:
    app.wait_for("报告信息")
    app.settle()
    for _ in range(12):  # PgDn until 表三 shows
        if "申请人情况" in app.text():
            break
        app.send("\x1b[6~")
        app.settle(0.15)
    app.wait_for("申请人情况")


def test_an_excel_block_in_a_bracketed_paste_fills_the_table_and_one_undo_reverts_it(
    empty_report: Path, app_in_pty: StartApp
) -> None:
    app = app_in_pty(empty_report)
    _to_table_three(app)
    # Two rows of 表三 as Excel copies them (a total column, an empty cell, CR LF), as a terminal
    # sends a paste over SSH (tmux paste-buffer -p does the same).
    app.send("\x1b[200~1\t2\t\t3\t0\t0\t6\r\n4\t5\t6\t7\t8\t9\t39\r\n\x1b[201~")
    app.wait_for("已粘贴11格")
    app.settle()
    app.send("\x13")  # Ctrl+S
    app.wait_for(lambda s: "已保存" in s.splitlines()[0])
    saved = load_report(empty_report)
    assert [saved.entered("requests", f"new.{c}") for c in COLUMNS] == [1, 2, None, 3, 0, 0]
    assert [saved.entered("requests", f"carried_over.{c}") for c in COLUMNS] == [4, 5, 6, 7, 8, 9]
    app.send("\x1a")  # Ctrl+Z: the whole paste
    app.wait_for("*未保存")
    app.settle()
    app.send("\x13")
    app.wait_for(lambda s: "已保存" in s.splitlines()[0] and "*未保存" not in s)
    saved = load_report(empty_report)
    assert all(
        saved.entered("requests", f"{r}.{c}") is None for r in ("new", "carried_over") for c in COLUMNS
    )


def test_escape_and_ctrl_s_in_one_write_close_the_dialog_and_save(
    empty_report: Path, app_in_pty: StartApp
) -> None:
    app = app_in_pty(empty_report)
    _to_table_three(app)
    app.send("7\r")
    app.wait_for("*未保存")
    app.send("\x11")  # Ctrl+Q: unsaved changes, so the quit dialog asks
    app.wait_for("前要保存吗")
    app.settle()
    app.send("\x1b\x13")  # Esc (cancel the dialog) and Ctrl+S (save) in one packet
    screen = app.wait_for(lambda s: "已保存" in s.splitlines()[0] and "前要保存吗" not in s)
    assert app.poll() is None, screen  # still running: Esc cancelled the quit
    assert load_report(empty_report).entered("requests", "new.natural") == 7


def test_the_parser_reads_escape_then_the_key() -> None:
    """The workaround in tui/textual_compat.py still holds for this Textual (fails after an
    upgrade that changes the parser: adapt the workaround there)."""
    from textual._xterm_parser import XTermParser

    from tui_report.tui import textual_compat

    textual_compat.install()

    def keys(data: str) -> list[str]:
        parser = XTermParser()
        return [event.key for event in [*parser.feed(data), *parser.feed("")] if hasattr(event, "key")]

    assert keys("\x1b\x13") == ["escape", "ctrl+s"]
    assert keys("\x1bs") == ["escape", "s"]
    assert keys("\x1b[A") == ["up"]  # real escape sequences are untouched
    assert keys("\x1b[6~") == ["pagedown"]
