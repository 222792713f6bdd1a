"""The guided entry: a section list with states and progress beside the page being filled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static

from tui_report.model.history import CellEdit, Change, FieldEdit, TextEdit
from tui_report.model.linebreak import cells, clip
from tui_report.model.progress import STATE_LABELS, Progress, Step, sections_of, step_of_location
from tui_report.model.report import Report
from tui_report.model.rules import Finding, likely_spot
from tui_report.session import OutsideChangeError
from tui_report.storage.errors import NotWritableHereError, ReportFileError
from tui_report.storage.safefile import UnsafeFileError
from tui_report.tui.appapi import report_app
from tui_report.tui.commands import PaletteNames, bound_commands
from tui_report.tui.controller import Controller
from tui_report.tui.grid.widget import Committed
from tui_report.tui.plain import line_text, plain, plain_line
from tui_report.tui.screens.editorflow import WorkflowEditing
from tui_report.tui.textual_compat import QuietFooter, footer_listing_keys
from tui_report.tui.widgets.page import Page, TextTyped
from tui_report.tui.widgets.pagedeck import PageDeck
from tui_report.tui.widgets.sections import SectionList
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.widgets.wrapped import WrappedText

PaletteCommand = tuple[str, str, Callable[[], object]]
SIDEBAR_WIDTH = 18
# Below this many columns a table page hides the section list (the tables need the room).
NARROW_WIDTH = 80


def step_of_change(change: Change) -> tuple[str, str | None]:
    """The step an undone/redone change belongs to, and the cell or field to show."""
    edit = change.edits[0]
    if isinstance(edit, CellEdit):
        return f"table:{edit.table}", edit.cell
    if isinstance(edit, TextEdit):
        return f"text:{edit.key}", None
    assert isinstance(edit, FieldEdit)
    return ("preamble" if edit.field.startswith("preamble.") else "meta"), edit.field


def first_open_step(steps: list[Step], progress: Progress) -> str:
    """Where the editor opens: the first step with errors, else the first unfinished one."""
    for wanted in ("error", "partial", "empty"):
        for step in steps:
            if progress.steps.get(step.key) == wanted:
                return step.key
    return steps[0].key


def printed_when_empty(report: Report, steps: list[Step]) -> dict[str, str]:
    """Text parts left empty that the document prints as a word (六 → “无”), by step key."""
    words: dict[str, str] = {}
    for step in steps:
        if step.kind != "text":
            continue
        part = report.tpl.text_part(step.target)
        if part.empty_prints is not None and not report.texts.get(step.target, "").strip():
            words[step.key] = part.empty_prints
    return words


async def after_pending_input(screen: Screen[Any]) -> None:
    """Wait until the focused widget has handled the keys that arrived before this one (they wait
    in its own queue; a priority key is run by the app at once)."""
    focused = screen.focused
    if focused is None:
        return
    handled = asyncio.Event()
    focused.call_later(handled.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(handled.wait(), timeout=1.0)


# The editor's keys (F1, the palette and the README's key table read them from here).
EDITOR_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+s",
        "save",
        "保存",
        id="editor.save",
        tooltip="保存报告（每次保存都保留上一版）",
    ),
    Binding("f5", "save", "保存", id="editor.save_f5", show=False),
    # Read-only, the same keys offer 另存为 (check_action shows one or the other).
    Binding(
        "ctrl+s",
        "save_copy",
        "另存为",
        id="editor.save_as",
        tooltip="只读打开时：保存为另一个文件",
    ),
    Binding("f5", "save_copy", "另存为", id="editor.save_as_f5", show=False),
    Binding(
        "f3",
        "findings",
        "问题",
        id="editor.findings",
        tooltip="列出所有错误和警告，Enter 跳到该处",
    ),
    Binding(
        "f4",
        "fill_zero",
        "填0",
        id="editor.fill_zero",
        priority=True,
        tooltip="把当前表格中所有空格填为0",
    ),
    # Priority: the app runs them as they arrive and holds what comes after until the new page
    # has the focus (see action_step), so that typing or pasting right after PgDn lands there.
    Binding("pageup", "step(-1)", "上一部分", id="editor.prev", show=False, priority=True),
    Binding("pagedown", "step(1)", "下一部分", id="editor.next", priority=True),
    Binding("f7", "step(-1)", "上一部分", id="editor.prev_f7", show=False, priority=True),
    Binding("f8", "step(1)", "下一部分", id="editor.next_f8", show=False, priority=True),
    Binding(
        "f6",
        "toggle_sidebar",
        "目录",
        id="editor.sidebar",
        show=False,
        tooltip="隐藏或显示左侧目录",
    ),
    Binding(
        "f9",
        "export",
        "导出",
        id="editor.export",
        show=False,
        tooltip="导出 Word（.docx）；有错误时可选择导出草稿；F2 切换第一部分小标题的排法",
    ),
    Binding("ctrl+z", "undo", "撤销", id="editor.undo", show=False),
    Binding("ctrl+y", "redo", "重做", id="editor.redo", show=False),
    # F11: 报送审核 for the operator; in a report opened from the desk, the reviewer's comment on the
    # cell or text part under the cursor (check_action shows one or the other).
    Binding(
        "f11",
        "submit_for_review",
        "报送审核",
        id="editor.submit",
        show=False,
        tooltip="保存后报送县政务公开办审核（有错误或未填写的部分时不能报送，并列出原因）",
    ),
    Binding(
        "f11",
        "comment_here",
        "提意见",
        id="editor.comment",
        show=False,
        tooltip="从汇总审核打开的报告里：对光标所在的单元格或文字部分提审核意见",
    ),
    # Ctrl+Q in a report opened from the desk closes it and goes back there: the footer says so
    # (the app's ^Q 退出 otherwise; check_action shows one or the other).
    Binding(
        "ctrl+q",
        "close_to_desk",
        "返回汇总",
        id="editor.close_to_desk",
        tooltip="从汇总审核打开的报告：关闭它，回到汇总审核（有未保存的修改时先问）",
    ),
    Binding(
        "escape",
        "back",
        "返回目录",
        id="editor.back",
        show=False,
        tooltip="退回一级，不会退出程序",
    ),
]

# The palette's commands for these bindings: binding id → the command's name (its keys and
# what it does come from the binding).
EDITOR_PALETTE: PaletteNames = {
    "editor.save": "保存",
    "editor.findings": "问题列表",
    "editor.fill_zero": "本表空格填0",
    "editor.undo": "撤销",
    "editor.redo": "重做",
    "editor.export": "导出 Word",
    "editor.next": "下一部分",
    "editor.prev": "上一部分",
    "editor.sidebar": "显示/隐藏目录",
}


class EditorScreen(WorkflowEditing):
    """The wizard (not repainted whole when the focus moves: QuietFocusScreen; the review
    workflow's parts in WorkflowEditing).

    The keys are the BINDINGS below (F1 lists them, the README table is checked against them).
    """

    BINDINGS: ClassVar[list[BindingType]] = EDITOR_BINDINGS
    PALETTE: ClassVar[PaletteNames] = EDITOR_PALETTE

    # What the keys cannot say (F1 lists the keys themselves, from the bindings).
    HELP = "左侧是目录（各部分的填写状态），右侧是正在填写的部分；命令面板可到达每一部分和每个命令。"

    def __init__(self, controller: Controller, banner: str = "") -> None:
        super().__init__()
        self.controller = controller
        self.banner = banner
        self.sections = sections_of(controller.report.tpl)
        self.steps: list[Step] = [step for s in self.sections for step in s.steps]
        self.current = first_open_step(self.steps, controller.progress)
        self._recheck_timer: Timer | None = None
        self._title_text = ""
        self._progress_text = ""
        self._sidebar_chosen = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="title", classes="title-bar")
        banner = self.banner
        if self.controller.read_only:
            banner = ("只读：本报告不能修改（可浏览、检查、导出）。" + banner).strip()
        yield WrappedText(banner, id="banner", classes="banner" if banner else "banner -hidden")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield SectionList(
                    self.sections, self.controller.progress, self.current, SIDEBAR_WIDTH - 2, id="sections"
                )
                yield Static("", id="progress")
            yield PageDeck(self.controller, next(s for s in self.steps if s.key == self.current), id="pages")
        # Listing its keys in the first frame saves a frame at start-up.
        yield footer_listing_keys(QuietFooter(compact=True))

    async def on_mount(self) -> None:
        self.workflow_opened()
        await self.show_step(self.current)

    @property
    def deck(self) -> PageDeck:
        return self.query_one(PageDeck)

    @property
    def switcher(self) -> PageDeck:
        return self.deck

    @property
    def page(self) -> Page | None:
        return self.deck.page

    async def show_step(
        self, key: str, focus: bool = True, cell: str | None = None, field: str | None = None
    ) -> None:
        """Show a step's page (mounting it the first time) and put the focus in it. Awaited, so
        that keys typed right after PgDn reach the new page."""
        step = next(s for s in self.steps if s.key == key)
        deck = self.deck
        old = deck.page
        if old is not None and old.step.key != key:
            deck.leave(old)
        deck.shown_now(key)  # before mounting (awaited)
        # The section list's pointer moves at once, painted while the page mounts: over a thin
        # link the operator sees where the key goes before the page arrives.
        sections = self.query_one(SectionList)
        sections.highlight_step(key)
        sections.update_states(self.controller.progress, key, SIDEBAR_WIDTH - 2)
        page, mounted = await self._page_for(step)
        self.current = key
        deck.current = page.id
        self._fit_sidebar()
        self.refresh_status()
        restored = deck.restore(page, mounted)
        if cell is not None or field is not None:
            page.go_to(cell=cell, field=field)
        elif focus and not restored:
            page.focus_first()
        deck.take_down_later()

    async def _page_for(self, step: Step) -> tuple[Page, bool]:
        return await self.deck.page_for(step)

    # ------------------------------------------------------------------ status
    def refresh_status(self) -> None:
        controller = self.controller
        report = controller.report
        session = controller.session
        flags = []
        if session.dirty:
            flags.append("*未保存")
        if session.read_only:
            flags.append("只读")
        title = line_text(report.title) or "（未填单位）"
        suffix = ("  " + " ".join(flags)) if flags else "  已保存"
        if self.workflow_title:
            suffix = f"  {self.workflow_title}{suffix}"
        width = max(20, self.size.width or 80)
        text = clip(title, width - cells(suffix) - 2) + suffix
        if text != self._title_text:
            self.query_one("#title", Static).update(plain_line(text))
            self._title_text = text
        progress = controller.progress
        # Only what was filled counts (model/progress): a blank report reads 完成 0/9 0%.
        progress_text = (
            f"完成 {progress.done}/{progress.total} {progress.percent}%\n"
            f"错误 {controller.error_count}  警告 {controller.warning_count}"
        )
        if progress_text != self._progress_text:
            self.query_one("#progress", Static).update(plain(progress_text))
            self._progress_text = progress_text
        sections = self.query_one(SectionList)
        sections.will_print = printed_when_empty(controller.report, self.steps)
        sections.update_states(progress, self.current, SIDEBAR_WIDTH - 2)
        page = self.page
        if isinstance(page, TablePage):
            page.show_status()
        report_app(self).show_journal_problem(session)

    def on_table_grid_committed(self, event: Committed) -> None:
        self.refresh_status()

    def on_screen_resume(self) -> None:
        # Back from a dialog, the palette or the findings list: everything drawn again, whole.
        self._title_text = ""
        self.refresh_status()

    def on_text_typed(self, event: TextTyped) -> None:
        if self._recheck_timer is not None:
            self._recheck_timer.stop()
        self._recheck_timer = self.set_timer(0.4, self._recheck_after_typing)
        session = self.controller.session
        if session.dirty and self.controller.matches_saved():
            session.dirty = False  # typed back to what is in the file
        if ("*未保存" in self._title_text) != session.dirty:
            self.refresh_status()

    def _recheck_after_typing(self) -> None:
        self.controller.recheck()
        self.refresh_status()

    # ------------------------------------------------------------------ navigation
    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if not isinstance(event.option_list, SectionList):
            return
        event.stop()
        await self.show_step(event.option_list.step_at[event.option_index])

    async def action_step(self, delta: int) -> None:
        await after_pending_input(self)
        index = next(i for i, s in enumerate(self.steps) if s.key == self.current)
        target = index + delta
        if 0 <= target < len(self.steps):
            await self.show_step(self.steps[target].key)
        else:
            self.notify("已经是第一部分" if delta < 0 else "已经是最后一部分", timeout=2)

    def action_back(self) -> None:
        focused = self.focused
        if (
            focused is not None
            and not isinstance(focused, SectionList)
            and self.switcher in focused.ancestors
        ):
            page = self.page
            if page is not None:
                page.flush()
            self.query_one(SectionList).focus()
            return
        if report_app(self).from_desk():
            self.action_close_report()  # the top level of a report opened from the desk: back there
            return
        self.notify("按 Ctrl+Q 或 F10 退出；Esc 不会退出。", timeout=3)

    def action_toggle_sidebar(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display
        self._sidebar_chosen = True  # the operator decides from now on

    def _fit_sidebar(self) -> None:
        """On a table page in a narrow window the section list steps aside (F6 brings it back)."""
        if self._sidebar_chosen:
            return
        narrow = 0 < self.size.width < NARROW_WIDTH
        self.query_one("#side").display = not (narrow and isinstance(self.page, TablePage))

    def on_resize(self) -> None:
        self._fit_sidebar()

    async def jump_to_finding(self, finding: Finding | None) -> None:
        """F3's Enter: to where the slip most likely is (the last edited cell of an equation, else
        its total; the number a text quotes), showing what the finding is about there."""
        if finding is None:
            return
        loc = likely_spot(finding, self.controller.history.edited_cells())
        if loc is None:
            return
        key = step_of_location(loc.table, loc.text, loc.field)
        if key is None or all(s.key != key for s in self.steps):
            return
        await self.show_step(key, cell=loc.cell, field=loc.field)
        page = self.page
        if page is not None:
            page.show_finding(finding, loc)

    # ------------------------------------------------------------------ commands
    def flush(self) -> None:
        page = self.page
        if page is not None and page.built:
            page.flush()

    def action_save(self) -> None:
        self.flush()
        if self.controller.read_only:
            self.notify("报告以只读方式打开，不能保存。", severity="warning")
            return
        try:
            self.controller.session.save()
        except OutsideChangeError as exc:
            # Someone changed the file since it was loaded: ask, never overwrite silently.
            report_app(self).resolve_outside_change(self.controller, exc.change)
            return
        except (NotWritableHereError, UnsafeFileError) as exc:
            # Not writable in place any more (or no longer a regular file): the edits are intact,
            # another file is the way out.
            self.notify(str(exc), title="无法在此保存，请另存为", severity="error", timeout=15)
            self.action_save_as()
            return
        except ReportFileError as exc:
            self.notify(str(exc), title="保存失败", severity="error", timeout=10)
            return
        report_app(self).remember(self.controller.session.path)
        self.read_workflow()
        self.refresh_status()
        self.notify(f"已保存：{self.controller.session.path}", timeout=3, markup=False)

    async def action_fill_zero(self) -> None:
        # Priority (like PgDn), so that it acts on the table shown when it was pressed.
        await after_pending_input(self)
        page = self.page
        if not isinstance(page, TablePage):
            self.notify("“填0”只用于表格：请先打开一张表。", timeout=3)
            return
        if self.controller.read_only:
            self.notify("报告以只读方式打开，不能修改。", severity="warning")
            return
        count = self.controller.fill_zero(page.step.target)
        page.reload()
        self.refresh_status()
        self.notify(f"已把{count}个空格填为0（Ctrl+Z 可撤销）" if count else "这张表没有空格", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fill_zero":
            return isinstance(self.page, TablePage)
        if action in ("save", "save_copy"):
            return self.controller.read_only == (action == "save_copy")
        workflow = self.check_workflow_action(action)
        return True if workflow is None else workflow

    def action_save_copy(self) -> None:
        self.action_save_as()

    async def _after_history(self, change: Change | None, verb: str) -> None:
        if change is None:
            self.notify(f"没有可{verb}的操作", timeout=2)
            return
        for page in self.switcher.query(Page):
            page.reload()
        key, where = step_of_change(change)
        cell = where if key.startswith("table:") else None
        if key != self.current or cell is not None:
            await self.show_step(key, cell=cell)
        if self.controller.matches_saved():
            self.controller.session.dirty = False  # undone back to what is in the file
        self.refresh_status()
        self.notify(f"已{verb}：{change.label}", timeout=2)

    async def action_use_computed_totals(self) -> None:
        """采用自动合计: the cursor's total if it has a stored value, else every stored total of the
        table shown."""
        page = self.page
        if not isinstance(page, TablePage) or self.controller.read_only:
            self.notify("请先到表格页（报告不能是只读打开的）", timeout=3)
            return
        grid = page.grid
        compiled = self.controller.report.tpl.table(grid.table)
        stored = [
            c
            for c in compiled.order
            if compiled.cells[c].computed and self.controller.report.entered(grid.table, c) is not None
        ]
        cells = [grid.cell_id] if grid.cell_id in stored else stored
        dropped = self.controller.use_computed_totals(grid.table, cells)
        if not dropped:
            self.notify("本表没有与各项之和不符的合计", timeout=3)
            return
        page.reload()
        self.refresh_status()
        self.notify(f"已采用自动合计：{dropped}处（Ctrl+Z 撤销）", timeout=3)

    async def action_undo(self) -> None:
        self.flush()
        await self._after_history(self.controller.undo(), "撤销")

    async def action_redo(self) -> None:
        self.flush()
        await self._after_history(self.controller.redo(), "重做")

    def action_export(self) -> None:
        self.flush()
        report_app(self).start_export(self.controller)

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = []
        states = self.controller.progress.steps
        for section in self.sections:
            for step in section.steps:
                name = section.heading if len(section.steps) == 1 else f"{section.heading} > {step.title}"
                if step.kind == "table":
                    # Operators call the tables by the name the template gives them (表三).
                    table_name = self.controller.report.tpl.table(step.target).spec.name
                    name = f"{table_name} {name}" if table_name else name
                commands.append(
                    (
                        f"跳到：{name}",
                        f"状态：{STATE_LABELS[states.get(step.key, 'empty')]}",
                        partial(self.app.call_later, self.show_step, step.key),
                    )
                )
        commands += bound_commands(self, self.PALETTE)
        commands += self.workflow_commands()
        commands += [
            (
                "采用自动合计",
                "删去文件中与各项之和不符的合计（当前格，或本表全部），改用自动计算的合计；可撤销",
                lambda: self.app.call_later(self.action_use_computed_totals),
            ),
            ("另存为", "把报告保存到另一个文件", self.action_save_as),
            (
                "关闭报告",
                f"回到{'汇总审核' if report_app(self).from_desk() else '开始页'}（有未保存的修改时会询问）",
                self.action_close_report,
            ),
        ]
        return commands

    def action_save_as(self) -> None:
        self.flush()
        from tui_report.tui.screens.dialogs import PathDialog

        session = self.controller.session

        def done(path: Path | None) -> None:
            if path is None:
                return
            try:
                session.save_as(path)
            except ReportFileError as exc:
                self.notify(str(exc), title="保存失败", severity="error", timeout=10)
                return
            report_app(self).remember(path)
            self.refresh_status()
            self.notify(f"已另存为：{path}", timeout=3)

        self.app.push_screen(
            PathDialog("另存为（文件名）：", session.path.with_name(session.path.stem + "-副本.toml")), done
        )

    def action_close_report(self) -> None:
        self.flush()
        report_app(self).close_report(self.controller)

    def focus_chain_help(self) -> tuple[str, list[str]]:
        """Title and notes for F1, from the focused widget up."""
        notes: list[str] = []
        node: Widget | None = self.focused
        title = "填报"
        while node is not None and node is not self:
            text = getattr(node, "HELP", "")
            if text and text not in notes:
                notes.append(text)
            node = node.parent if isinstance(node.parent, Widget) else None
        notes.append(self.HELP)
        page = self.page
        if page is not None:
            title = page.step.title
        return title, notes
