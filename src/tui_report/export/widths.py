"""Column widths of a printed table, from the texts of its cells and the font that will draw them.

Like a browser's automatic table layout: every column has a least width (its widest number, or
unbreakable piece such as ``（三）``, measured with the real Latin font's digit widths), a
comfortable one (labels on two lines) and a natural one (labels on one line). When the natural
widths fit, the spare room is shared in proportion; otherwise each column gets the same fraction of
the way from one tier to the next that the room allows. Then every label is broken into lines the
way a CJK line breaker does, and a column whose label would leave a single character on a line
("三、本年/度办理结/果") is widened, taking the room from columns that have some to spare. A label
still ending on one character, a row's own too ("2.其他法律行政法规禁止公/开"), then gets its column
reflowed: other columns give room, even by jumping to more lines of their own labels; one no reflow
fixes is set a size smaller (:func:`shrunk_labels`). The font size is the first of 五号 / 小五 at
which every table fits, so that digits never wrap.
"""

from __future__ import annotations

import functools
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
# A group label ("（三）不予公开") left with a single character on a line outweighs this many one-row
# labels doing so: moving columns never trades one for the other.
GROUP_LABEL_BADNESS = 1000
# A label must break the same way anywhere in this band around its room (a little wider, down to a
# fifth of an em narrower): renderers differ a little, and a label exactly as wide as its room is a
# knife edge.
BREAK_BAND_EM = (-0.05, 0.0, 0.2)

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
    return list(_pieces(text))


@functools.lru_cache(maxsize=4096)
def _pieces(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    for char in text:
        if pieces:
            prev = pieces[-1][-1]
            ascii_run = char.isascii() and char.isalnum() and prev.isascii() and prev.isalnum()
            if ascii_run or char in _NO_BREAK_BEFORE or prev in _NO_BREAK_AFTER:
                pieces[-1] += char
                continue
        pieces.append(char)
    return tuple(p for p in pieces if p.strip())


def break_lines(text: str, room_em: float, latin: LatinWidths | None = None) -> list[str]:
    """The lines a CJK line breaker makes of a label in ``room_em`` (greedy, kinsoku pieces)."""
    lines: list[str] = []
    line, width = "", 0.0
    for piece in _pieces(text.strip()):
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
        self._orphan_memo: dict[tuple[str, float], bool] = {}

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
        # Memoised: the reflow search asks about the same label at the same widths many times.
        key = (span.text, round(self.room(ems, span), 6))
        known = self._orphan_memo.get(key)
        if known is None:
            known = self._orphan_memo[key] = leaves_orphan(span.text, key[1], self.latin)
        return known

    def all_orphans(self, ems: Sequence[float]) -> set[Span]:
        """Every label, group or one-row, that leaves a single character on a line."""
        return {s for s in (*self.labels, *self.row_labels) if self._orphan(ems, s)}

    def badness(self, ems: Sequence[float]) -> int:
        """How bad the labels ending on a single character are: a group label's counts more than
        all one-row labels together, which can still be set a size smaller."""
        return sum(GROUP_LABEL_BADNESS if s in self.labels else 1 for s in self.all_orphans(ems))

    def reflow(self, ems: list[float], floors: list[float]) -> list[float]:
        """Then a label still ending on a single character ("2.其他法律行政法规禁止公/开") gets its
        column widened just enough, the room taken from other columns, which may jump past widths
        where their own labels would end on one character: "三、本年度办理结果" gives an em by going
        from two lines to three ("三、本/年度办/理结果"). A move is kept when it leaves fewer such
        labels; what no move fixes is set a size smaller (:func:`shrunk_labels`)."""
        ems = list(ems)
        while True:
            badness = self.badness(ems)
            for label in sorted(self.all_orphans(ems), key=lambda s: (s.row, s.col)):
                better = self._reflow_one(ems, floors, label, badness)
                if better is not None:
                    ems = better
                    break
            else:
                return ems

    def _reflow_one(
        self, ems: list[float], floors: list[float], label: Span, badness: int
    ) -> list[float] | None:
        col = label.last_col
        for step in range(1, int(ORPHAN_MAX_EXTRA_EM / ORPHAN_STEP_EM) + 1):
            trial = list(ems)
            trial[col] += step * ORPHAN_STEP_EM
            if self._orphan(trial, label):
                continue
            paid = self._take(trial, floors, col, step * ORPHAN_STEP_EM, badness)
            if paid is not None:
                return paid
        return None

    def _take(
        self, trial: list[float], floors: list[float], col: int, owed: float, badness: int
    ) -> list[float] | None:
        """``trial`` with ``owed`` ems taken from the other columns, those with most to spare first;
        a column giving more than is owed gives the surplus to ``col``. None when every way leaves
        the labels as bad as ``badness`` or worse."""
        trial = list(trial)
        donors = sorted((j for j in range(self.n_cols) if j != col), key=lambda j: floors[j] - trial[j])
        for j in donors:
            partial: list[float] | None = None
            width = trial[j] - ORPHAN_STEP_EM
            while width >= floors[j] - 1e-9:
                gift = trial[j] - width
                candidate = list(trial)
                candidate[j] = width
                candidate[col] += max(0.0, gift - owed)
                left = self.badness(candidate)
                if gift >= owed - 1e-9 and left < badness:
                    return candidate
                if gift < owed and left <= badness:
                    partial = candidate
                width -= ORPHAN_STEP_EM
            if partial is not None:
                owed -= trial[j] - partial[j]
                trial = partial
        return None


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
    ems = layout.reflow(layout.fix_orphans(ems, least), least)
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


def shrunk_labels(
    cells: Sequence[Span],
    widths_mm: Sequence[float],
    font_pt: float,
    smaller_pt: Sequence[float],
    pad_mm: float,
    latin: LatinWidths | None = None,
) -> dict[tuple[int, int], float]:
    """The labels that still end on a single character at the table's size however the columns
    are shared ("5.属于三类内部事务信/息" among five-digit numbers), keyed by (row, column), each
    with the first of ``smaller_pt`` at which it does not. A label no size helps keeps the table's."""
    sizes: dict[tuple[int, int], float] = {}
    for span in cells:
        if span.role == "value" or len(span.text.strip()) < 2:
            continue
        room_mm = sum(widths_mm[span.col : span.last_col + 1]) - 2 * pad_mm
        if not leaves_orphan(span.text, room_mm / mm_per_em(font_pt), latin):
            continue
        for size in smaller_pt:
            if size < font_pt and not leaves_orphan(span.text, room_mm / mm_per_em(size), latin):
                sizes[(span.row, span.col)] = size
                break
    return sizes
