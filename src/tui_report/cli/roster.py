"""`tui-report roster DIR`: write DIR/roster.toml from the reports found, for the office to edit."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roster = sub.add_parser("roster", help="按文件夹中的报告生成单位名册 文件夹/roster.toml")
    roster.add_argument("folder", type=Path, metavar="文件夹", help="存放各单位报告的文件夹")
    roster.add_argument("--force", action="store_true", help="名册已存在时覆盖（默认不覆盖）")


def run(args: argparse.Namespace) -> int:
    from tui_report.review.desk import inspect_all
    from tui_report.review.discovery import ROSTER_NAME, ReviewError, find_reports
    from tui_report.review.roster import RosterUnit, unit_key, write_roster
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
    units: dict[str, RosterUnit] = {}
    skipped = 0
    for found in inspect_all([str(p) for p in files]):
        if found.roster:
            continue
        if not found.unit:
            skipped += 1
            continue
        units.setdefault(unit_key(found.unit), RosterUnit(found.unit, found.level))
    ordered = sorted(units.values(), key=lambda u: (u.level, u.name))
    try:
        write_roster(target, ordered)
    except ReportFileError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    note = f"，{skipped}个文件无法读取或没有单位名称，未列入" if skipped else ""
    print(f"已写出 {target}：{len(ordered)}个单位{note}。请核对、补充尚未提交报告的单位和联系人。")
    return EXIT_OK
