"""The doctor's view of the folder layout (storage/layout.py, docs/admin.md §5): the folders above
a report folder, and a year folder with one folder per unit. Each deviation comes with the commands
that fix it — the same commands ``tui-report setup`` runs.

Only ``lstat``, directory listings and the folders' ACLs (extended attributes): nothing in the
folders is opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.host import acl, procinfo
from tui_report.host.oserror import os_error_text
from tui_report.storage import layout

MAX_UNITS = 5000
ROSTER = "roster.toml"


def _group(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _mode(info: os.stat_result) -> str:
    return f"{stat.filemode(info.st_mode)}（{stat.S_IMODE(info.st_mode):04o}）"


def _writable_by_others(info: os.stat_result) -> bool:
    """Group or others may write, and the folder is not sticky (in a sticky one, like /tmp, they
    cannot rename what is not theirs)."""
    return bool(info.st_mode & 0o022) and not info.st_mode & stat.S_ISVTX


def ancestor_checks(folder: Path, *, include_self: bool) -> list[Check]:
    """Every folder above ``folder`` (and ``folder`` itself with ``include_self``) must be root's and
    writable by nobody else: whoever may write in a folder can rename what is in it and put a
    symlink in its place (``mv 2025 2025.real; ln -s /home/alice 2025``)."""
    real = Path(os.path.realpath(folder))
    chain = [real, *real.parents] if include_self else list(real.parents)
    checks: list[Check] = []
    for path in chain:
        try:
            info = os.lstat(path)
        except OSError as exc:
            checks.append(fail(f"无法读取 {path}（{os_error_text(exc)}）", f"ls -ld {path}"))
            continue
        if info.st_uid != 0:
            who = procinfo.user_name(info.st_uid)
            checks.append(
                fail(
                    f"{path} 属于 {who}，不属于 root：{who} 可以把其中的文件夹改名、换成链接",
                    layout.shell([["chown", "root:root", str(path)], ["chmod", "go-w", str(path)]]),
                )
            )
        elif _writable_by_others(info):
            checks.append(
                fail(
                    f"{path} 组内或其他用户可写 {_mode(info)}：能写的人可以把其中的文件夹改名、换成链接",
                    layout.shell([["chmod", "go-w", str(path)]]),
                )
            )
    if not checks:
        top = real if include_self else real.parent
        checks.append(ok(f"{top} 及以上各级文件夹只属于 root，别人不能改名或替换"))
    return checks


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    entries: list[os.DirEntry[str]] = []
    with os.scandir(folder) as it:
        for entry in it:
            entries.append(entry)
            if len(entries) > MAX_UNITS:
                break
    return entries


def is_year_folder(folder: Path) -> bool:
    """A year folder of the layout: it has .review/, or unit folders and no report of its own (a
    roster alone does not tell: the older flat folder keeps one beside the reports)."""
    try:
        entries = _entries(folder)
    except OSError:
        return False
    names = {e.name for e in entries}
    if layout.REVIEW_DIR in names:
        return True
    reports = any(n.endswith(".toml") and not n.startswith(".") and n != ROSTER for n in names)
    return not reports and any(_is_dir(e) for e in entries if not e.name.startswith("."))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return False


# ---------------------------------------------------------------------- a year folder


def year_folder_checks(folder: Path) -> list[Check]:
    checks = ancestor_checks(folder, include_self=True)
    try:
        entries = _entries(folder)
    except OSError as exc:
        return [*checks, fail(f"无法列出 {folder}（{os_error_text(exc)}）", f"ls -ld {folder}")]
    units = sorted(
        (e for e in entries if not e.name.startswith(".") and _is_unit_entry(e)), key=lambda e: e.name
    )
    unit_gids = {}
    for entry in units:
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            unit_gids[entry.name] = info.st_gid
    review_checks, reviewers = review_folder_checks(folder, sorted(set(unit_gids.values())))
    checks += review_checks
    checks += roster_checks(folder, reviewers)
    checks += stray_report_checks(folder, entries)
    shared = _shared_groups(unit_gids)
    for entry in units:
        checks += unit_folder_checks(folder / entry.name, reviewers, shared)
    if not units:
        checks.append(
            warn(f"{folder} 中还没有单位的文件夹", f"tui-report setup {folder} --roster 名册 --apply")
        )
    return checks


def _is_unit_entry(entry: os.DirEntry[str]) -> bool:
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) or stat.S_ISLNK(mode)


def _shared_groups(unit_gids: dict[str, int]) -> dict[str, list[str]]:
    """Unit folder → the other unit folders with the same group."""
    by_gid: dict[int, list[str]] = {}
    for name, gid in unit_gids.items():
        by_gid.setdefault(gid, []).append(name)
    return {name: [n for n in by_gid[gid] if n != name] for name, gid in unit_gids.items()}


def review_folder_checks(folder: Path, unit_gids: Iterable[int]) -> tuple[list[Check], int | None]:
    """``.review/``: the reviewers' group writes it, every unit's group reads it (ACL). Returns the
    checks and the reviewers' group id (the folder's group), None when there is no such folder."""
    path = folder / layout.REVIEW_DIR
    setup = f"tui-report setup {folder} --apply"
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return [
            fail(
                f"没有 {layout.REVIEW_DIR}/：审核意见（退回、通过）没有只让审核组写入、各单位只能读取的地方",
                f"按名册建立（名册中写明审核组 [layout] reviewers）：{setup}",
            )
        ], None
    except OSError as exc:
        return [fail(f"无法读取 {path}（{os_error_text(exc)}）", f"ls -ld {path}")], None
    if not stat.S_ISDIR(info.st_mode):
        return [
            fail(f"{path} 不是文件夹（可能是别人放的链接）", f"确认后删除：rm {path}；然后 {setup}")
        ], None
    reviewers = _group(info.st_gid)
    problems: list[Check] = []
    if info.st_gid == 0 or reviewers in layout.SYSTEM_GROUPS:
        problems.append(fail(f"{path} 属于 {reviewers} 组，不是审核组", f"chgrp 审核组 {path}（或 {setup}）"))
    if info.st_uid != 0:
        problems.append(
            fail(
                f"{path} 属于 {procinfo.user_name(info.st_uid)}，不属于 root",
                layout.shell(layout.review_folder_commands(path, reviewers)),
            )
        )
    if stat.S_IMODE(info.st_mode) != layout.REVIEW_MODE:
        problems.append(
            fail(
                f"{path} 的权限是 {_mode(info)}，应为 2770（审核组可读写，其他人只通过 ACL 读取）",
                layout.shell(layout.review_folder_commands(path, reviewers)),
            )
        )
    problems += _units_read_review(path, unit_gids, info.st_gid)
    if not problems:
        problems.append(ok(f"{layout.REVIEW_DIR}/：审核组 {reviewers} 可写，各单位只能读取"))
    return problems, info.st_gid


def _units_read_review(path: Path, unit_gids: Iterable[int], reviewers_gid: int) -> list[Check]:
    try:
        access, default = acl.read_acl(path), acl.read_acl(path, default=True)
    except acl.AclUnsupported as exc:
        return [fail(f"无法读取 {path} 的 ACL（{exc}）：文件系统需支持 ACL", "mount -o remount,acl 挂载点")]
    cannot_read = []
    for gid in unit_gids:
        if gid == reviewers_gid:
            continue
        now = access.group(gid) if access else None
        later = default.group(gid) if default else None
        if not (now and now & acl.READ and now & acl.EXECUTE and later and later & acl.READ):
            cannot_read.append(_group(gid))
    # Nobody but the reviewers may write there: any named group with write, a unit's or not.
    writers = {**(default.named_groups() if default else {}), **(access.named_groups() if access else {})}
    can_write = sorted(_group(g) for g, perm in writers.items() if perm & acl.WRITE and g != reviewers_gid)
    checks = []
    if cannot_read:
        checks.append(
            fail(
                f"这些单位的组不能读取 {path}：{'、'.join(cannot_read)}",
                layout.shell(layout.units_read_review_commands(path, cannot_read)),
            )
        )
    if can_write:
        checks.append(
            fail(
                f"这些组可以写入 {path}（审核意见可被改动）：{'、'.join(can_write)}",
                layout.shell(layout.units_read_review_commands(path, can_write)),
            )
        )
    return checks


def roster_checks(folder: Path, reviewers: int | None) -> list[Check]:
    path = folder / ROSTER
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return [
            warn(
                f"没有 {ROSTER}：审核时不知道应有哪些单位", f"tui-report setup {folder} --roster 名册 --apply"
            )
        ]
    except OSError as exc:
        return [fail(f"无法读取 {path}（{os_error_text(exc)}）", f"ls -l {path}")]
    group = _group(reviewers) if reviewers is not None else "审核组"
    fix = layout.shell(
        [["chown", f"root:{group}", str(path)], ["chmod", f"{layout.ROSTER_MODE:04o}", str(path)]]
    )
    if not stat.S_ISREG(info.st_mode):
        return [
            fail(
                f"{path} 不是普通文件（可能是别人放的链接）",
                f"确认后删除：rm {path}；然后 tui-report setup {folder} --roster 名册 --apply",
            )
        ]
    if info.st_uid != 0 or info.st_mode & 0o022:
        return [fail(f"{path} 不只属于 root {_mode(info)}：别人可以改动名册", fix)]
    if info.st_mode & 0o004:
        return [warn(f"{path} 所有人都能读取（名册中有联系人电话）", fix)]
    return [ok(f"{ROSTER}：属于 root，审核组可读")]


def stray_report_checks(folder: Path, entries: list[os.DirEntry[str]]) -> list[Check]:
    stray = sorted(
        e.name
        for e in entries
        if e.name.endswith(".toml") and not e.name.startswith(".") and e.name != ROSTER
    )
    if not stray:
        return []
    shown = "、".join(stray[:5]) + ("等" if len(stray) > 5 else "")
    return [
        warn(
            f"这些报告直接放在年度文件夹中，不在任何单位的文件夹里：{shown}",
            layout.shell([["mv", str(folder / stray[0]), f"{folder}/单位的文件夹/"]]),
        )
    ]


def unit_folder_checks(path: Path, reviewers: int | None, shared: dict[str, list[str]]) -> list[Check]:
    """One unit's folder: root's, the unit's own group (shared with no other unit), 2770, the
    reviewers' group reads it (ACL, also for what is saved later)."""
    name = path.name
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return [
            fail(f"{name} 是符号链接（指向 {os.readlink(path)}），程序不会跟随", f"确认后删除链接：rm {path}")
        ]
    group = _group(info.st_gid)
    problems: list[Check] = []
    if info.st_uid != 0:
        who = procinfo.user_name(info.st_uid)
        problems.append(
            fail(
                f"{name}/ 属于 {who}：文件夹的所有者可以随意放开它的权限",
                layout.shell(layout.unit_folder_commands(path, group)),
            )
        )
    own_group = (
        layout.shell(layout.new_group_commands(path))
        + f"\n（或在名册中写明各单位的 group，然后 tui-report setup {path.parent} --apply）"
    )
    if info.st_gid == 0 or group in layout.SYSTEM_GROUPS or info.st_gid == reviewers:
        problems.append(fail(f"{name}/ 属于 {group} 组，不是本单位自己的组", own_group))
    elif shared.get(name):
        others = "、".join(shared[name][:5])
        problems.append(
            fail(
                f"{name}/ 与 {others} 共用 {group} 组：一个单位可以删除另一个单位的报告和历史版本", own_group
            )
        )
    if stat.S_IMODE(info.st_mode) != layout.UNIT_MODE:
        problems.append(
            fail(
                f"{name}/ 的权限是 {_mode(info)}，应为 2770（本单位的组可读写、setgid、组外不可访问、无粘滞位）",
                layout.shell([["chmod", f"{layout.UNIT_MODE:04o}", str(path)]]),
            )
        )
    if reviewers is not None:
        problems += _reviewers_read(path, reviewers)
    if not problems:
        shown = f"，审核组 {_group(reviewers)} 只读" if reviewers is not None else ""
        problems.append(ok(f"{name}/：{group} 组，2770{shown}"))
    return problems


def _reviewers_read(path: Path, reviewers: int) -> list[Check]:
    name, group = path.name, _group(reviewers)
    try:
        access, default = acl.read_acl(path), acl.read_acl(path, default=True)
    except acl.AclUnsupported as exc:
        return [fail(f"无法读取 {path} 的 ACL（{exc}）：文件系统需支持 ACL", "mount -o remount,acl 挂载点")]
    now = access.group(reviewers) if access else None
    later = default.group(reviewers) if default else None
    has_content = any(True for _ in os.scandir(path)) if os.access(path, os.R_OK | os.X_OK) else False
    fix = layout.shell(layout.reviewers_read_commands(path, group, has_content=has_content))
    if not (now and now & acl.READ and now & acl.EXECUTE):
        return [fail(f"{name}/ 审核组 {group} 不能读取（ACL {acl.perm_text(now)}）", fix)]
    if now & acl.WRITE or (later and later & acl.WRITE):
        return [fail(f"{name}/ 审核组 {group} 可以写入（应只读）", fix)]
    if not (later and later & acl.READ):
        return [fail(f"{name}/ 以后保存的报告审核组 {group} 将不能读取（缺少默认 ACL）", fix)]
    return []
