"""The review desk in the app: every unit's report of a folder, refreshed as files change.

Opened from the start screen (V) or by ``tui-report review DIR`` on a terminal. The folder is read
in a worker thread (the screen shows at once); every two seconds the folder's and the lock
folder's file times are compared, and only changed files are read again.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui_report.model.indicators import format_figure, review_spec
from tui_report.model.rules import Finding
from tui_report.review.columns import SCREEN_COLUMNS, screen_text
from tui_report.review.desk import (
    InspectionCache,
    Review,
    ReviewError,
    review_folder,
    sort_rows,
)
from tui_report.review.discovery import watched_folders
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.review.unitrow import UnitRow
from tui_report.storage.errors import ReportFileError
from tui_report.tui.appapi import report_app
from tui_report.tui.plain import plain_cell, plain_line, plain_lines
from tui_report.tui.screens.editor import EditorScreen

POLL_SECONDS = 2.0
SORTS = {"state": "状态", "unit": "单位", "indicator": "指标"}


Signature = tuple[tuple[str, int, int], ...]


def folder_signature(folder: Path) -> Signature:
    """Names, sizes and modification times of the files and lock files of the folder and of its
    unit folders: any save, new report, or editor coming or going changes it (cheap: two
    directory scans per folder)."""
    found: list[tuple[str, int, int]] = []
    for where in (w for unit in watched_folders(folder) for w in (unit, unit / ".locks")):
        try:
            with os.scandir(where) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append((entry.path, info.st_size, info.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(found))


class DeskTable(DataTable[Text]):
    """The desk's table: Enter (the table's own "select") is shown in the footer as 打开."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "打开", key_display="Enter", id="review.open"),
    ]


