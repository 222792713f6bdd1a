"""The review desk in the app: every unit's report of a folder, refreshed as files change.

Opened from the start screen (V) or by ``tui-report review DIR`` on a terminal. The folder is read
in a worker thread (the screen shows at once); every two seconds the folder's and the lock
folder's file times, and the review workflow's record folders, are compared, and only changed
files are read again. A report opened from here (Enter: read-only; E: for editing) returns here
when it is closed. The decisions on one report are ``DeskDecisions``'s, the work on the whole
folder ``DeskJobs``'s; what the table shows is ``tui/deskview.py``'s.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from tui_report.model.indicators import Indicator, review_spec
from tui_report.review.desk import Review, ReviewError, sort_rows
from tui_report.review.deskcache import DeskCache
from tui_report.review.deskread import Signature, desk_signature, folder_signature, read_desk
from tui_report.review.unitrow import UnitRow
from tui_report.tui.appapi import report_app
from tui_report.tui.commands import PaletteEntry, PaletteNames, bound_commands
from tui_report.tui.deskview import ScreenColumn, compared_columns, desk_columns, detail_text
from tui_report.tui.plain import plain_cell, plain_line
from tui_report.tui.screens.deskjobs import DeskJobs
from tui_report.tui.textual_compat import FixedColumnsTable
from tui_report.tui.widgets.wrapped import WrappedText

POLL_SECONDS = 2.0
# Keeping the reading (~0.2 s of CPU for 500 reports) waits until the rows have been on the screen
# a moment: right after the first paint it would compete with the reviewer's first keys.
STORE_DELAY_SECONDS = 1.0
SORTS = {"workflow": "审核状态", "state": "状态", "unit": "单位", "indicator": "指标"}


class DeskTable(FixedColumnsTable):
    """The desk's table: Enter (the table's own "select") is shown in the footer as 打开. Its
    columns have set widths (tui/deskview.py), so new rows are not measured (textual_compat)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "打开",
            id="review.open",
            tooltip="只读打开选中单位的报告（关闭报告回到这里）",
        ),
    ]


DESK_BINDINGS: list[BindingType] = [
    Binding(
        "e",
        "edit",
        "编辑",
        id="review.edit",
        tooltip="没有人在编辑时，以可编辑方式打开（先确认）",
    ),
    Binding(
        "f3",
        "findings",
        "问题",
        id="review.findings",
        tooltip="审核意见和检查结果；雷同文字在其中按 V 核实",
    ),
    Binding(
        "c",
        "comment",
        "意见",
        id="review.comment",
        tooltip="对整份报告提审核意见（打开报告后按 F11，可对单元格或文字部分提意见）",
    ),
    Binding("t", "return", "退回", id="review.return", tooltip="退回修改，可附意见"),
    Binding(
        "a",
        "approve",
        "通过",
        id="review.approve",
        tooltip="审核通过（之后报告再有修改，需重新报送）",
    ),
    Binding(
        "w",
        "sort('workflow')",
        "按审核",
        id="review.sort_workflow",
        show=False,
        tooltip="按审核状态排序：待审核的在前",
    ),
    Binding(
        "s",
        "sort('state')",
        "按状态",
        id="review.sort_state",
        show=False,
        tooltip="按填报状态排序：问题多的在前",
    ),
    Binding("u", "sort('unit')", "按单位", id="review.sort_unit", show=False),
    Binding(
        "i",
        "next_indicator",
        "指标",
        id="review.indicator",
        show=False,
        tooltip="切换显示的指标（并说明算法）",
    ),
    Binding(
        "o",
        "sort('indicator')",
        "按指标",
        id="review.sort_indicator",
        show=False,
        tooltip="按显示的指标排序，大的在前",
    ),
    Binding(
        "y",
        "toggle_compare",
        "本年/上年",
        id="review.compare",
        show=False,
        tooltip="切换：主要数字的本年与上年对比",
    ),
    Binding(
        "x",
        "workbook",
        "汇总表",
        id="review.workbook",
        show=False,
        tooltip="生成汇总表（Excel）",
    ),
    Binding(
        "p",
        "batch",
        "批量导出",
        id="review.batch",
        show=False,
        tooltip="发布已审核通过的报告（没有报送审核时：所有已完成的报告），列出暂不发布的原因",
    ),
    Binding(
        "h",
        "rollup",
        "汇总",
        id="review.rollup",
        show=False,
        tooltip="把已完成的工作汇总成一份报告，列出未汇总的单位",
    ),
    Binding(
        "n",
        "notices",
        "通知",
        id="review.notices",
        show=False,
        tooltip="给各填报单位发通知、查看、撤下",
    ),
    Binding("r", "reload", "刷新", id="review.reload", show=False),
    Binding("escape", "back", show=False, id="review.back"),
]
DESK_PALETTE: PaletteNames = {
    "review.edit": "编辑报告",
    "review.findings": "问题和审核意见（核实雷同文字）",
    "review.comment": "提审核意见",
    "review.return": "退回修改",
    "review.approve": "审核通过",
    "review.workbook": "汇总表（Excel）",
    "review.batch": "批量导出（发布）",
    "review.rollup": "汇总报告",
    "review.notices": "通知",
    "review.compare": "本年与上年",
    "review.sort_workflow": "按审核状态排序",
    "review.sort_state": "按填报状态排序",
    "review.sort_unit": "按单位排序",
    "review.indicator": "切换指标",
    "review.sort_indicator": "按指标排序",
}


