"""Where a finding's slip most likely is, as data (model/rules: Finding.spot/span/equation/suspects,
likely_spot; model/history: edited_cells) — what F3 lands on in the app."""

from __future__ import annotations

from tui_report.model.history import CellEdit, Change, History, TextEdit
from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location, check, likely_spot

R1_NATURAL = ["new.natural", "carried_over.natural", "results.total.natural", "carry_forward.natural"]


def only(findings: list[Finding], rule: str, words: str = "") -> Finding:
    (found,) = [f for f in findings if f.rule == rule and words in f.message]
    return found


def cells_of(locations: tuple[Location, ...]) -> list[str | None]:
    return [loc.cell for loc in locations]


def test_r11_quotes_its_number_as_a_span_of_the_text(dama: Report) -> None:
    report = dama.model_copy(deep=True)
    text = "本年度共收到政府信息公开申请 98 件，均已答复。"
    report.texts["overview.on_request"] = text
    finding = only(check(report), "R11", "98")
    assert finding.span is not None
    start, end = finding.span
    assert text[start:end] == "98 件"
    assert finding.spot == Location(text="overview.on_request")
    assert likely_spot(finding) == finding.spot


def test_r12_quotes_the_phrase_that_says_no_fee_notice_was_sent(full: Report) -> None:
    report = full.model_copy(deep=True)
    text = "  本年度未向申请人发出收费通知，也未收取信息处理费。"
    report.texts["other.main"] = text
    finding = only(check(report), "R12")
    assert finding.span is not None
    start, end = finding.span
    assert text[start:end].startswith("未") and "收费通知" in text[start:end]
    assert likely_spot(finding) == Location(text="other.main")


def test_r1_names_its_equation_its_total_and_the_cells_behind_it(full: Report) -> None:
    report = full.model_copy(deep=True)
    report.set_cell("requests", "results.disclosed.natural", 1300)
    finding = only(check(report), "R1", "自然人")
    assert cells_of(finding.equation) == R1_NATURAL
    assert finding.spot == Location("requests", "results.total.natural")  # the column's total
    suspects = cells_of(finding.suspects)
    assert "results.disclosed.natural" in suspects and "new.natural" in suspects
    assert "results.total.natural" not in suspects  # a computed cell holds no slip of its own
    assert all(c is not None and c.endswith(".natural") for c in suspects)
    # No edit to go by: the total; the last edited cell of the column: that cell.
    assert likely_spot(finding) == finding.spot
    recent = [
        ("requests", "new.commercial"),
        ("requests", "results.disclosed.natural"),
        ("requests", "new.natural"),
    ]
    assert likely_spot(finding, recent) == Location("requests", "results.disclosed.natural")
    assert likely_spot(finding, [("appeals", "count.review.upheld")]) == finding.spot


def test_a_stored_total_that_disagrees_names_its_parts(full: Report) -> None:
    report = full.model_copy(deep=True)
    report.set_stored_total("requests", "new.total", 1)  # 表三 一·总计, printed wrong (R3)
    finding = only(check(report), "R3")
    assert finding.spot == Location("requests", "new.total")
    assert cells_of(finding.equation)[0] == "new.total"
    assert "new.natural" in cells_of(finding.equation) and "new.other" in cells_of(finding.equation)
    assert likely_spot(finding, [("requests", "new.research")]) == Location("requests", "new.research")


def test_the_json_of_a_finding_is_unchanged(full: Report) -> None:
    report = full.model_copy(deep=True)
    report.set_cell("requests", "results.disclosed.natural", 1300)
    data = only(check(report), "R1", "自然人").to_json()
    assert set(data) == {"rule", "severity", "message", "locations"}


def test_the_undo_history_knows_the_cells_edited_latest_first(full: Report) -> None:
    history = History(full.model_copy(deep=True))
    history.apply(Change("a", (CellEdit("requests", "new.natural", 3001, 1),)))
    history.apply(Change("b", (TextEdit("problems.main", "", "问题"),)))
    history.apply(
        Change("c", (CellEdit("requests", "new.research", 0, 2), CellEdit("requests", "new.other", 0, 3)))
    )
    history.apply(Change("d", (CellEdit("requests", "new.natural", 1, 5),)))
    assert history.edited_cells() == [
        ("requests", "new.natural"),
        ("requests", "new.other"),
        ("requests", "new.research"),
    ]
    history.undo()  # undone: no longer what was edited last
    assert history.edited_cells()[0] == ("requests", "new.other")
