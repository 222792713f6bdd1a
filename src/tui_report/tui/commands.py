"""The command palette (Ctrl+P): every section and every command of the current screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    """Asks the screen under the palette for ``palette_commands()``: (name, help, callback)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        getter = getattr(self.screen, "palette_commands", None)
        return list(getter()) if callable(getter) else []

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, partial(self._run, callback), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(self._run, callback), text=name, help=help_text
                )

    @staticmethod
    def _run(callback: object) -> None:
        if callable(callback):
            callback()
