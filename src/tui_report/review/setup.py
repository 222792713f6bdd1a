"""``tui-report setup``: the folder layout of a county's year (storage/layout.py) built from the
roster — groups, folders, owners, modes and ACLs — as a list of shell commands.

The plan holds only what differs from the server as it is (a group that is missing, a folder with
the wrong group or mode, an ACL the reviewers lack), so running it twice changes nothing the second
time. A dry run prints the commands; ``--apply`` (as root) runs them one by one and stops at the
first that fails. Accounts are never created here: a user the roster names who does not exist is
reported, for the administrator to create with their own policy (passwords, SSH keys).
"""

from __future__ import annotations

import filecmp
import grp
import os
import pwd
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tui_report.host import acl
from tui_report.host.oserror import os_error_text
from tui_report.review.discovery import ROSTER_NAME
from tui_report.review.roster import RosterLayout, RosterUnit
from tui_report.storage import layout
from tui_report.storage.layout import Command


@dataclass(frozen=True, slots=True)
class Step:
    why: str  # Chinese, shown as a comment above the command
    command: Command


@dataclass(slots=True)
class SetupPlan:
    folder: Path
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the administrator to do by hand

    def add(self, why: str, commands: list[Command]) -> None:
        self.steps.extend(Step(why, command) for command in commands)


def _gid(name: str) -> int | None:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def _in_group(user: str, group: str) -> bool:
    try:
        entry = grp.getgrnam(group)
        account = pwd.getpwnam(user)
    except KeyError:
        return False
    return user in entry.gr_mem or account.pw_gid == entry.gr_gid


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _members(plan: SetupPlan, group: str, users: tuple[str, ...], whose: str) -> None:
    if _gid(group) is None:
        plan.add(f"建立{whose}的组 {group}", [["groupadd", group]])
    for user in users:
        try:
            pwd.getpwnam(user)
        except KeyError:
            plan.notes.append(f"用户 {user} 不存在：请先建立账户（如 useradd -m {user}），再运行一次本命令")
            continue
        if not _in_group(user, group):
            plan.add(f"{user} 加入{whose}的组（重新登录后生效）", [["usermod", "-aG", group, user]])


def _group_reads(path: Path, group: str, *, default: bool) -> bool:
    """The folder's ACL lets ``group`` read (and enter) it — and, with ``default``, what is
    created in it later too; never write."""
    gid = _gid(group)
    if gid is None:
        return False
    try:
        found = [acl.read_acl(path)] + ([acl.read_acl(path, default=True)] if default else [])
    except acl.AclUnsupported:
        return False
    for entries in found:
        perm = entries.group(gid) if entries is not None else None
        if not perm or not perm & acl.READ or perm & acl.WRITE:
            return False
    return True


def _folder(plan: SetupPlan, path: Path, why: str) -> os.stat_result | None:
    info = _lstat(path)
    if info is not None and not stat.S_ISDIR(info.st_mode):
        plan.notes.append(f"{path} 不是文件夹（是链接或文件）：请确认后删除它，再运行一次本命令")
        return info
    if info is None:
        plan.add(why, [["mkdir", "-p", str(path)]])
    return info


def _owned(info: os.stat_result | None, group: str, mode: int) -> bool:
    return (
        info is not None
        and info.st_uid == 0
        and info.st_gid == _gid(group)
        and stat.S_IMODE(info.st_mode) == mode
    )


def _year_folder(plan: SetupPlan, folder: Path) -> None:
    info = _folder(plan, folder, f"建立年度文件夹 {folder}")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        return
    if info is None or info.st_uid != 0 or info.st_mode & 0o022:
        plan.add(
            "年度文件夹只属于 root：别人不能把单位的文件夹改名或换成链接", layout.year_folder_commands(folder)
        )
    for parent in folder.absolute().parents:
        found = _lstat(parent)
        if found is not None and (
            found.st_uid != 0 or (found.st_mode & 0o022 and not found.st_mode & stat.S_ISVTX)
        ):
            plan.notes.append(
                f"上级文件夹 {parent} 不只属于 root（别人可以把其中的文件夹换成链接）：请确认后执行 "
                f"chown root:root {parent} && chmod go-w {parent}"
            )


