"""The line editor of one grid cell: what is being typed, where the caret is, and how the keys
change it. Plain Python (no Textual), so every key's effect is tested without a terminal; the
widget (``grid/widget.py``) decides when to start, commit or cancel, and paints the result.

Two modes, named for what the arrows do in them:

- ``overwrite`` — typing a digit on a cell starts it: the cell's value is replaced by what is
  typed, as in a spreadsheet. The arrows, Home and End commit and move the cursor.
- ``in_place`` — F2 or Enter starts it with the cell's value: the arrows, Home and End move the
  caret inside the text.

Both insert at the caret, Backspace deletes left and Delete deletes right of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_report.model.template import CellDef

EditMode = Literal["overwrite", "in_place"]

# Characters that start an overwrite when typed on a cell (ASCII and full-width, from an IME).
NUMBER_START = frozenset("0123456789.-+") | {chr(0xFF10 + i) for i in range(10)} | frozenset("．－＋")


READ_ONLY = "报告以只读方式打开，不能修改"


def edit_refusal(cell: CellDef, read_only: bool, formula: str) -> str | None:
    """Why a cell cannot be typed into (a total: ``formula`` says how it is computed; a report
    opened read-only), or None."""
    if cell.computed:
        return f"{cell.name} 是自动计算的合计，不能填写（{formula}）"
    if read_only:
        return READ_ONLY
    return None


def starts_a_number(text: str) -> bool:
    """Does typing ``text`` on a cell start entering a number (else it is refused)?"""
    return bool(text) and text[0] in NUMBER_START


@dataclass
class CellEditor:
    """The text being typed into the cursor cell, or nothing (``mode`` None)."""

    mode: EditMode | None = None
    buffer: str = ""
    caret: int = 0

    @property
    def editing(self) -> bool:
        return self.mode is not None

    @property
    def arrows_move_caret(self) -> bool:
        """In place the arrows, Home and End move the caret; otherwise they move the cursor."""
        return self.mode == "in_place"

    # ------------------------------------------------------------------ starting and ending
    def overwrite(self, text: str = "") -> None:
        """Start replacing the cell's value with ``text`` (the first key typed, or a paste)."""
        self.mode, self.buffer, self.caret = "overwrite", text, len(text)

    def edit_in_place(self, value: str) -> None:
        """Start editing the cell's value, the caret at its end."""
        self.mode, self.buffer, self.caret = "in_place", value, len(value)

    def finish(self) -> str:
        """Stop editing; the text typed (to be parsed and stored by the caller)."""
        text = self.buffer
        self.cancel()
        return text

    def cancel(self) -> None:
        self.mode, self.buffer, self.caret = None, "", 0

    # ------------------------------------------------------------------ typing
    def insert(self, text: str) -> None:
        self.buffer = self.buffer[: self.caret] + text + self.buffer[self.caret :]
        self.caret += len(text)

    def delete_left(self) -> bool:
        """Backspace; False when there is nothing left of the caret."""
        if self.caret == 0:
            return False
        self.buffer = self.buffer[: self.caret - 1] + self.buffer[self.caret :]
        self.caret -= 1
        return True

    def delete_right(self) -> bool:
        """Delete; False when there is nothing right of the caret."""
        if self.caret >= len(self.buffer):
            return False
        self.buffer = self.buffer[: self.caret] + self.buffer[self.caret + 1 :]
        return True

    # ------------------------------------------------------------------ the caret
    def caret_left(self) -> None:
        self.caret = max(0, self.caret - 1)

    def caret_right(self) -> None:
        self.caret = min(len(self.buffer), self.caret + 1)

    def caret_home(self) -> None:
        self.caret = 0

    def caret_end(self) -> None:
        self.caret = len(self.buffer)

    @property
    def before_caret(self) -> str:
        """The text left of the caret (where the terminal's cursor goes, for an input method)."""
        return self.buffer[: self.caret]
