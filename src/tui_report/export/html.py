"""The report as one HTML page, for pasting into a government website's CMS.

Same blocks as the Word document (:mod:`tui_report.export.document`), tables with the same merged
cells as ``rowspan``/``colspan``. Styles are inline, because CMS editors usually drop ``<style>``
blocks and class names when content is pasted; the fonts are the same configurable names with their
fallbacks and a generic family.
"""

from __future__ import annotations

import re
from html import escape

from tui_report.export.document import (
    BODY_PT,
    DRAFT_MARK,
    PHONE_NUMBER,
    TABLE_CELL_PADDING_MM,
    TITLE_PT,
    WEB_ADDRESS,
    Heading,
    Paragraph,
    ReportDocument,
    Table,
)
from tui_report.export.fonts import FontSet
from tui_report.model.layout import Span

LINE_HEIGHT = 1.8
# Printed from a browser, a table that fits on one page is not broken either (as in the .docx).
_KEEP_WHOLE = ";break-inside:avoid;page-break-inside:avoid"


def _text(text: str) -> str:
    """Paragraph text; a phone number such as 0517-80000000 is kept on one line, and a web or
    e-mail address may break between any two characters, so that the justified line before it is
    filled rather than spread (a style, not invisible characters, so a copied address still works)."""
    out: list[str] = []
    position = 0
    for match in _SPECIAL.finditer(text):
        style = "word-break:break-all" if match.group("address") else "white-space:nowrap"
        out.append(escape(text[position : match.start()], quote=False))
        out.append(f'<span style="{style}">{escape(match.group(0), quote=False)}</span>')
        position = match.end()
    out.append(escape(text[position:], quote=False))
    return "".join(out)


_SPECIAL = re.compile(f"(?P<address>{WEB_ADDRESS.pattern})|(?P<phone>{PHONE_NUMBER.pattern})")


def _font(fonts: FontSet, role: str) -> str:
    # The Latin font first, as in the Word document: digits and letters in Times New Roman, Chinese
    # characters (not in it) from the Chinese font after it.
    family = fonts.css_family(role)
    if role != "latin":
        family = f"'{fonts.latin}', {family}"
    return escape(family, quote=False).replace('"', "&quot;")


def _scope(span: Span) -> str:
    """``scope`` of a header cell: a caption heads the block's columns, a column header its column
    (or the columns it spans), a row label its row (or the group of rows it spans)."""
    if span.role in ("caption", "corner"):
        return "colgroup" if span.colspan > 1 else "col"
    if span.role == "col_header":
        return "colgroup" if span.colspan > 1 else "col"
    return "rowgroup" if span.rowspan > 1 else "row"


def _cell(table: Table, span: Span) -> str:
    attrs = ""
    if span.rowspan > 1:
        attrs += f' rowspan="{span.rowspan}"'
    if span.colspan > 1:
        attrs += f' colspan="{span.colspan}"'
    style = f"border:1px solid #000;padding:0.3em {TABLE_CELL_PADDING_MM}mm;text-align:{table.align(span)};vertical-align:middle"
    if table.size_of(span) != table.font_pt:
        style += f";font-size:{table.size_of(span):g}pt"
    if span.role == "value":
        # A number is never broken over two lines; its column is sized for the widest one.
        return f'<td{attrs} style="{style};white-space:nowrap">{escape(span.text)}</td>'
    return f'<th scope="{_scope(span)}"{attrs} style="{style};font-weight:normal">{escape(span.text)}</th>'


def _table(table: Table, fonts: FontSet) -> str:
    total = sum(table.widths_mm)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in table.widths_mm)
    by_row: dict[int, list[str]] = {}
    for span in sorted(table.cells, key=lambda s: (s.row, s.col)):
        by_row.setdefault(span.row, []).append(_cell(table, span))
    head_rows = table.header_rows if table.repeats_header else 0
    head = "".join(f"<tr>{''.join(by_row[r])}</tr>" for r in range(head_rows) if r in by_row)
    body = "".join(
        f"<tr>{''.join(by_row[r])}</tr>" for r in range(head_rows, table.grid.n_rows) if r in by_row
    )
    # As wide as on paper at the same font size, the printed widths as hints; the automatic layout
    # still widens a column for its widest number whatever font the reader's browser has. A narrower
    # screen (a phone) scrolls the table sideways instead of squeezing its numbers.
    return (
        f'<div style="overflow-x:auto;margin:0.5em 0 1em{_KEEP_WHOLE if table.fits_on_page else ""}">'
        f'<table style="border-collapse:collapse;width:100%;min-width:{total:.0f}mm;table-layout:auto;'
        f'font-family:{_font(fonts, "table")};font-size:{table.font_pt:g}pt;line-height:1.4">'
        f"<colgroup>{cols}</colgroup>"
        + (f"<thead>{head}</thead>" if head else "")
        + f"<tbody>{body}</tbody></table></div>"
    )


def render_html(document: ReportDocument, fonts: FontSet) -> str:
    title = "".join(document.title_lines)
    parts: list[str] = []
    if document.draft:
        parts.append(
            f'<p style="text-align:center;font-family:{_font(fonts, "heading")};font-weight:bold;'
            f'border:2px solid #000;padding:0.2em">{DRAFT_MARK}</p>'
        )
    lines = "<br>".join(escape(line) for line in document.title_lines)
    parts.append(
        f'<h1 style="text-align:center;font-family:{_font(fonts, "title")};font-size:{TITLE_PT / BODY_PT:.3f}em;'
        f'font-weight:normal;line-height:1.5;margin:0 0 1em">{lines}</h1>'
    )
    paragraph_style = f"text-indent:2em;margin:0;text-align:justify;line-height:{LINE_HEIGHT}"
    for block in document.blocks:
        if isinstance(block, Heading):
            parts.append(
                f'<h2 style="font-family:{_font(fonts, "heading")};font-size:1em;font-weight:normal;'
                f'text-indent:2em;margin:0;line-height:{LINE_HEIGHT}">{escape(block.text)}</h2>'
            )
        elif isinstance(block, Paragraph):
            lead = (
                f'<span style="font-family:{_font(fonts, "subheading")}">{escape(block.lead)}</span>'
                if block.lead
                else ""
            )
            parts.append(f'<p style="{paragraph_style}">{lead}{_text(block.text)}</p>')
        elif isinstance(block, Table):
            parts.append(_table(block, fonts))
    article = (
        f'<article style="max-width:42em;margin:0 auto;font-family:{_font(fonts, "body")};font-size:16px;'
        f'color:#000">' + "\n".join(parts) + "</article>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{article}\n</body>\n</html>\n"
    )
