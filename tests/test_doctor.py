"""`tui-report doctor`: the shared folder (good, badly set up, hostile), the state folder, the
terminal and locale checks. Runs the real command in a subprocess, as an administrator would."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tui_report.admin.results import Status
from tui_report.admin.sharedfolder import folder_checks
from tui_report.admin.terminal import locale_check, size_check, terminal_checks, width_checks

IN_CI = os.environ.get("CI") == "true"
SHARED_GROUP = "users"  # a group every Debian/Kylin/UOS system has, that root is not in
FOREIGN_GROUP = "nogroup"


def doctor(
    *args: str, env: dict[str, str] | None = None, umask: str = "007"
) -> subprocess.CompletedProcess[str]:
    command = f'umask {umask}; exec "$0" -m tui_report doctor "$@"'
    return subprocess.run(
        ["sh", "-c", command, sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("LC_")},
            "LANG": "C.UTF-8",
            **(env or {}),
        },
        check=False,
    )


def section(output: str, title: str) -> list[str]:
    """The lines of one section of the doctor's output."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start + 1 : end]


def _chgrp(path: Path, group: str) -> None:
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("CI runs as root: the doctor's group checks need it")
        pytest.skip("changing a folder to another group needs root")
    import grp

    os.chown(path, -1, grp.getgrnam(group).gr_gid)


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "nianbao"
    folder.mkdir()
    _chgrp(folder, SHARED_GROUP)
    folder.chmod(0o2770)
    (folder / "报告.toml").write_text('[report]\nunit = "某乡"\n', encoding="utf-8")
    (folder / "报告.toml").chmod(0o660)
    return folder


def test_good_folder_passes(good_folder: Path, tmp_path: Path) -> None:
    result = doctor(str(good_folder), "--no-render", env={"TUI_REPORT_STATE_DIR": str(tmp_path / "state")})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = section(result.stdout, "共享文件夹")
    assert not [line for line in lines if line.startswith("  ✗")], result.stdout
    assert "  ✓ setgid 已设置：新文件自动属于文件夹的组" in lines
    assert "  ✓ 没有粘滞位" in lines
    assert any(line.startswith(f"  ✓ 文件夹属于 {SHARED_GROUP} 组") for line in lines)
    assert "  ✓ umask 0007：新文件组内可读写" in lines
    assert "  ✓ 1 份报告，同事都能保存" in lines
    assert "结论：必需的项目都正常" in result.stdout


def test_doctor_counts_reports_not_files(good_folder: Path) -> None:
    """The roster and a TOML file that is no report are not counted, and are named (#23)."""
    (good_folder / "roster.toml").write_text('[[units]]\nname = "某乡"\n', encoding="utf-8")
    (good_folder / "名册副本.toml").write_text('[[units]]\nname = "某乡"\n', encoding="utf-8")
    (good_folder / "笔记.toml").write_text("x = 1\n", encoding="utf-8")
    (good_folder / "手改坏了.toml").write_text("# 注释\n[report]\nunit = 某乡\n", encoding="utf-8")
    for name in ("roster.toml", "名册副本.toml", "笔记.toml", "手改坏了.toml"):
        (good_folder / name).chmod(0o660)
    texts = [c.text for c in folder_checks(good_folder)]
    assert "2 份报告，同事都能保存" in texts  # 报告.toml and the broken report: still reports
    assert (
        "另有 3 个 .toml 不是报告，未计入：roster.toml（单位名册）、名册副本.toml（单位名册）、"
        "笔记.toml（没有 [report] 部分，不是报告）"
    ) in texts


