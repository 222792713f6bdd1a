"""Export the report as the official Word document, as PDF, or as HTML (format by extension).

``export_document(report, out_path, draft)`` is what the CLI and the app call. It writes the file
atomically and raises :class:`ExportError` with a Chinese message when it cannot.
"""

from __future__ import annotations

from pathlib import Path

from tui_report.export.document import build_document
from tui_report.export.fonts import FontConfigError, FontSet, site_fonts
from tui_report.model.report import Report
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError

FORMATS = (".docx", ".pdf", ".html")


class ExportError(Exception):
    """An export that could not be written; ``str()`` is the Chinese message for the operator."""


def _fonts(fonts: FontSet | None) -> FontSet:
    if fonts is not None:
        return fonts
    try:
        return site_fonts()
    except FontConfigError as exc:
        raise ExportError(str(exc)) from exc


def docx_bytes(report: Report, draft: bool = False, fonts: FontSet | None = None) -> bytes:
    """The report as a .docx file's bytes."""
    from tui_report.export.docx_writer import render_docx

    document = build_document(report, draft=draft)
    return render_docx(document, _fonts(fonts), title=report.title, author=report.unit)


def pdf_bytes(report: Report, draft: bool = False, fonts: FontSet | None = None) -> bytes:
    from tui_report.export.pdf import PdfRenderError, docx_to_pdf

    fonts = _fonts(fonts)
    try:
        return docx_to_pdf(docx_bytes(report, draft, fonts), fonts)
    except PdfRenderError as exc:
        raise ExportError(str(exc)) from exc


def html_text(report: Report, draft: bool = False, fonts: FontSet | None = None) -> str:
    from tui_report.export.html import render_html

    return render_html(build_document(report, draft=draft), _fonts(fonts))


def export_document(
    report: Report, out_path: Path, draft: bool = False, fonts: FontSet | None = None
) -> None:
    """Write the report to ``out_path`` as .docx, .pdf or .html, chosen by the extension."""
    suffix = out_path.suffix.lower()
    if suffix == ".docx":
        data = docx_bytes(report, draft, fonts)
    elif suffix == ".pdf":
        data = pdf_bytes(report, draft, fonts)
    elif suffix in (".html", ".htm"):
        data = html_text(report, draft, fonts).encode("utf-8")
    else:
        raise ExportError(f"不支持的导出格式“{suffix or '（无扩展名）'}”，请用 .docx、.pdf 或 .html")
    try:
        atomic_write(out_path, data)
    except ReportFileError as exc:
        raise ExportError(str(exc)) from exc
