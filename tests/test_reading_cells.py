"""Reading the cells of a report file: what is kept, as what type, and what each bad value is told
(the reader takes a short way for plain whole numbers; these pin that it reads exactly as before),
and the content fingerprint approvals name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tui_report.model.report import Report
from tui_report.model.workflow import content_fingerprint
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import load_report, loads_report

NEW = "[tables.requests.new]\nnatural = 3001\n"
NEW_SUM = 3001 + 60 + 5 + 8 + 25 + 20  # 表三 一·总计 of the full example


def _with(full_path: Path, old: str, new: str) -> str:
    text = full_path.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_a_stored_total_equal_to_its_sum_is_dropped(full_path: Path) -> None:
    report = loads_report(_with(full_path, NEW, f"{NEW}total = {NEW_SUM}\n"))
    assert "new.total" not in report.values["requests"]
    assert report == load_report(full_path)


@pytest.mark.parametrize("stored", [NEW_SUM + 1, 0, -5])
def test_a_stored_total_unlike_its_sum_is_kept(full_path: Path, stored: int) -> None:
    report = loads_report(_with(full_path, NEW, f"{NEW}total = {stored}\n"))
    assert report.values["requests"]["new.total"] == stored
    assert type(report.values["requests"]["new.total"]) is int
    assert report.cell("requests", "new.total") == NEW_SUM  # what is shown is still the sum


def test_amounts_are_decimal_and_counts_int(full_path: Path) -> None:
    report = loads_report(_with(full_path, "amount = 96171.6", "amount = 96171"))
    amount = report.values["proactive"]["fees.amount"]
    assert amount == Decimal(96171) and type(amount) is Decimal
    decimal = load_report(full_path).values["proactive"]["fees.amount"]
    assert decimal == Decimal("96171.6") and type(decimal) is Decimal
    count = report.values["requests"]["new.natural"]
    assert count == 3001 and type(count) is int
    for cells in report.values.values():
        assert all(type(value) in (int, Decimal) for value in cells.values())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '"12"',
            "tables.requests.new.natural 应为数字，读到的是文字“12”（请写成不带引号的数字，全角数字请改为半角）",
        ),
        ("true", "tables.requests.new.natural 应为数字，读到的是true/false"),
        ("[1, 2]", "tables.requests.new.natural 应为数字，读到的是数组"),
        ("10000000001", "tables.requests.new.natural 的值数值过大，绝对值不能超过100亿"),
        ("-10000000001", "tables.requests.new.natural 的值数值过大，绝对值不能超过100亿"),
        ("nan", "tables.requests.new.natural 的值NaN 不是有限的数字"),
    ],
)
def test_a_bad_cell_value_is_named_with_its_line(full_path: Path, value: str, message: str) -> None:
    text = _with(full_path, "natural = 3001", f"natural = {value}")
    with pytest.raises(ReportFileError) as caught:
        loads_report(text, "r.toml")
    assert caught.value.reason == message
    assert caught.value.line == _line_of(text, f"natural = {value}")


def test_bounds_are_inclusive(full_path: Path) -> None:
    report = loads_report(_with(full_path, "natural = 3001", "natural = -10000000000"))
    assert report.values["requests"]["new.natural"] == -10_000_000_000  # read; the checks say why not


def test_an_unknown_cell_is_named_with_a_suggestion(full_path: Path) -> None:
    text = _with(full_path, "natural = 3001", "natral = 3001")
    with pytest.raises(ReportFileError) as caught:
        loads_report(text, "r.toml")
    assert (
        caught.value.reason
        == "表“收到和处理政府信息公开申请情况”没有单元格 new.natral，是不是“new.natural”？"
    )
    assert caught.value.line == _line_of(text, "natral = 3001")


def test_keys_nested_too_deep_are_refused(full_path: Path) -> None:
    deep = "[tables.requests." + ".".join(f"k{i}" for i in range(14)) + "]\nx = 1\n"
    with pytest.raises(ReportFileError) as caught:
        loads_report(full_path.read_text(encoding="utf-8") + deep, "r.toml")
    assert caught.value.reason == "tables.requests 中的键层级过深（超过 12 层）"


def test_the_fingerprint_of_the_examples_is_pinned(full_path: Path, dama_path: Path) -> None:
    """Approvals stored in review records name this value: how it is computed must never change
    what it is."""
    assert content_fingerprint(load_report(full_path)) == (
        "f6a68b1fae1eade2a032895f564ea36beb19d4c8ecc4ac0b375e8a27ea8fe67b"
    )
    assert content_fingerprint(load_report(dama_path)) == (
        "cf586dd5f6babc97e323aabca7253b8747d327c12e10a1841b64f8fa773ff78b"
    )


def test_a_report_read_is_the_report_validated(full_path: Path, dama_path: Path) -> None:
    """The reader builds the Report without validating it again (every field was checked on the
    way): it is what validation would have made of the same fields."""
    for path in (full_path, dama_path):
        report = load_report(path)
        again = Report.model_validate(dict(report))
        assert again == report
        assert again.model_fields_set == report.model_fields_set
        assert [list(cells.items()) for cells in again.values.values()] == [
            list(cells.items()) for cells in report.values.values()
        ]
