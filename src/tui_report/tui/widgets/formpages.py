"""The report's metadata (unit, level, year) as a simple form; ``FormScroll`` for the forms."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_report.model.history import Change, FieldEdit
from tui_report.model.progress import Step
from tui_report.model.report import unit_problem, year_text_problem
from tui_report.model.template import LEVEL_LABELS
from tui_report.tui.controller import Controller
from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.page import Page, TextTyped
from tui_report.tui.widgets.wrapped import WrappedText


class FormScroll(VerticalScroll, inherit_bindings=False):
    """A scrolling form that leaves PgUp/PgDn to the wizard (previous/next section)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in VerticalScroll.BINDINGS if isinstance(b, Binding) and b.key not in ("pageup", "pagedown")
    ]


# The level list's first entry: a report whose level is not chosen yet (an import that could not
# tell it); check lists it (META) and submit refuses until a level is chosen.
UNSET_LEVEL = "unset"
UNSET_LEVEL_LABEL = "未选择"


def _level_index(level: str | None) -> int:
    return 0 if level is None else 1 + list(LEVEL_LABELS).index(level)


def _input(value: str, field: str, read_only: bool, placeholder: str = "") -> Input:
    widget = Input(value, id=f"field-{field.replace('.', '-')}", placeholder=placeholder, disabled=read_only)
    widget.cursor_blink = False
    return widget


class MetaPage(Page):
    NEEDS = ("#field-unit", "#field-year", "#field-level")
    HELP = "报告信息：单位名称、层级和年度。Tab/Shift+Tab 在各项之间移动，Enter 确认。"

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(controller, step)
        report = controller.report
        self._committed: dict[str, object] = {"unit": report.unit, "year": report.year}

    def compose(self) -> ComposeResult:
        report = self.controller.report
        ro = self.controller.read_only
        yield Static("报告信息", classes="page-title")
        with FormScroll(classes="form"):
            yield Static("单位名称（如：尉氏县大马乡人民政府）", classes="field-label")
            yield _input(report.unit, "unit", ro)
            yield Static("报告年度", classes="field-label")
            yield _input(str(report.year), "year", ro)
            yield Static("单位层级（↑ ↓ 选择，Enter 确认）", classes="field-label")
            levels = OptionList(
                Option(plain_line(UNSET_LEVEL_LABEL), id=UNSET_LEVEL),
                *[Option(plain_line(label), id=key) for key, label in LEVEL_LABELS.items()],
                id="field-level",
            )
            levels.disabled = ro
            yield levels
            template = report.tpl
            yield WrappedText(f"模板：{template.name}（{template.basis}）", classes="guidance")

    def on_mount(self) -> None:
        levels = self.query_one("#field-level", OptionList)
        levels.highlighted = _level_index(self.controller.report.level)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        report = self.controller.report
        if event.input.id == "field-unit":
            problem = unit_problem(event.value, report.tpl)
            if problem is not None:  # kept in the box to shorten, not in the report
                if not event.input.has_class("-invalid"):  # said once, not at every key
                    self.app.notify(problem, severity="warning", timeout=5)
                event.input.add_class("-invalid")
            elif report.unit != event.value:
                event.input.remove_class("-invalid")
                report.unit = event.value
                self.controller.session.mark_edited()
                self.post_message(TextTyped())
            else:
                event.input.remove_class("-invalid")
        elif event.input.id == "field-year":
            text = event.value.strip().translate({0xFF10 + i: ord("0") + i for i in range(10)})
            problem = year_text_problem(text, report.tpl)
            if problem is None:
                if report.year != int(text):
                    report.year = int(text)
                    self.controller.session.mark_edited()
                    self.post_message(TextTyped())
                    event.input.remove_class("-invalid")
            else:
                event.input.add_class("-invalid")
                self.app.notify(problem, severity="warning", timeout=3)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.flush()
        self.screen.focus_next()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        level = None if event.option.id == UNSET_LEVEL else event.option.id
        report = self.controller.report
        if level != report.level:
            self.controller.apply(Change("单位层级", (FieldEdit("level", report.level, level),)))
            self.post_message(TextTyped())  # the saved mark and the progress follow at once

    def on_descendant_blur(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.built:  # being composed: nothing typed yet, and its boxes may be missing
            return
        report = self.controller.report
        edits = []
        for field in ("unit", "year"):
            now = getattr(report, field)
            if now != self._committed[field]:
                edits.append(FieldEdit(field, self._committed[field], now))
                self._committed[field] = now
        if edits:
            self.controller.record(Change("报告信息", tuple(edits)))

    def reload(self) -> None:
        report = self.controller.report
        self._committed = {"unit": report.unit, "year": report.year}
        unit = self.query_one("#field-unit", Input)
        if unit.value != report.unit:
            unit.value = report.unit
        year = self.query_one("#field-year", Input)
        if year.value != str(report.year):
            year.value = str(report.year)
        self.query_one("#field-level", OptionList).highlighted = _level_index(report.level)

    def focus_first(self) -> None:
        self.focus_now(self.query_one("#field-unit", Input))
