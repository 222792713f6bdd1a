"""The per-user state folder: recovery journals, the recent-reports list.

``$TUI_REPORT_STATE_DIR`` if set, else ``$XDG_STATE_HOME/tui-report``, else
``~/.local/state/tui-report``. A relative ``XDG_STATE_HOME`` is ignored, as the XDG base directory
specification requires: it would put private state wherever the operator happens to stand.
Before anything is read from it or written to it, :func:`ensure_state_dir` checks that it is a real
folder of this user that nobody else may write in.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tui_report.host.oserror import os_error_text
from tui_report.host.procinfo import user_name


def state_dir() -> Path:
    """The state folder (not created)."""
    override = os.environ.get("TUI_REPORT_STATE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "tui-report"


class StateDirError(Exception):
    """The state folder cannot be trusted or created; ``str()`` is the Chinese reason."""


def ensure_state_dir(*, create: bool = True) -> Path:
    """The state folder, created (0700) if missing (``create=False``: returned as it is when
    missing, for a reader), and refused (:class:`StateDirError`) when it is not a real folder,
    belongs to someone else, or others may write in it: it holds unsaved report text (the recovery
    journals) and the list of reports this operator opened, and whoever may write in it could read,
    plant or swap those."""
    folder = state_dir()
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except FileNotFoundError:
        if create:
            raise StateDirError(f"无法创建个人状态文件夹 {folder}（文件夹不存在）") from None
        return folder
    except OSError as exc:
        raise StateDirError(f"无法创建个人状态文件夹 {folder}（{os_error_text(exc)}）") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise StateDirError(
            f"个人状态文件夹 {folder} 不是普通文件夹（是{_kind(info.st_mode)}），为保护你的数据已停止使用；"
            "请删除它（程序会重新建立）或设置 TUI_REPORT_STATE_DIR"
        )
    if info.st_uid != os.geteuid():
        raise StateDirError(
            f"个人状态文件夹 {folder} 属于其他用户（{user_name(info.st_uid)}），为保护你的数据已停止使用；"
            "请管理员检查，或设置 TUI_REPORT_STATE_DIR 为你自己的文件夹"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise StateDirError(
            f"个人状态文件夹 {folder} 别人也能写入（权限 {mode:04o}），为保护你的数据已停止使用；"
            f"请检查其中的文件后执行 chmod 700 {folder}"
        )
    return folder


def _kind(mode: int) -> str:
    return "符号链接" if stat.S_ISLNK(mode) else "文件"