class ReviewScreen(DeskJobs):
    """The review desk.

    The keys are the BINDINGS below (F1 lists them, the README table is checked against them).
    """

    DEFAULT_CSS = """
    ReviewScreen #desk { height: 1fr; border: none; }
    ReviewScreen #count { height: auto; max-height: 2; padding: 0 1; text-style: bold; }
    ReviewScreen #detail { height: 3; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = DESK_BINDINGS
    PALETTE: ClassVar[PaletteNames] = DESK_PALETTE
    HELP = (
        "汇总审核：每行一个单位。Enter 只读打开报告，E 编辑（先确认）；关闭报告回到这里。"
        "C 提意见，T 退回修改，A 审核通过；F3 审核意见和问题（雷同文字按 V 核实）。"
        "W/S/U 按审核状态/填报状态/单位排序，I 切换指标，O 按指标排序，Y 本年与上年；"
        "X 汇总表，P 批量导出，H 汇总，N 通知。文件和审核记录有变化时自动刷新。"
    )

    def __init__(self, folder: Path, roster: Path | None = None, year: int | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.roster = roster
        self.year = year
        self.review: Review | None = None
        self.sort_by: str | None = None  # None: by workflow in a folder using it, else by state
        self.indicator = 0  # index into the template's indicators
        self.compare = False  # Y: this year beside last year instead of the counts
        self.cache = DeskCache(folder)
        # The first reading, started before the app (``tui-report review DIR``): see
        # tui/reviewapp.py.
        self.prefetched: Future[tuple[Signature, Review]] | None = None
        self._signature: Signature | None = None
        self._loading = False
        self._shown: list[UnitRow] = []
        self._filled_width = -1  # the width the table was last filled for (columns fit it)

    def compose(self) -> ComposeResult:
        yield Static(plain_line(f"汇总审核：{self.folder}"), classes="title-bar", id="title")
        yield WrappedText("正在读取各单位的报告……", id="count")
        yield DeskTable(id="desk", cursor_type="row", zebra_stripes=True)
        yield WrappedText("", id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#desk", DataTable).focus()
        self.load()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.poll()

    # ------------------------------------------------------------------ reading
    def poll(self) -> None:
        if self._loading or not self.is_current:
            return  # (an editor on top: read again when the desk is shown again)
        if desk_signature(self.folder, folder_signature(self.folder), self.review) != self._signature:
            self.load()

    def load(self) -> None:
        self._loading = True
        self._read()

    @work(thread=True, exclusive=True, group="review-read")
    def _read(self) -> None:
        prefetched, self.prefetched = self.prefetched, None
        try:
            if prefetched is not None:
                signature, review = prefetched.result()
            else:
                # Forked workers only while no report is open here: a fork would share its edit lock.
                processes = 1 if report_app(self).controller is not None else None
                signature, review = read_desk(self.folder, self.roster, self.year, processes, self.cache)
        except ReviewError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, review, signature)

    @work(thread=True, exclusive=True, group="review-store")
    def _store(self) -> None:
        """Keep the reading for the next run (review/deskcache.py): ~0.2 s for 500 reports, so
        only a moment after the rows are on the screen (:data:`STORE_DELAY_SECONDS`)."""
        self.cache.save()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.query_one("#count", WrappedText).update(f"无法读取：{message}")

    def _show(self, review: Review, signature: Signature) -> None:
        self._loading = False
        self._signature = signature
        self.review = review
        if self.sort_by is None:
            self.sort_by = "workflow" if review.uses_workflow else "state"
        year = f"{review.year}年度 " if review.year else ""
        roster = "（名册）" if review.roster else "（无名册）"
        self.query_one("#title", Static).update(plain_line(f"汇总审核：{year}{self.folder}{roster}"))
        self.query_one("#count", WrappedText).update(review.count_line())
        self.fill()
        self.set_timer(STORE_DELAY_SECONDS, self._store)

    # ------------------------------------------------------------------ the table
    @property
    def indicators(self) -> list[Indicator]:
        """The indicators of the folder's template."""
        if self.review is None or not self.review.template:
            return []
        return list(review_spec(self.review.template).indicators)

    def current_indicator(self) -> Indicator | None:
        indicators = self.indicators
        return indicators[self.indicator % len(indicators)] if indicators else None

    def rows(self) -> list[UnitRow]:
        if self.review is None:
            return []
        current = self.current_indicator()
        return sort_rows(self.review.rows, self.sort_by or "state", current.id if current else None)

    def columns(self) -> list[ScreenColumn]:
        assert self.review is not None
        if self.compare:
            return compared_columns(self.review)
        return desk_columns(self.review, self.size.width or 80, self.current_indicator())

    def fill(self) -> None:
        if self.review is None:
            return
        table = self.query_one("#desk", DeskTable)  # typed: its cells are plain Text
        selected = self.selected()
        self._filled_width = self.size.width
        table.clear(columns=True)
        columns = self.columns()
        for column in columns:
            table.add_column(plain_cell(column.header), width=column.width, key=column.key)
        self._shown = self.rows()
        for row in self._shown:
            table.add_row(*(plain_cell(column.text(row)) for column in columns), key=self._key(row))
        if selected is not None:
            for index, row in enumerate(self._shown):
                if self._key(row) == self._key(selected):
                    table.move_cursor(row=index)
                    break
        self._describe()

    def on_resize(self) -> None:
        # Only a new width changes the columns; the screen gets several resizes while it is
        # mounted, and refilling 500 rows costs ~50 ms each.
        if self.size.width != self._filled_width:
            self.fill()

    @staticmethod
    def _key(row: UnitRow) -> str:
        return str(row.path) if row.path is not None else f"unit:{row.unit}"

    def selected(self) -> UnitRow | None:
        table = self.query_one("#desk", DataTable)
        rows = self._shown
        if not rows or table.row_count == 0 or not 0 <= table.cursor_row < len(rows):
            return None
        return rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on the table (its "select") opens the highlighted report, read-only.
        event.stop()
        self.action_open()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        row = self.selected()
        detail = self.query_one("#detail", WrappedText)
        detail.update(detail_text(row, self.review) if row is not None and self.review is not None else "")

    # ------------------------------------------------------------------ views
    def action_sort(self, by: str) -> None:
        if by == "indicator" and not self.indicators:
            self.notify("没有可排序的指标", timeout=3)
            return
        self.sort_by = by
        self.fill()
        self.notify(f"已按{SORTS[by]}排序", timeout=2)

    def action_next_indicator(self) -> None:
        indicators = self.indicators
        if not indicators:
            return
        self.indicator = (self.indicator + 1) % len(indicators)
        self.compare = False
        self.fill()
        self.notify(
            f"{indicators[self.indicator].name} = "
            f"{indicators[self.indicator].words or indicators[self.indicator].formula.text}",
            timeout=6,
        )

    def action_toggle_compare(self) -> None:
        self.compare = not self.compare
        self.fill()
        self.notify("各列为 本年/上年" if self.compare else "显示审核和填报状态", timeout=3)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.notify("按 Ctrl+Q 或 F10 退出；Esc 不会退出。", timeout=3)

    def palette_commands(self) -> list[PaletteEntry]:
        return bound_commands(self, self.PALETTE)

    def focus_chain_help(self) -> tuple[str, list[str]]:
        return "汇总审核", [self.HELP]
