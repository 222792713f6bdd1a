"""What a line of a report is, as a heading: its level, number and words, and what it is about.

Levels are told by the numbering units print: ``一、`` (a part), ``（一）``/``(1)`` (a sub-heading),
``1.``/``1、`` (an item). A heading is short, on its own line, or run in before its text up to the
first full stop ("（一）主动公开情况。2024年，…"). What it is about comes from the template's own headings
and the vocabulary's words (``schemas/mappings/import.toml``), never from its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from tui_report.importers.labels import normalise_label
from tui_report.importers.vocabulary import Vocabulary, vocabulary, weighted_hits
from tui_report.model.template import Template

Level = Literal["part", "sub", "item"]
_NUMERALS = "一二三四五六七八九十"
_PART = re.compile(r"^([一二三四五六七八九十]{1,3})\s{0,2}[、．.，,]\s{0,3}")
_SUB = re.compile(r"^[（(]\s{0,2}([一二三四五六七八九十]{1,3}|[0-9０-９]{1,2})\s{0,2}[）)]\s{0,3}")
_ITEM = re.compile(r"^([0-9０-９]{1,2})\s{0,2}[.、．]\s{0,2}(?![0-9０-９])")
_LEAD_END = "。：:；;"
MAX_HEADING = 40  # characters of a heading's words (the longest official one has 19)
HEADING_MIN = 85  # similarity (percent) at which a line is taken for a template heading


@dataclass(frozen=True, slots=True)
class Heading:
    """A numbered line: its level, number (as a count from 1), words and the text run in after it."""

    level: Level
    number: int
    mark: str  # the numbering as printed: "五、", "（二）", "1."
    words: str
    rest: str
    line: str

    @property
    def shown(self) -> str:
        """The heading as printed, for the notes (its first words when long)."""
        head = self.line[: len(self.line) - len(self.rest)].rstrip("。：:；; ") if self.rest else self.line
        return shorten(head.strip())


def shorten(text: str, limit: int = 16) -> str:
    text = "".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _number(token: str) -> int:
    token = token.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _NUMERALS.index(token[1]) + 1
    if token.endswith("十"):
        return (_NUMERALS.index(token[0]) + 1) * 10
    if "十" in token:
        tens, ones = token.split("十")
        return (_NUMERALS.index(tens) + 1) * 10 + _NUMERALS.index(ones) + 1
    return _NUMERALS.index(token[0]) + 1 if token[0] in _NUMERALS else 0


def heading_of(line: str) -> Heading | None:
    """The line as a heading, or None when it is not numbered or its words are too long to be one."""
    text = line.strip()
    for level, pattern in (("part", _PART), ("sub", _SUB), ("item", _ITEM)):
        found = pattern.match(text)
        if found is None:
            continue
        body = text[found.end() :]
        stop = min((i for i in (body.find(c) for c in _LEAD_END) if i >= 0), default=-1)
        if 0 < stop <= MAX_HEADING:
            words, rest = body[:stop], body[stop + 1 :].strip()
        elif len(body) <= MAX_HEADING:
            words, rest = body, ""
        else:
            return None
        if not words.strip():
            return None
        return Heading(level, _number(found.group(1)), found.group(0).strip(), words.strip(), rest, text)  # type: ignore[arg-type]
    return None


def _bare(heading: str) -> str:
    """A template heading's words without its number: "（一）主动公开情况" → "主动公开情况"."""
    found = _PART.match(heading) or _SUB.match(heading)
    return normalise_label(heading[found.end() :] if found else heading)


@dataclass(frozen=True, slots=True)
class SectionMatch:
    section: str
    exact: bool  # the template's own words (whatever the number): no note


_HEADINGS: dict[tuple[str, int], tuple[tuple[str, str, str], ...]] = {}


def _template_headings(template: Template) -> tuple[tuple[str, str, str], ...]:
    """(section key, heading normalised, its words without the number), computed once per format."""
    key = (template.id, template.version)
    if key not in _HEADINGS:
        _HEADINGS[key] = tuple(
            (s.key, normalise_label(s.heading), _bare(s.heading)) for s in template.sections
        )
    return _HEADINGS[key]


def template_section(line: str, template: Template) -> SectionMatch | None:
    """The section whose template heading this line is: its words exactly (numbered or not, the
    number may differ when a report numbers its own parts), or the heading fuzzily (a misprint)."""
    heading = heading_of(line)
    if heading is not None and heading.level != "part":
        return None
    head = normalise_label(heading.mark + heading.words if heading is not None else line)
    if len(head) > MAX_HEADING + 4:
        return None
    words = normalise_label(heading.words) if heading is not None else ""
    for key, full, bare in _template_headings(template):
        if head == full or words == bare:
            return SectionMatch(key, True)
    for key, full, _bare_words in _template_headings(template):
        if head[:2] == full[:2] and fuzz.ratio(head, full) >= HEADING_MIN:
            return SectionMatch(key, False)
    return None


def section_by_words(words: str, has_tables: bool, vocab: Vocabulary | None = None) -> str | None:
    """The section a heading's words name (vocabulary ``[[parts]]``), among the parts with tables
    when tables follow it and among the text parts otherwise."""
    vocab = vocab or vocabulary()
    text = normalise_label(words)
    scored = [(weighted_hits(text, p.words), p.section) for p in vocab.parts if p.tables == has_tables]
    best = max(scored, default=(0, ""))
    return best[1] if best[0] > 0 else None


def topic_of_words(words: str, template: Template, vocab: Vocabulary | None = None) -> str | None:
    """The part of 一 a heading's words are about (``overview.platform``), or None."""
    vocab = vocab or vocabulary()
    text = normalise_label(words)
    keys = set(template.text_keys())
    scored = sorted(
        ((weighted_hits(text, t.words), t.part) for t in vocab.topics if t.part in keys), reverse=True
    )
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None  # no word, or two parts' words as strongly: the text decides
    return scored[0][1]


def topic_of_text(text: str, template: Template, vocab: Vocabulary | None = None) -> str | None:
    """The part of 一 a passage is about by how often its words occur: at least ``text_min_hits``
    times and clearly more than any other part; None when it is not clear."""
    vocab = vocab or vocabulary()
    keys = set(template.text_keys())
    counted = sorted(
        ((sum(text.count(word) for word in t.words), t.part) for t in vocab.topics if t.part in keys),
        reverse=True,
    )
    if not counted or counted[0][0] < vocab.text_min_hits:
        return None
    second = counted[1][0] if len(counted) > 1 else 0
    return counted[0][1] if counted[0][0] >= vocab.text_lead * second else None


Agreement = Literal["words", "number", "topic"]


def template_part(heading: Heading, template: Template, section: str) -> tuple[str | None, Agreement | None]:
    """The text part of ``section`` a sub-heading is, and how sure: ``"words"`` when it carries the
    template's words, ``"number"`` when its number and its words agree ("（五）政府信息公开监督保障情况"),
    ``"topic"`` by its words alone (a note follows); (None, None) when its words name no part."""
    parts = next(s for s in template.sections if s.key == section).texts
    words = normalise_label(heading.words)
    for part in parts:
        if part.heading and words == _bare(part.heading):
            return f"{section}.{part.key}", "words"
    topic = topic_of_words(heading.words, template)
    if topic is None or not topic.startswith(f"{section}."):
        return None, None
    numbered = [p for p in parts if p.heading]
    agrees = 0 < heading.number <= len(numbered) and f"{section}.{numbered[heading.number - 1].key}" == topic
    return topic, "number" if agrees else "topic"
