"""The review workflow (#22): states from records, the records' trust, the commands, fairness to the
original author of copied text, duplicates, the roll-up of finished work, deadlines and notices.
The same loop between two real users (the file system refusing an operator's approval) is in
tests/reliability/test_workflow_two_users.py."""

from __future__ import annotations

import json
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tui_report.cli import main
from tui_report.model.report import new_report
from tui_report.model.rules import check
from tui_report.model.template import get_template
from tui_report.model.workflow import LocationError, Record, location_of, workflow_of
from tui_report.review.columns import row_json
from tui_report.review.desk import review_folder
from tui_report.review.roster import RosterUnit, load_roster, write_roster
from tui_report.review.workflow import (
    comment_threads,
    existing_report,
    mark_notices_seen,
    notices_for,
    notices_for_user,
    status_of,
    unseen_notices,
)
from tui_report.storage.reportfile import load_report, save_report
from tui_report.storage.reviewrecords import REVIEW_DIR, WORKFLOW_DIR, place_of, read_records, write_notice
from tui_report.storage.versions import keep_previous

from .conftest import EXAMPLES, scaled

NOW = datetime(2026, 1, 10, 9, 0).astimezone()


def record(kind: str, minutes: int, **fields: Any) -> Record:
    return Record(
        kind=kind,
        id=f"{minutes:04d}-{kind}",
        author="x",
        uid=0,
        at=NOW + timedelta(minutes=minutes),
        **fields,
    )


# ---------------------------------------------------------------------- states


def test_states_follow_the_latest_decision_and_the_approved_content() -> None:
    assert workflow_of([], "A").code == "not_submitted"
    loop = [record("submit", 1, fingerprint="A")]
    assert workflow_of(loop, "A").code == "submitted"
    loop += [record("comment", 2, text="请核实"), record("return", 3)]
    returned = workflow_of(loop, "A")
    assert (returned.code, returned.label, returned.comments_open) == ("returned", "退回修改", 1)
    assert returned.title() == "退回修改：1条意见"
    loop += [
        record("reply", 4, comment="0002-comment", text="已改", done=True),
        record("submit", 5, fingerprint="B"),
    ]
    again = workflow_of(loop, "B")
    assert again.code == "submitted" and again.comments_open == 0
    loop.append(record("approve", 6, fingerprint="B"))
    assert workflow_of(loop, "B").code == "approved"
    assert workflow_of(loop, "C").code == "changed_after_approval"  # saved again after the approval
    assert workflow_of(loop, None).code == "changed_after_approval"  # unreadable now: nothing approved
    loop.append(record("publish", 7, fingerprint="B"))
    assert workflow_of(loop, "B").label == "已发布"
    assert workflow_of(loop, "C").label == "已通过后有修改"
    loop.append(record("submit", 8, fingerprint="C"))  # the operator submits the change
    assert workflow_of(loop, "C").code == "submitted"


def test_an_approval_closes_earlier_comments_not_later_ones() -> None:
    records = [
        record("submit", 1, fingerprint="A"),
        record("comment", 2, text="一"),
        record("approve", 3, fingerprint="A"),
        record("comment", 4, text="二"),
    ]
    flow = workflow_of(records, "A")
    assert [t.open for t in flow.threads] == [False, True] and flow.comments_open == 1


def test_locations_are_the_key_paths_of_check_json() -> None:
    template = get_template("gov-info-disclosure-2021")
    assert location_of(template, "tables.requests.new.natural").path == "tables.requests.new.natural"
    assert location_of(template, "texts.problems.main").path == "texts.problems.main"
    assert location_of(template, "tables.requests").path == "tables.requests"
    assert location_of(template, "unit").path == "unit"
    with pytest.raises(LocationError, match="没有单元格“nope”"):
        location_of(template, "tables.requests.nope")
    with pytest.raises(LocationError, match="不是本报告格式的文字部分"):
        location_of(template, "texts.problems")
    with pytest.raises(LocationError, match="无法识别的位置"):
        location_of(template, "表三")


# ---------------------------------------------------------------------- the loop on the command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def review_rows(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    code, out, _ = run(capsys, "review", str(folder), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    return code, {str(r["unit"]): r for r in rows}


