"""Who and where we are: user, host, terminal, and whether a process id still means the same process.

A pid alone is not an identity (pids are reused), so a process is named by its pid together with its
start time in clock ticks since boot (field 22 of ``/proc/<pid>/stat``).
"""

from __future__ import annotations

import os
import pwd
import socket
import sys
from datetime import datetime


def pid_stat(pid: int) -> tuple[str, int] | None:
    """(state, start ticks) of a process, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    rest = raw[raw.rfind(b")") + 2 :].split()
    try:
        return rest[0].decode("ascii", "replace"), int(rest[19])
    except (IndexError, ValueError):
        return None


def pid_start_ticks(pid: int) -> int | None:
    found = pid_stat(pid)
    return found[1] if found else None


def process_alive(pid: int, start_ticks: int | None) -> bool:
    """True when ``pid`` is a running (not zombie) process started at ``start_ticks``.

    Without start ticks (no /proc) we can only ask the kernel whether the pid exists.
    """
    if pid <= 0:
        return False
    found = pid_stat(pid)
    if found is None:
        if os.path.isdir("/proc/self"):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    state, ticks = found
    if state in ("Z", "X", "x"):
        return False
    return start_ticks is None or ticks == start_ticks


def user_name(uid: int | None = None) -> str:
    uid = os.geteuid() if uid is None else uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def display_name(uid: int | None = None) -> str:
    """The person's name from the passwd comment field (GECOS), falling back to the login name."""
    uid = os.geteuid() if uid is None else uid
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return str(uid)
    full = entry.pw_gecos.split(",")[0].strip()
    return full or entry.pw_name


def host_name() -> str:
    return socket.gethostname()


def terminal_name() -> str:
    """``pts/3`` for the terminal on stdin/stdout/stderr, or '' when there is none."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
            if os.isatty(fd):
                name = os.ttyname(fd)
                return name[5:] if name.startswith("/dev/") else name
        except (AttributeError, OSError, ValueError):
            continue
    return ""


def ssh_client_address() -> str:
    """The operator's PC address as sshd reports it (SSH_CLIENT = "ip port port"), or ''."""
    value = os.environ.get("SSH_CLIENT") or os.environ.get("SSH_CONNECTION") or ""
    return value.split()[0] if value.split() else ""


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.astimezone()


def ago_text(seconds: float) -> str:
    """A short Chinese "how long ago": 刚才 / 5 分钟前 / 2 小时前 / 3 天前."""
    if seconds < 60:
        return "刚才"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"
