"""`tui-report rollup DIR -o SUM.toml [--unit 某某县]`: the units' tables added up into one report.

Exit 0 when the roll-up was written and has no errors, 1 when it was written but an input (and so
maybe the sum) has errors or could not be read, 2 when nothing could be written (SUM.toml exists
and no --force, someone edits it, the folder cannot be read). SUM.toml is written as the app saves
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


def run(args: argparse.Namespace) -> int:
    from tui_report.model.levels import level_choices, level_id
    from tui_report.model.rollup import RollupError, rollup
    from tui_report.model.rules import check, has_errors
    from tui_report.review.discovery import ReviewError, find_reports
    from tui_report.review.files import UnsafeFile, read_plain_file
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import decode_report_bytes, loads_report

    if output_exists(args.output) and not args.force:
        err(f"{args.output}：文件已存在，未覆盖（确需覆盖请加 --force）")
        return EXIT_UNREADABLE
    level = level_id(args.level)
    if level is None:
        err(f"--level 的值“{args.level}”无效，可选：{level_choices()}")
        return EXIT_UNREADABLE
    try:
        files = find_reports(args.folder).files
    except ReviewError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    reports = []
    status = EXIT_OK
    for path in files:
        if path.resolve() == args.output.resolve():
            continue  # an earlier roll-up written into the folder
        try:
            reports.append(loads_report(decode_report_bytes(read_plain_file(path), path), path))
        except (UnsafeFile, ReportFileError) as exc:
            from tui_report.review.roster import is_roster_file

            if not is_roster_file(path):
                err(f"跳过无法读取的文件 {path}：{exc}")
                status = EXIT_FINDINGS
    year = args.year if args.year is not None else max((r.year for r in reports), default=None)
    chosen = [r for r in reports if r.year == year]
    for report in chosen:
        if has_errors(check(report)):
            err(f"注意：{report.unit}的报告有错误，汇总结果可能也有错误")
            status = EXIT_FINDINGS
    unit = args.unit or args.folder.resolve().name
    try:
        total = rollup(chosen, unit, level)
    except RollupError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    if not write_report_file(args.output, total, overwrite=args.force):
        return EXIT_UNREADABLE
    errors = sum(1 for f in check(total) if f.severity == "error")
    say(f"已写出 {args.output}：{unit}{year}年度，汇总了{len(chosen)}份报告，{errors}个错误")
    if errors:
        status = EXIT_FINDINGS
    return status
