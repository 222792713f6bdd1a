"""The shared folder of a county or department: group, setgid, no sticky bit, the program's
``.locks``/``.versions`` folders, the reports in it, and the operator's groups and umask.

Only ``lstat``/``stat``, a bounded directory listing and the head of each regular ``*.toml`` (to
count reports, not files: :mod:`tui_report.admin.reportfiles`, no link followed, never blocking), so
a FIFO, a symlink or a huge folder cannot make the doctor hang (docs/reliability.md, 共享文件夹).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Mapping
from pathlib import Path

from tui_report.admin.layout import ancestor_checks, is_year_folder, year_folder_checks
from tui_report.admin.reportfiles import kind_words, toml_kind
from tui_report.admin.results import Check, fail, ok, warn
from tui_report.host import procinfo
from tui_report.host.oserror import os_error_text
from tui_report.safety.folder import check_can_save

MAX_ENTRIES = 2000  # entries looked at in one folder: enough for a county, bounded for a hostile one
SHOWN = 5  # file names listed in one line
PROGRAM_FOLDERS = (".locks", ".versions")


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def group_members(gid: int) -> list[str]:
    """Users in the group: listed in /etc/group, or having it as their primary group."""
    try:
        members = list(grp.getgrgid(gid).gr_mem)
    except KeyError:
        members = []
    members += [p.pw_name for p in pwd.getpwall() if p.pw_gid == gid]
    return list(dict.fromkeys(members))


def _mode(info: os.stat_result) -> str:
    return f"{stat.filemode(info.st_mode)}（{stat.S_IMODE(info.st_mode):04o}）"


def _kind(info: os.stat_result) -> str:
    mode = info.st_mode
    for test, name in ((stat.S_ISFIFO, "命名管道"), (stat.S_ISSOCK, "套接字"), (stat.S_ISLNK, "符号链接")):
        if test(mode):
            return name
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "普通文件" if stat.S_ISREG(mode) else "特殊文件"


def _in_group(gid: int) -> bool:
    return gid == os.getegid() or gid in os.getgroups()


def group_checks(folder: Path, info: os.stat_result) -> list[Check]:
    """The folder's group is a shared one and this operator is in it (in this login, too)."""
    gid, name = info.st_gid, group_name(info.st_gid)
    user = procinfo.user_name()
    members = group_members(gid)
    checks: list[Check] = []
    setup = f"groupadd nianbao; usermod -aG nianbao 用户名; chgrp -R nianbao {folder}; chmod 2770 {folder}"
    if gid == 0 or name in ("nogroup", "nobody") or gid == 65534:
        checks.append(fail(f"文件夹属于 {name} 组，不是填报人员共用的组", setup))
    elif name == procinfo.user_name(info.st_uid) and len(members) <= 1:
        checks.append(warn(f"文件夹属于个人组 {name}，其他人不在这个组里", setup))
    else:
        listed = "、".join(members[:10]) + ("等" if len(members) > 10 else "")
        checks.append(ok(f"文件夹属于 {name} 组（成员：{listed or '无'}）"))
    if os.geteuid() == 0:
        checks.append(
            warn("以 root 身份运行：组成员和 umask 请以填报人员身份再检查一次（tui-report doctor 文件夹）")
        )
    elif not _in_group(gid):
        if user in members:
            checks.append(fail(f"你（{user}）已加入 {name} 组，但本次登录还没有生效", "退出登录后重新登录"))
        else:
            checks.append(
                fail(
                    f"你（{user}）不在 {name} 组中，无法保存",
                    f"管理员执行：usermod -aG {name} {user}，然后重新登录",
                )
            )
    else:
        groups = "、".join(group_name(g) for g in dict.fromkeys([os.getegid(), *os.getgroups()]))
        checks.append(ok(f"你（{user}）在 {name} 组中（你的组：{groups}）"))
    return checks


def mode_checks(folder: Path, info: os.stat_result) -> list[Check]:
    mode, shown = info.st_mode, _mode(info)
    checks: list[Check] = []
    if mode & 0o070 == 0o070:
        checks.append(ok(f"组可读写：{shown}"))
    else:
        checks.append(fail(f"组成员不能读写这个文件夹：{shown}", f"chmod 2770 {folder}"))
    if mode & stat.S_ISGID:
        checks.append(ok("setgid 已设置：新文件自动属于文件夹的组"))
    else:
        checks.append(
            fail("没有设置 setgid：新保存的报告会属于保存人的个人组，同事可能打不开", f"chmod g+s {folder}")
        )
    if mode & stat.S_ISVTX:
        checks.append(
            fail("设置了粘滞位（+t）：系统不允许替换别人保存的报告，同事之间无法保存", f"chmod -t {folder}")
        )
    else:
        checks.append(ok("没有粘滞位"))
    if mode & 0o007:
        checks.append(warn("组外的用户也能访问这个文件夹", f"chmod o-rwx {folder}"))
    return checks


