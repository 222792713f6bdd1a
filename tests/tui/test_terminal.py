"""End to end: the real ``tui-report`` in a real pseudo-terminal (tmux) at 80×24 with TERM=xterm."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import tui_report
from tui_report.storage.reportfile import load_report, save_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20, check=False
        )
        return result.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "app")

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{text}")


def app_command() -> list[str]:
    script = shutil.which("tui-report")
    return [script] if script else [sys.executable, "-m", "tui_report"]


def start_in_tmux(tmux: Tmux, args: list[str], tmp_path: Path) -> None:
    """The real ``tui-report ARGS…`` in tmux session ``app`` (80×24, TERM=xterm), its exit code
    printed after it (``EXIT n``)."""
    env = {
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "TUI_REPORT_STATE_DIR": str(tmp_path / "state"),
        # The code under test, whichever checkout or installation the tests import.
        "PYTHONPATH": str(Path(tui_report.__file__).resolve().parent.parent),
        "PATH": os.environ.get("PATH", ""),
    }
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    command = " ".join([*app_command(), *args])
    tmux(
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "80",
        "-y",
        "24",
        "-c",
        str(tmp_path),
        *env_args,
        f"{command}; echo EXIT $?; sleep 30",
    )


def start_app(tmux: Tmux, report: Path, tmp_path: Path) -> None:
    """The real app on ``report`` in tmux, at its first page."""
    start_in_tmux(tmux, [str(report)], tmp_path)
    tmux.wait_for(lambda s: "报告信息" in s and "前言" in s, "the wizard")


def test_type_into_a_table_and_a_text_then_save(empty_report: Path, tmp_path: Path) -> None:
    tmux = Tmux(f"tui-report-test-{os.getpid()}")
    try:
        start_app(tmux, empty_report, tmp_path)
        # The first open page is the first required text part ((一)); the one before it is the
        # optional 总体情况概述.
        tmux("send-keys", "-t", "app", "PageUp")
        tmux.wait_for(lambda s: "总体情况概述" in s and "字数" in s, "the text part")
        text = "本年度全面推进政务公开，“三安全一稳定”信息严格审查。"
        tmux("send-keys", "-t", "app", "-l", text)
        tmux.wait_for(lambda s: "信息严格审查" in s, "the typed text")
        for _ in range(7):
            tmux("send-keys", "-t", "app", "PageDown")
        tmux.wait_for(lambda s: "三、收到和处理政府信息公开申请情况" in s and "申请人情况" in s, "table 三")
        tmux("send-keys", "-t", "app", "1", "2", "Enter", "3", "Tab")
        tmux.wait_for(lambda s: "*未保存" in s, "the unsaved mark")
        tmux("send-keys", "-t", "app", "C-s")
        screen = tmux.wait_for(lambda s: "已保存" in s, "the save")
        assert "*未保存" not in screen.splitlines()[0]
        saved = load_report(empty_report)
        assert saved.texts["overview.summary"] == text
        assert saved.entered("requests", "new.natural") == 12
        assert saved.entered("requests", "carried_over.natural") == 3
        tmux("send-keys", "-t", "app", "C-q")
        tmux.wait_for(lambda s: "报告信息" not in s, "the app to quit")
    finally:
        tmux("kill-server")


def test_an_excel_block_pasted_by_tmux_fills_one_row_per_sheet_row(
    empty_report: Path, tmp_path: Path
) -> None:
    """tmux pastes (paste-buffer -p: bracketed) with each LF turned into CR, so Excel's CR LF
    arrives as CR CR: still one grid row per sheet row; one Ctrl+Z undoes the paste."""
    tmux = Tmux(f"tui-report-paste-{os.getpid()}")
    block = tmp_path / "block.txt"
    block.write_bytes(b"3\t1\t\t0\t0\t2\t6\r\n1\t0\t0\t0\t0\t0\t1\r\n")
    try:
        start_app(tmux, empty_report, tmp_path)
        for _ in range(8):
            if "申请人情况" in tmux.screen():
                break
            tmux("send-keys", "-t", "app", "PageDown")
            time.sleep(0.3)
        tmux.wait_for(lambda s: "申请人情况" in s, "table 三")
        tmux("load-buffer", "-b", "excel", str(block))
        tmux("paste-buffer", "-p", "-b", "excel", "-t", "app")
        tmux.wait_for(lambda s: "已粘贴11格" in s, "the paste")
        tmux("send-keys", "-t", "app", "C-s")
        tmux.wait_for(lambda s: "已保存" in s.splitlines()[0], "the save")
        saved = load_report(empty_report)
        columns = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]
        assert [saved.entered("requests", f"new.{c}") for c in columns] == [3, 1, None, 0, 0, 2]
        assert [saved.entered("requests", f"carried_over.{c}") for c in columns] == [1, 0, 0, 0, 0, 0]
        tmux("send-keys", "-t", "app", "C-z")
        tmux.wait_for(lambda s: "已撤销：粘贴11格" in s, "the undo")
        tmux("send-keys", "-t", "app", "C-s")
        tmux.wait_for(lambda s: "已保存" in s.splitlines()[0], "the save after the undo")
        assert load_report(empty_report).values == {}
    finally:
        tmux("kill-server")


def test_the_review_desk_in_a_terminal_shows_every_unit_and_says_why_it_exits_1(tmp_path: Path) -> None:
    # ``tui-report review DIR`` starts reading the folder before it loads the app
    # (review/deskread.start_reading): the rows must still all come, and Ctrl+Q must still end it
    # with the desk's exit code (1: not every unit is done).
    folder = tmp_path / "county"
    folder.mkdir()
    example = load_report(EXAMPLES / "full-2024.toml")
    units = [f"示例县第{i}号单位" for i in range(12)]
    for i, unit in enumerate(units):
        save_report(example.model_copy(update={"unit": unit}), folder / f"r{i:02d}.toml")
    tmux = Tmux(f"tui-report-desk-{os.getpid()}")
    try:
        start_in_tmux(tmux, ["review", str(folder)], tmp_path)
        screen = tmux.wait_for(lambda s: "已完成" in s and "第0号单位" in s, "the desk's rows")
        assert "汇总审核" in screen
        tmux("send-keys", "-t", "app", "End")
        tmux.wait_for(lambda s: "第11号单位" in s, "the last unit")
        tmux("send-keys", "-t", "app", "C-q")
        tmux.wait_for(lambda s: "EXIT 1" in s, "the exit code")
    finally:
        tmux("kill-server")
