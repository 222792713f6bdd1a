"""Column widths of a printed table, from the texts of its cells and the font that will draw them.

Like a browser's automatic table layout: every column has a least width (its widest number, or
unbreakable piece such as ``（三）``, measured with the real Latin font's digit widths), a
comfortable one (labels on two lines) and a natural one (labels on one line). When the natural
widths fit, the spare room is shared in proportion; otherwise each column gets the same fraction of
the way from one tier to the next that the room allows. Then every label is broken into lines the
way a CJK line breaker does, and a column whose label would leave a single character on a line
("三、本年/度办理结/果") is widened, taking the room from columns that have some to spare. The font size is
the first of 五号 / 小五 at which every table fits, so that digits never wrap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence

from tui_report.model.layout import PrintGrid, Span

# A column is never narrower than two characters (总计, 其他).
MIN_COLUMN_EM = 2.0
# Room added to every column so that rounding and font metrics never push a number onto two lines.
SLACK_EM = 0.25
# A label spanning several rows may wrap onto this many lines before it asks for more width.
MAX_LABEL_LINES = 2
# Widths tried when a label leaves a single character on a line, in steps of this many ems.
ORPHAN_STEP_EM = 0.25
ORPHAN_MAX_EXTRA_EM = 6.0
POLISH_MAX_EXTRA_EM = 2.0
# A label must break the same way anywhere in this band below its room: renderers differ a little.
BREAK_BAND_EM = (0.0, 0.2)

# Line-breaking (kinsoku): no line starts with a closing mark, none ends with an opening one.
_NO_BREAK_BEFORE = set("）)】」』”’〕》〉、，。：；！？%．.,:;!?")
_NO_BREAK_AFTER = set("（(【「『“‘〔《〈")

LatinWidths = Mapping[str, float]


def em_width(text: str, latin: LatinWidths | None = None) -> float:
    """Width of a text in ems: CJK and full-width characters 1, Latin letters and digits their
    measured width (``latin``), else ½."""
    width = 0.0
    for char in text:
        if char in "\r\n":
            continue
        if unicodedata.east_asian_width(char) in ("W", "F", "A"):
            width += 1.0
        else:
            width += latin.get(char, 0.5) if latin else 0.5
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


def break_lines(text: str, room_em: float, latin: LatinWidths | None = None) -> list[str]:
    """The lines a CJK line breaker makes of a label in ``room_em`` (greedy, kinsoku pieces)."""
    lines: list[str] = []
    line, width = "", 0.0
    for piece in unbreakable_pieces(text.strip()):
        w = em_width(piece, latin)
        if line and width + w > room_em + 1e-9:
            lines.append(line)
            line, width = "", 0.0
        line += piece
        width += w
    if line:
        lines.append(line)
    return lines


def leaves_orphan(text: str, room_em: float, latin: LatinWidths | None = None) -> bool:
    """Whether a label broken in ``room_em`` (or a little less) has a line of one character."""
    text = text.strip()
    if len(text) < 2:
        return False
    for cut in BREAK_BAND_EM:
        lines = break_lines(text, room_em - cut, latin)
        if len(lines) > 1 and any(len(line) == 1 for line in lines):
            return True
    return False


def _needs(span: Span, latin: LatinWidths | None) -> tuple[float, float, float]:
    """Widths in ems a one-column cell asks of its column: the least (its widest unbreakable
    piece), a comfortable one (wrapped onto up to two lines) and the natural one (one line; a label
    spanning several rows counts as wrapped)."""
    text = span.text.strip()
    if not text:
        return 0.0, 0.0, 0.0
    width = em_width(text, latin)
    if span.role == "value":
        return width, width, width
    least = max((em_width(p, latin) for p in unbreakable_pieces(text)), default=0.0)
    wrapped = max(least, math.ceil(width / MAX_LABEL_LINES))
    natural = wrapped if span.role == "row_header" and span.rowspan > 1 else max(least, width)
    return least, wrapped, natural


def _interpolate(low: list[float], high: list[float], room: float) -> list[float]:
    sum_low, sum_high = sum(low), sum(high)
    share = (room - sum_low) / (sum_high - sum_low) if sum_high > sum_low else 0.0
    return [lo + (hi - lo) * share for lo, hi in zip(low, high, strict=True)]


class _Layout:
    """Column widths in ems (text room, without the cell padding) and the labels they must hold."""

    def __init__(self, grid: PrintGrid, cells: Sequence[Span], pad_em: float, latin: LatinWidths | None):
        # Labels that head a group of rows or columns: a single character left on a line of these
        # reads as a misprint ("（三）/不予公/开"). A long one-row label may end on one character.
        self.labels = [
            s
            for s in cells
            if s.role != "value" and len(s.text.strip()) > 1 and (s.rowspan > 1 or s.role != "row_header")
        ]
        # One-row labels: a single character on their last line is avoided where room allows.
        self.row_labels = [
            s for s in cells if s.role == "row_header" and s.rowspan == 1 and len(s.text.strip()) > 1
        ]
        self.pad_em = pad_em
        self.latin = latin
        self.n_cols = grid.n_cols

    def room(self, ems: Sequence[float], span: Span) -> float:
        # A merged cell also has the padding of the columns it covers.
        return sum(ems[span.col : span.last_col + 1]) + (span.colspan - 1) * 2 * self.pad_em

    def orphans(self, ems: Sequence[float]) -> list[Span]:
        return [s for s in self.labels if leaves_orphan(s.text, self.room(ems, s), self.latin)]

    def column_floor(self, least: list[float], col: int) -> float:
        """The least width of a column at which none of its own one-column labels leaves an orphan."""
        own = [s for s in self.labels if s.colspan == 1 and s.col == col]
        width = least[col]
        for _ in range(int(ORPHAN_MAX_EXTRA_EM / ORPHAN_STEP_EM)):
            if not any(leaves_orphan(s.text, width, self.latin) for s in own):
                return width
            width += ORPHAN_STEP_EM
        return least[col]

    def fix_orphans(self, ems: list[float], floors: list[float]) -> list[float]:
        """Widen the last column of each label that leaves a single character on a line, taking
        the room from the columns furthest above their floors."""
        ems = list(ems)
        for _ in range(4 * self.n_cols):
            orphans = self.orphans(ems)
            if not orphans:
                break
            col = orphans[0].last_col
            trial = list(ems)
            for _ in range(int(ORPHAN_MAX_EXTRA_EM / ORPHAN_STEP_EM)):
                trial[col] += ORPHAN_STEP_EM
                donors = [
                    j for j in range(self.n_cols) if j != col and trial[j] - ORPHAN_STEP_EM >= floors[j]
                ]
                if not donors:
                    return ems
                donor = max(donors, key=lambda j: trial[j] - floors[j])
                trial[donor] -= ORPHAN_STEP_EM
                if orphans[0] not in self.orphans(trial):
                    break
            else:
                return ems
            ems = trial
        return ems

    def _orphan(self, ems: Sequence[float], span: Span) -> bool:
        return leaves_orphan(span.text, self.room(ems, span), self.latin)

    def _soft_count(self, ems: Sequence[float]) -> int:
        return sum(self._orphan(ems, s) for s in self.row_labels)

    def polish(self, ems: list[float], floors: list[float]) -> list[float]:
        """Then a column whose one-row labels end on a single character is made a little wider,
        from columns with room to spare, where that leaves fewer such labels and no group label
        with one. (Never narrower: that would wrap more labels and make the table taller.)"""
        ems = list(ems)
        for label in self.row_labels:
            if not self._orphan(ems, label):
                continue
            col, trial = label.last_col, list(ems)
            for _ in range(int(POLISH_MAX_EXTRA_EM / ORPHAN_STEP_EM)):
                donors = [
                    j for j in range(self.n_cols) if j != col and trial[j] - ORPHAN_STEP_EM >= floors[j]
                ]
                if not donors:
                    break
                donor = max(donors, key=lambda j: trial[j] - floors[j])
                trial[col] += ORPHAN_STEP_EM
                trial[donor] -= ORPHAN_STEP_EM
                if not self._orphan(trial, label):
                    if self._soft_count(trial) < self._soft_count(ems) and not self.orphans(trial):
                        ems = trial
                    break
        return ems


def solve(
    grid: PrintGrid,
    cells: Sequence[Span],
    font_pt: float,
    total_mm: float,
    pad_mm: float,
    latin: LatinWidths | None = None,
) -> tuple[float, ...] | None:
    """Column widths in mm adding up to ``total_mm``, or None when the least widths do not fit."""
    tiers = [[MIN_COLUMN_EM] * grid.n_cols for _ in range(3)]
    for span in cells:
        if span.colspan != 1:
            continue
        for tier, need in zip(tiers, _needs(span, latin), strict=True):
            tier[span.col] = max(tier[span.col], need)
    least, wrapped, natural = tiers
    unit = mm_per_em(font_pt)
    layout = _Layout(grid, cells, pad_mm / unit, latin)
    for i in range(grid.n_cols):
        least[i] += SLACK_EM
        least[i] = layout.column_floor(least, i)
        wrapped[i] = max(wrapped[i] + SLACK_EM, least[i])
        natural[i] = max(natural[i] + SLACK_EM, wrapped[i])
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
    ems = layout.polish(layout.fix_orphans(ems, least), least)
    return tuple(e * unit + 2 * pad_mm for e in ems)


def fit_tables(
    grids: Sequence[tuple[PrintGrid, Sequence[Span]]],
    sizes_pt: Sequence[float],
    total_mm: float,
    pad_mm: float,
    latin: LatinWidths | None = None,
) -> tuple[float, list[tuple[float, ...]]]:
    """The largest of ``sizes_pt`` (largest first) at which every table fits — one size for all
    tables — and each table's column widths at it (equal columns for one that fits at no size)."""
    for size in sizes_pt:
        widths = [solve(g, c, size, total_mm, pad_mm, latin) for g, c in grids]
        if all(w is not None for w in widths):
            return size, [w for w in widths if w is not None]
    size = sizes_pt[-1]
    return size, [
        solve(g, c, size, total_mm, pad_mm, latin) or tuple(total_mm / g.n_cols for _ in range(g.n_cols))
        for g, c in grids
    ]
