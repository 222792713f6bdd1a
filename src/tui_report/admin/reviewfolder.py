"""``doctor``: the review workflow's ``.review`` folder — reviewers write it, operators only read it.

The reviewers' decisions (comments, returns, approvals, publications) are trusted because the file
system lets only reviewers write ``YEAR/.review`` (storage/reviewrecords.py). This checks exactly
that, from mode bits and the POSIX ACL (read from the ``system.posix_acl_access`` attribute: no
``getfacl`` needed): no operator group may write ``.review``, nobody but root may replace it (the
year folder root's and closed), and operators can read it (or they do not see the comments).
Only ``lstat``/``stat``/``getxattr``: nothing is opened.
"""

from __future__ import annotations

import contextlib
import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.admin.sharedfolder import group_members, group_name
from tui_report.host.oserror import os_error_text
from tui_report.storage.reviewrecords import REVIEW_DIR, unprotected_reasons

ACL_ATTR = "system.posix_acl_access"
_USER, _GROUP, _MASK = 0x02, 0x08, 0x10
_WRITE, _READ, _SEARCH = 0o2, 0o4, 0o1


@dataclass(frozen=True, slots=True)
class AclEntry:
    tag: int
    perm: int
    id: int


def read_acl(path: Path) -> list[AclEntry]:
    """The access ACL's entries (empty when there is none, or the file system has no ACLs)."""
    try:
        raw = os.getxattr(path, ACL_ATTR, follow_symlinks=False)
    except OSError:
        return []
    if len(raw) < 4 or struct.unpack_from("<I", raw)[0] != 2:
        return []
    entries = []
    for offset in range(4, len(raw) - 7, 8):
        tag, perm, ident = struct.unpack_from("<HHI", raw, offset)
        entries.append(AclEntry(tag, perm, ident))
    return entries


def acl_groups(entries: list[AclEntry], perm: int) -> set[int]:
    """Named groups the ACL gives ``perm`` (the mask applied)."""
    mask = next((e.perm for e in entries if e.tag == _MASK), 0o7)
    return {e.id for e in entries if e.tag == _GROUP and e.perm & mask & perm == perm}


def acl_users(entries: list[AclEntry], perm: int) -> set[int]:
    mask = next((e.perm for e in entries if e.tag == _MASK), 0o7)
    return {e.id for e in entries if e.tag == _USER and e.perm & mask & perm == perm}


def year_folders(folder: Path) -> list[Path]:
    """Where a ``.review`` may be for a doctor run on ``folder``: the folder (a year folder or a
    flat one) and the folder above it (``folder`` is a unit folder of the strict layout)."""
    found = []
    for candidate in (folder, folder.absolute().parent):
        with contextlib.suppress(OSError):
            if (
                stat.S_ISDIR(os.lstat(candidate / REVIEW_DIR).st_mode)
                or (candidate / REVIEW_DIR).is_symlink()
            ):
                found.append(candidate)
    return found


def unit_groups(year_folder: Path) -> set[int]:
    """The operators' groups: of the year folder's unit folders (strict layout), else of the year
    folder itself (a flat folder's group is its operators')."""
    groups: set[int] = set()
    with contextlib.suppress(OSError), os.scandir(year_folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                groups.add(entry.stat(follow_symlinks=False).st_gid)
    if not groups:
        with contextlib.suppress(OSError):
            groups.add(os.stat(year_folder).st_gid)
    return groups


def review_folder_checks(folder: Path) -> list[Check]:
    """The ``.review`` folder(s) that the reports of ``folder`` use."""
    places = year_folders(folder)
    if not places:
        return [
            ok(
                f"没有审核记录文件夹 {REVIEW_DIR}（不使用报送审核时不需要；使用时请按 docs/admin.md 由管理员建立）"
            )
        ]
    checks: list[Check] = []
    for year_folder in places:
        checks += _checks(year_folder)
    return checks


def _fix(year_folder: Path) -> str:
    review = year_folder / REVIEW_DIR
    return (
        f"chown root:审核组 {review}; chmod 2770 {review}; "
        f"setfacl -m g:单位组:rX -m d:g:单位组:rX {review}（每个单位组一次）"
    )


def _checks(year_folder: Path) -> list[Check]:
    review = year_folder / REVIEW_DIR
    try:
        info = os.lstat(review)
    except OSError as exc:
        return [fail(f"无法读取 {review}（{os_error_text(exc)}）", f"ls -ld {review}")]
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return [
            fail(
                f"{review} 不是文件夹（是链接或文件）：审核记录不可信",
                f"确认后删除并重建：{_fix(year_folder)}",
            )
        ]
    checks = [
        fail(f"审核记录不受保护：{reason}", _fix(year_folder)) for reason in unprotected_reasons(year_folder)
    ]
    operators = unit_groups(year_folder)
    entries = read_acl(review)
    writers = {info.st_gid} if info.st_mode & 0o020 else set()
    writers |= acl_groups(entries, _WRITE)
    wrong = sorted(group_name(g) for g in writers & operators)
    if wrong:
        checks.append(
            fail(f"填报单位的组可以写 {review}：{'、'.join(wrong)}（他们能伪造审核通过）", _fix(year_folder))
        )
    if info.st_uid != 0 and info.st_mode & 0o200:
        checks.append(
            warn(
                f"{review} 属于 {_user(info.st_uid)}：只有这个人能写审核记录；有多位审核人员时改为审核组",
                _fix(year_folder),
            )
        )
    readers = acl_groups(entries, _READ | _SEARCH) | (
        {info.st_gid} if info.st_mode & 0o050 == 0o050 else set()
    )
    blind = sorted(group_name(g) for g in operators - readers) if info.st_mode & 0o005 != 0o005 else []
    if blind:
        checks.append(
            warn(
                f"填报单位看不到审核意见（{'、'.join(blind)} 不能读 {review}）",
                f"setfacl -R -m g:单位组:rX -m d:g:单位组:rX {review}",
            )
        )
    if not checks:
        members = "、".join(group_members(info.st_gid)[:10]) or "无"
        checks.append(
            ok(f"{review} 只有审核人员可写（{group_name(info.st_gid)} 组：{members}），{_mode(info)}")
        )
    return checks


def _user(uid: int) -> str:
    from tui_report.host.procinfo import user_name

    return user_name(uid)


def _mode(info: os.stat_result) -> str:
    return f"{stat.filemode(info.st_mode)}（{stat.S_IMODE(info.st_mode):04o}）"
