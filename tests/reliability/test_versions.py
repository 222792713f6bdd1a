"""Versions: every save keeps the previous file; history lists them; restore brings one back."""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tui_report.cli import main as cli_main
from tui_report.safety.lock import EditLock, LockedError
from tui_report.session import EditSession, restore_version
from tui_report.storage import versions
from tui_report.storage.reportfile import load_report
from tui_report.storage.versions import (
    KEEP_DAYS,
    KEEP_LAST,
    list_versions,
    prune,
    versions_dir,
)

from ._helpers import PY, child_env


def _save_text(session: EditSession, text: str) -> None:
    session.report.texts["other.main"] = text
    session.mark_edited()
    session.save()


def test_every_save_keeps_the_previous_file_from_the_bytes_read(report_file: Path) -> None:
    original = report_file.read_bytes()
    original_inode = report_file.stat().st_ino
    session = EditSession.open(report_file)
    _save_text(session, "第一版")
    _save_text(session, "第二版")
    session.close()
    kept = list_versions(report_file)
    # original, 第一版, and 第二版 (the current file, kept at its save)
    assert len(kept) == 3
    assert kept[-1].file.read_bytes() == original
    # Written from the bytes read, never a link to a path a colleague could have swapped (#9).
    assert kept[-1].file.stat().st_ino != original_inode
    assert kept[-1].file.stat().st_nlink == 1
    assert load_report(kept[1].file).texts["other.main"] == "第一版"
    assert versions.is_current(kept[0], report_file)
    assert kept[0].saved_at >= kept[1].saved_at >= kept[2].saved_at
    assert all(v.user for v in kept)


def test_version_keeps_the_replaced_file_s_time(report_file: Path) -> None:
    original = report_file.read_bytes()
    mtime = report_file.stat().st_mtime_ns
    session = EditSession.open(report_file)
    _save_text(session, "复制")
    session.close()
    oldest = list_versions(report_file)[-1]
    assert oldest.file.read_bytes() == original
    assert oldest.file.stat().st_mtime_ns == mtime