def owner_checks(folder: Path, info: os.stat_result) -> list[Check]:
    """A report folder should be root's: its owner (an operator) could open it to everyone or
    take the group's rights away (chmod)."""
    if info.st_uid == 0:
        return []
    who = procinfo.user_name(info.st_uid)
    return [
        warn(
            f"文件夹属于 {who}：{who} 可以随意改动它的权限（例如让组外的人也能读取）",
            f"chown root {folder}",
        )
    ]


def umask_checks(env: Mapping[str, str]) -> list[Check]:
    current = os.umask(0o077)
    os.umask(current)
    fix = "在 /etc/profile.d/nianbao.sh 中写 umask 007；用安装包装的 tui-report 启动时会自动设为 007"
    if current & 0o060:
        return [fail(f"umask 是 {current:04o}：新保存的报告同事不能修改", fix)]
    checks = [ok(f"umask {current:04o}：新文件组内可读写")]
    session = env.get("TUI_REPORT_SESSION_UMASK", "")
    try:
        session_mask = int(session, 8) if session else current
    except ValueError:
        session_mask = current
    if session_mask & 0o060:
        checks.append(
            warn(
                f"登录会话的 umask 是 {session_mask:04o}（tui-report 启动时改为 {current:04o}）；用 cp、vim 放进共享文件夹的文件同事可能不能修改",
                fix,
            )
        )
    return checks


def _listing(folder: Path) -> tuple[list[os.DirEntry[str]], bool]:
    """At most MAX_ENTRIES entries of a folder, and whether there were more."""
    entries: list[os.DirEntry[str]] = []
    with os.scandir(folder) as it:
        for entry in it:
            if len(entries) >= MAX_ENTRIES:
                return entries, True
            entries.append(entry)
    return entries, False


def program_folder_check(folder: Path, info: os.stat_result, sub: str) -> Check:
    """``.locks`` / ``.versions``: a real folder in the folder's group that the group can write."""
    path = folder / sub
    try:
        sub_info = os.lstat(path)
    except FileNotFoundError:
        return ok(f"{sub}/ 尚未创建（第一次打开或保存时自动创建）")
    except OSError as exc:
        return fail(f"无法读取 {path}（{os_error_text(exc)}）", f"ls -ld {path}")
    if not stat.S_ISDIR(sub_info.st_mode):
        return fail(
            f"{sub} 是{_kind(sub_info)}，不是文件夹：程序无法加锁或保存历史版本",
            f"确认无用后删除：rm {path}（程序会重新创建）",
        )
    shown = _mode(sub_info)
    fix = f"chgrp -R {group_name(info.st_gid)} {path}; chmod -R g+rwX {path}; chmod g+s {path}"
    if sub_info.st_gid != info.st_gid:
        return fail(f"{sub}/ 属于 {group_name(sub_info.st_gid)} 组，与文件夹的组不同：{shown}", fix)
    if sub_info.st_mode & 0o070 != 0o070:
        return fail(f"{sub}/ 组成员不能写入：{shown}", fix)
    if sub_info.st_mode & stat.S_ISVTX:
        return fail(f"{sub}/ 设置了粘滞位：{shown}", f"chmod -t {path}")
    return _program_folder_entries(path, sub, shown, fix)


def _program_folder_entries(path: Path, sub: str, shown: str, fix: str) -> Check:
    try:
        entries, more = _listing(path)
    except OSError as exc:
        return fail(f"无法列出 {path}（{os_error_text(exc)}）", fix)
    odd, locked = [], []
    for entry in entries:
        try:
            entry_info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        wanted = stat.S_ISREG if sub == ".locks" else stat.S_ISDIR
        if not wanted(entry_info.st_mode):
            odd.append(f"{entry.name}（{_kind(entry_info)}）")
        elif entry_info.st_mode & 0o060 != 0o060:
            locked.append(entry.name)
    if odd:
        return fail(
            f"{sub}/ 中有不该有的项目：{'、'.join(odd[:SHOWN])}",
            f"确认无人编辑时删除这些项目（在 {path} 中）",
        )
    if locked:
        return warn(f"{sub}/ 中有组成员不能写的项目：{'、'.join(locked[:SHOWN])}", fix)
    count = f"{len(entries)}{'+' if more else ''} 项"
    return ok(f"{sub}/ 组可写：{shown}，{count}")


