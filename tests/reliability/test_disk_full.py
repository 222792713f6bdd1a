"""A full disk or a failed write leaves the old file untouched and the journal intact, and says so."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.session import EditSession
from tui_report.storage.errors import ReportFileError
from tui_report.storage.journal import read_journal

from ._helpers import EXAMPLE


def _leftover_temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_failed_write_keeps_old_file_and_journal(report_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    folder = str(report_file.parent)

    def failing_write(fd: int, data: bytes | memoryview) -> int:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if target.startswith(folder) and target.endswith(".tmp"):
            real_write(fd, bytes(data[: len(data) // 2]))  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    before = report_file.read_bytes()
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "磁盘满时的修改"
    session.mark_edited()
    with monkeypatch.context() as patch, pytest.raises(ReportFileError) as info:
        patch.setattr(os, "write", failing_write)  # the os module the writer calls
        session.save()
    message = str(info.value)
    assert "磁盘已满" in message and "原文件未改动" in message and "恢复记录" in message
    assert report_file.read_bytes() == before
    assert _leftover_temps(report_file.parent) == []
    assert session.dirty
    entry = read_journal(report_file)
    assert entry is not None and entry.report().texts["other.main"] == "磁盘满时的修改"
    session.save()  # space again: the save goes through and the journal goes
    assert read_journal(report_file) is None
    session.close()


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_real_full_disk(small_tmpfs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = small_tmpfs / "年报.toml"
    shutil.copyfile(EXAMPLE, report)
    before = report.read_bytes()
    session = EditSession.open(report)
    session.report.texts["other.main"] = "写满之前的修改"
    session.mark_edited()
    session.save()  # creates the versions folder while there is room
    session.report.texts["other.main"] = "磁盘写满后的修改"
    session.mark_edited()
    saved = report.read_bytes()
    assert saved != before
    filler = _fill(small_tmpfs)

    with pytest.raises(ReportFileError, match="磁盘已满") as info:
        session.save()
    assert "原文件未改动" in str(info.value)
    assert report.read_bytes() == saved
    assert _leftover_temps(small_tmpfs) == []
    entry = read_journal(report)
    assert entry is not None and entry.report().texts["other.main"] == "磁盘写满后的修改"

    # The journal itself on the full disk: the edit is refused by the disk, the app is told, and the
    # previous journal is still whole.
    journal_before = read_journal(report)
    with monkeypatch.context() as patch:
        patch.setenv("TUI_REPORT_STATE_DIR", str(small_tmpfs / "state"))
        session.report.texts["other.main"] = "日志也写不进去"
        session.mark_edited()
        assert session.journal_problem is not None and "磁盘已满" in session.journal_problem
    assert read_journal(report) == journal_before  # the earlier journal elsewhere is untouched
    assert read_journal(report) is not None

    filler.unlink()
    session.save()
    assert "日志也写不进去" in report.read_text(encoding="utf-8")
    session.close()
