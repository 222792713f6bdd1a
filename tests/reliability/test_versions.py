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
    # 1 = the file as it was before the first save, 2 = 版本一, 3 = 版本二 (the current file)
    assert cli_main(["history", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert "历史版本（共 3 个，新的在上）" in out
    lines = out.splitlines()
    assert lines[2].split()[0] == "当前" and lines[2].endswith("即版本 3")
    assert [line.split()[0] for line in lines[3:6]] == ["3", "2", "1"]
    assert lines[3].endswith("改了第六部分") and lines[5].endswith("最早保留的版本")

    assert cli_main(["restore", str(report_file), "2"]) == 0
    out = capsys.readouterr().out
    assert f"已把 {report_file} 恢复为版本 2（" in out
    assert f"恢复前的内容是版本 3，要撤回可用：tui-report restore {report_file} 3" in out
    assert "恢复后的内容记为版本 4" in out
    assert ".toml 恢复为" not in out.replace(report_file.name, "") and "_root" not in out  # no file names
    assert load_report(report_file).texts["other.main"] == "版本一"
    # The numbers did not move: 3 is still "版本二", and it comes back.
    assert cli_main(["restore", str(report_file), "3"]) == 0
    assert load_report(report_file).texts["other.main"] == "版本二"
    assert [v.number for v in list_versions(report_file)] == [5, 4, 3, 2, 1]

    assert cli_main(["restore", str(report_file), "99"]) == 2
    assert "没有找到历史版本“99”（现有版本 1—5" in capsys.readouterr().err


def test_history_after_three_saves_and_a_restore(
    report_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Number, time, who and what changed in a few words, computed against the previous version."""
    session = EditSession.open(report_file)
    values = session.report.values["requests"]
    values["new.natural"], values["new.commercial"], values["carried_over.natural"] = 5, 2, 1
    session.mark_edited()
    session.save()
    _save_text(session, "第二次保存")
    session.report.preamble["phone"] = "0371-12345678"
    session.report.texts["problems.main"] = "第三次保存"
    session.mark_edited()
    session.save()
    session.close()
    assert cli_main(["restore", str(report_file), "2"]) == 0
    capsys.readouterr()
    assert cli_main(["history", str(report_file)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines()[2:9] if line.startswith("  ")}
    assert rows["2"].endswith("改了表三 3 格")
    assert rows["3"].endswith("改了第六部分")
    assert rows["4"].endswith("改了联系电话、第五部分")  # in the order of the report
    assert "回到版本 2：改了" in rows["5"]
    assert rows["1"].endswith("最早保留的版本")
    when = datetime.fromtimestamp(report_file.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    assert f"  5     {when}  " in out
    from tui_report.model.linebreak import cells

    table = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(table) >= 7 and all(cells(line) <= 80 for line in table), out


def test_history_diff_against_the_current_file(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = EditSession.open(report_file)
    session.report.values["requests"]["new.natural"] = 7
    session.mark_edited()
    session.save()
    _save_text(session, "新写的其他事项")
    session.close()
    assert cli_main(["history", str(report_file), "--diff", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("版本 1（") and "→ 当前文件，2 处不同：" in out
    assert "  表三 一·自然人：0 → 7\n" in out
    assert "新写的其他事项" in out
    assert f"恢复为版本 1：tui-report restore {report_file} 1" in out
    assert "tables." not in out
    assert cli_main(["history", str(report_file), "--diff", "3"]) == 0
    assert "与当前文件内容相同" in capsys.readouterr().out
    assert cli_main(["history", str(report_file), "--diff", "8"]) == 2
    assert "没有找到历史版本“8”" in capsys.readouterr().err


def test_restore_is_refused_while_someone_edits(
    report_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = EditSession.open(report_file)
    _save_text(session, "编辑中")
    before = report_file.read_bytes()
    with pytest.raises(LockedError):
        restore_version(report_file, "1")
    assert cli_main(["restore", str(report_file), "1"]) == 2
    err = capsys.readouterr().err
    assert "现在不能恢复" in err and "正在由 " in err  # names who edits
    assert report_file.read_bytes() == before
    session.close()


def test_restore_keeps_what_it_replaces(report_file: Path) -> None:
    """A file changed outside the program (not kept as a version yet) is kept before a restore."""
    session = EditSession.open(report_file)
    _save_text(session, "保存过的")
    session.close()
    outside = report_file.read_text(encoding="utf-8").replace("保存过的", "程序外改的")
    report_file.write_text(outside, encoding="utf-8")
    restored = restore_version(report_file, "1")
    assert restored.replaced is not None and restored.replaced.number == 3
    assert restored.replaced.file.read_text(encoding="utf-8") == outside
    assert restored.saved is not None and restored.saved.number == 4


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
    newest = list_versions(report_file)[0]
    assert newest.number == 3  # 1 the original, 2 好的版本, 3 最后保存的版本
    restore_version(report_file, "3")
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


def test_numbers_never_move_when_versions_are_pruned(report_file: Path) -> None:
    now = datetime.now().astimezone()
    moments = [now - timedelta(days=40, minutes=i) for i in range(10)]  # old: pruned
    moments += [now - timedelta(minutes=i) for i in range(30)]  # today: the newest 20 kept
    _fake_versions(report_file, moments)
    before = {v.saved_at: v.number for v in list_versions(report_file)}
    assert sorted(before.values()) == list(range(1, 41))  # earlier release: 1 = the oldest
    prune(report_file, now=now)
    left = list_versions(report_file)
    assert len(left) == KEEP_LAST and {v.number for v in left} == set(range(21, 41))
    assert all(before[v.saved_at] == v.number for v in left)  # the same numbers as before
    assert all(v.numbered and v.id.startswith(f"{v.number:04d}_") for v in left)
    # The next save takes the next number, not the count.
    session = EditSession.open(report_file)
    _save_text(session, "第41个")
    session.close()
    assert [v.number for v in list_versions(report_file)][:2] == [42, 41]  # 41 the file replaced
    assert versions.find_version(report_file, "42").number == 42
    with pytest.raises(Exception, match="版本 3 已按保留规则删除"):
        versions.find_version(report_file, "3")


def test_versions_of_earlier_releases_are_read_and_numbered_at_the_next_save(report_file: Path) -> None:
    folder = versions_dir(report_file)
    folder.mkdir(parents=True)
    texts = {}
    for n, stamp in enumerate(("20250101-090000-000000", "20250102-090000-000000", "20250103-090000-000000")):
        text = report_file.read_text(encoding="utf-8").replace('main = "无"', f'main = "旧版本{n + 1}"')
        (folder / f"{stamp}_zhangsan.toml").write_text(text, encoding="utf-8")
        texts[n + 1] = f"旧版本{n + 1}"
    (folder / "20250103-090000-000000_zhangsan~2.toml").write_text("x", encoding="utf-8")  # same second
    listed = list_versions(report_file)
    assert [v.number for v in listed] == [4, 3, 2, 1] and not any(v.numbered for v in listed)
    assert load_report(versions.find_version(report_file, "2").file).texts["other.main"] == "旧版本2"
    # An interrupted renaming (only the newest renamed) leaves every number where it was.
    newest = listed[0]
    newest.file.rename(folder / versions.version_name(4, newest.saved_at, "zhangsan"))
    assert [v.number for v in list_versions(report_file)] == [4, 3, 2, 1]
    session = EditSession.open(report_file)
    _save_text(session, "新版本")
    session.close()
    after = list_versions(report_file)
    assert all(v.numbered for v in after)
    assert [v.number for v in after] == [6, 5, 4, 3, 2, 1]
    assert load_report(versions.find_version(report_file, "2").file).texts["other.main"] == "旧版本2"
