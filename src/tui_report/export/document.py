"""The printed report as a neutral list of blocks, shared by the Word and the HTML export.

Everything that decides *what* is printed lives here: the title split, the preamble, the part
headings and run-in sub-headings, the operator's paragraphs, "无" for an empty part 六, and each
table as the merged cells of :func:`tui_report.model.layout.print_grid` with the values filled in. The
writers only decide *how* it looks. Nothing here imports python-docx.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from tui_report.export.fonts import FontSet, latin_widths
from tui_report.export.widths import break_lines, em_width, fit_tables, mm_per_em, shrunk_labels
from tui_report.model.layout import PrintGrid, Span, print_grid
from tui_report.model.report import Report, SubheadingStyle, format_value
from tui_report.model.template import Template, TextPart

# ----------------------------------------------------------------------------- print geometry
# GB/T 9704-2012: A4, type area 156 × 225 mm, 22 lines × 28 characters of 3号 (16 pt).
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
LINE_PITCH_PT = 28.95  # 225 mm / 22 lines
TYPE_AREA_HEIGHT_PT = (PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * 72 / 25.4
TITLE_PT = 22.0  # 2号
BODY_PT = 16.0  # 3号
PAGE_NUMBER_PT = 14.0  # 4号
# 五号, then 小五 when a table does not fit in 五号; 六号 and 小六 only for extreme numbers (five digits in
# every cell of 表四 drawn in a wide fallback font such as DejaVu Serif).
TABLE_PT_CHOICES = (10.5, 9.0, 7.5, 6.5)
TABLE_CELL_PADDING_MM = 0.5  # left and right, each
# Least row height, in lines of the table's font size: rows as airy as a printed form's.
ROW_HEIGHT_LINES = 2.0
# A table line's height in ems of its font, single spacing: LibreOffice sets Noto Serif CJK's lines
# 1.465 em apart (measured on rows of two lines of 五号 and 小五), the tallest of the fonts that draw
# tables; SimSun's are closer. Used only to tell whether a table fits on one page, with a border
# counted on every row as well, so that the estimate errs tall: a table it calls fitting fits.
TABLE_LINE_EM = 1.47
TABLE_BORDER_PT = 0.5
TITLE_MAX_EM = TEXT_WIDTH_MM / (TITLE_PT * 25.4 / 72)  # about 20 characters of 2号 on a line
SENTENCE_ENDS = "。！？；.!?;"
# A run-in sub-heading is closed with a full stop before the text, as published run-ins are
# ("（一）主动公开情况。按照…"); a sub-heading on its own line gets nothing added.
RUN_IN_SEPARATOR = "。"
DRAFT_MARK = "草稿"
# An operator's line that is itself a level-2 heading, "（一）存在的主要问题": printed in 楷体 like the
# template's own （一） headings. Short, and not a sentence.
OPERATOR_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。；;]{1,30}$")
# A phone or fax number printed whole: "0517-80000000" never breaks after its hyphen.
PHONE_NUMBER = re.compile(r"(?<!\d)(\d{3,4})-(\d{7,8})(?!\d)")
# A web or e-mail address in the text. A renderer breaks such a "word" only at a few places ("/"),
# or not at all, so a long one moves to the next line and the justified line before it is spread
# across the width ("淮 安 市 洪 泽 区 … （http://www.hongze.gov.cn/"). The writers let it break
# between any two of its characters instead. Parentheses, commas and semicolons end it (operators
# write "(www.example.gov.cn)," with half-width marks), and so does a closing full stop.
WEB_ADDRESS = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[A-Za-z0-9._~:/?#@!$&'*+=%\[\]-]*[A-Za-z0-9/#=_~%&-]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
# Invisible, and a line may break after it (UAX #14 class ZW); Word, WPS and LibreOffice honour it,
# and nothing of it reaches a PDF's text layer.
ZERO_WIDTH_SPACE = "\u200b"
# A group of table rows up to this long is kept on one page; a longer one (三、本年度办理结果, 22 rows)
# keeps its first rows together, enough to hold its label.
MAX_KEPT_GROUP_ROWS = 8
LABEL_KEPT_ROWS = 4
# Characters whose width in a table depends on the Latin font that draws them.
MEASURED_CHARS = "0123456789.-+%"


# ----------------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Heading:
    """A part heading such as ``一、总体情况`` (黑体)."""

    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph; ``lead`` is a sub-heading (楷体) printed before the text, or alone on its
    line (``text`` empty): such a line stays on the page of the paragraph after it."""

    text: str
    lead: str = ""

    @property
    def keep_with_next(self) -> bool:
        return bool(self.lead) and not self.text

    @property
    def full_text(self) -> str:
        return self.lead + self.text


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    grid: PrintGrid
    # The grid's spans with every value cell's text filled in, in grid order.
    cells: tuple[Span, ...]
    widths_mm: tuple[float, ...]
    font_pt: float
    # Label columns where some one-row label wraps: their one-row labels are set flush left, so that
    # a column of long labels reads as a list. Everything else is centred.
    left_columns: frozenset[int]
    # Labels set smaller than ``font_pt`` so as not to end on a single character, by (row, column).
    label_pt: Mapping[tuple[int, int], float] = field(default_factory=dict)
    # Whether the whole table, with the heading above it, fits on one page: then it is never broken.
    fits_on_page: bool = False

    @property
    def header_rows(self) -> int:
        return self.grid.header_rows

    @property
    def block_starts(self) -> tuple[int, ...]:
        """First printed row of each stacked block (表二 has four, each opening with its caption)."""
        starts = sorted({s.row for s in self.cells if s.role == "caption"} | {0})
        return tuple(starts)

    @property
    def repeats_header(self) -> bool:
        """Whether the header rows describe every row and so repeat on each page. A table of stacked
        blocks has a header per block: repeating the first block's over another would mislead."""
        return self.header_rows > 0 and len(self.block_starts) == 1

    def keeps_with_next(self, row: int) -> bool:
        """Whether a row stays on the page of the next one: every row but the last of a table that
        fits on one page (表二, 表四: moved whole to the next page rather than broken); else a whole
        block of a stacked table, the header rows with the first data row, and the rows of a group
        such as （三）不予公开 with each other (a group too long for a page keeps enough rows together
        to hold its label)."""
        if self.fits_on_page:
            return row + 1 < self.grid.n_rows
        if len(self.block_starts) > 1:
            return row + 1 < self.grid.n_rows and row + 1 not in self.block_starts
        if row < self.header_rows:
            return True
        for span in self.cells:
            if span.role != "row_header" or not span.row <= row < span.last_row:
                continue
            if span.rowspan <= MAX_KEPT_GROUP_ROWS or row - span.row < LABEL_KEPT_ROWS:
                return True
        return False

    def size_of(self, span: Span) -> float:
        """The font size a cell is printed in."""
        return self.label_pt.get((span.row, span.col), self.font_pt)

    def align(self, span: Span) -> str:
        if span.role == "row_header" and span.rowspan == 1 and span.col in self.left_columns:
            return "left"
        return "center"


