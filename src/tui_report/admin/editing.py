"""Who edits the reports of a shared folder right now, for the administrator.

The operator's lock dialog names the colleague, their last keystroke and whom to call; how to end
someone else's session is an administrator's business and is said here only: each session holding
an edit lock, from the system's facts (``safety.lock.inspect_lock``: the processes the kernel says
hold the lock, their user's full name, terminal, start and idle time), and for a quiet one the
command that ends it cleanly (SIGTERM: the program journals its edits, releases the lock, exits).

Only lock files are looked at (``.locks/`` of the folder and of its unit folders, one level down,
no link followed), never a report's content: cheap on a folder of hundreds of units.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui_report.admin.results import Check, ok, warn
from tui_report.host.terminal import escape_line
from tui_report.safety.lock import LOCKS_DIR, QUIET_SECONDS, holder_details, inspect_lock

MAX_FOLDERS = 5000  # as review.discovery: a province has a few thousand units
MAX_LOCKS = 20000


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def locked_reports(folder: Path) -> list[Path]:
    """The reports of ``folder`` and of its unit folders that have a lock file (held or not)."""
    folders = [folder]
    try:
        with os.scandir(folder) as entries:
            folders += sorted(
                folder / e.name
                for e in entries
                if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            )[:MAX_FOLDERS]
    except OSError:
        return []
    reports: list[Path] = []
    for place in folders:
        locks = place / LOCKS_DIR
        if not _real_dir(locks):
            continue
        try:
            names = sorted(os.listdir(locks))
        except OSError:
            continue
        reports += [place / n.removesuffix(".lock") for n in names if n.endswith(".lock") and n[0] != "."]
        if len(reports) >= MAX_LOCKS:
            break
    return reports[:MAX_LOCKS]


def _shown(folder: Path, report: Path) -> str:
    return escape_line(str(report.relative_to(folder)) if report.is_relative_to(folder) else str(report))


def session_check(folder: Path, report: Path) -> Check | None:
    """One line about the session editing ``report``, None when nobody holds its lock."""
    found = inspect_lock(report)
    if found is None:
        return None
    owner, trust = found
    name = _shown(folder, report)
    if trust.other_host and owner is not None:
        host = escape_line(owner.host)[:40]
        return warn(
            f"{name}：锁记录指向另一台服务器 {host}，无法从本机核实", f"在 {host} 上运行 tui-report doctor"
        )
    if not trust.holders:
        return None
    facts = trust.holder(owner.pid) if owner is not None and trust.verified else None
    if facts is None:
        pids = " ".join(str(h.pid) for h in trust.holders)
        return warn(
            f"{name}：{trust.untrusted_text()}",
            f"确认这些进程不是正在编辑的同事后：sudo kill -TERM {pids}",
        )
    details = holder_details(facts)
    text = f"{name}：{facts.who()} 正在编辑（{details}；进程 {facts.pid}）"
    if facts.idle_seconds is not None and facts.idle_seconds > QUIET_SECONDS:
        return warn(
            text,
            f"如确认 {facts.who()} 已离开：sudo kill -TERM {facts.pid}"
            "（程序写好恢复记录、释放编辑锁后退出，对方下次打开时可恢复未保存的修改）",
        )
    return ok(text)


def editing_checks(folder: Path) -> list[Check]:
    """Every session editing a report of ``folder`` (and its unit folders); given a report, of the
    folder it is in."""
    if not _real_dir(folder):
        folder = folder.absolute().parent
    checks = [c for report in locked_reports(folder) if (c := session_check(folder, report)) is not None]
    return checks or [ok("没有人正在编辑")]
