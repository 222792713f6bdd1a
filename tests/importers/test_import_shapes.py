"""Import of reports shaped as real ones are (#21): every paragraph kept and placed by meaning, the
unit found, the level right or noted, WPS tables read without a shifted column — in Word, web and
PDF form each (shapes.py builds them; the PDFs are printed by LibreOffice in one run)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from tui_report.importers import import_report, read_source
from tui_report.model.rules import check

from . import shapes

FORMATS = ("docx", "html", "pdf")
SHAPES = {make().name: make for make in shapes.SHAPES}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    built = [make() for make in shapes.SHAPES]
    paths = {}
    for shape in built:
        paths[(shape.name, "docx")] = shapes.to_docx(shape, folder / f"{shape.name}.docx")
        paths[(shape.name, "html")] = shapes.to_html(shape, folder / f"{shape.name}.html")
    pdf_folder = folder / "pdf"
    pdf_folder.mkdir()
    for shape, path in zip(built, shapes.to_pdfs(built, pdf_folder), strict=True):
        paths[(shape.name, "pdf")] = path
    return paths


def _squeezed(text: str) -> str:
    return "".join(text.split())


CASES = [(name, fmt) for name in SHAPES for fmt in FORMATS]


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_every_paragraph_is_placed_in_its_part(documents, name, fmt):
    shape = SHAPES[name]()
    result = import_report(documents[(name, fmt)])
    texts = {key: _squeezed(text) for key, text in result.report.texts.items()}
    for paragraph in shape.paragraphs:
        found = [key for key, text in texts.items() if _squeezed(paragraph.expected) in text]
        assert found == [paragraph.part], (paragraph.expected[:20], found)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_characters_in_and_out(documents, name, fmt):
    """The body's characters all come out in the parts, and every paragraph of the document is
    accounted for (title, preamble, heading, text, table, page furniture, signature, unplaced)."""
    shape = SHAPES[name]()
    path = documents[(name, fmt)]
    result = import_report(path)
    body_in = sum(len(_squeezed(p.expected)) for p in shape.paragraphs)
    body_out = sum(len(_squeezed(t)) for t in result.report.texts.values())
    assert body_out == body_in
    assert result.accounting.chars["text"] == body_in
    source = read_source(path)
    paragraphs = sum(len(_squeezed(b)) for b in source.blocks if isinstance(b, str))
    paragraphs += sum(len(_squeezed(line)) for line in source.furniture)
    assert result.accounting.total == paragraphs
    assert "unplaced" not in result.accounting.chars


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_unit_and_level_found_or_noted(documents, name, fmt):
    shape = SHAPES[name]()
    result = import_report(documents[(name, fmt)])
    assert result.report.unit == shape.unit
    level_notes = [n for n in result.notes if n.location == "level"]
    assert result.report.level == shape.level
    assert bool(level_notes) == shape.level_noted
    assert result.level_known == (not shape.level_noted)


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_tables_read_exactly(documents, name, fmt):
    shape = SHAPES[name]()
    report = import_report(documents[(name, fmt)]).report
    expected = {table: dict(cells) for table, cells in shape.values.values.items()}
    if shape.wps:  # （六）其他处理 printed as one row: its sum is read into 3.其他
        requests = expected["requests"]
        for col in ("natural", "commercial", "research", "public_interest", "legal_services", "other"):
            requests[f"results.other_handling.other.{col}"] = sum(
                requests.pop(f"results.other_handling.{sub}.{col}", 0)
                for sub in ("no_correction", "fee_unpaid", "other")
            )
    assert report.values == expected
    assert [f for f in check(report) if f.severity == "error"] == []


def test_notes_name_the_part_each_placement_went_to(documents):
    notes = [n.message for n in import_report(documents[("zone-subheaded", "docx")]).notes]
    assert "“（二）主要做法”下的“1.加强组织领导，健全工作机制”归入（五）监督保障情况，请核对。" in notes
    assert (
        "“（二）主要做法”下的“3.创新公开形式，拓展公开范围”归入（四）政府信息公开平台建设情况，请核对。"
        in notes
    )
    bureau = import_report(documents[("bureau-numbered", "pdf")])
    by_location = {n.location: n.message for n in bureau.notes}
    assert (
        by_location["texts.overview.supervision"]
        == "“二、工作机制保障”归入一、总体情况（五）监督保障情况，请核对。"
    )
    assert by_location["texts.problems.main"].startswith(
        "“（一）主要问题”及其后的文字归入“五、存在的主要问题及改进情况”"
    )


def test_a_standard_report_has_no_placement_notes(documents):
    result = import_report(documents[("district-wps", "docx")])
    assert [n.message for n in result.notes if n.location.startswith("texts.")] == []


def test_wps_pdf_with_collapsed_rows_checks_clean(documents):
    """（六）其他处理 as one row and （七）总计 with its label spanning two cells: read by column, not
    "the first 7 of 8 numbers" (商业企业 = 95, 总计 = 0 and R1/R2/R3 errors before)."""
    path = documents[("district-wps", "pdf")]
    report = import_report(path).report
    assert report.cell("requests", "results.total.natural") == shapes.district_wps().values.cell(
        "requests", "results.total.natural"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "tui_report", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0个错误" in checked.stdout


def test_fee_amount_and_numbers_kept_as_printed(documents):
    report = import_report(documents[("county-areas", "pdf")]).report
    assert report.cell("proactive", "fees.amount") == Decimal("96171.6")


class _Cells:
    def __init__(self, cells):
        self.cells = cells


class _Table:
    """What pdfplumber's Table gives the reader: rows of cell boxes (None where merged), a bbox."""

    def __init__(self, rows, bbox):
        self.rows = [_Cells(r) for r in rows]
        self.bbox = bbox


