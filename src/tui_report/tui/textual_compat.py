"""The app's only reach into Textual below its public API, in one place.

Each workaround says why it exists; ``tests/tui/test_textual_compat.py`` fails when a Textual
upgrade removes what it relies on (then drop the workaround or adapt it here, nowhere else).

- :func:`install` (called once when the app module loads):
  - scroll bars drawn with whole cells: the default thumb ends are block glyphs of ambiguous width
    that shift the line in PuTTY with CJK settings (``ScrollBar.renderer``, a class attribute);
  - partial screen updates that start where the change starts. Textual writes each changed span
    of a line from the left edge of the widget it falls in (``ChopsUpdate.render_segments`` crops
    only the end), so a cell repainted at the right of a grid resends the whole row left of it,
    row label included. Over a thin SSH link that is most of the bytes of a keystroke.
  - no piece of a partial update that the terminal already shows: Textual repaints a widget
    whole for many reasons that change nothing on the screen (a page shown, then focused, then
    resized; a container refreshed when a hidden child is removed), and each repaint is sent
    again. What each partial update wrote is remembered per line and position (``SentPieces``);
    a full update (``LayoutUpdate``: start, resize, a new screen, resuming) forgets it all.
  - Esc followed by a key in one read (a slow SSH link delivers them together) is Esc, then the
    key. Textual's parser reads it as Alt+key, and Esc+Ctrl+S as Ctrl+S alone
    (``XTermParser._sequence_to_key_events`` with ``alt``): no key of ours uses Alt, while Esc
    closes every dialog, so an operator's Esc must never be lost;
  - a text box's lines broken by Chinese typesetting rules: TextArea wraps at spaces and folds a
    run of Chinese exactly at the edge, so a line could start with "。". Its wrapped view calls
    ``compute_wrap_offsets`` by module name (``textual.document._wrapped_document``), for the
    whole text and again for each edited line: :func:`chinese_wrap_offsets` answers instead
    (``model/linebreak.break_offsets``; a line with a tab is left to Textual).
- :func:`footer_listing_keys`: a Footer that lists its keys in its first frame (it waits for a
  bindings-changed signal after mounting, which costs a second frame at start-up).
- :class:`QuietFooter`: a Footer that is rebuilt (and so repainted) only when the keys it lists
  change. Textual's rebuilds it on every bindings-changed signal (``Footer.bindings_changed``),
  i.e. on every focus change, even between two widgets with the same keys: a page change sent
  the footer line two or three times (#11: bytes per page change).
- :class:`QuietFocusScreen`: a Screen whose focus moving does not repaint it whole. Textual
  declares ``Screen.focused`` a repainting reactive; the widgets that gain and lose the focus
  repaint themselves, so a page change need not resend the title, the section list and the
  footer (#11). Declared again here without the repaint.
- :class:`LineRepaintOptionList`: an OptionList whose new highlight repaints the two lines it
  leaves and reaches, and whose changed prompts repaint their own lines only
  (:meth:`~LineRepaintOptionList.repainting_only`). It declares ``OptionList.highlighted`` again
  without the repaint, hooks Textual's private watcher ``_watch_highlighted`` and narrows
  ``refresh()`` while prompts are replaced (OptionList repaints itself whole for each).
- :class:`ChinesePalette`: the command palette saying 无匹配的命令 when nothing matches. Textual
  writes "No matches found" from inside ``CommandPalette._start_no_matches_countdown`` (a private
  method with the text in a closure); the subclass replaces that method, keeping its behaviour
  (the disabled option with the id ``CommandPalette._NO_MATCHES`` after the same delay).
- :class:`FixedColumnsTable`: a DataTable whose columns all have a set width does not measure
  every cell of every new row. Textual's ``DataTable._update_dimensions`` (run when idle after
  rows are added) measures each cell for its column's content width, used only by columns that
  size themselves; the desk fills 500 rows × 8 columns at its opening and at each sort, and the
  4,000 measures cost more than the rows (~60 ms). Rows with a label or an automatic height, or a
  column without a width, go through Textual's own method.
- no control character of a widget's text reaches the terminal (``Strip.render``, installed by
  :func:`install`): a text box (``Input``, ``TextArea``) shows a report's text as it is, and an
  ESC, a BEL or a bidirectional override in it would be sent raw, retitling or clearing the
  operator's terminal. Each is left out of the line sent (they take no cell, so nothing moves); a
  character that takes a cell (an undecodable byte of a file name) is sent as ``?``. Widgets that
  only show text escape them visibly first (``tui/plain.py``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual._compositor import ChopsUpdate, InlineUpdate, LayoutUpdate
from textual._wrap import compute_wrap_offsets
from textual._xterm_parser import XTermParser
from textual.app import ComposeResult
from textual.command import CommandList, CommandPalette
from textual.document import _wrapped_document
from textual.geometry import Region, Size
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Footer, OptionList
from textual.widgets.data_table import RowKey
from textual.widgets.option_list import Option

from tui_report.host.terminal import has_controls
from tui_report.model.linebreak import break_offsets

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self from Python 3.11


class PlainScrollBarRender(ScrollBarRender):
    """Scroll bars of whole cells: the default thumb ends are block glyphs of ambiguous width."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def char_start(strip: Strip, offset: int) -> int:
    """The cell offset where the character covering ``offset`` starts (never inside a CJK glyph)."""
    x = 0
    for segment in strip:
        width = cell_len(segment.text)
        if x + width <= offset:
            x += width
            continue
        for char in segment.text:
            w = cell_len(char)
            if x + w > offset:
                return x
            x += w
    return min(x, offset)


