"""A small .xlsx writer for the summary workbook: values only, written as text in one pass.

Every text cell goes through :func:`cell_xml` (whole numbers may skip it), and it knows two kinds of cell: a number, and a string
(an inline string, ``t="inlineStr"``). There is no formula cell at all, so nothing from a report, a
roster or a file name can become one (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``); a string that a
spreadsheet program would take for a formula when typed in (``= + - @``) gets the "text" mark
(``quotePrefix``, Excel's leading apostrophe) so that editing the cell keeps it text. Control
characters are removed (:func:`tui_report.host.terminal.strip_controls`; XML cannot hold them).

Why not openpyxl for writing: it builds an object per cell (~15 µs each), so the workbook of
20,000 units (about 950,000 cells) took 15 s of CPU; the XML written directly takes about one.
Reading the result back (tests) is openpyxl's job.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from tui_report.host.terminal import strip_controls

MAX_CELL_CHARS = 32767  # what a spreadsheet cell holds
MAX_SHEET_TITLE = 31
# A text starting with one of these is a formula to a spreadsheet program when typed in.
FORMULA_LEADS = ("=", "+", "-", "@")

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Style:
    """How a cell looks (the sheet's cell formats are made from the styles used)."""

    bold: bool = False
    italic: bool = False
    color: str = ""  # RGB, e.g. "666666"
    wrap: bool = False
    vertical: str = ""  # "center" | "top"
    number_format: str = ""  # e.g. "0.0%"


PLAIN = Style()


def _letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    return _LETTERS[index] if index < len(_LETTERS) else _letters(index)


_LETTERS = [_letters(i) for i in range(703)]  # A … ZZ


def cell_text(value: str) -> str:
    """What a string cell holds: control characters removed (with them U+FFFE and U+FFFF, which
    XML forbids too)."""
    return strip_controls(value)[:MAX_CELL_CHARS]


def cell_xml(ref: str, value: object, style_of: StyleIds, style: Style) -> str:
    """One cell's XML: a number as a number, anything else as an inline string (never a formula).
    Every text cell is written here."""
    if value is None:
        return "" if style is PLAIN else f'<c r="{ref}" s="{style_of(style, False)}"/>'
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number: int | float = value if isinstance(value, int) else float(value)
        if isinstance(number, float) and not math.isfinite(number):
            return ""
        return f'<c r="{ref}" s="{style_of(style, False)}"><v>{number!r}</v></c>'
    text = cell_text(value if isinstance(value, str) else str(value))
    return (
        f'<c r="{ref}" s="{style_of(style, text.startswith(FORMULA_LEADS))}" t="inlineStr">'
        f'<is><t xml:space="preserve">{escape(text)}</t></is></c>'
    )


class StyleIds:
    """The workbook's cell formats (``cellXfs``): one per (style, text mark) used, 0 = plain."""

    def __init__(self) -> None:
        self._ids: dict[tuple[Style, bool], int] = {(PLAIN, False): 0}

    def __call__(self, style: Style, quote: bool) -> int:
        if style is PLAIN and not quote:
            return 0
        key = (style, quote)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._ids)
        return found

    def styles_xml(self) -> str:
        fonts: dict[tuple[bool, bool, str], int] = {(False, False, ""): 0}
        formats: dict[str, int] = {}
        xfs: list[str] = []
        for style, quote in sorted(self._ids, key=self._ids.__getitem__):
            font = fonts.setdefault((style.bold, style.italic, style.color), len(fonts))
            fmt = formats.setdefault(style.number_format, 164 + len(formats)) if style.number_format else 0
            align = ""
            if style.wrap or style.vertical:
                wrap = ' wrapText="1"' if style.wrap else ""
                vertical = f' vertical="{style.vertical}"' if style.vertical else ""
                align = f"<alignment{wrap}{vertical}/>"
            flags = "".join(
                f' {name}="1"'
                for name, on in (
                    ("applyNumberFormat", fmt),
                    ("applyFont", font),
                    ("applyAlignment", align),
                    ("quotePrefix", quote),
                )
                if on
            )
            xfs.append(
                f'<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{flags}'
                + (f">{align}</xf>" if align else "/>")
            )
        font_xml = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + ("<i/>" if italic else "")
            + '<sz val="11"/>'
            + (f'<color rgb="FF{color}"/>' if color else "")
            + '<name val="Calibri"/><family val="2"/></font>'
            for bold, italic, color in fonts
        )
        fmt_xml = "".join(
            f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(code)}/>"
            for code, i in formats.items()
        )
        return (
            f'{_XML_HEAD}<styleSheet xmlns="{_NS}">'
            f'<numFmts count="{len(formats)}">{fmt_xml}</numFmts>'
            f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class Sheet:
    """A worksheet written row by row; widths and the frozen corner are set any time before saving."""

    def __init__(self, title: str, style_of: StyleIds) -> None:
        self.title = cell_text(title)[:MAX_SHEET_TITLE]
        self._style_of = style_of
        self._rows: list[str] = []
        self.widths: list[float] = []
        self.freeze = ""  # the first cell not frozen, e.g. "B2"; "" = nothing frozen
        self.max_column = 0

    def append(self, values: Sequence[object], styles: Sequence[Style] | Style = PLAIN) -> int:
        """Write the next row; ``styles`` per cell or one for all. Returns the row's number."""
        number = len(self._rows) + 1
        style_of = self._style_of
        if len(values) >= len(_LETTERS):
            raise ValueError(f"too many columns: {len(values)}")
        if isinstance(styles, Style):
            # Whole numbers, most of a workbook, written here directly; all else by cell_xml.
            attr = f' s="{style_of(styles, False)}"' if styles is not PLAIN else ""
            cells = [
                f'<c r="{_LETTERS[i]}{number}"{attr}><v>{value}</v></c>'
                if type(value) is int
                else cell_xml(f"{_LETTERS[i]}{number}", value, style_of, styles)
                for i, value in enumerate(values, start=1)
            ]
        else:
            cells = [
                cell_xml(f"{_LETTERS[i]}{number}", value, style_of, style)
                for i, (value, style) in enumerate(zip(values, styles, strict=True), start=1)
            ]
        self.max_column = max(self.max_column, len(values))
        self._rows.append(f'<row r="{number}">{"".join(cells)}</row>')
        return number

    def xml(self) -> str:
        view = '<sheetView workbookViewId="0"'
        if self.freeze:
            view += f">{_pane(self.freeze)}</sheetView>"
        else:
            view += "/>"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
            for i, w in enumerate(self.widths, start=1)
        )
        return (
            f'{_XML_HEAD}<worksheet xmlns="{_NS}"><sheetViews>{view}</sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f"<sheetData>{''.join(self._rows)}</sheetData></worksheet>"
        )


