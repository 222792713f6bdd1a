"""The desk's work on the whole folder (a base class of ``ReviewScreen``, kept apart for size): the
summary workbook (X), batch export that publishes what is approved (P, in a worker, then what it
held back and why), the roll-up of finished work (H) and the notices to every unit (N). Each does
what its command does (``review -o``, ``export DIR``, ``rollup``, ``notice``) through the same
functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen

from tui_report.model.workflow import MAX_TEXT
from tui_report.review.roster import ROSTER_NAME
from tui_report.review.workflow import RecordError, parse_date
from tui_report.storage.reviewrecords import clear_notices, read_notices, write_notice, year_folder_of
from tui_report.tui.appapi import report_app
from tui_report.tui.screens.deskdecisions import DeskDecisions
from tui_report.tui.screens.workflowdialogs import FormChoice, FormDialog, FormField, FormSpec, ReadDialog
from tui_report.tui.widgets.wrapped import WrappedText
from tui_report.tui.workflowview import notice_lines

T = TypeVar("T")
FORMATS = [("pdf", "PDF"), ("docx", "Word（.docx）"), ("html", "网页（.html）")]


def _here(name: str) -> Path:
    """A default output path in the folder the reviewer started in (the year folder is root's)."""
    return Path(os.getcwd()) / name


class DeskJobs(DeskDecisions):
    """What the desk does with the whole folder; ``ReviewScreen`` provides the folder and rows."""

    roster: Path | None = None

    def _forks_allowed(self) -> int | None:
        """Forked workers only while no report is open here (a fork would share its edit lock)."""
        return 1 if report_app(self).controller is not None else None

    def _in_background(self, work: Callable[[], T], done: Callable[[T | Exception], None]) -> None:
        def run() -> None:
            try:
                result: T | Exception = work()
            except Exception as exc:  # shown to the reviewer, never a crash of the desk
                result = exc
            self.app.call_from_thread(done, result)

        self.run_worker(run, thread=True, group="desk-job", exit_on_error=False)

    def _busy(self, text: str) -> None:
        self.notify(text, timeout=4)

    # ------------------------------------------------------------------ 汇总表 (X)
    def action_workbook(self) -> None:
        from tui_report.tui.screens.dialogs import PathDialog

        review = self.review
        if review is None:
            self.notify("还在读取各单位的报告，请稍候", timeout=3)
            return
        year = f"{review.year}年" if review.year else ""

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from tui_report.review.workbook import write_workbook

            self._busy(f"正在生成汇总表 {path}……")
            self._in_background(lambda: write_workbook(review, path), lambda r: self._workbook_done(path, r))

        self.app.push_screen(PathDialog("汇总表（Excel）保存为：", _here(f"{year}汇总.xlsx")), chosen)

    def _workbook_done(self, path: Path, result: object) -> None:
        if isinstance(result, Exception):
            self.notify(str(result), title="未能生成汇总表", severity="error", timeout=10, markup=False)
        else:
            self.notify(f"已生成汇总表：{path}", timeout=8, markup=False)

    # ------------------------------------------------------------------ 批量导出 (P)
    def action_batch(self) -> None:
        review = self.review
        year = f"{review.year}年" if review is not None and review.year else ""
        uses_workflow = review is not None and review.uses_workflow
        what = "只发布已审核通过、之后没有改动的报告" if uses_workflow else "导出所有已完成（没有错误）的报告"
        spec = FormSpec(
            f"批量导出：{what}，并生成索引页 index.html。",
            [FormField("out", "导出到文件夹", str(_here(f"{year}发布")))],
            FormChoice("format", "格式", FORMATS),
            required={"out"},
        )
        self.app.push_screen(FormDialog(spec), self._batch)

    def _batch(self, answer: dict[str, str] | None) -> None:
        from tui_report.review.batch import BatchResult, export_folder

        if answer is None:
            return
        out = Path(answer["out"]).expanduser()
        folder, roster, processes = self.folder, self.roster, self._forks_allowed()
        self._busy("正在批量导出……（PDF 要用 LibreOffice 生成，可能需要一两分钟）")

        def done(result: BatchResult | Exception) -> None:
            if isinstance(result, Exception):
                self.notify(str(result), title="批量导出失败", severity="error", timeout=10, markup=False)
                return
            self._batch_done(result, out)

        self._in_background(lambda: export_folder(folder, out, answer["format"], roster, processes), done)

    def _batch_done(self, result: object, out: Path) -> None:
        from tui_report.review.batch import BatchResult

        assert isinstance(result, BatchResult)
        workflow = result.review.uses_workflow
        held = "暂不发布" if workflow else "未导出"
        done = "已发布（已审核通过）" if workflow else "已导出"
        lines = [f"{held} {row.unit or row.file_name}：{reason}" for row, reason in result.skipped]
        lines += [f"提示：{w}" for w in dict.fromkeys(result.warnings)]
        title = f"{done} {len(result.exported)} 份报告到 {out}，索引页 {result.index}"
        if result.skipped:
            title += f"；{len(result.skipped)} 份{held}："
        self.app.push_screen(ReadDialog(title, lines or ["全部导出。"]))
        self.load()

    # ------------------------------------------------------------------ 汇总 (H)
    def action_rollup(self) -> None:
        review = self.review
        year = f"{review.year}年" if review is not None and review.year else ""
        spec = FormSpec(
            "汇总：把各单位已完成、已通过、已发布的报告的表格相加，生成一份汇总报告（文字部分留空）。",
            [
                FormField("out", "汇总报告文件", str(_here(f"{year}汇总报告.toml"))),
                FormField("unit", "汇总报告的单位名称", placeholder="如：某某县"),
            ],
            FormChoice("all", "汇总范围", [("no", "只汇总已完成的工作"), ("yes", "全部可读的报告")]),
            required={"out", "unit"},
        )
        self.app.push_screen(FormDialog(spec), self._rollup)

    def _rollup(self, answer: dict[str, str] | None) -> None:
        from tui_report.review.rollupfolder import RolledUp, rollup_folder
        from tui_report.tui.screens.dialogs import ConfirmDialog

        if answer is None:
            return
        out = Path(answer["out"]).expanduser()
        if out.exists() and not answer.get("overwrite"):
            question = f"{out} 已存在。覆盖它吗？（原文件保留为历史版本）"
            again = {**answer, "overwrite": "yes"}
            self.app.push_screen(
                ConfirmDialog(question, "覆盖"), lambda yes: self._rollup(again) if yes else None
            )
            return
        folder, processes = self.folder, self._forks_allowed()
        include_all = answer["all"] == "yes"

        def work() -> RolledUp:
            return rollup_folder(
                folder, answer["unit"], "county", include_all=include_all, output=out, processes=processes
            )

        def done(result: RolledUp | Exception) -> None:
            if isinstance(result, Exception):
                self.notify(str(result), title="未能汇总", severity="error", timeout=10, markup=False)
            else:
                self._write_rollup(result, out)

        self._in_background(work, done)

    def _write_rollup(self, rolled: object, out: Path) -> None:
        from tui_report.review.rollupfolder import RolledUp
        from tui_report.safety.lock import LockedError
        from tui_report.session import replace_report_file
        from tui_report.storage.errors import ReportFileError

        assert isinstance(rolled, RolledUp)
        try:
            kept, _ = replace_report_file(out, rolled.report, overwrite=True)
        except (LockedError, ReportFileError) as exc:
            self.notify(str(exc), title="未能写出汇总报告", severity="error", timeout=10, markup=False)
            return
        lines = [f"未汇总 {left.name}：{left.reason}" for left in rolled.left_out] + rolled.notes
        if kept is not None:
            lines.append("原文件已保留为历史版本（tui-report history 查看）")
        title = f"已写出 {out}：汇总了{rolled.summed}份报告，{rolled.errors}个错误"
        self.app.push_screen(ReadDialog(title, lines or ["全部单位都已汇总。"]))

    # ------------------------------------------------------------------ 通知 (N)
    def action_notices(self) -> None:
        self.app.push_screen(NoticesScreen(year_folder_of(self.folder / ROSTER_NAME)))


class NoticesScreen(ModalScreen[None]):
    """The notices of a year folder (shown to every operator with a report there): N new, D take
    all down, Esc back."""

    DEFAULT_CSS = """
    NoticesScreen #notice-lines { height: auto; max-height: 14; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "发通知", id="notices.new"),
        Binding("d", "clear", "全部撤下", id="notices.clear"),
        Binding("escape", "close", "返回", id="notices.close"),
    ]

    def __init__(self, year_folder: Path) -> None:
        super().__init__()
        self.year_folder = year_folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield WrappedText("", id="notice-title", classes="dialog-text")
            yield VerticalScroll(id="notice-lines")
            yield WrappedText("N 发通知，D 全部撤下，Esc 返回", classes="guidance")

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        if not self.query("#notice-lines"):
            return  # closed (Esc typed ahead) before it was mounted: nothing to fill
        today = date.today()
        notices = read_notices(self.year_folder)
        lines = notice_lines(notices)
        shown = [
            line + ("（已过期）" if not n.active(today) else "")
            for n, line in zip(notices, lines, strict=True)
        ]
        title = f"通知：{len(notices)}条（发给 {self.year_folder} 中的全部填报单位，开始页和打开报告时显示）"
        self.query_one("#notice-title", WrappedText).update(title)
        box = self.query_one("#notice-lines", VerticalScroll)
        box.remove_children()
        box.mount_all([WrappedText(line) for line in shown or ["还没有通知。"]])

    def action_new(self) -> None:
        def check(answer: dict[str, str]) -> str:
            until, text = answer["until"], answer["text"]
            if len(text) > MAX_TEXT:
                return f"通知过长（{len(text)}字，最多{MAX_TEXT}字）"
            return "" if not until or parse_date(until) else f"“{until}”不是日期，请写成 2026-01-15"

        spec = FormSpec(
            "发通知：全部填报单位在开始页、打开报告时看到",
            [
                FormField("text", "通知内容", placeholder="如：请于1月15日前报送年报"),
                FormField("until", "显示到哪一天（可不填）", placeholder="如：2026-01-15"),
            ],
            check=check,
            required={"text"},
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            try:
                write_notice(self.year_folder, answer["text"], parse_date(answer["until"]))
            except RecordError as exc:
                self.notify(str(exc), title="未能发通知", severity="error", timeout=10, markup=False)
                return
            self.notify("已发通知", timeout=3)
            self.fill()

        self.app.push_screen(FormDialog(spec), answered)

    def action_clear(self) -> None:
        from tui_report.tui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                count = clear_notices(self.year_folder)
            except RecordError as exc:
                self.notify(str(exc), title="未能撤下", severity="error", timeout=10, markup=False)
                return
            self.notify(f"已撤下{count}条通知", timeout=3)
            self.fill()

        self.app.push_screen(ConfirmDialog("撤下全部通知？", "全部撤下"), answered)

    def action_close(self) -> None:
        self.dismiss(None)
