"""Indicators as data: formulas over cell keys, blanks and division by zero, both formats' files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tui_report.model.indicators import (
    Formula,
    figures_of,
    indicator_values,
    review_spec,
    sum_figures,
    tokenize,
)
from tui_report.model.report import new_report
from tui_report.model.template import TemplateError
from tui_report.storage.reportfile import load_report

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def formula(text: str) -> Formula:
    return Formula(text, tuple(tokenize(text)))


def test_arithmetic_and_blanks() -> None:
    f = formula("(a.b.c + a.b.d) / last:a.b.c - 1")
    assert f.evaluate({"a.b.c": 3, "a.b.d": 1, "last:a.b.c": 2}) == pytest.approx(1.0)
    assert f.evaluate({"a.b.c": 3, "a.b.d": None, "last:a.b.c": 2}) is None  # a blank operand
    assert f.evaluate({"a.b.c": 3, "a.b.d": 1, "last:a.b.c": 0}) is None  # division by zero
    assert formula("a.b.c - a.b.d").evaluate({"a.b.c": Decimal("1.5"), "a.b.d": 2}) == Decimal("-0.5")
    with pytest.raises(ValueError, match="无法识别"):
        tokenize("a.b.c % 2")
    with pytest.raises(ValueError):
        formula("(a.b.c").evaluate({})


def test_a_compiled_formula_evaluates_as_written() -> None:
    # Formulas are compiled once (model/indicators._compiled) and evaluated for every unit.
    f = formula("-a.b.c * 2.5 + (a.b.d - 1) * 100 / a.b.e")
    assert f.evaluate({"a.b.c": 2, "a.b.d": 3, "a.b.e": 4}) == pytest.approx(45.0)
    assert f.evaluate({"a.b.c": 2, "a.b.d": 3, "a.b.e": 4}) == pytest.approx(45.0)  # compiled: same
    assert f.evaluate({"a.b.c": None, "a.b.d": 3, "a.b.e": 4}) is None
    assert formula("1 - a.b.c").evaluate({"a.b.c": 3}) == -2
    assert formula("a.b.c + 0.5").evaluate({"a.b.c": 1}) == Decimal("1.5")
    with pytest.raises(ValueError, match="多余"):
        formula("a.b.c a.b.d").evaluate({"a.b.c": 1, "a.b.d": 2})
    with pytest.raises(ValueError, match="不完整"):
        formula("a.b.c +").evaluate({})


@pytest.mark.parametrize("template", ["gov-info-disclosure-2021", "gov-info-disclosure-2019"])
def test_both_formats_have_the_same_indicators(template: str) -> None:
    spec = review_spec(template)
    assert [i.id for i in spec.indicators] == [
        "received",
        "received_change",
        "received_change_rate",
        "disclosed_share",
        "reviews",
        "lawsuits",
        "corrected_share",
        "normative_issued",
        "normative_in_force",
    ]
    assert [s.sheet for s in spec.summaries] == ["表三汇总", "表二汇总"]
    empty = new_report("某乡", 2020 if template.endswith("2019") else 2024, "township", template)
    values = indicator_values(spec, figures_of(empty, spec.figure_keys), None)
    assert set(values.values()) == {None}


def test_values_on_the_full_example() -> None:
    report = load_report(EXAMPLES / "full-2024.toml")
    spec = review_spec(report.template)
    figures = figures_of(report, spec.figure_keys)
    last = {k: (v * 2 if v is not None else None) for k, v in figures.items()}
    values = indicator_values(spec, figures, last)
    received = report.cell("requests", "new.total")
    assert values["received"] == received
    assert values["received_change"] == -received  # type: ignore[operator]
    assert values["received_change_rate"] == pytest.approx(-0.5)
    assert values["lawsuits"] == report.cell("appeals", "count.direct.total") + report.cell(  # type: ignore[operator]
        "appeals", "count.after_review.total"
    )
    county = indicator_values(spec, sum_figures([figures, figures]), None)
    assert county["disclosed_share"] == pytest.approx(values["disclosed_share"])  # type: ignore[arg-type]
    assert county["received"] == 2 * received  # type: ignore[operator]


def test_a_formula_naming_a_missing_cell_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tui_report.model import indicators, template

    schemas = tmp_path / "schemas"
    shutil.copytree(template.schemas_dir(), schemas)
    spec_file = schemas / "review" / "gov-info-disclosure-2021.toml"
    spec_file.write_text(
        spec_file.read_text(encoding="utf-8").replace("requests.new.total", "requests.new.totl", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(template, "schemas_dir", lambda: schemas)
    indicators.review_spec.cache_clear()
    try:
        with pytest.raises(TemplateError, match=r"requests\.new\.totl"):
            review_spec("gov-info-disclosure-2021")
    finally:
        indicators.review_spec.cache_clear()


def test_above_a_county_units_are_compared_with_last_year_only() -> None:
    """A province-sized year: R15 still finds a unit copying last year, and the other units' texts
    are not even compared (nor normalised)."""
    from tui_report.review.desk import COMPARE_UNITS_UP_TO, Inspection, _add_copied_text

    from .conftest import own_text

    def inspection(unit: str, year: int, text: str) -> Inspection:
        return Inspection(
            f"/x/{unit}-{year}.toml",
            unit=unit,
            level="township",
            year=year,
            template="gov-info-disclosure-2021",
            state="complete",
            texts={"problems.main": text},
        )

    this_year = [inspection(f"单位{i}", 2024, own_text(f"u{i}", 200)) for i in range(COMPARE_UNITS_UP_TO + 1)]
    this_year.append(inspection("抄袭乡", 2024, own_text("same", 200)))
    this_year.append(inspection("抄袭镇", 2024, own_text("same", 200)))  # copies a neighbour: not looked for
    last_year = [inspection("抄袭乡", 2023, own_text("same", 200))]
    result = _add_copied_text(this_year, last_year)
    flagged = {i.unit: i.state for i in result if i.findings}
    assert flagged == {"抄袭乡": "needs_attention"}
