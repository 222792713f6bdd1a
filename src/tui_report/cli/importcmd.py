"""`tui-report import SOURCE -o OUT.toml`: a report from a Word (.docx), web (.html) or PDF document.

Exit 0 when a report was made (even with notes on what was placed with doubt), 2 when the source is
not a report it recognises or cannot be read, OUT exists (without --force) or is being edited.
OUT is written as the app saves (``session.replace_report_file``): under the edit lock, the file it
replaces kept as a version.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, output_exists, say, write_report_file
from tui_report.cli.new import level_arg
from tui_report.model.levels import LEVEL_WORDS


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import",
        help="从 Word、网页或 PDF 格式的报告导入，生成报告文件",
        description="从 Word、网页或 PDF 格式的报告导入，生成报告文件，并列出需要核对之处。"
        "退出码：0 已生成报告，2 不是能识别的年度报告或无法读取。",
    )
    imp.add_argument("source", type=Path, metavar="来源文件", help="要导入的报告（.docx、.html、.pdf）")
    imp.add_argument(
        "-o", "--output", type=Path, required=True, metavar="报告文件", help="生成的报告文件（.toml）"
    )
    imp.add_argument("--unit", default=None, help="单位名称（默认从标题读取）")
    imp.add_argument("--year", default=None, type=int, help="报告年度（默认从标题读取）")
    imp.add_argument(
        "--level",
        default=None,
        type=level_arg,
        help="单位层级：" + "、".join(LEVEL_WORDS.values()) + "（默认按单位名称推断）",
    )
    imp.add_argument("--force", action="store_true", help="报告文件已存在时覆盖")


def run(args: argparse.Namespace) -> int:
    from tui_report.importers import ImportFailure, import_report
    from tui_report.model.report import unit_problem
    from tui_report.model.template import LEVEL_LABELS

    if output_exists(args.output) and not args.force:
        err(f"{args.output}：文件已存在，未覆盖（确需覆盖请加 --force）")
        return EXIT_UNREADABLE
    try:
        result = import_report(args.source, args.unit, args.year, args.level)
    except ImportFailure as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    report = result.report
    if problem := unit_problem(report.unit, report.tpl):
        err(f"{args.source}：{problem}，未导入（用 --unit 指定单位名称）")
        return EXIT_UNREADABLE
    if not write_report_file(args.output, report, overwrite=args.force):
        return EXIT_UNREADABLE
    cells = sum(len(v) for v in report.values.values())
    level = LEVEL_LABELS[report.level] if report.level is not None else "单位层级未定"
    say(
        f"已导入 {args.source} → {args.output}：{report.title}"
        f"（{report.tpl.name}，{level}，{cells}个数，{len(report.texts)}段文字）"
    )
    if result.notes:
        say(f"请核对以下{len(result.notes)}处：")
        for note in result.notes:
            say(f"  {'注意' if note.severity == 'warning' else '提示'}：{note.message}")
    return EXIT_OK
