"""A report whose unit level is not chosen yet (#21 item 4: "when unsure, leave the level unset and say
so in the notes; never a silent default"), on every face: the model and the file, check and the
rules that depend on the level, export, the desk, submit, new --from, roll-up, import and merge.
The app's level list is tested in tests/tui/test_unset_level_page.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from review.conftest import scaled
from tui_report.cli import main
from tui_report.model.diff import merge_reports
from tui_report.model.report import Report
from tui_report.model.rules import check
from tui_report.review.roster import RosterUnit, write_roster
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import load_report, loads_report, report_to_data, save_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LEVEL_MISSING = "单位层级未填写"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def unset(report: Report) -> Report:
    report.level = None
    return report


def with_level_line(line: str) -> str:
    """The full example's file with its ``level = "city"`` line replaced by ``line``."""
    text = (EXAMPLES / "full-2024.toml").read_text(encoding="utf-8")
    assert text.count('level = "city"\n') == 1
    return text.replace('level = "city"\n', line)


# ---------------------------------------------------------------------- the file


@pytest.mark.parametrize("line", ['level = ""\n', ""], ids=["empty", "absent"])
def test_an_empty_or_absent_level_reads_as_not_chosen(line: str, tmp_path: Path) -> None:
    report = loads_report(with_level_line(line), "x.toml")
    assert report.level is None
    path = tmp_path / "x.toml"
    save_report(report, path)
    assert '\nlevel = ""\n' in path.read_text(encoding="utf-8")  # written, so an older program refuses it
    assert load_report(path).level is None


def test_a_file_with_a_level_reads_and_writes_as_before(full: Report) -> None:
    assert full.level == "city"
    assert report_to_data(full)["report"]["level"] == "city"


def test_an_unknown_level_is_still_refused() -> None:
    with pytest.raises(ReportFileError) as caught:
        loads_report(with_level_line('level = "村"\n'), "x.toml")
    assert "report.level 的值“村”无效" in str(caught.value)


# ---------------------------------------------------------------------- check


def test_check_says_the_level_is_missing_like_a_missing_unit(full: Report) -> None:
    assert [f for f in check(full) if f.rule == "META"] == []
    findings = [f for f in check(unset(full)) if f.rule == "META"]
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert LEVEL_MISSING in findings[0].message
    assert [loc.path for loc in findings[0].locations] == ["level"]


def test_rules_for_some_levels_give_no_false_alarm_while_the_level_is_unset(full: Report) -> None:
    assert any(full.entered("proactive", c) for c in full.values["proactive"] if c.startswith("regulations."))
    full.level = "county"
    assert [f.rule for f in check(full) if f.rule == "R14"] == ["R14"]  # 县级 makes no 规章
    assert [f for f in check(unset(full)) if f.rule == "R14"] == []


