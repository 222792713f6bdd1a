"""Export the report as the official Word document, as PDF, or as HTML (format by extension).

``export_document(report, out_path, draft)`` is what the CLI and the app call. It writes the file
atomically and returns warnings (Chinese) the operator should see, such as a font the PDF had to
replace; it raises :class:`ExportError` with a Chinese message when it cannot write a good file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_report.export.document import ReportDocument, build_document
from tui_report.export.fonts import FontConfigError, FontSet, missing_pdf_fonts, site_fonts
from tui_report.host.terminal import strip_controls
from tui_report.model.report import Report, SubheadingStyle
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError


class ExportError(Exception):
    """An export that could not be written; ``str()`` is the Chinese message for the operator."""


def _fonts(fonts: FontSet | None) -> FontSet:
    if fonts is not None:
        return fonts
    try:
        return site_fonts()
    except FontConfigError as exc:
        raise ExportError(str(exc)) from exc


# Line and paragraph separators other than "\n" (pasted from Word or a web page) end a line in the
# printed report too: they become "\n" before the other control characters are removed.
_LINE_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\v": "\n", "\f": "\n", "\r": "\n"})


def _printable_text(text: str) -> str:
    return strip_controls(text.replace("\r\n", "\n").translate(_LINE_BREAKS), keep_lines=True)


def printable(report: Report) -> Report:
    """The report with control characters removed from its unit, preamble and texts (a text's line
    breaks and tabs kept): a .docx cannot hold them (python-docx raises), a web page should not."""
    return report.model_copy(
        update={
            "unit": strip_controls(report.unit),
            "preamble": {k: _printable_text(v) for k, v in report.preamble.items()},
            "texts": {k: _printable_text(v) for k, v in report.texts.items()},
        }
    )


def _document(
    report: Report, draft: bool, fonts: FontSet, subheadings: SubheadingStyle | None
) -> ReportDocument:
    return build_document(printable(report), draft=draft, fonts=fonts, subheadings=subheadings)


def _render_docx(
    report: Report, document: ReportDocument, fonts: FontSet, for_libreoffice: bool = False
) -> bytes:
    from tui_report.export.docx_writer import render_docx

    clean = printable(report)
    return render_docx(document, fonts, title=clean.title, author=clean.unit, for_libreoffice=for_libreoffice)


def docx_bytes(
    report: Report,
    draft: bool = False,
    fonts: FontSet | None = None,
    subheadings: SubheadingStyle | None = None,
) -> bytes:
    """The report as a .docx file's bytes."""
    fonts = _fonts(fonts)
    document = _document(report, draft, fonts, subheadings)
    return _render_docx(report, document, fonts)


def pdf_bytes(
    report: Report,
    draft: bool = False,
    fonts: FontSet | None = None,
    subheadings: SubheadingStyle | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    """The PDF, after its text layer was read back and found complete. Fonts the machine lacks and
    a text layer that could not be checked are added to ``warnings``."""
    from tui_report.export.pdf import PdfRenderError, docx_to_pdf

    fonts = _fonts(fonts)
    notes = warnings if warnings is not None else []
    notes.extend(m.message for m in missing_pdf_fonts(fonts))
    document = _document(report, draft, fonts, subheadings)
    try:
        docx = _render_docx(report, document, fonts, for_libreoffice=True)
        data = docx_to_pdf(docx, fonts)
    except PdfRenderError as exc:
        raise ExportError(str(exc)) from exc
    return _checked_pdf(data, document, notes)


def _checked_pdf(data: bytes, document: ReportDocument, notes: list[str]) -> bytes:
    """The PDF when its text layer reads back complete; :class:`ExportError` otherwise."""
    from tui_report.export.pdfcheck import SHOWN_PROBLEMS, TextLayerUnavailable, check_pdf_bytes

    try:
        problems = check_pdf_bytes(data, document)
    except TextLayerUnavailable:
        notes.append(
            "未能核对 PDF 的文字（本机没有 pdftotext），请打开 PDF 逐页检查；"
            "系统管理员可安装：sudo apt-get install poppler-utils"
        )
        return data
    if problems:
        shown = "；".join(problems[:SHOWN_PROBLEMS])
        more = f"等 {len(problems)} 处" if len(problems) > SHOWN_PROBLEMS else ""
        hint = (
            "。" + "".join(notes)
            if notes
            else "。请导出 .docx 用 Word 或 WPS 转为 PDF，并把此问题告诉系统管理员。"
        )
        raise ExportError(f"生成的 PDF 有问题，未保存：{shown}{more}{hint}")
    return data


def pdf_bytes_many(
    reports: Sequence[Report], fonts: FontSet | None = None, warnings: list[str] | None = None
) -> list[bytes | ExportError]:
    """Each report's PDF (or why not), all rendered by one LibreOffice start (batch export)."""
    from tui_report.export.pdf import PdfRenderError, docxs_to_pdfs

    fonts = _fonts(fonts)
    notes = warnings if warnings is not None else []
    notes.extend(m.message for m in missing_pdf_fonts(fonts))
    documents = [_document(r, False, fonts, None) for r in reports]
    docxs = [_render_docx(r, d, fonts, for_libreoffice=True) for d, r in zip(documents, reports, strict=True)]
    try:
        rendered = docxs_to_pdfs(docxs, fonts)
    except PdfRenderError as exc:
        raise ExportError(str(exc)) from exc
    results: list[bytes | ExportError] = []
    for data, document in zip(rendered, documents, strict=True):
        if data is None:
            results.append(ExportError("LibreOffice 未能生成这份报告的 PDF"))
            continue
        try:
            results.append(_checked_pdf(data, document, notes))
        except ExportError as exc:
            results.append(exc)
    return results


def html_text(
    report: Report,
    draft: bool = False,
    fonts: FontSet | None = None,
    subheadings: SubheadingStyle | None = None,
) -> str:
    from tui_report.export.html import render_html

    fonts = _fonts(fonts)
    return render_html(_document(report, draft, fonts, subheadings), fonts)


def export_document(
    report: Report,
    out_path: Path,
    draft: bool = False,
    fonts: FontSet | None = None,
    subheadings: SubheadingStyle | None = None,
) -> list[str]:
    """Write the report to ``out_path`` as .docx, .pdf or .html, chosen by the extension; return
    warnings for the operator. ``subheadings`` overrides the report's ``[export]`` setting."""
    suffix = out_path.suffix.lower()
    warnings: list[str] = []
    if suffix == ".docx":
        data = docx_bytes(report, draft, fonts, subheadings)
    elif suffix == ".pdf":
        data = pdf_bytes(report, draft, fonts, subheadings, warnings)
    elif suffix in (".html", ".htm"):
        data = html_text(report, draft, fonts, subheadings).encode("utf-8")
    else:
        raise ExportError(f"不支持的导出格式“{suffix or '（无扩展名）'}”，请用 .docx、.pdf 或 .html")
    try:
        atomic_write(out_path, data)
    except ReportFileError as exc:
        raise ExportError(str(exc)) from exc
    return warnings
