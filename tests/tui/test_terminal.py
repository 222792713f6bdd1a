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
from tui_report.storage.reportfile import load_report

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


def test_type_into_a_table_and_a_text_then_save(empty_report: Path, tmp_path: Path) -> None:
    tmux = Tmux(f"tui-report-test-{os.getpid()}")
    env = {
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "TUI_REPORT_STATE_DIR": str(tmp_path / "state"),
        # The code under test, whichever checkout or installation the tests import.
        "PYTHONPATH": str(Path(tui_report.__file__).resolve().parent.parent),
        "PATH": os.environ.get("PATH", ""),
    }
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    command = " ".join([*app_command(), str(empty_report)])
    try:
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
        tmux.wait_for(lambda s: "报告信息" in s and "前言" in s, "the wizard")
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
