"""The headless command line: new, check, export, templates — exit codes and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui_report.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as an operator would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "tui_report", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )


def test_templates_lists_both_by_their_chinese_names():
    result = run("templates")
    assert result.returncode == 0
    assert "政府信息公开工作年度报告（2021年版格式）" in result.stdout
    assert "政府信息公开工作年度报告（2019年版格式，试行）" in result.stdout
    assert "--template 2019" in result.stdout and "--template 2021" in result.stdout
    assert "gov-info-disclosure" not in result.stdout


@pytest.mark.parametrize("word", ["2019", "2019年版", "政府信息公开工作年度报告（2019年版格式，试行）"])
def test_new_template_by_year_or_name(tmp_path, word, capsys):
    target = tmp_path / "a.toml"
    assert main(["new", str(target), "--unit", "某局", "--year", "2021", "--template", word]) == 0
    assert 'template = "gov-info-disclosure-2019"' in target.read_text(encoding="utf-8")
    assert "gov-info-disclosure" not in capsys.readouterr().out


def test_new_unknown_template_lists_the_formats(tmp_path, capsys):
    assert (
        main(["new", str(tmp_path / "a.toml"), "--unit", "某局", "--year", "2021", "--template", "2030"]) == 2
    )
    err = capsys.readouterr().err
    assert "没有“2030”这种报告格式" in err and "2021（政府信息公开工作年度报告（2021年版格式））" in err
    assert "gov-info-disclosure" not in err


def test_new_from_names_the_format_not_its_id(tmp_path, dama_path, capsys):
    target = tmp_path / "2022.toml"
    assert main(["new", str(target), "--from", str(dama_path)]) == 0
    out = capsys.readouterr().out
    assert "格式为政府信息公开工作年度报告（2021年版格式）" in out
    assert "gov-info-disclosure" not in out


def test_new_then_check(tmp_path):
    target = tmp_path / "a.toml"
    result = run("new", str(target), "--unit", "测试乡人民政府", "--year", "2025")
    assert result.returncode == 0, result.stderr
    assert "gov-info-disclosure-2021" in target.read_text(encoding="utf-8")
    check = run("check", str(target))
    assert check.returncode == 0  # only warnings while in progress
    assert "警告" in check.stdout and "未填写" in check.stdout


def test_new_picks_the_2019_format_for_2020_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "b.toml"
    assert main(["new", str(target), "--unit", "某局", "--year", "2020", "--level", "department"]) == 0
    assert 'template = "gov-info-disclosure-2019"' in target.read_text(encoding="utf-8")
    assert main(["new", str(target), "--unit", "某局", "--year", "2020"]) == 2


def test_check_exit_codes(tmp_path, dama_path, full_path, capsys):
    assert main(["check", str(dama_path), str(full_path)]) == 0
    broken = tmp_path / "broken.toml"
    broken.write_text(
        full_path.read_text(encoding="utf-8").replace("natural = 3001", "natural = 3002"), encoding="utf-8"
    )
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "错误 [R1] 自然人列：一+二=3036，三(七)+四=3035，相差1。" in out
    unreadable = tmp_path / "x.toml"
    unreadable.write_bytes(b"\xef\xbb\xbf[report]")
    assert main(["check", str(unreadable), str(broken)]) == 2
    assert main(["check", str(tmp_path / "missing.toml")]) == 2


def test_check_json_one_object_per_file(tmp_path, dama_path, full_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        full_path.read_text(encoding="utf-8").replace("natural = 3001", "natural = 3002"), encoding="utf-8"
    )
    garbage = tmp_path / "garbage.toml"
    garbage.write_text("[report", encoding="utf-8")
    result = run("check", "--json", str(dama_path), str(broken), str(garbage))
    assert result.returncode == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(dama_path), str(broken), str(garbage)]
    assert records[0]["findings"] == [] and records[0]["errors"] == 0
    r1 = next(f for f in records[1]["findings"] if f["rule"] == "R1")
    assert r1 == {
        "rule": "R1",
        "severity": "error",
        "message": "自然人列：一+二=3036，三(七)+四=3035，相差1。",
        "locations": [
            "tables.requests.new.natural",
            "tables.requests.carried_over.natural",
            "tables.requests.results.total.natural",
            "tables.requests.carry_forward.natural",
        ],
    }
    assert records[2]["readable"] is False and "第1行" in records[2]["error"]


def test_check_last_year(tmp_path, full_path):
    last = tmp_path / "last.toml"
    last.write_text(
        full_path.read_text(encoding="utf-8").replace("year = 2024", "year = 2023"), encoding="utf-8"
    )
    result = run("check", "--json", str(full_path), "--last-year", str(last))
    assert result.returncode == 1
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "R7" in rules


def test_export_json_layout(tmp_path, full_path):
    out = tmp_path / "out.json"
    result = run("export", str(full_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["unit"] == "示例市人民政府" and data["meta"]["year"] == 2024
    assert data["texts"]["overview.on_request"].startswith("全年新收")
    keys = [t["key"] for t in data["tables"]]
    assert keys == ["proactive", "requests", "appeals"]
    requests = data["tables"][1]
    assert requests["title"] == "收到和处理政府信息公开申请情况"
    row = next(r for r in requests["rows"] if r["labels"][-1] == "1.属于国家秘密")
    assert row["labels"] == ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    commercial = row["cells"][1]
    assert commercial["labels"] == ["申请人情况", "法人或其他组织", "商业企业"]
    assert commercial["path"] == "tables.requests.results.withheld.state_secret.commercial"
    assert commercial["computed"] is False and commercial["value"] == 0
    total = row["cells"][6]
    assert total["computed"] is True and total["labels"] == ["申请人情况", "总计"]
    money = data["tables"][0]["rows"][-1]
    assert money["labels"] == ["第二十条第（八）项", "行政事业性收费"]
    assert money["cells"][0]["value"] == "96171.6"
    appeals = data["tables"][2]["rows"][0]
    assert appeals["labels"] == [] and len(appeals["cells"]) == 15
    assert appeals["cells"][4] == {
        "labels": ["行政复议", "总计"],
        "value": 351,
        "computed": True,
        "path": "tables.appeals.count.review.total",
    }


def test_export_unknown_format(tmp_path, full_path):
    assert main(["export", str(full_path), "-o", str(tmp_path / "x.xls")]) == 2


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_export_refuses_reports_with_errors(tmp_path, full_path, suffix, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        full_path.read_text(encoding="utf-8").replace("natural = 3001", "natural = 3002"), encoding="utf-8"
    )
    assert main(["export", str(broken), "-o", str(tmp_path / f"out{suffix}")]) == 1
    assert "--draft" in capsys.readouterr().err
    assert not (tmp_path / f"out{suffix}").exists()


def test_unknown_file_is_never_a_traceback(tmp_path):
    bad = tmp_path / "gbk.toml"
    bad.write_bytes('[report]\nunit = "大马乡"\n'.encode("gbk"))
    result = run("check", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "GBK" in result.stderr


def test_help_is_chinese():
    result = run("--help")
    assert result.returncode == 0 and "检查报告" in result.stdout


def test_bundled_examples_are_the_fixtures_and_pass_check(dama_path: Path, full_path: Path, capsys):
    """The folder the start screen opens examples from holds the reports the tests use, and both are
    clean: the published 大马乡 report and the full example."""
    from tui_report.model.template import examples_dir

    assert {p.resolve() for p in examples_dir().glob("*.toml")} >= {dama_path.resolve(), full_path.resolve()}
    assert main(["check", str(dama_path), str(full_path)]) == 0
    out = capsys.readouterr().out
    assert "尉氏县大马乡人民政府2021年政府信息公开工作年度报告 — 0个错误，0个警告" in out


def test_messages_about_formats_use_chinese_names(tmp_path, dama_path, capsys):
    newer = tmp_path / "newer.toml"
    newer.write_text(
        dama_path.read_text(encoding="utf-8").replace("template_version = 1", "template_version = 9"),
        encoding="utf-8",
    )
    assert main(["check", str(newer)]) == 2
    err = capsys.readouterr().err
    assert "不是“政府信息公开工作年度报告（2021年版格式）”的版本" in err and "gov-info-disclosure" not in err

    from tui_report.model.rollup import RollupError, rollup
    from tui_report.storage.reportfile import load_report

    old = load_report(dama_path).model_copy(update={"template": "gov-info-disclosure-2019"})
    with pytest.raises(RollupError) as info:
        rollup([load_report(dama_path), old], "某县")
    assert "2019年版格式" in str(info.value) and "gov-info-disclosure" not in str(info.value)


def test_check_says_where_in_chinese_and_keeps_key_paths_for_json(tmp_path, full_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        full_path.read_text(encoding="utf-8").replace("natural = 3001", "natural = 3999"), encoding="utf-8"
    )
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "（表三 一·自然人、二·自然人、三(七)·自然人 等4处）" in out
    assert "（第一部分（二）依申请公开情况；表三 一·总计）" in out
    assert "tables." not in out and "texts." not in out
    assert main(["check", "--json", str(broken)]) == 1
    record = json.loads(capsys.readouterr().out)
    r1 = next(f for f in record["findings"] if f["rule"] == "R1")
    assert r1["locations"][0] == "tables.requests.new.natural"
