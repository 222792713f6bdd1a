"""The wizard's table of contents: every section and step with its state, and the progress."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_report.model.linebreak import clip
from tui_report.model.progress import STATE_MARKS, Progress, SectionInfo
from tui_report.tui.plain import plain_line
from tui_report.tui.textual_compat import LineRepaintOptionList


class SectionList(LineRepaintOptionList, inherit_bindings=False):
    """Sections and their steps. Enter opens the step; the marks say 空 (empty), 填 (in progress),
    完 (complete), 错 (has errors) and 可选 (may stay empty, not written). A new highlight or mark repaints its lines only, not the
    whole list: over a thin link the list is a third of a page change's bytes (#11)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in OptionList.BINDINGS if isinstance(b, Binding) and b.key not in ("pageup", "pagedown")),
        Binding("enter", "select", "打开", id="sections.open", show=False),
    ]
    HELP = (
        "目录：↑ ↓ 选择，Enter 打开。[空]未填 [填]填写中 [完]已完成 [错]有错误 "
        "[可选]可以不填（填了才计入进度） [无]留空将打印“无”。左下角“完成”只计必填的部分和已填写的可选部分。"
    )

    def __init__(
        self,
        sections: list[SectionInfo],
        progress: Progress,
        current: str,
        width: int,
        *,
        id: str | None = None,
    ) -> None:
        self.sections = sections
        # Option index → step key
        self.step_at: list[str] = []
        # (title, option id) of each line
        entries: list[tuple[str, str]] = []
        for section in sections:
            if len(section.steps) == 1:
                entries.append((section.heading, section.steps[0].key))
                self.step_at.append(section.steps[0].key)
            else:
                entries.append((section.heading, f"section:{section.key}"))
                self.step_at.append(section.steps[0].key)
                for step in section.steps:
                    entries.append((step.title, step.key))
                    self.step_at.append(step.key)
        self._titles: list[str] = [title for title, _ in entries]
        self._ids = [option_id for _, option_id in entries]
        self._indent = [not i.startswith("section:") and not self._single(i) for i in self._ids]
        # Built with their final prompts: replacing prompts one by one at start-up costs time.
        self._shown = self._prompts(progress, current, width)
        self.current = current
        super().__init__(
            *(Option(plain_line(p), id=i) for p, i in zip(self._shown, self._ids, strict=True)), id=id
        )

    def _single(self, option_id: str) -> bool:
        return any(len(s.steps) == 1 and s.steps[0].key == option_id for s in self.sections)

    # Steps left empty that the export prints as a word (六 → 无): marked with that word.
    will_print: dict[str, str] = {}  # noqa: RUF012  (replaced, never mutated)

    def update_states(self, progress: Progress, current: str, width: int) -> None:
        """Rewrite the prompts whose mark changed (cheap: usually one or two)."""
        self.current = current
        prompts = self._prompts(progress, current, width)
        if prompts != self._shown:
            changed = [
                i for i, prompt in enumerate(prompts) if i >= len(self._shown) or self._shown[i] != prompt
            ]
            # OptionList repaints the whole list for each new prompt; only their lines changed.
            with self.repainting_only(changed):
                for index in changed:
                    self.replace_option_prompt_at_index(index, plain_line(prompts[index]))
            self._shown = prompts

    def _prompts(self, progress: Progress, current: str, width: int) -> list[str]:
        width = max(8, width)
        prompts: list[str] = []
        for index, option_id in enumerate(self._ids):
            if option_id.startswith("section:"):
                state = progress.sections.get(option_id.removeprefix("section:"), "empty")
            else:
                state = progress.steps.get(option_id, "empty")
            pointer = ">" if option_id == current else " "
            indent = " " if self._indent[index] else ""
            mark = self.will_print.get(option_id) or STATE_MARKS[state]
            prompt = f"{pointer}{indent}[{mark}]{self._titles[index]}"
            prompts.append(clip(prompt, width))
        return prompts

    def highlight_step(self, step_key: str) -> None:
        for index, option_id in enumerate(self._ids):
            if option_id == step_key:
                self.highlighted = index
                return
