"""`tui-report roster DIR`: write DIR/roster.toml from the reports found, for the office to edit."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, out

if TYPE_CHECKING:
    from tui_report.review.roster import RosterUnit


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roster = sub.add_parser(
        "roster",
        help="按文件夹中的报告生成单位名册 文件夹/roster.toml",
        description="按文件夹中的报告生成单位名册 文件夹/roster.toml（单位名称和层级），"
        "并列出未列入名册的文件及原因。生成后请补上尚未提交报告的单位和联系人。",
    )
    roster.add_argument("folder", type=Path, metavar="文件夹", help="存放各单位报告的文件夹")
    roster.add_argument("--force", action="store_true", help="名册已存在时覆盖（默认不覆盖）")


def run(args: argparse.Namespace) -> int:
    from tui_report.review.discovery import ROSTER_NAME, ReviewError, find_reports
    from tui_report.review.roster import write_roster
    from tui_report.storage.errors import ReportFileError

    try:
        listing = find_reports(args.folder)
    except ReviewError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    files = listing.files
    target = args.folder / ROSTER_NAME
    if listing.roster is not None and not args.force:
        err(f"{target} 已存在，未改动（要按报告重新生成请加 --force）")
        return EXIT_UNREADABLE
    units, left_out = units_of(files)
    try:
        write_roster(target, units)
    except ReportFileError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    out(f"已写出 {target}：{len(units)}个单位。请核对、补充尚未提交报告的单位和联系人。\n")
    if left_out:
        out(f"以下{len(left_out)}个文件未列入名册：\n")
        for path, reason in left_out:
            out(f"  {path.relative_to(args.folder).as_posix()}：{reason}\n")
    return EXIT_OK


def units_of(files: list[Path]) -> tuple[list[RosterUnit], list[tuple[Path, str]]]:
    """The units of the reports (in level order, then by name) and every file left out, with why."""
    from tui_report.model.levels import LEVEL_WORDS
    from tui_report.review.desk import inspect_all
    from tui_report.review.roster import RosterUnit, unit_key

    units: dict[str, RosterUnit] = {}
    first_file: dict[str, Path] = {}
    left_out: list[tuple[Path, str]] = []
    for path, found in zip(files, inspect_all([str(p) for p in files]), strict=True):
        if found.roster:
            left_out.append((path, "是单位名册，不是报告"))
        elif found.problem and not found.unit:
            left_out.append((path, found.problem))
        elif not found.unit:
            left_out.append((path, "报告里没有填写单位名称"))
        elif (key := unit_key(found.unit)) in units:
            left_out.append((path, f"与 {first_file[key].name} 是同一单位“{found.unit}”，名册中只列一次"))
        else:
            units[key] = RosterUnit(found.unit, found.level)
            first_file[key] = path
    order = list(LEVEL_WORDS)
    ranked = sorted(
        units.values(), key=lambda u: (order.index(u.level) if u.level in order else len(order), u.name)
    )
    return ranked, left_out