def test_badly_set_up_folder_fails_with_the_fixes(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    _chgrp(folder, FOREIGN_GROUP)
    folder.chmod(0o1777)  # world-writable and sticky, no setgid: like /tmp
    result = doctor(str(folder), "--no-render", umask="022")
    assert result.returncode == 1, result.stdout
    lines = section(result.stdout, "共享文件夹")
    failed = [line for line in lines if line.startswith("  ✗")]
    assert f"  ✗ 文件夹属于 {FOREIGN_GROUP} 组，不是填报人员共用的组" in failed
    assert "  ✗ 设置了粘滞位（+t）：系统不允许替换别人保存的报告，同事之间无法保存" in failed
    assert "  ✗ 没有设置 setgid：新保存的报告会属于保存人的个人组，同事可能打不开" in failed
    assert "  ✗ umask 是 0022：新保存的报告同事不能修改" in failed
    assert f"      → chmod -t {folder}" in lines
    assert f"      → chmod g+s {folder}" in lines
    assert "  ! 组外的用户也能访问这个文件夹" in lines
    assert "Traceback" not in result.stdout + result.stderr


def test_program_folders_with_wrong_group_or_mode(good_folder: Path) -> None:
    (good_folder / ".locks").mkdir(mode=0o700)
    os.chown(good_folder / ".locks", -1, good_folder.stat().st_gid)
    (good_folder / ".locks").chmod(0o700)
    (good_folder / ".versions").mkdir()
    _chgrp(good_folder / ".versions", FOREIGN_GROUP)
    (good_folder / ".versions").chmod(0o2770)
    texts = {c.text: c.status for c in folder_checks(good_folder)}
    assert texts[".locks/ 组成员不能写入：drwx------（0700）"] is Status.FAIL
    assert texts[f".versions/ 属于 {FOREIGN_GROUP} 组，与文件夹的组不同：drwxrws---（2770）"] is Status.FAIL


def test_hostile_folder_never_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = doctor(str(fifo), "--no-render")
    assert result.returncode == 1
    assert f"  ✗ {fifo} 是命名管道，不是文件夹" in result.stdout
    folder = tmp_path / "hostile"
    folder.mkdir(mode=0o2770)
    os.mkfifo(folder / ".locks")
    (folder / ".versions").symlink_to("/etc")
    os.mkfifo(folder / "管道.toml")
    (folder / "链接.toml").symlink_to("/dev/zero")
    result = doctor(str(folder), "--no-render")
    assert result.returncode == 1, result.stdout
    lines = section(result.stdout, "共享文件夹")
    assert "  ✗ .locks 是命名管道，不是文件夹：程序无法加锁或保存历史版本" in lines
    assert "  ✗ .versions 是符号链接，不是文件夹：程序无法加锁或保存历史版本" in lines
    assert any(
        line.startswith("  ! 这些 .toml 不是普通文件，程序不会打开：") and "管道.toml（命名管道）" in line
        for line in lines
    )
    assert "Traceback" not in result.stdout + result.stderr
    report = folder / "报告.toml"
    report.write_text("")
    named = doctor(str(report), "--no-render")
    assert f"  ! {report} 是报告文件，检查它所在的文件夹 {folder}" in named.stdout
    assert "  ✗ .locks 是命名管道，不是文件夹：程序无法加锁或保存历史版本" in named.stdout
    missing = doctor(str(tmp_path / "nowhere"), "--no-render")
    assert missing.returncode == 1 and f"  ✗ 文件夹 {tmp_path / 'nowhere'} 不存在" in missing.stdout


def test_state_folder_must_be_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    (state / "recovery").mkdir(parents=True)
    state.chmod(0o755)
    (state / "recovery").chmod(0o755)
    result = doctor("--no-render", env={"TUI_REPORT_STATE_DIR": str(state)})
    lines = section(result.stdout, "个人状态文件夹")
    assert lines[0].startswith(f"  ! 状态文件夹 {state} 别人也能访问（0755）")
    assert any(
        line.startswith(f"  ✗ 恢复记录文件夹 {state / 'recovery'} 别人也能访问（0755）") for line in lines
    )
    assert result.returncode == 1


def test_locale_checks() -> None:
    assert locale_check({"LANG": "zh_CN.UTF-8"}).status is Status.OK
    assert locale_check({"LANG": "zh_CN.GBK"}).status is Status.FAIL
    assert locale_check({}).status is Status.FAIL
    assert locale_check({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}).status is Status.FAIL
    # the launcher repaired a POSIX session: works, but the administrator should know
    repaired = locale_check({"LC_ALL": "C.utf8", "TUI_REPORT_SESSION_LOCALE": "POSIX"})
    assert repaired.status is Status.WARN and "POSIX" in repaired.text


def test_terminal_size_in_a_real_pty() -> None:
    primary, secondary = os.openpty()
    try:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 70, 0, 0))
        small = size_check(secondary)
        assert small.status is Status.FAIL and small.text == "窗口 70×20，小于 80×24"
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        assert size_check(secondary).status is Status.OK
        checks = terminal_checks({"TERM": "dumb", "LANG": "C.UTF-8"}, secondary)
        assert checks[0].status is Status.FAIL  # a real terminal that cannot draw the screen
    finally:
        os.close(primary)
        os.close(secondary)