class _Page:
    def __init__(self, words):
        self.words = words

    def extract_words(self, **_kwargs):
        return self.words


def _word(text, x0, top=10):
    return {"text": text, "x0": x0, "x1": x0 + 8, "top": top, "bottom": top + 8}


def test_numbers_in_one_cell_go_to_the_columns_they_stand_under():
    """A row drawn without vertical rules between its values is one cell to the table finder: its
    numbers are given to the columns under which they are printed; one outside them is a note."""
    from tui_report.importers.pdf_reader import _numbers_by_column

    table = _Table(
        [
            [(0, 0, 50, 20), (50, 0, 70, 20), (70, 0, 90, 20), (90, 0, 110, 20)],
            [(0, 20, 50, 40), (50, 20, 110, 40), None, None],
        ],
        (0, 0, 110, 40),
    )
    grid: list[list[str | None]] = [["标签", "甲", "乙", "丙"], ["（七）总计", "95 0 95", None, None]]
    page = _Page([_word("95", 52, 25), _word("0", 72, 25), _word("95", 92, 25), _word("7", 200, 25)])
    notes: list[tuple[list[str | None], str]] = []
    _numbers_by_column(table, grid, page, notes)
    assert grid[1] == ["（七）总计", "95", "0", "95"]
    assert notes == []


def test_a_number_under_no_column_is_a_note_about_its_row():
    """The row's cell reaches past the columns the other rows make (the last one ends at 110): its
    number there is under no column — a note that keeps its row, so that the importer can say
    which table and row and point ``check`` at it."""
    from tui_report.importers.pdf_reader import _numbers_by_column

    table = _Table(
        [
            [(0, 0, 50, 20), (50, 0, 70, 20), (70, 0, 90, 20), (90, 0, 110, 20)],
            [(0, 20, 50, 40), (50, 20, 130, 40), None, None],
        ],
        (0, 0, 110, 40),
    )
    grid: list[list[str | None]] = [["标签", "甲", "乙", "丙"], ["（七） 总计", "95 0 95 7", None, None]]
    words = [_word("95", 52, 25), _word("0", 72, 25), _word("95", 92, 25), _word("7", 114, 25)]
    notes: list[tuple[list[str | None], str]] = []
    _numbers_by_column(table, grid, _Page(words), notes)
    assert grid[1] == ["（七） 总计", "95", "0", "95"]
    assert len(notes) == 1 and notes[0][0] is grid[1]
    assert notes[0][1] == "“（七）总计”一行中的“7”不在任何一列之下，未读入，请核对。"