def char_end(strip: Strip, offset: int) -> int:
    """The cell offset where the character covering ``offset - 1`` ends."""
    x = 0
    for segment in strip:
        for char in segment.text:
            if x >= offset:
                return x
            x += cell_len(char)
    return max(x, offset)


class SentPieces:
    """What the partial updates since the last full one wrote: line → start cell → (end cell,
    the piece as sent). A piece written again at the same cells with the same text and styles
    changes nothing on the terminal."""

    def __init__(self) -> None:
        self.lines: dict[int, dict[int, tuple[int, str]]] = {}

    def shown(self, y: int, start: int, end: int, text: str) -> bool:
        return self.lines.get(y, {}).get(start) == (end, text)

    def wrote(self, y: int, start: int, end: int, text: str) -> None:
        line = self.lines.setdefault(y, {})
        for x in [x for x, (e, _) in line.items() if x < end and e > start]:
            del line[x]  # overwritten, wholly or in part
        line[start] = (end, text)


# One record per console (one per app): what its terminal shows.
_sent: weakref.WeakKeyDictionary[Console, SentPieces] = weakref.WeakKeyDictionary()


def render_spans(update: ChopsUpdate, console: Console) -> str:
    """``ChopsUpdate.render_segments`` that crops each span at both ends and leaves out the
    pieces the terminal already shows."""
    sent = _sent.setdefault(console, SentPieces())
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = update.chops
    chop_ends = update.chop_ends
    last_y = update.spans[-1][0]
    for y, x1, x2 in update.spans:
        written = False
        for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            start = char_start(strip, x1 - x) if x1 > x else 0
            stop = char_end(strip, min(end, x2) - x)
            piece = strip if start == 0 and stop >= end - x else strip.crop(start, stop)
            text = piece.render(console)
            if sent.shown(y, x + start, x + stop, text):
                continue
            sent.wrote(y, x + start, x + stop, text)
            append(move_to(x + start, y).segment.text)
            append(text)
            written = True
        if written and y != last_y:
            append("\n")
    return "".join(sequences)


_textual_full_update = LayoutUpdate.render_segments
_textual_inline_update = InlineUpdate.render_segments


def render_full(update: LayoutUpdate, console: Console) -> str:
    """A full update: the whole screen is sent again, nothing partial is remembered."""
    _sent.pop(console, None)
    return _textual_full_update(update, console)


def render_inline(update: InlineUpdate, console: Console) -> str:
    _sent.pop(console, None)
    return _textual_inline_update(update, console)


_textual_sequence_to_key_events = XTermParser._sequence_to_key_events


def escape_then_key(self: XTermParser, sequence: str, alt: bool = False) -> Iterable[events.Key]:
    """Textual passes ``alt`` for a character that followed a lone ESC in the same read."""
    if alt:
        yield events.Key("escape", "\x1b")
    yield from _textual_sequence_to_key_events(self, sequence, False)


def chinese_wrap_offsets(
    text: str,
    width: int,
    tab_size: int,
    fold: bool = True,
    precomputed_tab_sections: list[tuple[str, int]] | None = None,
) -> list[int]:
    """Where a text box's line wraps: never before closing punctuation (。，、；：？！）」』》…) nor
    after an opening bracket, numbers and Latin words whole; Textual's own where a tab's width
    varies or folding is off."""
    if "\t" in text or not fold:
        return compute_wrap_offsets(text, width, tab_size, fold, precomputed_tab_sections)
    return break_offsets(text, width)


