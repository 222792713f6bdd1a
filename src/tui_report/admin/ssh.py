"""sshd's keepalive: without it a dropped PuTTY link can hold a report's edit lock for hours
(docs/reliability.md). Read from sshd_config as sshd reads it: the first value of a keyword wins,
``Include`` files count where they stand, and ``Match`` blocks (conditional) end the global part."""

from __future__ import annotations

import contextlib
import glob
from pathlib import Path

from tui_report.admin.results import Check, ok, warn
from tui_report.host.oserror import os_error_text

SSHD_CONFIG = Path("/etc/ssh/sshd_config")
MAX_INCLUDE_DEPTH = 4
MAX_BYTES = 1_000_000
RECOMMENDED = "在 /etc/ssh/sshd_config 开头写 ClientAliveInterval 60 和 ClientAliveCountMax 3，然后 systemctl reload sshd"


class _MatchBlock(Exception):
    """The global part of the configuration ended."""


def _read(path: Path, settings: dict[str, str], depth: int) -> None:
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read(MAX_BYTES)
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, _, value = line.replace("=", " ", 1).partition(" ")
        key, value = key.lower(), value.strip()
        if key == "match":
            raise _MatchBlock
        if key == "include" and depth < MAX_INCLUDE_DEPTH:
            for pattern in value.split():
                full = pattern if pattern.startswith("/") else str(path.parent / pattern)
                for name in sorted(glob.glob(full)):
                    _read(Path(name), settings, depth + 1)
        else:
            settings.setdefault(key, value)


def sshd_settings(path: Path = SSHD_CONFIG) -> dict[str, str]:
    """Global keyword -> value (keywords lower-case). Raises OSError when unreadable."""
    settings: dict[str, str] = {}
    with contextlib.suppress(_MatchBlock):
        _read(path, settings, 0)
    return settings


def ssh_checks(path: Path = SSHD_CONFIG) -> list[Check]:
    try:
        settings = sshd_settings(path)
    except FileNotFoundError:
        return [warn(f"未找到 {path}，未检查 SSH 服务的设置")]
    except OSError as exc:
        return [warn(f"无法读取 {path}（{os_error_text(exc)}），请以 root 身份检查 SSH 设置")]
    try:
        interval = int(settings.get("clientaliveinterval", "0").rstrip("s"))
        count = int(settings.get("clientalivecountmax", "3"))
    except ValueError:
        return [warn("sshd 的 ClientAliveInterval / ClientAliveCountMax 不是数字", RECOMMENDED)]
    if interval <= 0 or count <= 0:
        return [
            warn("sshd 没有开启 keepalive（ClientAliveInterval）：掉线的会话可能长时间占着报告", RECOMMENDED)
        ]
    minutes = interval * count / 60
    text = f"sshd：ClientAliveInterval {interval}，ClientAliveCountMax {count}（掉线约 {minutes:.0f} 分钟后结束会话）"
    if interval * count > 600:
        return [warn(text + "，较慢", RECOMMENDED)]
    return [ok(text)]
