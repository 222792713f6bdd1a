"""What operators type into cells: full-width digits, separators, and refusals with reasons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui_report.model.report import (
    MAX_CELL_VALUE,
    CellInputError,
    format_value,
    number_problem,
    parse_cell_input,
    parse_published_cell,
    parse_year,
    value_problem,
    year_problem,
)
from tui_report.model.template import CellKind, KindSpec, get_template


def spec(kind: CellKind) -> KindSpec:
    """The kind as the 2021 format defines it (these tests are about its precision and signs)."""
    return get_template("gov-info-disclosure-2021").kind(kind)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12", "count", 12),
        ("１２", "count", 12),
        (" ３００１ ", "count", 3001),
        ("1,234", "count", 1234),
        ("１，２３４", "count", 1234),
        ("0", "count", 0),
        ("", "count", None),
        ("-3", "change", -3),
        ("－３", "change", -3),
        ("+5", "change", 5),
        ("96171.6", "amount", Decimal("96171.6")),
        ("９６１７１．６", "amount", Decimal("96171.6")),
        ("96,171.60", "amount", Decimal("96171.60")),
    ],
)
def test_accepted(text, kind, value):
    assert parse_cell_input(text, spec(kind)) == value


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("a", "count", "不是件数"),
        ("12a", "count", "不是件数"),
        ("-1", "count", "负数"),
        ("3.5", "count", "不是件数"),
        ("1.2345678", "amount", "小数位过多"),
        ("万元", "amount", "不是金额"),
        ("1.5", "change", "不是整数"),
    ],
)
def test_refused_with_a_chinese_reason(text, kind, reason):
    with pytest.raises(CellInputError, match=reason):
        parse_cell_input(text, spec(kind))


@pytest.mark.parametrize("mark", ["/", "-", "—", "无", "", "  "])
def test_published_blank_marks_are_not_zero(mark):
    assert parse_published_cell(mark, spec("count")) is None


def test_format_value():
    assert format_value(0) == "0"
    assert format_value(None) == ""
    assert format_value(Decimal("96171.6")) == "96171.6"


def test_amounts_to_the_fen_are_accepted():
    # 沭阳县人民政府 2025 prints 行政事业性收费 as 4068.208 万元; the format has no two-decimal rule.
    assert parse_cell_input("4068.208", spec("amount")) == Decimal("4068.208")
    assert parse_cell_input("0.000001", spec("amount")) == Decimal("0.000001")


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("10000000001", "count", "超出上限"),
        ("-10000000001", "change", "超出上限"),
        ("9" * 40, "count", "位数过多"),
        ("9" * 5000, "count", "输入过长"),
        ("nan", "amount", "不是金额"),
        ("inf", "amount", "不是金额"),
        ("1e5", "amount", "不是金额"),
        ("-5", "amount", "负数"),
    ],
)
def test_out_of_bounds_input_is_refused_in_chinese(text, kind, reason):
    with pytest.raises(CellInputError, match=reason):
        parse_cell_input(text, spec(kind))


def test_the_bound_itself_is_accepted():
    assert parse_cell_input(str(MAX_CELL_VALUE), spec("count")) == MAX_CELL_VALUE
    assert parse_cell_input("-" + str(MAX_CELL_VALUE), spec("change")) == -MAX_CELL_VALUE


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (Decimal("NaN"), "不是有限的数字"),
        (Decimal("Infinity"), "不是有限的数字"),
        (Decimal("-Infinity"), "不是有限的数字"),
        (10**10 + 1, "数值过大"),
        (Decimal("1e400"), "数值过大"),
        (True, "不是数字"),
        ("12", "不是数字"),
    ],
)
def test_stored_values_out_of_bounds(value, reason):
    assert reason in (number_problem(value) or "")
    assert reason in (value_problem(value, spec("amount")) or "")


def test_year_bounds_and_the_templates_years():
    t2021 = get_template("gov-info-disclosure-2021")
    t2019 = get_template("gov-info-disclosure-2019")
    assert year_problem(2025, t2021) is None
    assert year_problem(2020, t2019) is None
    assert "不适用于2021年" in (year_problem(2021, t2019) or "")
    assert "不适用于2020年" in (year_problem(2020, t2021) or "")
    assert "不是合理的年度" in (year_problem(1989) or "")
    assert "不是合理的年度" in (year_problem(99999) or "")
    assert year_problem("2025") is not None and year_problem(True) is not None
    assert parse_year("２０２５", t2021) == 2025
    for text, reason in (("20x5", "不是年度"), ("9" * 5000, "不是年度"), ("2019", "不适用于2019年")):
        with pytest.raises(CellInputError, match=reason):
            parse_year(text, t2021)
