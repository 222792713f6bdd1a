"""`tui-report history FILE` and `tui-report restore FILE N`: the versions kept at each save."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, out
from tui_report.model.linebreak import pad


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = sub.add_parser("history", help="列出报告的历史版本（每次保存自动保留上一版本）")
    history.add_argument("file", type=Path, help="报告文件")


def add_restore_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    restore = sub.add_parser("restore", help="恢复一个历史版本（恢复本身也是一次保存，可再撤回）")
    restore.add_argument("file", type=Path, help="报告文件")
    restore.add_argument("version", help="版本编号（见 tui-report history，1 为最近一个）或版本文件名")


def run(args: argparse.Namespace) -> int:
    from tui_report.safety.lock import current_owner
    from tui_report.storage.versions import is_current, list_versions

    path: Path = args.file
    versions = list_versions(path)
    out(f"{path} 的历史版本（最新在前）：\n")
    out(f"  {pad('编号', 6)}  {pad('保存时间', 19)}  {pad('保存者', 12)}  大小\n")
    out(_current_line(path))
    for number, version in enumerate(versions, start=1):
        when = version.saved_at.strftime("%Y-%m-%d %H:%M:%S")
        same = "  （与当前文件相同）" if is_current(version, path) else ""
        out(f"  {number:<6}  {when:<19}  {pad(version.user, 12)}  {_size(version.size)}{same}\n")
    if not versions:
        out("  （还没有历史版本：第一次保存之后才会有）\n")
    else:
        out(f"恢复某个版本：tui-report restore {path} 编号\n")
    owner = current_owner(path)
    if owner is not None and owner.user == "?":
        out("注意：报告正在被编辑（锁文件中的使用者信息无法核实）\n")
    elif owner is not None:
        out(f"注意：{owner.describe()}\n")
    return EXIT_OK


def _current_line(path: Path) -> str:
    """The current file's line: never follows a link (its target may be someone's private file)."""
    import stat
    from datetime import datetime

    from tui_report.host.procinfo import user_name
    from tui_report.storage.safefile import kind_of

    try:
        info = path.lstat()
    except OSError:
        return f"  {pad('当前', 6)}  （文件不存在）\n"
    if not stat.S_ISREG(info.st_mode):
        return f"  {pad('当前', 6)}  （不是普通文件，是{kind_of(info.st_mode)}）\n"
    when = datetime.fromtimestamp(info.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"  {pad('当前', 6)}  {when:<19}  {pad(user_name(info.st_uid), 12)}  {_size(info.st_size)}\n"


def _size(size: int) -> str:
    return f"{size} 字节" if size < 1024 else f"{size / 1024:.1f} KB"


def run_restore(args: argparse.Namespace) -> int:
    from tui_report.safety.lock import LockedError
    from tui_report.session import restore_version
    from tui_report.storage.errors import ReportFileError

    try:
        version, kept = restore_version(args.file, args.version)
    except LockedError as exc:
        err(f"{exc}，现在不能恢复；请等对方保存并退出后再试")
        return EXIT_UNREADABLE
    except ReportFileError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    print(f"已恢复 {args.file} 为 {version.saved_at:%Y-%m-%d %H:%M:%S} 由 {version.user} 保存的版本")
    if kept is not None:
        print(f"恢复前的内容已保留为历史版本 {kept.id}（可用 tui-report restore 撤回）")
    return EXIT_OK
