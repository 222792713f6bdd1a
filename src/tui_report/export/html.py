"""The report as one HTML page, for pasting into a government website's CMS.

Same blocks as the Word document (:mod:`tui_report.export.document`), tables with the same merged
cells as ``rowspan``/``colspan``. Styles are inline, because CMS editors usually drop ``<style>``
blocks and class names when content is pasted; the fonts are the same configurable names with their
fallbacks and a generic family.
"""

from __future__ import annotations

from html import escape

from tui_report.export.document import (
    BODY_PT,
    DRAFT_MARK,
    TITLE_PT,
    Heading,
    Paragraph,
    ReportDocument,
    Table,
)
from tui_report.export.fonts import FontSet

TABLE_EM = 0.875
LINE_HEIGHT = 1.8


def _font(fonts: FontSet, role: str) -> str:
    return escape(fonts.css_family(role), quote=False).replace('"', "&quot;")


def _table(table: Table, fonts: FontSet) -> str:
    total = sum(table.widths_mm)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in table.widths_mm)
    by_row: dict[int, list[str]] = {}
    for span in sorted(table.cells, key=lambda s: (s.row, s.col)):
        tag = (
            "th" if span.row < table.header_rows or span.role in ("corner", "caption", "col_header") else "td"
        )
        attrs = ""
        if span.rowspan > 1:
            attrs += f' rowspan="{span.rowspan}"'
        if span.colspan > 1:
            attrs += f' colspan="{span.colspan}"'
        align = table.align(span)
        style = f"border:1px solid #000;padding:0.3em 0.4em;text-align:{align};vertical-align:middle;font-weight:normal"
        by_row.setdefault(span.row, []).append(f'<{tag}{attrs} style="{style}">{escape(span.text)}</{tag}>')
    head_rows = table.header_rows if table.repeats_header else 0
    head = "".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(head_rows))
    body = "".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(head_rows, table.grid.n_rows))
    return (
        f'<table style="border-collapse:collapse;width:100%;table-layout:fixed;margin:0.5em 0 1em;'
        f'font-family:{_font(fonts, "table")};font-size:{TABLE_EM}em;line-height:1.4">'
        f"<colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>"
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
            parts.append(f'<p style="{paragraph_style}">{lead}{escape(block.text)}</p>')
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