@pytest.fixture
def two_units(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A folder with two complete reports of their own texts, and a roster of both."""
    folder = tmp_path / "2024"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    a, b = folder / "a.toml", folder / "b.toml"
    save_report(scaled(base, "甲乡人民政府", 1), a)
    save_report(scaled(base, "乙镇人民政府", 2), b)
    write_roster(
        folder / "roster.toml",
        [RosterUnit("甲乡人民政府", "township"), RosterUnit("乙镇人民政府", "township")],
    )
    return folder, a, b


def test_the_whole_loop_from_the_command_line(
    two_units: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, a, b = two_units
    code, rows = review_rows(capsys, folder)
    assert code == 0 and rows["甲乡人民政府"]["state"] == "已完成"  # no workflow yet: 已完成 is done
    assert (
        rows["甲乡人民政府"]["workflow_code"] == "not_submitted"
        and rows["甲乡人民政府"]["comments_open"] == 0
    )

    assert run(capsys, "submit", str(a))[0] == 0
    code, out, err = run(
        capsys,
        "comment",
        str(a),
        "-m",
        "表三新收申请数与正文不一致，请核实",
        "--at",
        "tables.requests.new.natural",
    )
    assert code == 0 and "第1条审核意见（表三 一·自然人）" in out  # where, in words
    code, _, err = run(capsys, "comment", str(a), "-m", "x", "--at", "tables.requests.nope")
    assert code == 1 and "没有单元格“nope”" in err
    code, out, _ = run(capsys, "check", str(a))
    assert code == 0 and "[REVIEW] 审核意见1" in out and "（表三 一·自然人）" in out  # where, in words
    code, out, _ = run(capsys, "check", "--json", str(a))
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "REVIEW" and finding["severity"] == "warning"
    assert finding["locations"] == ["tables.requests.new.natural"]

    assert run(capsys, "return", str(a), "-m", "请按意见修改后重新报送")[0] == 0
    threads = comment_threads(a, load_report(a))  # what the app's findings list shows (F3)
    assert [(t.number, f.severity, [loc.path for loc in f.locations]) for t, f in threads] == [
        (1, "warning", ["tables.requests.new.natural"]),
        (2, "warning", []),
    ]
    _, rows = review_rows(capsys, folder)
    assert (rows["甲乡人民政府"]["workflow"], rows["甲乡人民政府"]["comments_open"]) == ("退回修改", 2)
    assert run(capsys, "approve", str(a))[0] == 1  # returned, not submitted again
    assert run(capsys, "reply", str(a), "1", "-m", "已按正文改正", "--done")[0] == 0
    assert run(capsys, "reply", str(a), "2", "--done")[0] == 0
    assert run(capsys, "reply", str(a), "9", "--done")[0] == 1
    assert [f.severity for _, f in comment_threads(a, load_report(a))] == ["info", "info"]  # 已修改
    assert run(capsys, "submit", str(a))[0] == 0
    assert run(capsys, "submit", str(a))[0] == 1  # already submitted, unchanged
    assert run(capsys, "approve", str(a))[0] == 0
    _, rows = review_rows(capsys, folder)
    assert (rows["甲乡人民政府"]["workflow_code"], rows["甲乡人民政府"]["comments_open"]) == ("approved", 0)
    assert rows["乙镇人民政府"]["workflow_code"] == "not_submitted"

    # 乙 is 已完成 but not approved: the folder uses the workflow, so review still exits 1
    assert review_rows(capsys, folder)[0] == 1
    assert run(capsys, "submit", str(b))[0] == 0 and run(capsys, "approve", str(b))[0] == 0
    assert review_rows(capsys, folder)[0] == 0

    # A change after the approval: 已通过后有修改, held back from publishing
    report = load_report(a)
    report.values["requests"]["new.natural"] += 1
    report.values["requests"]["results.disclosed.natural"] += 1
    save_report(report, a)
    code, rows = review_rows(capsys, folder)
    assert code == 1 and rows["甲乡人民政府"]["workflow"] == "已通过后有修改"
    out_dir = tmp_path / "发布"
    code, out, err = run(capsys, "export", str(folder), "-o", str(out_dir), "--format", "html")
    assert code == 1
    assert "暂不发布 甲乡人民政府：已通过后有修改" in err and "已发布（已审核通过） 1 份" in out
    assert [p.name for p in out_dir.glob("*.html") if p.name != "index.html"] == [
        "乙镇人民政府2024年政府信息公开工作年度报告.html"
    ]
    _, rows = review_rows(capsys, folder)
    assert rows["乙镇人民政府"]["workflow_code"] == "published"


def test_the_desk_reads_the_records_where_the_commands_write_them_in_a_folder_without_a_roster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Unit folders in a county folder that nothing marks as the year folder (no roster, no
    # .review yet): each command keeps a report's records by its own year folder (here its unit
    # folder), and the desk of the county folder must read them there too (it read only the county
    # folder's .review: comments, returns and approvals never showed).
    folder = tmp_path / "县"
    (folder / "甲乡").mkdir(parents=True)
    a = folder / "甲乡" / "2024年报.toml"
    save_report(scaled(load_report(EXAMPLES / "full-2024.toml"), "甲乡人民政府", 1), a)
    assert run(capsys, "submit", str(a))[0] == 0
    assert run(capsys, "comment", str(a), "-m", "请核实", "--at", "tables.requests.new.natural")[0] == 0
    assert run(capsys, "return", str(a))[0] == 0
    _, rows = review_rows(capsys, folder)
    assert (rows["甲乡人民政府"]["workflow_code"], rows["甲乡人民政府"]["comments_open"]) == ("returned", 1)
    assert run(capsys, "reply", str(a), "1", "--done")[0] == 0 and run(capsys, "submit", str(a))[0] == 0
    assert run(capsys, "approve", str(a))[0] == 0
    assert review_rows(capsys, folder)[1]["甲乡人民政府"]["workflow_code"] == "approved"
    code, out, _ = run(capsys, "export", str(folder), "-o", str(tmp_path / "发布"), "--format", "html")
    assert code == 0 and "已发布（已审核通过） 1 份" in out
    code, rows = review_rows(capsys, folder)
    assert code == 0 and rows["甲乡人民政府"]["workflow_code"] == "published"


def test_submit_is_refused_with_the_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.toml"
    report = load_report(EXAMPLES / "full-2024.toml")
    report.values["requests"]["new.natural"] += 1  # R1
    save_report(report, path)
    code, _, err = run(capsys, "submit", str(path))
    errors = [f.message for f in check(report) if f.severity == "error"]
    assert code == 1 and "不能报送" in err and errors and all(m in err for m in errors)
    save_report(new_report("甲乡", 2024), path)
    code, _, err = run(capsys, "submit", str(path))
    assert code == 1 and "未填写" in err
    assert not (tmp_path / WORKFLOW_DIR).exists() or not any((tmp_path / WORKFLOW_DIR).rglob("*.json"))


# ---------------------------------------------------------------------- records are claims


def test_author_is_the_file_owner_and_kinds_are_by_place(two_units: tuple[Path, Path, Path]) -> None:
    folder, a, _ = two_units
    place = place_of(a, folder)
    place.operator_dir.mkdir(parents=True)
    forged = {"kind": "approve", "fingerprint": status_of(a).fingerprint, "at": "2020-01-01T00:00:00+08:00"}
    (place.operator_dir / "1-approve-x.json").write_text(json.dumps(forged), encoding="utf-8")
    submit = {"kind": "submit", "at": "2099-01-01T00:00:00+08:00", "by": "县长"}
    (place.operator_dir / "2-submit-x.json").write_text(json.dumps(submit), encoding="utf-8")
    records = read_records(place)
    assert [r.kind for r in records] == ["submit"]  # an operator's folder cannot hold an approval
    assert records[0].author == "root" and records[0].at <= datetime.now().astimezone()  # not 2099, not 县长
    place.review_dir.mkdir(parents=True)
    os.link(place.operator_dir / "1-approve-x.json", place.review_dir / "3-approve-x.json")
    (place.review_dir / "4-comment-x.json").symlink_to(place.operator_dir / "1-approve-x.json")
    assert [r.kind for r in read_records(place)] == ["submit"]  # a hard link and a symlink: not records


def test_a_symlinked_review_folder_is_not_read(two_units: tuple[Path, Path, Path], tmp_path: Path) -> None:
    folder, a, _ = two_units
    elsewhere = tmp_path / "elsewhere" / "a.toml"
    elsewhere.mkdir(parents=True)
    (elsewhere / "1-approve-x.json").write_text(
        json.dumps({"kind": "approve", "fingerprint": "x"}), encoding="utf-8"
    )
    (folder / REVIEW_DIR).symlink_to(tmp_path / "elsewhere")
    assert read_records(place_of(a, folder)) == []


# ---------------------------------------------------------------------- copied text is fair


def test_copied_text_is_raised_on_the_later_report_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "2024"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    original = scaled(base, "高良涧街道办事处", 1)
    save_report(original, folder / "gaoliangjian.toml")
    keep_previous(folder / "gaoliangjian.toml")  # its first version, as a save in the app keeps it
    time.sleep(0.05)
    copier = scaled(base, "老子山镇人民政府", 2)
    copier.texts["problems.main"] = original.texts["problems.main"]
    save_report(copier, folder / "laozishan.toml")
    first = datetime.fromtimestamp((folder / ".versions" / "gaoliangjian.toml").stat().st_mtime)
    os.utime(folder / "laozishan.toml", (0, 0))  # a forged old file time changes nothing (ctime counts)
    _, rows = review_rows(capsys, folder)
    assert rows["高良涧街道办事处"]["copied_text"] == 0 and rows["高良涧街道办事处"]["state"] == "已完成"
    assert rows["老子山镇人民政府"]["copied_text"] == 1 and rows["老子山镇人民政府"]["state"] == "待完善"
    code, out, _ = run(capsys, "check", str(folder / "laozishan.toml"))
    assert f"与高良涧街道办事处 {first.month}月{first.day}日 保存的报告第五部分相似度100%" in out
    code, out, _ = run(capsys, "check", str(folder / "gaoliangjian.toml"))
    assert "R15" not in out

    # 已核实 with a reason: still listed, no longer a warning; the state is 已完成 again
    code, _, err = run(
        capsys, "verify", str(folder / "laozishan.toml"), "--at", "tables.requests.new.natural", "-m", "x"
    )
    assert code == 1 and "不是文字部分" in err
    reason = "县里统一部署的改进措施，各单位相同"
    assert (
        run(capsys, "verify", str(folder / "laozishan.toml"), "--at", "texts.problems.main", "-m", reason)[0]
        == 0
    )
    _, rows = review_rows(capsys, folder)
    assert rows["老子山镇人民政府"]["state"] == "已完成" and rows["老子山镇人民政府"]["copied_text"] == 1
    assert rows["老子山镇人民政府"]["warnings"] == 0
    code, out, _ = run(capsys, "check", str(folder / "laozishan.toml"))
    assert "提示 [R15]" in out and f"已核实：{reason}" in out


# ---------------------------------------------------------------------- duplicates


def test_two_reports_of_one_unit_and_year(
    two_units: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, a, _ = two_units
    second = folder / "a-2.toml"
    code, _, err = run(capsys, "new", str(second), "--unit", "甲乡人民政府", "--year", "2024")
    assert code == 2 and "a.toml 已是甲乡人民政府2024年度的报告，未新建第二份" in err and not second.exists()
    assert existing_report(second, " 甲乡人民政府", 2024) == a  # what the start screen's L asks
    assert existing_report(second, "甲乡人民政府", 2025) is None
    assert existing_report(a, "甲乡人民政府", 2024) is None  # the file itself is no duplicate
    assert run(capsys, "new", str(second), "--unit", "甲乡人民政府", "--year", "2024", "--force")[0] == 0
    code, rows_list = review_rows_list(capsys, folder)
    mine = [r for r in rows_list if r["unit"] == "甲乡人民政府"]
    assert sorted(r["duplicate_of"] for r in mine) == ["a-2.toml", "a.toml"]
    assert "重复 2" in run(capsys, "review", str(folder))[1]


def review_rows_list(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run(capsys, "review", str(folder), "--json")
    return code, [json.loads(line) for line in out.splitlines()]


# ---------------------------------------------------------------------- roll-up of finished work


def test_rollup_sums_only_finished_work(
    two_units: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, a, b = two_units
    broken = load_report(b)
    broken.values["requests"]["new.natural"] += 1
    save_report(broken, b)
    save_report(new_report("丙乡人民政府", 2024), folder / "c.toml")
    out = tmp_path / "县.toml"
    code, printed, err = run(capsys, "rollup", str(folder), "-o", str(out), "--unit", "某某县")
    assert code == 1
    assert "未汇总 乙镇人民政府：有错误" in err and "未汇总 丙乡人民政府：未开始" in err
    assert "汇总了1份报告（只汇总已完成、已通过、已发布的）" in printed
    assert load_report(out).cell("requests", "new.natural") == load_report(a).cell("requests", "new.natural")
    out.unlink()
    code, printed, _ = run(capsys, "rollup", str(folder), "-o", str(out), "--unit", "某某县", "--all")
    assert "汇总了3份报告（全部可读的报告）" in printed


# ---------------------------------------------------------------------- deadlines


def test_deadlines_folder_wide_and_per_unit(two_units: tuple[Path, Path, Path]) -> None:
    folder, a, _ = two_units
    (folder / "roster.toml").write_text(
        'deadline = 2025-01-15\n\n[[units]]\nname = "甲乡人民政府"\ncontact = "张三 1234"\n\n'
        '[[units]]\nname = "乙镇人民政府"\ndeadline = "2025-01-20"\n\n[[units]]\nname = "丙乡人民政府"\n',
        encoding="utf-8",
    )
    units = {u.name: u for u in load_roster(folder / "roster.toml")}
    assert units["乙镇人民政府"].deadline == date(2025, 1, 20) and units["丙乡人民政府"].deadline == date(
        2025, 1, 15
    )
    review = review_folder(folder, today=date(2025, 1, 18))
    days = {r.unit: r.overdue_days for r in review.rows}
    assert days == {
        "甲乡人民政府": None,
        "乙镇人民政府": None,
        "丙乡人民政府": 3,
    }  # no workflow: filled in is on time
    main(["submit", str(a)])
    review = review_folder(folder, today=date(2025, 1, 25))
    days = {r.unit: r.overdue_days for r in review.rows}
    assert days == {"甲乡人民政府": None, "乙镇人民政府": 5, "丙乡人民政府": 10}  # with it: not yet 已报送
    assert (
        row_json(review.rows[0])["overdue_days"] is None
        and row_json(review.rows[1])["deadline"] == "2025-01-20"
    )
    (folder / "roster.toml").write_text('deadline = "明天"\n[[units]]\nname = "甲"\n', encoding="utf-8")
    with pytest.raises(Exception, match="deadline 应为日期"):
        load_roster(folder / "roster.toml")


# ---------------------------------------------------------------------- notices


def test_notices(
    two_units: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, a, _ = two_units
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    assert run(capsys, "notice", str(folder), "-m", "1月15日前报送", "--until", "2099-01-15")[0] == 0
    assert run(capsys, "notice", str(folder), "-m", "旧通知", "--until", "2000-01-01")[0] == 0
    code, _, err = run(capsys, "notice", str(folder), "-m", "x", "--until", "下周")
    assert code == 2 and "不是日期" in err
    code, out, _ = run(capsys, "notice", str(folder), "--list")
    assert "1月15日前报送" in out and "旧通知" in out and "（已过期）" in out
    assert [n.text for n in notices_for(a)] == ["1月15日前报送"]
    assert [n.text for n in notices_for_user([a, folder / "b.toml", folder])] == ["1月15日前报送"]
    unseen = unseen_notices(a)
    assert len(unseen) == 1
    mark_notices_seen(unseen)
    assert unseen_notices(a) == [] and len(notices_for(a)) == 1
    write_notice(folder, "第二条", None)
    assert [n.text for n in unseen_notices(a)] == ["第二条"]
    code, out, _ = run(capsys, "notice", str(folder), "--clear")
    assert code == 0 and "3 条" in out and notices_for(folder) == []


# ---------------------------------------------------------------------- workbook


def test_workbook_shows_the_workflow_year_over_year_and_charts(
    two_units: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    folder, a, _ = two_units
    last = scaled(load_report(EXAMPLES / "full-2024.toml"), "甲乡人民政府", 3)
    last.year = 2023
    this = load_report(a)
    for cell, value in this.values["requests"].items():  # R7: last year's 四 is this year's 二
        if cell.startswith("carried_over."):
            last.values["requests"]["carry_forward." + cell.split(".", 1)[1]] = value
    save_report(last, folder / "a-2023.toml")
    assert main(["submit", str(a)]) == 0
    main(["comment", str(a), "-m", "请核实"])
    out = tmp_path / "汇总.xlsx"
    assert run(capsys, "review", str(folder), "-o", str(out))[0] == 1
    book = load_workbook(out)
    header = [c.value for c in book["状态"][1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in book["状态"].iter_rows(min_row=2, values_only=True)
    }
    assert rows["甲乡人民政府"]["审核状态"] == "已报送" and rows["甲乡人民政府"]["未处理意见"] == 1
    assert rows["乙镇人民政府"]["审核状态"] == "未报送"
    sheet = book["指标"]
    header = [c.value for c in sheet[1]]
    this_year, last_year = header.index("新收申请（件）（本年）"), header.index("新收申请（件）（上年）")
    values = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] is not None}
    assert values["甲乡人民政府"][this_year] == load_report(a).cell("requests", "new.total")
    assert values["甲乡人民政府"][last_year] == last.cell("requests", "new.total")
    assert values["乙镇人民政府"][last_year] is None
    charts = book["图表"]._charts
    assert len(charts) == 2 and len(charts[0].series) == 2 and len(charts[1].series) == 1
    letters = [get_column_letter(this_year + 1), get_column_letter(last_year + 1)]
    units = len(values) - 1  # the units' rows, without 合计
    assert [s.val.numRef.f for s in charts[0].series] == [f"'指标'!${c}$3:${c}${units + 2}" for c in letters]
    assert charts[0].series[0].cat.strRef.f == f"'指标'!$A$3:$A${units + 2}"


def test_names_shown_by_their_distinguishing_part() -> None:
    from tui_report.review.deskflow import distinguishing_names

    names = ["淮安市洪泽区卫生健康委员会", "淮安市洪泽区人民政府办公室", "淮安市洪泽区西顺河镇人民政府", ""]
    shown = distinguishing_names(names, 18)
    assert shown["淮安市洪泽区卫生健康委员会"] == "…卫生健康委员会"
    assert shown["淮安市洪泽区西顺河镇人民政府"] == "…西顺河镇人民政府"
    assert len(set(shown.values())) == len(
        names
    )  # no two alike (today's cut from the left: 淮安市洪泽区卫生健)
    assert distinguishing_names(["甲乡人民政府", "乙镇人民政府"], 18) == {
        "甲乡人民政府": "甲乡人民政府",
        "乙镇人民政府": "乙镇人民政府",
    }
    assert distinguishing_names(["某某县某某局某某中心某某办公室"], 10) == {
        "某某县某某局某某中心某某办公室": "某某县某…"
    }


def test_the_desk_sorts_by_workflow(two_units: tuple[Path, Path, Path]) -> None:
    from tui_report.review.desk import sort_rows

    folder, a, _ = two_units
    main(["submit", str(a)])
    rows = sort_rows(review_folder(folder).rows, "workflow")
    assert [r.workflow.code for r in rows] == ["submitted", "not_submitted"]


def test_reviewer_commands_say_when_operators_could_replace_the_review_folder(
    two_units: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, a, _ = two_units
    os.chmod(folder, 0o2775)  # the flat layout: the operators' group may write the folder
    code, out, err = run(capsys, "comment", str(a), "-m", "请核实")
    assert code == 0 and "已建立审核记录文件夹" in out
    assert "提示：审核记录不受文件权限保护" in err and "组内或所有人可写" in err
    assert (folder / REVIEW_DIR).stat().st_mode & 0o777 == 0o755  # only the reviewer who made it writes
