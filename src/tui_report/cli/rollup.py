"""`tui-report rollup DIR -o SUM.toml [--unit 某某县]`: the units' tables added up into one report.

Only finished work is summed — reports 已完成, 已通过 or 已发布 (no errors, nothing blank) — unless
``--all``; every unit left out is named with the reason. Exit 0 when the roll-up was written, has
no errors and left nobody out, 1 when it was written but a unit was left out or an input (and so
maybe the sum) has errors, 2 when nothing could be written (SUM.toml exists and no --force, someone
edits it, the folder cannot be read). SUM.toml is written as the app saves
(``session.replace_report_file``): under the edit lock, the file it replaces kept as a version.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_report.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    err,
    output_exists,
    say,
    write_report_file,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rollup = sub.add_parser(
        "rollup",
        help="汇总：把文件夹中各单位报告的表格相加，生成一份汇总报告",
        description="把文件夹中各单位同一年度报告的表格相加，生成一份汇总报告（文字部分留空，由汇总单位撰写）。",
    )
    rollup.add_argument("folder", type=Path, metavar="文件夹", help="存放各单位报告的文件夹")
    rollup.add_argument("-o", "--output", type=Path, required=True, help="汇总报告文件（.toml）")
    rollup.add_argument("--unit", default="", help="汇总报告的单位名称，如 某某县（默认：文件夹名）")
    rollup.add_argument("--level", default="county", help="汇总报告的层级，如 县级 或 county（默认县级）")
    rollup.add_argument("--year", type=int, default=None, help="年度（默认：文件夹里最新的年度）")
    rollup.add_argument(
        "--force", action="store_true", help="汇总报告文件已存在时覆盖（原文件保留为历史版本）"
    )
    rollup.add_argument(
        "--all",
        action="store_true",
        help="汇总全部可读的报告（默认只汇总已完成、已通过、已发布的报告，并列出未汇总的单位和原因）",
    )


def run(args: argparse.Namespace) -> int:
    from tui_report.model.levels import level_choices, level_id
    from tui_report.model.rollup import RollupError
    from tui_report.review.desk import ReviewError
    from tui_report.review.rollupfolder import rollup_folder

    if output_exists(args.output) and not args.force:
        err(f"{args.output}：文件已存在，未覆盖（确需覆盖请加 --force）")
        return EXIT_UNREADABLE
    level = level_id(args.level)
    if level is None:
        err(f"--level 的值“{args.level}”无效，可选：{level_choices()}")
        return EXIT_UNREADABLE
    unit = args.unit or args.folder.resolve().name
    try:
        rolled = rollup_folder(
            args.folder, unit, level, year=args.year, include_all=args.all, output=args.output
        )
    except (ReviewError, RollupError) as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    status = EXIT_OK
    for left in rolled.left_out:
        err(f"未汇总 {left.name}：{left.reason}")
        if left.counts:  # --all: as before, only a file left out counts
            status = EXIT_FINDINGS
    for note in rolled.notes:
        err(note)
    if not write_report_file(args.output, rolled.report, overwrite=args.force):
        return EXIT_UNREADABLE
    errors = rolled.errors
    what = "全部可读的报告" if args.all else "只汇总已完成、已通过、已发布的"
    say(
        f"已写出 {args.output}：{unit}{rolled.review.year}年度，汇总了{rolled.summed}份报告（{what}），{errors}个错误"
    )
    if errors:
        status = EXIT_FINDINGS
    return status
