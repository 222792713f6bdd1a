"""Python and the terminal the doctor runs in: TERM, window size, UTF-8 locale, colours."""

from __future__ import annotations

import os
import re
import select
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

from tui_report.admin.results import Check, fail, ok, warn

MIN_PYTHON = (3, 10)
MIN_COLUMNS, MIN_LINES = 80, 24
LOCALE_FIX = (
    "在 /etc/profile.d/tui-report.sh 中写 export LANG=zh_CN.UTF-8（或 C.UTF-8），重新登录；"
    "用安装包装的 tui-report 启动时会自动改用 UTF-8"
)


def python_checks() -> list[Check]:
    version = ".".join(str(n) for n in sys.version_info[:3])
    where = f"{version}（{sys.executable}）"
    if sys.version_info[:2] < MIN_PYTHON:
        return [fail(f"Python {where} 太旧", "需要 Python 3.10 或更高版本；请用离线安装包重新安装")]
    installed = install_check(Path(sys.prefix))
    return [ok(f"Python {where}"), *([installed] if installed else [])]


def install_check(env_dir: Path) -> Check | None:
    """Where install.sh put this environment, and the version kept for rollback (None when the
    program was not installed from the offline bundle)."""
    if env_dir.parent.name != "versions" or not (env_dir.parent.parent / "current").is_symlink():
        return None
    root = env_dir.parent.parent
    text = f"安装在 {root}，版本 {env_dir.name}"
    previous = root / "previous"
    if previous.is_symlink():
        text += f"；上一个版本 {Path(os.readlink(previous)).name} 已保留，回退：sudo bash {root}/install.sh --rollback"
    return ok(text)


def _is_utf8(value: str) -> bool:
    return value.lower().replace("-", "").endswith("utf8") or ".utf8@" in value.lower().replace("-", "")


def locale_check(env: Mapping[str, str]) -> Check:
    """The locale the program runs with, and whether the launcher or Python had to repair it."""
    effective = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    session = env.get("TUI_REPORT_SESSION_LOCALE")
    if not _is_utf8(effective):
        return fail(
            f"字符集（locale）是 {effective or 'POSIX（未设置）'}，不是 UTF-8，中文会显示为乱码", LOCALE_FIX
        )
    coerced = not env.get("LC_ALL") and env.get("LC_CTYPE") == "C.UTF-8" and not _is_utf8(env.get("LANG", ""))
    if session is not None or coerced:
        before = session or env.get("LANG") or "POSIX（未设置）"
        return warn(
            f"登录会话的字符集是 {before}，tui-report 已自动改用 {effective}；其他程序（ls、vim）中的中文仍可能乱码",
            LOCALE_FIX,
        )
    return ok(f"字符集 {effective}")


def term_check(env: Mapping[str, str], on_tty: bool) -> Check:
    term = env.get("TERM", "")
    if term and term != "dumb":
        return ok(f"终端类型 TERM={term}")
    fix = "在 PuTTY / Xshell 的终端类型中填 xterm-256color；或 export TERM=xterm-256color"
    text = f"终端类型 TERM={term or '（未设置）'}，无法显示全屏界面"
    return fail(text, fix) if on_tty else warn(text + "（当前不在终端中运行）", fix)


def colour_check(env: Mapping[str, str]) -> Check:
    term, colorterm = env.get("TERM", ""), env.get("COLORTERM", "").lower()
    if colorterm in ("truecolor", "24bit"):
        return ok("颜色：真彩色")
    if "256color" in term or "direct" in term:
        return ok("颜色：256 色")
    return warn(
        f"颜色：TERM={term or '（未设置）'} 只保证 8 色，错误和警告的颜色可能难以分辨",
        "PuTTY：Connection → Data → Terminal-type string 填 xterm-256color；Xshell：终端类型选 xterm-256color",
    )


def size_check(fd: int) -> Check:
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return warn("无法读取终端窗口大小")
    text = f"窗口 {size.columns}×{size.lines}"
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        return fail(f"{text}，小于 {MIN_COLUMNS}×{MIN_LINES}", "把终端窗口拉大到至少 80 列、24 行")
    return ok(text)