Block = Heading | Paragraph | Table


@dataclass(frozen=True, slots=True)
class ReportDocument:
    title_lines: tuple[str, ...]
    blocks: tuple[Block, ...]
    draft: bool = False


# ----------------------------------------------------------------------------- building


def breakable_addresses(text: str) -> str:
    """``text`` with a zero-width space between every two characters of each web or e-mail address,
    so that a justified line before it is filled, not spread."""
    return WEB_ADDRESS.sub(lambda m: ZERO_WIDTH_SPACE.join(m.group(0)), text)


def split_paragraphs(text: str) -> list[str]:
    """The operator's paragraphs: one per line, surrounding spaces (also full-width) dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def title_lines(report: Report) -> tuple[str, ...]:
    """One line when the title fits the type area, else unit name / year + report name."""
    title = report.title
    second = report.tpl.title_second_line
    if em_width(title) <= TITLE_MAX_EM or not second:
        return (title,)
    second_line = second.format(unit=report.unit, year=report.year)
    if not title.endswith(second_line) or title == second_line:
        return (title,)
    return (title[: -len(second_line)], second_line)


def preamble_paragraphs(report: Report, template: Template) -> list[Paragraph]:
    """Sentences (basis, period, where published) as one paragraph; short fields such as the
    contact address, post code and phone as ``标签：值`` in a second one."""
    sentences: list[str] = []
    fields: list[str] = []
    for item in template.preamble:
        value = " ".join(split_paragraphs(report.preamble.get(item.key, "")))
        if not value:
            continue
        if value[-1] in SENTENCE_ENDS:
            sentences.append(value)
        else:
            fields.append(f"{item.label}：{value}")
    out: list[Paragraph] = []
    if sentences:
        out.append(Paragraph("".join(sentences)))
    if fields:
        out.append(Paragraph("；".join(fields) + "。"))
    return out


def text_part_paragraphs(
    part: TextPart, text: str, subheadings: SubheadingStyle = "own-line"
) -> list[Paragraph]:
    paragraphs = split_paragraphs(text)
    if not paragraphs and part.empty_prints:
        paragraphs = [part.empty_prints]
    body = [Paragraph("", p) if OPERATOR_SUBHEADING.match(p) else Paragraph(p) for p in paragraphs]
    if part.heading is None:
        return body
    lead = part.heading
    if subheadings == "own-line" or not paragraphs or not body[0].text:
        return [Paragraph("", lead), *body]
    if lead[-1] not in SENTENCE_ENDS:
        lead += RUN_IN_SEPARATOR
    return [Paragraph(paragraphs[0], lead), *body[1:]]


def table_cells(report: Report, table_key: str) -> tuple[PrintGrid, tuple[Span, ...]]:
    grid = print_grid(report.tpl.table(table_key))
    values = report.table_values(table_key)
    cells = tuple(
        replace(span, text=format_value(values.get(span.cell_id)))
        if span.role == "value" and span.cell_id is not None
        else span
        for span in grid.spans
    )
    return grid, cells


def build_table(
    key: str,
    grid: PrintGrid,
    cells: tuple[Span, ...],
    font_pt: float,
    widths: tuple[float, ...],
    latin: Mapping[str, float] | None = None,
) -> Table:
    smaller = [size for size in TABLE_PT_CHOICES if size < font_pt]
    label_pt = shrunk_labels(cells, widths, font_pt, smaller, TABLE_CELL_PADDING_MM, latin)
    table = Table(key, grid, cells, widths, font_pt, frozenset(), label_pt)
    return replace(
        table,
        left_columns=_wrapping_label_columns(table),
        fits_on_page=table_height_pt(table, latin) <= TYPE_AREA_HEIGHT_PT - LINE_PITCH_PT,
    )


def _room_em(table: Table, span: Span) -> float:
    room_mm = sum(table.widths_mm[span.col : span.last_col + 1]) - 2 * TABLE_CELL_PADDING_MM
    return room_mm / mm_per_em(table.size_of(span))


def _wrapping_label_columns(table: Table) -> frozenset[int]:
    return frozenset(
        span.col
        for span in table.cells
        if span.role == "row_header" and span.rowspan == 1 and em_width(span.text) > _room_em(table, span)
    )


def table_height_pt(table: Table, latin: Mapping[str, float] | None = None) -> float:
    """About how tall a table prints: each row as tall as its least height or its most wrapped
    cell, a label spanning rows stretching the last of them when it needs more. Errs tall."""
    heights = [table.font_pt * ROW_HEIGHT_LINES + TABLE_BORDER_PT] * table.grid.n_rows
    for span in table.cells:
        lines = len(break_lines(span.text, _room_em(table, span), latin)) if span.text.strip() else 0
        need = lines * table.size_of(span) * TABLE_LINE_EM + TABLE_BORDER_PT
        have = sum(heights[span.row : span.last_row + 1])
        if need > have:
            heights[span.last_row] += need - have
    return sum(heights) + TABLE_BORDER_PT


def build_document(
    report: Report,
    draft: bool = False,
    fonts: FontSet | None = None,
    subheadings: SubheadingStyle | None = None,
) -> ReportDocument:
    """The printed report. Table columns are sized with the Latin font that will really draw the
    digits (``fonts``' first installed Latin font); all tables share one font size."""
    template = report.tpl
    style = subheadings or report.export.subheadings
    latin = latin_widths(fonts or FontSet(), MEASURED_CHARS)
    tables = {key: table_cells(report, key) for section in template.sections for key in section.tables}
    font_pt, all_widths = fit_tables(
        list(tables.values()), TABLE_PT_CHOICES, TEXT_WIDTH_MM, TABLE_CELL_PADDING_MM, latin
    )
    widths = dict(zip(tables, all_widths, strict=True))
    blocks: list[Block] = [*preamble_paragraphs(report, template)]
    for section in template.sections:
        blocks.append(Heading(section.heading))
        for part in section.texts:
            text = report.texts.get(f"{section.key}.{part.key}", "")
            blocks.extend(text_part_paragraphs(part, text, style))
        blocks.extend(build_table(key, *tables[key], font_pt, widths[key], latin) for key in section.tables)
    return ReportDocument(title_lines(report), tuple(blocks), draft)
