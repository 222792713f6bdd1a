"""`tui-report doctor [DIR]`: is this server ready? Python, terminal, PDF fonts, LibreOffice, the
shared folder DIR and the operator's state folder, each ✓ / ! / ✗ with the fix in Chinese.

Exit 0 when everything essential passes (✓ or only !), 1 when any ✗.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = sub.add_parser(
        "doctor",
        help="环境检查：Python、终端、字体、LibreOffice、共享文件夹",
        description="检查服务器是否可以使用：每项显示 ✓（正常）、!（建议）或 ✗（必须修正），并写明修正方法。"
        "全部必需项目正常时退出码为 0，否则为 1。",
    )
    doctor.add_argument(
        "folder", type=Path, nargs="?", default=None, metavar="文件夹", help="报告所在的共享文件夹"
    )
    doctor.add_argument(
        "--no-render", action="store_true", help="不用 LibreOffice 试转换 PDF（省下几秒到几十秒）"
    )


def run(args: argparse.Namespace) -> int:
    from tui_report.admin.doctor import exit_code, run_checks
    from tui_report.admin.results import render

    sections = run_checks(args.folder, render=not args.no_render, probe_terminal=True)
    from tui_report.host.terminal import escape_controls

    # Each check's text is one line already (file names escaped by render); the rest is ours.
    sys.stdout.write(escape_controls(render(sections)) + "\n")
    sys.stdout.flush()
    return exit_code(sections)