def test_a_number_wrapped_in_its_cell_under_no_column_is_noted_whole():
    """A narrow cell wraps "319" as "31" above "9" (LibreOffice and WPS do): the note quotes the
    number as printed, "319", not "31 9"; a number beside it under no column is another one."""
    from tui_report.importers.pdf_reader import _numbers_by_column

    table = _Table(
        [
            [(0, 0, 50, 20), (50, 0, 70, 20), (70, 0, 90, 20), (90, 0, 110, 20)],
            [(0, 20, 50, 50), (50, 20, 140, 50), None, None],
        ],
        (0, 0, 110, 50),
    )
    grid: list[list[str | None]] = [["标签", "甲", "乙", "丙"], ["（七）总计", "95 0 95 31 9 8", None, None]]
    words = [_word("95", 52, 25), _word("0", 72, 25), _word("95", 92, 25)]
    words += [_word("31", 114, 25), _word("8", 126, 25), _word("9", 114, 36)]
    notes: list[tuple[list[str | None], str]] = []
    _numbers_by_column(table, grid, _Page(words), notes)
    assert grid[1] == ["（七）总计", "95", "0", "95"]
    assert [message for _, message in notes] == [
        "“（七）总计”一行中的“319 8”不在任何一列之下，未读入，请核对。"
    ]


def test_a_row_cut_by_a_page_break_keeps_the_note_about_its_numbers():
    """The label on one page ("（七）总"), the rest with the numbers on the next ("计", 95, 0): one
    row again, and it is the row the reader's note about its numbers was kept with, so that the note
    is still located at the row."""
    from tui_report.importers.pdf_reader import _continue_table

    header: list[str | None] = ["标签", "甲", "乙"]
    label_half: list[str | None] = ["（七）总", "", ""]
    numbers_half: list[str | None] = ["计", "95", "0"]
    before = [header, label_half]
    assert _continue_table(before, [numbers_half, ["（八）其他", "1", "2"]])
    assert before[1] is numbers_half and numbers_half == ["（七）总计", "95", "0"]
    assert [row[0] for row in before] == ["标签", "（七）总计", "（八）其他"]


def test_a_labels_last_characters_alone_on_the_next_page_end_it():
    """Only "供" on the new page (no numbers, another width): it ends the label it was cut from, and
    no row is added (#21 item 3: a row split across a page break is one row)."""
    from tui_report.importers.pdf_reader import _continue_table

    before: list[list[str | None]] = [["标签", "甲", "乙"], ["（四）无法提", "3", "0"]]
    assert _continue_table(before, [["供"]])
    assert before == [["标签", "甲", "乙"], ["（四）无法提供", "3", "0"]]
    numbers_on_the_new_page: list[list[str | None]] = [["（五）其他", "1"]]
    assert not _continue_table(before, numbers_on_the_new_page)  # another table: not joined


def test_a_reader_note_about_a_row_names_its_table_and_points_at_it():
    """build_report places the noted row and locates the note at the row it was read into."""
    from pathlib import Path

    from tui_report.importers.build import build_report
    from tui_report.importers.source import RowNote, SourceDocument

    report = shapes.district_wps().values
    table = report.tpl.table("requests")
    grid: list[list[str | None]] = [
        [*table.rows[0].labels[-1:], *["1"] * len(table.cols_of(table.rows[0]))],
        [*table.rows[1].labels[-1:], *["2"] * len(table.cols_of(table.rows[1]))],
        ["（九）印错的一行", "3", "4"],  # no row of the format: the note points at its table
    ]
    message = f"“{table.rows[1].labels[-1]}”一行中的“7”不在任何一列之下，未读入，请核对。"
    stray = "“（九）印错的一行”一行中的“5”不在任何一列之下，未读入，请核对。"
    source = SourceDocument(
        blocks=["某某县人民政府2024年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", grid],
        row_notes=[RowNote(0, 1, message), RowNote(0, 2, stray)],
    )
    notes = build_report(source, Path("x.pdf")).notes
    noted = [n for n in notes if "不在任何一列之下" in n.message]
    assert [(n.message, n.location) for n in noted] == [
        (
            f"表“{table.title}”中{message}",
            f"tables.requests.{table.rows[1].id}.{table.cols_of(table.rows[1])[0].id}",
        ),
        (f"表“{table.title}”中{stray}", "tables.requests"),
    ]
    assert SourceDocument.from_json(source.to_json()).row_notes == source.row_notes  # from the reader's child