def report_file_checks(folder: Path, info: os.stat_result) -> list[Check]:
    """Reports another operator could not save: not group-writable, another group, not a file."""
    try:
        entries, more = _listing(folder)
    except OSError as exc:
        return [fail(f"无法列出文件夹内容（{os_error_text(exc)}）", f"chmod 2770 {folder}")]
    odd, read_only, other_group, not_reports, count = [], [], [], [], 0
    for entry in entries:
        if not entry.name.endswith(".toml"):
            continue
        try:
            entry_info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(entry_info.st_mode):
            odd.append(f"{entry.name}（{_kind(entry_info)}）")
            continue
        kind = toml_kind(folder / entry.name)
        if kind in ("roster", "other"):
            not_reports.append(f"{entry.name}（{kind_words(kind)}）")
            continue
        count += 1
        if entry_info.st_mode & 0o060 != 0o060:
            read_only.append(entry.name)
        if entry_info.st_gid != info.st_gid:
            other_group.append(entry.name)
    name = group_name(info.st_gid)
    checks: list[Check] = []
    if odd:
        checks.append(
            warn(
                f"这些 .toml 不是普通文件，程序不会打开：{'、'.join(odd[:SHOWN])}",
                "确认后删除，或换成普通文件",
            )
        )
    if read_only:
        checks.append(
            warn(f"同事不能修改的报告：{'、'.join(read_only[:SHOWN])}", f"chmod g+rw {folder}/*.toml")
        )
    if other_group:
        checks.append(
            warn(f"不属于 {name} 组的报告：{'、'.join(other_group[:SHOWN])}", f"chgrp {name} {folder}/*.toml")
        )
    if not checks:
        checks.append(ok(f"{count}{'+' if more else ''} 份报告，同事都能保存"))
    if not_reports:
        shown = "、".join(sorted(not_reports)[:SHOWN]) + (
            f" 等{len(not_reports)}个" if len(not_reports) > SHOWN else ""
        )
        checks.append(ok(f"另有 {len(not_reports)} 个 .toml 不是报告，未计入：{shown}"))
    return checks


def _resolve_folder(folder: Path) -> tuple[os.stat_result | None, list[Check]]:
    """The folder's stat (following one symlink, which is reported), or the reason there is none."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return None, [
            fail(f"文件夹 {folder} 不存在", f"mkdir -p {folder}; chgrp nianbao {folder}; chmod 2770 {folder}")
        ]
    except OSError as exc:
        return None, [fail(f"无法访问 {folder}（{os_error_text(exc)}）", f"ls -ld {folder}")]
    checks: list[Check] = []
    if stat.S_ISLNK(info.st_mode):
        real = os.path.realpath(folder)
        checks.append(warn(f"{folder} 是符号链接，指向 {real}；以下检查的是 {real}"))
        try:
            info = os.stat(folder)
        except OSError as exc:
            return None, [*checks, fail(f"符号链接 {folder} 指向的 {real} 无法访问（{os_error_text(exc)}）")]
    if not stat.S_ISDIR(info.st_mode):
        return None, [*checks, fail(f"{folder} 是{_kind(info)}，不是文件夹", "请指定报告所在的文件夹")]
    return info, checks


def folder_checks(folder: Path, env: Mapping[str, str] | None = None) -> list[Check]:
    env = os.environ if env is None else env
    notes: list[Check] = []
    if folder.suffix == ".toml" and os.path.isfile(folder) and not os.path.islink(folder):
        # An administrator naming a report means its folder.
        notes.append(warn(f"{folder} 是报告文件，检查它所在的文件夹 {folder.absolute().parent}"))
        folder = folder.absolute().parent
    info, checks = _resolve_folder(folder)
    checks = notes + checks
    if info is None:
        return [*checks, *umask_checks(env)]
    if is_year_folder(folder):
        # A county's year folder with one folder per unit (docs/admin.md §5).
        return [*checks, *year_folder_checks(folder), *umask_checks(env)]
    checks += group_checks(folder, info)
    checks += mode_checks(folder, info)
    checks += owner_checks(folder, info)
    checks += ancestor_checks(folder, include_self=False)
    checks += umask_checks(env)
    if not os.access(folder, os.R_OK | os.X_OK):
        name = group_name(info.st_gid)
        checks.append(
            fail("你无法进入这个文件夹，其余项目未检查", f"把填报人员加入 {name} 组，文件夹设为 chmod 2770")
        )
        return checks
    checks += [program_folder_check(folder, info, sub) for sub in PROGRAM_FOLDERS]
    checks += report_file_checks(folder, info)
    saving = check_can_save(folder / ".tui-report-doctor.toml")
    checks += [fail(problem) for problem in saving.problems]
    checks += [warn(warning) for warning in saving.warnings]
    return checks