def test_check_command_names_the_place_in_words(
    full: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.toml"
    save_report(unset(full), path)
    code, out = run(capsys, "check", str(path))
    assert code == 0, out  # a warning, not an error
    line = next(x for x in out.splitlines() if LEVEL_MISSING in x)
    assert "（单位层级）" in line


# ---------------------------------------------------------------------- export


def test_export_prints_no_level_and_json_gives_null(
    full: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.toml"
    save_report(unset(full), path)
    assert run(capsys, "export", str(path), "-o", str(tmp_path / "x.json"))[0] == 0
    meta = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["meta"]
    assert meta["level"] is None and meta["title"] == full.title
    assert run(capsys, "export", str(path), "-o", str(tmp_path / "x.html"))[0] == 0
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert full.title in html and "None" not in html


# ---------------------------------------------------------------------- the desk and submit


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two complete reports of their own texts, one with its level not chosen."""
    folder = tmp_path / "2024"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    save_report(scaled(base, "甲乡人民政府", 1), folder / "a.toml")
    save_report(unset(scaled(base, "某某合作社", 2)), folder / "b.toml")
    return folder


def desk_rows(capsys: pytest.CaptureFixture[str], folder: Path) -> dict[str, dict[str, Any]]:
    _, out = run(capsys, "review", str(folder), "--json")
    return {row["unit"]: row for row in map(json.loads, out.splitlines())}


def test_the_desk_shows_an_unset_level_as_null_and_the_report_in_progress(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = desk_rows(capsys, folder)
    assert rows["甲乡人民政府"]["level"] == "township" and rows["甲乡人民政府"]["state_code"] == "complete"
    row = rows["某某合作社"]
    assert row["level"] is None and row["level_label"] == ""
    assert row["state_code"] == "in_progress" and row["state"] == "填报中"
    # A roster that knows the unit's level fills the column, as for a roster unit without a report.
    write_roster(
        folder / "roster.toml",
        [RosterUnit("甲乡人民政府", "township"), RosterUnit("某某合作社", "department")],
    )
    assert desk_rows(capsys, folder)["某某合作社"]["level_label"] == "部门"


def test_submit_waits_for_a_level(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "submit", str(folder / "b.toml"))
    assert code != 0 and LEVEL_MISSING in out, out
    report = load_report(folder / "b.toml")
    report.level = "department"
    save_report(report, folder / "b.toml")
    code, out = run(capsys, "submit", str(folder / "b.toml"))
    assert code == 0, out


def test_rollup_leaves_out_a_report_without_a_level_unless_all(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "县.toml"
    code, text = run(capsys, "rollup", str(folder), "-o", str(out), "--unit", "某某县")
    assert "未汇总 某某合作社：填报中" in text and "汇总了1份报告" in text
    assert load_report(out).level == "county"  # the roll-up's own level (--level, default 县级)
    code, text = run(capsys, "rollup", str(folder), "-o", str(out), "--unit", "某某县", "--all", "--force")
    assert code == 0 and "汇总了2份报告" in text, text


# ---------------------------------------------------------------------- new --from


def test_new_from_keeps_the_level_unset_until_given(
    full: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = tmp_path / "2024.toml"
    save_report(unset(full), last)
    code, out = run(capsys, "new", str(tmp_path / "2025.toml"), "--from", str(last))
    assert code == 0, out
    assert load_report(tmp_path / "2025.toml").level is None  # not a default in its place
    code, out = run(
        capsys, "new", str(tmp_path / "2025b.toml"), "--from", str(last), "--level", "县级", "--force"
    )
    assert code == 0, out
    assert load_report(tmp_path / "2025b.toml").level == "county"


# ---------------------------------------------------------------------- import


def test_import_leaves_a_level_it_cannot_tell_unset_and_says_so(
    full: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full.unit = "某某合作社"  # no entry of the level dictionary fits
    source, target = tmp_path / "src.toml", tmp_path / "导入.toml"
    save_report(full, source)
    assert run(capsys, "export", str(source), "-o", str(tmp_path / "社.html"))[0] == 0
    code, out = run(capsys, "import", str(tmp_path / "社.html"), "-o", str(target))
    assert code == 0, out
    assert "单位层级未定" in out and "未能判断单位层级，请用 --level 指定或在报告信息中选择" in out
    assert "暂按" not in out
    assert load_report(target).level is None
    code, out = run(capsys, "check", str(target))
    assert LEVEL_MISSING in out
    code, out = run(
        capsys, "import", str(tmp_path / "社.html"), "-o", str(target), "--level", "部门", "--force"
    )
    assert code == 0 and load_report(target).level == "department"


# ---------------------------------------------------------------------- merge


def test_a_level_set_back_to_unset_on_one_side_is_merged(full: Report) -> None:
    base = full.model_copy(deep=True)
    mine = full.model_copy(deep=True)
    mine.unit = "示例市人民政府办公室"
    theirs = unset(full.model_copy(deep=True))
    result = merge_reports(base, mine, theirs)
    assert result.merged.level is None and result.merged.unit == mine.unit and result.conflicts == []
    assert merge_reports(theirs, theirs, base).merged.level == "city"
