"""The per-user state folder: recovery journals, the recent-reports list.

``$TUI_REPORT_STATE_DIR`` if set, else ``$XDG_STATE_HOME/tui-report``, else
``~/.local/state/tui-report``. A relative ``XDG_STATE_HOME`` is ignored, as the XDG base directory
specification requires: it would put private state wherever the operator happens to stand.
"""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """The state folder (not created)."""
    override = os.environ.get("TUI_REPORT_STATE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "tui-report"
