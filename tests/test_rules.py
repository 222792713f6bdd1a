"""Every rule fires on a report built to break it, names the right cells, and stays silent on the examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui_report.model.report import new_report
from tui_report.model.rules import Finding, check
from tui_report.storage.reportfile import load_report, save_report

T2021 = "gov-info-disclosure-2021"
COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def paths(finding: Finding) -> set[str]:
    return {loc.path for loc in finding.locations}


def test_examples_are_clean(full, dama):
    assert check(full) == []
    assert check(dama) == []


def test_r1_names_column_numbers_and_cells(full):
    full.set_cell("requests", "new.natural", full.entered("requests", "new.natural") + 1)
    findings = by_rule(check(full), "R1")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.message == "自然人列：一+二=3036，三(七)+四=3035，相差1。"
    assert "tables.requests.new.natural" in paths(finding)
    assert "tables.requests.results.total.natural" in paths(finding)


def test_r2_fires_on_a_declared_total_row_that_does_not_add_up(full):
    full.values["requests"]["results.total.natural"] = 2930
    findings = by_rule(check(full), "R2")
    assert len(findings) == 1
    assert "2930" in findings[0].message and "2932" in findings[0].message
    assert paths(findings[0]) == {"tables.requests.results.total.natural"}


def test_r3_fires_on_a_declared_total_column(full):
    full.values["requests"]["new.total"] = 3000
    findings = by_rule(check(full), "R3")
    assert len(findings) == 1
    assert paths(findings[0]) == {"tables.requests.new.total"}
    assert "相差119" in findings[0].message


def test_r4_negative_and_fractional_counts(full):
    full.values["requests"]["new.commercial"] = -1
    full.values["requests"]["new.research"] = Decimal("3.5")
    findings = by_rule(check(full), "R4")
    assert {p for f in findings for p in paths(f)} == {
        "tables.requests.new.commercial",
        "tables.requests.new.research",
    }
    assert all(f.severity == "error" for f in findings)
    assert any("负数" in f.message for f in findings)
    assert any("不是整数" in f.message for f in findings)


def test_r5_fires_on_a_declared_appeals_total(full):
    full.values["appeals"]["count.review.total"] = 350
    findings = by_rule(check(full), "R5")
    assert len(findings) == 1
    assert paths(findings[0]) == {"tables.appeals.count.review.total"}


def test_r6_money_and_counts_in_table_two(full):
    full.values["proactive"]["fees.amount"] = Decimal("-1.5")
    full.values["proactive"]["licensing.decisions"] = Decimal("2.5")
    findings = by_rule(check(full), "R6")
    assert {p for f in findings for p in paths(f)} == {
        "tables.proactive.fees.amount",
        "tables.proactive.licensing.decisions",
    }
    full.values["proactive"]["fees.amount"] = Decimal("1.2345678")
    full.values["proactive"]["licensing.decisions"] = 2
    findings = by_rule(check(full), "R6")
    assert len(findings) == 1 and "小数位" in findings[0].message


def test_r7_carry_over_from_last_year(full):
    last = full.model_copy(deep=True)
    last.year = 2023
    assert by_rule(check(full, last), "R7") != []  # last year's 四 is 103, this year's 二 is 34
    for col in COLS:
        last.values["requests"][f"carry_forward.{col}"] = full.entered("requests", f"carried_over.{col}")
    assert by_rule(check(full, last), "R7") == []
    last.values["requests"]["carry_forward.natural"] = 30
    findings = by_rule(check(full, last), "R7")
    assert len(findings) == 1
    assert findings[0].message.startswith("自然人列")
    assert paths(findings[0]) == {"tables.requests.carried_over.natural"}


def test_r8_documents_in_force_is_a_warning(full):
    last = full.model_copy(deep=True)
    last.values["proactive"]["regulations.in_force"] = 43  # 43 + 3 - 1 = 45: consistent
    last.values["proactive"]["normative.in_force"] = 100  # 100 + 20 - 5 = 115 ≠ 180
    findings = by_rule(check(full, last), "R8")
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert "行政规范性文件" in findings[0].message
    assert "tables.proactive.normative.in_force" in paths(findings[0])
    assert by_rule(check(full), "R8") == []  # needs last year's report


def test_r12_no_fee_text_but_fee_cell(dama):
    dama.set_cell("requests", "new.natural", 1)
    dama.set_cell("requests", "results.other_handling.fee_unpaid.natural", 1)
    dama.texts["overview.on_request"] = "本年收到申请1件。"
    dama.texts["other.main"] = "本年度未发出收费通知，未收取信息处理费。"
    findings = by_rule(check(dama), "R12")
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert {"texts.other.main", "tables.requests.results.other_handling.fee_unpaid.natural"} <= paths(
        findings[0]
    )


def test_r12_silent_when_fees_were_charged(full):
    assert by_rule(check(full), "R12") == []


def test_r13_all_zero_applications_but_results(dama):
    dama.set_cell("requests", "results.disclosed.natural", 2)
    findings = by_rule(check(dama), "R13")
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1
    assert "tables.requests.results.disclosed.natural" in paths(errors[0])


def test_r13_text_must_say_no_applications(dama):
    dama.texts["overview.on_request"] = "本年依申请公开工作有序开展。"
    findings = by_rule(check(dama), "R13")
    assert [f.severity for f in findings] == ["warning"]
    assert paths(findings[0]) == {"texts.overview.on_request"}


def test_r14_regulations_for_township(dama):
    dama.set_cell("proactive", "regulations.issued", 1)
    findings = by_rule(check(dama), "R14")
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert paths(findings[0]) == {"tables.proactive.regulations.issued"}
    dama.level = "city"
    assert by_rule(check(dama), "R14") == []


def test_in_progress_warnings_for_empty_texts_and_blank_cells():
    report = new_report("测试乡人民政府", 2025)
    findings = check(report)
    assert rules_of(findings) == {"TEXT_EMPTY", "TABLE_INCOMPLETE"}
    assert all(f.severity == "warning" for f in findings)
    incomplete = {f.locations[0].table for f in by_rule(findings, "TABLE_INCOMPLETE")}
    assert incomplete == {"proactive", "requests", "appeals"}
    empty_texts = {loc.text for f in by_rule(findings, "TEXT_EMPTY") for loc in f.locations}
    # Part 六 prints "无" when empty and 总体情况概述 is optional: neither is asked for.
    assert "other.main" not in empty_texts and "overview.summary" not in empty_texts
    assert "overview.proactive" in empty_texts


def test_huaian_2024_real_numbers_pass_r1_to_r5():
    """淮安市人民政府 2024 (published): the 自然人 column and 表四 as printed."""
    report = new_report("淮安市人民政府", 2024, "city")
    natural = {
        "new": 3001,
        "carried_over": 34,
        "results.disclosed": 1288,
        "results.partial": 447,
        "results.unavailable.not_held": 746,
        "results.unavailable.needs_creation": 11,
        "results.unavailable.unclear": 1,
        "results.not_processed.complaints": 56,
        "results.not_processed.repeated": 25,
        "results.not_processed.publications": 0,
        "results.not_processed.mass_repeated": 0,
        "results.not_processed.confirmation": 1,
        "results.other_handling.no_correction": 67,
        "results.other_handling.fee_unpaid": 6,
        "results.other_handling.other": 108,
        "carry_forward": 103,
    }
    withheld = [2, 30, 5, 6, 7, 12, 9, 105]
    keys = ["state_secret", "prohibited", "three_safety", "third_party", "internal", "process"]
    keys += ["enforcement_files", "query"]
    natural.update({f"results.withheld.{k}": v for k, v in zip(keys, withheld, strict=True)})
    for row, value in natural.items():
        report.set_cell("requests", f"{row}.natural", value)
    # As printed: the (七)总计 of the 自然人 column.
    report.values["requests"]["results.total.natural"] = 2932
    for group, numbers in {
        "review": (72, 64, 178, 37, 351),
        "direct": (13, 4, 8, 1, 26),
        "after_review": (12, 1, 1, 6, 20),
    }.items():
        for key, value in zip(("upheld", "corrected", "other", "pending"), numbers[:4], strict=True):
            report.set_cell("appeals", f"count.{group}.{key}", value)
        report.values["appeals"][f"count.{group}.total"] = numbers[4]
    assert report.cell("requests", "results.total.natural") == 2932
    findings = [f for f in check(report) if f.rule in {"R1", "R2", "R3", "R4", "R5"}]
    assert findings == []


def test_check_is_deterministic_and_sorted(full):
    full.set_cell("requests", "new.natural", 1)
    full.texts["overview.proactive"] = ""
    findings = check(full)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert check(full) == findings


def test_set_cell_refuses_computed(full):
    from tui_report.model.report import CellInputError

    with pytest.raises(CellInputError, match="自动计算"):
        full.set_cell("requests", "new.total", 5)


def test_2019_report_checks():
    report = new_report("某县某局", 2020, "department", "gov-info-disclosure-2019")
    report.set_cell("proactive", "licensing.change", -3)
    report.set_cell("requests", "results.other_handling.natural", 1)
    report.set_cell("requests", "new.natural", 1)
    findings = check(report)
    assert by_rule(findings, "R6") == []  # a signed change may be negative
    assert by_rule(findings, "R1") == []
    assert report.cell("requests", "results.total.natural") == 1


def test_r11_numbers_in_the_text_must_match_the_tables(full):
    full.texts["overview.on_request"] = full.texts["overview.on_request"].replace("3119件", "3000件")
    full.texts["overview.supervision"] += "本年发生政府信息公开行政复议案件350件。"
    findings = by_rule(check(full), "R11")
    assert [f.severity for f in findings] == ["warning", "warning"]
    messages = " ".join(f.message for f in findings)
    assert "“新收政府信息公开申请3000件”" in messages and "表中为3119" in messages
    assert "行政复议案件350件" in messages and "表中为351" in messages
    assert "texts.overview.on_request" in paths(findings[0])
    assert "tables.requests.new.total" in paths(findings[0])


def test_r11_quiet_while_the_table_is_blank():
    report = new_report("测试乡人民政府", 2025)
    report.texts["overview.on_request"] = "本年收到政府信息公开申请3件。"
    assert by_rule(check(report), "R11") == []


def test_published_amount_with_three_decimals_passes_check(full, tmp_path):
    """沭阳县人民政府 2025 prints 行政事业性收费 as 4068.208 万元: the format has no two-decimal rule."""
    from tui_report.cli import main

    full.set_cell("proactive", "fees.amount", Decimal("4068.208"))
    path = tmp_path / "沭阳县人民政府2025.toml"
    save_report(full, path)
    reloaded = load_report(path)
    assert reloaded.entered("proactive", "fees.amount") == Decimal("4068.208")
    assert check(reloaded) == []
    assert main(["check", str(path)]) == 0
    full.set_cell("proactive", "fees.amount", Decimal("4068.2080001"))  # past the fen
    assert [f.rule for f in check(full)] == ["R6"]


def test_every_rule_kind_a_template_may_declare_has_a_check():
    from typing import get_args

    from tui_report.model.rules import _RULE_KINDS
    from tui_report.model.template import RuleKind

    assert set(_RULE_KINDS) == set(get_args(RuleKind))


def test_a_finding_sent_to_another_process_comes_back_the_same(full):
    # The desk's pool pickles every finding (Finding/Location.__reduce__): every field must travel.
    import pickle

    from tui_report.model.rules import Location

    full.set_cell("requests", "new.natural", full.entered("requests", "new.natural") + 1)
    findings = check(full)
    assert any(f.equation and f.suspects and f.spot for f in findings)
    assert pickle.loads(pickle.dumps(findings)) == findings
    span = Finding("R9", "warning", "正文", (Location(text="a.b"),), Location(text="a.b"), (3, 7))
    assert pickle.loads(pickle.dumps(span)) == span
