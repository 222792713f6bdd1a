"""`tui-report history FILE [--diff N]` and `tui-report restore FILE N`: the versions kept at each
save, by numbers that never change (1 = the oldest kept)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, out, out_block, shown
from tui_report.model.linebreak import cells, pad

if TYPE_CHECKING:
    from tui_report.model.report import Report
    from tui_report.storage.versions import HistoryEntry, Version

WIDTH = 80
TIME = "%Y-%m-%d %H:%M"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = sub.add_parser(
        "history",
        help="列出报告的历史版本（每次保存自动保留）",
        description="列出报告的历史版本：编号、保存时间、保存人、改了什么。"
        "编号永远不变（1 是保留下来的最早版本），恢复时用这个编号。",
    )
    history.add_argument("file", type=Path, help="报告文件")
    history.add_argument("--diff", metavar="编号", default=None, help="列出该版本与当前文件的每一处不同")


def add_restore_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    restore = sub.add_parser(
        "restore",
        help="恢复一个历史版本（恢复前的内容也保留为历史版本，可再恢复）",
        description="把报告恢复为某个历史版本。有人正在编辑时不能恢复；"
        "恢复前的内容保留为历史版本，恢复本身也记为一个新版本。",
    )
    restore.add_argument("file", type=Path, help="报告文件")
    restore.add_argument("version", metavar="编号", help="版本编号（见 tui-report history）")


def run(args: argparse.Namespace) -> int:
    if args.diff is not None:
        return _run_diff(args.file, args.diff)
    from tui_report.storage.versions import describe_versions, versions_problem

    path: Path = args.file
    if (problem := _unreadable(path)) is not None:
        err(f"{path}：无法读取（{problem}），不能列出历史版本")
        return EXIT_UNREADABLE
    if (problem := versions_problem(path)) is not None:
        err(f"{path} 的历史版本无法读取：{problem}")
        return EXIT_UNREADABLE
    entries = describe_versions(path)
    count = f"共 {len(entries)} 个，" if entries else ""
    out(f"{path} 的历史版本（{count}新的在上）：\n")
    out_block(_row("编号", "保存时间", "保存人", "改了什么"))
    out_block(_current_line(path, entries))
    for entry in entries:
        version = entry.version
        out_block(
            _row(str(version.number), version.saved_at.strftime(TIME), _person(version.user), _what(entry))
        )
    if not entries:
        out("  （还没有历史版本：第一次保存之后才会有）\n")
    else:
        out(f"查看某个版本与当前文件的不同：tui-report history {path} --diff 编号\n")
        out(f"恢复某个版本：tui-report restore {path} 编号\n")
    _print_editor(path)
    return EXIT_OK


def _unreadable(path: Path) -> str | None:
    """Why the report's place cannot be looked at (a folder this user may not enter), or None. The
    versions beside it cannot be listed either: saying only that, never "no versions yet"."""
    from tui_report.storage.errors import os_error_text

    try:
        path.lstat()
    except FileNotFoundError:
        return None  # versions of a removed report are still listed
    except OSError as exc:
        return os_error_text(exc)
    return None


def _what(entry: HistoryEntry) -> str:
    if entry.same_as is not None:
        return f"回到版本 {entry.same_as}：{entry.summary}"
    return entry.summary


def _row(number: str, when: str, who: str, what: str) -> str:
    """One line of the table; what changed wraps under its column, at phrase boundaries."""
    from tui_report.model.linebreak import wrap

    who, what = shown(who), shown(what)  # one line each: the wrapping below adds the only newlines
    head = f"  {pad(number, 4)}  {pad(when, 16)}  {pad(_fit(who, 8), 8)}  "
    lines = wrap(what, WIDTH - 1 - cells(head)) if what else [""]
    indent = " " * cells(head)
    return head + ("\n" + indent).join(lines) + "\n"


def _current_line(path: Path, entries: list[HistoryEntry]) -> str:
    """The current file's line: never follows a link (its target may be someone's private file)."""
    import stat
    from datetime import datetime

    from tui_report.host.procinfo import user_name
    from tui_report.storage.safefile import kind_of

    try:
        info = path.lstat()
    except FileNotFoundError:
        return _row("当前", "（文件不存在）", "", "")
    except OSError as exc:
        from tui_report.storage.errors import os_error_text

        return _row("当前", f"（无法读取：{os_error_text(exc)}）", "", "")
    if not stat.S_ISREG(info.st_mode):
        return _row("当前", f"（不是普通文件，是{kind_of(info.st_mode)}）", "", "")
    when = datetime.fromtimestamp(info.st_mtime).strftime(TIME)
    return _row("当前", when, _person(user_name(info.st_uid)), _current_against(path, entries))


def _current_against(path: Path, entries: list[HistoryEntry]) -> str:
    """The current file against the newest version: the same, or what differs."""
    from tui_report.model.diff import change_summary, diff_reports
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report
    from tui_report.storage.versions import is_current, read_version_report

    if not entries:
        return ""
    newest = entries[0].version
    if is_current(newest, path):
        return f"即版本 {newest.number}"
    try:
        current = load_report(path)
    except ReportFileError as exc:
        return f"文件有错误：{exc.located_reason}"
    try:
        summary = change_summary(diff_reports(read_version_report(newest), current), current.tpl)
    except ReportFileError:
        return "尚未保留为历史版本"
    return f"与版本 {newest.number} 相比{summary or '内容相同'}（尚未保留）"


def _print_editor(path: Path) -> None:
    """Who edits the report now, from the system's facts only (safety/lock.py)."""
    from tui_report.safety.lock import editing_text

    editing = editing_text(path)
    if editing is not None:
        out(f"注意：{editing}\n")