def _roster(plan: SetupPlan, folder: Path, source: Path, reviewers: str) -> None:
    target = folder / ROSTER_NAME
    info = _lstat(target)
    same = info is not None and stat.S_ISREG(info.st_mode) and _same_file(source, target)
    if not same:
        plan.add(
            f"名册放入年度文件夹（root 所有，审核组 {reviewers} 可读）",
            layout.roster_commands(source, target, reviewers),
        )
    elif not _owned(info, reviewers, layout.ROSTER_MODE):
        plan.add(
            f"名册只属于 root，审核组 {reviewers} 可读",
            [
                ["chown", f"root:{reviewers}", str(target)],
                ["chmod", f"{layout.ROSTER_MODE:04o}", str(target)],
            ],
        )


def _same_file(source: Path, target: Path) -> bool:
    try:
        return source.resolve() == target.resolve() or filecmp.cmp(source, target, shallow=False)
    except OSError:
        return False


def _review_folder(plan: SetupPlan, folder: Path, reviewers: str, unit_groups: list[str]) -> None:
    path = folder / layout.REVIEW_DIR
    info = _folder(plan, path, f"建立审核组的文件夹 {path}")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        return
    if not _owned(info, reviewers, layout.REVIEW_MODE):
        plan.add(
            f"{layout.REVIEW_DIR}/ 由审核组 {reviewers} 写入", layout.review_folder_commands(path, reviewers)
        )
    missing = [g for g in unit_groups if info is None or not _group_reads(path, g, default=True)]
    if missing:
        plan.add(
            f"各单位可以读取 {layout.REVIEW_DIR}/，不能写入", layout.units_read_review_commands(path, missing)
        )


def _unit_folder(plan: SetupPlan, folder: Path, unit: RosterUnit, reviewers: str) -> None:
    path = folder / unit.folder_name
    info = _folder(plan, path, f"建立 {unit.name} 的文件夹")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        return
    if not _owned(info, unit.group_name, layout.UNIT_MODE):
        plan.add(
            f"{unit.folder_name}/ 只给 {unit.name} 的组 {unit.group_name} 读写",
            layout.unit_folder_commands(path, unit.group_name),
        )
    if info is None or not _group_reads(path, reviewers, default=True):
        has_content = info is not None and _has_content(path)
        plan.add(
            f"审核组 {reviewers} 只读 {unit.folder_name}/",
            layout.reviewers_read_commands(path, reviewers, has_content=has_content),
        )


def _has_content(path: Path) -> bool:
    try:
        with os.scandir(path) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def plan_setup(folder: Path, roster: RosterLayout, roster_file: Path | None) -> SetupPlan:
    """What to run to give ``folder`` the layout ``roster`` describes; ``roster_file``: a roster to
    put into the folder (None: the folder's own roster is used)."""
    plan = SetupPlan(folder)
    _members(plan, roster.reviewers, roster.reviewer_users, "审核人员")
    for unit in roster.units:
        _members(plan, unit.group_name, unit.operators, unit.name)
    _year_folder(plan, folder)
    _roster(plan, folder, roster_file or folder / ROSTER_NAME, roster.reviewers)
    _review_folder(plan, folder, roster.reviewers, [u.group_name for u in roster.units])
    for unit in roster.units:
        _unit_folder(plan, folder, unit, roster.reviewers)
    return plan


class SetupError(Exception):
    """A command of the plan failed; ``str()`` says which and why (Chinese)."""


def apply_plan(plan: SetupPlan) -> int:
    """Run the plan's commands in order (as root); returns how many ran. Raises
    :class:`SetupError` at the first that fails."""
    for done, step in enumerate(plan.steps):
        try:
            result = subprocess.run(step.command, capture_output=True, text=True, timeout=120, check=False)
        except OSError as exc:
            raise SetupError(f"无法执行 {step.command[0]}（{os_error_text(exc)}）；已执行 {done} 条") from exc
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            reason = output[-1] if output else f"退出码 {result.returncode}"
            raise SetupError(f"命令失败：{' '.join(step.command)}（{reason}）；已执行 {done} 条，其余未执行")
    return len(plan.steps)
