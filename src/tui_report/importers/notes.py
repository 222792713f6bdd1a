"""What the importer tells the operator to check: whole Chinese sentences, each with the dotted path
of the part or cell it concerns (``texts.overview.supervision``, ``tables.requests.results.total.total``,
``unit``), so that ``check`` on a document shows them as findings located there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NoteLevel = Literal["warning", "info"]


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something the importer could not place, or placed with doubt (Chinese)."""

    severity: NoteLevel
    message: str
    location: str = ""
