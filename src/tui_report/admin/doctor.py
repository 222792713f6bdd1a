"""``tui-report doctor``: every check in order, as sections for the CLI and the app's screen."""

from __future__ import annotations

import os
from pathlib import Path

from tui_report import __version__
from tui_report.admin.editing import editing_checks
from tui_report.admin.fonts import font_checks
from tui_report.admin.office import office_checks
from tui_report.admin.results import Section, failures, warn
from tui_report.admin.reviewfolder import review_folder_checks
from tui_report.admin.sharedfolder import folder_checks, umask_checks
from tui_report.admin.ssh import ssh_checks
from tui_report.admin.statefolder import state_checks
from tui_report.admin.terminal import python_checks, terminal_checks

__all__ = ["Section", "exit_code", "run_checks"]

EXIT_OK, EXIT_PROBLEMS = 0, 1


def run_checks(folder: Path | None, render: bool = True, probe_terminal: bool = False) -> list[Section]:
    """``probe_terminal``: ask the terminal how it draws Chinese (the CLI; not the app)."""
    sections = [
        Section(f"Python（tui-report {__version__}）", python_checks()),
        Section("终端", terminal_checks(probe=probe_terminal)),
        Section("PDF 字体", font_checks()),
        Section("LibreOffice", office_checks(render=render)),
    ]
    if folder is None:
        shared = [
            warn(
                "没有指定共享文件夹，未检查", "tui-report doctor 报告所在的文件夹（例如 /srv/nianbao/2025）"
            ),
            *umask_checks(os.environ),
        ]
        sections.append(Section("共享文件夹", shared))
    else:
        sections.append(Section(f"共享文件夹 {folder}", folder_checks(folder)))
        sections.append(Section("正在编辑的会话（管理员用）", editing_checks(folder)))
        review = review_folder_checks(folder)  # a unit's folder: the year folder's .review (#22)
        if review:
            sections.append(Section("报送审核（年度文件夹的 .review）", review))
    sections.append(Section("SSH 服务", ssh_checks()))
    sections.append(Section("个人状态文件夹", state_checks()))
    return sections


def exit_code(sections: list[Section]) -> int:
    return EXIT_PROBLEMS if failures(sections) else EXIT_OK