def _real_stdout() -> int:
    """The terminal's descriptor, also inside the app (which replaces ``sys.stdout``), or -1."""
    stream = sys.__stdout__
    try:
        return stream.fileno() if stream is not None else -1
    except (OSError, ValueError):
        return -1


def terminal_checks(
    env: Mapping[str, str] | None = None, fd: int | None = None, probe: bool = False
) -> list[Check]:
    """``probe``: also ask the terminal how wide it draws Chinese (not inside the app, which owns
    the terminal's input)."""
    env = os.environ if env is None else env
    fd = _real_stdout() if fd is None else fd
    try:
        on_tty = fd >= 0 and os.isatty(fd)
    except OSError:
        on_tty = False
    checks = [term_check(env, on_tty)]
    if on_tty:
        checks.append(size_check(fd))
    else:
        checks.append(warn("不是在终端中运行（输出被重定向），未检查窗口大小"))
    checks.append(locale_check(env))
    checks.append(colour_check(env))
    if probe and on_tty:
        checks += _probe_controlling_terminal()
    return checks


def _probe_controlling_terminal() -> list[Check]:
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return [warn("无法打开终端（/dev/tty），未检查中文显示宽度")]
    try:
        return width_checks(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- what the terminal draws
# The server cannot see PuTTY's settings, but it can ask the terminal where the cursor is after
# drawing a character (DSR, ESC[6n): 中 must take two cells (the terminal decodes UTF-8), and “
# one (CJK ambiguous characters narrow, as every program on the server assumes).
PROBE_TIMEOUT_S = 0.5
_CURSOR = re.compile(rb"\x1b\[(\d+);(\d+)R")


def _cursor_column(fd: int, text: str, timeout_s: float) -> int | None:
    os.write(fd, b"\r" + text.encode("utf-8") + b"\x1b[6n")
    answer = b""
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        answer += chunk
        match = _CURSOR.search(answer)
        if match:
            return int(match.group(2))
    return None


def measure_widths(fd: int, timeout_s: float = PROBE_TIMEOUT_S) -> tuple[int, int] | None:
    """Cells the terminal on ``fd`` takes for 中 and for “, or None when it does not answer."""
    old = termios.tcgetattr(fd)
    raw = termios.tcgetattr(fd)
    raw[3] &= ~(termios.ECHO | termios.ICANON)
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 0, 0
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        wide = _cursor_column(fd, "中", timeout_s)
        narrow = _cursor_column(fd, "“", timeout_s) if wide is not None else None
    finally:
        os.write(fd, b"\r\x1b[K")  # erase the probe
        termios.tcsetattr(fd, termios.TCSAFLUSH, old)  # and any late answer
    if wide is None or narrow is None:
        return None
    return wide - 1, narrow - 1


def width_checks(fd: int, timeout_s: float = PROBE_TIMEOUT_S) -> list[Check]:
    try:
        widths = measure_widths(fd, timeout_s)
    except (OSError, termios.error):
        widths = None
    if widths is None:
        return [warn("终端没有回答光标位置查询，未检查中文显示宽度")]
    wide, narrow = widths
    checks: list[Check] = []
    if wide == 2:
        checks.append(ok("终端按 UTF-8 显示中文（“中”占两格）"))
    else:
        checks.append(
            fail(
                f"终端没有按 UTF-8 显示中文（“中”占 {wide} 格）",
                "PuTTY：Window → Translation → Remote character set 选 UTF-8；Xshell：终端 → 编码选 Unicode (UTF-8)",
            )
        )
    if narrow == 1:
        checks.append(ok("有歧义宽度的字符（“ ”等）按半角显示"))
    else:
        checks.append(
            fail(
                f"终端把有歧义宽度的字符当作宽字符（“占 {narrow} 格），表格和文字会错位",
                "PuTTY：Window → Translation 中取消 Treat CJK ambiguous characters as wide；Xshell 中取消同类选项",
            )
        )
    return checks
