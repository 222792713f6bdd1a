"""Column widths of a printed table, from the texts of its one-column cells.

Like a browser's automatic table layout: every column has a least width (its widest unbreakable
piece: a number, ``（三）``), a comfortable one (labels on two lines) and a natural one (labels on
one line). When the natural widths fit, the spare room is shared in proportion; otherwise each
column gets the same fraction of the way from one tier to the next that the room allows. The font size is
the first of 五号 / 小五 at which every minimum fits, so that digits never wrap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from tui_report.model.layout import PrintGrid, Span

# A column is never narrower than two characters (总计, 其他).
MIN_COLUMN_EM = 2.0
# Room added to every column so that rounding and font metrics never push a number onto two lines.
SLACK_EM = 0.4
# A label spanning several rows may wrap onto this many lines before it asks for more width.
MAX_LABEL_LINES = 2

# Line-breaking (kinsoku): no line starts with a closing mark, none ends with an opening one.
_NO_BREAK_BEFORE = set("）)】」』”’〕》〉、，。：；！？%．.,:;!?")
_NO_BREAK_AFTER = set("（(【「『“‘〔《〈")


def em_width(text: str) -> float:
    """Width of a text in ems: CJK and full-width characters 1, Latin letters and digits ½."""
    width = 0.0
    for char in text:
        if char in "\r\n":
            continue
        wide = unicodedata.east_asian_width(char) in ("W", "F", "A")
        width += 1.0 if wide else 0.5
    return width


def mm_per_em(size_pt: float) -> float:
    return size_pt * 25.4 / 72


def unbreakable_pieces(text: str) -> list[str]:
    """The pieces a line may not be broken inside: Latin words and numbers, and CJK characters
    glued to their punctuation (``（三）``)."""
    pieces: list[str] = []
    for char in text:
        if pieces:
            prev = pieces[-1][-1]
            ascii_run = char.isascii() and char.isalnum() and prev.isascii() and prev.isalnum()
            if ascii_run or char in _NO_BREAK_BEFORE or prev in _NO_BREAK_AFTER:
                pieces[-1] += char
                continue
        pieces.append(char)
    return [p for p in pieces if p.strip()]


def _needs(span: Span) -> tuple[float, float, float]:
    """Widths in ems a one-column cell asks of its column: the least (its widest unbreakable
    piece), a comfortable one (wrapped onto up to two lines) and the natural one (one line; a label
    spanning several rows counts as wrapped)."""
    text = span.text.strip()
    if not text:
        return 0.0, 0.0, 0.0
    width = em_width(text)
    if span.role == "value":
        return width, width, width
    least = max((em_width(p) for p in unbreakable_pieces(text)), default=0.0)
    wrapped = max(least, math.ceil(width / MAX_LABEL_LINES))
    natural = wrapped if span.role == "row_header" and span.rowspan > 1 else max(least, width)
    return least, wrapped, natural


def _interpolate(low: list[float], high: list[float], room: float) -> list[float]:
    sum_low, sum_high = sum(low), sum(high)
    share = (room - sum_low) / (sum_high - sum_low) if sum_high > sum_low else 0.0
    return [lo + (hi - lo) * share for lo, hi in zip(low, high, strict=True)]


def solve(
    grid: PrintGrid, cells: Sequence[Span], font_pt: float, total_mm: float, pad_mm: float
) -> tuple[float, ...] | None:
    """Column widths in mm adding up to ``total_mm``, or None when the least widths do not fit."""
    tiers = [[MIN_COLUMN_EM] * grid.n_cols for _ in range(3)]
    for span in cells:
        if span.colspan != 1:
            continue
        for tier, need in zip(tiers, _needs(span), strict=True):
            tier[span.col] = max(tier[span.col], need)
    least, wrapped, natural = tiers
    for i in range(grid.n_cols):
        least[i] += SLACK_EM
        wrapped[i] = max(wrapped[i] + SLACK_EM, least[i])
        natural[i] = max(natural[i] + SLACK_EM, wrapped[i])
    unit = mm_per_em(font_pt)
    room = (total_mm - grid.n_cols * 2 * pad_mm) / unit
    if sum(least) > room + 1e-9:
        return None
    if sum(natural) <= room:
        total = sum(natural)
        ems = [n + (room - total) * n / total for n in natural]
    elif sum(wrapped) <= room:
        ems = _interpolate(wrapped, natural, room)
    else:
        ems = _interpolate(least, wrapped, room)
    return tuple(e * unit + 2 * pad_mm for e in ems)


def fit_columns(
    grid: PrintGrid,
    cells: Sequence[Span],
    sizes_pt: Sequence[float],
    total_mm: float,
    pad_mm: float,
) -> tuple[tuple[float, ...], float]:
    """Widths and the largest font size (of ``sizes_pt``, largest first) at which the table fits."""
    for size in sizes_pt:
        widths = solve(grid, cells, size, total_mm, pad_mm)
        if widths is not None:
            return widths, size
    # Nothing fits: equal columns in the smallest size (digits may wrap; better than overflowing).
    size = sizes_pt[-1]
    return tuple(total_mm / grid.n_cols for _ in range(grid.n_cols)), size
