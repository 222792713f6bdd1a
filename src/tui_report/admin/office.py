"""LibreOffice: present, and able to turn the bundled example report into a PDF in bounded time."""

from __future__ import annotations

import re
import time

from tui_report.admin.results import Check, fail, ok, warn
from tui_report.export.pdf import INSTALL_HINT, find_soffice

RENDER_TIMEOUT_S = 90.0
EXAMPLE = "dama-2021.toml"
_BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9#_.-]+)")
_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def pdf_font_names(pdf: bytes) -> list[str]:
    """The fonts a PDF embeds (subset prefixes dropped), in order of first use."""
    names = (m.group(1).decode("ascii", "replace") for m in _BASE_FONT.finditer(pdf))
    return list(dict.fromkeys(names))


def render_example(timeout_s: float = RENDER_TIMEOUT_S) -> Check:
    """Export the bundled example through LibreOffice, the way ``export -o x.pdf`` does."""
    from tui_report.export.fonts import FontConfigError, site_fonts
    from tui_report.export.office import ExportError, docx_bytes
    from tui_report.export.pdf import PdfRenderError, docx_to_pdf
    from tui_report.model.template import examples_dir
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report

    started = time.monotonic()
    try:
        fonts = site_fonts()
        report = load_report(examples_dir() / EXAMPLE)
        pdf = docx_to_pdf(docx_bytes(report, fonts=fonts), fonts, timeout_s=timeout_s)
    except (PdfRenderError, ExportError, FontConfigError, ReportFileError) as exc:
        return fail(f"试转换 PDF 失败：{exc}", "按提示修正；PDF 导出前可以先导出 .docx")
    if not pdf.startswith(b"%PDF"):
        return fail("试转换 PDF 失败：LibreOffice 输出的不是 PDF 文件", "重新安装 LibreOffice")
    pages = len(_PAGE.findall(pdf))
    fonts_used = "、".join(pdf_font_names(pdf)[:6]) or "未知"
    return ok(f"试转换示例报告为 PDF：{pages} 页，{time.monotonic() - started:.1f} 秒，字体 {fonts_used}")


def office_checks(render: bool = True, timeout_s: float = RENDER_TIMEOUT_S) -> list[Check]:
    program = find_soffice()
    if program is None:
        return [fail("未找到 LibreOffice（soffice），无法导出 PDF（Word 导出不受影响）", INSTALL_HINT)]
    checks = [ok(f"LibreOffice：{program}")]
    if render:
        checks.append(render_example(timeout_s))
    else:
        checks.append(warn("已跳过 PDF 试转换（--no-render）"))
    return checks
