"""Issue #20 item 11, the lower attacks: a ``.exports`` that is a symlink or not a folder; a PDF export
hung up (SIGHUP) or terminated (SIGTERM) while LibreOffice runs; permission errors in Chinese; the
per-user state folder owned by someone else or writable by others; ``new`` in a shared folder
without setgid.

Two real users in one group and an outsider (``nobody``), created as in
``tests/reliability/test_two_users.py``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import tui_report
from reliability._helpers import run_as
from reliability.test_two_users import Office, as_user, office, users  # noqa: F401
from tui_report.cli import main
from tui_report.export.pdf import find_soffice
from tui_report.session import EditSession
from tui_report.storage.reportfile import save_report
from tui_report.storage.versions import keep_previous

from .conftest import EXAMPLES, evil_report

NOBODY = 65534
SRC = Path(tui_report.__file__).resolve().parents[1]  # the child runs the code this test imported


def _command(argv: list[str]) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            code = main(argv)
        return code, buffer.getvalue()

    return run


def _as_nobody(func: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    code, text = run_as(NOBODY, NOBODY, func)
    return int(code), str(text)


# ---------------------------------------------------------------------- .exports


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_planted_exports_is_refused_by_batch_export_and_the_desk(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    save_report(evil_report("甲乡人民政府"), folder / "甲乡.toml")
    elsewhere = tmp_path / "someone-else"
    elsewhere.mkdir()
    if kind == "symlink":
        (folder / ".exports").symlink_to(elsewhere)
    else:
        (folder / ".exports").write_text("not a folder", encoding="utf-8")
    # A record planted where the link points, claiming an export the desk would show.
    claimed = tmp_path / "claimed.docx"
    claimed.write_bytes(b"x")
    (elsewhere / "甲乡.toml.json").write_text(json.dumps({"files": [str(claimed)]}), encoding="utf-8")
    code, text = _command(["review", str(folder), "--json"])()
    assert code in (0, 1), text
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows[0]["exported"] is False, rows[0]
    planted = (elsewhere / "甲乡.toml.json").read_bytes()
    out = tmp_path / "发布"
    code, text = _command(["export", str(folder), "-o", str(out), "--format", "html"])()
    assert code == 0, text
    assert ".exports" in text and "未在其中记录导出" in text, text
    assert (elsewhere / "甲乡.toml.json").read_bytes() == planted  # nothing written through it
    assert sorted(p.name for p in elsewhere.iterdir()) == ["甲乡.toml.json"]
    assert (out / "index.html").is_file()


# ---------------------------------------------------------------------- PDF export hung up


FAKE_SOFFICE = """#!/bin/sh
# Stands for LibreOffice: a launcher that starts the real renderer and waits (as soffice does).
sleep 600 &
echo "$$ $!" > "$MARK/pids"
wait
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as status:
            return status.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _export_pdf(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    report = tmp_path / "年报.toml"
    shutil.copyfile(EXAMPLES / "full-2024.toml", report)
    code = "import sys; from tui_report.cli import main; sys.exit(main())"
    return subprocess.Popen(
        [sys.executable, "-c", code, "export", str(report), "-o", str(tmp_path / "年报.pdf")],
        env={**os.environ, "PYTHONPATH": str(SRC), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_pdf_export_hung_up_leaves_no_temp_folder_and_no_renderer(
    tmp_path: Path, sig: signal.Signals
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    mark = tmp_path / "mark"
    mark.mkdir()
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE, encoding="utf-8")
    fake.chmod(0o755)
    proc = _export_pdf(tmp_path, {"TMPDIR": str(temp), "TUI_REPORT_SOFFICE": str(fake), "MARK": str(mark)})
    try:
        assert _wait_for(lambda: (mark / "pids").is_file() and (mark / "pids").read_text().strip() != "", 60)
        launcher, renderer = (int(p) for p in (mark / "pids").read_text().split())
        assert [p.name for p in temp.iterdir() if p.name.startswith("tui-report-pdf-")]  # the copies
        proc.send_signal(sig)
        proc.wait(timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()
    assert proc.returncode == -sig, proc.stderr.read() if proc.stderr else ""  # ended by the signal
    assert not list(temp.iterdir()), list(temp.iterdir())  # no copy of the report left behind
    assert _wait_for(lambda: not _alive(launcher) and not _alive(renderer), 5), "the renderer runs on"


def test_a_real_libreoffice_is_ended_by_a_hang_up(tmp_path: Path) -> None:
    if find_soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: scripts/test.sh installs it", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed")
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = _export_pdf(tmp_path, {"TMPDIR": str(temp)})

    def renderers() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                    if str(temp) in cmdline and _alive(int(entry.name)):
                        found.append(int(entry.name))
        return found

    try:
        assert _wait_for(lambda: bool(renderers()), 120), "LibreOffice did not start"
        proc.send_signal(signal.SIGHUP)
        proc.wait(timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGHUP
    assert not list(temp.iterdir()), list(temp.iterdir())
    assert _wait_for(lambda: not renderers(), 2), renderers()


# ---------------------------------------------------------------------- permission errors


@pytest.fixture
def locked_folder(tmp_path: Path) -> Path:
    """A folder the outsider may not enter, holding a report; the outsider's own working folder."""
    base = tmp_path / "base"
    base.mkdir()
    locked = base / "乙镇"
    locked.mkdir(mode=0o700)
    shutil.copyfile(EXAMPLES / "dama-2021.toml", locked / "年报.toml")
    for path in (tmp_path, base):
        path.chmod(0o755)
    work = base / "work"
    work.mkdir()
    os.chown(work, NOBODY, NOBODY)
    save_report(evil_report("某某乡人民政府"), work / "mine.toml")
    os.chown(work / "mine.toml", NOBODY, NOBODY)
    # Load every command's modules as root: the outsider cannot read root's Python install.
    # (Each command the test runs, on what root may read: run alone, nothing else loaded them.)
    for argv in (
        ["export", str(work / "mine.toml"), "-o", str(tmp_path / "w.docx")],
        ["export", str(work), "-o", str(tmp_path / "out")],
        ["history", str(work / "x")],
        ["check", str(work / "mine.toml")],
        ["review", str(work)],
        ["new", str(tmp_path / "新.toml"), "--unit", "某某乡人民政府", "--year", "2025"],
    ):
        _command(argv)()
    return locked


def test_permission_errors_are_chinese_messages(locked_folder: Path) -> None:
    report = locked_folder / "年报.toml"
    work = locked_folder.parent / "work"
    cases = {
        "export FILE": ["export", str(report), "-o", str(work / "a.docx")],
        "export FILE -o locked": ["export", str(work / "mine.toml"), "-o", str(locked_folder / "a.docx")],
        "export DIR": ["export", str(locked_folder), "-o", str(work / "out")],
        "export DIR -o locked": ["export", str(work), "-o", str(locked_folder / "out")],
        "new in locked": [
            "new",
            str(locked_folder / "新.toml"),
            "--unit",
            "某某乡人民政府",
            "--year",
            "2025",
        ],
        "check": ["check", str(report)],
        "review": ["review", str(locked_folder)],
    }
    for name, argv in cases.items():
        code, text = _as_nobody(_command(argv))
        assert code in (1, 2), (name, code, text)
        assert "Traceback" not in text and "Error" not in text and "denied" not in text, (name, text)
        assert "权限" in text, (name, text)


def test_history_says_permission_not_missing(locked_folder: Path) -> None:
    code, text = _as_nobody(_command(["history", str(locked_folder / "年报.toml")]))
    assert "文件不存在" not in text, text
    assert "没有权限" in text, text
    # Only that: not "no versions yet" below it (they may well exist; they cannot be read).
    assert "还没有历史版本" not in text and "编号" not in text, text
    assert code == 2, text


def test_history_says_it_cannot_read_the_versions_not_that_there_are_none() -> None:
    with tempfile.TemporaryDirectory(prefix="history-") as name:  # pytest's base is root's alone
        _history_of_unreadable_versions(Path(name))


def _history_of_unreadable_versions(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    report = folder / "年报.toml"
    save_report(evil_report("某某乡人民政府"), report)
    keep_previous(report)  # .versions/年报.toml/ holds one, in the root-owned 2770 folder
    save_report(evil_report("某某乡人民政府（改）"), report)
    for path in (tmp_path, folder, report):
        path.chmod(0o755 if path.is_dir() else 0o644)
    code, text = _as_nobody(_command(["history", str(report)]))
    assert code == 2, text
    assert "历史版本无法读取" in text and "没有权限" in text, text
    assert "还没有历史版本" not in text, text


# ---------------------------------------------------------------------- the state folder


@pytest.mark.parametrize("problem", ["someone else's", "group-writable", "symlink"])
def test_a_state_folder_not_the_user_s_own_is_refused(
    office: Office,  # noqa: F811
    problem: str,
) -> None:
    report = office.folder / "年报.toml"
    state = office.folder.parent / f"state-{problem.split()[0]}"
    if problem == "someone else's":
        state.mkdir(mode=0o700)
        os.chown(state, office.op2.uid, office.op2.gid)  # op2 made it first, for op1 to use
    elif problem == "group-writable":
        state.mkdir()
        os.chown(state, office.op1.uid, office.gov)
        state.chmod(0o770)
    else:
        target = office.folder.parent / "op2-owned"
        target.mkdir(mode=0o777)
        os.chown(target, office.op2.uid, office.op2.gid)
        state.symlink_to(target)
    before = sorted(p.name for p in (state.iterdir() if state.is_dir() else []))

    def op1_edits() -> tuple[str | None, list[str]]:
        os.environ["TUI_REPORT_STATE_DIR"] = str(state)
        from tui_report.tui.recent import load_recent, remember

        session = EditSession.open(report)
        session.report.texts["other.main"] = "未保存的修改"
        session.mark_edited()
        problem_text = session.journal_problem
        session.close(discard=True)
        remember(report)
        return problem_text, [str(p) for p in load_recent()]

    problem_text, recent = as_user(office.op1, op1_edits)
    assert problem_text is not None and "个人状态文件夹" in problem_text, problem_text
    assert "停止使用" in problem_text
    assert recent == []
    after = sorted(p.name for p in (state.iterdir() if state.is_dir() else []))
    assert after == before, "something was written into a folder that is not op1's own"


# ---------------------------------------------------------------------- new without setgid


def test_new_gives_the_report_the_folder_s_group(office: Office) -> None:  # noqa: F811
    os.chmod(office.folder, 0o770)  # group gov, no setgid
    path = office.folder / "新.toml"

    def op1_new() -> tuple[int, str]:
        os.umask(0o022)  # a login that did not set umask 007
        return _command(["new", str(path), "--unit", "某某乡人民政府", "--year", "2025"])()

    code, text = as_user(office.op1, op1_new)
    assert code == 0, text
    info = path.stat()
    assert info.st_gid == office.gov, (info.st_gid, office.gov)
    assert stat.S_IMODE(info.st_mode) == 0o660, oct(info.st_mode)

    def op2_edits() -> str:
        session = EditSession.open(path)
        session.report.texts["other.main"] = "同事补充"
        session.mark_edited()
        session.save()
        session.close()
        return session.report.unit

    assert as_user(office.op2, op2_edits) == "某某乡人民政府"
