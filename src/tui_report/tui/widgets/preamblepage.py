"""The preamble's fields (统计期限, 编制依据, 联系地址…) as a form of text boxes as tall as their values.

Its own module, imported when the preamble is first shown (``pagedeck.new_page``): the text box
(TextArea) is the app's heaviest import, and start-up does not need it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from tui_report.model.history import Change, FieldEdit
from tui_report.model.progress import Step
from tui_report.tui.controller import Controller
from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.formpages import FormScroll
from tui_report.tui.widgets.page import Page, PageView, TextTyped
from tui_report.tui.widgets.wrapped import WrappedText


def joined_lines(text: str) -> str:
    """Pasted lines as one line: joined directly between Chinese characters (地址的\n第二行),
    with a space between Latin words."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out += (" " if out[-1].isascii() and line[0].isascii() else "") + line
    return out


class FieldArea(TextArea, inherit_bindings=False):
    """A one-line form field as tall as its value: a long 编制依据 or 联系地址 is shown whole,
    wrapped like the text parts, instead of the tail an Input shows. Enter goes on to the next
    field (the value has no line breaks: pasted lines are joined); PgUp/PgDn and F6/F7 are left
    to the wizard, as in the text box, and so are Ctrl+Z/Ctrl+Y (the report's undo, as before)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            b
            for b in TextArea.BINDINGS
            if isinstance(b, Binding)
            and b.key not in ("pageup", "pagedown", "f6", "f7", "ctrl+z,super+z", "ctrl+y,super+y")
        ),
        Binding(
            "enter",
            "submit",
            "下一项",
            id="field.next",
            priority=True,
            show=False,
            tooltip="前言里：确认这一项，到下一项",
        ),
    ]

    class Submitted(Message):
        """Enter in a field: the value is done."""

        def __init__(self, field: FieldArea) -> None:
            super().__init__()
            self.field = field

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Textual's own paste would put the line breaks in the value
        event.stop()
        if self.read_only:
            return
        result = self.replace(joined_lines(event.text), *self.selection)
        self.move_cursor(result.end_location)


def _field(value: str, field: str, read_only: bool, placeholder: str) -> FieldArea:
    widget = FieldArea(
        value,
        soft_wrap=True,
        tab_behavior="focus",
        show_line_numbers=False,
        read_only=read_only,
        id=f"field-{field.replace('.', '-')}",
        placeholder=placeholder,
    )
    widget.cursor_blink = False
    return widget


class PreamblePage(Page):
    HELP = (
        "前言：统计期限、发布网址、联系方式等，都可以不填；内容长的自动换行，全部显示。"
        "Enter 或 Tab 到下一项，Shift+Tab 回到上一项；"
        "有建议写法的项目（如统计期限），在空白时按 F2 填入建议。"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2",
            "suggest",
            "填入建议",
            id="preamble.suggest",
            tooltip="前言里：在空白项填入建议写法（如统计期限）",
        ),
    ]

    @property
    def built(self) -> bool:
        """Every field of the template's preamble has its box (see :attr:`Page.NEEDS`)."""
        return len(self.query(FieldArea)) == len(self.controller.report.tpl.preamble)

    def suggestion(self, key: str) -> str:
        """The template's suggested text for a field (the year and unit filled in), or ""."""
        report = self.controller.report
        field = next(f for f in report.tpl.preamble if f.key == key)
        return field.default.format(year=report.year, unit=report.unit) if field.default else ""

    def action_suggest(self) -> None:
        focused = self.screen.focused
        if not isinstance(focused, FieldArea) or self.controller.read_only:
            return
        key = (focused.id or "").removeprefix("field-preamble-")
        text = self.suggestion(key)
        if not text:
            self.app.notify("这一项没有建议写法", timeout=2)
        elif not focused.text:
            focused.load_text(text)
            focused.move_cursor(focused.document.end)
            self._take(focused)  # load_text posts no Changed message

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(controller, step)
        self._committed = dict(controller.report.preamble)

    def compose(self) -> ComposeResult:
        report = self.controller.report
        yield Static("前言", classes="page-title")
        with FormScroll(classes="form"):
            for field in report.tpl.preamble:
                yield Static(plain_line(field.label), classes="field-label")
                # One line: an empty box is one line tall (the guidance below says the wording).
                yield _field(
                    report.preamble.get(field.key, ""),
                    f"preamble.{field.key}",
                    self.controller.read_only,
                    placeholder="可不填；按 F2 填入建议写法" if self.suggestion(field.key) else "可不填",
                )
                if field.guidance:
                    yield WrappedText(field.guidance, classes="guidance")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if isinstance(event.text_area, FieldArea):
            self._take(event.text_area)

    def _take(self, field: FieldArea) -> None:
        """A field's text into the model (uncommitted: undo records it on flush)."""
        key = (field.id or "").removeprefix("field-preamble-")
        preamble = self.controller.report.preamble
        if preamble.get(key, "") != field.text:
            if field.text:
                preamble[key] = field.text
            else:
                preamble.pop(key, None)
            self.controller.session.mark_edited()
            self.post_message(TextTyped())

    def on_field_area_submitted(self, event: FieldArea.Submitted) -> None:
        event.stop()
        self.flush()
        self.screen.focus_next()

    def on_descendant_blur(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.built:  # being composed: nothing typed yet, and its boxes may be missing
            return
        preamble = self.controller.report.preamble
        # The boxes' own values: a box's Changed message may still be on its way.
        for field in self.controller.report.tpl.preamble:
            value = self.query_one(f"#field-preamble-{field.key}", FieldArea).text
            if value:
                preamble[field.key] = value
            else:
                preamble.pop(field.key, None)
        edits = []
        for field in self.controller.report.tpl.preamble:
            before = self._committed.get(field.key, "")
            now = preamble.get(field.key, "")
            if before != now:
                edits.append(FieldEdit(f"preamble.{field.key}", before, now))
        self._committed = dict(preamble)
        if edits:
            self.controller.record(Change("前言", tuple(edits)))

    def reload(self) -> None:
        self._committed = dict(self.controller.report.preamble)
        for field in self.controller.report.tpl.preamble:
            widget = self.query_one(f"#field-preamble-{field.key}", FieldArea)
            value = self._committed.get(field.key, "")
            if widget.text != value:
                widget.load_text(value)

    def view_state(self) -> PageView:
        view = super().view_state()
        view.extra = {field.id: field.selection for field in self.query(FieldArea) if field.id}
        return view

    def restore_view(self) -> bool:
        saved = self.saved_view.extra if self.saved_view is not None else None
        focused = super().restore_view()
        if isinstance(saved, dict):
            for field in self.query(FieldArea):
                selection = saved.get(field.id)
                if isinstance(selection, Selection):
                    field.selection = selection
        return focused

    def focus_first(self) -> None:
        self.focus_now(self.query(FieldArea).first())

    def go_to(self, cell: str | None = None, field: str | None = None) -> None:
        if field and field.startswith("preamble."):
            key = field.removeprefix("preamble.")
            self.focus_now(self.query_one(f"#field-preamble-{key}", FieldArea))
        else:
            self.focus_first()
