"""Issue #20 item 1 in a real terminal: plain ``tui-report`` (the start screen) in a folder whose
reports a colleague named ``坏[@click=(].toml`` with the unit ``某某乡[/]人民政府`` — before, the
app stopped with a MarkupError on every start. The names are shown as they are; a unit carrying a
terminal escape is shown escaped and its escape never reaches the terminal; a click on a unit
with a ``[@click=app.quit]`` span runs nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

import tui_report
from reliability._pty import PtyProcess
from tui_report.storage.reportfile import load_report, save_report

from .conftest import EXAMPLES


def put(folder: Path, name: str, unit: str) -> None:
    report = load_report(EXAMPLES / "full-2024.toml")
    report.unit = unit
    save_report(report, folder / name)


def test_start_screen_in_a_folder_of_hostile_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    put(folder, "坏[@click=(].toml", "某某乡[/]人民政府")
    put(folder, "丙.toml", "丙乡\x1b]0;evil\x07\u202e人民政府")
    put(folder, "乙.toml", "乙镇[@click=app.quit]点我[/]")
    monkeypatch.chdir(folder)
    env = {
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "TUI_REPORT_STATE_DIR": str(tmp_path / "state"),
        "PYTHONPATH": str(Path(tui_report.__file__).resolve().parent.parent),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    app = PtyProcess([sys.executable, "-m", "tui_report"], env)
    try:
        screen = app.wait_for("当前文件夹")
        app.settle()
        screen = app.text()
        assert "某某乡[/]人民政府" in screen and "坏[@click=(].toml" in screen, screen
        assert "丙乡\\x1b]0;evil\\x07\\u202e人民政府" in screen, screen
        assert "乙镇[@click=app.quit]点我[/]" in screen, screen
        assert b"\x1b]0;evil" not in app.raw and "\u202e".encode() not in app.raw
        # A click (SGR mouse report, 1-based) on 点我: the report opens; nothing quits.
        y, line = next((y, line) for y, line in enumerate(screen.splitlines()) if "点我" in line)
        x = cell_len(line[: line.index("点我")])  # the column (a wide character's second cell is empty)
        app.send(f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m")
        app.wait_for("已保存")  # the editor's title bar: the report is open
        app.settle()
        assert app.poll() is None, app.text()
        assert "乙镇[@click=app.quit]点我[/]" in app.text().splitlines()[0]
        app.send("\x11")  # Ctrl+Q
        assert app.wait(10) == 0
    finally:
        app.close()