class ReviewScreen(Screen[None]):
    """The review desk.

    The keys are the BINDINGS below (F1 lists them, the README table is checked against them).
    """

    DEFAULT_CSS = """
    ReviewScreen #desk { height: 1fr; border: none; }
    ReviewScreen #count { height: 1; padding: 0 1; text-style: bold; }
    ReviewScreen #detail { height: 2; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "findings", "问题", key_display="F3", id="review.findings"),
        Binding("s", "sort('state')", "按状态", key_display="S", id="review.sort_state"),
        Binding("u", "sort('unit')", "按单位", key_display="U", id="review.sort_unit"),
        Binding("i", "next_indicator", "指标", key_display="I", id="review.indicator"),
        Binding("o", "sort('indicator')", "按指标", key_display="O", id="review.sort_indicator"),
        Binding("r", "reload", "刷新", key_display="R", id="review.reload", show=False),
        Binding("escape", "back", show=False, id="review.back"),
    ]
    HELP = (
        "汇总审核：每行一个单位。上下键选择，Enter 打开报告（有人正在编辑时只读打开），F3 查看该报告的问题；"
        "S 按状态排序，U 按单位排序，I 切换显示的指标，O 按该指标排序。文件有变化时自动刷新。"
    )

    def __init__(self, folder: Path, roster: Path | None = None, year: int | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.roster = roster
        self.year = year
        self.review: Review | None = None
        self.sort_by = "state"
        self.indicator = 0  # index into the template's indicators
        self.cache: InspectionCache = {}
        # The first reading, started before the app (``tui-report review DIR``): see
        # tui/reviewapp.py.
        self.prefetched: Future[tuple[Signature, Review]] | None = None
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static(plain_line(f"汇总审核：{self.folder}"), classes="title-bar", id="title")
        yield Static("正在读取各单位的报告……", id="count")
        yield DeskTable(id="desk", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
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
        if folder_signature(self.folder) != self._signature:
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
                signature = folder_signature(self.folder)
                # Forked workers only while no report is open here: a fork would share its edit lock.
                processes = 1 if report_app(self).controller is not None else None
                review = review_folder(self.folder, self.roster, self.year, processes, cache=self.cache)
        except ReviewError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, review, signature)

    def _failed(self, message: str) -> None:
        self._loading = False
        self.query_one("#count", Static).update(plain_line(f"无法读取：{message}"))

    def _show(self, review: Review, signature: tuple[tuple[str, int, int], ...]) -> None:
        self._loading = False
        self._signature = signature
        self.review = review
        year = f"{review.year}年度 " if review.year else ""
        roster = "（名册）" if review.roster else "（无名册）"
        self.query_one("#title", Static).update(plain_line(f"汇总审核：{year}{self.folder}{roster}"))
        self.query_one("#count", Static).update(plain_line(review.count_line()))
        self.fill()

    # ------------------------------------------------------------------ the table
    @property
    def indicators(self) -> list[tuple[str, str, str]]:
        """(id, short name, format) of the indicators of the folder's template."""
        if self.review is None or not self.review.template:
            return []
        return [(i.id, i.short, i.format) for i in review_spec(self.review.template).indicators]

    def rows(self) -> list[UnitRow]:
        if self.review is None:
            return []
        indicators = self.indicators
        chosen = indicators[self.indicator % len(indicators)][0] if indicators else None
        return sort_rows(self.review.rows, self.sort_by, chosen)

    def fill(self) -> None:
        table = self.query_one("#desk", DeskTable)  # typed: its cells are plain Text
        selected = self.selected()
        table.clear(columns=True)
        indicators = self.indicators
        current = indicators[self.indicator % len(indicators)] if indicators else None
        for column in SCREEN_COLUMNS:
            table.add_column(plain_cell(column.short or column.header), width=column.width)
        table.add_column(plain_cell(current[1] if current else "指标"), width=8)
        for row in self.rows():
            value = format_figure(row.indicators.get(current[0]), current[2]) if current else ""
            cells = [screen_text(column, row) for column in SCREEN_COLUMNS]
            table.add_row(*(plain_cell(cell) for cell in [*cells, value]), key=self._key(row))
        if selected is not None:
            for index, row in enumerate(self.rows()):
                if self._key(row) == self._key(selected):
                    table.move_cursor(row=index)
                    break
        self._describe()

    @staticmethod
    def _key(row: UnitRow) -> str:
        return str(row.path) if row.path is not None else f"unit:{row.unit}"

    def selected(self) -> UnitRow | None:
        table = self.query_one("#desk", DataTable)
        rows = self.rows()
        if not rows or table.row_count == 0 or not 0 <= table.cursor_row < len(rows):
            return None
        return rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on the table (its "select") opens the highlighted report.
        event.stop()
        self.action_open()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def _describe(self) -> None:
        row = self.selected()
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("")
            return
        parts = [row.file_name or "尚未提交报告"]
        if row.editor:
            since = row.editor.since[11:16] if len(row.editor.since) >= 16 else ""
            parts.append(f"{row.editor.who}正在编辑" + (f"（{since}起）" if since else ""))
        if row.saved_at:
            parts.append(f"{row.saved_at:%m-%d %H:%M} {row.saved_by}保存")
        if row.exported:
            parts.append("已导出 " + "、".join(row.exported))
        if row.contact:
            parts.append(f"联系人 {row.contact}")
        if not row.in_roster and self.review is not None and self.review.roster is not None:
            parts.append("不在名册中")
        lines = ["  ".join(parts)]
        if row.problem:
            lines.append(row.problem)
        detail.update(plain_lines(lines))

    # ------------------------------------------------------------------ actions
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
        self.fill()
        spec = review_spec(self.review.template).indicators[self.indicator] if self.review else None
        if spec is not None:
            self.notify(f"{spec.name} = {spec.formula.text}", timeout=6)

    def action_reload(self) -> None:
        self.load()

    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.path is None:
            self.notify(f"{row.unit}尚未提交报告", severity="warning", timeout=4)
            return
        report_app(self).open_path(row.path, read_only=row.editor is not None)

    def action_findings(self) -> None:
        from tui_report.storage.reportfile import decode_report_bytes, loads_report
        from tui_report.tui.screens.findings import FindingsScreen

        row = self.selected()
        if row is None or row.path is None:
            return
        if row.problem and not row.unit:
            self.notify(row.problem, title="无法读取", severity="error", timeout=8)
            return
        try:
            report = loads_report(decode_report_bytes(read_plain_file(row.path), row.path), row.path)
        except (UnsafeFile, ReportFileError) as exc:
            self.notify(str(exc), title="无法读取", severity="error", timeout=8)
            return
        self.app.push_screen(FindingsScreen(report, row.findings), self._jump)

    def _jump(self, finding: Finding | None) -> None:
        """Enter on a finding: open the report there (as F3 in the editor does)."""
        if finding is None:
            return
        self.action_open()
        screen = self.app.screen
        if isinstance(screen, EditorScreen):
            self.app.call_after_refresh(screen.jump_to_finding, finding)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.notify("按 Ctrl+Q 或 F10 退出；Esc 不会退出。", timeout=3)

    def focus_chain_help(self) -> tuple[str, list[str]]:
        return "汇总审核", [self.HELP]
