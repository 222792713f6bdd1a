"""`tui-report setup DIR [--roster FILE] [--apply]`: the folder layout of a county's year from the
roster — one group and one folder per unit, the year folder root's, the reviewers reading through
ACLs (docs/admin.md §5). A dry run by default: it prints the commands; `--apply` runs them (root).

Exit 0: the plan was printed, or applied and `doctor`'s layout checks pass; 1: applied, but a check
still fails (or a user the roster names does not exist); 2: the roster cannot be used, a command
failed, or --apply without root.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err

if TYPE_CHECKING:
    from tui_report.review.setup import Step


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    setup = sub.add_parser(
        "setup",
        help="按名册建立年度文件夹：每个单位一个组、一个文件夹，审核组只读（默认只显示命令）",
        description="按名册建立年度文件夹的布局：每个单位一个组、一个文件夹（2770），年度文件夹只属于系统管理员，"
        "审核组只能读取各单位的文件夹，审核意见文件夹由审核组写入、各单位只读。"
        "默认只显示要执行的命令；加 --apply 执行（需要管理员权限）。名册的写法见管理员手册。",
    )
    setup.add_argument("folder", type=Path, metavar="文件夹", help="年度文件夹（各单位的文件夹建在其中）")
    setup.add_argument(
        "--roster", type=Path, default=None, help="名册文件（默认：文件夹中的名册；指定时复制到文件夹中）"
    )
    setup.add_argument("--apply", action="store_true", help="执行这些命令（需要管理员权限）")


def run(args: argparse.Namespace) -> int:
    from tui_report.review.discovery import ROSTER_NAME
    from tui_report.review.roster import RosterError, load_layout
    from tui_report.review.setup import SetupError, apply_plan, plan_setup

    folder = Path(os.path.abspath(args.folder))
    roster_file = Path(os.path.abspath(args.roster)) if args.roster is not None else None
    try:
        roster = load_layout(roster_file or folder / ROSTER_NAME)
    except (RosterError, OSError, UnicodeDecodeError, ValueError) as exc:
        err(str(exc) if isinstance(exc, RosterError) else f"名册无法读取：{exc}")
        return EXIT_UNREADABLE
    plan = plan_setup(folder, roster, roster_file)
    head = f"{folder}：审核组 {roster.reviewers}，{len(roster.units)} 个单位"
    if not plan.steps:
        print(f"{head}。布局已与名册一致，无需改动。")
    elif not args.apply:
        print(f"{head}。要执行的命令（{len(plan.steps)} 条）：")
        _print_steps(plan.steps)
        print("以上命令尚未执行。确认后加 --apply 执行（需要 root）：")
        print(f"  sudo tui-report setup {shlex.quote(str(folder))}" + _roster_arg(roster_file) + " --apply")
    sys.stdout.flush()
    for note in plan.notes:
        err(f"注意：{note}")
    if not args.apply or not plan.steps:
        return EXIT_FINDINGS if plan.notes and args.apply else EXIT_OK
    if os.geteuid() != 0:
        err("--apply 需要 root 权限：sudo tui-report setup … --apply")
        return EXIT_UNREADABLE
    try:
        done = apply_plan(plan)
    except SetupError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    print(f"{head}。已执行 {done} 条命令。")
    return _check_after(folder, plan.notes)


def _roster_arg(roster_file: Path | None) -> str:
    return f" --roster {shlex.quote(str(roster_file))}" if roster_file is not None else ""


def _print_steps(steps: list[Step]) -> None:
    from tui_report.storage.layout import shell

    shown = ""
    for step in steps:
        if step.why != shown:
            print(f"  # {step.why}")
            shown = step.why
        print(f"  {shell([step.command])}")


def _check_after(folder: Path, notes: list[str]) -> int:
    """What doctor says of the layout now (its failures, with their fixes)."""
    from tui_report.admin.layout import year_folder_checks
    from tui_report.admin.results import Section, Status, render

    failed = [c for c in year_folder_checks(folder) if c.status is Status.FAIL]
    if failed:
        print(render([Section(f"仍未解决（tui-report doctor {folder}）", failed)]))
        return EXIT_FINDINGS
    print(f"检查通过：tui-report doctor {folder} 的文件夹布局各项正常。")
    return EXIT_FINDINGS if notes else EXIT_OK
