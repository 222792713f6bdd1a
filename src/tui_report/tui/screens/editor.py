"""The guided entry: a section list with states and progress beside the page being filled."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList, Static

from tui_report.model.history import CellEdit, Change, FieldEdit, TextEdit
from tui_report.model.progress import STATE_LABELS, Step, sections_of, step_of_location
from tui_report.model.rules import Finding
from tui_report.session import OutsideChangeError
from tui_report.storage.errors import NotWritableHereError, ReportFileError
from tui_report.storage.safefile import UnsafeFileError
from tui_report.tui.appapi import report_app
from tui_report.tui.controller import Controller
from tui_report.tui.gridmodel import clip_cells
from tui_report.tui.textual_compat import QuietFooter, footer_listing_keys
from tui_report.tui.widgets.formpages import MetaPage, PreamblePage
from tui_report.tui.widgets.grid import TableGrid
from tui_report.tui.widgets.page import Page, PageView, TextTyped, page_id
from tui_report.tui.widgets.sections import SectionList
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.widgets.wrapped import WrappedText

PaletteCommand = tuple[str, str, Callable[[], object]]
SIDEBAR_WIDTH = 18
# Below this many columns a table page hides the section list (the tables need the room).
NARROW_WIDTH = 80
# Pages kept mounted: the one shown and the one before it (PgUp back costs no mounting). The
# others are taken down, their view kept in a PageView: every visited page kept mounted grew the
# memory by ~1 MB a page (#11: peak RSS).
KEPT_PAGES = 2
# Seconds after a page change before the pages taken down are collected: a run of PgDn pays it
# once, after the last one, never between a key and its screen.
COLLECT_AFTER = 0.5


def step_of_change(change: Change) -> tuple[str, str | None]:
    """The step an undone/redone change belongs to, and the cell or field to show."""
    edit = change.edits[0]
    if isinstance(edit, CellEdit):
        return f"table:{edit.table}", edit.cell
    if isinstance(edit, TextEdit):
        return f"text:{edit.key}", None
    assert isinstance(edit, FieldEdit)
    return ("preamble" if edit.field.startswith("preamble.") else "meta"), edit.field


class EditorScreen(Screen[None]):
    """The wizard.

    | Key(s) | Description |
    | :- | :- |
    | ctrl+s, f5 | save |
    | pageup / pagedown | previous / next page |
    | f3 | findings list |
    | f4 | fill the empty cells of this table with 0 |
    | f6 | show or hide the section list |
    | f9 | export to Word |
    | ctrl+z / ctrl+y | undo / redo |
    | escape | back to the section list (never quits) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", key_display="^S", id="editor.save"),
        Binding("f5", "save", "保存", key_display="F5", id="editor.save_f5", show=False),
        # Read-only, the same keys offer 另存为 (check_action shows one or the other).
        Binding("ctrl+s", "save_copy", "另存为", key_display="^S", id="editor.save_as"),
        Binding("f5", "save_copy", "另存为", key_display="F5", id="editor.save_as_f5", show=False),
        Binding("f3", "findings", "问题", key_display="F3", id="editor.findings"),
        Binding("f4", "fill_zero", "填0", key_display="F4", id="editor.fill_zero", priority=True),
        # Priority: the app runs them as they arrive and holds what comes after until the new page
        # has the focus (see action_step), so that typing or pasting right after PgDn lands there.
        Binding(
            "pageup", "step(-1)", "上一部分", key_display="PgUp", id="editor.prev", show=False, priority=True
        ),
        Binding("pagedown", "step(1)", "下一部分", key_display="PgDn", id="editor.next", priority=True),
        Binding(
            "f7", "step(-1)", "上一部分", key_display="F7", id="editor.prev_f7", show=False, priority=True
        ),
        Binding(
            "f8", "step(1)", "下一部分", key_display="F8", id="editor.next_f8", show=False, priority=True
        ),
        Binding("f6", "toggle_sidebar", "目录", key_display="F6", id="editor.sidebar", show=False),
        Binding("f9", "export", "导出", key_display="F9", id="editor.export", show=False),
        Binding("ctrl+z", "undo", "撤销", key_display="^Z", id="editor.undo", show=False),
        Binding("ctrl+y", "redo", "重做", key_display="^Y", id="editor.redo", show=False),
        Binding("escape", "back", "返回目录", key_display="Esc", id="editor.back", show=False),
    ]
    # Textual repaints the whole screen when the focus moves (Screen.focused repaints by default);
    # the widgets that gain and lose the focus repaint themselves (their styles change), so a page
    # change need not resend the title, the section list and the footer (#11).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    HELP = (
        "PgUp/PgDn（或 F7/F8）切换上一/下一部分；Esc 回到左侧目录；F6 隐藏/显示目录。"
        "Ctrl+S 或 F5 保存；F3 问题列表；F9 导出 Word；Ctrl+P 命令面板可到达每一部分和每个命令。"
    )

    def __init__(self, controller: Controller, banner: str = "") -> None:
        super().__init__()
        self.controller = controller
        self.banner = banner
        self.sections = sections_of(controller.report.tpl)
        self.steps: list[Step] = [step for s in self.sections for step in s.steps]
        self.current = self._first_open_step()
        self._recheck_timer: Timer | None = None
        self._title_text = ""
        self._progress_text = ""
        self._sidebar_chosen = False
        # Step keys, the page shown last; the views of pages as they were left.
        self._recent: list[str] = []
        self._views: dict[str, PageView] = {}
        self._collect_timer: Timer | None = None

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
            # The first page is composed with the screen, so that the first paint shows it
            # (mounting it afterwards costs a second full repaint at start-up).
            first = next(s for s in self.steps if s.key == self.current)
            with ContentSwitcher(id="pages", initial=page_id(first.key)):
                yield self._new_page(first)
        # Listing its keys in the first frame saves a frame at start-up.
        yield footer_listing_keys(QuietFooter(compact=True))

    async def on_mount(self) -> None:
        await self.show_step(self.current)

    def _first_open_step(self) -> str:
        states = self.controller.progress.steps
        for wanted in ("error", "partial", "empty"):
            for step in self.steps:
                if states.get(step.key) == wanted:
                    return step.key
        return self.steps[0].key

    @property
    def switcher(self) -> ContentSwitcher:
        return self.query_one("#pages", ContentSwitcher)

    @property
    def page(self) -> Page | None:
        current = self.switcher.current
        return self.switcher.get_child_by_id(current, Page) if current else None

    async def _page_for(self, step: Step) -> tuple[Page, bool]:
        """The step's page, and whether it was mounted now."""
        existing = self.switcher.query(f"#{page_id(step.key)}")
        if existing:
            page = existing.first()
            assert isinstance(page, Page)
            return page, False
        page = self._new_page(step)
        page.saved_view = self._views.pop(step.key, None)
        # Hidden until the switcher shows it: mounted visible, it is painted once stacked under
        # the page being left, then again alone.
        page.display = False
        await self.switcher.mount(page)
        return page, True

    def _new_page(self, step: Step) -> Page:
        if step.kind == "text":
            # Imported on first use: the text editor (TextArea) is the app's heaviest import and
            # the first page an operator sees is usually not a text part.
            from tui_report.tui.widgets.textpage import TextPage

            page_class: type[Page] = TextPage
        else:
            page_class = {
                "meta": MetaPage,
                "preamble": PreamblePage,
                "table": TablePage,
            }[step.kind]  # type: ignore[assignment]
        return page_class(self.controller, step)

    async def show_step(
        self, key: str, focus: bool = True, cell: str | None = None, field: str | None = None
    ) -> None:
        """Show a step's page (mounting it the first time) and put the focus in it. Awaited, so
        that keys typed right after PgDn reach the new page."""
        step = next(s for s in self.steps if s.key == key)
        old = self.page
        if old is not None and old.step.key != key:
            old.flush()
            self._views[old.step.key] = old.view_state()
        # Before mounting (awaited): a take-down running meanwhile must keep this page.
        self._recent = [key, *(k for k in self._recent if k != key)]
        # The section list's pointer moves at once, painted while the page mounts: over a thin
        # link the operator sees where the key goes before the page arrives.
        sections = self.query_one(SectionList)
        sections.highlight_step(key)
        sections.update_states(self.controller.progress, key, SIDEBAR_WIDTH - 2)
        page, mounted = await self._page_for(step)
        self.current = key
        self.switcher.current = page.id
        self._fit_sidebar()
        self.refresh_status()
        if mounted:
            restored = page.restore_view()
        else:
            view = self._views.pop(key, None)
            restored = page.focus_saved(view.focus if view else None)
        if cell is not None or field is not None:
            page.go_to(cell=cell, field=field)
        elif focus and not restored:
            page.focus_first()
        if len(self.switcher.children) > KEPT_PAGES:
            self.call_after_refresh(self._take_down_pages)

    def _take_down_pages(self) -> None:
        """Unmount the pages not among the last shown (their views are in self._views)."""
        del self._recent[KEPT_PAGES:]
        keep = {page_id(k) for k in self._recent} | {self.switcher.current}
        for page in list(self.switcher.query_children(Page)):
            if page.id not in keep:
                self._views.setdefault(page.step.key, page.view_state())
                page.remove()
        if self._collect_timer is not None:
            self._collect_timer.stop()
        self._collect_timer = self.set_timer(COLLECT_AFTER, self._collect)

    def _collect(self) -> None:
        # The pages taken down are cycles of widgets, styles and message queues: without a
        # collection their memory waits for the collector's rare full pass, and the peak grows.
        self._collect_timer = None
        gc.collect()

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
        title = f"{report.title or '（未填单位）'}"
        suffix = ("  " + " ".join(flags)) if flags else "  已保存"
        width = max(20, self.size.width or 80)
        text = clip_cells(title, width - len(suffix) - 2) + suffix
        if text != self._title_text:
            self.query_one("#title", Static).update(text)
            self._title_text = text
        progress = controller.progress
        progress_text = f"完成 {progress.done}/{progress.total}\n错误 {controller.error_count}  警告 {controller.warning_count}"
        if progress_text != self._progress_text:
            self.query_one("#progress", Static).update(progress_text)
            self._progress_text = progress_text
        sections = self.query_one(SectionList)
        sections.will_print = self._will_print()
        sections.update_states(progress, self.current, SIDEBAR_WIDTH - 2)
        page = self.page
        if isinstance(page, TablePage):
            page.show_status()
        show = getattr(getattr(self.app, "safety", None), "show_journal_problem", None)
        if callable(show):
            show(session)

    def _will_print(self) -> dict[str, str]:
        """Text parts left empty that the document prints as a word (六 → “无”)."""
        report = self.controller.report
        words: dict[str, str] = {}
        for step in self.steps:
            if step.kind != "text":
                continue
            part = report.tpl.text_part(step.target)
            if part.empty_prints is not None and not report.texts.get(step.target, "").strip():
                words[step.key] = part.empty_prints
        return words

    def on_table_grid_committed(self, event: TableGrid.Committed) -> None:
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

    async def after_pending_input(self) -> None:
        """Wait until the focused widget has handled the keys that arrived before this one (they
        wait in its own queue; a priority key is run by the app at once)."""
        focused = self.focused
        if focused is None:
            return
        handled = asyncio.Event()
        focused.call_later(handled.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(handled.wait(), timeout=1.0)

    async def action_step(self, delta: int) -> None:
        await self.after_pending_input()
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
        if finding is None or not finding.locations:
            return
        loc = finding.locations[0]
        key = step_of_location(loc.table, loc.text, loc.field)
        if key is None or all(s.key != key for s in self.steps):
            return
        await self.show_step(key, cell=loc.cell, field=loc.field)

    # ------------------------------------------------------------------ commands
    def flush(self) -> None:
        page = self.page
        if page is not None:
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
        self.refresh_status()
        self.notify(f"已保存：{self.controller.session.path}", timeout=3)

    def action_findings(self) -> None:
        from tui_report.tui.screens.findings import FindingsScreen

        self.flush()
        self.controller.recheck()
        self.refresh_status()
        self.app.push_screen(
            FindingsScreen(self.controller.report, self.controller.findings), self.jump_to_finding
        )

    async def action_fill_zero(self) -> None:
        # Priority (like PgDn), so that it acts on the table shown when it was pressed.
        await self.after_pending_input()
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
        return True

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
        commands += [
            ("保存", "Ctrl+S 或 F5", self.action_save),
            ("问题列表", "F3：列出所有错误和警告，Enter 跳到该处", self.action_findings),
            (
                "本表空格填0",
                "F4：把当前表格中所有空格填为0",
                lambda: self.app.call_later(self.action_fill_zero),
            ),
            (
                "采用自动合计",
                "删去文件中与各项之和不符的合计（当前格，或本表全部），改用自动计算的合计；可撤销",
                lambda: self.app.call_later(self.action_use_computed_totals),
            ),
            ("撤销", "Ctrl+Z", lambda: self.app.call_later(self.action_undo)),
            ("重做", "Ctrl+Y", lambda: self.app.call_later(self.action_redo)),
            ("导出 Word", "F9：导出 .docx；有错误时可选择导出草稿", self.action_export),
            ("下一部分", "PgDn 或 F8", lambda: self.app.call_later(self.action_step, 1)),
            ("上一部分", "PgUp 或 F7", lambda: self.app.call_later(self.action_step, -1)),
            ("显示/隐藏目录", "F6", self.action_toggle_sidebar),
            ("另存为", "把报告保存到另一个文件", self.action_save_as),
            ("关闭报告", "回到开始页（有未保存的修改时会询问）", self.action_close_report),
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