def test_history_and_restore_cli(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = EditSession.open(report_file)
    _save_text(session, "版本一")
    _save_text(session, "版本二")
    session.close()
    assert cli_main(["history", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert "当前" in out and "历史版本" in out
    assert out.count("\n  1 ") + out.count("\n  1  ") >= 1

    assert "与当前文件相同" in out  # version 1 is the current file itself

    # Version 2 is "版本一" (the file before the last save).
    assert cli_main(["restore", str(report_file), "2"]) == 0
    out = capsys.readouterr().out
    assert "已恢复" in out and "可用 tui-report restore 撤回" in out
    assert load_report(report_file).texts["other.main"] == "版本一"
    # The restore is itself a new save: "版本二" is kept (now version 2) and can come back.
    assert load_report(list_versions(report_file)[1].file).texts["other.main"] == "版本二"
    assert cli_main(["restore", str(report_file), "2"]) == 0
    assert load_report(report_file).texts["other.main"] == "版本二"

    assert cli_main(["restore", str(report_file), "99"]) == 2
    assert "没有找到历史版本" in capsys.readouterr().err


def test_restore_is_refused_while_someone_edits(
    report_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = EditSession.open(report_file)
    _save_text(session, "编辑中")
    with pytest.raises(LockedError):
        restore_version(report_file, "1")
    assert cli_main(["restore", str(report_file), "1"]) == 2
    assert "现在不能恢复" in capsys.readouterr().err
    session.close()


def test_restore_repairs_a_file_broken_by_hand(report_file: Path) -> None:
    session = EditSession.open(report_file)
    _save_text(session, "好的版本")
    _save_text(session, "最后保存的版本")
    session.close()
    # Someone edits the file by hand the way editors do (new file renamed over it) and breaks it.
    broken = report_file.with_name("vim-tmp")
    broken.write_bytes("[report]\ntemplate = 坏了\n".encode("gbk"))
    os.replace(broken, report_file)
    with pytest.raises(Exception, match="UTF-8"):
        EditSession.open(report_file)
    assert not versions.is_current(list_versions(report_file)[0], report_file)
    restore_version(report_file, "1")  # the newest version is the last save
    assert load_report(report_file).texts["other.main"] == "最后保存的版本"
    assert b"template" in list_versions(report_file)[1].file.read_bytes()  # the broken file is kept too


def test_history_runs_headless_without_textual(report_file: Path) -> None:
    code = (
        "import sys\nfrom tui_report.cli import main\nrc = main(['history', sys.argv[1]])\n"
        "assert 'textual' not in sys.modules, 'history imported textual'\nsys.exit(rc)\n"
    )
    result = subprocess.run(
        [PY, "-c", code, str(report_file)], env=child_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _fake_versions(report: Path, moments: list[datetime]) -> None:
    folder = versions_dir(report)
    folder.mkdir(parents=True)
    for moment in moments:
        (folder / f"{moment.strftime('%Y%m%d-%H%M%S-%f')}_zhangsan.toml").write_text("x")


def test_retention_last_20_plus_one_a_day_for_30_days(report_file: Path) -> None:
    now = datetime(2025, 1, 31, 18, 0).astimezone()
    moments = []
    # 40 saves today, then 3 saves a day for 60 days back.
    moments += [now - timedelta(minutes=i) for i in range(40)]
    for day in range(1, 61):
        moments += [now - timedelta(days=day, hours=h) for h in (1, 2, 3)]
    _fake_versions(report_file, moments)
    prune(report_file, now=now)
    left = list_versions(report_file)
    newest_20 = sorted(moments, reverse=True)[:KEEP_LAST]
    kept_moments = {v.saved_at for v in left}
    assert set(newest_20) <= kept_moments
    days = {v.saved_at.date() for v in left}
    for day in range(0, KEEP_DAYS):
        assert (now - timedelta(days=day)).date() in days
    # Nothing older than 30 days survives (they are not among the newest 20 either).
    assert all(now - v.saved_at <= timedelta(days=KEEP_DAYS) for v in left)
    # One a day: besides the newest 20 (all today), exactly one per other day.
    assert len(left) == KEEP_LAST + len(
        {m.date() for m in moments if timedelta(0) < now - m <= timedelta(days=KEEP_DAYS)} - {now.date()}
    )


def test_saves_keep_mode_and_group(report_file: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to chgrp")
    os.chown(report_file, -1, 65534)
    report_file.chmod(0o640)
    session = EditSession.open(report_file)
    _save_text(session, "模式和组")
    session.close()
    info = report_file.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert info.st_gid == 65534


def test_version_folders_share_like_the_report_folder(report_file: Path) -> None:
    report_file.parent.chmod(0o2770)
    session = EditSession.open(report_file)
    _save_text(session, "共享")
    session.close()
    for folder in (
        versions_dir(report_file),
        versions_dir(report_file).parent,
        report_file.parent / ".locks",
    ):
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode & 0o2070 == 0o2070, (folder, oct(mode))
        assert not mode & stat.S_ISVTX
    with EditLock.acquire(report_file) as lock:
        # Group members read who holds it; only its owner can write the record (safety/lock.py).
        assert stat.S_IMODE(lock.lock_path.stat().st_mode) == 0o640


def test_new_force_goes_through_the_editing_session(
    report_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = report_file.read_bytes()
    argv = ["new", str(report_file), "--unit", "某乡人民政府", "--year", "2025", "--force"]
    with EditLock.acquire(report_file):
        assert cli_main(argv) == 2  # someone is editing: refused, nothing replaced
    assert "未覆盖" in capsys.readouterr().err
    assert report_file.read_bytes() == before
    assert cli_main(argv) == 0
    assert load_report(report_file).unit == "某乡人民政府"
    assert any(v.file.read_bytes() == before for v in list_versions(report_file))  # the old file kept
    assert "历史版本" in capsys.readouterr().out
