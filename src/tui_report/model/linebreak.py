"""Text in terminal cells: the one width helper every face uses (:func:`cells`, :func:`clip`,
:func:`pad`, :func:`fold`), and Chinese line breaking: wrap by display cells, never start a line
with closing punctuation (，。、；：？！）」』 …) nor end one with an opening bracket, keep numbers
and Latin words whole. Used wherever a face measures, cuts or wraps text itself (the grid, the
status line, findings, dialogs, the CLI's tables and help, the workbook's column widths).

No Textual or Rich here: the cell width is the East Asian width (wide and full-width = 2).
(``tui/textual_compat.py`` alone measures with Rich: it cuts Textual's own strips, as Rich did.)"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# May not begin a line (closing brackets and quotes, pauses and stops, middle dot, ellipsis).
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕］｝”’…—·,.;:?!)]}%％‰")
# May not end a line (opening brackets and quotes).
NO_LINE_END = frozenset("（「『《〈【〔［｛“‘([{")


@lru_cache(maxsize=4096)
def char_cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """The width of ``text`` in terminal cells (CJK counts two)."""
    if text.isascii():
        return len(text)
    if len(text) <= 64:
        return _short_cells(text)  # labels and cells, measured on every repaint of a grid line
    return sum(char_cells(ch) for ch in text)


@lru_cache(maxsize=4096)
def _short_cells(text: str) -> int:
    return sum(char_cells(ch) for ch in text)


@lru_cache(maxsize=4096)  # the grid clips the same labels on every repaint
def clip(text: str, width: int, mark: str = "..") -> str:
    """``text`` cut to at most ``width`` cells; a cut ends with ``mark`` (ASCII dots: no glyph of
    ambiguous width), padded with dots to exactly ``width`` when a wide character left a gap."""
    if cells(text) <= width:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        w = char_cells(char)
        if used + w > width - len(mark):
            break
        out.append(char)
        used += w
    return "".join(out) + mark[:1] * (width - used)


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` filled with spaces to ``width`` cells (``<`` left, ``>`` right); never cut."""
    gap = " " * max(0, width - cells(text))
    return gap + text if align == ">" else text + gap


def fold(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken anywhere (a column header in a narrow column);
    :func:`wrap` breaks where Chinese typesetting allows."""
    if width <= 0:
        return [""]
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for char in text:
        w = char_cells(char)
        if used + w > width:
            lines.append("".join(line))
            line, used = [], 0
        line.append(char)
        used += w
    lines.append("".join(line))
    return lines


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_-/")


def _units(text: str) -> list[str]:
    """Pieces that are never split (unless wider than a line): a CJK character, a run of Latin
    letters or digits, a space; closing punctuation glued to what precedes it, opening brackets
    to what follows."""
    units: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        if _is_word_char(text[i]):
            while j < len(text) and (
                _is_word_char(text[j]) or (text[j] in ".,:%+" and _word_goes_on(text, j))
            ):
                j += 1
        units.append(text[i:j])
        i = j
    glued: list[str] = []
    carry = ""
    for unit in units:
        if glued and unit[0] in NO_LINE_START and not carry:
            glued[-1] += unit
        elif unit in NO_LINE_END:
            carry += unit
        else:
            glued.append(carry + unit)
            carry = ""
    if carry:
        glued.append(carry)
    return glued


def _word_goes_on(text: str, j: int) -> bool:
    """A "." "," ":" "%" or "+" inside a number or word (3.5, 1,234, 12:30, Ctrl+S) does not end it."""
    return j + 1 < len(text) and _is_word_char(text[j + 1]) and text[j - 1].isalnum()


def wrap_paragraph(text: str, width: int) -> list[str]:
    width = max(2, width)
    lines: list[str] = []
    line = ""
    used = 0
    for unit in _units(text):
        size = cells(unit)
        if used + size <= width:
            line += unit
            used += size
            continue
        if line.strip():
            lines.append(line.rstrip())
        if unit.isspace():
            line, used = "", 0
            continue
        pieces = fold(unit, width) if size > width else [unit]
        lines.extend(pieces[:-1])
        line = pieces[-1]
        used = cells(line)
    if line or not lines:
        lines.append(line.rstrip())
    return lines


def break_offsets(text: str, width: int) -> list[int]:
    """Where one line of text (no ``\n``) breaks to fit ``width`` cells, by the rules of
    :func:`wrap`, every character kept: the offsets at which the second and later lines start.
    Spaces stay at the end of the line they follow and count in its width (a text box shows them
    and puts its cursor on them); what :func:`wrap` would leave out at a break is kept."""
    width = max(2, width)
    offsets: list[int] = []
    used = 0
    position = 0
    for unit in _spaced_units(text):
        size = cells(unit)
        if used + size > width:
            if used:
                offsets.append(position)
            used = 0
            if size > width:  # wider than a line: folded anywhere
                pieces = fold(unit, width)
                start = position
                for piece in pieces[:-1]:
                    start += len(piece)
                    offsets.append(start)
                size = cells(pieces[-1])
        used += size
        position += len(unit)
    return offsets


def _spaced_units(text: str) -> list[str]:
    """:func:`_units` with each run of spaces glued to what precedes it."""
    units: list[str] = []
    for unit in _units(text):
        if units and unit.isspace():
            units[-1] += unit
        else:
            units.append(unit)
    return units


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells; the text's own line breaks are kept."""
    return [line for paragraph in text.split("\n") for line in wrap_paragraph(paragraph, width)]
