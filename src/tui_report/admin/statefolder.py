"""The operator's private state folder (recovery journals): ours, 0700, and creatable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.host.oserror import os_error_text
from tui_report.storage.journal import recovery_dir


def _creatable(path: Path) -> Check:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if os.access(parent, os.W_OK | os.X_OK):
        return ok(f"{path} 尚未创建（第一次编辑时自动创建，权限 0700）")
    return fail(f"{path} 无法创建：{parent} 不可写", f"检查主目录的权限：ls -ld {parent}")


def _folder_check(path: Path, label: str, strict: bool) -> Check:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return _creatable(path)
    except OSError as exc:
        return fail(f"无法访问{label} {path}（{os_error_text(exc)}）", f"ls -ld {path}")
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return fail(
            f"{label} {path} 不是普通文件夹（可能是符号链接）", f"确认后删除：rm {path}（程序会重新创建）"
        )
    if info.st_uid != os.geteuid():
        return fail(f"{label} {path} 不属于你，程序会拒绝使用", f"sudo chown -R $(id -un) {path}")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        fix = f"chmod 700 {path}"
        text = f"{label} {path} 别人也能访问（{mode:04o}），恢复记录里有未保存的报告内容"
        return fail(text, fix) if strict else warn(text, fix)
    return ok(f"{label} {path}（{mode:04o}）")


def state_checks() -> list[Check]:
    recovery = recovery_dir()
    base = recovery.parent
    checks = [_folder_check(base, "状态文件夹", strict=False)]
    if base.is_dir() and not base.is_symlink():
        checks.append(_folder_check(recovery, "恢复记录文件夹", strict=True))
    return checks
