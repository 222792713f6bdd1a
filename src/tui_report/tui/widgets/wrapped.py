"""Text shown whole: wrapped by display cells with Chinese line-start rules (no line begins with
，。、；：？！）」』 …), as tall as it needs (up to ``max-height`` in CSS, then it scrolls).

Textual folds a run of Chinese characters exactly at the edge, so a line may begin with "，";
this widget breaks the lines itself (:func:`tui_report.model.linebreak.wrap`) for the width it
is given, again on every resize."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tui_report.model.linebreak import cells, wrap


class WrappedText(Widget):
    DEFAULT_CSS = """
    WrappedText {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def update(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.refresh(layout=True)

    def lines(self, width: int) -> list[str]:
        return wrap(self._text, width) if self._text else []

    def render(self) -> Content:
        return Content("\n".join(self.lines(self.content_size.width or 1)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cells(line) for line in self._text.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width)) if width else 0
