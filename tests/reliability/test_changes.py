"""Outside changes: noticed before every save, shown field by field, never silently overwritten."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tui_report.model.diff import diff_reports, merge_reports
from tui_report.session import EditSession, OutsideChangeError
from tui_report.storage.reportfile import load_report


def test_unchanged_file_and_touch_without_change(report_file: Path) -> None:
    session = EditSession.open(report_file)
    assert session.outside_change() is None
    os.utime(report_file, ns=(1, 1))  # mtime changes, bytes do not
    assert session.outside_change() is None
    session.save()  # and saving goes through
    session.close()


def test_same_size_new_bytes_same_mtime_is_detected(report_file: Path) -> None:
    session = EditSession.open(report_file)
    info = report_file.stat()
    text = report_file.read_text(encoding="utf-8").replace("natural = 0", "natural = 7", 1)
    report_file.write_text(text, encoding="utf-8")
    os.utime(report_file, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert report_file.stat().st_size == info.st_size
    change = session.outside_change()
    assert change is not None and change.kind == "modified"
    assert [c.key for c in change.theirs] == ["tables.requests.new.natural"]
    line = change.theirs[0].line()
    assert "收到和处理政府信息公开申请情况" in line and "0 → 7" in line
    session.close()


def test_save_refuses_then_force_overwrites(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "我的修改"
    session.mark_edited()
    report_file.write_text(
        report_file.read_text(encoding="utf-8").replace(
            '[texts.other]\nmain = "无"', '[texts.other]\nmain = "他的修改"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(OutsideChangeError) as info:
        session.save()
    assert "文件已在此程序之外被修改" in str(info.value)
    assert [c.key for c in info.value.change.conflicts] == ["texts.other.main"]
    assert "他的修改" in report_file.read_text(encoding="utf-8")  # untouched
    session.save(force=True)  # 覆盖
    assert "我的修改" in report_file.read_text(encoding="utf-8")
    session.close()


def test_reload_discards_mine(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "我的修改"
    session.mark_edited()
    report_file.write_text(
        report_file.read_text(encoding="utf-8").replace('main = "无"', 'main = "他的"'), encoding="utf-8"
    )
    session.reload()  # 重新载入
    assert session.report.texts["other.main"] == "他的"
    assert not session.dirty and session.outside_change() is None
    session.close()


def test_save_as_keeps_both(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "我的修改"
    session.mark_edited()
    report_file.write_text(
        report_file.read_text(encoding="utf-8").replace('main = "无"', 'main = "他的"'), encoding="utf-8"
    )
    copy = report_file.with_name("副本.toml")
    session.save_as(copy)  # 另存为
    assert session.path == copy and not session.dirty
    assert load_report(copy).texts["other.main"] == "我的修改"
    assert load_report(report_file).texts["other.main"] == "他的"
    session.close()
    EditSession.open(report_file).close()  # the original's lock was released


def test_deleted_and_broken_files(report_file: Path) -> None:
    session = EditSession.open(report_file)
    report_file.write_text("[report\nbroken", encoding="utf-8")
    change = session.outside_change()
    assert change is not None and change.kind == "unreadable" and "无法读取" in change.message
    report_file.unlink()
    change = session.outside_change()
    assert change is not None and change.kind == "deleted"
    session.save(force=True)
    assert load_report(report_file) == session.report
    session.close()


def test_diff_labels_cover_all_kinds_of_field(report_file: Path) -> None:
    old = load_report(report_file)
    new = old.model_copy(deep=True)
    new.unit = "另一个单位"
    new.preamble["phone"] = "0371-1234567"
    new.texts["other.main"] = "有变化"
    new.values["proactive"]["fees.amount"] = Decimal("12.50")
    changes = {c.key: c for c in diff_reports(old, new)}
    assert changes["unit"].label == "单位名称"
    assert changes["preamble.phone"].label == "联系电话" and changes["preamble.phone"].old == ""
    assert changes["texts.other.main"].label.startswith("正文")
    assert changes["tables.proactive.fees.amount"].new == "12.50"
    assert diff_reports(old, old) == []


def test_three_way_merge(report_file: Path) -> None:
    base = load_report(report_file)
    mine = base.model_copy(deep=True)
    theirs = base.model_copy(deep=True)
    mine.values["requests"]["new.natural"] = 1
    mine.texts["other.main"] = "我"
    theirs.values["requests"]["new.research"] = 2
    theirs.texts["other.main"] = "他"
    del theirs.values["requests"]["new.other"]
    result = merge_reports(base, mine, theirs)
    assert result.merged.values["requests"]["new.natural"] == 1
    assert result.merged.values["requests"]["new.research"] == 2
    assert "new.other" not in result.merged.values["requests"]
    assert result.merged.texts["other.main"] == "我"
    assert [c.key for c in result.conflicts] == ["texts.other.main"]
    assert {c.key for c in result.from_theirs} == {
        "tables.requests.new.research",
        "tables.requests.new.other",
    }
