"""F9's flow: the export dialog (draft offered when the report has errors), then the Word file.

python-docx is loaded here, on first use, not at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from tui_report.model.rules import has_errors

if TYPE_CHECKING:
    from tui_report.model.report import SubheadingStyle
    from tui_report.tui.controller import Controller


def start_export(app: App[Any], controller: Controller) -> None:
    """F9: export to Word (python-docx is loaded here, on first use)."""
    from tui_report.export import office
    from tui_report.model.report import ExportSettings
    from tui_report.tui.screens.dialogs import ConfirmDialog, ExportDialog

    controller.recheck()
    errors = has_errors(controller.findings)
    default = controller.session.path.with_suffix(".docx")

    def write(answer: tuple[Path, SubheadingStyle] | None, draft: bool) -> None:
        if answer is None:
            return
        path, style = answer
        report = controller.report
        if style != report.export.subheadings and not controller.read_only:
            # The choice is the report's own setting ([export] in the file), saved with it.
            report.export = ExportSettings(subheadings=style)
            controller.session.mark_edited()
        try:
            warnings = office.export_document(report, path, draft=draft, subheadings=style)
        except office.ExportError as exc:
            app.notify(str(exc), title="导出失败", severity="error", timeout=10)
            return
        for warning in warnings:
            app.notify(warning, title="提示", severity="warning", timeout=10)
        app.notify(f"已导出{'草稿' if draft else ''}：{path}", timeout=8)

    def ask_path(draft: bool) -> None:
        title = "导出草稿（每页标注“草稿”），文件名：" if draft else "导出 Word，文件名："
        dialog = ExportDialog(title, default, controller.report.export.subheadings)
        app.push_screen(dialog, lambda answer: write(answer, draft))

    if errors:
        question = f"报告有{controller.error_count}个错误，正式版不能导出。要导出草稿吗？（F3 可查看问题）"
        app.push_screen(ConfirmDialog(question, "导出草稿"), lambda yes: ask_path(True) if yes else None)
    else:
        ask_path(False)