def _with_fonts(monkeypatch: pytest.MonkeyPatch, families: set[str] | None) -> list[tuple[Status, str]]:
    from tui_report.admin import fonts as admin_fonts
    from tui_report.export import fontfiles

    found = None if families is None else frozenset(families)
    monkeypatch.setattr(fontfiles, "installed_families", lambda: found)
    monkeypatch.setattr(admin_fonts, "installed_families", lambda: found)
    monkeypatch.delenv("TUI_REPORT_FONTS", raising=False)
    return [(c.status, c.text) for c in admin_fonts.font_checks()]


def test_fonts_real_lookalike_and_none(monkeypatch: pytest.MonkeyPatch) -> None:
    real = {"方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "宋体", "Times New Roman"}
    assert all(status is Status.OK for status, _ in _with_fonts(monkeypatch, real))
    free = {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "Liberation Serif"}
    checks = _with_fonts(monkeypatch, free)
    assert (Status.WARN, "正文（仿宋_GB2312）：未安装，PDF 用 Noto Serif CJK SC 代替") in checks
    assert not [text for status, text in checks if status is Status.FAIL]
    bare = _with_fonts(monkeypatch, {"DejaVu Sans"})
    failed = [text for status, text in bare if status is Status.FAIL]
    assert any(text.startswith("缺少宋体/仿宋类中文字体") for text in failed), bare
    no_fontconfig = _with_fonts(monkeypatch, None)
    assert no_fontconfig[0][0] is Status.FAIL and "fontconfig" in no_fontconfig[0][1]


def _fake_terminal(primary: int, widths: dict[str, int] | None) -> threading.Thread:
    """Answers the cursor position query like a terminal drawing each character ``widths`` wide
    (None: a terminal that never answers)."""

    def serve() -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(primary, 256)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            while b"\x1b[6n" in pending:
                before, _, pending = pending.partition(b"\x1b[6n")
                text = before.rsplit(b"\r", 1)[-1].decode("utf-8", "replace")
                if widths is not None:
                    column = 1 + sum(widths.get(ch, 1) for ch in text)
                    os.write(primary, f"\x1b[24;{column}R".encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("widths", "expected"),
    [
        ({"中": 2, "“": 1}, [Status.OK, Status.OK]),
        ({"中": 2, "“": 2}, [Status.OK, Status.FAIL]),  # "treat CJK ambiguous characters as wide"
        ({"中": 3, "“": 3}, [Status.FAIL, Status.FAIL]),  # UTF-8 bytes drawn one cell each (not UTF-8)
        (None, [Status.WARN]),  # no answer: not checked, and no hang
    ],
)
def test_terminal_draws_chinese_two_cells_and_ambiguous_one(
    widths: dict[str, int] | None, expected: list[Status]
) -> None:
    primary, secondary = os.openpty()
    terminal = _fake_terminal(primary, widths)
    try:
        started = time.monotonic()
        checks = width_checks(secondary, timeout_s=0.3)
        assert [c.status for c in checks] == expected, checks
        assert time.monotonic() - started < 5
    finally:
        os.close(secondary)  # the terminal's read ends (EIO) before its descriptor number is reused
        terminal.join(timeout=5)
        os.close(primary)


def test_sshd_keepalive_as_sshd_reads_it(tmp_path: Path) -> None:
    from tui_report.admin.ssh import ssh_checks

    config = tmp_path / "sshd_config"
    (tmp_path / "sshd_config.d").mkdir()
    config.write_text("Include sshd_config.d/*.conf\nPort 22\n")
    assert ssh_checks(config)[0].status is Status.WARN  # sshd's default: no keepalive
    (tmp_path / "sshd_config.d" / "50-nianbao.conf").write_text(
        "ClientAliveInterval 60\nClientAliveCountMax 3\n"
    )
    config.write_text("Include sshd_config.d/*.conf\nClientAliveInterval 0\n")  # the first value wins
    check = ssh_checks(config)[0]
    assert check.status is Status.OK and "掉线约 3 分钟后结束会话" in check.text
    config.write_text("Match User lisi\n  ClientAliveInterval 60\n")  # only for lisi
    assert ssh_checks(config)[0].status is Status.WARN
    assert ssh_checks(tmp_path / "nowhere")[0].status is Status.WARN


def test_the_command_asks_its_real_terminal() -> None:
    """`tui-report doctor` in a pseudo-terminal (its controlling terminal, /dev/tty) drawn by pyte,
    which answers the cursor position query after drawing what came before it."""
    import pty

    import pyte

    class Terminal(pyte.Screen):  # type: ignore[misc]
        def __init__(self, fd: int) -> None:
            super().__init__(80, 24)
            self.fd = fd

        def write_process_input(self, data: str) -> None:
            os.write(self.fd, data.encode())

    env = {**os.environ, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    env.pop("LC_ALL", None)
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.execve(sys.executable, [sys.executable, "-m", "tui_report", "doctor", "--no-render"], env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    stream = pyte.ByteStream(Terminal(fd))
    output = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the program has exited and closed the terminal
                break
            if not data:
                break
            output += data
            stream.feed(data)
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert "✓ 窗口 80×24" in text
    assert "✓ 终端按 UTF-8 显示中文（“中”占两格）" in text
    assert "✓ 有歧义宽度的字符（“ ”等）按半角显示" in text


def _edit_in_a_terminal(report: Path) -> tuple[int, int]:
    """A colleague's session on a terminal of its own (pid, pty fd); it holds the edit lock."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child, on the terminal
        try:
            from tui_report.session import EditSession

            session = EditSession.open(report)  # noqa: F841  (holds the lock)
            os.write(1, b"READY\r\n")
            while True:
                time.sleep(1)
        finally:
            os._exit(1)
    seen = b""
    deadline = time.monotonic() + 20
    while b"READY" not in seen and time.monotonic() < deadline:
        seen += os.read(fd, 1024)
    assert b"READY" in seen, seen
    return pid, fd


def test_the_administrator_sees_who_edits_and_how_to_end_a_quiet_session(tmp_path: Path) -> None:
    """The kill command left the operator's lock dialog: the doctor says it, for a quiet session."""
    import shutil

    from tui_report.admin.editing import editing_checks
    from tui_report.host import procinfo

    folder = tmp_path / "2025"
    unit = folder / "大马乡"
    unit.mkdir(parents=True)
    report = unit / "年报.toml"
    shutil.copyfile(Path(__file__).resolve().parent.parent / "examples" / "dama-2021.toml", report)
    assert [c.text for c in editing_checks(folder)] == ["没有人正在编辑"]
    pid, fd = _edit_in_a_terminal(report)
    try:
        facts = procinfo.process_facts(pid)
        assert facts is not None and facts.tty
        (active,) = editing_checks(folder)
        assert active.status is Status.OK and f"大马乡/年报.toml：{facts.who()} 正在编辑" in active.text
        tty = Path("/dev") / facts.tty
        os.utime(tty, (time.time() - 25 * 60, tty.stat().st_mtime))  # no input for 25 minutes
        (quiet,) = editing_checks(folder)
        assert quiet.status is Status.WARN and "终端 25 分钟无输入" in quiet.text, quiet
        assert f"sudo kill -TERM {pid}" in quiet.fix
        result = doctor(str(report), "--no-render", env={"TUI_REPORT_STATE_DIR": str(tmp_path / "state")})
        lines = section(result.stdout, "正在编辑的会话")
        assert any(f"kill -TERM {pid}" in line for line in lines), result.stdout
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
