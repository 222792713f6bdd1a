"""Python and the terminal the doctor runs in: TERM, window size, UTF-8 locale, colours."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

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
    return [ok(f"Python {where}")]


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


def terminal_checks(env: Mapping[str, str] | None = None, fd: int | None = None) -> list[Check]:
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
    return checks