_textual_strip_render = Strip.render


def terminal_safe(text: str) -> str:
    """``text`` without control characters: left out (they take no cell), or ``?`` for one that
    takes a cell."""
    return "".join(("?" if cell_len(ch) else "") if has_controls(ch) else ch for ch in text)


def render_without_controls(strip: Strip, console: Console) -> str:
    """``Strip.render`` that sends no control character of the strip's text (its styles still
    become the usual escape sequences)."""
    if strip._render_cache is None and has_controls(strip.text):
        clean = Strip(
            [Segment(terminal_safe(text), style, control) for text, style, control in strip._segments],
            strip.cell_length,
        )
        strip._render_cache = _textual_strip_render(clean, console)
    return _textual_strip_render(strip, console)


def install() -> None:
    _wrapped_document.compute_wrap_offsets = chinese_wrap_offsets  # type: ignore[attr-defined]
    Strip.render = render_without_controls  # type: ignore[method-assign,assignment]
    ScrollBar.renderer = PlainScrollBarRender
    XTermParser._sequence_to_key_events = escape_then_key  # type: ignore[method-assign]
    ChopsUpdate.render_segments = render_spans  # type: ignore[method-assign,assignment]
    LayoutUpdate.render_segments = render_full  # type: ignore[method-assign,assignment]
    InlineUpdate.render_segments = render_inline  # type: ignore[method-assign,assignment]


def footer_listing_keys(footer: Footer) -> Footer:
    """``footer``, set to list its keys in its first compose (recomposed as usual when bindings
    change)."""
    footer.set_reactive(Footer._bindings_ready, True)
    return footer


KeyListing = tuple[tuple[str, str, str, str, bool, str], ...]


class QuietFooter(Footer):
    """A Footer rebuilt only when the keys it would list differ from the ones it shows."""

    _listing: KeyListing | None = None

    def listing(self, screen: Screen[object]) -> KeyListing:
        app = screen.app
        return tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._listing = self.listing(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        same_screen = self.is_attached and screen is self.screen
        if self._listing is not None and same_screen and self.listing(screen) == self._listing:
            return
        super().bindings_changed(screen)


class QuietFocusScreen(Screen[None]):
    """A screen that is not repainted whole when the focus moves (see the module's notes)."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class LineRepaintOptionList(OptionList):
    """An OptionList that repaints only the lines that change (see the module's notes). Every
    prompt must fit one line (clipped to the list's width), so that option ``i`` is line ``i``."""

    highlighted: reactive[int | None] = reactive(None, repaint=False)

    # While set, a whole-list refresh repaints only these options' lines.
    _only_options: list[int] | None = None

    def _watch_highlighted(self, old: int | None, new: int | None) -> None:
        lines = self.option_lines(i for i in (old, new) if i is not None)
        if lines:  # none: out of sight (the list scrolls, and repaints, to the new one)
            self.refresh(*lines)

    def option_lines(self, indexes: Iterable[int]) -> list[Region]:
        """The visible lines of these options, in the list's content coordinates."""
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        width = self.scrollable_content_region.width
        return [Region(0, i - top, width, 1) for i in sorted(set(indexes)) if 0 <= i - top < height]

    @contextmanager
    def repainting_only(self, indexes: list[int]) -> Iterator[None]:
        """Within it, replacing these options' prompts repaints their lines, not the list."""
        self._only_options = indexes
        try:
            yield
        finally:
            self._only_options = None

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._only_options is not None and not regions and repaint and not layout and not recompose:
            lines = self.option_lines(self._only_options)
            if not lines:
                return self
            regions = tuple(lines)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


NO_MATCHES = "无匹配的命令"


class ChinesePalette(CommandPalette):
    """The command palette with its one English message in Chinese (see the module's notes)."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def no_matches() -> None:
            # Only for a query: an empty one is the list of every command, never "no matches".
            if search_value:
                shown = Option(Text(NO_MATCHES, justify="center"), disabled=True, id=self._NO_MATCHES)
                self.query_one(CommandList).add_option(shown)
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, no_matches)


class FixedColumnsTable(DataTable[Text]):
    """A DataTable of set-width columns that skips measuring each new cell (module docstring)."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new = list(new_rows)
        if any(column.auto_width for column in self.columns.values()) or any(
            row.label is not None or row.auto_height
            for row in (self.rows.get(key) for key in new)
            if row is not None
        ):
            super()._update_dimensions(new)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)
