"""Text from files, as the app shows it: plain text, never markup, control characters escaped.

A unit name, a roster contact, a file name, a lock record's user name, a review comment or an
import note is someone else's text. Textual reads a ``str`` handed to ``Static``, ``Option``, a
toast or the palette as *content markup* (and ``DataTable`` as Rich markup): ``某某乡[/]人民政府``
raises ``MarkupError`` and stops the app, ``[@click=app.quit]点我[/]`` becomes a click action,
``坏[@click=(].toml`` is shown as ``坏.toml``. So text that may come from a file reaches a widget
only as one of these objects, built as plain text:

- :func:`plain` — a ``Content`` with lines of its own (newlines kept);
- :func:`plain_line` — a ``Content`` on one line (a newline shown as ``\\n``: it cannot forge a
  row of a list);
- :func:`plain_lines` — a ``Content`` of several lines, each made one line;
- :func:`plain_cell` — a Rich ``Text`` for a ``DataTable`` cell (the table reads Rich markup).

Each escapes control characters and bidirectional overrides as :mod:`tui_report.host.terminal`
does for the command line (``\\x1b``, ``\\u202e``). :func:`line_text` is the same escape as a
``str``, for text that is measured, wrapped or clipped before it is shown (the cell widths must be
those of what is shown).

Where the app itself makes the whole surface plain, nothing is needed at the call site: every
toast (``ReportApp.notify``), every :class:`~tui_report.tui.widgets.wrapped.WrappedText`, and,
whatever a widget draws, what reaches the terminal (``textual_compat``: no control character in a
line sent). ``tests/tui/test_plain_text.py`` fails on a markup ``str`` built from a variable at a
call site Textual reads as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.content import Content

from tui_report.host.terminal import escape_controls, escape_line


def plain(text: str) -> Content:
    """``text`` shown as it is, on the lines it has: no markup, control characters escaped."""
    return Content(escape_controls(text))


def plain_line(text: str) -> Content:
    """``text`` shown as it is on one line: no markup, every control character (newline
    included) escaped."""
    return Content(escape_line(text))


def plain_lines(lines: Iterable[str]) -> Content:
    """Each of ``lines`` shown as it is on a line of its own."""
    return Content("\n".join(escape_line(line) for line in lines))


def plain_cell(text: str) -> Text:
    """A ``DataTable`` cell shown as it is (the table reads a ``str`` as Rich markup)."""
    return Text(escape_line(text), end="")


def line_text(text: str, *, keep_lines: bool = False) -> str:
    """``text`` as a plain widget will show it (control characters escaped; ``keep_lines``: its
    newlines kept): for measuring, wrapping or clipping before :func:`plain` / :func:`plain_lines`."""
    return escape_controls(text) if keep_lines else escape_line(text)