def _pane(corner: str) -> str:
    letters = corner.rstrip("0123456789")
    row = int(corner[len(letters) :])
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    x, y = column - 1, row - 1
    active = {(True, True): "bottomRight", (False, True): "bottomLeft", (True, False): "topRight"}.get(
        (x > 0, y > 0), "bottomRight"
    )
    split = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    return (
        f'<pane{split} topLeftCell="{corner}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{corner}" sqref="{corner}"/>'
    )


class Workbook:
    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self._style_of = StyleIds()

    def add_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title, self._style_of)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            package.writestr("[Content_Types].xml", self._content_types())
            package.writestr(
                "_rels/.rels",
                f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>",
            )
            package.writestr("xl/workbook.xml", self._workbook_xml())
            package.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            for number, sheet in enumerate(self.sheets, start=1):
                package.writestr(f"xl/worksheets/sheet{number}.xml", sheet.xml())
            package.writestr("xl/styles.xml", self._style_of.styles_xml())
        return buffer.getvalue()

    def _content_types(self) -> str:
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        )

    def _workbook_xml(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(s.title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, s in enumerate(self.sheets, start=1)
        )
        return (
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"
        )

    def _workbook_rels(self) -> str:
        rels = [
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self.sheets) + 1)
        ]
        rels.append(
            f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        )
        return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{"".join(rels)}</Relationships>'
