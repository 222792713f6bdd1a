"""A minimal Textual app wired like the real one (EditSession + hang-up guard), used to test the
reliability layer in a real terminal before and independently of the full entry app.

    python mini_app.py REPORT

Type into the field and press Enter: the text becomes texts.other.main (a committed edit, journaled
at once); every keystroke is also journaled with commit=False (debounced). Env MINI_IGNORE_HUP=1
ignores SIGHUP after installing the guard (as if no SIGHUP ever arrived).
"""

from __future__ import annotations

import os
import signal
import sys

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from tui_report.safety.hangup import install_hangup_handlers
from tui_report.session import EditSession


class MiniApp(App[int]):
    def __init__(self, session: EditSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static("MINI-READY " + self.session.path.name)
        yield Input(id="field")

    def on_mount(self) -> None:
        install_hangup_handlers(lambda code: self.exit(return_code=code), self.session.emergency_close)
        if os.environ.get("MINI_IGNORE_HUP"):
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        self.set_interval(1.0, self.session.flush)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.session.report.texts["other.main"] = event.value
        self.session.mark_edited(commit=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.session.report.texts["other.main"] = event.value
        self.session.mark_edited()
        self.query_one(Static).update("COMMITTED " + event.value)


def main() -> int:
    session = EditSession.open(sys.argv[1])
    app = MiniApp(session)
    try:
        app.run()
    finally:
        session.close()
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
