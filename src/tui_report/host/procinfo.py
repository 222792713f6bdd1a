"""Who and where we are: user, host, terminal, and whether a process id still means the same process.

A pid alone is not an identity (pids are reused), so a process is named by its pid together with its
start time in clock ticks since boot (field 22 of ``/proc/<pid>/stat``).
"""

from __future__ import annotations

import os
import pwd
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache


def _stat_fields(pid: int) -> list[bytes] | None:
    """Fields 3… of ``/proc/<pid>/stat`` (state, ppid, …), or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    return raw[raw.rfind(b")") + 2 :].split()


def pid_stat(pid: int) -> tuple[str, int] | None:
    """(state, start ticks) of a process, or None when there is no such process."""
    rest = _stat_fields(pid)
    if rest is None:
        return None
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
    return _user_name(uid, int(time.monotonic() // NAME_CACHE_SECONDS))


# The desk names the owner of every report and record file (~2,000 for 500 reports) each time it
# reads the folder, and each lookup reads the account database again; an account renamed shows
# its new name within a minute.
NAME_CACHE_SECONDS = 60


@lru_cache(maxsize=1024)
def _user_name(uid: int, _period: int) -> str:
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


def process_uid(pid: int) -> int | None:
    """The real user id of a process (from /proc/<pid>/status), or None when unknown."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f.read(65536).splitlines():
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def process_argv(pid: int) -> list[str]:
    """A process's command line (empty when unknown)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            raw = f.read(65536)
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def looks_like_tui_report(pid: int) -> bool:
    """Whether the process is (plausibly) a tui-report session: Python running tui-report, never a
    shell or a daemon. Only a hint; :func:`flock_holders` is the proof."""
    argv = process_argv(pid)
    if not argv:
        return False
    if any("tui-report" in os.path.basename(a) or "tui_report" in a for a in argv):
        return True
    try:
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        exe = os.path.basename(argv[0])
    return exe.startswith("python") or os.path.basename(argv[0]).startswith("python")


def flock_holders(info: os.stat_result) -> set[int] | None:
    """Pids holding a ``flock`` on the file ``info`` describes (from /proc/locks), or None when the
    kernel does not tell (no /proc/locks)."""
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", "rb") as f:
            lines = f.read().decode("ascii", "replace").splitlines()
    except OSError:
        return None
    holders: set[int] = set()
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146353 0 EOF"; waiters have "->" after the number.
        if len(fields) < 6 or fields[1] == "->" or fields[1] != "FLOCK" or fields[5] != key:
            continue
        try:
            holders.add(int(fields[4]))
        except ValueError:
            continue
    return holders


# ---------------------------------------------------------------------- facts about a process


@dataclass(frozen=True, slots=True)
class ProcessFacts:
    """What the system says about a running process — its user's account (``pwd``), its terminal
    and start time (``/proc``) — as opposed to what a file claims about it."""

    pid: int
    uid: int
    login: str
    person: str  # the account's full name (GECOS), "" when it has none
    tty: str  # "pts/3", "" without a terminal
    started: datetime | None
    idle_seconds: float | None  # since the terminal last had input; None without a terminal

    def who(self) -> str:
        """``张三（zhangsan）``, or the login name alone when the account has no full name."""
        if self.person and self.person != self.login:
            return f"{self.person}（{self.login}）"
        return self.login


def _printable(text: str, limit: int = 40) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:limit]


def account_names(uid: int) -> tuple[str, str]:
    """(login name, full name from GECOS) of a user id; the id itself when it has no account."""
    try:
        entry = pwd.getpwuid(uid)
    except KeyError:
        return str(uid), ""
    return _printable(entry.pw_name), _printable(entry.pw_gecos.split(",")[0].strip())


def boot_time() -> float | None:
    """Seconds since the epoch at boot (``btime`` of /proc/stat)."""
    try:
        with open("/proc/stat", "rb") as f:
            for line in f.read(1 << 20).splitlines():
                if line.startswith(b"btime "):
                    return float(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def terminal_of(tty_nr: int) -> str:
    """The terminal name of a ``tty_nr`` (field 7 of /proc/<pid>/stat): ``pts/3``, ``tty2``."""
    if tty_nr <= 0:
        return ""
    major = (tty_nr >> 8) & 0xFFF
    minor = (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    if 136 <= major <= 143:
        return f"pts/{(major - 136) * 256 + minor}"
    if major == 4:
        return f"tty{minor}" if minor < 64 else f"ttyS{minor - 64}"
    return ""


def terminal_idle_seconds(tty: str, tty_nr: int) -> float | None:
    """Seconds since the terminal's last input (the kernel stamps a terminal's access time when it
    is read from, as ``w`` shows), when ``/dev/<tty>`` is that very device."""
    try:
        info = os.stat(f"/dev/{tty}")
    except OSError:
        return None
    major = (tty_nr >> 8) & 0xFFF
    minor = (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    if info.st_rdev != os.makedev(major, minor):
        return None
    return max(0.0, time.time() - info.st_atime)


def process_facts(pid: int) -> ProcessFacts | None:
    """The system's facts about a running process, or None when it is gone."""
    rest = _stat_fields(pid)
    uid = process_uid(pid)
    if rest is None or uid is None:
        return None
    try:
        tty_nr, ticks = int(rest[4]), int(rest[19])
    except (IndexError, ValueError):
        return None
    started = None
    boot = boot_time()
    if boot is not None:
        started = datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK")).astimezone()
    tty = terminal_of(tty_nr)
    idle = terminal_idle_seconds(tty, tty_nr) if tty else None
    login, person = account_names(uid)
    return ProcessFacts(pid, uid, login, person, tty, started, idle)
