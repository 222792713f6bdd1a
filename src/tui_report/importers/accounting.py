"""Where an imported document's paragraphs went (its own module: placing rows and reading texts
both count)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Accounting:
    """Where the document's paragraphs went: characters (spaces not counted) by destination."""

    chars: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, text: str) -> None:
        self.chars[kind] = self.chars.get(kind, 0) + len("".join(text.split()))

    @property
    def total(self) -> int:
        return sum(self.chars.values())
