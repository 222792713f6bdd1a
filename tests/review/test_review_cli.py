"""`tui-report review DIR --json` and `tui-report roster DIR` over the generated county folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tui_report.cli import main
from tui_report.model.rules import check

from .conftest import County


def review_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, dict[str, Any]]]:
    code = main(["review", *args, "--json"])
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    return code, {str(r["unit"] or r["file"]): r for r in rows}


def test_every_state_of_the_county(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = review_json(capsys, str(county.folder))
    assert code == 1
    assert {unit: row["state"] for unit, row in rows.items()} == {
        "甲乡人民政府": "已完成",
        "乙镇人民政府": "待完善",  # copied text (R15)
        "丙乡人民政府": "有错误",
        "丁乡人民政府": "未开始",
        "戊镇人民政府": "已完成",
        "己乡人民政府": "未提交",
        "不在名册的单位": "待完善",  # copied from
        "g.toml": "无法读取",
    }
    copiers = ("乙镇人民政府", "不在名册的单位")
    for unit, report in county.reports.items():
        findings = check(report)
        copied = 1 if unit in copiers else 0
        assert rows[unit]["errors"] == sum(1 for f in findings if f.severity == "error"), unit
        assert rows[unit]["warnings"] == sum(1 for f in findings if f.severity == "warning") + copied, unit
        assert rows[unit]["copied_text"] == copied, unit
        assert rows[unit]["file"] == county.files[unit].name
        assert rows[unit]["in_roster"] == (unit != "不在名册的单位")
        assert rows[unit]["last_saved_by"]
    assert rows["甲乡人民政府"]["contact"] == "张三 1234"
    assert rows["己乡人民政府"]["file"] is None
    assert "TOML" in str(rows["g.toml"]["problem"])


def test_the_live_session_is_shown_without_taking_its_lock(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rows = review_json(capsys, str(county.folder))
    held = rows["戊镇人民政府"]
    assert held["editing_by"] and held["editing_since"]
    assert all(rows[u]["editing_by"] is None for u in ("甲乡人民政府", "丁乡人民政府"))
    assert county.holder.poll() is None  # still editing: the review neither took nor broke the lock


def test_indicators_are_in_the_json(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    _, rows = review_json(capsys, str(county.folder))
    report = county.reports["乙镇人民政府"]
    indicators = rows["乙镇人民政府"]["indicators"]
    assert isinstance(indicators, dict)
    assert indicators["received"] == report.cell("requests", "new.total")
    disclosed = report.cell("requests", "results.disclosed.total")
    partial = report.cell("requests", "results.partial.total")
    total = report.cell("requests", "results.total.total")
    assert indicators["disclosed_share"] == pytest.approx((disclosed + partial) / total)  # type: ignore[operator]
    assert indicators["received_change"] is None  # no 2023 report in the folder


def test_exit_0_when_every_roster_unit_is_complete(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = county.folder.parent / "done.toml"
    roster.write_text(
        '[[units]]\nname = "甲乡人民政府"\n\n[[units]]\nname = "戊镇人民政府"\n', encoding="utf-8"
    )
    code, rows = review_json(capsys, str(county.folder), "--roster", str(roster))
    assert code == 0
    assert rows["丙乡人民政府"]["in_roster"] is False


def test_unreadable_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path / "nowhere"), "--json"]) == 2
    assert "不存在" in capsys.readouterr().err


def test_a_fifo_and_a_symlink_do_not_hang_the_review(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(county.folder / "pipe.toml")
    (county.folder / "link.toml").symlink_to(county.files["甲乡人民政府"])
    _, rows = review_json(capsys, str(county.folder))
    assert rows["pipe.toml"]["state"] == "无法读取"
    assert rows["link.toml"]["state"] == "无法读取"


def test_roster_is_written_from_reports_and_never_read_as_a_report(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    (county.folder / "roster.toml").unlink()
    assert main(["roster", str(county.folder)]) == 0
    text = (county.folder / "roster.toml").read_text(encoding="utf-8")
    assert text.count("[[units]]") == 6 and "不在名册的单位" in text
    assert main(["roster", str(county.folder)]) == 2  # never overwritten without --force
    capsys.readouterr()
    assert main(["check", str(county.folder / "roster.toml")]) == 0
    assert "不是报告" in capsys.readouterr().err
    renamed = county.folder / "units.toml"
    (county.folder / "roster.toml").rename(renamed)
    _, rows = review_json(capsys, str(county.folder))
    assert "units.toml" not in rows  # recognised by its content


def test_roster_names_every_file_it_left_out_and_writes_chinese_levels(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_report.review.roster import load_roster

    (county.folder / "roster.toml").unlink()
    blank_unit = county.reports["甲乡人民政府"].model_copy(deep=True)
    blank_unit.unit = ""
    from tui_report.storage.reportfile import save_report

    save_report(blank_unit, county.folder / "无名.toml")
    save_report(county.reports["甲乡人民政府"], county.folder / "甲副本.toml")
    (county.folder / "笔记.toml").write_text("x = 1\n", encoding="utf-8")
    os.mkfifo(county.folder / "管道.toml")
    assert main(["roster", str(county.folder)]) == 0
    out = capsys.readouterr().out
    assert "以下5个文件未列入名册：" in out
    assert "  g.toml：第2行第8列：TOML 格式错误：“=”后面缺少值" in out
    assert "  无名.toml：报告里没有填写单位名称" in out
    assert "  甲副本.toml：与 a.toml 是同一单位“甲乡人民政府”，名册中只列一次" in out
    assert "  笔记.toml：缺少 [report]" in out
    assert "  管道.toml：不是普通文件（是命名管道（FIFO））" in out
    text = (county.folder / "roster.toml").read_text(encoding="utf-8")
    assert 'level = "乡镇"' in text and "township" not in text.split("\n\n", 1)[1]
    # Read back: Chinese levels and the English ids are both accepted, stored as ids.
    assert {u.level for u in load_roster(county.folder / "roster.toml")} == {"township"}
    (county.folder / "old.toml").write_text(
        '[[units]]\nname = "某乡"\nlevel = "township"\n[[units]]\nname = "某县"\nlevel = "县级"\n',
        encoding="utf-8",
    )
    assert [u.level for u in load_roster(county.folder / "old.toml")] == ["township", "county"]


def test_broken_roster_is_explained_in_chinese(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    (county.folder / "roster.toml").write_text("[[units]]\nname = 甲乡\n", encoding="utf-8")
    assert main(["review", str(county.folder), "--json"]) == 2
    err = capsys.readouterr().err
    assert "roster.toml 第2行第8列：TOML 格式错误：值“甲乡”无效：文字要用英文双引号括起来" in err
    assert "Invalid" not in err


def test_year_filter(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = review_json(capsys, str(county.folder), "--year", "2023")
    assert code == 1
    assert {r["state"] for u, r in rows.items() if u != "g.toml"} == {"未提交"}


def test_last_years_report_in_the_folder_is_used_like_check_does(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    """R7 (carried over = last year's carried forward) and the indicators' change: last year's
    report of the unit found in the folder, as `tui-report check` finds it."""
    from tui_report.storage.reportfile import save_report

    this_year = county.reports["甲乡人民政府"]
    last = this_year.model_copy(deep=True)
    last.year = 2023
    last.values["requests"]["carry_forward.natural"] = (
        this_year.values["requests"]["carried_over.natural"] + 5
    )
    last.values["requests"]["new.natural"] = this_year.values["requests"]["new.natural"] - 10
    last.values["requests"]["results.disclosed.natural"] = (
        this_year.values["requests"]["results.disclosed.natural"] - 5
    )
    save_report(last, county.folder / "a-2023.toml")
    _, rows = review_json(capsys, str(county.folder))
    row = rows["甲乡人民政府"]
    assert row["state"] == "有错误" and row["errors"] != 0
    assert row["indicators"]["received_change"] == 10  # type: ignore[index]
    main(["check", str(county.files["甲乡人民政府"]), "--json"])
    checked = json.loads(capsys.readouterr().out.splitlines()[0])
    assert checked["errors"] == row["errors"]


def test_a_forged_lock_record_is_not_taken_for_an_editor(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    locks = county.folder / ".locks"
    locks.mkdir(exist_ok=True)
    record = {
        "user": "mallory",
        "uid": 0,
        "host": "x",
        "pid": os.getpid(),
        "opened_at": "2025-01-10T10:32:00+08:00",
    }
    (locks / "a.toml.lock").write_text(json.dumps(record), encoding="utf-8")  # nobody holds it
    os.mkfifo(locks / "c.toml.lock")  # a FIFO where a lock file should be: never opened blocking
    _, rows = review_json(capsys, str(county.folder))
    assert rows["甲乡人民政府"]["editing_by"] is None
    assert rows["丙乡人民政府"]["editing_by"] is None
    assert rows["戊镇人民政府"]["editing_by"]


def test_text_output_for_a_pipe(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(county.folder)]) == 1  # not a terminal: the table as text
    out = capsys.readouterr().out
    assert "已完成 2/6" in out and "己乡人民政府" in out and "g.toml" in out
    total = sum(r.cell("requests", "new.total") or 0 for r in county.reports.values())  # type: ignore[misc]
    assert f"新收 {total}" in out.splitlines()[-1]


def test_a_file_that_breaks_the_checks_does_not_stop_the_review(
    county: County, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_report.review import desk

    real_check = desk.check  # type: ignore[attr-defined]

    def fragile(report, last_year=None):  # type: ignore[no-untyped-def]
        if report.unit == "丙乡人民政府":
            raise RuntimeError("boom")
        return real_check(report, last_year)

    monkeypatch.setattr(desk, "check", fragile)
    code, rows = review_json(capsys, str(county.folder))
    assert code == 1
    broken = rows["c.toml"]
    assert broken["state"] == "无法读取" and "无法检查" in str(broken["problem"])
    assert rows["甲乡人民政府"]["state"] == "已完成"
