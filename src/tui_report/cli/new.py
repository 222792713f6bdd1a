"""`tui-report new FILE`: a blank report, or one started from last year's (``--from``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, out, output_exists, write_report_file
from tui_report.cli.templates import find_template
from tui_report.model.levels import LEVEL_WORDS, level_id  # import-light: --help loads no pydantic

if TYPE_CHECKING:
    from tui_report.model.report import Report


def level_arg(value: str) -> str:
    """--level in English or Chinese → the key stored in the report file."""
    key = level_id(value)
    if key is None:
        raise argparse.ArgumentTypeError(
            f"无效的单位层级 {value!r}（可选：{'、'.join(LEVEL_WORDS.values())}）"
        )
    return key


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = sub.add_parser(
        "new",
        help="新建一份报告（空白，或从上年报告新建）",
        description="新建一份报告：空白报告需要 --unit 和 --year；用 --from 从上年报告新建时沿用单位和层级。"
        "文件已存在时不覆盖（加 --force 覆盖，原文件保留为历史版本）。",
    )
    new.add_argument("file", type=Path, help="要创建的报告文件（.toml）")
    new.add_argument(
        "--unit", default=None, help="单位名称，如：尉氏县大马乡人民政府（用 --from 时沿用上年）"
    )
    new.add_argument("--year", default=None, type=int, help="报告年度，如 2025（用 --from 时默认为上年加一）")
    new.add_argument(
        "--from",
        dest="from_file",
        metavar="上年报告",
        type=Path,
        default=None,
        help="从上年报告新建：沿用单位和层级，预填“上年结转”，保存上年数据供跨年核对",
    )
    new.add_argument(
        "--level",
        default=None,
        type=level_arg,
        help="单位层级："
        + "、".join(f"{zh}（{en}）" for en, zh in LEVEL_WORDS.items())
        + "；默认乡镇（用 --from 时沿用上年）",
    )
    new.add_argument(
        "--template",
        default=None,
        metavar="格式",
        help="报告格式：格式的年份，如 2019（默认按年度选择，见 tui-report templates）",
    )
    new.add_argument("--force", action="store_true", help="文件已存在时覆盖")


def run(args: argparse.Namespace) -> int:
    from tui_report.model.report import new_report, unit_problem, year_problem
    from tui_report.model.template import TemplateError, template_for_year

    if output_exists(args.file) and not args.force:
        err(f"{args.file}：文件已存在，未覆盖（确需覆盖请加 --force）")
        return EXIT_UNREADABLE
    if args.from_file is None and (args.unit is None or args.year is None):
        err("新建空白报告需要 --unit（单位名称）和 --year（年度）；从上年报告新建请用 --from 上年报告.toml")
        return EXIT_UNREADABLE
    if args.year is not None and (problem := year_problem(args.year)):
        err(f"--year 的值 {problem}")
        return EXIT_UNREADABLE
    try:
        if args.from_file is not None:
            report = _from_last_year(args)
            if report is None:
                return EXIT_UNREADABLE
        else:
            template_id = find_template(args.template) if args.template else template_for_year(args.year)
            report = new_report(args.unit, args.year, args.level or "township", template_id)
    except TemplateError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    if problem := unit_problem(report.unit, report.tpl):
        err(f"{problem}（用 --unit 指定）")
        return EXIT_UNREADABLE
    if not write_report_file(args.file, report, overwrite=args.force):
        return EXIT_UNREADABLE
    out(f"已创建 {args.file}：{report.title}，格式为{report.tpl.name}\n")
    return EXIT_OK


def _from_last_year(args: argparse.Namespace) -> Report | None:
    """This year's report started from last year's file, or None after printing why not."""
    from tui_report.cli.common import load
    from tui_report.model.carryover import start_from

    last, problem = load(args.from_file)
    if last is None:
        err(f"上年报告无法读取：{problem}")
        return None
    report = start_from(last, args.year, find_template(args.template) if args.template else None)
    if args.unit is not None:
        report.unit = args.unit
    if args.level is not None:
        report.level = args.level
    carried = sum(len(cells) for cells in report.values.values())
    out(f"从 {args.from_file}（{last.title}）新建：已预填上年结转{carried}格，已保存上年数据供跨年核对\n")
    return report
