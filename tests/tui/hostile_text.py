"""Someone else's text, for the tests that feed it through every screen (issue #20 item 1): markup
that would crash (``[/]``), run an action on a click (``[@click=app.quit]``), or vanish
(``[b]``, ``[red]``), a terminal escape (ESC ] 0; … BEL retitles a terminal) and a bidirectional
override (U+202E).

A screen shows such text as it is: the markup literally, the control characters as ``\\x1b``,
``\\u202e`` (:func:`shown`). What it sends to the terminal holds no control character but the
app's own colour sequences (:func:`assert_nothing_raw_sent`). A click on the text runs nothing
(:func:`click_on`). To cover a new screen: put :data:`HOSTILE` where a file brings text, open the
screen, then ``assert_shown(app, HOSTILE)``, ``assert_nothing_raw_sent(app)`` and, where the
text lands in a plain line, ``await click_on(pilot, app, CLICK_TEXT)``.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget

from tui_report.host.terminal import escape_line, has_controls

MARKUP = "甲[/]乙[@click=app.quit]点我[/][b]粗[/b][red]"
CONTROLS = "丁\x1b]0;evil\x07\u202e戊"
HOSTILE = MARKUP + CONTROLS  # 52 characters: fits a unit name (at most 60)
CLICK_TEXT = "点我"  # inside the [@click=app.quit] span
# A file name a colleague can make in the shared folder (no "/" in a name: no [/] here).
HOSTILE_FILE = "坏[@click=(][b]粗\x1b]0;evil\x07.toml"
# A folder's name (the desk's title, 环境检查).
HOSTILE_FOLDER = "县[b]办[@click=app.quit]点我[red]\x1b]0;evil\x07"
# Text of several lines (a text part, a comment): markup on each, an escape at the end.
HOSTILE_LINES = "第一行[/]\n[@click=app.quit]点我[/] [b]粗[/b][red]\n末行\x1b]0;evil\x07\u202e。"

# The app's own sequences in a line sent to the terminal: SGR colours and styles.
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


def shown(text: str) -> str:
    """How a screen shows ``text`` on one line: as it is, control characters as escapes."""
    return escape_line(text)


def screen_lines(app: App[Any]) -> list[str]:
    """The text of each line of the screen as drawn (dialogs over it included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


def assert_shown(app: App[Any], text: str) -> None:
    """``text`` is on the screen, on one line, as it is (markup literal, controls escaped)."""
    drawn = screen_text(app)
    assert shown(text) in drawn, f"{shown(text)!r} is not on the screen:\n{drawn}"


def assert_nothing_raw_sent(app: App[Any]) -> None:
    """Every line as it is sent to the terminal holds no control character of its own: only the
    app's colour sequences."""
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        sent = _SGR.sub("", strip.render(app.console))
        assert not has_controls(sent), f"line {y} sends raw control characters: {sent!r}"


async def click_on(pilot: Pilot[Any], app: App[Any], text: str) -> None:
    """Click the first place the screen shows ``text``; the app must still run afterwards (a
    ``[@click=app.quit]`` read as markup would quit it)."""
    for y, line in enumerate(screen_lines(app)):
        index = line.find(text)
        if index >= 0:
            await pilot.click(offset=(cell_len(line[:index]), y))
            await pilot.pause()
            assert app.is_running and app.return_code is None, "a click on the text ran an action"
            return
    raise AssertionError(f"{text!r} is not on the screen:\n{screen_text(app)}")


def drawn_in(app: App[Any], widget: Widget) -> str:
    """The text drawn in ``widget``'s content region, its lines joined (a wrapped line read on):
    what an operator reads in a dialog whose text wraps."""
    region = widget.content_region
    strips = app.screen._compositor.render_strips()
    lines = [strips[y].crop(region.x, region.right).text.rstrip() for y in range(region.y, region.bottom)]
    return "".join(lines)


def assert_shown_in(app: App[Any], widget: Widget, text: str) -> None:
    drawn = drawn_in(app, widget)
    assert shown(text) in drawn, f"{shown(text)!r} is not in {widget!r}: {drawn!r}"
