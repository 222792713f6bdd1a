"""Can this operator save this report here? Asked before typing starts, answered in Chinese.

A save writes a temp file in the report's folder and renames it over the report, so it needs:
write and search permission on the folder; in a sticky folder (mode +t, like /tmp) either owning
the report or the folder, because the kernel refuses to replace a colleague's file there; and,
to respect the owner's intent, write permission on the report itself. The recommended shared
folder is group-owned, mode 2770 (setgid, not sticky), used with umask 007 (docs/reliability.md).
"""

from __future__ import annotations

import grp
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tui_report.host import procinfo
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.safefile import kind_of

NETWORK_FS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse", "9p", "virtiofs", "sshfs")


class CannotEditError(ReportFileError):
    """Saving here would fail; ``reasons`` lists why (Chinese). Open read-only instead."""

    def __init__(self, path: Path | str, reasons: list[str]):
        self.reasons = reasons
        super().__init__(path, "无法在此保存：" + "；".join(reasons))


@dataclass
class FolderCheck:
    path: Path
    problems: list[str] = field(default_factory=list)  # saving would fail: refuse editing
    warnings: list[str] = field(default_factory=list)  # saving works, but someone may be surprised

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_refused(self) -> None:
        if self.problems:
            raise CannotEditError(self.path, self.problems)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _describe(path: Path, info: os.stat_result) -> str:
    return f"{path}（{stat.filemode(info.st_mode)}，属于 {procinfo.user_name(info.st_uid)}:{_group_name(info.st_gid)}）"


def _access(path: Path, mode: int) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)  # pragma: no cover


def check_can_save(path: Path | str) -> FolderCheck:
    """Everything that would make a save of ``path`` fail or surprise someone, asked now."""
    path = Path(path)
    result = FolderCheck(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder_info = _check_folder(result, folder)
    if folder_info is None:
        return result
    try:
        file_info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        file_info = None
    except OSError as exc:
        result.problems.append(f"无法读取文件信息（{os_error_text(exc)}）")
        return result
    if file_info is not None:
        _check_report_file(result, path, folder_info, file_info)
    _check_subfolders(result, folder, path.name)
    fs_type = filesystem_type(folder)
    if fs_type and fs_type.split(".")[0] in NETWORK_FS:
        result.warnings.append(
            f"报告位于网络文件系统（{fs_type}）上，编辑锁可能不可靠；请尽量放在服务器本地磁盘"
        )
    return result


def _check_folder(result: FolderCheck, folder: Path) -> os.stat_result | None:
    """The folder's stat when it is a folder we may write in; None (with the problem) otherwise."""
    try:
        folder_info = os.stat(folder)
    except FileNotFoundError:
        result.problems.append(f"文件夹 {folder} 不存在")
        return None
    except OSError as exc:
        result.problems.append(f"无法访问文件夹 {folder}（{os_error_text(exc)}）")
        return None
    if not stat.S_ISDIR(folder_info.st_mode):
        result.problems.append(f"{folder} 不是文件夹")
        return None
    if not _access(folder, os.W_OK | os.X_OK):
        result.problems.append(
            f"你（{procinfo.user_name()}）没有在文件夹 {_describe(folder, folder_info)} 中写入的权限；"
            f"请管理员把你加入 {_group_name(folder_info.st_gid)} 组，或把文件夹设为组可写（chmod 2770）"
        )
    return folder_info


def _check_report_file(
    result: FolderCheck, path: Path, folder_info: os.stat_result, file_info: os.stat_result
) -> None:
    if stat.S_ISLNK(file_info.st_mode):
        result.problems.append(f"{path} 是符号链接；请直接打开它指向的文件 {os.path.realpath(path)}")
        return
    if not stat.S_ISREG(file_info.st_mode):
        result.problems.append(f"{path} 不是普通文件（是{kind_of(file_info.st_mode)}）")
        return
    euid = os.geteuid()
    if folder_info.st_mode & stat.S_ISVTX and euid not in (0, file_info.st_uid, folder_info.st_uid):
        result.problems.append(
            f"文件夹 {path.parent} 设置了粘滞位（权限 {stat.filemode(folder_info.st_mode)}），"
            f"报告属于 {procinfo.user_name(file_info.st_uid)}，保存时系统不允许替换他人的文件；"
            "请管理员去掉粘滞位（chmod -t，推荐 chmod 2770），或请文件所有者保存"
        )
    if not _access(path, os.W_OK):
        result.problems.append(
            f"报告文件对你是只读的：{_describe(path, file_info)}；请文件所有者或管理员开放组写权限（chmod g+w）"
        )
    _check_group(result, folder_info, file_info)


def _check_subfolders(result: FolderCheck, folder: Path, name: str) -> None:
    """``.locks``, ``.versions`` and ``.versions/<name>``: real folders we may write in."""
    for sub_path in (folder / ".locks", folder / ".versions", folder / ".versions" / name):
        try:
            info = os.lstat(sub_path)
        except OSError:
            continue  # missing: created at the first save
        if not stat.S_ISDIR(info.st_mode):
            result.problems.append(
                f"{sub_path} 不是文件夹（是{kind_of(info.st_mode)}），可能被人改动；请管理员检查后删除它"
            )
        elif not _access(sub_path, os.W_OK | os.X_OK):
            result.problems.append(
                f"没有在 {_describe(sub_path, info)} 中写入的权限；请管理员执行 chmod -R g+rwX {sub_path}"
                " 并 chmod g+s（推荐 2770）"
            )


def _check_group(result: FolderCheck, folder_info: os.stat_result, file_info: os.stat_result) -> None:
    """A save makes a new file: its group is the folder's (setgid folder) or ours. Warn if that
    would take the report away from its group and we cannot give it back."""
    if os.geteuid() == 0:
        return
    new_gid = folder_info.st_gid if folder_info.st_mode & stat.S_ISGID else os.getegid()
    if new_gid == file_info.st_gid:
        return
    if file_info.st_gid in os.getgroups() or file_info.st_gid == os.getegid():
        return  # we can chown the new file back to the report's group
    result.warnings.append(
        f"保存后报告的组会从 {_group_name(file_info.st_gid)} 变为 {_group_name(new_gid)}，同事可能无法再打开；"
        f"请管理员把文件夹设为 {_group_name(file_info.st_gid)} 组并加上 setgid（chmod 2770）"
    )


def filesystem_type(folder: Path) -> str | None:
    """The type of the file system holding ``folder`` (from /proc/self/mountinfo), or None."""
    try:
        real = os.path.realpath(folder)
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    best, best_type = "", None
    for line in lines:
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        parts = left.split()
        if len(parts) < 5:
            continue
        mount_point = parts[4].replace("\\040", " ")
        if (real == mount_point or real.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) >= len(best):
            best, best_type = mount_point, right.split()[0] if right.split() else None
    return best_type
