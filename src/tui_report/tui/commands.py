"""The command palette (Ctrl+P): every section and every command of the current screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    """Asks the screen under the palette for ``palette_commands()``: (name, help, callback)."""

    def _commands(self) -> list[tuple[str, str, object]]:
        getter = getattr(self.screen, "palette_commands", None)
        commands = list(getter()) if callable(getter) else []
        return [*commands, ("环境检查", "检查终端、字体、LibreOffice 和报告所在的共享文件夹", self._doctor)]

    def _doctor(self) -> None:
        from tui_report.tui.screens.doctor import DoctorScreen

        controller = getattr(self.app, "controller", None)
        folder = controller.session.path.parent if controller is not None else getattr(self.app, "cwd", None)
        self.app.push_screen(DoctorScreen(folder))

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
