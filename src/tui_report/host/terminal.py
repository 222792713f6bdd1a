"""Text from files, printed to a terminal: control characters escaped.

A report file can carry ``\\x1b]0;…\\x07`` or ``\\x1b[2J`` in a unit name or a text; printed raw by
``tui-report check`` it would retitle or clear the operator's terminal, or worse. Everything from a
file goes through :func:`escape_controls` before it reaches a terminal.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls (U+0080–U+009F: U+009B is a one-character
# CSI for many terminals), and the bidirectional overrides that can hide text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with control characters shown as ``\\x1b`` etc. (newline and tab kept)."""
    return _CONTROLS.sub(_escape, text)


def escape_controls_json(text: str) -> str:
    """The same for JSON text: ``\\u001b`` escapes, which JSON readers turn back into the character."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
