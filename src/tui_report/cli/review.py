"""`tui-report review DIR`: every unit's report at once (the county office's review desk).

Exit 0 when every roster unit is 已完成 (in a folder using the review workflow: 已通过 or 已发布),
1 otherwise, 2 when DIR (or the roster) cannot be read.
On a terminal without --json/-o it opens the review screen.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err, out_json, say
from tui_report.host.terminal import utf8_terminal_problem
from tui_report.model.linebreak import clip
from tui_report.model.linebreak import pad as fill

if TYPE_CHECKING:
    from tui_report.review.desk import Review
    from tui_report.review.unitrow import UnitRow


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = sub.add_parser(
        "review",
        help="汇总审核：一个文件夹里各单位报告的状态（县政务公开办用）",
        description="列出文件夹里每个单位报告的状态。全部名册单位已完成（使用报送审核时：已通过或已发布）时退出码为 0，否则为 1；文件夹或名册无法读取时为 2。在终端里不带 --json、-o 时打开审核界面。",
    )
    review.add_argument("folder", type=Path, metavar="文件夹", help="存放各单位报告的文件夹")
    review.add_argument(
        "--roster", type=Path, default=None, help="单位名册（默认用 文件夹/roster.toml，如果有的话）"
    )
    review.add_argument("--year", type=int, default=None, help="年度（默认：文件夹里最新的年度）")
    review.add_argument("--json", action="store_true", help="每个单位输出一行 JSON")
    review.add_argument("-o", "--output", type=Path, default=None, help="写出汇总表（.xlsx）")


def pad(text: str, width: int) -> str:
    """``text`` (control characters escaped first) in exactly ``width`` terminal cells: cut (no
    mark), or filled with spaces."""
    from tui_report.host.terminal import escape_line

    return fill(clip(escape_line(text), width, mark=""), width)


def row_lines(row: UnitRow) -> list[str]:
    """A unit's row: the line of figures, then the file name and the problem (each one line: a
    newline in a file name is shown as ``\\n`` by :func:`tui_report.cli.common.say`)."""
    editing = f"{row.editor.who}编辑中" if row.editor else ""
    saved = f"{row.saved_at:%m-%d %H:%M} {row.saved_by}" if row.saved_at else ""
    flags = f"{row.errors:>4} {row.warnings:>4} {row.copied_text:>4}"
    exported = "已导出" if row.exported else ""
    name = row.unit or "（无法读取）"
    line = f"{pad(row.state_label, 8)} {pad(name, 24)} {flags}  {pad(saved, 20)} {pad(exported, 6)} {editing}"
    tail = row.file_name + (f"  {row.problem}" if row.problem else "")
    return [line.rstrip()] + ([f"         {tail}"] if tail else [])


def print_text(review: Review) -> None:
    year = f"{review.year}年度 " if review.year else ""
    roster = f"（名册：{review.roster}）" if review.roster else "（无名册：按文件夹中的报告）"
    say(f"{year}报告汇总 {review.folder}{roster}")
    say(review.count_line())
    say("")
    say(f"{pad('状态', 8)} {pad('单位', 24)} 错误 警告 雷同  {pad('最后保存', 20)} 导出")
    for row in review.rows:
        for line in row_lines(row):
            say(line)
        note = workflow_note(row, review.uses_workflow)
        if note:
            say(f"         {note}")
    county = county_line(review)
    if county:
        say("")
        say(f"合计（各单位相加）：{county}")


def workflow_note(row: UnitRow, uses_workflow: bool) -> str:
    """``审核：退回修改：2条意见；逾期 3 天（联系人 张三）；与 b.toml 重复`` (empty when nothing to say)."""
    parts = [f"审核：{row.workflow.title()}"] if uses_workflow else []
    if row.overdue_days:
        contact = f"（联系人 {row.contact}）" if row.contact else ""
        parts.append(f"逾期 {row.overdue_days} 天{contact}")
    if row.duplicate_of:
        parts.append(f"与 {row.duplicate_of} 是同一单位同一年度的报告（重复）")
    return "；".join(parts)


def county_line(review: Review) -> str:
    """The county's indicators, e.g. ``新收 120，公开率 61.2%``."""
    from tui_report.model.indicators import format_figure, review_spec

    if not review.template or not review.county_indicators:
        return ""
    parts = []
    for indicator in review_spec(review.template).indicators:
        value = review.county_indicators.get(indicator.id)
        if value is not None:
            parts.append(f"{indicator.short} {format_figure(value, indicator.format)}")
    return "，".join(parts)


def run(args: argparse.Namespace) -> int:
    from tui_report.review.columns import row_json
    from tui_report.review.desk import ReviewError, review_folder

    if not args.json and args.output is None and sys.stdout.isatty() and sys.stdin.isatty():
        return open_screen(args)
    try:
        review = review_folder(args.folder, args.roster, args.year)
    except ReviewError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    if args.output is not None:
        from tui_report.review.workbook import WorkbookError, write_workbook

        try:
            write_workbook(review, args.output)
        except WorkbookError as exc:
            err(str(exc))
            return EXIT_UNREADABLE
    if args.json:
        for row in review.rows:
            out_json(row_json(row))
    elif args.output is not None:
        say(f"已写出汇总表 {args.output}：{review.count_line()}")
    else:
        print_text(review)
    return EXIT_OK if review.all_done else EXIT_FINDINGS


def open_screen(args: argparse.Namespace) -> int:
    from tui_report.review.discovery import ReviewError, find_reports

    try:
        find_reports(args.folder)
    except ReviewError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    problem = utf8_terminal_problem(sys.stdout.encoding)
    if problem is not None:
        err(problem)
        return 2
    # The desk's first reading starts before the app's code loads (~0.5 s): its pool of processes
    # reads the reports meanwhile.
    from tui_report.review.deskread import start_reading

    gc.disable()  # until the desk's first rows are shown (tui/reviewapp.py), as cli.run_app does
    reading = start_reading(args.folder, args.roster, args.year)
    try:
        from tui_report.tui.reviewapp import run_review_app
    except ImportError as exc:
        err(f"无法启动审核界面：{exc}")
        return EXIT_UNREADABLE
    return run_review_app(args.folder, args.roster, args.year, reading)
