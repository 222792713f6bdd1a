"""The command palette (Ctrl+P): every section and every command of the current screen, and the
app's own (帮助, 退出).

Ranking: a top-level heading whose number is the query comes first (五 → 五、存在的主要问题…
before （五）监督保障情况), then Textual's fuzzy score.

Names and help are shown as plain text (:func:`plain_hit`): the palette reads a ``str`` as markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher

from tui_report.tui.appapi import report_app
from tui_report.tui.plain import line_text, plain_line

PaletteEntry = tuple[str, str, Callable[[], object]]
# Palette commands for bindings: binding id → the command's name. Its help (the keys, and the
# binding's tooltip: what it does) comes from the binding itself.
PaletteNames = dict[str, str]
# The section number at the start of a palette name: "跳到：五、…", "跳到：表三 三、…".
_HEADING_NUMBER = re.compile(r"^(?:跳到：)?(?:表\S+ )?(?P<number>[一二三四五六七八九十]+)、")


def heading_rank(name: str, query: str) -> bool:
    """Does the query name this top-level heading by its number (五, 五、, 表五)?"""
    match = _HEADING_NUMBER.match(name)
    wanted = query.strip().removeprefix("表").removesuffix("、")
    return match is not None and match["number"] == wanted


def bound_commands(node: DOMNode, names: PaletteNames) -> list[PaletteEntry]:
    """Palette entries for the bindings of ``node`` named in ``names``, in that order: the help
    says which keys do the same and what the binding does (``F3：列出所有错误和警告…``), read
    from ``node.BINDINGS``, and choosing the entry runs the binding's action, as its key would."""
    from tui_report.tui.keyhelp import keys_of  # when the palette opens, not at start-up

    bindings = [b for b in node.BINDINGS if isinstance(b, Binding)]
    by_id = {b.id: b for b in bindings if b.id}
    entries: list[PaletteEntry] = []
    for binding_id, name in names.items():
        binding = by_id[binding_id]
        keys = keys_of(bindings, binding.action)
        help_text = f"{keys}：{binding.tooltip}" if binding.tooltip else keys
        entries.append(
            (name, help_text, partial(node.app.call_later, node.app.run_action, binding.action, node))
        )
    return entries


def plain_highlight(matcher: Matcher, name: str) -> Content:
    """``Matcher.highlight`` (the query's letters marked in the name) on the name as plain text:
    Textual's reads the name as markup."""
    shown = line_text(name)
    content = plain_line(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    if score:
        for offset in offsets:
            if not shown[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def plain_help(text: str) -> str:
    """A hit's help line as plain text. The palette reads ``help`` as markup only
    (``Content.from_markup``), which returns a ``Content`` as it is (documented)."""
    return cast(str, plain_line(text))


class ScreenCommands(Provider):
    """Asks the screen under the palette for ``palette_commands()``: (name, help, callback)."""

    def _commands(self) -> list[PaletteEntry]:
        getter = getattr(self.screen, "palette_commands", None)
        commands: list[PaletteEntry] = list(getter()) if callable(getter) else []
        commands.append(("环境检查", "检查终端、字体、LibreOffice 和报告所在的共享文件夹", self._doctor))
        for command in self.app.get_system_commands(self.screen):
            commands.append((command.title, command.help, command.callback))
        return commands

    def _doctor(self) -> None:
        from tui_report.tui.screens.doctor import DoctorScreen

        app = report_app(self.app)
        folder = app.controller.session.path.parent if app.controller is not None else app.cwd
        self.app.push_screen(DoctorScreen(folder.absolute()))

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(
                plain_line(name), partial(self._run, callback), text=name, help=plain_help(help_text)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if heading_rank(name, query):
                score += 1000.0  # above any fuzzy score (Textual's reach single digits)
            if score > 0:
                yield Hit(
                    score,
                    plain_highlight(matcher, name),
                    partial(self._run, callback),
                    text=name,
                    help=plain_help(help_text),
                )

    @staticmethod
    def _run(callback: object) -> None:
        if callable(callback):
            callback()
