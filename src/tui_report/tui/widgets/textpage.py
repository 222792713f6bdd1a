"""A text part: heading, the template's guidance, a soft-wrapping editor and a character count."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from tui_report.model.history import Change, TextEdit
from tui_report.model.progress import Step
from tui_report.model.rules import Finding, Location
from tui_report.tui.controller import Controller
from tui_report.tui.keynames import key_label
from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.page import Page, PageView, TextTyped
from tui_report.tui.widgets.wrapped import WrappedText


def _location(text: str, offset: int) -> tuple[int, int]:
    """(line, column) in a text box of the character at ``offset`` of its text."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset), offset - line_start


def char_count(text: str) -> int:
    """Characters as an operator counts them: without spaces and line breaks."""
    return sum(1 for ch in text if not ch.isspace())


class ReportTextArea(TextArea, inherit_bindings=False):
    """A TextArea without its PgUp/PgDn and F6/F7 bindings (those keys move between report
    sections), with Ctrl+Home / Ctrl+End to the start / end of the whole text: the end of a
    5,000-character text is one key away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            b
            for b in TextArea.BINDINGS
            if isinstance(b, Binding) and b.key not in ("pageup", "pagedown", "f6", "f7")
        ),
        Binding("ctrl+home", "text_start", "到全文开头", show=False, tooltip="文字框里"),
        Binding("ctrl+end", "text_end", "到全文末尾", show=False, tooltip="文字框里"),
    ]

    def action_text_start(self) -> None:
        self.move_cursor((0, 0))

    def action_text_end(self) -> None:
        self.move_cursor(self.document.end)


class TextPage(Page):
    NEEDS = ("#text-editor", ".text-count", "#last-year-text")
    HELP = "文字部分：直接输入（支持中文输入法和粘贴整段文字），自动换行；撤销、重做只在本框内。"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l",
            "toggle_last_year",
            "上年文字",
            id="text.last_year",
            # Named under the box (_count_text): the footer has no room for it at 80 columns.
            show=False,
            tooltip="在右侧显示/隐藏上年报告的同一部分（供参考，不要照抄）",
        ),
    ]
    DEFAULT_CSS = """
    TextPage #text-row { height: 1fr; }
    TextPage #last-year { width: 1fr; height: 1fr; display: none; padding: 0 1; color: $text-muted; }
    TextPage #last-year.-shown { display: block; }
    """

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(controller, step)
        self.part = controller.report.tpl.text_part(step.target)
        self._committed = controller.report.texts.get(step.target, "")

    def compose(self) -> ComposeResult:
        section = next(s for s in self.controller.report.tpl.sections if s.key == self.step.section)
        title = (
            section.heading
            if section.heading.endswith(self.part.title)
            else f"{section.heading} > {self.part.title}"
        )
        yield Static(plain_line(title), classes="page-title")
        if self.part.guidance:
            yield WrappedText("提示：" + self.part.guidance, classes="guidance")
        editor = ReportTextArea(
            self._committed,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            read_only=self.controller.read_only,
            id="text-editor",
            placeholder="在此输入" + ("（没有的写“无”）" if self.part.empty_prints else ""),
        )
        editor.cursor_blink = False
        with Horizontal(id="text-row"):
            yield editor
            with VerticalScroll(id="last-year"):
                yield WrappedText("", id="last-year-text")
        yield Static(plain_line(self._count_text(self._committed)), classes="text-count")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#text-editor", TextArea)

    def view_state(self) -> PageView:
        view = super().view_state()
        view.extra = self.editor.selection
        return view

    def restore_view(self) -> bool:
        saved = self.saved_view.extra if self.saved_view is not None else None
        focused = super().restore_view()
        if isinstance(saved, Selection):
            self.editor.selection = saved
        return focused

    def _count_text(self, text: str) -> str:
        binding = self.BINDINGS[0]
        hint = f"    {key_label(binding.key)} {binding.description}" if isinstance(binding, Binding) else ""
        if self.part.empty_prints is not None and not text.strip():
            return f"字数：0（留空将打印“{self.part.empty_prints}”）{hint}"
        optional = "（可不填）" if not self.part.required else ""
        return f"字数：{char_count(text)}{optional}{hint}"

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._take(event.text_area.text)

    def _take(self, text: str) -> None:
        """The box's text into the model (uncommitted: undo records it on flush)."""
        report = self.controller.report
        if report.texts.get(self.step.target, "") == text:
            return
        if text:
            report.texts[self.step.target] = text
        else:
            report.texts.pop(self.step.target, None)
        # Typing: journaled at most once a second (the app flushes every second); leaving the
        # box commits the text (flush → controller.record) and journals it at once.
        self.controller.session.mark_edited(commit=False)
        self.query_one(".text-count", Static).update(plain_line(self._count_text(text)))
        self.post_message(TextTyped())

    def on_descendant_blur(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.built:  # being composed: nothing typed yet, and its boxes may be missing
            return
        # The box's own text: its Changed message may still be on its way (Ctrl+S or PgDn right
        # after a paste reach the screen before it).
        self._take(self.editor.text)
        text = self.controller.report.texts.get(self.step.target, "")
        if text != self._committed:
            change = Change(self.part.title, (TextEdit(self.step.target, self._committed, text),))
            self._committed = text
            self.controller.record(change)

    def reload(self) -> None:
        text = self.controller.report.texts.get(self.step.target, "")
        self._committed = text
        if self.editor.text != text:
            self.editor.load_text(text)
        self.query_one(".text-count", Static).update(plain_line(self._count_text(text)))

    def focus_first(self) -> None:
        self.focus_now(self.editor)

    def show_finding(self, finding: Finding, spot: Location) -> None:
        """The cursor on the number or phrase the finding quotes (98件), selected: typing replaces
        it. A finding about the whole text starts at its beginning."""
        editor = self.editor
        self.focus_now(editor)
        start, end = finding.span if finding.span is not None else (0, 0)
        text = editor.text
        if end > len(text):  # the text changed since the check
            start = end = 0
        editor.selection = Selection(_location(text, start), _location(text, end))
        editor.call_after_refresh(editor.scroll_cursor_visible, center=True)

    def action_toggle_last_year(self) -> None:
        """Last year's text of the same part beside the box (found in the report's folder)."""
        panel = self.query_one("#last-year")
        if panel.has_class("-shown"):
            panel.remove_class("-shown")
            return
        from tui_report.storage.siblings import last_year_beside

        report = self.controller.report
        last = last_year_beside(self.controller.session.path, report)
        if last is None:
            self.notify(f"同一文件夹中没有找到本单位{report.year - 1}年的报告", severity="warning", timeout=4)
            return
        text = last.texts.get(self.step.target, "").strip() or "（上年这一部分没有填写）"
        self.query_one("#last-year-text", WrappedText).update(f"上年（{last.year}年）：\n{text}")
        panel.add_class("-shown")