def _run_diff(path: Path, version_id: str) -> int:
    """``history FILE --diff N``: every difference between version N and the current file."""
    from tui_report.model.diff import diff_reports
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report
    from tui_report.storage.versions import find_version, read_version_report

    try:
        version = find_version(path, version_id)
        old = read_version_report(version)
    except ReportFileError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    try:
        current = load_report(path)
    except ReportFileError as exc:
        err(f"当前文件无法读取，不能比较：{exc}")
        return EXIT_UNREADABLE
    changes = diff_reports(old, current)
    if not changes:
        out(f"{_version_words(version)}与当前文件内容相同\n")
        return EXIT_OK
    out(f"{_version_words(version)} → 当前文件，{len(changes)} 处不同：\n")
    for change in changes:
        label = _short_label(change.key, current) or change.label
        old_text, new_text = _short(change.old), _short(change.new)
        out(f"  {label}：{old_text} → {new_text}\n")
    out(f"恢复为版本 {version.number}：tui-report restore {path} {version.number}\n")
    return EXIT_OK


def _short_label(key: str, report: Report) -> str:
    """``表三 一·自然人`` for a cell (the diff's own label names the table by its full title)."""
    from tui_report.model.template import TemplateError

    head, _, rest = key.partition(".")
    if head != "tables":
        return ""
    table_key, _, cell_id = rest.partition(".")
    try:
        table = report.tpl.table(table_key)
    except (KeyError, ValueError, TemplateError):
        return ""
    cell = table.cells.get(cell_id)
    return f"{table.spec.name or table.title} {cell.name if cell else cell_id}"


def _short(text: str, width: int = 24) -> str:
    flat = " ".join(text.split())
    return _fit(flat, width) if flat else "（空）"


def _version_words(version: Version) -> str:
    return f"版本 {version.number}（{version.saved_at.strftime(TIME)} {_person(version.user)} 保存）"


def _person(login: str) -> str:
    """The person's name (from the system's user list) for a login name kept in a version."""
    import pwd

    try:
        entry = pwd.getpwnam(login)
    except KeyError:
        return login
    return entry.pw_gecos.split(",")[0].strip() or login


def _fit(text: str, width: int) -> str:
    """At most ``width`` cells, cut with "…"."""
    if cells(text) <= width:
        return text
    while text and cells(text) > width - 1:
        text = text[:-1]
    return text + "…"


def run_restore(args: argparse.Namespace) -> int:
    from tui_report.safety.lock import LockedError
    from tui_report.session import CannotEditError, restore_version
    from tui_report.storage.errors import ReportFileError

    try:
        restored = restore_version(args.file, args.version)
    except LockedError as exc:
        err(f"{exc}，现在不能恢复；请等对方保存并退出后再试")
        return EXIT_UNREADABLE
    except CannotEditError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    except ReportFileError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    out(f"已把 {args.file} 恢复为{_version_words(restored.version)}\n")
    if restored.replaced is not None:
        out(
            f"恢复前的内容是版本 {restored.replaced.number}，"
            f"要撤回可用：tui-report restore {args.file} {restored.replaced.number}\n"
        )
    if restored.saved is not None:
        out(f"恢复后的内容记为版本 {restored.saved.number}\n")
    return EXIT_OK