def test_check_on_a_pdf_shows_a_number_under_no_column_at_its_row(documents, monkeypatch, capsys):
    """End to end on the district's WPS-like PDF (its 一、本年新收 row printed without vertical rules):
    with the last column's range cut short — geometry the reader cannot place — the total printed
    there is under no column; ``check`` lists the note at that row of 表三, naming table and row."""
    import json

    from tui_report.cli import main
    from tui_report.importers import pdf_reader

    ranges = pdf_reader._column_ranges

    def cut_last(table):  # type: ignore[no-untyped-def]
        found = ranges(table)
        return [*found[:-1], (found[-1][0], found[-1][0] + 1)]

    monkeypatch.setattr(pdf_reader, "_column_ranges", cut_last)  # the reader's child is forked
    main(["check", "--json", str(documents[("district-wps", "pdf")])])
    findings = json.loads(capsys.readouterr().out)["findings"]
    noted = [f for f in findings if f["rule"] == "IMPORT" and "不在任何一列之下" in f["message"]]
    where = {f["message"].split("”一行中")[0].split("中“")[-1]: f["locations"] for f in noted}
    assert where == {
        "一、本年新收政府信息公开申请数量": ["tables.requests.new.natural"],
        "（一）予以公开": ["tables.requests.results.disclosed.natural"],
        "（七）总计": ["tables.requests.results.total.natural"],
    }, noted
    assert len(noted) == 3  # one note a row, naming the table
    assert all(f["message"].startswith("导入：表“收到和处理政府信息公开申请情况”中“") for f in noted), noted


def test_published_pdf_every_paragraph_accounted_for():
    """The WPS-made 淮安市 PDF: every paragraph of it is title, preamble, heading, text, table or page
    furniture — none unplaced — and the six page numbers are the furniture."""
    from .helpers import PUBLISHED_PDF

    result = import_report(PUBLISHED_PDF)
    source = read_source(PUBLISHED_PDF)
    paragraphs = sum(len(_squeezed(b)) for b in source.blocks if isinstance(b, str))
    assert result.accounting.total == paragraphs + sum(len(_squeezed(x)) for x in source.furniture)
    assert "unplaced" not in result.accounting.chars
    assert sorted(_squeezed(x) for x in source.furniture) == [f"-{n}-" for n in range(1, 7)]
    assert result.accounting.chars["text"] == sum(len(_squeezed(t)) for t in result.report.texts.values())


@pytest.mark.parametrize(("printed", "zeros"), [("0", True), ("2", False)])
def test_a_collapsed_group_of_zeros_makes_every_sub_row_zero(printed, zeros):
    """#21 item 3: "（六）其他处理" printed as one row without its three sub-rows — all zeros make
    each sub-row 0 (the format allows nothing else), with no note; other numbers go to "3.其他"
    with a note."""
    from tui_report.importers.tables import place_rows, rows_of
    from tui_report.model.template import get_template

    template = get_template("gov-info-disclosure-2021")
    width = len(template.table("requests").cols_of(template.table("requests").rows[0]))
    grid: list[list[str | None]] = [
        ["三、本年度办理结果", "（一）予以公开", *["1"] * width],
        ["三、本年度办理结果", "（六）其他处理", *[printed] * width],
    ]
    placement = place_rows(template, rows_of([grid]))
    cells = placement.values["requests"]
    subs = ("no_correction", "fee_unpaid", "other")
    collapsed = [n.message for n in placement.notes if "只印了一行" in n.message]
    if zeros:
        assert all(cells[f"results.other_handling.{s}.natural"] == 0 for s in subs)
        assert collapsed == []
    else:
        assert cells["results.other_handling.other.natural"] == 2
        assert not any(f"results.other_handling.{s}.natural" in cells for s in subs[:2])
        assert collapsed == ["“（六）其他处理”只印了一行、没有分项，已全部计入“3.其他”，请核对。"]
