"""Text shown whole: wrapped by display cells with Chinese line-start rules (no line begins with
，。、；：？！）」』 …), as tall as it needs (up to ``max-height`` in CSS, then it scrolls).

Textual folds a run of Chinese characters exactly at the edge, so a line may begin with "，";
this widget breaks the lines itself (:func:`tui_report.model.linebreak.wrap`) for the width it
is given, again on every resize. Toasts are wrapped by the same rules before Textual shows them
(:func:`toast_text`).

The text is shown as it is (never read as markup), with control characters escaped
(``\\x1b``, ``\\u202e``; newlines kept): dialogs and notes show text from files through it
(``tui/plain.py``)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.widget import Widget

from tui_report.host.terminal import escape_controls
from tui_report.model.linebreak import break_offsets, cells, wrap

# A toast's width in app.tcss (``Toast``): 60 cells, at most half of Textual's toast rack (the
# screen less its vertical scroll bar, 2 cells), one cell of padding on each side.
TOAST_WIDTH, TOAST_SHARE, TOAST_PADDING, TOAST_RACK_SCROLLBAR = 60, 0.5, 2, 2


def changed_span(old: str, new: str, width: int) -> tuple[int, int]:
    """The cells [x1, x2) where two lines (padded to ``width``) differ, cut at whole characters."""
    old, new = old + " " * (width - cells(old)), new + " " * (width - cells(new))
    x1 = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        x1 += cells(a)
    suffix = 0
    for a, b in zip(reversed(old), reversed(new), strict=False):
        if a != b:
            break
        suffix += cells(a)
    return x1, max(x1, width - suffix)


class WrappedText(Widget):
    DEFAULT_CSS = """
    WrappedText {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None, keep_height: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = escape_controls(text)
        # With keep_height the widget grows for a longer text but never shrinks again: a shrink
        # moves whatever is above or beside it, and the compositor repaints all of that (the
        # table page's message under the grid: ~6 KB per key over the link instead of ~200 B).
        self._keep_height = keep_height
        self._tallest = 0

    @property
    def text(self) -> str:
        return self._text

    def update(self, text: str) -> None:
        text = escape_controls(text)
        if text == self._text:
            return
        width = self.content_size.width
        old = self.lines(width) if width else []
        self._text = text
        new = self.lines(width) if width else []
        if not width or len(old) != len(new) or not self.is_mounted:
            self.refresh(layout=True)
            return
        # Same height: repaint only the changed stretch of each line (bytes over a slow link).
        spans = [changed_span(a, b, width) for a, b in zip(old, new, strict=True)]
        regions = [Region(x1, y, x2 - x1, 1) for y, (x1, x2) in enumerate(spans) if x2 > x1]
        if regions:
            self.refresh(*regions)

    def lines(self, width: int) -> list[str]:
        lines = wrap(self._text, width) if self._text else []
        if self._keep_height:
            self._tallest = max(self._tallest, len(lines))
            lines += [""] * (self._tallest - len(lines))
        return lines

    def on_resize(self) -> None:
        self._tallest = 0  # the whole screen is laid out again anyway

    def render(self) -> Content:
        return Content("\n".join(self.lines(self.content_size.width or 1)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cells(line) for line in self._text.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width)) if width else 0


def toast_width(screen_width: int) -> int:
    """The cells a toast's text has on a screen this wide (app.tcss ``Toast``)."""
    rack = screen_width - TOAST_RACK_SCROLLBAR
    return max(10, min(TOAST_WIDTH, int(rack * TOAST_SHARE)) - TOAST_PADDING)


def toast_text(message: str, width: int) -> str:
    """A notification's plain text, its lines broken where Chinese typesetting allows (never
    ``已恢复 1`` / ``处修改…`` at a space, nor a line starting with ，。). Textual would fold it at
    the last space or exactly at the edge; lines that fit are left alone."""
    lines: list[str] = []
    for line in message.split("\n"):
        cuts = break_offsets(line, width)
        lines.extend(line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True))
    return "\n".join(lines)
