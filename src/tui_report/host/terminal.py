"""Text from files, shown to a terminal or written for another program: control characters made
harmless. This module is the one place that decides what is a control character.

A report file, a roster or a file name can carry ``\\x1b]0;…\\x07`` or ``\\x1b[2J`` in a unit name
or a text; printed raw by ``tui-report check`` it would retitle or clear the operator's terminal,
or worse. A newline in a file name would forge a row of a listing; a bidirectional override
(U+202E) shows ``gpj.exe`` as ``exe.jpg``; an undecodable byte of a file name (kept by Python as a
lone surrogate) makes printing fail. So:

- :func:`escape_line` — one line of output (a listing row, a message): every control character
  shown as ``\\x1b``, ``\\n``, ``\\u202e``, including newline and tab, so it stays one line;
- :func:`escape_controls` — text with lines of its own (newline and tab kept);
- :func:`escape_controls_json` — JSON text: C1 controls, bidi controls and lone surrogates as
  ``\\u`` escapes (``json.dumps`` escapes only C0), which JSON readers turn back into the character;
- :func:`strip_controls` — the same characters removed (spreadsheet cells cannot hold C0 controls).
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (U+0080–U+009F: U+009B is a one-character CSI for many terminals),
# the bidirectional marks, embeddings, overrides and isolates that can reorder or hide text, the
# Unicode line and paragraph separators (a new line for some programs), and lone surrogates (an
# undecodable byte of a file name, kept by Python's surrogateescape as U+DC80–U+DCFF), and the
# noncharacters U+FFFE/U+FFFF (no XML file may hold them).
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_CONTROLS_ALL = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_CONTROLS_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")  # tab and newline kept
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the file name's original byte
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_line(text: str) -> str:
    """``text`` on one line: every control character shown as an escape (``\\n``, ``\\x1b``…)."""
    return _CONTROLS_ALL.sub(_escape, text)


def escape_controls(text: str) -> str:
    """``text`` with control characters shown as ``\\x1b`` etc. (newline and tab kept)."""
    return _CONTROLS_KEEP_LINES.sub(_escape, text)


def escape_controls_json(text: str) -> str:
    """JSON text (from ``json.dumps(…, ensure_ascii=False)``) with every control character that is
    still raw in it as a ``\\u`` escape."""
    return _CONTROLS_ALL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def strip_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` without control characters (for a file format that cannot hold them);
    ``keep_lines``: newline and tab kept."""
    return (_CONTROLS_KEEP_LINES if keep_lines else _CONTROLS_ALL).sub("", text)


def has_controls(text: str) -> bool:
    return _CONTROLS_ALL.search(text) is not None


def utf8_terminal_problem(encoding: str | None) -> str | None:
    """Why a terminal whose output has ``encoding`` cannot show the app (None: it can). Printed
    before the app starts, so in English as well as any terminal can show it."""
    if (encoding or "").lower().replace("-", "") == "utf8":
        return None
    return (
        f"tui-report needs a UTF-8 terminal (now {encoding}): export LANG=C.UTF-8 and set the "
        "terminal's character set to UTF-8."
    )
