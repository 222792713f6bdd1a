"""The report as a Word document in the 公文 format (GB/T 9704-2012). The only module, with the
test helpers, that imports python-docx.

python-docx has no API for East Asian fonts, fields, repeated header rows or unsplittable rows,
so styles, tables and the page-number footers are written as WordprocessingML here, in schema
order (out-of-order elements make Word report "unreadable content").
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from tui_report.export.document import (
    BODY_PT,
    DRAFT_MARK,
    LINE_PITCH_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER_PT,
    PAGE_WIDTH_MM,
    PHONE_NUMBER,
    ROW_HEIGHT_LINES,
    TABLE_CELL_PADDING_MM,
    TITLE_PT,
    Heading,
    Paragraph,
    ReportDocument,
    Table,
    breakable_addresses,
)
from tui_report.export.fonts import FontSet
from tui_report.model.layout import Span

# Style ids; the names shown in Word are the same with spaces.
STYLE_TITLE = "ReportTitle"
STYLE_HEADING = "ReportHeading1"
STYLE_BODY = "ReportBody"
STYLE_LEAD = "ReportLead"  # character style of a run-in （一） heading
STYLE_TABLE = "ReportTable"
STYLE_PAGE_NUMBER = "ReportPageNumber"
STYLE_DRAFT = "ReportDraftMark"
MAX_PROPERTY_CHARS = 255  # a core property (title, author) of a .docx

# Distance from the page edge to the footer's bottom: puts the dashes of "— 1 —" about 7 mm below the
# type area (GB/T 9704 §7.5), checked on the rendered PDF.
FOOTER_DISTANCE_MM = 25.0
HEADER_DISTANCE_MM = 18.0
BORDER_EIGHTHS_PT = 4  # 0.5 pt grid lines
SPACE_AFTER_TABLE_PT = 8.0
WORD_TO_HALF_POINTS = 2
# GB/T 9704: 28 characters of 3号 on a 156 mm line. 28 × 16 pt is 448 pt, more than the 442.2 pt
# line, so body characters are set 0.25 pt closer (in twentieths of a point): 28 × 15.75 pt fit.
GRID_CHAR_SPACING_TWIPS = -5
# Chinese line breaking: the forbidden-character rules on (no line starts with "，" or ends with
# "（"), no punctuation hanging past the right margin, no extra space between Chinese and digits
# (it would break the 28-character grid).
CJK_BREAKING = (
    '<w:kinsoku w:val="1"/><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
)


# docProps/app.xml: the application that made the file, and nothing else of the template's.
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>tui-report</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
)


def twips(points: float) -> int:
    return round(points * 20)


def mm_to_twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def _fonts_xml(east_asia: str, latin: str) -> str:
    """``w:rFonts`` naming the East Asian font explicitly; no theme attributes, which would win."""
    return (
        f"<w:rFonts w:ascii={quoteattr(latin)} w:hAnsi={quoteattr(latin)} w:cs={quoteattr(latin)}"
        f' w:eastAsia={quoteattr(east_asia)} w:hint="eastAsia"/>'
    )


def _rpr_xml(east_asia: str, latin: str, size_pt: float, bold: bool = False, grid: bool = False) -> str:
    half_points = round(size_pt * WORD_TO_HALF_POINTS)
    return (
        "<w:rPr>"
        + _fonts_xml(east_asia, latin)
        + ("<w:b/><w:bCs/>" if bold else "")
        + '<w:color w:val="000000"/>'
        + (f'<w:spacing w:val="{GRID_CHAR_SPACING_TWIPS}"/>' if grid else "")
        + f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        + "</w:rPr>"
    )


def _spacing_xml(line_pt: float | None) -> str:
    if line_pt is None:
        return '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    return f'<w:spacing w:before="0" w:after="0" w:line="{twips(line_pt)}" w:lineRule="exact"/>'


def _paragraph_style_xml(
    style_id: str,
    *,
    east_asia: str,
    latin: str,
    size_pt: float,
    line_pt: float | None,
    align: str,
    first_line_chars: int = 0,
    keep_next: bool = False,
    outline_level: int | None = None,
    bold: bool = False,
    snap_to_grid: bool = True,
    grid: bool = False,
) -> str:
    ppr = "<w:pPr>"
    if keep_next:
        ppr += "<w:keepNext/>"
    ppr += CJK_BREAKING
    if not snap_to_grid:
        ppr += '<w:snapToGrid w:val="0"/>'
    ppr += _spacing_xml(line_pt)
    if first_line_chars:
        ppr += (
            f'<w:ind w:firstLineChars="{first_line_chars * 100}"'
            f' w:firstLine="{twips(size_pt * first_line_chars)}"/>'
        )
    else:
        ppr += '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    ppr += f'<w:jc w:val="{align}"/>'
    if outline_level is not None:
        ppr += f'<w:outlineLvl w:val="{outline_level}"/>'
    ppr += "</w:pPr>"
    name = "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(style_id))
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        + ppr
        + _rpr_xml(east_asia, latin, size_pt, bold, grid)
        + "</w:style>"
    )


def _character_style_xml(style_id: str, east_asia: str, latin: str, size_pt: float) -> str:
    name = "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(style_id))
    return (
        f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:qFormat/>'
        + _rpr_xml(east_asia, latin, size_pt, grid=True)
        + "</w:style>"
    )


def _size_rpr(table: Table, span: Span) -> str:
    """A label set smaller than its table so as not to end on a single character."""
    size = table.size_of(span)
    if size == table.font_pt:
        return ""
    half_points = round(size * WORD_TO_HALF_POINTS)
    return f'<w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'


def _table_style_id(size_pt: float) -> str:
    return f"{STYLE_TABLE}{round(size_pt * 10)}"


class _Writer:
    def __init__(self, fonts: FontSet, for_libreoffice: bool = False) -> None:
        self.fonts = fonts
        self.no_break_hyphen = LIBREOFFICE_NO_BREAK_HYPHEN if for_libreoffice else WORD_NO_BREAK_HYPHEN
        self.doc: Any = Document()
        self.body: Any = self.doc.element.body
        self._table_styles: set[float] = set()

    # ------------------------------------------------------------------ document setup
    def setup(self, title: str, author: str) -> None:
        section = self.doc.sections[0]
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGIN_TOP_MM)
        section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(HEADER_DISTANCE_MM)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.gutter = Mm(0)
        self.doc.settings.odd_and_even_pages_header_footer = True
        settings = self.doc.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        self._styles()
        self._font_table()
        self._drop_template_leftovers()
        props = self.doc.core_properties
        # The .docx format holds at most 255 characters in a property (python-docx refuses more).
        props.title = title[:MAX_PROPERTY_CHARS]
        props.subject = ""
        props.keywords = ""
        props.category = ""
        props.author = author[:MAX_PROPERTY_CHARS]
        props.last_modified_by = author[:MAX_PROPERTY_CHARS]
        props.comments = ""
        props.revision = 1
        now = datetime.now(timezone.utc).replace(microsecond=0)
        props.created = now
        props.modified = now

    def _drop_template_leftovers(self) -> None:
        """python-docx starts from a Word 2010 Mac template: its thumbnail, app.xml ("Microsoft
        Macintosh Word"), theme (ＭＳ 明朝), bibliography custom XML, Word 2010's copy of the styles and
        revision ids would travel in every report. Parts no relationship reaches are not saved."""
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del package.rels[rid]
            elif rel.reltype.endswith("/extended-properties"):
                rel.target_part._blob = APP_XML.encode("utf-8")
        for rid, rel in list(self.doc.part.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "theme", "customXml"):
                self.doc.part.drop_rel(rid)
        settings = self.doc.settings.element
        for tag in ("w:rsids", "w:savePreviewPicture", "w:attachedTemplate", "w:proofState", "m:mathPr"):
            for element in settings.findall(qn(tag)):
                settings.remove(element)
        for element in list(self.doc.styles.element.iter(qn("w:rsid"))):
            element.getparent().remove(element)

    def _styles(self) -> None:
        fonts = self.fonts
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        defaults.getparent().replace(
            defaults,
            parse_xml(
                f"<w:docDefaults {nsdecls('w')}><w:rPrDefault>"
                + _rpr_xml(fonts.body, fonts.latin, BODY_PT)
                + "</w:rPrDefault><w:pPrDefault><w:pPr>"
                + CJK_BREAKING
                + _spacing_xml(None)
                + "</w:pPr></w:pPrDefault></w:docDefaults>"
            ),
        )
        normal = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='Normal']")
        for child in list(normal):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                normal.remove(child)
        normal.append(
            parse_xml(
                f'<w:pPr {nsdecls("w")}><w:widowControl/>{CJK_BREAKING}{_spacing_xml(LINE_PITCH_PT)}<w:jc w:val="both"/></w:pPr>'
            )
        )
        normal.append(
            parse_xml(
                _rpr_xml(fonts.body, fonts.latin, BODY_PT).replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>")
            )
        )
        for xml in (
            _paragraph_style_xml(
                STYLE_TITLE,
                east_asia=fonts.title,
                latin=fonts.title,
                size_pt=TITLE_PT,
                line_pt=LINE_PITCH_PT,
                align="center",
                keep_next=True,
            ),
            _paragraph_style_xml(
                STYLE_HEADING,
                east_asia=fonts.heading,
                latin=fonts.latin,
                size_pt=BODY_PT,
                line_pt=LINE_PITCH_PT,
                align="both",
                first_line_chars=2,
                keep_next=True,
                outline_level=0,
                grid=True,
            ),
            _paragraph_style_xml(
                STYLE_BODY,
                east_asia=fonts.body,
                latin=fonts.latin,
                size_pt=BODY_PT,
                line_pt=LINE_PITCH_PT,
                align="both",
                first_line_chars=2,
                grid=True,
            ),
            _character_style_xml(STYLE_LEAD, fonts.subheading, fonts.latin, BODY_PT),
            _paragraph_style_xml(
                STYLE_PAGE_NUMBER,
                east_asia=fonts.page_number,
                latin=fonts.page_number,
                size_pt=PAGE_NUMBER_PT,
                line_pt=None,
                align="right",
                snap_to_grid=False,
            ),
            _paragraph_style_xml(
                STYLE_DRAFT,
                east_asia=fonts.heading,
                latin=fonts.latin,
                size_pt=BODY_PT,
                line_pt=None,
                align="center",
                bold=True,
                snap_to_grid=False,
            ),
        ):
            styles.append(parse_xml(xml))

    def _table_style(self, size_pt: float) -> str:
        style_id = _table_style_id(size_pt)
        if size_pt not in self._table_styles:
            self._table_styles.add(size_pt)
            self.doc.styles.element.append(
                parse_xml(
                    _paragraph_style_xml(
                        style_id,
                        east_asia=self.fonts.table,
                        latin=self.fonts.latin,
                        size_pt=size_pt,
                        line_pt=None,
                        align="center",
                        snap_to_grid=False,
                    )
                )
            )
        return style_id

    def _font_table(self) -> None:
        """Declare every font with its fallback as ``w:altName`` and the GB2312 charset, so that Word
        and WPS substitute 仿宋 for a missing 仿宋_GB2312 rather than a Latin default."""
        for rel in self.doc.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                part = rel.target_part
                break
        else:  # pragma: no cover - python-docx's default template has one
            return
        table = parse_xml(part.blob)
        # Only the report's own fonts: the template's list names ＭＳ 明朝, Cambria and Calibri.
        for old in table.findall(qn("w:font")):
            table.remove(old)
        for name in self.fonts.names():
            alt = self.fonts.fallback(name)
            alt_xml = f"<w:altName w:val={quoteattr(alt)}/>" if alt else ""
            charset, family = ("00", "roman") if name.isascii() else ("86", "auto")
            table.append(
                parse_xml(
                    f"<w:font {nsdecls('w')} w:name={quoteattr(name)}>{alt_xml}"
                    f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
                )
            )
        # A plain Part keeps its bytes in ``_blob``; python-docx has no setter for it.
        part._blob = serialize_part_xml(table)

    # ------------------------------------------------------------------ paragraphs
    def paragraph(self, style: str, runs: Iterable[tuple[str, str | None]], extra_ppr: str = "") -> Any:
        p = OxmlElement("w:p")
        p.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>'))
        for text, char_style in runs:
            if text:
                p.append(_run(text, char_style, self.no_break_hyphen))
        self.body._insert_p(p)
        return p

    def write(self, document: ReportDocument) -> None:
        for i, line in enumerate(document.title_lines):
            last = i == len(document.title_lines) - 1
            # One blank line between the title and the text.
            extra = f'<w:spacing w:after="{twips(LINE_PITCH_PT)}"/>' if last else ""
            self.paragraph(STYLE_TITLE, [(line, None)], extra)
        after_table = False
        for block in document.blocks:
            if isinstance(block, Heading):
                extra = f'<w:spacing w:before="{twips(SPACE_AFTER_TABLE_PT)}"/>' if after_table else ""
                self.paragraph(STYLE_HEADING, [(block.text, None)], extra)
            elif isinstance(block, Paragraph):
                keep = "<w:keepNext/>" if block.keep_with_next else ""
                self.paragraph(STYLE_BODY, [(block.lead, STYLE_LEAD), (block.text, None)], keep)
            elif isinstance(block, Table):
                self.table(block)
            after_table = isinstance(block, Table)
        self.footers()
        if document.draft:
            self.draft_headers()

    # ------------------------------------------------------------------ tables
    def table(self, table: Table) -> None:
        style = self._table_style(table.font_pt)
        widths = [mm_to_twips(w) for w in table.widths_mm]
        pad = mm_to_twips(TABLE_CELL_PADDING_MM)
        border = "".join(
            f'<w:{side} w:val="single" w:sz="{BORDER_EIGHTHS_PT}" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        xml = [
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            # The table is exactly as wide as its columns, each rounded to twips.
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f"<w:tblBorders>{border}</w:tblBorders>"
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
            f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
            ' w:noHBand="1" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        starts: dict[tuple[int, int], Span] = {(s.row, s.col): s for s in table.cells}
        covered: dict[tuple[int, int], Span] = {}
        for span in table.cells:
            for r in range(span.row + 1, span.last_row + 1):
                covered[(r, span.col)] = span
        row_height = f'<w:trHeight w:val="{twips(table.font_pt * ROW_HEIGHT_LINES)}" w:hRule="atLeast"/>'
        for r in range(table.grid.n_rows):
            header = "<w:tblHeader/>" if table.repeats_header and r < table.header_rows else ""
            keep = "<w:keepNext/>" if table.keeps_with_next(r) else ""
            xml.append(f"<w:tr><w:trPr><w:cantSplit/>{row_height}{header}</w:trPr>")
            c = 0
            while c < table.grid.n_cols:
                first = starts.get((r, c))
                below = covered.get((r, c))
                if first is not None:
                    span = first
                    merge = '<w:vMerge w:val="restart"/>' if span.rowspan > 1 else ""
                    text = span.text
                elif below is not None:
                    span, merge, text = below, "<w:vMerge/>", ""
                else:  # a hole in the grid would break Word's table model
                    raise ValueError(f"table {table.key}: no cell at row {r}, column {c}")
                width = sum(widths[span.col : span.last_col + 1])
                grid_span = f'<w:gridSpan w:val="{span.colspan}"/>' if span.colspan > 1 else ""
                run = (
                    f'<w:r>{_size_rpr(table, span)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
                    if text
                    else ""
                )
                xml.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{merge}<w:vAlign w:val="center"/></w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}<w:jc w:val="{table.align(span)}"/></w:pPr>{run}</w:p></w:tc>'
                )
                c = span.last_col + 1
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        tbl = parse_xml("".join(xml))
        self.body._insert_tbl(tbl)

    # ------------------------------------------------------------------ headers and footers
    def footers(self) -> None:
        section = self.doc.sections[0]
        indent = twips(PAGE_NUMBER_PT)  # 空一字
        for footer, align, ind in (
            (section.footer, "right", f'<w:ind w:right="{indent}"/>'),
            (section.even_page_footer, "left", f'<w:ind w:left="{indent}"/>'),
        ):
            footer.is_linked_to_previous = False
            element = footer._element
            for p in list(element):
                element.remove(p)
            element.append(
                parse_xml(
                    f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_PAGE_NUMBER}"/>{ind}<w:jc w:val="{align}"/></w:pPr>'
                    '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
                    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                    "<w:r><w:t>1</w:t></w:r>"
                    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                    '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
                )
            )

    def draft_headers(self) -> None:
        section = self.doc.sections[0]
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            element = header._element
            for p in list(element):
                element.remove(p)
            element.append(
                parse_xml(
                    f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_DRAFT}"/></w:pPr>'
                    f"<w:r><w:t>{DRAFT_MARK}</w:t></w:r></w:p>"
                )
            )

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# Word's own unbreakable hyphen. LibreOffice (7.4) reads it as U+2011 and still breaks before it
# ("0517" / "-80000000"), so the copy it renders has an ASCII hyphen between word joiners instead,
# which it honours; Word's handling of word joiners is not documented, so its copy keeps its own.
WORD_NO_BREAK_HYPHEN = "<w:noBreakHyphen/>"
LIBREOFFICE_NO_BREAK_HYPHEN = '<w:t xml:space="preserve">\u2060-\u2060</w:t>'


def _run(text: str, char_style: str | None, no_break_hyphen: str = WORD_NO_BREAK_HYPHEN) -> Any:
    style = f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""
    content = ""
    for i, piece in enumerate(PHONE_NUMBER.sub("\\1\0\\2", text).split("\0")):
        if i:
            content += no_break_hyphen
        if piece:
            content += f'<w:t xml:space="preserve">{escape(breakable_addresses(piece))}</w:t>'
    return parse_xml(f"<w:r {nsdecls('w')}>{style}{content}</w:r>")


def render_docx(
    document: ReportDocument, fonts: FontSet, title: str, author: str, for_libreoffice: bool = False
) -> bytes:
    """The .docx; ``for_libreoffice`` makes the copy LibreOffice renders to PDF, which reads
    ``w:overflowPunct`` the other way round from Word: with Word's "no hanging punctuation" it hangs
    "，" past the margin and drops a "、" that does not fit (tests/export/test_render.py checks)."""
    writer = _Writer(fonts, for_libreoffice)
    writer.setup(title, author)
    writer.write(document)
    if for_libreoffice:
        for element in writer.doc.styles.element.iter(qn("w:overflowPunct")):
            element.set(qn("w:val"), "1")
    return writer.to_bytes()
